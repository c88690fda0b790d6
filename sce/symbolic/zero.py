r"""The zero test: unfold definitions, evaluate derivatives and sums, decide "difference = 0".

A step is proved in **general-n form** (``IndexedBase``, ``Sum`` and ``KroneckerDelta`` over
indices running from 1 to n) where SymPy can, and **always** for every concrete size (n = 2..6
by default), with every free index taking every value, by substituting and reducing the
difference to exactly 0. Random numeric probing is never used as a proof.

The zero test, in the order it is tried (the method that succeeded is recorded per step in
:attr:`StepRecord.general` / :attr:`StepRecord.concrete`):

1. evaluate: derivatives are taken with ``diff`` (innermost first; definitions such as
   ŷ_i = e^{z_i} / Σ_k e^{z_k} are unfolded except for the variable being differentiated by),
   sums over a Kronecker delta are done with ``deltasummation`` (free indices lie in 1..n),
   then all definitions are unfolded; in concrete form ``doit`` expands every sum;
2. the step's assumptions are applied (general rewrite, or substitution for concrete sizes);
3. logarithms are normalised (``together`` + ``factor`` of the argument, ``expand_log``);
4. general form only: each sum is split over its terms, factors free of the summation index are
   pulled out, and its index is renamed canonically, so equal sums become equal atoms
   (:mod:`sce.symbolic.sums`: one index per limit of a nested sum); the assumptions are applied
   again; if the difference does not vanish, nested sums are also tried swapped;
5. ``expand`` (including e^{a+b} → e^a e^b); a product δ_ij f(j) is rewritten δ_ij f(i);
   if the result is 0 the method is ``"expand"``;
6. otherwise ``together`` (one common denominator) and ``expand`` of the numerator: method
   ``"together"``. SymPy's ``simplify`` is never called.

A step that does not reduce to 0 in general-n form but does for every concrete size is recorded
as proved for the concrete sizes only; a step whose difference does not vanish for some concrete
size raises :class:`DerivationError`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import sympy as sp
from sympy.codegen.cfunctions import log1p
from sympy.concrete.delta import deltasummation

from sce.symbolic.concrete import _INDEXED_OF, _to_symbols
from sce.symbolic.sums import _normalize_sums
from sce.symbolic.symbols import Definitions

if TYPE_CHECKING:
    from sce.symbolic.assumptions import Assumption

Expr = sp.Basic


def _fresh(expr: Expr) -> Expr:
    """Rename the summation indices of `expr` to fresh dummies (avoids capture on unfolding)."""
    if not expr.has(sp.Sum):
        return expr
    reps = {}
    for s in expr.atoms(sp.Sum):
        for var in s.variables:
            reps[var] = sp.Dummy(str(var), integer=True, positive=True)
    return expr.xreplace(reps) if reps else expr


def _definition(atom: Expr, defs: Definitions, keep: frozenset[Any], concrete: bool) -> Expr | None:
    """One level of definition for `atom`, or None if it is not defined (or kept)."""
    if atom in keep:
        return None
    if isinstance(atom, sp.Indexed):
        if atom.base in defs and atom.base not in keep:
            return _fresh(defs[atom.base](*atom.indices))
    elif isinstance(atom, sp.Symbol):
        if atom in defs:
            return _fresh(defs[atom]())
        if concrete and atom in _INDEXED_OF:
            base, idx = _INDEXED_OF[atom]
            if base in defs and base not in keep and base[idx] not in keep:
                return defs[base](*idx)
    elif isinstance(atom, sp.Function) and atom.func in defs and atom.func not in keep:
        return defs[atom.func](*atom.args)
    return None


def _unfold(
    expr: Expr,
    defs: Definitions,
    keep: Iterable[Any] = (),
    sizes: Mapping[sp.Symbol, int] | None = None,
    memo: dict[Any, Any] | None = None,
    depth: int = 0,
) -> Expr:
    """Replace defined objects by their (recursively unfolded) definitions, except `keep`.

    With `sizes` (concrete form) the sizes are substituted, sums written out and indexed
    objects turned into plain symbols; concrete symbols such as ŷ_2 still unfold. `memo`
    caches the unfolding of each atom.
    """
    if depth > 20:
        raise RecursionError("definitions do not terminate")
    keep = frozenset(keep)
    memo = {} if memo is None else memo
    if sizes is not None:
        expr = _to_symbols(_expand_sums(expr.xreplace(dict(sizes))))
    reps: dict[Expr, Expr] = {}
    for atom in expr.atoms(sp.Symbol, sp.Indexed, sp.Function):
        key = ("atom", atom, keep)
        if key not in memo:
            val = _definition(atom, defs, keep, sizes is not None)
            if val is not None:
                val = _unfold(val, defs, keep, sizes, memo, depth + 1)
            memo[key] = val
        if memo[key] is not None:
            reps[atom] = memo[key]
    return expr.xreplace(reps) if reps else expr


def _delta_sums(expr: Expr) -> Expr:
    """Evaluate every sum of a term with a Kronecker delta in its index (general form)."""
    if not expr.has(sp.KroneckerDelta) or not expr.has(sp.Sum):
        return expr
    if isinstance(expr, sp.Sum):
        body = _delta_sums(expr.function)
        out = body
        for var, lo, hi in reversed(expr.limits):
            terms = sp.Add.make_args(sp.expand(out, power_exp=False, log=False))
            total = []
            for term in terms:
                if any(var in d.free_symbols for d in term.atoms(sp.KroneckerDelta)):
                    total.append(deltasummation(term, (var, lo, hi), no_piecewise=True))
                else:
                    total.append(sp.Sum(term, (var, lo, hi)))
            out = sp.Add(*total)
        return out
    if not expr.args:
        return expr
    return expr.func(*[_delta_sums(a) for a in expr.args])


def _expand_sums(expr: Expr) -> Expr:
    """Write out every sum with integer limits term by term (concrete form; faster than doit)."""
    if not expr.has(sp.Sum):
        return expr
    if isinstance(expr, sp.MatrixBase):
        return expr.applyfunc(_expand_sums)
    args = [_expand_sums(a) for a in expr.args]
    if isinstance(expr, sp.Sum):
        out = args[0]
        for var, lo, hi in reversed(expr.limits):
            if not (lo.is_Integer and hi.is_Integer):
                return expr.func(*args)
            out = sp.Add(*[out.xreplace({var: sp.Integer(a)}) for a in range(lo, hi + 1)])
        return _expand_sums(out)
    return expr.func(*args) if args != list(expr.args) else expr


def _eval_derivatives(
    expr: Expr,
    defs: Definitions,
    sizes: Mapping[sp.Symbol, int] | None,
    memo: dict[Any, Expr] | None = None,
) -> Expr:
    """Evaluate derivatives innermost first; `sizes` None means general form.

    `memo` caches unfolded expressions and single derivatives across the many concrete index
    assignments of one check (∂E/∂z_1 is computed once, not once per second index).
    """
    concrete = sizes is not None
    memo = {} if memo is None else memo
    if not expr.has(sp.Derivative):
        return expr
    if isinstance(expr, sp.Derivative):
        inner = _eval_derivatives(expr.expr, defs, sizes, memo)
        keep = {var.base if isinstance(var, sp.Indexed) else var for var in expr.variables}
        keep |= set(expr.variables)
        key = ("unfold", inner, frozenset(keep))
        if key not in memo:
            memo[key] = _unfold(inner, defs, keep, sizes, memo)
        out = memo[key]
        for var, count in expr.variable_count:
            var = _to_symbols(var) if concrete else var
            for _ in range(int(count)):
                dkey = ("diff", out, var)
                if dkey not in memo:
                    res = sp.diff(out, var)
                    memo[dkey] = res if concrete else _delta_sums(res)
                out = memo[dkey]
        return out
    if isinstance(expr, sp.MatrixBase):
        return expr.applyfunc(lambda a: _eval_derivatives(a, defs, sizes, memo))
    return expr.func(*[_eval_derivatives(a, defs, sizes, memo) for a in expr.args])


def _normalize_logs(expr: Expr) -> Expr:
    """log1p(a) → log(1 + a); each log(a) → expand_log(log(together(a)), force=True)."""
    expr = expr.replace(lambda e: isinstance(e, log1p), lambda e: sp.log(1 + e.args[0]))
    if not expr.has(sp.log):
        return expr

    def one(arg: Expr) -> Expr:
        return sp.expand_log(sp.log(sp.together(arg)), force=True)

    return expr.replace(lambda e: isinstance(e, sp.log), lambda e: one(e.args[0]))


def _delta_canon(expr: Expr) -> Expr:
    """In each term, δ_ab f(b) → δ_ab f(a) (a before b by name); δ² → δ."""
    expr = sp.expand(expr)
    if not expr.has(sp.KroneckerDelta):
        return expr
    out = []
    for term in sp.Add.make_args(expr):
        for _ in range(10):
            deltas = sorted(
                (
                    d
                    for d in term.atoms(sp.KroneckerDelta)
                    if all(isinstance(a, sp.Symbol) for a in d.args)
                ),
                key=str,
            )
            changed = False
            for dlt in deltas:
                a, b = sorted(dlt.args, key=str)
                mark = sp.Dummy("delta")
                rest = term.xreplace({dlt: mark})
                if b in rest.free_symbols - {mark}:
                    new = rest.xreplace({b: a})
                    term = new.subs(mark**2, mark).xreplace({mark: dlt})
                    changed = True
                    break
                term = term.subs(dlt**2, dlt)
            if not changed:
                break
        out.append(term)
    return sp.expand(sp.Add(*out))


def _exp_factors(arg: Expr) -> list[tuple[Expr, int]]:
    """e^{arg} as a product of generators: e^{2a + b/3} → [(e^a, 2), (e^{b/3}, 1)]."""
    out = []
    for term in sp.Add.make_args(sp.expand_mul(arg)):
        coeff, rest = term.as_coeff_Mul(rational=True)
        if not coeff.is_Rational:
            coeff, rest = sp.Integer(1), term
        if rest == 1:  # a numeric exponent: e^{q}
            out.append((sp.exp(coeff, evaluate=False), 1))
        elif coeff.q == 1:
            out.append((sp.exp(rest), int(coeff.p)))
        else:
            out.append((sp.exp(rest / coeff.q), int(coeff.p)))
    return out


def _numerator(expr: Expr) -> Any:
    """The numerator of `expr` over a common denominator, as a sparse polynomial over QQ.

    Atoms are the generators (e^{a+b} is split into e^a e^b; logarithms, sums, symbols and
    Kronecker deltas are generators). Denominators are kept factored, as a map from polynomial
    to power, and the common denominator of a sum takes the highest power of each factor, so
    no polynomial gcd is ever computed. `expr` is identically 0 exactly when this numerator is
    the zero polynomial (the denominator is a product of nonzero polynomials).
    """
    gens: dict[Expr, None] = {}

    def collect(e: Expr) -> None:
        if e.is_Rational:
            return
        if e.is_Add or e.is_Mul:
            for a in e.args:
                collect(a)
        elif e.is_Pow and e.exp.is_Integer:
            collect(e.base)
        elif isinstance(e, sp.exp):
            for g, _ in _exp_factors(e.args[0]):
                gens.setdefault(g)
        else:
            gens.setdefault(e)

    collect(expr)
    order = sorted(gens, key=sp.default_sort_key) or [sp.Dummy("one")]
    ring, *elements = sp.polys.rings.ring(order, sp.QQ)
    lookup = dict(zip(order, elements, strict=True))
    memo: dict[Expr, tuple[Any, dict[Any, int]]] = {}

    def mul(
        a: tuple[Any, dict[Any, int]], b: tuple[Any, dict[Any, int]]
    ) -> tuple[Any, dict[Any, int]]:
        den = dict(a[1])
        for f, p in b[1].items():
            den[f] = den.get(f, 0) + p
        return a[0] * b[0], den

    def add(
        a: tuple[Any, dict[Any, int]], b: tuple[Any, dict[Any, int]]
    ) -> tuple[Any, dict[Any, int]]:
        if not a[0]:
            return b
        if not b[0]:
            return a
        den = dict(a[1])
        for f, p in b[1].items():
            den[f] = max(den.get(f, 0), p)
        num = ring(0)
        for x in (a, b):
            term = x[0]
            for f, p in den.items():
                if p > x[1].get(f, 0):
                    term = term * f ** (p - x[1].get(f, 0))
            num = num + term
        return num, den

    def power(a: tuple[Any, dict[Any, int]], p: int) -> tuple[Any, dict[Any, int]]:
        if p >= 0:
            return a[0] ** p, {f: q * p for f, q in a[1].items()}
        num = ring(1)
        for f, q in a[1].items():
            num = num * f ** (q * -p)
        if a[0].is_ground:
            if not a[0]:
                raise ZeroDivisionError("division by zero in a step")
            return num * (1 / a[0].LC) ** -p, {}
        return num, {a[0]: -p}

    def ev(e: Expr) -> tuple[Any, dict[Any, int]]:
        if e in memo:
            return memo[e]
        if e.is_Rational:
            out = (ring(sp.QQ.convert(e)), {})
        elif e.is_Add:
            out = (ring(0), {})
            for a in e.args:
                out = add(out, ev(a))
        elif e.is_Mul:
            out = (ring(1), {})
            for a in e.args:
                out = mul(out, ev(a))
        elif e.is_Pow and e.exp.is_Integer:
            out = power(ev(e.base), int(e.exp))
        elif isinstance(e, sp.exp):
            out = (ring(1), {})
            for g, p in _exp_factors(e.args[0]):
                out = mul(out, power((lookup[g], {}), p))
        else:
            out = (lookup[e], {})
        memo[e] = out
        return out

    return ev(expr)[0]


def _zero_method(
    diff: Expr, general: bool, assumptions: Sequence[Assumption] = ()
) -> tuple[str | None, Expr]:
    """Return (method, residual): method is None when the residual is not identically 0.

    ``"expand"``: the difference expands to 0 (general form, after the sum and delta
    normalisation). ``"cancel"``: it is 0 as a rational function of its atoms: exact arithmetic
    in a rational-function field over QQ (what ``cancel`` does), with e^{a+b} split into
    e^a e^b. Treating the atoms (exponentials, logarithms, sums) as independent variables is
    sound: an identity in independent variables stays one after substitution.
    """
    if isinstance(diff, sp.MatrixBase):
        methods = []
        residual = sp.zeros(*diff.shape)
        for pos, entry in enumerate(diff):
            method, res = _zero_method(entry, general, assumptions)
            methods.append(method)
            residual[pos] = res
        if any(m is None for m in methods):
            return None, residual
        return ("cancel" if "cancel" in methods else "expand"), residual
    d = _normalize_logs(diff)
    if not general:
        if not _numerator(d):
            return "cancel", sp.Integer(0)
        return None, sp.factor_terms(sp.together(d))
    first = None
    for interchange in (False, True):  # sums as written; then nested sums also swapped
        e = _general_zero(d, assumptions, interchange)
        if e == 0:
            return "expand", e
        if not _numerator(e):
            return "cancel", sp.Integer(0)
        first = e if first is None else first
    return None, sp.factor_terms(sp.together(first))


def _general_zero(d: Expr, assumptions: Sequence[Assumption], interchange: bool) -> Expr:
    """Sums normalised and the assumptions applied, until nothing changes (a few rounds)."""

    def assume(e: Expr) -> Expr:
        for a in assumptions:
            e = a.general(e)
        return e

    rewrite = assume if interchange else None
    d = _normalize_sums(d, rewrite)
    for _ in range(2):
        before = d
        for a in assumptions:  # again: sums such as Σ_i y_i may only now stand alone
            d = a.general(d)
        if d == before:
            break
        d = _normalize_sums(d, rewrite)  # an inner sum replaced: normalise around it
    return _delta_canon(d)
