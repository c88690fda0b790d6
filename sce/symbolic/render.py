r"""How a checked chain is shown: narrow enough for a book column, a phone and paper.

The chain is one ``aligned`` block with one step per line and only a step number beside each
line; the justifications are a numbered Markdown list under it (they wrap like prose), and a
one-line status says what was proved::

    $$\begin{aligned}
    \frac{\partial \hat{y}_{j}}{\partial z_{j}} &= ... && \text{(1)} \\
    &= ... && \text{(2)}
    \end{aligned}$$

    1. definition of softmax
    2. quotient rule, ...

    ✓ 2 steps checked (general n, n = 2..6)

A notebook shows a :class:`~sce.symbolic.Derivation` (and a :class:`~sce.symbolic.Failure`)
through ``_repr_markdown_``; the book (myst-nb, MyST Markdown) and JupyterLab both render it.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from sce.symbolic.printing import latex

if TYPE_CHECKING:
    from sce.symbolic.engine import Derivation
    from sce.symbolic.errors import Failure

#: LaTeX of each relation between consecutive steps.
REL_LATEX = {"=": "=", "≤": r"\le", "≥": r"\ge", "<": "<", ">": ">", "⟺": r"\iff"}
_NOT = {"=": r"\neq", "≤": r"\not\le", "≥": r"\not\ge", "<": r"\not<", ">": r"\not>"}
_NOT["⟺"] = r"\not\iff"


#: Rendered characters (roughly) beyond which the left side gets a line of its own.
WIDE = 44


def _visible(tex: str) -> int:
    """A rough count of the characters a formula shows (commands and braces dropped)."""
    tex = re.sub(r"\\(left|right|frac|partial|sum|hat|text|operatorname|substack)", " ", tex)
    tex = re.sub(r"\\[a-zA-Z]+", "x", tex)
    return len(re.sub(r"[{}_^\s]", "", tex))


def chain(d: Derivation, upto: int | None = None, failing: bool = False) -> str:
    r"""The chain as ``$$\begin{aligned} ... \end{aligned}$$`` with step numbers (no checking).

    Parameters
    ----------
    d : Derivation
    upto : int, optional
        Last step shown (default: all).
    failing : bool
        Mark the last shown step as not following (``\neq``, ``\not\le``, ...).

    Returns
    -------
    str

    Raises
    ------
    None

    Examples
    --------
    >>> import sympy as sp
    >>> from sce.symbolic import Derivation
    >>> x = sp.Symbol("x")
    >>> print(chain(Derivation("d", x * (x + 1), sizes=()).step(x**2 + x, "expand")))
    $$\begin{aligned}
    x \left(x + 1\right) &= x^{2} + x && \text{(1)}
    \end{aligned}$$
    """
    last = len(d.steps) if upto is None else upto
    rows = []
    lhs = latex(d.lhs)
    first = latex(d.steps[0].expr) if d.steps else ""
    own_line = _visible(lhs) + _visible(first) > WIDE
    if own_line:  # a long left side gets a line of its own, the chain continues under it
        rows.append(f"&{lhs} && ")
    for number in range(1, last + 1):
        st = d.steps[number - 1]
        left = lhs + " " if number == 1 and not own_line else ""
        rel = (_NOT if failing and number == last else REL_LATEX)[st.rel]
        rows.append(f"{left}&{rel} {latex(st.expr)} && \\text{{({number})}}")
    body = " \\\\\n".join(rows)
    return f"$$\\begin{{aligned}}\n{body}\n\\end{{aligned}}$$"


def _reason(d: Derivation, number: int) -> str:
    """Markdown of step `number`'s justification, with its new assumptions and its lemma."""
    st = d.steps[number - 1]
    text = st.why
    used = [a for a in st.using if a not in d.given]
    if number == 1:
        used = [*d.given, *used]
    if used:
        text += "; assuming " + ", ".join(f"${a.latex()}$" for a in used)
    if st.cases:
        text += " (cases " + ", ".join(f"${a.latex()}$" for a in st.cases) + ")"
    label = getattr(st.by, "label", None)
    if label:
        text += f" [{label}]"
    return text


def _status(d: Derivation) -> str:
    rec = d.check()
    out = f"✓ {rec.n_steps} steps checked ({rec.forms()})"
    if rec.equality:
        out += "; equality iff " + ", ".join(f"${c}$" for c in rec.equality)
    return out


