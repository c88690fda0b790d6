"""The checker: :class:`Derivation`, a chain of steps, each justified and proved.

A step is ``= expr`` (proved by the zero test of :mod:`sce.symbolic.zero`), or ``≤``/``≥``/
``<``/``>`` justified by a lemma (:mod:`sce.symbolic.lemmas`: a certificate whose identity and
side conditions are checked, a monotone function, or a result marked as stated with its
source). The chain's overall relation follows from its steps.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import sympy as sp

from sce.symbolic import lemmas as _lemmas
from sce.symbolic import render as _render
from sce.symbolic.assumptions import Assumption
from sce.symbolic.errors import DerivationError, Failure
from sce.symbolic.proof import _Prover
from sce.symbolic.records import CheckRecord, StepRecord, _register, _register_failure
from sce.symbolic.symbols import CONCRETE_SIZES, DEFINITIONS, Definitions, n
from sce.symbolic.typeset import _Entry

Expr = sp.Basic

#: Accepted spellings of a step's relation → the canonical one.
RELATIONS = {"=": "=", "==": "=", "<=": "≤", "≤": "≤", ">=": "≥", "≥": "≥", "<": "<", ">": ">"}
RELATIONS |= {"iff": "⟺", "<=>": "⟺", "⟺": "⟺"}


def _chain_relation(relations: Sequence[str]) -> str:
    """The relation of lhs to result: ≤ and = give ≤, any strict step makes it strict."""
    rels = set(relations) - {"="}
    if not rels:
        return "="
    if "⟺" in rels:
        if set(relations) != {"⟺"}:
            raise ValueError("a chain of equivalences (iff) cannot mix in other steps")
        return "⟺"
    if rels <= {"≤", "<"}:
        return "<" if "<" in rels else "≤"
    if rels <= {"≥", ">"}:
        return ">" if ">" in rels else "≥"
    raise ValueError(f"a chain cannot mix ≤ and ≥ steps: {sorted(rels)}")


@dataclass(frozen=True)
class Step:
    """One link of a :class:`Derivation` (built by :meth:`Derivation.step`)."""

    expr: Expr
    why: str
    using: tuple[Assumption, ...] = ()
    cases: tuple[Assumption, ...] = ()
    general: bool = True
    rel: str = "="
    by: Any = None
    reason: str = ""


class Derivation(_Prover):
    r"""An ordered chain ``lhs = step_1 ≤ step_2 = ...``, each link justified and checked.

    Parameters
    ----------
    name : str
        Identifier (used by the record page and in messages), e.g. ``"softmax_jacobian"``.
    lhs : sympy.Basic
        The left side, step 0 (e.g. ``Derivative(yhat[i], z[j])``).
    title : str
        One line saying what the derivation proves.
    indices : mapping or sequence of sympy.Symbol
        Free indices and the size each ranges over (``{i: n, j: n}``); a sequence means each
        ranges over n. In concrete checks every value 1..size is substituted.
    given : sequence of Assumption
        Hypotheses of the whole derivation (e.g. i ≠ j), applied to every step.
    definitions : mapping, optional
        What is unfolded before comparing: IndexedBase → callable(indices), Symbol →
        callable(), undefined Function → callable(args), matrix-symbol name → callable(size).
        Default :data:`~sce.symbolic.DEFINITIONS`.
    sizes : sequence of mapping, optional
        Concrete sizes, each a mapping size symbol → int. Default ``{n: 2}`` .. ``{n: 6}``;
        an empty sequence means no concrete form (a scalar identity).
    general_form : str, optional
        Label of the general form in reports; default ``"general n"``, or ``"exact"`` for a
        derivation without concrete sizes.
    concrete_form : str, optional
        Label of the concrete sizes (default built from `sizes`, e.g. ``"n = 2..6"``).

    Raises
    ------
    ValueError
        If an index of `indices` has no size.

    Examples
    --------
    >>> from sce.symbolic import i, j, jacobian_n, yhat, z
    >>> d = Derivation("demo", sp.Derivative(yhat[i], z[j]), indices=[i, j])
    >>> d = d.step(jacobian_n(i, j), "quotient rule")
    >>> print(d.check())
    demo: 1 step checked (1 in general n form, 1 for n = 2..6)
    >>> print(d.latex())  # doctest: +ELLIPSIS
    $$\begin{aligned}
    \frac{\partial \hat{y}_{i}}{\partial z_{j}} &= \hat{y}_{i} \left(\delta_{ij} - ... && \text{(1)}
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
        general_form: str | None = None,
        concrete_form: str | None = None,
    ) -> None:
        self.name = name
        self.title = title
        self.lhs = sp.sympify(lhs)
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
                raise ValueError(f"indices: index {idx} has no size")
        if concrete_form is None:
            concrete_form = ", ".join(
                "(" + ", ".join(f"{key}={val}" for key, val in s.items()) + ")" for s in self.sizes
            )
        self.general_form = general_form or ("general n" if self.sizes else "exact")
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
        general: bool | str = True,
        rel: str = "=",
        by: Any = None,
    ) -> Derivation:
        r"""Append a step ``rel expr`` justified by `why`; returns the derivation (chainable).

        Parameters
        ----------
        expr : sympy.Basic
            The new expression (scalar, or a matrix expression for matrix forms).
        why : str
            Short justification in words; ``$...$`` segments are math.
        using : sequence of Assumption
            Assumptions this step relies on (and every later one keeps).
        cases : sequence of Assumption
            If given, the step is proved separately under each case (e.g. x > 0, x < 0, x = 0).
        general : bool or str
            False, or a string saying why: do not attempt the general form for this step (the
            string is the reason the record page shows).
        rel : {"=", "<=", ">=", "<", ">", "iff"}
            How `expr` relates to the previous expression (``"≤"``/``"≥"`` also accepted).
            ``"iff"``: both are equations (``sp.Eq``) and each holds exactly when the other
            does; proved by showing one difference (left − right) is ± the other, or, with
            ``by=Factor(u, p)``, u times the other's p-th power with u known to be nonzero.
        by : lemma, optional
            Required for an inequality: a certificate (an expression built from
            :func:`~sce.symbolic.square`, :func:`~sce.symbolic.log_gap`, ... with weights known
            to be non-negative), a :class:`~sce.symbolic.Monotone`, or a
            :class:`~sce.symbolic.Stated` result (also allowed for an equality).

        Returns
        -------
        Derivation

        Raises
        ------
        ValueError
            For an unknown `rel`, an inequality without `by`, or a chain mixing ≤ and ≥.

        Examples
        --------
        >>> from sce.symbolic import i, softmax_n, yhat
        >>> Derivation("d", yhat[i]).step(softmax_n(i), "definition").steps[0].why
        'definition'
        >>> x = sp.Symbol("x", real=True)
        >>> d = Derivation("d", x**2 + 1, sizes=()).step(1, "drop a square", rel="<")
        Traceback (most recent call last):
        ...
        ValueError: rel: an inequality step needs a lemma (by=...)
        """
        if rel not in RELATIONS:
            raise ValueError(f"rel: {rel!r} is not one of {sorted(set(RELATIONS))}")
        rel = RELATIONS[rel]
        if rel not in ("=", "⟺") and by is None:
            raise ValueError("rel: an inequality step needs a lemma (by=...)")
        _chain_relation([*(s.rel for s in self.steps), rel])
        reason = general if isinstance(general, str) else ""
        self.steps.append(
            Step(
                sp.sympify(expr), why, tuple(using), tuple(cases), general is True, rel, by, reason
            )
        )
        self._record = None
        self._failure = None
        return self

    @property
    def result(self) -> Expr:
        """The last expression of the chain (the left side if there are no steps)."""
        return self.steps[-1].expr if self.steps else self.lhs

    @property
    def relation(self) -> str:
        """The relation of the left side to the result: ``"="``, ``"≤"``, ``"<"``, ..."""
        return _chain_relation([s.rel for s in self.steps])

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
        >>> x = sp.Symbol("x")
        >>> Derivation("d", x * (x + 1), sizes=()).step(x**2 + x, "expand").expressions()
        [x*(x + 1), x**2 + x]
        """
        return [self.lhs, *(s.expr for s in self.steps)]

    # -- checking -----------------------------------------------------------------------

    def _assumptions_upto(self, number: int) -> tuple[Assumption, ...]:
        out = list(self.given)
        for st in self.steps[:number]:
            out.extend(a for a in st.using if a not in out)
        return tuple(out)

    def _check(self) -> CheckRecord | Failure:
        self._memo: dict[Any, dict[Any, Expr]] = {}
        self._cache: dict[Any, Expr] = {}
        try:
            return self._check_all_steps()
        finally:
            self._memo, self._cache = {}, {}

    def _check_all_steps(self) -> CheckRecord | Failure:
        start = time.perf_counter()
        records = []
        equality: list[str] = []
        exprs = self.expressions()
        for number in range(1, len(exprs)):
            st = self.steps[number - 1]
            assumptions = self._assumptions_upto(number)
            old, new = exprs[number - 1], exprs[number]
            names = tuple(a.name for a in (*assumptions, *st.cases))
            if isinstance(st.by, _lemmas.Stated):
                records.append(
                    StepRecord(number, st.why, None, (), 0, names, st.rel, (), st.by.label)
                )
                continue
            used: tuple[str, ...] = ()
            if st.rel == "⟺":
                out = self._prove_iff(number, st, assumptions)
                if isinstance(out, Failure):
                    return out
                method, proved, count, used = out
                records.append(
                    StepRecord(number, st.why, method, proved, count, names, st.rel, used, None,
                               "" if method else "the general-form zero test leaves a residual")
                )  # fmt: skip
                continue
            if st.rel == "=" and st.by is None:
                pairs = [(old, new)]
            else:
                plan = _lemmas.plan(st.by, old, new, st.rel, assumptions)
                if isinstance(plan, str):
                    return Failure(self, number, st.why, sp.Integer(0), "", None, problem=plan)
                pairs, used, conditions = plan
                equality.extend(conditions)
            general_method: str | None = "expand"
            proved: tuple[str, ...] = ()
            checks = 0
            for a, b in pairs:
                out = self._prove_equal(a, b, number, st, assumptions)
                if isinstance(out, Failure):
                    return out
                method, proved, count = out
                checks += count
                if method is None or general_method is None:
                    general_method = None
                elif method == "cancel":
                    general_method = "cancel"
            reason = st.reason
            if general_method is None and not reason:
                is_matrix = any(
                    isinstance(e, sp.MatrixExpr | sp.MatrixBase) or e.has(_Entry)
                    for e in (old, new)
                )
                if is_matrix:
                    reason = "a matrix identity, checked entry by entry for each size"
                elif not st.general:
                    reason = "not attempted in general form"
                else:
                    reason = "the general-form zero test leaves a residual"
            records.append(
                StepRecord(
                    number, st.why, general_method, proved, checks, names, st.rel, used, None,
                    "" if general_method else reason,
                )
            )  # fmt: skip
        return CheckRecord(
            self.name,
            tuple(records),
            time.perf_counter() - start,
            self.general_form,
            self.concrete_form if self.sizes else "",
            self.title,
            self.relation,
            _lemmas._equality_case(equality) if self.relation != "=" else (),
        )

    def _prove_iff(
        self, number: int, st: Step, assumptions: tuple[Assumption, ...]
    ) -> tuple[str | None, tuple[str, ...], int, tuple[str, ...]] | Failure:
        """An equivalence of two equations: one difference is a nonzero multiple of the other."""
        old, new = self.expressions()[number - 1 : number + 1]
        plan = _lemmas.plan_iff(st.by, old, new, _lemmas._facts(assumptions))
        if isinstance(plan, str):
            return Failure(self, number, st.why, sp.Integer(0), "", None, problem=plan)
        alternatives, used = plan
        first: Failure | None = None
        for a, b in alternatives:
            out = self._prove_equal(a, b, number, st, assumptions)
            if not isinstance(out, Failure):
                return (*out, used)
            first = first or out
        assert first is not None
        return first

    def check(self) -> CheckRecord:
        """Prove every step; cached, so a second call is free. Registers the record.

        Returns
        -------
        CheckRecord
            What was proved, in which forms, and how long it took.

        Raises
        ------
        DerivationError
            If a step does not follow from the previous one for some concrete size (or, for a
            derivation without concrete sizes, in its exact form), or an inequality's lemma
            does not apply. The message names the step number, its justification and the
            residual.

        Examples
        --------
        >>> x = sp.Symbol("x")
        >>> Derivation("wrong", (x + 1) ** 2, sizes=()).step(x**2 + 1, "expand").check()
        ... # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        sce.symbolic.errors.DerivationError: wrong: step 1 ('expand') does not follow ...
        """
        if self._record is None and self._failure is None:
            out = self._check()
            if isinstance(out, Failure):
                self._failure = out
            else:
                self._record = out
        if self._failure is not None:
            _register_failure(self, self._failure)
            raise DerivationError(self._failure)
        assert self._record is not None
        _register(self, self._record)
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
        >>> x = sp.Symbol("x")
        >>> f = Derivation("wrong", (x + 1) ** 2, sizes=()).step(x**2 + 1, "expand").try_check()
        >>> f.step, f.why, f.residual
        (1, 'expand', -2*x)
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

    # -- display (see sce.symbolic.render) -------------------------------------------------

    def report(self) -> str:
        """A compact plain-text summary of what was proved (checks first; no LaTeX).

        Returns
        -------
        str

        Raises
        ------
        DerivationError
            If the derivation does not check.

        Examples
        --------
        >>> x = sp.Symbol("x")
        >>> print(Derivation("d", x * (x + 1), sizes=()).step(x**2 + x, "expand").report())
        d: ✓ 1 step checked (exact)
        """
        return _render.report(self)

    def latex(self) -> str:
        r"""The checked chain as ``$$\begin{aligned} ... \end{aligned}$$``, steps numbered.

        Returns
        -------
        str

        Raises
        ------
        DerivationError
            If a step does not check (use :meth:`try_check` to show a wrong one on purpose).

        Examples
        --------
        >>> x = sp.Symbol("x")
        >>> print(Derivation("d", x * (x + 1), sizes=()).step(x**2 + x, "expand").latex())
        $$\begin{aligned}
        x \left(x + 1\right) &= x^{2} + x && \text{(1)}
        \end{aligned}$$
        """
        self.check()
        return _render.chain(self)

    def _repr_markdown_(self) -> str:
        return _render.derivation_markdown(self)

    def equation(self, step: int | None = None) -> sp.Basic:
        r"""The checked relation ``lhs rel step`` (default: the last step) as a SymPy relation.

        Parameters
        ----------
        step : int, optional
            1-based step number; default the last.

        Returns
        -------
        sympy.Eq or sympy.Rel

        Raises
        ------
        DerivationError
            If the derivation does not check.
        IndexError
            If `step` is out of range.

        Examples
        --------
        >>> x = sp.Symbol("x")
        >>> Derivation("d", x * (x + 1), sizes=()).step(x**2 + x, "expand").equation()
        Eq(x*(x + 1), x**2 + x)
        """
        self.check()
        number = len(self.steps) if step is None else step
        if not 1 <= number <= len(self.steps):
            raise IndexError(f"step {number} not in 1..{len(self.steps)}")
        rel = _chain_relation([s.rel for s in self.steps[:number]])
        cls = {"=": sp.Eq, "≤": sp.Le, "≥": sp.Ge, "<": sp.Lt, ">": sp.Gt, "⟺": sp.Equivalent}[rel]
        return cls(self.lhs, self.steps[number - 1].expr, evaluate=False)

    def __repr__(self) -> str:
        return f"<Derivation {self.name!r}: {len(self.steps)} steps>"
