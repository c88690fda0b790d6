r"""Lemmas that justify an inequality step, each with side conditions the engine verifies.

A step ``prev ≥ new`` (or ``≤``, ``<``, ``>``) names its lemma with ``by=``:

* a **certificate**: an expression equal to the gap (``prev − new`` for ≥, ``new − prev`` for
  ≤), built as a sum (``+`` or ``Sum``) of terms *weight × lemma atom*. The engine proves the
  identity gap = certificate with the zero test (general form and every concrete size), and
  that every weight is non-negative (from SymPy's assumptions of the symbols, e.g. ŷ_i > 0, or
  from an :func:`~sce.symbolic.nonnegative` / :func:`~sce.symbolic.positive` assumption of the
  step). Lemma atoms:

  - :func:`square` ``(t)`` = t² ≥ 0 for real t; equality iff t = 0;
  - :func:`log_gap` ``(x)`` = (x − 1) − log x ≥ 0 for x > 0 (verified); equality iff x = 1.

  A term without an atom must itself be known non-negative; a positive one makes the step
  strict. Equality holds iff every atom with a positive weight is 0 (reported);
* :class:`Monotone`: ``f(a) ≤ f(b)`` from a checked derivation of ``a ≤ b`` and the sign of
  f′ (computed, not assumed);
* :class:`Stated`: a cited result (e.g. Gershgorin's circle theorem), with its source; the
  step is not proved and the record lists it as stated.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import sympy as sp

from sce.symbolic.printing import latex

Expr = sp.Basic


class LemmaAtom(sp.Function):
    """A non-negative quantity named by a lemma (printed as what it stands for)."""

    lemma = ""

    def unfolded(self) -> Expr:
        raise NotImplementedError

    def equality(self) -> str:
        raise NotImplementedError

    def side_condition(self, facts: Mapping[Any, str]) -> str | None:
        return None

    def _eval_is_nonnegative(self) -> bool:
        return True

    def _latex(self, printer: Any) -> str:
        return printer._print(self.unfolded())


class Square(LemmaAtom):
    """t², non-negative for real t; 0 iff t = 0."""

    nargs = 1
    lemma = "a square is non-negative, 0 only at 0"

    def unfolded(self) -> Expr:
        return self.args[0] ** 2

    def equality(self) -> str:
        return f"{latex(self.args[0])} = 0"

    def side_condition(self, facts: Mapping[Any, str]) -> str | None:
        t = self.args[0]
        if t.is_real or sign_of(t, facts) is not None:
            return None
        return f"${latex(t)}$ is not known to be real"


class LogGap(LemmaAtom):
    """(x − 1) − log x, non-negative for x > 0; 0 iff x = 1."""

    nargs = 1
    lemma = "log x ≤ x − 1 for x > 0, equality iff x = 1"

    def unfolded(self) -> Expr:
        x = self.args[0]
        return x - 1 - sp.log(x)

    def equality(self) -> str:
        return f"{latex(self.args[0])} = 1"

    def side_condition(self, facts: Mapping[Any, str]) -> str | None:
        if sign_of(self.args[0], facts) == "positive":
            return None
        return f"the argument ${latex(self.args[0])}$ of the logarithm is not known to be > 0"


def square(t: Any) -> Square:
    r"""The lemma atom t² ≥ 0 (t real; equality iff t = 0), for a certificate.

    Parameters
    ----------
    t : sympy.Expr

    Returns
    -------
    Square

    Raises
    ------
    None

    Examples
    --------
    >>> x = sp.Symbol("x", real=True)
    >>> square(x - sp.Rational(1, 2)).unfolded()
    (x - 1/2)**2
    """
    return Square(sp.sympify(t))


def log_gap(x: Any) -> LogGap:
    r"""The lemma atom (x − 1) − log x ≥ 0 (x > 0 verified; equality iff x = 1).

    Parameters
    ----------
    x : sympy.Expr

    Returns
    -------
    LogGap

    Raises
    ------
    None

    Examples
    --------
    >>> x = sp.Symbol("x", positive=True)
    >>> log_gap(x).unfolded()
    x - log(x) - 1
    """
    return LogGap(sp.sympify(x))


@dataclass(frozen=True)
class Stated:
    """A result cited, not proved: the step it justifies is recorded as stated, with the source.

    Attributes
    ----------
    name : str
        E.g. ``"Gershgorin's circle theorem"``.
    source : str
        Where it is proved, e.g. ``"Horn & Johnson, Matrix Analysis, Thm 6.1.1"``.

    Examples
    --------
    >>> Stated("Gershgorin's circle theorem", "Horn & Johnson, Thm 6.1.1").label
    "stated: Gershgorin's circle theorem (Horn & Johnson, Thm 6.1.1)"
    """

    name: str
    source: str

    @property
    def label(self) -> str:
        """How the step and the record page name it."""
        return f"stated: {self.name} ({self.source})"


@dataclass(frozen=True)
class Monotone:
    """f(a) rel f(b) from a checked derivation `inner` of a rel b, with f monotone.

    Attributes
    ----------
    f : callable
        ``expr -> expr``, e.g. ``sp.log``; its derivative's sign is computed on `domain`.
    inner : Derivation
        Proves a rel b (its left side a, its result b).
    domain : {"positive", "real"}
        Where f is applied; for ``"positive"`` both a and b must be known positive.
    name : str
        E.g. ``"log is increasing"``.

    Examples
    --------
    >>> Monotone(sp.log, None, "positive", "log is increasing").label
    'log is increasing'
    """

    f: Callable[[Any], Any]
    inner: Any
    domain: str = "real"
    name: str = "a monotone function"

    @property
    def label(self) -> str:
        """How the step and the record page name it."""
        return self.name


def _facts(assumptions: Sequence[Any]) -> dict[Any, str]:
    out: dict[Any, str] = {}
    for a in assumptions:
        out.update(getattr(a, "facts", {}) or {})
    return out


def sign_of(e: Any, facts: Mapping[Any, str]) -> str | None:
    """``"positive"``, ``"nonnegative"`` or None (not known) for an expression.

    Parameters
    ----------
    e : sympy.Expr
    facts : mapping
        Expression or IndexedBase → ``"positive"``/``"nonnegative"`` (from assumptions).

    Returns
    -------
    str or None

    Raises
    ------
    None

    Examples
    --------
    >>> from sce.symbolic import i, y, yhat
    >>> sign_of(yhat[i] * y[i] ** 2, {}), sign_of(-yhat[i], {}), sign_of(y[i], {y: "nonnegative"})
    ('nonnegative', None, 'nonnegative')
    """
    e = sp.sympify(e)
    if e.is_Number:
        return "positive" if e > 0 else ("nonnegative" if e == 0 else None)
    if e in facts:
        return facts[e]
    if isinstance(e, sp.Indexed) and e.base in facts:
        return facts[e.base]
    if e.is_positive:
        return "positive"
    if isinstance(e, sp.Mul | sp.Add):
        signs = [sign_of(a, facts) for a in e.args]
        if None in signs:
            return "nonnegative" if e.is_nonnegative else None
        return "positive" if all(s == "positive" for s in signs) else "nonnegative"
    if isinstance(e, sp.Pow):
        base, power = e.args
        sb = sign_of(base, facts)
        if sb == "positive":
            return "positive"
        if power.is_integer and power.is_even and (base.is_real or sb):
            return "nonnegative"
        if sb == "nonnegative" and power.is_positive:
            return "nonnegative"
    if isinstance(e, sp.Sum):
        sb = sign_of(e.function, facts)
        nonempty = all((hi - lo).is_nonnegative for _, lo, hi in e.limits)
        if sb == "positive" and nonempty:
            return "positive"
        return "nonnegative" if sb else None
    if isinstance(e, sp.exp) and e.args[0].is_real:
        return "positive"
    if e.is_nonnegative:
        return "nonnegative"
    return None


def _terms(e: Expr, over: tuple[Any, ...] = ()) -> Iterator[tuple[Expr, Any, tuple[Any, ...]]]:
    """(weight, lemma atom or None, summation indices) for each term of a certificate."""
    if isinstance(e, sp.Add):
        for a in e.args:
            yield from _terms(a, over)
    elif isinstance(e, sp.Sum):
        yield from _terms(e.function, over + tuple(e.variables))
    elif isinstance(e, sp.Mul):
        inner = [a for a in e.args if a.has(LemmaAtom)]
        rest = sp.Mul(*[a for a in e.args if not a.has(LemmaAtom)])
        if not inner:
            yield e, None, over
        elif len(inner) > 1:
            raise ValueError(f"a product of several lemma atoms: ${latex(e)}$")
        else:
            for w, atom, ov in _terms(inner[0], over):
                yield rest * w, atom, ov
    elif isinstance(e, LemmaAtom):
        yield sp.Integer(1), e, over
    else:
        yield e, None, over


#: Marks the equality condition "this term is 0" of a non-negative term without a lemma.
TERM_ZERO = "\x00"


def _equality_case(conditions: Sequence[str]) -> tuple[str, ...]:
    """Every condition of a chain, or none if only terms without a lemma gave one (a chain that
    states "equality iff" names every condition, also "this non-negative term is 0")."""
    if all(c.startswith(TERM_ZERO) for c in conditions):
        return ()
    return tuple(dict.fromkeys(c.lstrip(TERM_ZERO) for c in conditions))


def analyse(
    cert: Expr, facts: Mapping[Any, str]
) -> tuple[str | None, tuple[str, ...], list[str], bool]:
    """Check a certificate's terms: (problem, lemmas used, equality conditions, strict).

    Parameters
    ----------
    cert : sympy.Expr
    facts : mapping

    Returns
    -------
    tuple

    Raises
    ------
    None

    Examples
    --------
    >>> from sce.symbolic import i, n, v, yhat
    >>> analyse(sp.Sum(yhat[i] * square(v[i]), (i, 1, n)), {})[2]
    ['v_{i} = 0\\\\text{ for every } i']
    >>> x = sp.Symbol("x", nonnegative=True)
    >>> [c.lstrip(TERM_ZERO) for c in analyse(square(v[i]) + x, {})[2]]  # x must vanish too
    ['v_{i} = 0', 'x = 0']
    >>> analyse(-square(v[i]), {})[0]
    'the weight $-1$ of $v_{i}^{2}$ is not known to be non-negative'
    """
    lemmas: list[str] = []
    conditions: list[str] = []
    plain: list[str] = []  # non-negative terms without a lemma: each must vanish too
    strict = False
    try:
        terms = list(_terms(sp.sympify(cert)))
    except ValueError as err:
        return str(err), (), [], False
    for weight, atom, over in terms:
        sign = sign_of(weight, facts)
        if atom is None:
            if sign is None:
                return f"the term ${latex(weight)}$ is not known to be non-negative", (), [], False
            strict = strict or sign == "positive"
            if sign == "nonnegative":  # a non-negative term: equality needs it to vanish
                cond = rf"{latex(weight)} = 0"
                if over:
                    cond += r"\text{ for every } " + ", ".join(latex(a) for a in over)
                plain.append(cond)
            continue
        problem = atom.side_condition(facts)
        if problem:
            return problem, (), [], False
        if sign is None:
            return (
                f"the weight ${latex(weight)}$ of ${latex(atom)}$ is not known to be non-negative",
                (),
                [],
                False,
            )
        lemmas.append(atom.lemma)
        cond = atom.equality()
        if sign == "nonnegative":
            cond += rf"\text{{ where }} {latex(weight)} > 0"
        if over:
            cond += r"\text{ for every } " + ", ".join(latex(a) for a in over)
        conditions.append(cond)
    conditions += [TERM_ZERO + c for c in plain]
    if strict:
        conditions = [r"\text{never (a positive term)}"]
    return None, tuple(dict.fromkeys(lemmas)), conditions, strict


def _unfold_atoms(e: Expr) -> Expr:
    return e.replace(lambda a: isinstance(a, LemmaAtom), lambda a: a.unfolded())


def plan(
    by: Any, old: Expr, new: Expr, rel: str, assumptions: Sequence[Any]
) -> str | tuple[list[tuple[Expr, Expr]], tuple[str, ...], list[str]]:
    """What proves a step ``old rel new``: the equalities to prove, lemmas, equality conditions.

    Returns a string (the problem) if the lemma does not apply.

    Parameters
    ----------
    by : certificate expression, Monotone or Stated
    old, new : sympy.Expr
    rel : str
    assumptions : sequence of Assumption

    Returns
    -------
    str or tuple

    Raises
    ------
    None

    Examples
    --------
    >>> x = sp.Symbol("x", real=True)
    >>> plan(square(x - sp.Rational(1, 2)), x * (1 - x), sp.Rational(1, 4), "≤", [])[2]
    ['x - \\\\frac{1}{2} = 0']
    """
    facts = _facts(assumptions)
    if isinstance(by, Monotone):
        return _plan_monotone(by, old, new, rel, facts)
    if rel == "=":
        return "an equality step takes no certificate (only a stated result)"
    problem, lemmas, conditions, strict = analyse(by, facts)
    if problem:
        return problem
    if rel in ("<", ">") and not strict:
        return "the certificate is not known to be positive, so the step is not strict"
    cert = _unfold_atoms(sp.sympify(by))
    pair = (old + cert, new) if rel in ("≤", "<") else (new + cert, old)
    return [pair], (*lemmas, "non-negative weights"), conditions


def _plan_monotone(
    by: Monotone, old: Expr, new: Expr, rel: str, facts: Mapping[Any, str]
) -> str | tuple[list[tuple[Expr, Expr]], tuple[str, ...], list[str]]:
    from sce.symbolic.errors import DerivationError

    try:
        rec = by.inner.check()
    except DerivationError as err:
        return f"the inner derivation does not check: {err}"
    a, b = by.inner.lhs, by.inner.result
    t = sp.Dummy("t", positive=True) if by.domain == "positive" else sp.Dummy("t", real=True)
    slope = sp.diff(by.f(t), t)
    if by.domain == "positive" and not (sign_of(a, facts) == sign_of(b, facts) == "positive"):
        return f"${latex(a)}$ and ${latex(b)}$ are not both known to be > 0"
    flip = {"=": "=", "≤": "≥", "≥": "≤", "<": ">", ">": "<"}
    if sign_of(slope, facts) == "positive":
        implied = rec.relation
    elif sign_of(-slope, facts) == "positive":
        implied = flip[rec.relation]
    else:
        return f"the function is not known to be monotone (its derivative is ${latex(slope)}$)"
    allowed = {"≤": {"=", "≤", "<"}, "≥": {"=", "≥", ">"}, "<": {"<"}, ">": {">"}, "=": {"="}}
    if implied not in allowed[rel]:
        return f"the inner derivation gives {implied}, not {rel}"
    return [(by.f(a), old), (by.f(b), new)], (by.label,), list(rec.equality)


@dataclass(frozen=True)
class Factor:
    """For an ``iff`` step: left − right of the previous equation is u (new left − right)^p.

    With u known to be nonzero (from the signs of the symbols or a sign assumption) and p a
    positive integer, the two equations hold for exactly the same values.

    Attributes
    ----------
    u : sympy.Expr
    p : int

    Examples
    --------
    >>> Factor(2).label
    'a nonzero factor, a power is 0 only at 0'
    """

    u: Any
    p: int = 1

    @property
    def label(self) -> str:
        """How the record page names it."""
        return "a nonzero factor, a power is 0 only at 0"


def _difference(eq: Any) -> Expr | None:
    if isinstance(eq, sp.Equality):
        return eq.lhs - eq.rhs
    return None


def plan_iff(
    by: Any, old: Expr, new: Expr, facts: Mapping[Any, str]
) -> str | tuple[list[tuple[Expr, Expr]], tuple[str, ...]]:
    """Alternatives (pairs proved equal) for an equivalence step, or the problem.

    Parameters
    ----------
    by : None or Factor
    old, new : sympy.Eq
    facts : mapping

    Returns
    -------
    str or tuple

    Raises
    ------
    None

    Examples
    --------
    >>> x = sp.Symbol("x", real=True)
    >>> plan_iff(None, sp.Eq(2 * x, 2), sp.Eq(x, 1), {})[1]
    ()
    """
    d_old, d_new = _difference(old), _difference(new)
    if d_old is None or d_new is None:
        return "both sides of an iff step must be equations (sp.Eq)"
    if by is None:
        return [(d_old, d_new), (d_old, -d_new)], ()
    if isinstance(by, Factor):
        u = sp.sympify(by.u)
        if not (sign_of(u, facts) == "positive" or sign_of(-u, facts) == "positive"):
            return f"the factor ${latex(u)}$ is not known to be nonzero"
        if int(by.p) != by.p or by.p < 1:
            return f"the power {by.p} is not a positive integer"
        return [(d_old, u * d_new**by.p)], (by.label,)
    return "an iff step takes no lemma, or a Factor"
