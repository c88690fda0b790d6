r"""Sums in a canonical form, so that equal sums become equal atoms of the zero test.

:func:`_normalize_sums` rewrites every sum (general-n form) term by term: a sum is split over
the terms of its body, the factors free of its index are pulled out, a term with a Kronecker
delta in the index is summed out, and the index is renamed canonically. A sum with several
limits is a nested sum, done innermost first, and each limit gets its own canonical index:
the index of a sum is ``m_h``, where h is one more than the highest canonical index bound
inside its body (``m_0`` for an innermost sum). Every index bound inside a body therefore has
a lower level than the sum around it, and renaming never captures an index: in
Σ_s Σ_c X_{sd} P_{sc} the two indices stay apart. The indices of products
(e^{Σ_k a_k} = Π_k e^{a_k}, also for e^{−Σ_k a_k}) are renamed the same way.

With ``interchange`` (a rewrite, e.g. the assumptions of a step) a nested sum whose ranges
do not depend on each other is also written with its two sums swapped, Σ_c A(c) Σ_s B(s, c) =
Σ_s Σ_c A(c) B(s, c) (finite sums), and the form that is shorter after the rewrite is kept:
the zero test tries this when the sums as written do not cancel (e.g. Σ_c Σ_s P_sc =
Σ_s Σ_c P_sc = N for rows of probabilities).
A condition of a ``Piecewise`` that the summation range implies (``k ≤ n`` inside Σ_{k=1}^n)
is dropped.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import sympy as sp
from sympy.concrete.delta import deltasummation

Expr = sp.Basic
Rewrite = Callable[[Expr], Expr] | None

_BINDERS = (sp.Sum, sp.Product)
_CANON: dict[int, sp.Dummy] = {}
_LEVEL: dict[sp.Dummy, int] = {}


def _canon(level: int) -> sp.Dummy:
    """The canonical summation index of a level, m_level (one Dummy per level)."""
    if level not in _CANON:
        _CANON[level] = sp.Dummy(f"m_{level}", integer=True, positive=True)
        _LEVEL[_CANON[level]] = level
    return _CANON[level]


@functools.lru_cache(maxsize=4096)
def _height(expr: Expr) -> int:
    """The highest canonical level bound in `expr`; -1 if it binds no index.

    A binder Sum(f, L_1, ..., L_k) (limits innermost first) names its limit L_j m_{h + j},
    where h is the height of f and of the limits' bounds.
    """
    if not expr.args:
        return -1
    if isinstance(expr, _BINDERS):
        inner = [_height(expr.function)] + [_height(b) for lim in expr.limits for b in lim[1:]]
        own = [_LEVEL[v] for v in expr.variables if v in _LEVEL]
        return max([max(inner) + len(expr.limits), *own])
    return max((_height(a) for a in expr.args), default=-1)


def _bound(expr: Expr) -> set[Any]:
    return {v for b in expr.atoms(*_BINDERS) for v in b.variables}


def _unbind_canon(expr: Expr) -> Expr:
    """Give every bound index that is a canonical m_k a fresh name (levels start afresh)."""
    if not expr.has(*_BINDERS) or not _bound(expr) & set(_LEVEL):
        return expr
    if isinstance(expr, _BINDERS):
        reps = {v: sp.Dummy(str(v), **v.assumptions0) for v in expr.variables if v in _LEVEL}
        body = _unbind_canon(expr.function).xreplace(reps)
        limits = [(reps.get(v, v), lo, hi) for v, lo, hi in expr.limits]
        return expr.func(body, *limits)
    return expr.func(*[_unbind_canon(a) for a in expr.args])


def _fresh_canon(body: Expr, level: int) -> sp.Dummy:
    """The canonical index of `level`, or of the next level free in `body` (never capture)."""
    while _canon(level) in body.free_symbols:
        level += 1
    return _canon(level)


def _implied(rel: Any, var: sp.Symbol, lo: Expr, hi: Expr) -> bool:
    """Whether lo ≤ var ≤ hi implies the relation `rel` (linear in var: true at both ends)."""
    if not isinstance(rel, sp.core.relational.Relational) or var not in rel.free_symbols:
        return False
    try:
        if sp.Poly(rel.lhs - rel.rhs, var).degree() != 1:
            return False
    except sp.PolynomialError:
        return False
    return all(rel.subs(var, end) is sp.true for end in (lo, hi))


def _range_conditions(expr: Expr, var: sp.Symbol, lo: Expr, hi: Expr) -> Expr:
    """Drop, in every Piecewise of `expr`, the conditions lo ≤ var ≤ hi implies."""
    if not expr.has(sp.Piecewise):
        return expr

    def simpler(pw: sp.Piecewise) -> Expr:
        pairs = []
        for value, cond in pw.args:
            rels = cond.atoms(sp.core.relational.Relational)
            cond = cond.xreplace({r: sp.true for r in rels if _implied(r, var, lo, hi)})
            pairs.append((value, cond))
        return sp.Piecewise(*pairs)

    return expr.replace(lambda e: isinstance(e, sp.Piecewise), simpler)


def _sum_over(body: Expr, var: sp.Symbol, lo: Expr, hi: Expr, interchange: Rewrite) -> Expr:
    """Σ_{var=lo}^{hi} body, split over the terms of body, constants out, index canonical."""
    total = []
    for term in sp.Add.make_args(sp.expand(_range_conditions(body, var, lo, hi))):
        if any(var in d.free_symbols for d in term.atoms(sp.KroneckerDelta)):
            total.append(deltasummation(term, (var, lo, hi), no_piecewise=True))
            continue
        const, dep = [], []
        for f in sp.Mul.make_args(term):
            (dep if var in f.free_symbols else const).append(f)
        dep_expr = sp.Mul(*dep)
        if dep_expr == 1:
            total.append(sp.Mul(*const) * (hi - lo + 1))
            continue
        canon = _fresh_canon(dep_expr, _height(dep_expr) + 1)
        out = sp.Sum(dep_expr.xreplace({var: canon}), (canon, lo, hi))
        if interchange:
            candidates = [out, *_swapped(dep_expr, var, lo, hi)]
            out = min(candidates, key=lambda e: _size(interchange(e)))
        total.append(sp.Mul(*const) * out)
    return sp.Add(*total)


def _size(expr: Expr) -> tuple[int, Any]:
    return sp.count_ops(expr), sp.default_sort_key(expr)


def _swapped(dep: Expr, var: sp.Symbol, lo: Expr, hi: Expr) -> list[Expr]:
    """Σ_var dep with an inner sum F of dep taken outside: Σ_{F's indices} Σ_var (dep/F) F."""
    out = []
    for f in sp.Mul.make_args(dep):
        if not isinstance(f, sp.Sum) or not f.has(var):
            continue
        bounds = {s for _, a, b in f.limits for s in (a, b)}
        if any(b.has(var) for b in bounds) or lo.has(*f.variables) or hi.has(*f.variables):
            continue
        rest = dep / f
        if rest.has(*f.variables):
            continue
        swapped = sp.Sum(rest * f.function, (var, lo, hi), *f.limits)
        out.append(_normalize(_unbind_canon(swapped), None))
    return out


def _normalize_sums(expr: Expr, interchange: Rewrite = None) -> Expr:
    """Split sums over terms, pull out index-free factors, rename indices canonically.

    `interchange`: None, or a rewrite (e.g. the step's assumptions); then nested sums are also
    tried swapped, keeping the form that is shortest after the rewrite.
    """
    return _normalize(_unbind_canon(expr), interchange) if expr.has(*_BINDERS) else expr


def _normalize(expr: Expr, interchange: Rewrite) -> Expr:
    if not expr.has(*_BINDERS):
        return expr
    if isinstance(expr, sp.Sum):
        body = _normalize(expr.function, interchange)
        for var, lo, hi in expr.limits:  # innermost first
            body = _sum_over(body, var, lo, hi, interchange)
        return body
    if isinstance(expr, sp.exp) and expr.args[0].has(sp.Sum):
        return _exp_of_sums(expr.args[0], interchange)
    if isinstance(expr, sp.Product):
        body = _normalize(expr.function, interchange)
        limits: list[tuple[Any, Expr, Expr]] = []
        for var, lo, hi in expr.limits:
            canon = _fresh_canon(body, _height(body) + 1 + len(limits))
            body = body.xreplace({var: canon})
            limits.append((canon, lo, hi))
        return sp.Product(body, *limits)
    if not expr.args:
        return expr
    return expr.func(*[_normalize(a, interchange) for a in expr.args])


def _exp_of_sums(arg: Expr, interchange: Rewrite) -> Expr:
    """e^{a + k Σ_i f_i} → e^a (Π_i e^{f_i})^k for an integer k (e^{−Σ} cancels a Π)."""
    products, other = [], []
    for term in sp.Add.make_args(sp.expand(arg)):
        coeff, rest = term.as_coeff_Mul()
        if isinstance(rest, sp.Sum) and coeff.is_Integer:
            products.append(sp.Product(sp.exp(rest.function), *rest.limits) ** coeff)
        else:
            other.append(term)
    rest_exp = sp.exp(_normalize(sp.Add(*other), interchange))
    return rest_exp * sp.Mul(*[_normalize(f, interchange) for f in products])
