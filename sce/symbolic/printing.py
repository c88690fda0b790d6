"""LaTeX in the book's notation (ŷ_i, δ_ij, ∂ŷ_i/∂z_j) and justifications as text."""

from __future__ import annotations

from typing import Any

import sympy as sp
from sympy.printing.latex import LatexPrinter

Expr = sp.Basic

#: Sums and products built by :mod:`sce.symbolic.typeset` to be printed in the order written.
_ORDERED: set[Expr] = set()

# --------------------------------------------------------------------------------------------
# Printing
# --------------------------------------------------------------------------------------------


class _Printer(LatexPrinter):
    """SymPy's LaTeX printer with the book's notation and a textbook's order of terms.

    A sum starts with a positive term (σ(x) − y, not −y + σ(x)); in a product without a
    denominator, plain factors come before parenthesised sums (ŷ_j (1 − ŷ_j)); a fraction
    times derivatives is shown as the fraction, then the derivatives (−y_i/ŷ_i ∂ŷ_i/∂z_j).
    Sums and products made by :func:`~sce.symbolic.ordered_sum` and
    :func:`~sce.symbolic.ordered_product` keep the order they were written in.
    """

    def _print_Add(self, expr: sp.Add, order: Any = None) -> str:
        if expr in _ORDERED:
            terms = list(expr.args)
        else:
            terms = list(self._as_ordered_terms(expr, order=order))
        texts = []
        for term in terms:
            term_tex = self._print(term)
            if self._needs_add_brackets(term):
                term_tex = rf"\left({term_tex}\right)"
            texts.append(term_tex)
        written = expr in _ORDERED or any(a in _ORDERED for a in terms)
        if not written and texts[0].startswith("-"):  # start with a positive term
            first = next((pos for pos, s in enumerate(texts) if not s.startswith("-")), None)
            if first is not None:
                texts.insert(0, texts.pop(first))
        tex = texts[0]
        for term_tex in texts[1:]:
            if term_tex.startswith("-"):
                tex += " - " + term_tex[1:].lstrip()
            else:
                tex += " + " + term_tex
        return tex

    def _print_Sum(self, expr: sp.Sum) -> str:
        body = expr.function
        if self._print(body).startswith("-"):  # Σ (−f) is shown as −Σ f
            if body in _ORDERED:
                first, *rest = body.args
                factors = rest if first == -1 else [-first, *rest]
                if len(factors) > 1:
                    new = sp.Mul(*factors, evaluate=False)
                    _ORDERED.add(new)
                else:
                    new = factors[0]
            else:
                new = -body
            return "- " + super()._print_Sum(sp.Sum(new, *expr.limits))
        return super()._print_Sum(expr)

    def _needs_mul_brackets(self, expr: Any, first: bool = False, last: bool = False) -> bool:
        # a power brackets its own base: (v_i - m)^2 needs no second pair of brackets
        if isinstance(expr, sp.Pow) and not (expr.exp.is_Rational and expr.exp < 0):
            return False
        return super()._needs_mul_brackets(expr, first=first, last=last)

    def _factors(self, factors: list[Expr]) -> str:
        out = []
        for pos, f in enumerate(factors):
            tex = self._print(f)
            last = pos == len(factors) - 1
            if self._needs_mul_brackets(f, first=pos == 0, last=last) or (
                pos > 0 and tex.startswith("-")
            ):
                tex = rf"\left({tex}\right)"
            out.append(tex)
        return " ".join(out)

    def _print_Mul(self, expr: sp.Mul) -> str:
        if expr in _ORDERED:
            factors = list(expr.args)
            if factors and factors[0] == -1 and len(factors) > 1:
                return "- " + self._factors(factors[1:])
            return self._factors(factors)
        coeff, rest = expr.as_coeff_Mul()
        args = list(sp.Mul.make_args(rest))
        derivs = [a for a in args if isinstance(a, sp.Derivative)]
        others = [a for a in args if not isinstance(a, sp.Derivative)]
        if derivs and others and sp.fraction(sp.Mul(*others))[1] != 1:
            front = self._print(coeff * sp.Mul(*others))
            return f"{front} {self._factors(derivs)}"
        if sp.fraction(expr)[1] != 1 or coeff not in (1, -1) or len(args) < 2:
            return super()._print_Mul(expr)

        def bracketed(a: Expr) -> bool:
            return isinstance(a, sp.Add) or (isinstance(a, sp.Pow) and isinstance(a.base, sp.Add))

        plain = [a for a in args if not bracketed(a)]
        sums = [a for a in args if bracketed(a)]
        if not sums or not plain:
            return super()._print_Mul(expr)
        body = self._factors([*plain, *sums])
        return f"- {body}" if coeff == -1 else body

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
    >>> from sce.symbolic import i, j, jacobian_n, yhat, z
    >>> latex(sp.Derivative(yhat[i], z[j]))
    '\\frac{\\partial \\hat{y}_{i}}{\\partial z_{j}}'
    >>> latex(jacobian_n())
    '\\hat{y}_{i} \\left(\\delta_{ij} - \\hat{y}_{j}\\right)'
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
