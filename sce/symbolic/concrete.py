"""Concrete sizes: z_1..z_n as plain symbols, and softmax, cross-entropy, J, ∇, H for them."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

import sympy as sp

from sce.symbolic.symbols import _BASES, n

Expr = sp.Basic

# --------------------------------------------------------------------------------------------
# Symbols: concrete n
# --------------------------------------------------------------------------------------------


@cache
def _symbol(name: str, index: tuple[int, ...], positive: bool, real: bool) -> sp.Symbol:
    label = name if len(name) == 1 else "{" + name + "}"
    sub = ",".join(str(a) for a in index) if len(index) > 1 else str(index[0])
    sym = sp.Symbol(
        f"{label}_{{{sub}}}" if len(index) > 1 else f"{label}_{sub}",
        positive=positive or None,
        real=real or None,
    )
    if name in _BASES:
        _INDEXED_OF[sym] = (_BASES[name], index)
    return sym


#: concrete symbol → (IndexedBase, integer indices), so definitions still unfold it
_INDEXED_OF: dict[sp.Symbol, tuple[sp.IndexedBase, tuple[int, ...]]] = {}


def _to_symbols(expr: Any) -> Any:
    """Indexed objects with integer indices → plain symbols (z[2] → z_2); concrete form."""
    reps = {
        a: _symbol(
            str(a.base.label),
            tuple(int(b) for b in a.indices),
            bool(a.is_positive),
            bool(a.is_real),
        )
        for a in expr.atoms(sp.Indexed)
        if all(b.is_Integer for b in a.indices)
    }
    return expr.xreplace(reps) if reps else expr


def concrete_symbols(size: int) -> tuple[tuple[sp.Symbol, ...], tuple[sp.Symbol, ...]]:
    """Logits z_1..z_size and labels y_1..y_size as real SymPy symbols.

    Parameters
    ----------
    size : int
        Number of classes, at least 1.

    Returns
    -------
    tuple of tuple of sympy.Symbol
        ``(zs, ys)``; these are the symbols the concrete-n checks use.

    Raises
    ------
    ValueError
        If `size` < 1.

    Examples
    --------
    >>> zs, ys = concrete_symbols(3)
    >>> zs, ys
    ((z_1, z_2, z_3), (y_1, y_2, y_3))
    """
    if int(size) != size or size < 1:
        raise ValueError(f"size must be a positive integer, not {size!r}")
    zs = tuple(_symbol("z", (a,), False, True) for a in range(1, size + 1))
    ys = tuple(_symbol("y", (a,), False, True) for a in range(1, size + 1))
    return zs, ys


def _as_vector(values: Sequence[Any]) -> list[sp.Expr]:
    values = list(values)
    if not values:
        raise ValueError("need at least one component")
    return [sp.sympify(a) for a in values]


def softmax(zs: Sequence[Any]) -> sp.Matrix:
    """Softmax of concrete logits, as a column vector e^{z_i} / Σ_k e^{z_k}.

    Parameters
    ----------
    zs : sequence of sympy expressions
        The logits.

    Returns
    -------
    sympy.Matrix

    Raises
    ------
    ValueError
        If `zs` is empty.

    Examples
    --------
    >>> softmax(concrete_symbols(2)[0]).T
    Matrix([[exp(z_1)/(exp(z_1) + exp(z_2)), exp(z_2)/(exp(z_1) + exp(z_2))]])
    """
    zs = _as_vector(zs)
    total = sp.Add(*[sp.exp(a) for a in zs])
    return sp.Matrix([sp.exp(a) / total for a in zs])


def log_softmax(zs: Sequence[Any]) -> sp.Matrix:
    """Log-softmax of concrete logits, z_i − log Σ_k e^{z_k}.

    Parameters
    ----------
    zs : sequence of sympy expressions

    Returns
    -------
    sympy.Matrix

    Raises
    ------
    ValueError
        If `zs` is empty.

    Examples
    --------
    >>> log_softmax([sp.Integer(0), sp.Integer(0)]).T
    Matrix([[-log(2), -log(2)]])
    """
    zs = _as_vector(zs)
    lse = sp.log(sp.Add(*[sp.exp(a) for a in zs]))
    return sp.Matrix([a - lse for a in zs])


def cross_entropy(zs: Sequence[Any], ys: Sequence[Any]) -> sp.Expr:
    """Cross-entropy −Σ_i y_i log softmax(z)_i of concrete logits, in log-softmax form.

    Parameters
    ----------
    zs, ys : sequence of sympy expressions
        Logits and labels, of equal length.

    Returns
    -------
    sympy.Expr

    Raises
    ------
    ValueError
        If the lengths differ or are zero.

    Examples
    --------
    >>> cross_entropy([sp.Integer(0), sp.Integer(0)], [1, 0])
    log(2)
    """
    zs, ys = _as_vector(zs), _as_vector(ys)
    if len(zs) != len(ys):
        raise ValueError(f"{len(zs)} logits but {len(ys)} labels")
    return -sp.Add(*[b * a for a, b in zip(log_softmax(zs), ys, strict=True)])


def jacobian(zs: Sequence[Any]) -> sp.Matrix:
    """The softmax Jacobian [∂ŷ_i/∂z_j] of concrete symbolic logits, by differentiation.

    Parameters
    ----------
    zs : sequence of sympy.Symbol
        The logits (symbols, so that they can be differentiated by).

    Returns
    -------
    sympy.Matrix
        n × n.

    Raises
    ------
    ValueError
        If `zs` is empty.

    Examples
    --------
    >>> zs, _ = concrete_symbols(2)
    >>> J = jacobian(zs)
    >>> p = softmax(zs)
    >>> sp.cancel(J - (sp.diag(*p) - p * p.T)) == sp.zeros(2, 2)
    True
    """
    return softmax(zs).jacobian(_as_vector(zs))


def gradient(zs: Sequence[Any], ys: Sequence[Any]) -> sp.Matrix:
    """The gradient [∂E/∂z_j] of the cross-entropy of concrete logits, by differentiation.

    Parameters
    ----------
    zs : sequence of sympy.Symbol
    ys : sequence of sympy expressions

    Returns
    -------
    sympy.Matrix
        Column vector.

    Raises
    ------
    ValueError
        If the lengths differ or are zero.

    Examples
    --------
    >>> zs, ys = concrete_symbols(2)
    >>> g = gradient(zs, ys)
    >>> sp.cancel(g - ((ys[0] + ys[1]) * softmax(zs) - sp.Matrix(ys))) == sp.zeros(2, 1)
    True
    """
    return sp.Matrix([cross_entropy(zs, ys)]).jacobian(_as_vector(zs)).T


def hessian(zs: Sequence[Any], ys: Sequence[Any]) -> sp.Matrix:
    """The Hessian [∂²E/∂z_j∂z_k] of the cross-entropy of concrete logits, by differentiation.

    Parameters
    ----------
    zs : sequence of sympy.Symbol
    ys : sequence of sympy expressions

    Returns
    -------
    sympy.Matrix

    Raises
    ------
    ValueError
        If the lengths differ or are zero.

    Examples
    --------
    >>> zs, ys = concrete_symbols(2)
    >>> H, J = hessian(zs, [1, 0]), jacobian(zs)
    >>> sp.cancel(H - J) == sp.zeros(2, 2)
    True
    """
    return sp.hessian(cross_entropy(zs, ys), _as_vector(zs))


def vector(base: sp.IndexedBase, size: Any = n) -> sp.MatrixSymbol:
    r"""The column-vector matrix symbol for an indexed base (ŷ as a vector, for matrix forms).

    In concrete checks its entries become ``base[1] .. base[size]``.

    Parameters
    ----------
    base : sympy.IndexedBase
        One of this module's bases (z, y, ŷ, v, ...).
    size : int or sympy.Symbol
        Its length.

    Returns
    -------
    sympy.MatrixSymbol

    Raises
    ------
    ValueError
        If `base` is not one of this module's bases.

    Examples
    --------
    >>> from sce.symbolic import yhat
    >>> vector(yhat).shape
    (n, 1)
    """
    name = str(base.label)
    if _BASES.get(name) is not base:
        raise ValueError(f"unknown base {name!r}")
    return sp.MatrixSymbol(name, size, 1)
