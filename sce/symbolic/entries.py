r"""Matrix identities in index form: entries of SymPy matrix expressions, for any size.

A matrix identity such as ∂L/∂W = Xᵀ(P − Y)/N holds when it holds entry by entry. SymPy's
matrix algebra gives the entry of a matrix expression of symbolic shape (``MatrixSymbol`` of
size N × D) as a sum over a 0-based dummy index; :func:`matrix_entry` rewrites it in the
book's index form (1-based ``IndexedBase`` entries, sums from 1 to N, Kronecker deltas), which
the checker proves in general form. A chapter names the entry with an indexed object from
``sce.symbolic.indexed_base`` and gives the checker its definition::

    G = indexed_base(r"\left(X^{T} \left(P - Y\right)\right)", real=True)
    definitions = {G: lambda d, c: matrix_entry(Xm.T * (Pm - Ym), d, c, {"X": X, ...})}

so that a step ``= G[d, c] / N`` is proved for general N, D, C and for every concrete size.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sympy as sp
from sympy.matrices.expressions.matexpr import MatrixElement

__all__ = ["matrix_entry"]


def matrix_entry(
    matrix: Any,
    row: Any,
    col: Any,
    bases: Mapping[str, sp.IndexedBase],
    *,
    index: str = "s",
) -> sp.Expr:
    r"""Entry (row, col), 1-based, of a matrix expression, in index form.

    Parameters
    ----------
    matrix : sympy.MatrixExpr
        Built from ``MatrixSymbol`` objects (any, also symbolic, shape), ``DiagMatrix``,
        ``OneMatrix``, sums, products and transposes.
    row, col : sympy.Expr
        1-based indices (symbols or integers).
    bases : mapping of str to sympy.IndexedBase
        The indexed object that stands for each matrix symbol, by the matrix symbol's name;
        a column vector (n × 1) becomes a singly indexed object.
    index : str
        Name of the summation index of a matrix product (it must not be `row` or `col`).

    Returns
    -------
    sympy.Expr
        The entry, with 1-based indices and sums from 1.

    Raises
    ------
    ValueError
        If a matrix symbol has no entry in `bases`, or `index` is the name of `row` or `col`.

    Examples
    --------
    >>> from sce.symbolic import latex
    >>> N, D, C = sp.symbols("N D C", integer=True, positive=True)
    >>> d, c = sp.symbols("d c", integer=True, positive=True)
    >>> Xm, Pm = sp.MatrixSymbol("X", N, D), sp.MatrixSymbol("P", N, C)
    >>> from sce.symbolic.indexed import indexed_base
    >>> bases = {"X": indexed_base("X", real=True), "P": indexed_base("P", real=True)}
    >>> latex(matrix_entry(Xm.T * Pm, d, c, bases))
    '\\sum_{s=1}^{N} P_{sc} X_{sd}'

    As the definition of an indexed object, it lets the checker prove a step to the entry of a
    matrix product for any size, and reject a wrong one (here the indices swapped):

    >>> from sce.symbolic import Derivation
    >>> G = indexed_base(r"\left(X^{T} P\right)", real=True)
    >>> X, P, s = bases["X"], bases["P"], sp.Symbol("s", integer=True, positive=True)
    >>> def demo(name, summand):
    ...     return Derivation(
    ...         name, sp.Sum(summand, (s, 1, N)), indices={d: D, c: C},
    ...         definitions={G: lambda a, b: matrix_entry(Xm.T * Pm, a, b, bases)},
    ...         sizes=[{N: 2, D: 2, C: 2}],
    ...     ).step(G[d, c], "entry (d, c) of a matrix product")
    >>> demo("demo_entry", X[s, d] * P[s, c]).check().n_general
    1
    >>> demo("demo_entry_swapped", X[s, c] * P[s, d]).try_check().step
    1
    """
    names = {str(a) for a in (row, col) if isinstance(a, sp.Symbol)}
    if index in names:
        raise ValueError(f"index: {index!r} is already a row or column index")
    entry = sp.sympify(matrix[sp.sympify(row) - 1, sp.sympify(col) - 1])

    def element(a: MatrixElement) -> sp.Expr:
        name = a.parent.name
        if name not in bases:
            raise ValueError(f"bases: no indexed object for the matrix symbol {name!r}")
        r, c = a.i + 1, a.j + 1
        return bases[name][r] if a.parent.shape[1] == 1 else bases[name][r, c]

    entry = entry.replace(lambda a: isinstance(a, MatrixElement), element)
    entry = entry.replace(
        lambda a: isinstance(a, sp.KroneckerDelta),
        lambda a: sp.KroneckerDelta(a.args[0] + 1, a.args[1] + 1),
    )
    new = sp.Symbol(index, integer=True, positive=True)

    def shift(s: sp.Sum) -> sp.Sum:
        (var, lo, hi), *rest = s.limits
        if rest or lo != 0:
            return s
        return sp.Sum(s.function.xreplace({var: new - 1}), (new, 1, hi + 1))

    return entry.replace(lambda a: isinstance(a, sp.Sum), shift)
