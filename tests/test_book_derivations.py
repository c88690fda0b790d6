"""The book's transitional derivations (sce.symbolic._book), one identity per test.

Deleted together with ``sce/symbolic/_book.py`` once every chapter writes its own derivations.
"""

import pytest
import sympy as sp

import sce.symbolic as sym
from sce.symbolic import E, i, j, k, n, y, yhat, z


@pytest.fixture(scope="module")
def records() -> dict[str, sym.CheckRecord]:
    """Check every derivation of the book once (the derivations are cached objects)."""
    return sym.check_all()


def _proved(records: dict, name: str, result: sp.Basic | None = None) -> sym.Derivation:
    d = sym.all_derivations()[name]
    rec = records[name]
    assert rec.n_steps == len(d.steps) > 0
    if d.sizes:  # every step proved for every concrete size
        assert rec.n_concrete == rec.n_steps
    else:  # a scalar identity: every step proved exactly
        assert rec.n_general == rec.n_steps
    if result is not None:
        assert d.result == result
    return d


def test_every_derivation_of_the_book_checks_in_every_form(records):
    # The check time is reported by `sym.summary()` (closing notes), never asserted: no timed tests.
    assert set(records) == set(sym.all_derivations())
    for name, rec in records.items():
        d = sym.all_derivations()[name]
        assert rec.n_steps == len(d.steps) > 0, name
        assert (rec.n_concrete if d.sizes else rec.n_general) == rec.n_steps, name


def test_softmax_shift_invariance(records):
    d = _proved(records, "softmax_shift_invariance", yhat[i])
    assert records["softmax_shift_invariance"].n_general == len(d.steps)


def test_softmax_jacobian_diagonal(records):
    _proved(records, "softmax_jacobian_diagonal", yhat[j] * (1 - yhat[j]))


def test_softmax_jacobian_off_diagonal(records):
    d = _proved(records, "softmax_jacobian_off_diagonal", -yhat[i] * yhat[j])
    assert [a.name for a in d.given] == ["i ≠ j"]


def test_softmax_jacobian(records):
    d = _proved(records, "softmax_jacobian", sym.jacobian_n(i, j))
    assert records["softmax_jacobian"].n_general == len(d.steps)


def test_softmax_jacobian_matrix(records):
    _proved(records, "softmax_jacobian_matrix")


def test_softmax_jacobian_symmetric(records):
    _proved(records, "softmax_jacobian_symmetric", sp.Derivative(yhat[j], z[i]))


def test_softmax_jacobian_rows_sum_to_zero(records):
    _proved(records, "softmax_jacobian_rows_sum_to_zero", sp.Integer(0))


def test_softmax_jacobian_null_space(records):
    _proved(records, "softmax_jacobian_null_space", sp.ZeroMatrix(n, 1))


def test_softmax_jacobian_psd(records):
    mean = sp.Sum(yhat[k] * sym.v[k], (k, 1, n))
    _proved(records, "softmax_jacobian_psd", sp.Sum(yhat[i] * (sym.v[i] - mean) ** 2, (i, 1, n)))


def test_cross_entropy_gradient(records):
    d = _proved(records, "cross_entropy_gradient", yhat[j] - y[j])
    # only the last step uses Σ y_i = 1, and it says so
    assert d.steps[-2].expr == sym.gradient_n(False)
    assert [a.name for a in d.steps[-1].using] == ["Σ y_i = 1"]
    assert all(not s.using for s in d.steps[:-1])


def test_cross_entropy_gradient_direct(records):
    _proved(records, "cross_entropy_gradient_direct", sym.gradient_n(False))


def test_cross_entropy_hessian(records):
    _proved(records, "cross_entropy_hessian", sym.hessian_n(True))


def test_cross_entropy_hessian_matrix(records):
    _proved(records, "cross_entropy_hessian_matrix")


def test_temperature_gradient(records):
    _proved(records, "temperature_gradient", (sym.yhat_t[j] - y[j]) / sym.T)


def test_sigmoid_as_softmax(records):
    _proved(records, "sigmoid_as_softmax", sym.softmax_1(sym.x, 0))


def test_sigmoid_derivative(records):
    s = sym.sigma(sym.x)
    _proved(records, "sigmoid_derivative", s * (1 - s))


def test_binary_cross_entropy_gradient(records):
    _proved(records, "binary_cross_entropy_gradient", sym.sigma(sym.x) - sym.y_b)


def test_binary_cross_entropy_second_derivative(records):
    s = sym.sigma(sym.x)
    _proved(records, "binary_cross_entropy_second_derivative", s * (1 - s))


def test_binary_cross_entropy_stable_form(records):
    d = _proved(records, "binary_cross_entropy_stable_form")
    assert [c.name for c in d.steps[-1].cases] == ["x > 0", "x < 0", "x = 0"]


def test_linear_layer_gradient_w(records):
    _proved(records, "linear_layer_gradient_w")


def test_linear_layer_gradient_b(records):
    _proved(records, "linear_layer_gradient_b")


def test_gradient_general_n_without_assumption_is_sum_y_times_yhat_minus_y():
    d = sym.Derivation("g", sp.Derivative(E, z[j]), indices=[j])
    d.step(sp.Sum(y[i], (i, 1, n)) * yhat[j] - y[j], "differentiate")
    rec = d.check()
    assert rec.steps[0].general is not None  # proved for general n, not only n = 2..6
    assert rec.n_concrete == 1


