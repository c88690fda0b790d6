r"""Labelled equations: each one either derived (a checked derivation's relation) or stated.

A chapter shows a labelled equation as MyST math in a Markdown cell, which both the book and
JupyterLab (jupyterlab-myst) render and number, and which ``{eq}`` references resolve::

    $$
    \frac{\partial \hat{y}_{i}}{\partial z_{j}} = \hat{y}_{i} \left(\delta_{ij} - \hat{y}_{j}\right)
    $$ (eq-jacobian)

Its text is not typed freely: the derivation cell that proves it calls :func:`derived`, which
returns (and registers under the label) the LaTeX of the checked relation, and a test
(``tests/test_equations.py``) fails unless the Markdown shows exactly that LaTeX under that
label. An equation that is a definition or a cited result is registered with :func:`stated`
and its source; the same test fails on a labelled equation registered neither way.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["Label", "derived", "labels", "stated"]


@dataclass(frozen=True)
class Label:
    """A labelled equation: its label, its LaTeX (for derived ones) and where it comes from."""

    label: str
    latex: str | None
    derivation: str | None
    source: str | None

    @property
    def is_derived(self) -> bool:
        """True for an equation proved by a derivation, False for a stated one."""
        return self.derivation is not None


_LABELS: dict[str, Label] = {}


def _check_label(label: Any) -> str:
    if not isinstance(label, str):
        raise TypeError(f"label must be a str, not {type(label).__name__}")
    if not label.startswith("eq-") or any(ch.isspace() for ch in label):
        raise ValueError(f"label must look like 'eq-name' (no spaces), not {label!r}")
    return label


def derived(label: str, derivation: Any, step: int | None = None) -> str:
    r"""Register ``label`` as the checked relation ``lhs rel step`` of ``derivation``.

    Parameters
    ----------
    label : str
        The MyST label, ``eq-...``.
    derivation : Derivation
        A derivation; it is checked first.
    step : int, optional
        1-based step; default the last.

    Returns
    -------
    str
        The LaTeX the Markdown cell must show under the label.

    Raises
    ------
    TypeError
        If `label` is not a string.
    ValueError
        If `label` does not start with ``eq-``.
    sce.symbolic.DerivationError
        If the derivation does not check.

    Examples
    --------
    >>> import sympy as sp
    >>> from sce.symbolic import Derivation
    >>> x = sp.Symbol("x")
    >>> d = Derivation("demo_square", (x + 1) ** 2, sizes=()).step(x**2 + 2 * x + 1, "expand")
    >>> print(derived("eq-demo", d))
    \left(x + 1\right)^{2} = x^{2} + 2 x + 1
    """
    from sce.symbolic.render import equation_latex

    _check_label(label)
    text = equation_latex(derivation, step)
    _LABELS[label] = Label(label, text, derivation.name, None)
    return text


def stated(label: str, source: str) -> None:
    """Register ``label`` as a stated equation (a definition or a cited result) with its source.

    Parameters
    ----------
    label : str
        The MyST label, ``eq-...``.
    source : str
        Where it comes from: ``"definition"``, or a citation (author, title, equation).

    Raises
    ------
    TypeError
        If `label` or `source` is not a string.
    ValueError
        If `label` does not start with ``eq-`` or `source` is empty.

    Examples
    --------
    >>> stated("eq-demo-softmax", "definition")
    >>> labels()["eq-demo-softmax"].is_derived
    False
    """
    _check_label(label)
    if not isinstance(source, str):
        raise TypeError(f"source must be a str, not {type(source).__name__}")
    if not source.strip():
        raise ValueError("source must say where the equation comes from, not be empty")
    _LABELS[label] = Label(label, None, None, source)


def labels() -> dict[str, Label]:
    """Every label registered in this process, by label.

    Returns
    -------
    dict of str to Label

    Raises
    ------
    None

    Examples
    --------
    >>> isinstance(labels(), dict)
    True
    """
    return dict(_LABELS)


def clear() -> None:
    """Forget every registered label (between chapters, in the checks)."""
    _LABELS.clear()
