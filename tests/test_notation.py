"""One meaning per symbol: the chapters' prose keeps the notation page's conventions.

The page ``notation.md`` lists every symbol of the book with its one meaning. This test scans the
Markdown of every chapter (math between ``$`` signs, outside code spans and outside quotations of
the blog post, which keep its own notation) for the uses the page rules out: C as a class count,
ε (or ϵ) for machine epsilon, E for the loss, x for the binary logit, m for a margin, λ for the
weight of a penalty, H for the Hessian.
"""

from __future__ import annotations

import json
import re

import pytest

from sce.project import chapter_paths, root

#: (what is ruled out, regex over one math segment)
RULES = [
    ("C as the number of classes (write n)", re.compile(r"(?<![\\A-Za-z_{])C(?![A-Za-z_}])")),
    (
        "E as the loss (write ℓ; the post's E only in its quotations)",
        re.compile(r"\\partial\s*E\b|^\s*E\s*(=|\(|$)|(?<![\\A-Za-z_{])E\s*="),
    ),
    (
        "H for the Hessian (write ∇²ℓ; H(p) is the entropy)",
        re.compile(r"(?<![\\A-Za-z_{])H(?!\s*\()(?![A-Za-z}])"),
    ),
    ("σ(x) for the binary logit (write σ(z))", re.compile(r"\\sigma\s*\\?\(?\s*\(\s*x\b")),
]
#: The margin written m, in the prose.
MARGIN_M = re.compile(r"margin,?\s*\$?m\b")
#: λ for the weight of a penalty (λ is an eigenvalue; the penalty's weight is γ).
PENALTY_LAMBDA = re.compile(
    r"(penalt|regulari|L2|weight decay)[^.]{0,80}(?<!write \$)\\lambda", re.IGNORECASE
)
#: ε for machine epsilon, in the prose (not only in math).
MACHINE_EPS = re.compile(
    r"machine epsilon[^.$]{0,30}\$\\(var)?epsilon|\\(var)?epsilon_\{?\\?(mathrm|text)?\{?mach",
    re.IGNORECASE,
)
CODE = re.compile(r"```.*?```|`[^`\n]*`", re.DOTALL)
MATH = re.compile(r"\$\$(.+?)\$\$|\$([^$\n]+)\$", re.DOTALL)


#: Words just before a formula that say it quotes another source's notation.
QUOTING = ("post", "pytorch", "write", "notation:")


def _quotes_a_source(text: str, start: int) -> bool:
    line_start = text.rfind("\n", 0, start) + 1
    if text[line_start:start].lstrip().startswith(">"):
        return True
    before = text[max(0, start - 80) : start].lower()
    return any(word in before for word in QUOTING)


def violations(markdown: str) -> list[str]:
    """The notation rules a piece of Markdown breaks, one line each."""
    found = []
    text = CODE.sub("", markdown)
    for line in text.splitlines():
        if line.lstrip().startswith(">") or "post" in line.lower():
            continue
        if MACHINE_EPS.search(line):
            found.append(f"ε for machine epsilon (write eps): {line.strip()[:80]}")
        if PENALTY_LAMBDA.search(line):
            found.append(f"λ for a penalty's weight (write γ): {line.strip()[:80]}")
        if MARGIN_M.search(line):
            found.append(f"the margin written m (write Δ): {line.strip()[:80]}")
    for m in MATH.finditer(text):
        if _quotes_a_source(text, m.start()):
            continue
        segment = m.group(1) or m.group(2)
        for what, rule in RULES:
            if rule.search(segment):
                found.append(f"{what}: ${segment.strip()[:70]}$")
    return found


def _markdown(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    return "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")


@pytest.mark.parametrize("path", chapter_paths(), ids=lambda p: p.stem)
def test_the_chapter_keeps_the_notation(path):
    assert violations(_markdown(path)) == []


def test_the_notation_page_and_intro_keep_it_too():
    for name in ("intro.md", "notation.md"):
        text = (root() / name).read_text(encoding="utf-8")
        assert violations(text) == [], name


@pytest.mark.parametrize(
    "bad",
    [
        "label smoothing puts $\\varepsilon / (C - 1)$ on each other class",
        "the loss $\\frac{\\partial E}{\\partial z_j}$",
        "its gradient $\\sigma(x) - y$",
        "machine epsilon, $\\varepsilon = 2^{-52}$",
        "with margin m the probability is",
        "the Hessian $H = \\operatorname{diag}(\\hat y) - \\hat y \\hat y^{\\mathsf T}$",
        "an L2 penalty $\\frac{\\lambda}{2} \\lVert W \\rVert^2$",
    ],
)
def test_the_check_catches_each_ruled_out_use(bad):
    assert violations(bad)


def test_the_check_passes_the_book_s_own_notation():
    good = (
        "smoothing $\\varepsilon / (n - 1)$, loss $\\partial \\ell / \\partial z_j$, "
        "$\\sigma(z) - y$, $\\mathrm{eps} = 2^{-52}$, $H(y) \\le \\log n$, $\\nabla^2 \\ell$, "
        "$\\mathcal{H}$, margin $\\Delta$, `C = logits.shape[1]`"
    )
    assert violations(good) == []
    assert violations("PyTorch writes the shape $(N, C)$; the post writes $E$") == []
