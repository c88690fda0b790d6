"""The shared vocabulary: symbols (z, y, ŷ, indices, n) and the general-n forms.

Softmax, log-softmax, cross-entropy, the Jacobian, the gradient and the Hessian written with
``IndexedBase``, ``Sum`` and ``KroneckerDelta`` over indices running from 1 to n, and
:data:`DEFINITIONS`, what the checker unfolds (ŷ_i = softmax(z)_i, ℓ = −Σ y_i log ŷ_i, J, H).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sympy as sp

Expr = sp.Basic

# --------------------------------------------------------------------------------------------
# Symbols: general-n objects
# --------------------------------------------------------------------------------------------

_BASES: dict[str, sp.IndexedBase] = {}


def _base(name: str, **assumptions: bool) -> sp.IndexedBase:
    base = sp.IndexedBase(name, **assumptions)
    known = _BASES.get(name)
    if known is not None and known == base:
        return known  # a chapter naming ŷ again gets the checker's own ŷ
    _BASES[name] = base
    return base


def _index(name: str) -> sp.Symbol:
    return sp.Symbol(name, integer=True, positive=True)


#: Number of classes (general-n form).
n = sp.Symbol("n", integer=True, positive=True)
#: Free or summation indices, each running over 1..n.
i, j, k = _index("i"), _index("j"), _index("k")
#: Logits z_i, labels y_i, probabilities ŷ_i = softmax(z)_i, a test vector v_i.
z = _base("z", real=True)
y = _base("y", real=True)
yhat = _base(r"\hat{y}", positive=True)
v = _base("v", real=True)
#: The loss of one sample, ℓ = −Σ_i y_i log ŷ_i (the blog post writes E), and a logit shift c.
ell = sp.Symbol("ell", real=True)
#: The post's name for ℓ: the same symbol (it prints as ℓ).
E = ell
c = sp.Symbol("c", real=True)
#: Concrete sizes used by default: n = 2..6.
CONCRETE_SIZES: tuple[int, ...] = (2, 3, 4, 5, 6)

# private summation dummies for unfolded definitions (never displayed)
_m, _q = _index("m"), _index("q")


def softmax_n(index: sp.Symbol = i, *, dummy: sp.Symbol = k, logits: Any = z) -> sp.Expr:
    r"""Softmax in general-n form, ŷ_index = e^{z_index} / Σ_dummy e^{z_dummy}.

    Parameters
    ----------
    index : sympy.Symbol
        The component (an integer symbol, 1..n).
    dummy : sympy.Symbol
        The summation index of the denominator; must differ from `index`.
    logits : sympy.IndexedBase or callable
        The logits; a callable maps an index to the logit expression (e.g. ``z[i] / T``).

    Returns
    -------
    sympy.Expr
        ``exp(z[index]) / Sum(exp(z[dummy]), (dummy, 1, n))``.

    Raises
    ------
    ValueError
        If `dummy` equals `index`.

    Examples
    --------
    >>> softmax_n(j)
    exp(z[j])/Sum(exp(z[k]), (k, 1, n))
    """
    if dummy == index:
        raise ValueError("the summation index must differ from the component index")
    zz = (
        logits
        if callable(logits) and not isinstance(logits, sp.IndexedBase)
        else logits.__getitem__
    )
    return sp.exp(zz(index)) / sp.Sum(sp.exp(zz(dummy)), (dummy, 1, n))


def log_softmax_n(index: sp.Symbol = i, *, dummy: sp.Symbol = k) -> sp.Expr:
    r"""Log-softmax in general-n form, z_index − log Σ_dummy e^{z_dummy}.

    Parameters
    ----------
    index, dummy : sympy.Symbol
        Component and summation index (distinct).

    Returns
    -------
    sympy.Expr

    Raises
    ------
    ValueError
        If `dummy` equals `index`.

    Examples
    --------
    >>> log_softmax_n(i)
    -log(Sum(exp(z[k]), (k, 1, n))) + z[i]
    """
    if dummy == index:
        raise ValueError("the summation index must differ from the component index")
    return z[index] - sp.log(sp.Sum(sp.exp(z[dummy]), (dummy, 1, n)))


def cross_entropy_n(form: str = "yhat", *, index: sp.Symbol = i) -> sp.Expr:
    r"""Cross-entropy ℓ in general-n form.

    Parameters
    ----------
    form : {"yhat", "z"}
        ``"yhat"``: −Σ_i y_i log ŷ_i; ``"z"``: −Σ_i y_i (z_i − log Σ_k e^{z_k}) (log-softmax).
    index : sympy.Symbol
        The summation index.

    Returns
    -------
    sympy.Expr

    Raises
    ------
    ValueError
        For an unknown `form`.

    Examples
    --------
    >>> cross_entropy_n()
    -Sum(log(\hat{y}[i])*y[i], (i, 1, n))
    """
    if form == "yhat":
        return -sp.Sum(y[index] * sp.log(yhat[index]), (index, 1, n))
    if form == "z":
        dummy = k if index != k else _m
        return -sp.Sum(y[index] * log_softmax_n(index, dummy=dummy), (index, 1, n))
    raise ValueError(f"form must be 'yhat' or 'z', not {form!r}")


def jacobian_n(row: sp.Symbol = i, col: sp.Symbol = j) -> sp.Expr:
    r"""The softmax Jacobian ∂ŷ_row/∂z_col = ŷ_row (δ_row,col − ŷ_col), general-n form.

    Proved by :func:`softmax_jacobian`.

    Parameters
    ----------
    row, col : sympy.Symbol
        Indices.

    Returns
    -------
    sympy.Expr

    Raises
    ------
    None

    Examples
    --------
    >>> jacobian_n()
    (KroneckerDelta(i, j) - \hat{y}[j])*\hat{y}[i]
    """
    return yhat[row] * (sp.KroneckerDelta(row, col) - yhat[col])


def gradient_n(normalized: bool = False, *, index: sp.Symbol = j) -> sp.Expr:
    r"""The gradient ∂ℓ/∂z_index in general-n form.

    Proved by :func:`cross_entropy_gradient`.

    Parameters
    ----------
    normalized : bool
        False: (Σ_i y_i) ŷ_j − y_j, true for any y. True: ŷ_j − y_j, which needs Σ_i y_i = 1.
    index : sympy.Symbol
        The component j.

    Returns
    -------
    sympy.Expr

    Raises
    ------
    None

    Examples
    --------
    >>> gradient_n()
    \hat{y}[j]*Sum(y[i], (i, 1, n)) - y[j]
    >>> gradient_n(True)
    \hat{y}[j] - y[j]
    """
    if normalized:
        return yhat[index] - y[index]
    other = i if index != i else k
    return sp.Sum(y[other], (other, 1, n)) * yhat[index] - y[index]


def hessian_n(normalized: bool = False, *, row: sp.Symbol = j, col: sp.Symbol = k) -> sp.Expr:
    r"""The Hessian ∂²ℓ/∂z_col∂z_row in general-n form.

    Proved by :func:`cross_entropy_hessian`.

    Parameters
    ----------
    normalized : bool
        False: (Σ_i y_i) ŷ_j (δ_jk − ŷ_k); True: ŷ_j (δ_jk − ŷ_k) (needs Σ_i y_i = 1).
    row, col : sympy.Symbol
        Indices (must not be i, the summation index).

    Returns
    -------
    sympy.Expr

    Raises
    ------
    ValueError
        If `row` or `col` is the summation index i.

    Examples
    --------
    >>> hessian_n(True)
    (KroneckerDelta(j, k) - \hat{y}[k])*\hat{y}[j]
    """
    if i in (row, col):
        raise ValueError("i is the summation index of Σ_i y_i")
    h = jacobian_n(row, col)
    return h if normalized else sp.Sum(y[i], (i, 1, n)) * h


# --------------------------------------------------------------------------------------------
# Definitions (what is unfolded before comparing)
# --------------------------------------------------------------------------------------------

Definitions = Mapping[Any, Any]

#: The default definitions: ŷ_i = softmax(z)_i, ℓ = −Σ y_i log ŷ_i, J = [∂ŷ_i/∂z_j] and
#: H = [∂²ℓ/∂z_j∂z_k] (matrix symbols, concrete sizes only).
DEFINITIONS: dict[Any, Any] = {
    yhat: lambda a: softmax_n(a, dummy=_m if a != _m else _q),
    ell: lambda: -sp.Sum(y[_q] * sp.log(yhat[_q]), (_q, 1, n)),
    "J": lambda size: sp.Matrix(size, size, lambda r, s: sp.Derivative(yhat[r + 1], z[s + 1])),
    "H": lambda size: sp.Matrix(size, size, lambda r, s: sp.Derivative(ell, z[r + 1], z[s + 1])),
}
