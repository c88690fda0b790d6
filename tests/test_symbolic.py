"""The engine of sce.symbolic on small derivations of its own (none of the book's)."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
import sympy as sp

import sce.symbolic as sym
from sce.symbolic import Derivation, E, i, j, k, n, y, yhat, z

ROOT = Path(__file__).resolve().parent.parent
S = sp.Sum(sp.exp(z[k]), (k, 1, n))


def softmax_sums_to_one() -> Derivation:
    return (
        Derivation("softmax_sums_to_one", sp.Sum(yhat[i], (i, 1, n)), title="Σ ŷ_i = 1")
        .step(sp.Sum(sp.exp(z[i]) / S, (i, 1, n)), "definition of softmax")
        .step(sp.Integer(1), "the denominator is the sum of the numerators")
    )


def test_a_true_chain_is_proved_in_general_form_and_for_every_size():
    rec = softmax_sums_to_one().check()
    assert (rec.n_steps, rec.n_general, rec.n_concrete) == (2, 2, 2)
    assert rec.steps[0].concrete == ("n=2", "n=3", "n=4", "n=5", "n=6")
    assert rec.relation == "=" and rec.only_concrete == ()


def test_a_wrong_step_fails_naming_the_step_and_its_residual():
    d = Derivation("half", sp.Sum(yhat[i], (i, 1, n))).step(sp.Rational(1, 2), "wrongly halved")
    with pytest.raises(sym.DerivationError, match=r"half: step 1 \('wrongly halved'\)"):
        d.check()
    failure = d.try_check()
    assert failure.step == 1 and failure.shown_residual == sp.Rational(-1, 2)


def test_a_step_needing_sum_y_one_fails_without_it_and_passes_with_it():
    grad = sp.Derivative(E, z[j])
    without = Derivation("g", grad, indices=[j]).step(yhat[j] - y[j], "differentiate")
    failure = without.try_check()
    assert failure is not None
    # the residual is in the book's symbols: no checker dummies (m_0), softmax folded into ŷ
    assert failure.shown_residual == yhat[j] * (1 - sp.Sum(y[i], (i, 1, n)))
    assert "m_{0}" not in failure.residual_latex()
    with_it = Derivation("g", grad, indices=[j]).step(
        yhat[j] - y[j], "differentiate", using=[sym.SUM_Y_IS_ONE]
    )
    assert with_it.check().steps[0].assumptions == ("Σ y_i = 1",)


def test_a_concrete_only_step_is_recorded_with_its_reason():
    d = Derivation("concrete_only", sp.Sum(yhat[i], (i, 1, n))).step(
        1, "sums to one", general="shown for n = 2..6 only, on purpose"
    )
    rec = d.check()
    assert rec.n_general == 0 and rec.n_concrete == 1
    assert rec.only_concrete == ((1, "shown for n = 2..6 only, on purpose"),)


def test_every_check_is_registered_and_collected():
    d = softmax_sums_to_one()
    with sym.collect() as (records, failures):
        rec = d.check()
        d.check()  # cached: collected once
        bad = Derivation("bad", sp.Sum(yhat[i], (i, 1, n))).step(2, "wrong").try_check()
    assert records == [rec] and failures == [bad]
    assert rec in sym.checked() and bad in sym.failed()


def test_rendering_puts_each_reason_on_its_own_line_under_the_chain():
    text = softmax_sums_to_one()._repr_markdown_()
    chain, reasons, status = text.split("\n\n")
    assert chain.startswith("$$\\begin{aligned}") and chain.endswith("\\end{aligned}$$")
    assert chain.count("&=") == 2 and "definition of softmax" not in chain
    assert reasons.splitlines() == [
        "1. definition of softmax",
        "2. the denominator is the sum of the numerators",
    ]
    assert status == "✓ 2 steps checked (general n, n = 2..6)"
    assert "&&" not in chain.replace(r"&& \text{(1)}", "").replace(r"&& \text{(2)}", "")


def test_a_wrong_derivation_is_never_rendered_as_right():
    d = Derivation("bad", sp.Sum(yhat[i], (i, 1, n))).step(2, "wrong")
    with pytest.raises(sym.DerivationError):
        d._repr_markdown_()
    shown = d.try_check()._repr_markdown_()
    assert r"&\neq 2" in shown and "✗ Step 1 (wrong)" in shown


def test_typeset_helpers_print_as_written_and_still_check():
    x = sp.Symbol("x", real=True)
    product = sym.ordered_product(-y[i] / yhat[i], sp.Derivative(yhat[i], z[j]))
    assert sym.latex(product) == (
        r"- \frac{y_{i}}{\hat{y}_{i}} \frac{\partial \hat{y}_{i}}{\partial z_{j}}"
    )
    assert sym.latex(yhat[j] * (1 - yhat[j])) == r"\hat{y}_{j} \left(1 - \hat{y}_{j}\right)"
    assert sym.latex(sp.Function("sigma")(x) - y[1]) == r"\sigma{\left(x \right)} - y_{1}"
    assert r"\left(\left(" not in sym.latex(yhat[i] * (x - sp.Sum(yhat[k], (k, 1, n))) ** 2)
    d = Derivation("written", x * (1 - x), sizes=()).step(sym.ordered_sum(x, -(x**2)), "expand")
    assert d.check().n_general == 1
    assert "x - x^{2}" in d.latex()


def _notebook(tmp_path: Path, cells: list[tuple[str, list[str]]]) -> Path:
    nb = {
        "cells": [
            {"cell_type": "code", "id": f"c{pos}", "metadata": {"tags": tags}, "source": src,
             "outputs": [], "execution_count": None}
            for pos, (src, tags) in enumerate(cells)
        ],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }  # fmt: skip
    path = tmp_path / "99-demo.ipynb"
    path.write_text(json.dumps(nb))
    return path


CELLS = [
    ("import sympy as sp\nfrom sce.symbolic import Derivation\nx = sp.Symbol('x')", ["derivation"]),
    ("raise RuntimeError('an untagged cell must not run')", []),
    ("d = Derivation('twice', 2 * x, sizes=()).step(x + x, 'twice')\nd", ["derivation"]),
    ("Derivation('bad', 2 * x, sizes=()).step(x, 'halved').check()",
     ["derivation", "raises-exception"]),
]  # fmt: skip


def test_run_chapter_derivations_runs_only_the_tagged_cells_in_a_fresh_namespace(tmp_path):
    chapter = sym.run_chapter_derivations(_notebook(tmp_path, CELLS))
    assert chapter.chapter == "99-demo" and chapter.cells == 3
    assert [r.name for r in chapter.records] == ["twice"]
    assert [f.derivation.name for f in chapter.failures] == ["bad"]


def test_run_chapter_derivations_fails_on_an_unexpected_wrong_step(tmp_path):
    cells = [*CELLS[:1], ("Derivation('bad', 2 * x, sizes=()).step(x, 'halved')", ["derivation"])]
    with pytest.raises(sym.DerivationError, match="step 1"):
        sym.run_chapter_derivations(_notebook(tmp_path, cells))


def test_check_derivations_script_prints_each_chapter_and_the_total(tmp_path):
    path = _notebook(tmp_path, CELLS)
    out = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "check_derivations.py"), str(path)],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    row = next(line for line in out.splitlines() if line.startswith("99-demo"))
    assert row.split()[1:5] == ["1", "1", "1", "1"]
    assert out.splitlines()[-1].startswith("total")


def test_record_list_lists_each_derivation_and_each_failure(tmp_path):
    chapter = sym.run_chapter_derivations(_notebook(tmp_path, CELLS))
    lines = sym.record_list([chapter]).splitlines()
    assert lines[0] == "**99-demo**"
    assert lines[2] == "1. **twice**: 1 step, exact"
    assert lines[3] == "2. **bad**: shown failing at step 1"


def test_equal_components_proves_the_if_direction_of_an_equality_case():
    c = sp.Symbol("c", real=True)
    mean = sp.Sum(yhat[k] * sym.v[k], (k, 1, n))
    d = (
        Derivation("constant_v", sym.v[i] - mean, indices=[i],
                   given=[sym.equal_components(sym.v, c)])
        .step(c - c * sp.Sum(yhat[k], (k, 1, n)), "every component is c")
        .step(0, "softmax sums to one")
    )  # fmt: skip
    assert d.check().n_general == 2
    without = Derivation("constant_v", sym.v[i] - mean, indices=[i]).step(0, "no reason")
    assert without.try_check() is not None
