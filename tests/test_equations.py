"""Every labelled equation of a chapter is derived (a checked relation, shown verbatim) or stated.

A chapter's Markdown shows labelled equations as ``$$ ... $$ (eq-label)``, which the book and
JupyterLab both render. For each chapter, the cells tagged ``derivation`` run here (as
``make derivations`` runs them); each labelled equation must then be registered, by
``sce.symbolic.derived`` with exactly the LaTeX the Markdown shows, or by ``sce.symbolic.stated``
with its source, and every registered label must be shown.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import ROOT

from sce.symbolic import run_chapter_derivations
from sce.symbolic.labels import clear as clear_labels
from sce.symbolic.labels import labels as registered_labels

CHAPTERS = sorted((ROOT / "chapters").glob("*.ipynb"))
#: A labelled display equation of MyST: ``$$ latex $$ (label)``.
EQUATION = re.compile(r"\$\$(?P<latex>.+?)\$\$\s*\((?P<label>eq-[\w-]+)\)", re.S)


def markdown_equations(path: Path) -> dict[str, str]:
    """The labelled display equations of a chapter's Markdown cells, label to LaTeX."""
    found: dict[str, str] = {}
    for cell in json.loads(path.read_text())["cells"]:
        if cell["cell_type"] == "markdown":
            for m in EQUATION.finditer("".join(cell["source"])):
                found[m["label"]] = m["latex"]
    return found


def normal(latex: str) -> str:
    return " ".join(latex.split())


def problems(path: Path) -> list[str]:
    """What is wrong with the labelled equations of one chapter."""
    clear_labels()
    run_chapter_derivations(path)
    registered = registered_labels()
    shown = markdown_equations(path)
    out = []
    for label, latex in shown.items():
        entry = registered.get(label)
        if entry is None:
            out.append(f"{label}: neither derived nor stated in a derivation cell")
        elif entry.is_derived and normal(entry.latex) != normal(latex):
            out.append(
                f"{label}: the Markdown shows\n  {latex.strip()}\nnot the checked\n  {entry.latex}"
            )
    out += [f"{label}: registered but not shown" for label in registered if label not in shown]
    return out


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_labelled_equations_are_derived_or_stated(path: Path) -> None:
    found = problems(path)
    assert not found, f"{path.name}:\n" + "\n".join(found)


def test_a_typed_equation_that_differs_from_the_checked_one_fails(tmp_path: Path) -> None:
    derivation = (
        "import sympy as sp\n"
        "from sce.symbolic import Derivation, derived\n"
        "x = sp.Symbol('x')\n"
        "d = Derivation('t_square', (x + 1) ** 2, sizes=()).step(x**2 + 2*x + 1, 'expand')\n"
        "derived('eq-t-square', d)\n"
    )
    wrong = "$$\n\\left(x + 1\\right)^{2} = x^{2} + x + 1\n$$ (eq-t-square)\n\n$$ y $$ (eq-t-other)"
    nb = {
        "cells": [
            {
                "cell_type": "code",
                "metadata": {"tags": ["derivation"]},
                "source": derivation,
                "outputs": [],
                "execution_count": 1,
            },
            {"cell_type": "markdown", "id": "show", "metadata": {}, "source": wrong},
        ],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    path = tmp_path / "01-t.ipynb"
    path.write_text(json.dumps(nb))
    found = problems(path)
    assert len(found) == 2
    assert "not the checked" in found[0] and "neither derived nor stated" in found[1]