def derivation_markdown(d: Derivation) -> str:
    r"""Chain, numbered justifications and a one-line status (checks first).

    Parameters
    ----------
    d : Derivation

    Returns
    -------
    str
        Markdown with ``$...$`` math.

    Raises
    ------
    DerivationError
        If the derivation does not check: a wrong chain is never rendered as a right one.

    Examples
    --------
    >>> import sympy as sp
    >>> from sce.symbolic import Derivation
    >>> x = sp.Symbol("x")
    >>> print(derivation_markdown(Derivation("d", x * (x + 1), sizes=()).step(x**2 + x, "expand")))
    $$\begin{aligned}
    x \left(x + 1\right) &= x^{2} + x && \text{(1)}
    \end{aligned}$$
    <BLANKLINE>
    1. expand
    <BLANKLINE>
    ✓ 1 steps checked (exact)
    """
    status = _status(d)
    reasons = "\n".join(f"{k}. {_reason(d, k)}" for k in range(1, len(d.steps) + 1))
    return f"{chain(d)}\n\n{reasons}\n\n{status}"


def failure_markdown(f: Failure) -> str:
    r"""The chain up to the failing step, its justifications, and what does not follow.

    Parameters
    ----------
    f : Failure

    Returns
    -------
    str

    Raises
    ------
    None

    Examples
    --------
    >>> import sympy as sp
    >>> from sce.symbolic import Derivation
    >>> x = sp.Symbol("x")
    >>> f = Derivation("wrong", (x + 1) ** 2, sizes=()).step(x**2 + 1, "expand").try_check()
    >>> print(failure_markdown(f).splitlines()[-1])
    ✗ Step 1 (expand) does not follow from step 0: step 1 − step 0 is $- 2 x$, not 0.
    """
    d = f.derivation
    lines = [f"{k}. {_reason(d, k)}" for k in range(1, f.step + 1)]
    if f.problem:
        verdict = f"✗ Step {f.step} ({f.why}) does not follow from step {f.step - 1}: {f.problem}"
    else:
        where = f.shown_where
        place = "" if where in ("", d.general_form) else f" (at {where})"
        verdict = (
            f"✗ Step {f.step} ({f.why}) does not follow from step {f.step - 1}: "
            f"step {f.step} − step {f.step - 1} is ${f.residual_latex()}${place}, not 0."
        )
    return f"{chain(d, upto=f.step, failing=True)}\n\n" + "\n".join(lines) + f"\n\n{verdict}"


def report(d: Derivation) -> str:
    """A compact plain-text summary of what was proved (checks first).

    One line with the counts; then one line per step that is not proved in general form
    (with the reason) or that is justified by a stated result. No LaTeX: a notebook shows the
    rendered chain (the derivation's own output) and this line below it.

    Parameters
    ----------
    d : Derivation

    Returns
    -------
    str

    Raises
    ------
    DerivationError
        If the derivation does not check.

    Examples
    --------
    >>> import sympy as sp
    >>> from sce.symbolic import Derivation
    >>> x = sp.Symbol("x")
    >>> print(report(Derivation("d", x * (x + 1), sizes=()).step(x**2 + x, "expand")))
    d: ✓ 1 steps checked (exact)
    """
    rec = d.check()
    lines = [f"{rec.name}: ✓ {rec.n_steps} steps checked ({rec.forms()})"]
    for number, reason in rec.only_concrete:
        lines.append(f"  step {number}: only for {rec.concrete_form} ({reason})")
    for s in rec.steps:
        if s.stated:
            lines.append(f"  step {s.number}: {s.stated}")
    return "\n".join(lines)


def equation_latex(derivation: Derivation, step: int | None = None) -> str:
    r"""LaTeX (no delimiters) of the checked relation ``lhs = step``, for ``{glue:math}``.

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
    >>> import sympy as sp
    >>> from sce.symbolic import Derivation
    >>> x = sp.Symbol("x", positive=True)
    >>> print(equation_latex(Derivation("d", x**2 / x, sizes=()).step(x, "cancel")))
    x = x
    """
    eq = derivation.equation(step)
    number = len(derivation.steps) if step is None else step
    rel = derivation.relation if number == len(derivation.steps) else None
    if rel is None:
        from sce.symbolic.engine import _chain_relation

        rel = _chain_relation([s.rel for s in derivation.steps[:number]])
    return f"{latex(eq.lhs)} {REL_LATEX[rel]} {latex(eq.rhs)}"


def glue_equation(
    key: str, derivation: Derivation, step: int | None = None, *, display: bool = False
) -> str:
    r"""Glue the checked equation ``lhs = step`` under `key` for a labelled ``{glue:math}``.

    The value is an ``IPython.display.Math``, whose ``text/latex`` output is
    ``$\displaystyle ...$``; myst-nb's ``glue:math`` strips the ``$`` delimiters and emits a
    math block whose ``:label:`` Sphinx registers, so ``{eq}`` references work under
    ``-n -W``.

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

    >>> import sympy as sp
    >>> from sce.symbolic import Derivation
    >>> x = sp.Symbol("x")
    >>> print(glue_equation("eq-d", Derivation("d", x * (x + 1), sizes=()).step(x**2 + x, "e")))
    x \left(x + 1\right) = x^{2} + x
    """
    from IPython.display import Math
    from myst_nb import glue

    text = equation_latex(derivation, step)
    glue(key, Math(text), display=display)
    return text
