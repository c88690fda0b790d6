"""What a failing check reports: :class:`DerivationError`, :class:`Failure`, readable residuals."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import sympy as sp

from sce.symbolic.concrete import _INDEXED_OF, _symbol
from sce.symbolic.printing import latex
from sce.symbolic.symbols import n, yhat, z

if TYPE_CHECKING:
    from sce.symbolic.engine import Derivation

Expr = sp.Basic

_LETTERS = ("i", "k", "l", "p", "q", "r", "s", "t")


def _rename_dummies(expr: Expr) -> Expr:
    """Summation indices of the checker (m_0, dummies) → letters of the book (i, k, l, ...)."""
    for _ in range(20):
        bad = [
            s
            for s in expr.atoms(sp.Sum)
            if any(isinstance(v, sp.Dummy) or str(v).startswith("m_") for v in s.variables)
        ]
        if not bad:
            return expr
        s = max(bad, key=lambda a: sp.count_ops(a))  # outermost first
        taken = {str(a) for a in expr.free_symbols}
        taken |= {str(v) for t in expr.atoms(sp.Sum) if s in t.atoms(sp.Sum) for v in t.variables}
        taken |= {str(v) for t in s.atoms(sp.Sum) if t != s for v in t.variables}
        body, limits = s.function, list(s.limits)
        for pos, (var, lo, hi) in enumerate(limits):  # every limit of a multi-limit sum
            if not (isinstance(var, sp.Dummy) or str(var).startswith("m_")):
                continue
            letter = next((a for a in _LETTERS if a not in taken), "m")
            taken.add(letter)
            new = sp.Symbol(letter, integer=True, positive=True)
            body = body.xreplace({var: new})
            limits[pos] = (new, lo, hi)
        expr = expr.xreplace({s: sp.Sum(body, *limits)})
    return expr


def readable(expr: Expr | None) -> Expr | None:
    r"""A residual in the book's symbols: softmax folded back to ŷ, the book's index letters.

    e^{z_a} / Σ_k e^{z_k} becomes ŷ_a (general form, and for a concrete size when the
    denominators are the sum over every class), the checker's summation indices become free
    letters (i, k, l, ...), and the result is put over one denominator with common factors out.

    Parameters
    ----------
    expr : sympy.Expr or None

    Returns
    -------
    sympy.Expr or None

    Raises
    ------
    None

    Examples
    --------
    >>> from sce.symbolic import j, y
    >>> m0 = sp.Symbol("m_0", integer=True, positive=True)
    >>> S = sp.Sum(sp.exp(z[m0]), (m0, 1, n))
    >>> readable((1 - sp.Sum(y[m0], (m0, 1, n))) * sp.exp(z[j]) / S)
    (1 - Sum(y[i], (i, 1, n)))*\hat{y}[j]
    """
    if expr is None or not isinstance(expr, sp.Expr):
        return expr
    e = expr
    total = sp.Dummy("S", positive=True)
    sums = [
        s
        for s in e.atoms(sp.Sum)
        if len(s.limits) == 1
        and s.limits[0][1:] == (1, n)
        and s.function == sp.exp(z[s.variables[0]])
    ]
    concrete = sorted(
        (_INDEXED_OF[a][1][0], a)
        for a in e.free_symbols
        if a in _INDEXED_OF and _INDEXED_OF[a][0] == z and len(_INDEXED_OF[a][1]) == 1
    )
    back: dict[Expr, Expr] = {}
    if sums:
        e = e.xreplace(dict.fromkeys(sums, total))
        e = e.replace(
            lambda a: isinstance(a, sp.exp) and isinstance(a.args[0], sp.Indexed)
            and a.args[0].base == z,
            lambda a: yhat[a.args[0].indices] * total,
        )  # fmt: skip
        back = {total: sums[0]}
    elif concrete:
        size = concrete[-1][0]
        zs = [_symbol("z", (a,), False, True) for a in range(1, size + 1)]
        whole = sp.Add(*[sp.exp(a) for a in zs])
        e = sp.together(e).xreplace({whole: total})
        e = e.xreplace(
            {sp.exp(a): _symbol(r"\hat{y}", (k,), True, False) * total for k, a in enumerate(zs, 1)}
        )
        back = {total: whole}
    e = sp.factor_terms(sp.cancel(sp.together(e)))
    if back and total in e.free_symbols:  # the softmax did not fold: show the checker's form
        e = sp.factor_terms(sp.together(expr))
    return _rename_dummies(e)


class DerivationError(AssertionError):
    """A step of a derivation does not follow from the previous one.

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
    problem : str
        For an inequality whose lemma does not apply: what is wrong, in words (then the
        residual is 0 and unused).
    """

    derivation: Derivation
    step: int
    why: str
    residual: Expr
    where: str
    general_residual: Expr | None = None
    problem: str = ""

    @property
    def shown_residual(self) -> Expr:
        """The residual a reader sees: the general-form one if there is one, made readable."""
        r = self.general_residual if self.general_residual not in (None, 0) else self.residual
        return readable(r)

    @property
    def shown_where(self) -> str:
        """Where the shown residual was found, e.g. ``"n = 2, i = 1, j = 2"``."""
        if self.general_residual not in (None, 0):
            return self.derivation.general_form
        return self.where.replace("=", " = ")

    def __repr__(self) -> str:
        return f"<Failure of {self.derivation.name!r} at step {self.step}>"

    def __str__(self) -> str:
        head = f"{self.derivation.name}: step {self.step} ({self.why!r}) does not follow from "
        head += f"step {self.step - 1}"
        if self.problem:
            return f"{head}: {self.problem}"
        msg = f"{head}: residual {sp.sstr(self.residual)} does not vanish ({self.where})"
        if self.general_residual is not None and self.general_residual != 0:
            msg += f"; general-form residual {sp.sstr(readable(self.general_residual))}"
        return msg

    def residual_latex(self) -> str:
        r"""LaTeX of the residual a reader sees (:attr:`shown_residual`).

        Returns
        -------
        str

        Raises
        ------
        None

        Examples
        --------
        >>> from sce.symbolic import Derivation
        >>> x = sp.Symbol("x")
        >>> f = Derivation("wrong", (x + 1) ** 2, sizes=()).step(x**2 + 1, "expand").try_check()
        >>> f.residual_latex()
        '- 2 x'
        """
        return latex(self.shown_residual)

    def latex(self) -> str:
        r"""The chain up to the failing step, that step marked ``\neq`` (no justifications).

        Returns
        -------
        str

        Raises
        ------
        None

        Examples
        --------
        >>> from sce.symbolic import Derivation
        >>> x = sp.Symbol("x")
        >>> f = Derivation("wrong", (x + 1) ** 2, sizes=()).step(x**2 + 1, "expand").try_check()
        >>> r"\neq" in f.latex()
        True
        """
        from sce.symbolic import render

        return render.chain(self.derivation, upto=self.step, failing=True)

    def _repr_markdown_(self) -> str:
        from sce.symbolic import render

        return render.failure_markdown(self)
