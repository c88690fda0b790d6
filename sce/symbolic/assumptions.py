"""Assumptions a step may rely on: Σ y_i = 1, i ≠ j, sign cases, signs for the lemmas."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import sympy as sp

from sce.symbolic.concrete import _INDEXED_OF, _to_symbols
from sce.symbolic.printing import latex
from sce.symbolic.symbols import _index, i, n, y

Expr = sp.Basic

# --------------------------------------------------------------------------------------------
# Assumptions
# --------------------------------------------------------------------------------------------


def _identity(expr: Expr) -> Expr:
    return expr


def _identity2(expr: Expr, sizes: Mapping[sp.Symbol, int]) -> Expr:
    return expr


def _always(assign: Mapping[sp.Symbol, int]) -> bool:
    return True


@dataclass(frozen=True, eq=False)
class Assumption:
    r"""An explicit hypothesis a step relies on, usable by the checker.

    Parameters
    ----------
    name : str
        Plain-text name used in messages and reports, e.g. ``"Σ y_i = 1"``.
    statement : sympy.Basic
        The hypothesis as a SymPy relation; its LaTeX is what the reader sees.
    general : callable
        ``expr -> expr`` rewrite applied in general-n form (e.g. Σ_i y_i → 1).
    concrete : callable
        ``(expr, sizes) -> expr`` substitution applied for a concrete size (e.g.
        y_n → 1 − y_1 − … − y_{n−1}); `sizes` maps size symbols to integers.
    admits : callable
        ``assignment -> bool``: whether a concrete assignment of the free indices satisfies the
        hypothesis (e.g. i ≠ j skips i = j).
    facts : mapping
        Signs the inequality lemmas may use: expression or IndexedBase → ``"positive"`` or
        ``"nonnegative"`` (see :func:`nonnegative`, :func:`positive`).

    Raises
    ------
    None

    Examples
    --------
    >>> from sce.symbolic import i, j, n, y, yhat
    >>> SUM_Y_IS_ONE.name
    'Σ y_i = 1'
    >>> SUM_Y_IS_ONE.general(sp.Sum(y[i], (i, 1, n)) * yhat[j])
    \hat{y}[j]
    """

    name: str
    statement: sp.Basic
    general: Callable[[Expr], Expr] = _identity
    concrete: Callable[[Expr, Mapping[sp.Symbol, int]], Expr] = _identity2
    admits: Callable[[Mapping[sp.Symbol, int]], bool] = _always
    facts: Mapping[Any, str] = field(default_factory=dict)

    def latex(self) -> str:
        r"""LaTeX of the statement (from SymPy, not typed).

        Returns
        -------
        str

        Raises
        ------
        None

        Examples
        --------
        >>> from sce.symbolic import i, j
        >>> print(distinct(i, j).latex())
        i \neq j
        """
        return latex(self.statement)


def sum_to_one(
    base: sp.IndexedBase = y,
    size: sp.Symbol = n,
    *,
    rows: sp.Symbol | None = None,
    name: str | None = None,
) -> Assumption:
    r"""The assumption Σ_i base_i = 1 (or Σ_c base_{s,c} = 1 for every row s).

    General form: any ``Sum(base[m], (m, 1, size))`` is replaced by 1, also as one limit of a
    sum with several (Σ_s Σ_c Y_sc → Σ_s 1 = N; ranges that do not depend on each other, so
    the sums may be swapped), never a sum over another index (Σ_c Y_cc). Concrete form: the last
    component is replaced by 1 minus the others, ``base[size] → 1 − Σ_{m<size} base[m]``.

    Parameters
    ----------
    base : sympy.IndexedBase
        The labels.
    size : sympy.Symbol
        The length of the sum.
    rows : sympy.Symbol, optional
        For a matrix of labels (one distribution per row): the number of rows.
    name : str, optional
        Plain-text name; default ``"Σ y_i = 1"``.

    Returns
    -------
    Assumption

    Raises
    ------
    None

    Examples
    --------
    >>> sum_to_one().concrete(y[1] + y[2], {n: 2})
    1
    """
    s_idx = _index("s")

    def inner(e: Expr) -> int | None:
        """The limit of the sum `e` over the last index of base[..., m] (any of its limits)."""
        if not isinstance(e, sp.Sum) or not isinstance(e.function, sp.Indexed):
            return None
        f = e.function
        if f.base != base or (rows is None) != (len(f.indices) == 1):
            return None
        bounds = [b for _, lo, hi in e.limits for b in (lo, hi)]
        if any(b.has(*e.variables) for b in bounds):
            return None  # a range that depends on another index: no swapping
        for pos, (var, lo, hi) in enumerate(e.limits):
            others = f.indices[:-1]
            if (
                f.indices[-1] == var
                and (lo, hi) == (1, size)
                and not any(a.has(var) for a in others)
            ):
                return pos
        return None

    def general(expr: Expr) -> Expr:
        def replace(e: Expr) -> Expr:
            pos = inner(e)
            rest = e.limits[:pos] + e.limits[pos + 1 :]  # type: ignore[index]
            return sp.Sum(1, *rest).doit() if rest else sp.Integer(1)

        return expr.replace(lambda e: inner(e) is not None, replace)

    def concrete(expr: Expr, sizes: Mapping[sp.Symbol, int]) -> Expr:
        m = sizes[size]
        if rows is None:
            reps = {base[m]: 1 - sp.Add(*[base[a] for a in range(1, m)])}
        else:
            reps = {
                base[r, m]: 1 - sp.Add(*[base[r, a] for a in range(1, m)])
                for r in range(1, sizes[rows] + 1)
            }
        reps |= {_to_symbols(a): _to_symbols(b) for a, b in reps.items()}
        return expr.xreplace(reps)

    if rows is None:
        statement = sp.Eq(sp.Sum(base[i], (i, 1, size)), 1)
        default = "Σ y_i = 1"
    else:
        cc = _index("c")
        statement = sp.Eq(sp.Sum(base[s_idx, cc], (cc, 1, size)), 1)
        default = "Σ_c Y_sc = 1 for every row s"
    return Assumption(name or default, statement, general, concrete)


def distinct(a: sp.Symbol, b: sp.Symbol) -> Assumption:
    """The assumption a ≠ b for two free indices (δ_ab = 0; concrete: skip a = b).

    Parameters
    ----------
    a, b : sympy.Symbol
        Free indices.

    Returns
    -------
    Assumption

    Raises
    ------
    None

    Examples
    --------
    >>> from sce.symbolic import i, j
    >>> distinct(i, j).general(sp.KroneckerDelta(i, j) + 1)
    1
    """

    def general(expr: Expr) -> Expr:
        return expr.xreplace({sp.KroneckerDelta(a, b): 0, sp.KroneckerDelta(b, a): 0})

    return Assumption(
        f"{a} ≠ {b}", sp.Ne(a, b), general, _identity2, lambda assign: assign[a] != assign[b]
    )


def case(variable: sp.Symbol, sign: int) -> Assumption:
    """A sign case for a real scalar: variable > 0 (sign 1), < 0 (sign −1) or = 0 (sign 0).

    The general rewrite substitutes a positive symbol t for the variable (t, −t or 0), so Abs
    and Max evaluate.

    Parameters
    ----------
    variable : sympy.Symbol
        A real symbol.
    sign : {1, -1, 0}

    Returns
    -------
    Assumption

    Raises
    ------
    ValueError
        For another `sign`.

    Examples
    --------
    >>> x = sp.Symbol("x", real=True)
    >>> case(x, -1).general(sp.Abs(x))
    t
    """
    t = sp.Symbol("t", positive=True)
    if sign == 1:
        return Assumption(f"{variable} > 0", sp.Gt(variable, 0), lambda e: e.subs(variable, t))
    if sign == -1:
        return Assumption(f"{variable} < 0", sp.Lt(variable, 0), lambda e: e.subs(variable, -t))
    if sign == 0:
        return Assumption(f"{variable} = 0", sp.Eq(variable, 0), lambda e: e.subs(variable, 0))
    raise ValueError(f"sign must be 1, -1 or 0, not {sign!r}")


def _sign_assumption(objs: Sequence[Any], sign: str, rel: Any, word: str) -> Assumption:
    if not objs:
        raise ValueError("objs: name at least one expression or IndexedBase")
    shown = [o[i] if isinstance(o, sp.IndexedBase) else sp.sympify(o) for o in objs]
    statement = sp.And(*[rel(a, 0) for a in shown]) if len(shown) > 1 else rel(shown[0], 0)
    name = ", ".join(str(a).replace("[i]", "_i") for a in shown) + f" {word} 0"
    return Assumption(name, statement, facts=dict.fromkeys(objs, sign))


def nonnegative(*objs: Any) -> Assumption:
    """The assumption that each of `objs` is ≥ 0 (an IndexedBase: every component).

    Used by the inequality lemmas to know a weight is non-negative; changes no expression.

    Parameters
    ----------
    *objs : sympy.Expr or sympy.IndexedBase

    Returns
    -------
    Assumption

    Raises
    ------
    ValueError
        If no object is given.

    Examples
    --------
    >>> nonnegative(y).name, nonnegative(y).latex()
    ('y_i ≥ 0', 'y_{i} \\\\geq 0')
    """
    return _sign_assumption(objs, "nonnegative", sp.Ge, "≥")


def positive(*objs: Any) -> Assumption:
    """The assumption that each of `objs` is > 0 (an IndexedBase: every component).

    Parameters
    ----------
    *objs : sympy.Expr or sympy.IndexedBase

    Returns
    -------
    Assumption

    Raises
    ------
    ValueError
        If no object is given.

    Examples
    --------
    >>> positive(y).facts[y]
    'positive'
    """
    return _sign_assumption(objs, "positive", sp.Gt, ">")


#: Σ_i y_i = 1: the labels form a distribution (one-hot, soft labels, label smoothing).
SUM_Y_IS_ONE = sum_to_one()


def equal_components(base: sp.IndexedBase, value: Any, name: str | None = None) -> Assumption:
    r"""The assumption base_i = value for every i (a vector proportional to the all-ones one).

    General and concrete form: every component ``base[...]`` is replaced by `value` (for a
    concrete size, with the size substituted in `value` too, e.g. log n → log 3). Used to
    check the "if" direction of an equality case, e.g. v = c·1 gives v_i − Σ_k ŷ_k v_k = 0.

    Parameters
    ----------
    base : sympy.IndexedBase
    value : sympy.Expr
        Free of `base`.
    name : str, optional
        Plain-text name; default ``"v_i = c for every i"``.

    Returns
    -------
    Assumption

    Raises
    ------
    ValueError
        If `value` contains `base`.

    Examples
    --------
    >>> from sce.symbolic import k, v
    >>> cc = sp.Symbol("c", real=True)
    >>> equal_components(v, cc).general(sp.Sum(v[k], (k, 1, n)))
    Sum(c, (k, 1, n))
    """
    value = sp.sympify(value)
    if value.has(base):
        raise ValueError(f"value: {value} contains {base}")

    def general(expr: Expr) -> Expr:
        return expr.replace(lambda e: isinstance(e, sp.Indexed) and e.base == base, lambda e: value)

    def concrete(expr: Expr, sizes: Mapping[sp.Symbol, int]) -> Expr:
        sized = value.xreplace(dict(sizes))  # a value such as log(n) takes the size too
        out = expr.replace(lambda e: isinstance(e, sp.Indexed) and e.base == base, lambda e: sized)
        reps = {
            s: sized for s in out.free_symbols if s in _INDEXED_OF and _INDEXED_OF[s][0] == base
        }
        return out.xreplace(reps) if reps else out

    label = str(base.label)
    return Assumption(
        name or f"{label}_i = {value} for every i", sp.Eq(base[i], value), general, concrete
    )