def test_gradient_general_n_with_sum_y_one_is_yhat_minus_y():
    d = sym.Derivation("g", sp.Derivative(E, z[j]), indices=[j])
    d.step(yhat[j] - y[j], "differentiate", using=[sym.SUM_Y_IS_ONE])
    rec = d.check()
    assert rec.steps[0].general is not None
    assert rec.steps[0].assumptions == ("Σ y_i = 1",)


def test_gradient_yhat_minus_y_fails_without_sum_y_one():
    d = sym.Derivation("g", sp.Derivative(E, z[j]), indices=[j])
    d.step(yhat[j] - y[j], "differentiate")
    with pytest.raises(sym.DerivationError, match=r"step 1 \('differentiate'\)"):
        d.check()


def test_wrong_jacobian_diagonal_only_fails_at_step_2():
    d = sym.wrong_jacobian_diagonal_only()
    with pytest.raises(sym.DerivationError) as err:
        d.check()
    msg = str(err.value)
    assert "step 2 ('the diagonal entry used for every entry')" in msg
    assert "residual" in msg
    assert err.value.failure.step == 2
    assert err.value.failure.residual != 0


def test_wrong_gradient_drops_sum_to_one_fails_at_last_step():
    d = sym.wrong_gradient_drops_sum_to_one()
    failure = d.try_check()
    assert failure is not None
    assert (failure.step, failure.why) == (len(d.steps), "Y is one-hot (assumption dropped)")
    assert f"step {len(d.steps)} ('Y is one-hot (assumption dropped)')" in str(failure)
    assert r"\neq" in failure.latex()


def test_wrong_derivation_is_never_rendered_as_correct():
    with pytest.raises(sym.DerivationError):
        sym.wrong_jacobian_diagonal_only()._repr_markdown_()


def test_wrong_gradient_residual_is_in_the_books_symbols():
    failure = sym.wrong_gradient_drops_sum_to_one().try_check()
    assert failure.shown_residual == yhat[j] * (1 - sp.Sum(y[i], (i, 1, n)))
    assert "m_{0}" not in failure.residual_latex()


def test_equation_latex_has_no_delimiters(records):
    eq = sym.equation_latex(sym.softmax_jacobian())
    assert "$" not in eq and "=" in eq


def test_summary_counts_steps(records):
    text = sym.summary()
    steps = sum(len(d.steps) for d in sym.all_derivations().values())
    assert text.startswith(f"{steps} steps in {len(sym.all_derivations())} derivations")


def test_concrete_jacobian_equals_diag_minus_outer_product():
    zs, _ = sym.concrete_symbols(3)
    p = sym.softmax(zs)
    assert sp.cancel(sym.jacobian(zs) - (sp.diag(*p) - p * p.T)) == sp.zeros(3, 3)


def test_post_gradient_route_reaches_yhat_minus_y(records):
    d = _proved(records, "post_gradient", yhat[j] - y[j])
    assert records["post_gradient"].n_general == len(d.steps)
    assert d.steps[-1].using == (sym.SUM_Y_IS_ONE,)


def test_post_comparison_sets_one_quoted_line_beside_each_step():
    comparison = sym.post_comparison()
    rows = comparison.rows()
    assert len(rows) == len(sym.post_gradient().steps) == len(sym.POST_GRADIENT_LINES)
    table = comparison._repr_markdown_()
    assert table.startswith(":::{admonition}") and table.endswith(":::")
    assert "one hot" in rows[7][0]


def test_post_index_mixup_yhat_t_yhat_t_fails_at_that_step():
    """The post's ŷ_t ŷ_t under the sum over i ≠ j, read as ŷ_j ŷ_j, is not the Jacobian term."""
    good = sym.post_gradient()
    wrong = sym.Derivation("post_mixup", good.lhs, indices=[j])
    for step in good.steps[:3]:
        wrong.step(step.expr, step.why)
    others = sp.Sum(
        (1 - sp.KroneckerDelta(i, j)) * (-y[j] / yhat[j]) * (-yhat[j] * yhat[j]), (i, 1, n)
    )
    wrong.step(-y[j] / yhat[j] * yhat[j] * (1 - yhat[j]) + others, "the post's y_t, ŷ_t ŷ_t")
    failure = wrong.try_check()
    assert failure is not None and failure.step == 4
    with pytest.raises(sym.DerivationError, match=r"step 4 .*the post's y_t"):
        wrong.check()


def test_label_smoothing_margin_gradient_is_p_true_minus_smoothed_label(records):
    d = _proved(records, "label_smoothing_margin", sym.p_true - sym.smoothed_true)
    (optimum,) = sp.solve(sp.Eq(d.result, 0), sym.margin)
    # the optimum is finite for 0 < ε < 1 and grows without bound as ε → 0
    assert sp.limit(optimum, sym.epsilon, 0, "+") == sp.oo
    value = optimum.subs({sym.n_classes: 3, sym.epsilon: sp.Rational(1, 10)})
    assert sp.simplify(value - sp.log(28)) == 0
