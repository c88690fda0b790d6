r"""Derivations that check themselves: SymPy building blocks and checked chains of equal steps.

A :class:`Derivation` is an ordered chain ``lhs = step_1 = step_2 = ...``. Each step carries a
short justification in words and, where it needs one, an explicit :class:`Assumption` (such as
Σ y_i = 1). :meth:`Derivation.check` proves every link:

* in **general-n form** (``IndexedBase``, ``Sum`` and ``KroneckerDelta`` over indices running
  from 1 to n) where SymPy can, and
* **always** for every concrete size (n = 2..6 by default), with every free index taking every
  value, by substituting and reducing the difference to exactly 0.

Random numeric probing is never used as a proof. What the reader sees (:meth:`Derivation.latex`,
``_repr_latex_``, :func:`glue_equation`) is rendered from the very expressions that were checked,
and rendering refuses a derivation whose check fails.

The zero test, in the order it is tried (the method that succeeded is recorded per step in
:attr:`StepRecord.general` / :attr:`StepRecord.concrete`):

1. evaluate: derivatives are taken with ``diff`` (innermost first; definitions such as
   ŷ_i = e^{z_i} / Σ_k e^{z_k} are unfolded except for the variable being differentiated by),
   sums over a Kronecker delta are done with ``deltasummation`` (free indices lie in 1..n),
   then all definitions are unfolded; in concrete form ``doit`` expands every sum;
2. the step's assumptions are applied (general rewrite, or substitution for concrete sizes);
3. logarithms are normalised (``together`` + ``factor`` of the argument, ``expand_log``);
4. general form only: each sum is split over its terms, factors free of the summation index are
   pulled out, and its index is renamed canonically, so equal sums become equal atoms;
5. ``expand`` (including e^{a+b} → e^a e^b); a product δ_ij f(j) is rewritten δ_ij f(i);
   if the result is 0 the method is ``"expand"``;
6. otherwise ``together`` (one common denominator) and ``expand`` of the numerator: method
   ``"together"``. SymPy's ``simplify`` is never called.

A step that does not reduce to 0 in general-n form but does for every concrete size is recorded
as proved for the concrete sizes only; a step whose difference does not vanish for some concrete
size raises :class:`DerivationError`.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

import sympy as sp
from sympy.codegen.cfunctions import log1p
from sympy.concrete.delta import deltasummation
from sympy.matrices.expressions.diagonal import DiagMatrix
from sympy.matrices.expressions.matexpr import MatrixElement
from sympy.printing.latex import LatexPrinter

__all__ = [
    "CONCRETE_SIZES",
    "DEFINITIONS",
    "POST_GRADIENT_LINES",
    "SUM_Y_IS_ONE",
    "Assumption",
    "CheckRecord",
    "Comparison",
    "Derivation",
    "DerivationError",
    "Failure",
    "StepRecord",
    "all_derivations",
    "binary_cross_entropy_gradient",
    "binary_cross_entropy_second_derivative",
    "binary_cross_entropy_stable_form",
    "case",
    "check_all",
    "concrete_symbols",
    "cross_entropy",
    "cross_entropy_gradient",
    "cross_entropy_gradient_direct",
    "cross_entropy_hessian",
    "cross_entropy_hessian_matrix",
    "cross_entropy_n",
    "distinct",
    "equation_latex",
    "glue_equation",
    "gradient",
    "gradient_n",
    "hessian",
    "hessian_n",
    "jacobian",
    "jacobian_n",
    "label_smoothing_margin",
    "latex",
    "linear_layer_gradient_b",
    "linear_layer_gradient_w",
    "log_softmax",
    "log_softmax_n",
    "post_comparison",
    "post_gradient",
    "sigmoid_as_softmax",
    "sigmoid_derivative",
    "softmax",
    "softmax_jacobian",
    "softmax_jacobian_diagonal",
    "softmax_jacobian_matrix",
    "softmax_jacobian_null_space",
    "softmax_jacobian_off_diagonal",
    "softmax_jacobian_psd",
    "softmax_jacobian_rows_sum_to_zero",
    "softmax_jacobian_symmetric",
    "softmax_n",
    "softmax_shift_invariance",
    "sum_to_one",
    "summary",
    "temperature_gradient",
    "vector",
    "wrong_derivations",
    "wrong_gradient_drops_sum_to_one",
    "wrong_jacobian_diagonal_only",
]

Expr = sp.Basic

# --------------------------------------------------------------------------------------------
# Symbols: general-n objects
# --------------------------------------------------------------------------------------------

_BASES: dict[str, sp.IndexedBase] = {}


def _base(name: str, **assumptions: bool) -> sp.IndexedBase:
    base = sp.IndexedBase(name, **assumptions)
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
#: Cross-entropy E = −Σ_i y_i log ŷ_i, and a logit shift c.
E = sp.Symbol("E", real=True)
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
    r"""Cross-entropy E in general-n form.

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
    r"""The gradient ∂E/∂z_index in general-n form.

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
    r"""The Hessian ∂²E/∂z_col∂z_row in general-n form.

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
    >>> vector(yhat).shape
    (n, 1)
    """
    name = str(base.label)
    if _BASES.get(name) is not base:
        raise ValueError(f"unknown base {name!r}")
    return sp.MatrixSymbol(name, size, 1)


# --------------------------------------------------------------------------------------------
# Definitions (what is unfolded before comparing)
# --------------------------------------------------------------------------------------------

Definitions = Mapping[Any, Any]

#: The default definitions: ŷ_i = softmax(z)_i, E = −Σ y_i log ŷ_i, J = [∂ŷ_i/∂z_j] and
#: H = [∂²E/∂z_j∂z_k] (matrix symbols, concrete sizes only).
DEFINITIONS: dict[Any, Any] = {
    yhat: lambda a: softmax_n(a, dummy=_m if a != _m else _q),
    E: lambda: -sp.Sum(y[_q] * sp.log(yhat[_q]), (_q, 1, n)),
    "J": lambda size: sp.Matrix(size, size, lambda r, s: sp.Derivative(yhat[r + 1], z[s + 1])),
    "H": lambda size: sp.Matrix(size, size, lambda r, s: sp.Derivative(E, z[r + 1], z[s + 1])),
}


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


def _sum_level(expr: Expr) -> int:
    return max((1 + _sum_level(s.function) for s in expr.atoms(sp.Sum) if s is not expr), default=0)


def _normalize_sums(expr: Expr) -> Expr:
    """Split sums over terms, pull out index-free factors, rename indices canonically."""
    if not expr.has(sp.Sum):
        return expr
    if isinstance(expr, sp.Sum):
        body = _normalize_sums(expr.function)
        for var, lo, hi in reversed(expr.limits):
            body = sp.expand(body)
            total = []
            for term in sp.Add.make_args(body):
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
                level = _sum_level(dep_expr)
                canon = sp.Symbol(f"m_{level}", integer=True, positive=True)
                total.append(
                    sp.Mul(*const) * sp.Sum(dep_expr.xreplace({var: canon}), (canon, lo, hi))
                )
            body = sp.Add(*total)
        return body
    if not expr.args:
        return expr
    return expr.func(*[_normalize_sums(a) for a in expr.args])


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
    if general:
        d = _normalize_sums(d)
        for a in assumptions:  # again: sums such as Σ_i y_i may only now stand alone
            d = a.general(d)
        d = _delta_canon(d)
        if d == 0:
            return "expand", d
    if not _numerator(d):
        return "cancel", sp.Integer(0)
    return None, sp.factor_terms(sp.together(d))


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

    Raises
    ------
    None

    Examples
    --------
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

    General form: any ``Sum(base[m], (m, 1, size))`` is replaced by 1. Concrete form: the last
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

    def general(expr: Expr) -> Expr:
        def match(e: Expr) -> bool:
            if not isinstance(e, sp.Sum) or len(e.limits) != 1:
                return False
            var, lo, hi = e.limits[0]
            if (lo, hi) != (1, size) or not isinstance(e.function, sp.Indexed):
                return False
            f = e.function
            if f.base != base:
                return False
            return f.indices[-1] == var and (rows is None) == (len(f.indices) == 1)

        return expr.replace(match, lambda e: sp.Integer(1))

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


#: Σ_i y_i = 1: the labels form a distribution (one-hot, soft labels, label smoothing).
SUM_Y_IS_ONE = sum_to_one()

# --------------------------------------------------------------------------------------------
# Printing
# --------------------------------------------------------------------------------------------


class _Printer(LatexPrinter):
    def _print_Indexed(self, expr: sp.Indexed) -> str:
        base = self._print(expr.base.label)
        idx = [self._print(a) for a in expr.indices]
        sep = "" if all(len(s) == 1 for s in idx) else ","
        return f"{base}_{{{sep.join(idx)}}}"

    def _print_KroneckerDelta(self, expr: sp.KroneckerDelta, exp: Any = None) -> str:
        idx = [self._print(a) for a in expr.args]
        sep = "" if all(len(s) == 1 for s in idx) else ","
        out = rf"\delta_{{{sep.join(idx)}}}"
        return f"{out}^{{{exp}}}" if exp else out

    def _print_OneMatrix(self, expr: Any) -> str:
        return r"\mathbf{1}"

    def _print_DiagMatrix(self, expr: Any) -> str:
        return rf"\operatorname{{diag}}\left({self._print(expr.args[0])}\right)"

    def _print_Derivative(self, expr: sp.Derivative) -> str:
        partial = any(not isinstance(a, sp.Symbol) for a in expr.variables) or isinstance(
            expr.expr, sp.Indexed
        )
        d = r"\partial" if partial else "d"
        order = sum(cnt for _, cnt in expr.variable_count)
        den = " ".join(
            (rf"{d} {self._print(var)}" if cnt == 1 else rf"{d} {self._print(var)}^{{{cnt}}}")
            for var, cnt in reversed(expr.variable_count)
        )
        top = d if order == 1 else f"{d}^{{{order}}}"
        if isinstance(expr.expr, sp.Symbol | sp.Indexed):
            return rf"\frac{{{top} {self._print(expr.expr)}}}{{{den}}}"
        if isinstance(expr.expr, sp.core.function.AppliedUndef):
            return rf"\frac{{{top}}}{{{den}}} {self._print(expr.expr)}"
        return rf"\frac{{{top}}}{{{den}}} \left({self._print(expr.expr)}\right)"


def latex(expr: Any) -> str:
    r"""LaTeX of a SymPy object in the book's notation (ŷ_i, δ_ij, ∂ŷ_i/∂z_j).

    Parameters
    ----------
    expr : sympy.Basic

    Returns
    -------
    str

    Raises
    ------
    None

    Examples
    --------
    >>> latex(sp.Derivative(yhat[i], z[j]))
    '\\frac{\\partial \\hat{y}_{i}}{\\partial z_{j}}'
    >>> latex(jacobian_n())
    '\\left(\\delta_{ij} - \\hat{y}_{j}\\right) \\hat{y}_{i}'
    """
    return _Printer().doprint(expr)


def _text(s: str) -> str:
    r"""A justification as LaTeX: words in ``\text{}``, ``$...$`` segments as math."""
    out = []
    for pos, part in enumerate(s.split("$")):
        if pos % 2:
            out.append(part)
        elif part:
            for a, b in (
                ("\\", r"\textbackslash "),
                ("&", r"\&"),
                ("%", r"\%"),
                ("#", r"\#"),
                ("_", r"\_"),
                ("{", r"\{"),
                ("}", r"\}"),
            ):
                part = part.replace(a, b)
            out.append(rf"\text{{{part}}}")
    return " ".join(out) if out else r"\text{}"


# --------------------------------------------------------------------------------------------
# Derivations
# --------------------------------------------------------------------------------------------


class DerivationError(AssertionError):
    """A step of a derivation is not equal to the previous one.

    Subclass of AssertionError, so a failing check fails a test or a notebook cell. The message
    names the derivation, the step number, its justification and the residual (the difference
    that did not reduce to 0) with the size and index values where it was found.

    Attributes
    ----------
    failure : Failure
        The structured details.
    """

    def __init__(self, failure: Failure) -> None:
        self.failure = failure
        super().__init__(str(failure))


@dataclass(frozen=True)
class Step:
    """One link of a :class:`Derivation` (built by :meth:`Derivation.step`)."""

    expr: Expr
    why: str
    using: tuple[Assumption, ...] = ()
    cases: tuple[Assumption, ...] = ()
    general: bool = True


@dataclass(frozen=True)
class StepRecord:
    """What was proved for one step.

    Attributes
    ----------
    number : int
        1-based step number (step k is proved equal to step k − 1; step 0 is the left side).
    why : str
        The justification.
    general : str or None
        The zero-test method that proved it in general form (``"expand"``, ``"together"``), or
        None if not proved (or not attempted) in general form.
    concrete : tuple of str
        The concrete sizes for which it was proved (labels such as ``"n=3"``).
    checks : int
        Number of concrete (size, index-assignment, case) instances reduced to 0.
    assumptions : tuple of str
        Names of the assumptions used.
    """

    number: int
    why: str
    general: str | None
    concrete: tuple[str, ...]
    checks: int
    assumptions: tuple[str, ...]


@dataclass(frozen=True)
class CheckRecord:
    """The record of a successful :meth:`Derivation.check`.

    Attributes
    ----------
    name : str
    steps : tuple of StepRecord
    seconds : float
        Wall time of the check.
    general_form : str
        Label of the general form, e.g. ``"general n"``.
    concrete_form : str
        Label of the concrete sizes, e.g. ``"n = 2..6"`` (empty if none).
    """

    name: str
    steps: tuple[StepRecord, ...]
    seconds: float
    general_form: str
    concrete_form: str

    @property
    def n_steps(self) -> int:
        """Number of steps (links) checked."""
        return len(self.steps)

    @property
    def n_general(self) -> int:
        """Number of steps proved in general form."""
        return sum(s.general is not None for s in self.steps)

    @property
    def n_concrete(self) -> int:
        """Number of steps proved for every concrete size."""
        return sum(bool(s.concrete) for s in self.steps)

    def __str__(self) -> str:
        parts = [f"{self.n_general} in {self.general_form} form"]
        if self.concrete_form:
            parts.append(f"{self.n_concrete} for {self.concrete_form}")
        return f"{self.name}: {self.n_steps} steps checked ({', '.join(parts)})"


@dataclass(frozen=True)
class Failure:
    """A step that does not follow (returned by :meth:`Derivation.try_check`).

    Attributes
    ----------
    derivation : Derivation
    step : int
        1-based number of the failing step.
    why : str
        Its justification.
    residual : sympy.Expr
        The difference (step − previous step) after the zero test, at the place found.
    where : str
        Where it was found, e.g. ``"n=2, i=1, j=2"`` or ``"general n"``.
    general_residual : sympy.Expr or None
        The general-form residual, when the general form was tried.
    """

    derivation: Derivation
    step: int
    why: str
    residual: Expr
    where: str
    general_residual: Expr | None = None

    def __str__(self) -> str:
        msg = (
            f"{self.derivation.name}: step {self.step} ({self.why!r}) does not follow from "
            f"step {self.step - 1}: residual {sp.sstr(self.residual)} does not vanish "
            f"({self.where})"
        )
        if self.general_residual is not None and self.general_residual != 0:
            msg += f"; general-form residual {sp.sstr(self.general_residual)}"
        return msg

    def residual_latex(self) -> str:
        """LaTeX of the residual (the general-form one if available, else the concrete one).

        Returns
        -------
        str

        Raises
        ------
        None

        Examples
        --------
        >>> f = wrong_gradient_drops_sum_to_one().try_check()
        >>> f.step
        6
        """
        r = self.general_residual if self.general_residual not in (None, 0) else self.residual
        return latex(sp.factor_terms(r))

    def latex(self) -> str:
        r"""The derivation up to the failing step, that step marked ``\neq`` with its residual.

        Returns
        -------
        str
            ``$$\begin{aligned} ... \end{aligned}$$``.

        Raises
        ------
        None

        Examples
        --------
        >>> r"\neq" in wrong_jacobian_diagonal_only().try_check().latex()
        True
        """
        note = _text(f"✗ {self.why}: the difference is ") + " " + self.residual_latex()
        return self.derivation._render(upto=self.step, fail_note=note)

    def _repr_latex_(self) -> str:
        return self.latex()


class Derivation:
    r"""An ordered chain of equal expressions, each link justified and checked.

    Parameters
    ----------
    name : str
        Identifier (used by the registry and in messages), e.g. ``"softmax_jacobian"``.
    lhs : sympy.Basic
        The left side, step 0 (e.g. ``Derivative(yhat[i], z[j])``).
    title : str
        One-line description.
    indices : mapping or sequence of sympy.Symbol
        Free indices and the size each ranges over (``{i: n, j: n}``); a sequence means each
        ranges over n. In concrete checks every value 1..size is substituted.
    given : sequence of Assumption
        Hypotheses of the whole derivation (e.g. i ≠ j), applied to every step.
    definitions : mapping, optional
        What is unfolded before comparing: IndexedBase → callable(indices), Symbol →
        callable(), undefined Function → callable(args), matrix-symbol name → callable(size).
        Default :data:`DEFINITIONS`.
    sizes : sequence of mapping, optional
        Concrete sizes, each a mapping size symbol → int. Default ``{n: 2}`` .. ``{n: 6}``;
        an empty sequence means no concrete form (a scalar identity).
    general_form : str
        Label of the general form in reports (``"general n"``, ``"exact (scalar)"``).
    concrete_form : str, optional
        Label of the concrete sizes (default built from `sizes`, e.g. ``"n = 2..6"``).

    Raises
    ------
    ValueError
        If an index of `indices` has no size.

    Examples
    --------
    >>> d = Derivation("demo", sp.Derivative(yhat[i], z[j]), indices=[i, j])
    >>> d = d.step(jacobian_n(i, j), "quotient rule")
    >>> print(d.check())
    demo: 1 steps checked (1 in general n form, 1 for n = 2..6)
    >>> print(d.latex())  # doctest: +ELLIPSIS
    $$\begin{aligned}
    \frac{\partial \hat{y}_{i}}{\partial z_{j}} &= \left(\delta_{ij} - ...
    \end{aligned}$$
    """

    def __init__(
        self,
        name: str,
        lhs: Expr,
        *,
        title: str = "",
        indices: Mapping[sp.Symbol, Any] | Sequence[sp.Symbol] = (),
        given: Sequence[Assumption] = (),
        definitions: Definitions | None = None,
        sizes: Sequence[Mapping[sp.Symbol, int]] | None = None,
        general_form: str = "general n",
        concrete_form: str | None = None,
    ) -> None:
        self.name = name
        self.title = title
        self.lhs = lhs
        if not isinstance(indices, Mapping):
            indices = dict.fromkeys(indices, n)
        self.indices: dict[sp.Symbol, Any] = dict(indices)
        self.given = tuple(given)
        self.definitions = DEFINITIONS if definitions is None else definitions
        if sizes is None:
            sizes = [{n: s} for s in CONCRETE_SIZES]
            concrete_form = concrete_form or f"n = {CONCRETE_SIZES[0]}..{CONCRETE_SIZES[-1]}"
        self.sizes = [dict(s) for s in sizes]
        for idx, size in self.indices.items():
            if size is None:
                raise ValueError(f"index {idx} has no size")
        if concrete_form is None:
            concrete_form = ", ".join(
                "(" + ", ".join(f"{key}={val}" for key, val in s.items()) + ")" for s in self.sizes
            )
        self.general_form = general_form
        self.concrete_form = concrete_form
        self.steps: list[Step] = []
        self._record: CheckRecord | None = None
        self._failure: Failure | None = None

    # -- building -----------------------------------------------------------------------

    def step(
        self,
        expr: Expr,
        why: str,
        *,
        using: Sequence[Assumption] = (),
        cases: Sequence[Assumption] = (),
        general: bool = True,
    ) -> Derivation:
        """Append a step ``= expr`` justified by `why`; returns the derivation (chainable).

        Parameters
        ----------
        expr : sympy.Basic
            The new expression (scalar, or a matrix expression for matrix forms).
        why : str
            Short justification in words.
        using : sequence of Assumption
            Assumptions this step relies on (and every later one keeps).
        cases : sequence of Assumption
            If given, the step is proved separately under each case (e.g. x > 0, x < 0, x = 0).
        general : bool
            False: do not attempt the general form for this step.

        Returns
        -------
        Derivation

        Raises
        ------
        None

        Examples
        --------
        >>> Derivation("d", yhat[i]).step(softmax_n(i), "definition").steps[0].why
        'definition'
        """
        self.steps.append(Step(sp.sympify(expr), why, tuple(using), tuple(cases), general))
        self._record = None
        self._failure = None
        return self

    @property
    def result(self) -> Expr:
        """The last expression of the chain (the left side if there are no steps)."""
        return self.steps[-1].expr if self.steps else self.lhs

    def expressions(self) -> list[Expr]:
        """Step 0 (the left side) and every step's expression, in order.

        Returns
        -------
        list of sympy.Basic

        Raises
        ------
        None

        Examples
        --------
        >>> len(softmax_jacobian().expressions())
        4
        """
        return [self.lhs, *(s.expr for s in self.steps)]

    # -- checking -----------------------------------------------------------------------

    def _assumptions_upto(self, number: int) -> tuple[Assumption, ...]:
        out = list(self.given)
        for st in self.steps[:number]:
            out.extend(a for a in st.using if a not in out)
        return tuple(out)

    def _general_value(self, expr: Expr, assumptions: Sequence[Assumption]) -> Expr:
        e = _eval_derivatives(expr, self.definitions, None)
        e = _unfold(e, self.definitions)
        e = _delta_sums(e)
        for a in assumptions:
            e = a.general(e)
        return e

    def _concrete_value(
        self,
        expr: Expr,
        sizes: Mapping[sp.Symbol, int],
        assign: Mapping[sp.Symbol, int],
        assumptions: Sequence[Assumption],
    ) -> Expr:
        e = expr.xreplace(dict(sizes)).xreplace(dict(assign))
        if isinstance(e, sp.MatrixExpr | sp.MatrixBase):
            e = self._explicit_matrix(e, sizes)
            if self.indices:
                key = tuple(assign[idx] - 1 for idx in self.indices)
                e = e[key] if e.shape[1] > 1 else e[key[0], 0]
        memo = self._memo.setdefault(tuple(sorted((str(a), b) for a, b in sizes.items())), {})
        if e.has(_Entry):

            def entry(a: _Entry) -> Expr:
                key = ("matrix", a.args[0])
                if key not in memo:
                    memo[key] = self._explicit_matrix(a.args[0], sizes)
                return memo[key][int(a.args[1]) - 1, int(a.args[2]) - 1]

            e = e.replace(lambda a: isinstance(a, _Entry), entry)
        e = _expand_sums(e)  # first: Σ_i ∂E/∂ŷ_i ... becomes ∂E/∂ŷ_1 ... + ∂E/∂ŷ_n ...
        e = _eval_derivatives(e, self.definitions, sizes, memo)
        e = _unfold(e, self.definitions, (), sizes, memo)
        for a in assumptions:
            e = a.concrete(e, sizes)
        return e

    def _explicit_matrix(self, e: Any, sizes: Mapping[sp.Symbol, int]) -> sp.Matrix:
        reps = {}
        for ms in e.atoms(sp.MatrixSymbol):
            if ms.name in self.definitions:
                reps[ms] = sp.ImmutableMatrix(self.definitions[ms.name](ms.shape[0]))
        e = e.xreplace(reps)
        e = sp.Matrix(e.as_explicit() if isinstance(e, sp.MatrixExpr) else e)

        def elem(a: Any) -> Any:
            base = _BASES[a.parent.name]
            row, col = int(a.i) + 1, int(a.j) + 1
            return base[row] if a.parent.shape[1] == 1 else base[row, col]

        return e.applyfunc(lambda a: a.replace(lambda b: isinstance(b, MatrixElement), elem))

    def _assignments(
        self, sizes: Mapping[sp.Symbol, int], assumptions: Sequence[Assumption]
    ) -> list[dict[sp.Symbol, int]]:
        ranges = [
            range(1, int(sp.sympify(sz).xreplace(dict(sizes))) + 1) for sz in self.indices.values()
        ]
        out = []
        for values in itertools.product(*ranges):
            assign = dict(zip(self.indices, values, strict=True))
            if all(a.admits(assign) for a in assumptions):
                out.append(assign)
        return out

    def _check(self) -> CheckRecord | Failure:
        self._memo: dict[Any, dict[Any, Expr]] = {}
        try:
            return self._check_all_steps()
        finally:
            self._memo = {}

    def _check_all_steps(self) -> CheckRecord | Failure:
        start = time.perf_counter()
        records = []
        exprs = self.expressions()
        concrete_cache: dict[tuple[int, int, tuple[Any, ...], int], Expr] = {}
        for number in range(1, len(exprs)):
            st = self.steps[number - 1]
            assumptions = self._assumptions_upto(number)
            cases: Sequence[Assumption | None] = st.cases or (None,)
            is_matrix = any(
                isinstance(exprs[a], sp.MatrixExpr | sp.MatrixBase) for a in (number - 1, number)
            )
            # general form
            general_method: str | None = None
            general_residual: Expr | None = None
            if st.general and not is_matrix:
                methods = []
                for cs in cases:
                    extra = (cs,) if cs is not None else ()
                    diff = sp.Add(exprs[number], -exprs[number - 1])
                    d = self._general_value(diff, (*assumptions, *extra))
                    method, residual = _zero_method(d, True, (*assumptions, *extra))
                    methods.append(method)
                    if method is None:
                        general_residual = residual
                        break
                if all(m is not None for m in methods):
                    general_method = "cancel" if "cancel" in methods else "expand"
            # concrete sizes
            proved_sizes = []
            checks = 0
            for size_no, sizes in enumerate(self.sizes):
                for assign in self._assignments(sizes, assumptions):
                    akey = tuple(sorted((str(a), b) for a, b in assign.items()))
                    for case_no, cs in enumerate(cases):
                        extra = (cs,) if cs is not None else ()
                        vals = []
                        for which in (number - 1, number):
                            key = (which, size_no, akey, case_no, len(assumptions))
                            if key not in concrete_cache:
                                val = self._concrete_value(
                                    exprs[which], sizes, assign, (*assumptions, *extra)
                                )
                                if cs is not None:
                                    val = cs.general(val)
                                concrete_cache[key] = val
                            vals.append(concrete_cache[key])
                        method, residual = _zero_method(sp.Add(vals[1], -vals[0]), general=False)
                        if method is None:
                            where = ", ".join(
                                [f"{a}={b}" for a, b in sizes.items()]
                                + [f"{a}={b}" for a, b in assign.items()]
                                + ([cs.name] if cs is not None else [])
                            )
                            return Failure(self, number, st.why, residual, where, general_residual)
                        checks += 1
                proved_sizes.append(",".join(f"{a}={b}" for a, b in sizes.items()))
            if not self.sizes and general_method is None:
                return Failure(
                    self, number, st.why, general_residual, self.general_form, general_residual
                )
            records.append(
                StepRecord(
                    number,
                    st.why,
                    general_method,
                    tuple(proved_sizes),
                    checks,
                    tuple(a.name for a in (*assumptions, *st.cases)),
                )
            )
        return CheckRecord(
            self.name,
            tuple(records),
            time.perf_counter() - start,
            self.general_form,
            self.concrete_form if self.sizes else "",
        )

    def check(self) -> CheckRecord:
        """Prove every step; cached, so a second call is free.

        Returns
        -------
        CheckRecord
            What was proved, in which forms, and how long it took.

        Raises
        ------
        DerivationError
            If a step is not equal to the previous one for some concrete size (or, for a
            derivation without concrete sizes, in its exact form). The message names the step
            number, its justification and the residual.

        Examples
        --------
        >>> wrong_jacobian_diagonal_only().check()  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        sce.symbolic.DerivationError: wrong_jacobian_diagonal_only: step 2 ...
        """
        if self._record is None and self._failure is None:
            out = self._check()
            if isinstance(out, Failure):
                self._failure = out
            else:
                self._record = out
        if self._failure is not None:
            raise DerivationError(self._failure)
        assert self._record is not None
        return self._record

    def try_check(self) -> Failure | None:
        """Check without raising: the :class:`Failure` of the first failing step, or None.

        Returns
        -------
        Failure or None

        Raises
        ------
        None

        Examples
        --------
        >>> f = wrong_jacobian_diagonal_only().try_check()
        >>> f.step, f.why
        (2, 'the diagonal entry used for every entry')
        >>> softmax_jacobian().try_check() is None
        True
        """
        try:
            self.check()
        except DerivationError as err:
            return err.failure
        return None

    @property
    def record(self) -> CheckRecord:
        """The check record (checks first if needed; raises :class:`DerivationError`)."""
        return self.check()

    def report(self) -> str:
        """A plain-text report of what was proved, one line per step.

        Returns
        -------
        str

        Raises
        ------
        DerivationError
            If the derivation does not check.

        Examples
        --------
        >>> print(softmax_jacobian_diagonal().report().splitlines()[0])
        softmax_jacobian_diagonal: 3 steps checked (3 in general n form, 3 for n = 2..6)
        """
        rec = self.check()
        lines = [str(rec)]
        for s in rec.steps:
            forms = []
            if s.general:
                forms.append(f"{rec.general_form} by {s.general}")
            if s.concrete:
                forms.append(f"{rec.concrete_form} ({s.checks} instances)")
            extra = f" [assuming {'; '.join(s.assumptions)}]" if s.assumptions else ""
            lines.append(f"  step {s.number}: {s.why}{extra} -- {', '.join(forms)}")
        return "\n".join(lines)

    # -- display ------------------------------------------------------------------------

    def _render(self, upto: int | None = None, fail_note: str | None = None) -> str:
        exprs = self.expressions()
        last = len(exprs) - 1 if upto is None else upto
        rows = []
        for number in range(1, last + 1):
            st = self.steps[number - 1]
            left = latex(self.lhs) + " " if number == 1 else ""
            rel = r"&\neq" if fail_note is not None and number == last else "&="
            if fail_note is not None and number == last:
                note = fail_note
            else:
                note = _text(st.why)
                used = [a for a in st.using if a not in self.given]
                if number == 1:
                    used = [*self.given, *used]
                if used:
                    note += r",\ " + r",\ ".join(a.latex() for a in used)
                if st.cases:
                    note += (
                        r"\ "
                        + _text("(cases")
                        + r"\ "
                        + r",\ ".join(a.latex() for a in st.cases)
                        + _text(")")
                    )
            rows.append(f"{left}{rel} {latex(st.expr)} && {note}")
        body = " \\\\\n".join(rows)
        return f"$$\\begin{{aligned}}\n{body}\n\\end{{aligned}}$$"

    def latex(self) -> str:
        r"""The chain as ``$$\begin{aligned} ... \end{aligned}$$``, one step per line.

        Checks first: a derivation that does not check is never rendered.

        Returns
        -------
        str

        Raises
        ------
        DerivationError
            If a step does not check (use :meth:`try_check` and :meth:`Failure.latex` to
            show a wrong derivation on purpose).

        Examples
        --------
        >>> print(softmax_jacobian_off_diagonal().latex())  # doctest: +ELLIPSIS
        $$\begin{aligned}
        \frac{\partial \hat{y}_{i}}{\partial z_{j}} &= ... && \text{definition of softmax},\ ...
        ...
        \end{aligned}$$
        """
        self.check()
        return self._render()

    def _repr_latex_(self) -> str:
        return self.latex()

    def equation(self, step: int | None = None) -> sp.Eq:
        r"""The checked equation ``lhs = step`` (default: the last step) as a SymPy Eq.

        Parameters
        ----------
        step : int, optional
            1-based step number; default the last.

        Returns
        -------
        sympy.Eq

        Raises
        ------
        DerivationError
            If the derivation does not check.
        IndexError
            If `step` is out of range.

        Examples
        --------
        >>> softmax_jacobian().equation()
        Eq(Derivative(\hat{y}[i], z[j]), (KroneckerDelta(i, j) - \hat{y}[j])*\hat{y}[i])
        """
        self.check()
        number = len(self.steps) if step is None else step
        if not 1 <= number <= len(self.steps):
            raise IndexError(f"step {number} not in 1..{len(self.steps)}")
        return sp.Eq(self.lhs, self.steps[number - 1].expr, evaluate=False)

    def __repr__(self) -> str:
        return f"<Derivation {self.name!r}: {len(self.steps)} steps>"


def equation_latex(derivation: Derivation, step: int | None = None) -> str:
    r"""LaTeX (no delimiters) of the checked equation ``lhs = step``, for ``{glue:math}``.

    Parameters
    ----------
    derivation : Derivation
    step : int, optional
        1-based step; default the last.

    Returns
    -------
    str

    Raises
    ------
    DerivationError
        If the derivation does not check.
    IndexError
        If `step` is out of range.

    Examples
    --------
    >>> print(equation_latex(softmax_jacobian()))
    \frac{\partial \hat{y}_{i}}{\partial z_{j}} = \left(\delta_{ij} - \hat{y}_{j}\right) \hat{y}_{i}
    """
    eq = derivation.equation(step)
    return f"{latex(eq.lhs)} = {latex(eq.rhs)}"


def glue_equation(
    key: str, derivation: Derivation, step: int | None = None, *, display: bool = False
) -> str:
    r"""Glue the checked equation ``lhs = step`` under `key` for a labelled ``{glue:math}``.

    The value is an ``IPython.display.Math``, whose ``text/latex`` output is
    ``$\displaystyle ...$``; myst-nb's ``glue:math`` strips the ``$`` delimiters and emits a
    math block whose ``:label:`` Sphinx registers, so ``{eq}`` references work under
    ``-n -W``. In the chapter's Markdown::

        ```{glue:math} eq-softmax-jacobian
        :label: eq-jacobian
        ```

    Parameters
    ----------
    key : str
        The glue key (unique in the book).
    derivation : Derivation
    step : int, optional
        1-based step; default the last.
    display : bool
        Also show the equation in the cell output (default False: the directive shows it).

    Returns
    -------
    str
        The glued LaTeX.

    Raises
    ------
    DerivationError
        If the derivation does not check.
    ImportError
        If myst-nb or IPython is not installed.

    Examples
    --------
    Outside a notebook the glue is a no-op and only the LaTeX comes back:

    >>> print(glue_equation("eq-softmax-jacobian", softmax_jacobian()))
    \frac{\partial \hat{y}_{i}}{\partial z_{j}} = \left(\delta_{ij} - \hat{y}_{j}\right) \hat{y}_{i}
    """
    from IPython.display import Math
    from myst_nb import glue

    text = equation_latex(derivation, step)
    glue(key, Math(text), display=display)
    return text


# --------------------------------------------------------------------------------------------
# The book's derivations
# --------------------------------------------------------------------------------------------


def _um(*args: Any) -> sp.Mul:
    """A product shown as written (not auto-combined)."""
    return sp.Mul(*args, evaluate=False)


def _frac(num: Any, den: Any) -> sp.Mul:
    """A fraction shown as written (common factors not cancelled)."""
    return sp.Mul(num, sp.Pow(den, -1, evaluate=False), evaluate=False)


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


_S = sp.Sum(sp.exp(z[k]), (k, 1, n))


@cache
def softmax_shift_invariance() -> Derivation:
    r"""softmax(z + c) = softmax(z): adding a constant c to every logit changes nothing.

    Steps use ``expand`` (e^{a+b} = e^a e^b; constants out of the sum) and ``together``.

    Returns
    -------
    Derivation

    Raises
    ------
    None

    Examples
    --------
    >>> softmax_shift_invariance().check().n_general
    4
    """
    shifted = sp.exp(z[i] + c) / sp.Sum(sp.exp(z[k] + c), (k, 1, n))
    return (
        Derivation(
            "softmax_shift_invariance",
            shifted,
            indices=[i],
            title="softmax is invariant to a common shift of the logits",
        )
        .step(
            _frac(_um(sp.exp(c), sp.exp(z[i])), sp.Sum(_um(sp.exp(c), sp.exp(z[k])), (k, 1, n))),
            "$e^{a+b} = e^a e^b$",
        )
        .step(
            _frac(_um(sp.exp(c), sp.exp(z[i])), _um(sp.exp(c), _S)),
            "the constant $e^c$ comes out of the sum",
        )
        .step(sp.exp(z[i]) / _S, "cancel $e^c$")
        .step(yhat[i], "definition of softmax")
    )


@cache
def softmax_jacobian_diagonal() -> Derivation:
    r"""∂ŷ_j/∂z_j = ŷ_j (1 − ŷ_j): the diagonal of the softmax Jacobian.

    Quotient rule step checked by ``expand``/``together`` after ``diff``.

    Returns
    -------
    Derivation

    Raises
    ------
    None

    Examples
    --------
    >>> softmax_jacobian_diagonal().result
    (1 - \hat{y}[j])*\hat{y}[j]
    """
    ej = sp.exp(z[j])
    return (
        Derivation(
            "softmax_jacobian_diagonal",
            sp.Derivative(yhat[j], z[j]),
            indices=[j],
            title="the diagonal of the softmax Jacobian (i = j)",
        )
        .step(sp.Derivative(ej / _S, z[j]), "definition of softmax")
        .step(
            _frac(sp.Add(_um(ej, _S), _um(-1, ej, ej), evaluate=False), _S**2),
            r"quotient rule, $\partial (\sum_k e^{z_k}) / \partial z_j = e^{z_j}$",
        )
        .step(yhat[j] * (1 - yhat[j]), "definition of softmax")
    )


@cache
def softmax_jacobian_off_diagonal() -> Derivation:
    r"""∂ŷ_i/∂z_j = −ŷ_i ŷ_j for i ≠ j: the off-diagonal entries of the Jacobian.

    Returns
    -------
    Derivation

    Raises
    ------
    None

    Examples
    --------
    >>> softmax_jacobian_off_diagonal().result
    -\hat{y}[i]*\hat{y}[j]
    """
    return (
        Derivation(
            "softmax_jacobian_off_diagonal",
            sp.Derivative(yhat[i], z[j]),
            indices=[i, j],
            given=[distinct(i, j)],
            title="the off-diagonal softmax Jacobian (i ≠ j)",
        )
        .step(sp.Derivative(sp.exp(z[i]) / _S, z[j]), "definition of softmax")
        .step(
            -_um(sp.exp(z[i]), sp.exp(z[j])) / _S**2,
            "quotient rule; $e^{z_i}$ does not depend on $z_j$",
        )
        .step(-yhat[i] * yhat[j], "definition of softmax")
    )


@cache
def softmax_jacobian() -> Derivation:
    r"""∂ŷ_i/∂z_j = ŷ_i (δ_ij − ŷ_j): both cases in one formula (the post's eq-1).

    Returns
    -------
    Derivation

    Raises
    ------
    None

    Examples
    --------
    >>> softmax_jacobian().result == jacobian_n(i, j)
    True
    """
    ei = sp.exp(z[i])
    d = sp.KroneckerDelta(i, j)
    return (
        Derivation(
            "softmax_jacobian",
            sp.Derivative(yhat[i], z[j]),
            indices=[i, j],
            title="the softmax Jacobian with a Kronecker delta",
        )
        .step(
            _frac(sp.Add(_um(d, ei, _S), _um(-1, ei, sp.exp(z[j])), evaluate=False), _S**2),
            r"quotient rule, $\partial e^{z_i} / \partial z_j = \delta_{ij} e^{z_i}$",
        )
        .step(yhat[i] * d - yhat[i] * yhat[j], "definition of softmax")
        .step(jacobian_n(i, j), r"factor out $\hat{y}_i$")
    )


def _J() -> sp.MatrixSymbol:
    return sp.MatrixSymbol("J", n, n)


@cache
def softmax_jacobian_matrix() -> Derivation:
    r"""J = diag(ŷ) − ŷŷᵀ: the Jacobian as a matrix (checked for n = 2..6, entrywise).

    Returns
    -------
    Derivation

    Raises
    ------
    None

    Examples
    --------
    >>> softmax_jacobian_matrix().check().n_concrete
    1
    """
    p = vector(yhat)
    return Derivation(
        "softmax_jacobian_matrix", _J(), title="the softmax Jacobian as a matrix, J_ij = ∂ŷ_i/∂z_j"
    ).step(
        DiagMatrix(p) - p * p.T, r"entry $(i, j)$ is $\hat{y}_i \delta_{ij} - \hat{y}_i \hat{y}_j$"
    )


@cache
def softmax_jacobian_symmetric() -> Derivation:
    r"""∂ŷ_i/∂z_j = ∂ŷ_j/∂z_i: the Jacobian is symmetric.

    Returns
    -------
    Derivation

    Raises
    ------
    None

    Examples
    --------
    >>> softmax_jacobian_symmetric().result
    Derivative(\hat{y}[j], z[i])
    """
    return (
        Derivation(
            "softmax_jacobian_symmetric",
            sp.Derivative(yhat[i], z[j]),
            indices=[i, j],
            title="the softmax Jacobian is symmetric",
        )
        .step(jacobian_n(i, j), "the softmax Jacobian")
        .step(yhat[i] * sp.KroneckerDelta(i, j) - yhat[i] * yhat[j], "expand")
        .step(
            yhat[j] * sp.KroneckerDelta(j, i) - yhat[j] * yhat[i],
            r"$\delta_{ij} \hat{y}_i = \delta_{ij} \hat{y}_j$, $\delta_{ij} = \delta_{ji}$",
        )
        .step(sp.Derivative(yhat[j], z[i]), "the softmax Jacobian with i and j swapped")
    )


@cache
def softmax_jacobian_rows_sum_to_zero() -> Derivation:
    r"""Σ_j ∂ŷ_i/∂z_j = 0: every row of the Jacobian sums to 0.

    Returns
    -------
    Derivation

    Raises
    ------
    None

    Examples
    --------
    >>> softmax_jacobian_rows_sum_to_zero().result
    0
    """
    return (
        Derivation(
            "softmax_jacobian_rows_sum_to_zero",
            sp.Sum(sp.Derivative(yhat[i], z[j]), (j, 1, n)),
            indices=[i],
            title="each row of the softmax Jacobian sums to zero",
        )
        .step(sp.Sum(jacobian_n(i, j), (j, 1, n)), "the softmax Jacobian")
        .step(
            yhat[i] - yhat[i] * sp.Sum(yhat[j], (j, 1, n)),
            r"the sum over $j$ with $\delta_{ij}$ picks $j = i$",
        )
        .step(sp.Integer(0), r"$\sum_j \hat{y}_j = 1$ (softmax sums to one)")
    )


@cache
def softmax_jacobian_null_space() -> Derivation:
    r"""J 1 = 0: the all-ones vector is in the null space, so J is singular (matrix form).

    Returns
    -------
    Derivation

    Raises
    ------
    None

    Examples
    --------
    >>> softmax_jacobian_null_space().check().n_concrete
    3
    """
    p, one = vector(yhat), sp.OneMatrix(n, 1)
    return (
        Derivation(
            "softmax_jacobian_null_space",
            sp.MatMul(_J(), one),
            title="the all-ones vector is in the null space of the Jacobian",
        )
        .step(sp.MatMul(DiagMatrix(p) - p * p.T, one), "the Jacobian as a matrix")
        .step(p - sp.MatMul(p, p.T, one), r"$\operatorname{diag}(\hat{y}) \mathbf{1} = \hat{y}$")
        .step(sp.ZeroMatrix(n, 1), r"$\hat{y}^T \mathbf{1} = \sum_i \hat{y}_i = 1$")
    )


@cache
def softmax_jacobian_psd() -> Derivation:
    r"""vᵀJv = Σ_i ŷ_i v_i² − (Σ_i ŷ_i v_i)² = Σ_i ŷ_i (v_i − Σ_k ŷ_k v_k)² ≥ 0: J is PSD.

    The last expression is the variance of v under the distribution ŷ, hence ≥ 0.

    Returns
    -------
    Derivation

    Raises
    ------
    None

    Examples
    --------
    >>> softmax_jacobian_psd().check().n_general
    4
    """
    quad = sp.Sum(sp.Sum(v[i] * sp.Derivative(yhat[i], z[j]) * v[j], (j, 1, n)), (i, 1, n))
    mean = sp.Sum(yhat[k] * v[k], (k, 1, n))
    return (
        Derivation(
            "softmax_jacobian_psd", quad, title="the quadratic form of the Jacobian is a variance"
        )
        .step(
            sp.Sum(sp.Sum(v[i] * jacobian_n(i, j) * v[j], (j, 1, n)), (i, 1, n)),
            "the softmax Jacobian",
        )
        .step(
            sp.Sum(yhat[i] * v[i] ** 2, (i, 1, n)) - sp.Sum(yhat[i] * v[i], (i, 1, n)) ** 2,
            r"the sum over $j$ with $\delta_{ij}$ picks $j = i$",
        )
        .step(
            sp.Sum(yhat[i] * v[i] ** 2, (i, 1, n)) - mean**2 * sp.Sum(yhat[i], (i, 1, n)),
            r"$\sum_i \hat{y}_i = 1$ (softmax sums to one)",
        )
        .step(
            sp.Sum(yhat[i] * (v[i] - mean) ** 2, (i, 1, n)),
            r"a variance: $\mathbb{E}[v^2] - \mathbb{E}[v]^2 = \mathbb{E}[(v - \mathbb{E}[v])^2]$",
        )
    )


def _chain_sum() -> sp.Expr:
    return sp.Sum(sp.Derivative(E, yhat[i]) * sp.Derivative(yhat[i], z[j]), (i, 1, n))


def _gradient_steps(d: Derivation, *, drop: bool) -> Derivation:
    d.step(_chain_sum(), "chain rule: a vector-Jacobian product, a sum over i")
    d.step(
        sp.Sum(-y[i] / yhat[i] * sp.Derivative(yhat[i], z[j]), (i, 1, n)),
        r"$\partial E / \partial \hat{y}_i = -y_i / \hat{y}_i$",
    )
    d.step(
        sp.Sum(_um(-y[i] / yhat[i], jacobian_n(i, j)), (i, 1, n)), "substitute the softmax Jacobian"
    )
    d.step(
        -sp.Sum(y[i] * sp.KroneckerDelta(i, j), (i, 1, n)) + sp.Sum(y[i] * yhat[j], (i, 1, n)),
        r"cancel $\hat{y}_i$, split the $\delta$ term",
    )
    d.step(
        -y[j] + yhat[j] * sp.Sum(y[i], (i, 1, n)),
        r"the sum with $\delta_{ij}$ picks $i = j$; $\hat{y}_j$ out of the sum",
    )
    if drop:
        d.step(gradient_n(True), "Y is one-hot (assumption dropped)")
    else:
        d.step(gradient_n(True), "the labels sum to one", using=[SUM_Y_IS_ONE])
    return d


@cache
def cross_entropy_gradient() -> Derivation:
    r"""∂E/∂z_j = (Σ_i y_i) ŷ_j − y_j, and = ŷ_j − y_j with Σ y_i = 1 (the post's eq-2, eq-3).

    Step 5 holds for any y; only step 6 uses the explicit assumption Σ y_i = 1.

    Returns
    -------
    Derivation

    Raises
    ------
    None

    Examples
    --------
    >>> d = cross_entropy_gradient()
    >>> d.steps[4].expr, d.result
    (\hat{y}[j]*Sum(y[i], (i, 1, n)) - y[j], \hat{y}[j] - y[j])
    """
    d = Derivation(
        "cross_entropy_gradient",
        sp.Derivative(E, z[j]),
        indices=[j],
        title="the gradient of cross-entropy through softmax",
    )
    return _gradient_steps(d, drop=False)


@cache
def cross_entropy_gradient_direct() -> Derivation:
    r"""∂E/∂z_j computed directly from the log-softmax form of E: (Σ_i y_i) ŷ_j − y_j.

    Returns
    -------
    Derivation

    Raises
    ------
    None

    Examples
    --------
    >>> cross_entropy_gradient_direct().result == gradient_n()
    True
    """
    return (
        Derivation(
            "cross_entropy_gradient_direct",
            sp.Derivative(E, z[j]),
            indices=[j],
            title="the gradient from the log-softmax form, without the Jacobian",
        )
        .step(sp.Derivative(cross_entropy_n("z"), z[j]), "E in log-softmax form")
        .step(
            -sp.Sum(y[i] * (sp.KroneckerDelta(i, j) - sp.exp(z[j]) / _S), (i, 1, n)),
            r"differentiate: $\partial z_i / \partial z_j = \delta_{ij}$, "
            r"$\partial \log \sum_k e^{z_k} / \partial z_j = \hat{y}_j$",
        )
        .step(gradient_n(False), r"the sum with $\delta_{ij}$ picks $i = j$; definition of softmax")
    )


@cache
def cross_entropy_hessian() -> Derivation:
    r"""∂²E/∂z_k∂z_j = (Σ_i y_i) ŷ_j (δ_jk − ŷ_k), and the Jacobian itself with Σ y_i = 1.

    Returns
    -------
    Derivation

    Raises
    ------
    None

    Examples
    --------
    >>> cross_entropy_hessian().result == hessian_n(True)
    True
    """
    sy = sp.Sum(y[i], (i, 1, n))
    return (
        Derivation(
            "cross_entropy_hessian",
            sp.Derivative(E, z[j], z[k]),
            indices=[j, k],
            title="the Hessian of cross-entropy with respect to the logits",
        )
        .step(sp.Derivative(gradient_n(False), z[k]), r"the gradient $\partial E / \partial z_j$")
        .step(_um(sy, sp.Derivative(yhat[j], z[k])), "$y$ does not depend on $z$")
        .step(hessian_n(False), "the softmax Jacobian")
        .step(hessian_n(True), "the labels sum to one", using=[SUM_Y_IS_ONE])
    )


@cache
def cross_entropy_hessian_matrix() -> Derivation:
    r"""H = (Σ y)(diag(ŷ) − ŷŷᵀ) = diag(ŷ) − ŷŷᵀ with Σ y_i = 1 (matrix form, n = 2..6).

    Returns
    -------
    Derivation

    Raises
    ------
    None

    Examples
    --------
    >>> cross_entropy_hessian_matrix().check().n_concrete
    2
    """
    p = vector(yhat)
    jm = DiagMatrix(p) - p * p.T
    return (
        Derivation(
            "cross_entropy_hessian_matrix",
            sp.MatrixSymbol("H", n, n),
            title="the Hessian as a matrix, H_jk = ∂²E/∂z_j∂z_k",
        )
        .step(
            sp.Sum(y[i], (i, 1, n)) * jm,
            r"entry $(j, k)$ is $(\sum_i y_i) \hat{y}_j (\delta_{jk} - \hat{y}_k)$",
        )
        .step(jm, "the labels sum to one", using=[SUM_Y_IS_ONE])
    )


# -- temperature ------------------------------------------------------------------------------

T = sp.Symbol("T", positive=True)
u = _base("u", real=True)
yhat_t = _base(r"\hat{y}^{T}", positive=True)
E_T = sp.Symbol("E_T", real=True)


@cache
def temperature_gradient() -> Derivation:
    r"""∂E_T/∂z_j = (ŷ_j − y_j)/T for E_T = −Σ y_i log softmax(z/T)_i (with Σ y_i = 1).

    Returns
    -------
    Derivation

    Raises
    ------
    None

    Examples
    --------
    >>> temperature_gradient().result
    (\hat{y}^{T}[j] - y[j])/T
    """
    defs = {
        **DEFINITIONS,
        u: lambda a: z[a] / T,
        yhat_t: lambda a: softmax_n(a, dummy=_m if a != _m else _q, logits=u),
        E_T: lambda: -sp.Sum(y[_q] * sp.log(yhat_t[_q]), (_q, 1, n)),
    }
    return (
        Derivation(
            "temperature_gradient",
            sp.Derivative(E_T, z[j]),
            indices=[j],
            definitions=defs,
            title="the gradient of cross-entropy at temperature T",
        )
        .step(
            sp.Sum(sp.Derivative(E_T, u[i]) * sp.Derivative(u[i], z[j]), (i, 1, n)),
            "chain rule through $u_i = z_i / T$",
        )
        .step(
            sp.Sum((yhat_t[i] - y[i]) * sp.KroneckerDelta(i, j) / T, (i, 1, n)),
            r"the gradient $\hat{y} - y$ with respect to $u$; "
            r"$\partial u_i / \partial z_j = \delta_{ij} / T$",
            using=[SUM_Y_IS_ONE],
        )
        .step((yhat_t[j] - y[j]) / T, r"the sum with $\delta_{ij}$ picks $i = j$")
    )


# -- label smoothing ---------------------------------------------------------------------------

#: The margin of the true logit over the others, the smoothing ε and the number of classes.
margin = sp.Symbol("m", real=True)
epsilon = sp.Symbol(r"\varepsilon", positive=True)
n_classes = sp.Symbol("C", integer=True, positive=True)
#: The smoothed cross-entropy as a function of the margin.
E_eps = sp.Symbol(r"E_{\varepsilon}", real=True)
#: The smoothed label of the true class and of every other class: (1 − ε)·y + ε/C.
smoothed_true = 1 - epsilon + epsilon / n_classes
smoothed_other = epsilon / n_classes
#: Softmax of the logits (m, 0, ..., 0): the true class and each of the C − 1 others.
p_true = sp.exp(margin) / (sp.exp(margin) + n_classes - 1)
p_other = 1 / (sp.exp(margin) + n_classes - 1)


@cache
def label_smoothing_margin() -> Derivation:
    r"""dE_ε/dm = p_true − y_ε,true: the smoothed loss as a function of the margin m.

    With logits (m, 0, ..., 0) over C classes and the smoothed label (1 − ε)·y + ε/C, the loss is
    E_ε = −y_true log p_true − (C − 1) y_other log p_other. Checked exactly for symbolic m, ε and
    C (``together`` after ``diff``); setting the result to 0 gives the finite optimal margin.

    Returns
    -------
    Derivation

    Raises
    ------
    None

    Examples
    --------
    >>> sp.solve(sp.Eq(label_smoothing_margin().result, 0), margin)
    [log(-C + C/\varepsilon + 1)]
    """
    defs = {
        E_eps: lambda: (
            -smoothed_true * sp.log(p_true) - (n_classes - 1) * smoothed_other * sp.log(p_other)
        )
    }
    return (
        Derivation(
            "label_smoothing_margin",
            sp.Derivative(E_eps, margin),
            definitions=defs,
            sizes=(),
            general_form="exact (symbolic m, ε, C)",
            title="the smoothed loss against the margin",
        )
        .step(
            -smoothed_true * (1 - p_true) + (n_classes - 1) * smoothed_other * p_true,
            "differentiate both logarithms",
        )
        .step(
            p_true - smoothed_true,
            r"collect terms: $(C - 1)\,\varepsilon / C + y_{\varepsilon,\mathrm{true}} = 1$",
        )
    )


# -- the binary case --------------------------------------------------------------------------

x = sp.Symbol("x", real=True)
#: The binary label (printed y).
y_b = sp.Symbol("y", real=True)
sigma = sp.Function("sigma")
softmax_1 = sp.Function("softmax_1")
L = sp.Symbol("L", real=True)

_BINARY_DEFS: dict[Any, Any] = {
    sigma: lambda a: 1 / (1 + sp.exp(-a)),
    softmax_1: lambda a, b: sp.exp(a) / (sp.exp(a) + sp.exp(b)),
    L: lambda: -y_b * sp.log(sigma(x)) - (1 - y_b) * sp.log(1 - sigma(x)),
}


def _binary(name: str, lhs: Expr, title: str) -> Derivation:
    return Derivation(
        name, lhs, definitions=_BINARY_DEFS, sizes=(), general_form="exact (scalar x)", title=title
    )


@cache
def sigmoid_as_softmax() -> Derivation:
    r"""σ(x) = softmax((x, 0))_1: the sigmoid is the first component of a 2-class softmax.

    Returns
    -------
    Derivation

    Raises
    ------
    None

    Examples
    --------
    >>> sigmoid_as_softmax().result
    softmax_1(x, 0)
    """
    return (
        _binary("sigmoid_as_softmax", sigma(x), "the sigmoid is a two-class softmax")
        .step(1 / (1 + sp.exp(-x)), "definition of the sigmoid")
        .step(sp.exp(x) / (sp.exp(x) + 1), "multiply above and below by $e^x$")
        .step(sp.exp(x) / (sp.exp(x) + sp.exp(0, evaluate=False)), "$1 = e^0$")
        .step(softmax_1(x, 0), "softmax of the logits $(x, 0)$, first component")
    )


@cache
def sigmoid_derivative() -> Derivation:
    r"""dσ/dx = σ(x)(1 − σ(x)).

    Returns
    -------
    Derivation

    Raises
    ------
    None

    Examples
    --------
    >>> sigmoid_derivative().result
    (1 - sigma(x))*sigma(x)
    """
    return (
        _binary("sigmoid_derivative", sp.Derivative(sigma(x), x), "the sigmoid's derivative")
        .step(sp.exp(-x) / (1 + sp.exp(-x)) ** 2, "differentiate $1 / (1 + e^{-x})$")
        .step(_um(1 / (1 + sp.exp(-x)), sp.exp(-x) / (1 + sp.exp(-x))), "split the fraction")
        .step(sigma(x) * (1 - sigma(x)), r"$e^{-x} / (1 + e^{-x}) = 1 - \sigma(x)$")
    )


@cache
def binary_cross_entropy_gradient() -> Derivation:
    r"""dL/dx = σ(x) − y for L = −y log σ(x) − (1 − y) log(1 − σ(x)).

    Returns
    -------
    Derivation

    Raises
    ------
    None

    Examples
    --------
    >>> binary_cross_entropy_gradient().result
    -y + sigma(x)
    """
    s = sigma(x)
    ds = s * (1 - s)
    return (
        _binary(
            "binary_cross_entropy_gradient",
            sp.Derivative(L, x),
            "the gradient of binary cross-entropy with logits",
        )
        .step(
            -y_b * sp.Derivative(s, x) / s + (1 - y_b) * sp.Derivative(s, x) / (1 - s), "chain rule"
        )
        .step(-y_b * ds / s + (1 - y_b) * ds / (1 - s), r"$d\sigma / dx = \sigma (1 - \sigma)$")
        .step(-y_b * (1 - s) + (1 - y_b) * s, "cancel")
        .step(s - y_b, "expand")
    )


@cache
def binary_cross_entropy_second_derivative() -> Derivation:
    r"""d²L/dx² = σ(x)(1 − σ(x)) ≥ 0: binary cross-entropy is convex in the logit.

    Returns
    -------
    Derivation

    Raises
    ------
    None

    Examples
    --------
    >>> binary_cross_entropy_second_derivative().result
    (1 - sigma(x))*sigma(x)
    """
    s = sigma(x)
    return (
        _binary(
            "binary_cross_entropy_second_derivative",
            sp.Derivative(L, (x, 2)),
            "the second derivative of binary cross-entropy",
        )
        .step(sp.Derivative(s - y_b, x), r"the gradient $\sigma(x) - y$")
        .step(s * (1 - s), r"$d\sigma / dx = \sigma (1 - \sigma)$; $y$ does not depend on $x$")
    )


@cache
def binary_cross_entropy_stable_form() -> Derivation:
    r"""L = log1p(e^{−|x|}) + max(x, 0) − x y: the form that never overflows.

    The last step is proved separately for x > 0, x < 0 and x = 0 (logarithms normalised by
    ``together``/``factor``/``expand_log``).

    Returns
    -------
    Derivation

    Raises
    ------
    None

    Examples
    --------
    >>> binary_cross_entropy_stable_form().check().n_general
    3
    """
    lg = sp.log(1 + sp.exp(-x))
    return (
        _binary(
            "binary_cross_entropy_stable_form",
            L,
            "binary cross-entropy with logits in a stable form",
        )
        .step(
            y_b * lg + (1 - y_b) * (x + lg),
            r"$\log \sigma(x) = -\log(1 + e^{-x})$, $\log(1 - \sigma(x)) = -x - \log(1 + e^{-x})$",
        )
        .step(lg + x - x * y_b, "collect terms")
        .step(
            log1p(sp.exp(-sp.Abs(x))) + sp.Max(x, 0) - x * y_b,
            r"for $x < 0$: $\log(1 + e^{-x}) = -x + \log(1 + e^{x})$",
            cases=[case(x, 1), case(x, -1), case(x, 0)],
        )
    )


# -- the linear layer -------------------------------------------------------------------------

#: Batch size, number of features and number of classes of the linear layer.
N, D, C = (sp.Symbol(a, integer=True, positive=True) for a in "NDC")
X = _base("X", real=True)
W = _base("W", real=True)
b = _base("b", real=True)
Y = _base("Y", real=True)
P = _base("P", positive=True)
Zl = _base("Z", real=True)
E_row = _base("E", real=True)
L_batch = sp.Symbol("L", real=True)
_s, _d, _c, _p, _r = (_index(a) for a in "sdcpr")
LINEAR_SIZES: tuple[dict[sp.Symbol, int], ...] = tuple(
    {N: a, D: 2, C: cc} for a, cc in ((2, 2), (2, 3), (3, 2), (3, 3))
)
_ROWS_SUM_TO_ONE = sum_to_one(Y, C, rows=N)

_LINEAR_DEFS: dict[Any, Any] = {
    L_batch: lambda: sp.Sum(E_row[_r], (_r, 1, N)) / N,
    E_row: lambda a: -sp.Sum(Y[a, _q] * sp.log(P[a, _q]), (_q, 1, C)),
    P: lambda a, cc: sp.exp(Zl[a, cc]) / sp.Sum(sp.exp(Zl[a, _m]), (_m, 1, C)),
    Zl: lambda a, cc: sp.Sum(X[a, _p] * W[_p, cc], (_p, 1, D)) + b[cc],
}


def _linear(name: str, lhs: Expr, indices: Mapping[sp.Symbol, Any], title: str) -> Derivation:
    return Derivation(
        name,
        lhs,
        indices=indices,
        definitions=_LINEAR_DEFS,
        sizes=LINEAR_SIZES,
        general_form="general N, D, C",
        concrete_form="(N, D, C) = (2, 2, 2), (2, 2, 3), (3, 2, 2), (3, 2, 3)",
        title=title,
    )


def _row_chain(target: Expr) -> Expr:
    return (
        sp.Sum(
            sp.Sum(
                sp.Derivative(E_row[_s], Zl[_s, k]) * sp.Derivative(Zl[_s, k], target), (k, 1, C)
            ),
            (_s, 1, N),
        )
        / N
    )


@cache
def linear_layer_gradient_w() -> Derivation:
    r"""∂L/∂W_dc = (Xᵀ(P − Y)/N)_dc for L = mean over rows of the cross-entropy of XW + b.

    Returns
    -------
    Derivation

    Raises
    ------
    None

    Examples
    --------
    >>> linear_layer_gradient_w().result
    _Entry(X.T*(P - Y), d, c)/N
    """
    Xm, Pm, Ym = (sp.MatrixSymbol(a, N, cols) for a, cols in (("X", D), ("P", C), ("Y", C)))
    return (
        _linear(
            "linear_layer_gradient_w",
            sp.Derivative(L_batch, W[_d, _c]),
            {_d: D, _c: C},
            "the weight gradient of a linear layer",
        )
        .step(_row_chain(W[_d, _c]), "chain rule through the logits $Z = XW + b$")
        .step(
            sp.Sum(
                sp.Sum((P[_s, k] - Y[_s, k]) * X[_s, _d] * sp.KroneckerDelta(k, _c), (k, 1, C)),
                (_s, 1, N),
            )
            / N,
            r"per row $\partial E_s / \partial Z_{sk} = P_{sk} - Y_{sk}$; "
            r"$\partial Z_{sk} / \partial W_{dc} = X_{sd} \delta_{kc}$",
            using=[_ROWS_SUM_TO_ONE],
        )
        .step(
            sp.Sum(X[_s, _d] * (P[_s, _c] - Y[_s, _c]), (_s, 1, N)) / N,
            r"the sum with $\delta_{kc}$ picks $k = c$",
        )
        .step(_Entry(sp.MatMul(Xm.T, Pm - Ym), _d, _c) / N, "a matrix product", general=False)
    )


@cache
def linear_layer_gradient_b() -> Derivation:
    r"""∂L/∂b_c = (1/N) Σ_s (P_sc − Y_sc): the bias gradient is the mean of P − Y over rows.

    Returns
    -------
    Derivation

    Raises
    ------
    None

    Examples
    --------
    >>> linear_layer_gradient_b().check().n_steps
    3
    """
    return (
        _linear(
            "linear_layer_gradient_b",
            sp.Derivative(L_batch, b[_c]),
            {_c: C},
            "the bias gradient of a linear layer",
        )
        .step(_row_chain(b[_c]), "chain rule through the logits $Z = XW + b$")
        .step(
            sp.Sum(sp.Sum((P[_s, k] - Y[_s, k]) * sp.KroneckerDelta(k, _c), (k, 1, C)), (_s, 1, N))
            / N,
            r"per row $\partial E_s / \partial Z_{sk} = P_{sk} - Y_{sk}$; "
            r"$\partial Z_{sk} / \partial b_c = \delta_{kc}$",
            using=[_ROWS_SUM_TO_ONE],
        )
        .step(
            sp.Sum(P[_s, _c] - Y[_s, _c], (_s, 1, N)) / N,
            r"the sum with $\delta_{kc}$ picks $k = c$",
        )
    )


# -- the post's mistakes ----------------------------------------------------------------------


@cache
def wrong_jacobian_diagonal_only() -> Derivation:
    r"""WRONG on purpose: the diagonal entry ŷ_i(1 − ŷ_i) used for every entry of the Jacobian.

    ``check()`` raises :class:`DerivationError` naming step 2.

    Returns
    -------
    Derivation

    Raises
    ------
    None

    Examples
    --------
    >>> wrong_jacobian_diagonal_only().try_check().where
    'n=2, i=1, j=2'
    """
    return (
        Derivation(
            "wrong_jacobian_diagonal_only",
            sp.Derivative(yhat[i], z[j]),
            indices=[i, j],
            title="the common mistake: keeping only the diagonal of the Jacobian",
        )
        .step(jacobian_n(i, j), "the softmax Jacobian")
        .step(yhat[i] * (1 - yhat[i]), "the diagonal entry used for every entry")
    )


@cache
def wrong_gradient_drops_sum_to_one() -> Derivation:
    r"""WRONG on purpose: the gradient's last step taken without the assumption Σ y_i = 1.

    ``check()`` raises :class:`DerivationError` naming step 6, residual (Σ_i y_i − 1) ŷ_j.

    Returns
    -------
    Derivation

    Raises
    ------
    None

    Examples
    --------
    >>> print(wrong_gradient_drops_sum_to_one().try_check().residual_latex())
    \frac{\left(1 - \sum_{m_{0}=1}^{n} y_{m_{0}}\right) e^{z_{j}}}{\sum_{m_{0}=1}^{n} e^{z_{m_{0}}}}
    """
    d = Derivation(
        "wrong_gradient_drops_sum_to_one",
        sp.Derivative(E, z[j]),
        indices=[j],
        title="the post's last step, without stating Σ y_i = 1",
    )
    return _gradient_steps(d, drop=True)


def _others(expr: Expr) -> sp.Sum:
    """Σ_{i ≠ j} expr, written as Σ_i (1 − δ_ij) expr so that it is checkable for general n."""
    return sp.Sum(_um(1 - sp.KroneckerDelta(i, j), expr), (i, 1, n))


@cache
def post_gradient() -> Derivation:
    r"""∂E/∂z_j derived along the original post's lines, with every index written out.

    The same route as the post ("Softmax and Cross-entropy", 2019): the chain rule, eq-2, the two
    cases of the Jacobian (eq-1), then collecting terms. The sum over the classes i ≠ j is written
    :math:`\sum_i (1 - \delta_{ij})(\dots)`. Steps checked by ``expand`` after ``deltasummation``;
    the last uses :data:`SUM_Y_IS_ONE`. :func:`post_comparison` sets each step beside the post's
    line.

    Returns
    -------
    Derivation

    Raises
    ------
    None

    Examples
    --------
    >>> d = post_gradient()
    >>> len(d.steps), d.result
    (9, \hat{y}[j] - y[j])
    """
    return (
        Derivation(
            "post_gradient",
            sp.Derivative(E, z[j]),
            indices=[j],
            title="the gradient along the post's route, indices written out",
        )
        .step(_chain_sum(), r"chain rule: the post's $\cdot$ is a sum over $i$")
        .step(
            sp.Sum(_um(-y[i] / yhat[i], sp.Derivative(yhat[i], z[j])), (i, 1, n)),
            r"$\partial E / \partial \hat{y}_i = -y_i / \hat{y}_i$ (eq-2)",
        )
        .step(
            sp.Sum(_um(-y[i] / yhat[i], jacobian_n(i, j)), (i, 1, n)),
            "substitute the softmax Jacobian (eq-1)",
        )
        .step(
            _um(-y[j] / yhat[j], yhat[j] * (1 - yhat[j]))
            + _others(_um(-y[i] / yhat[i], -yhat[i] * yhat[j])),
            r"eq-1: the term $i = j$, and the terms $i \neq j$",
        )
        .step(
            -y[j] * (1 - yhat[j]) + _others(y[i] * yhat[j]),
            r"cancel $\hat{y}_j$ and $\hat{y}_i$",
        )
        .step(
            -y[j] + y[j] * yhat[j] + _others(y[i] * yhat[j]),
            "expand",
        )
        .step(
            yhat[j] * (y[j] + _others(y[i])) - y[j],
            r"take $\hat{y}_j$ out",
        )
        .step(
            yhat[j] * sp.Sum(y[i], (i, 1, n)) - y[j],
            r"$y_j$ and the labels $y_i$, $i \neq j$, are all the labels",
        )
        .step(gradient_n(True), "the labels sum to one", using=[SUM_Y_IS_ONE])
    )


#: The post's lines for ∂E/∂logits, as published (quoted, not derived; Markdown with ``$...$``),
#: each with what the checked line beside it changes. One entry per step of :func:`post_gradient`.
POST_GRADIENT_LINES: tuple[tuple[str, str], ...] = (
    (
        r"$\frac{\partial E}{\partial logits} = \frac{\partial E}{\partial \hat{Y}}"
        r" . \frac{\partial \hat{Y}}{\partial logits}$",
        r"The dot hides a sum: $E$ depends on $z_j$ through every $\hat y_i$.",
    ),
    (
        r"$\frac{\partial E}{\partial logits} = -\frac{y}{\hat{y}}"
        r" . \frac{\partial \hat{Y}}{\partial logits}$ (eq-2)",
        r"eq-2 with its index: $-y_i/\hat y_i$ sits inside the sum over $i$.",
    ),
    (
        r"$= -\frac{y}{\hat{y}}.\begin{Bmatrix} softmax_i(1-softmax_j) & i= j \\"
        r" {-softmax_j}.{softmax_i} & i\neq j \end{Bmatrix}$",
        r"eq-1 substituted, its two cases written as one with $\delta_{ij}$.",
    ),
    (
        r"$= -\frac{y}{\hat{y}}.\hat{y_t}.(1-\hat{y_t}) + \sum_{i\neq j}"
        r"(\frac{-y_t}{\hat{y_t}})(-\hat{y_t}\hat{y_t})$",
        r"The post writes $t$ for both $i$ and $j$: its term $\hat y_t \hat y_t$ must be"
        r" $\hat y_i \hat y_j$, and $y_t/\hat y_t$ under the sum must be $y_i/\hat y_i$.",
    ),
    (
        r"$= -y.(1-\hat{y_t}) + \sum_{i\neq j}y_t.\hat{y_t}$",
        r"Under the sum the label is $y_i$ and the probability $\hat y_j$: different"
        r" classes.",
    ),
    (
        r"$= -y+y.\hat{y_t} + \sum_{i\neq j}y_t.\hat{y_t}$",
        r"The same indices as the line before.",
    ),
    (
        r"$= \hat{y_t}.(y + \sum_{i\neq j}y_t) -y$",
        r"$\hat y_j$ comes out of every term, so the sum adds the labels $y_i$.",
    ),
    (
        r"Since Y is a one hot vector, the term $(y + \sum_{i\neq j}y_t)$ sums up to one.",
        r"The bracket is $\sum_i y_i$ for any label; nothing about $y$ is assumed yet.",
    ),
    (
        r"$= (\hat{y_t} -y)$ (eq-3)",
        r"Only $\sum_i y_i = 1$ is used: one-hot labels satisfy it, and so do soft and"
        r" smoothed ones.",
    ),
)


@dataclass(frozen=True)
class Comparison:
    """Quoted lines beside the checked steps of a derivation, shown as a MyST admonition.

    Attributes
    ----------
    derivation : Derivation
        The checked derivation; its steps fill the middle column.
    lines : tuple of (str, str)
        Per step: the quoted line and a note (Markdown, math in ``$...$``).
    """

    derivation: Derivation
    lines: tuple[tuple[str, str], ...]

    def rows(self) -> list[tuple[str, str, str]]:
        """The table's rows: (quoted line, checked step as ``$...$``, note), one per step.

        Returns
        -------
        list of tuple of str

        Raises
        ------
        DerivationError
            If the derivation does not check.
        ValueError
            If the number of lines differs from the number of steps.

        Examples
        --------
        >>> rows = post_comparison().rows()
        >>> len(rows), rows[-1][1]
        (9, '$= \\\\hat{y}_{j} - y_{j}$')
        """
        self.derivation.check()
        if len(self.lines) != len(self.derivation.steps):
            raise ValueError(
                f"lines: {len(self.lines)} quoted lines for "
                f"{len(self.derivation.steps)} steps of {self.derivation.name!r}"
            )
        rows = []
        for number, (step, (quoted, note)) in enumerate(
            zip(self.derivation.steps, self.lines, strict=True), start=1
        ):
            left = latex(self.derivation.lhs) + " " if number == 1 else ""
            rows.append((quoted, f"${left}= {latex(step.expr)}$", note))
        return rows

    def __repr__(self) -> str:
        return f"<Comparison of {len(self.lines)} quoted lines with {self.derivation!r}>"

    def _repr_markdown_(self) -> str:
        out = [
            ":::{admonition} The post's lines beside the checked ones",
            ":class: tip",
            "",
        ]
        for number, (quoted, checked, note) in enumerate(self.rows(), start=1):
            out += [
                f"{number}. **The post:** {quoted}",
                "",
                "   **Checked:**",
                "",
                "   $$",
                f"   {checked[1:-1]}",
                "   $$",
                "",
                f"   {note}",
                "",
            ]
        out.append(":::")
        return "\n".join(out)


def post_comparison() -> Comparison:
    """The post's lines for the gradient beside the checked steps of :func:`post_gradient`.

    Returns
    -------
    Comparison
        Renders in a notebook as a numbered list: the post's line, the checked line, what changed.

    Raises
    ------
    DerivationError
        When rendered, if :func:`post_gradient` does not check.

    Examples
    --------
    >>> print(post_comparison()._repr_markdown_().splitlines()[0])
    :::{admonition} The post's lines beside the checked ones
    """
    return Comparison(post_gradient(), POST_GRADIENT_LINES)


# --------------------------------------------------------------------------------------------
# Registry
# --------------------------------------------------------------------------------------------

_BOOK = (
    softmax_shift_invariance,
    softmax_jacobian_diagonal,
    softmax_jacobian_off_diagonal,
    softmax_jacobian,
    softmax_jacobian_matrix,
    softmax_jacobian_symmetric,
    softmax_jacobian_rows_sum_to_zero,
    softmax_jacobian_null_space,
    softmax_jacobian_psd,
    cross_entropy_gradient,
    cross_entropy_gradient_direct,
    post_gradient,
    cross_entropy_hessian,
    cross_entropy_hessian_matrix,
    temperature_gradient,
    label_smoothing_margin,
    sigmoid_as_softmax,
    sigmoid_derivative,
    binary_cross_entropy_gradient,
    binary_cross_entropy_second_derivative,
    binary_cross_entropy_stable_form,
    linear_layer_gradient_w,
    linear_layer_gradient_b,
)


def all_derivations() -> dict[str, Derivation]:
    """Every derivation the book shows (the correct ones), by name, in reading order.

    Returns
    -------
    dict of str to Derivation
        The same (cached) objects on every call, so each is checked once per process.

    Raises
    ------
    None

    Examples
    --------
    >>> "cross_entropy_gradient" in all_derivations()
    True
    """
    return {f.__name__: f() for f in _BOOK}


def wrong_derivations() -> dict[str, Derivation]:
    """The deliberately wrong derivations (the post's mistakes), by name.

    Returns
    -------
    dict of str to Derivation

    Raises
    ------
    None

    Examples
    --------
    >>> sorted(wrong_derivations())
    ['wrong_gradient_drops_sum_to_one', 'wrong_jacobian_diagonal_only']
    """
    return {
        f.__name__: f() for f in (wrong_jacobian_diagonal_only, wrong_gradient_drops_sum_to_one)
    }


def check_all(derivations: Mapping[str, Derivation] | None = None) -> dict[str, CheckRecord]:
    """Check every derivation (default: :func:`all_derivations`).

    Parameters
    ----------
    derivations : mapping of str to Derivation, optional

    Returns
    -------
    dict of str to CheckRecord

    Raises
    ------
    DerivationError
        At the first derivation that does not check.

    Examples
    --------
    >>> len(check_all()) == len(all_derivations())
    True
    """
    derivations = all_derivations() if derivations is None else derivations
    return {name: d.check() for name, d in derivations.items()}


def summary(derivations: Mapping[str, Derivation] | None = None) -> str:
    """One sentence stating how many steps were checked, in which forms, and the time.

    Parameters
    ----------
    derivations : mapping of str to Derivation, optional
        Default :func:`all_derivations`.

    Returns
    -------
    str

    Raises
    ------
    DerivationError
        If a derivation does not check.

    Examples
    --------
    >>> summary()  # doctest: +ELLIPSIS
    '... steps in ... derivations: ... proved in general form ..., ... for every concrete size ...'
    """
    recs = check_all(derivations)
    steps = sum(r.n_steps for r in recs.values())
    general = sum(r.n_general for r in recs.values())
    concrete = sum(r.n_concrete for r in recs.values())
    instances = sum(s.checks for r in recs.values() for s in r.steps)
    seconds = sum(r.seconds for r in recs.values())
    return (
        f"{steps} steps in {len(recs)} derivations: {general} proved in general form "
        f"(general n, or exact for the scalar binary case), {concrete} for every concrete "
        f"size (n = 2..6; linear layer (N, D, C) up to (3, 2, 3)), {instances} concrete "
        f"instances reduced to 0, in {seconds:.1f} s"
    )
