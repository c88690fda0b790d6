r"""Textbook typesetting that still checks: sums, products and fractions kept as written.

SymPy puts every sum and product in a canonical order (``-y + σ(x)``, ``(1 - ŷ_j) ŷ_j``) and
combines fractions (``-\frac{\frac{∂ŷ_i}{∂z_j} y_i}{ŷ_i}``). The printer of
:func:`sce.symbolic.latex` already reads more like a textbook (a sum starts with a positive
term, plain factors before parenthesised sums, a fraction before the derivatives it
multiplies). Where a line must read exactly as written, build it with these helpers: they make
unevaluated SymPy objects, so the checker sees the same mathematics, and the printer keeps their
order.

>>> import sympy as sp
>>> from sce.symbolic import latex, yhat, j
>>> latex(ordered_product(yhat[j], 1 - yhat[j]))
'\\hat{y}_{j} \\left(1 - \\hat{y}_{j}\\right)'
>>> C, m = sp.symbols("C m")
>>> latex(ordered_sum(sp.exp(m), C, -1))
'e^{m} + C - 1'
"""

from __future__ import annotations

from typing import Any

import sympy as sp

from sce.symbolic.printing import _ORDERED

Expr = sp.Basic

__all__ = ["entry", "fraction", "ordered_product", "ordered_sum"]


def ordered_product(*factors: Any) -> sp.Mul:
    r"""A product printed factor by factor in the order given (not combined into one fraction).

    Parameters
    ----------
    *factors : sympy.Expr
        At least two; a leading ``-1`` prints as a minus sign.

    Returns
    -------
    sympy.Mul
        Unevaluated; equal, for the checker, to the evaluated product.

    Raises
    ------
    ValueError
        If fewer than two factors are given.

    Examples
    --------
    >>> from sce.symbolic import latex, i, j, y, yhat, z
    >>> latex(ordered_product(-y[i] / yhat[i], sp.Derivative(yhat[i], z[j])))
    '- \\frac{y_{i}}{\\hat{y}_{i}} \\frac{\\partial \\hat{y}_{i}}{\\partial z_{j}}'
    """
    if len(factors) < 2:
        raise ValueError("factors: an ordered product needs at least two factors")
    out = sp.Mul(*[sp.sympify(a) for a in factors], evaluate=False)
    _ORDERED.add(out)
    return out


def ordered_sum(*terms: Any) -> sp.Add:
    r"""A sum printed term by term in the order given.

    Parameters
    ----------
    *terms : sympy.Expr
        At least two.

    Returns
    -------
    sympy.Add
        Unevaluated; equal, for the checker, to the evaluated sum.

    Raises
    ------
    ValueError
        If fewer than two terms are given.

    Examples
    --------
    >>> from sce.symbolic import latex
    >>> x, y = sp.symbols("x y")
    >>> latex(ordered_sum(x, -y))
    'x - y'
    """
    if len(terms) < 2:
        raise ValueError("terms: an ordered sum needs at least two terms")
    out = sp.Add(*[sp.sympify(a) for a in terms], evaluate=False)
    _ORDERED.add(out)
    return out


def fraction(num: Any, den: Any) -> sp.Mul:
    r"""A fraction shown as written: common factors of `num` and `den` are not cancelled.

    Parameters
    ----------
    num, den : sympy.Expr

    Returns
    -------
    sympy.Mul

    Raises
    ------
    None

    Examples
    --------
    >>> from sce.symbolic import latex
    >>> c, x = sp.symbols("c x")
    >>> latex(fraction(sp.exp(c) * sp.exp(x), sp.exp(c)))
    '\\frac{e^{c} e^{x}}{e^{c}}'
    """
    return sp.Mul(sp.sympify(num), sp.Pow(sp.sympify(den), -1, evaluate=False), evaluate=False)


class _Entry(sp.Expr):
    """Entry (row, col), 1-based, of a matrix expression; shown as (M)_{row col}."""

    def __new__(cls, mat: Any, row: Any, col: Any) -> _Entry:
        return sp.Expr.__new__(cls, mat, sp.sympify(row), sp.sympify(col))

    @property
    def free_symbols(self) -> set[sp.Basic]:
        return self.args[1].free_symbols | self.args[2].free_symbols | self.args[0].free_symbols

    def _latex(self, printer: Any) -> str:
        idx = [printer._print(a) for a in self.args[1:]]
        sep = "" if all(len(s) == 1 for s in idx) else ","
        return rf"\left({printer._print(self.args[0])}\right)_{{{sep.join(idx)}}}"


def entry(matrix: Any, row: Any, col: Any) -> _Entry:
    r"""Entry (row, col), 1-based, of a matrix expression, shown as ``(M)_{rc}``.

    Checked for concrete sizes (the matrix is made explicit); not in general form.

    Parameters
    ----------
    matrix : sympy.MatrixExpr
    row, col : sympy.Expr
        1-based indices.

    Returns
    -------
    sympy.Expr

    Raises
    ------
    None

    Examples
    --------
    >>> from sce.symbolic import latex
    >>> A = sp.MatrixSymbol("A", 2, 2)
    >>> r, c = sp.symbols("r c")
    >>> latex(entry(A.T, r, c))
    '\\left(A^{T}\\right)_{rc}'
    """
    return _Entry(matrix, row, col)


#: Book-internal spellings (the transitional derivations use them).
_um = ordered_product


def _frac(num: Any, den: Any) -> sp.Mul:
    return fraction(num, den)
