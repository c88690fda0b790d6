"""Inequality steps: certificates, lemma side conditions, monotone functions, stated results."""

import pytest
import sympy as sp

import sce.symbolic as sym
from sce.symbolic import Derivation, i, k, n, v, y, yhat

x = sp.Symbol("x", real=True)
HALF = sp.Rational(1, 2)


def product_bound(centre: sp.Expr = HALF) -> Derivation:
    return Derivation("product_bound", x * (1 - x), sizes=()).step(
        sp.Rational(1, 4), "complete the square", rel="<=", by=sym.square(x - centre)
    )


def test_x_times_one_minus_x_is_at_most_a_quarter_with_equality_at_a_half():
    rec = product_bound().check()
    assert rec.relation == "≤" and rec.n_general == 1
    assert rec.equality == (r"x - \frac{1}{2} = 0",)
    assert "a square is non-negative, 0 only at 0" in rec.lemmas
    # the bound is right: SymPy's own maximum of x(1 - x) is 1/4, at x = 1/2
    assert sp.maximum(x * (1 - x), x) == sp.Rational(1, 4)


def test_a_certificate_that_does_not_match_the_gap_fails_with_its_residual():
    failure = product_bound(sp.Rational(1, 3)).try_check()
    assert failure is not None and failure.step == 1
    # gap − certificate = 1/4 − x(1 − x) − (x − 1/3)² = 5/36 − x/3 (expanded by hand)
    assert sp.expand(failure.shown_residual - (sp.Rational(5, 36) - x / 3)) == 0
    assert "✗ Step 1 (complete the square)" in failure._repr_markdown_()


def test_a_weight_not_known_to_be_nonnegative_fails_and_passes_once_assumed():
    gap = sp.Sum(y[i] * v[i] ** 2, (i, 1, n))
    bad = Derivation("weighted", gap).step(
        0, "weights times squares", rel=">=", by=sp.Sum(y[i] * sym.square(v[i]), (i, 1, n))
    )
    failure = bad.try_check()
    assert failure is not None and "y_{i}" in failure.problem
    assert "not known to be non-negative" in str(failure)
    good = Derivation("weighted", gap).step(
        0,
        "weights times squares",
        rel=">=",
        by=sp.Sum(y[i] * sym.square(v[i]), (i, 1, n)),
        using=[sym.nonnegative(y)],
    )
    rec = good.check()
    assert rec.equality == (r"v_{i} = 0\text{ where } y_{i} > 0\text{ for every } i",)


def test_a_negative_weight_fails():
    d = Derivation("neg", -(x**2), sizes=()).step(0, "wrong sign", rel=">=", by=-sym.square(x))
    assert "weight $-1$" in d.try_check().problem


def test_a_variance_is_nonnegative_with_equality_iff_every_term_is_zero():
    mean = sp.Sum(yhat[k] * v[k], (k, 1, n))
    d = (
        Derivation("variance", sp.Sum(yhat[i] * v[i] ** 2, (i, 1, n)) - mean**2)
        .step(sp.Sum(yhat[i] * (v[i] - mean) ** 2, (i, 1, n)), "a variance", using=[])
        .step(0, "weights ŷ_i > 0 times squares", rel=">=",
              by=sp.Sum(yhat[i] * sym.square(v[i] - mean), (i, 1, n)))
    )  # fmt: skip
    rec = d.check()
    assert rec.relation == "≥" and rec.n_general == 2 and rec.n_concrete == 2
    (cond,) = rec.equality
    assert cond.startswith("v_{i} - \\sum_{k=1}^{n}") and cond.endswith(r"\text{ for every } i")
    shown = d._repr_markdown_()
    assert r"&\ge 0" in shown and "equality iff" in shown


def test_log_is_at_most_x_minus_one_only_for_a_positive_argument():
    t = sp.Symbol("t", positive=True)
    ok = Derivation("log_bound", sp.log(t), sizes=()).step(
        t - 1, "log x ≤ x − 1", rel="<=", by=sym.log_gap(t)
    )
    assert ok.check().equality == ("t = 1",)
    bad = Derivation("log_bound", sp.log(x), sizes=()).step(
        x - 1, "log x ≤ x − 1", rel="<=", by=sym.log_gap(x)
    )
    assert "not known to be > 0" in bad.try_check().problem


def test_gibbs_inequality_for_general_n():
    kl = sp.Sum(y[i] * sp.log(y[i] / yhat[i]), (i, 1, n))
    d = (
        Derivation("gibbs", kl, given=[sym.positive(y)])
        .step(-sp.Sum(y[i] * sp.log(yhat[i] / y[i]), (i, 1, n)), "log(a/b) = −log(b/a)")
        .step(
            -sp.Sum(y[i] * (yhat[i] / y[i] - 1), (i, 1, n)),
            "log x ≤ x − 1 with x = ŷ_i / y_i, weights y_i > 0",
            rel=">=",
            by=sp.Sum(y[i] * sym.log_gap(yhat[i] / y[i]), (i, 1, n)),
        )
        .step(sp.Sum(y[i], (i, 1, n)) - sp.Sum(yhat[i], (i, 1, n)), "expand")
        .step(0, "both sum to one", using=[sym.SUM_Y_IS_ONE])
    )
    rec = d.check()
    assert rec.relation == "≥" and rec.n_general == rec.n_steps == 4
    assert rec.equality == (r"\frac{\hat{y}_{i}}{y_{i}} = 1\text{ for every } i",)


def test_strict_steps_need_a_positive_term():
    strict = Derivation("strict", x**2 + 1, sizes=()).step(x**2, "drop 1", rel=">", by=1)
    assert strict.check().relation == ">"
    not_strict = Derivation("strict", x**2, sizes=()).step(0, "a square", rel=">",
                                                           by=sym.square(x))  # fmt: skip
    assert "not strict" in not_strict.try_check().problem


def test_chains_mixing_equalities_and_bounds_have_the_right_relation():
    d = (
        Derivation("mixed", (x - 1) ** 2 + 1, sizes=())
        .step(x**2 - 2 * x + 2, "expand")
        .step(x**2 - 2 * x + 1, "drop 1", rel=">", by=1)
        .step((x - 1) ** 2, "factor")
    )
    assert d.relation == ">" and d.check().relation == ">"
    assert isinstance(d.equation(), sp.StrictGreaterThan)
    with pytest.raises(ValueError, match="mix"):
        d.step(x**2, "the other way", rel="<=", by=1)


def test_a_monotone_function_carries_a_bound_through():
    inner = product_bound()
    d = Derivation("exp_bound", sp.exp(x * (1 - x)), sizes=()).step(
        sp.exp(sp.Rational(1, 4)), "exp is increasing", rel="<=",
        by=sym.Monotone(sp.exp, inner, "real", "exp is increasing"),
    )  # fmt: skip
    rec = d.check()
    assert rec.relation == "≤" and rec.steps[0].lemmas == ("exp is increasing",)
    flipped = Derivation("neg_bound", -x * (1 - x), sizes=()).step(
        -sp.Rational(1, 4), "negation is decreasing", rel=">=",
        by=sym.Monotone(lambda a: -a, inner, "real", "negation is decreasing"),
    )  # fmt: skip
    assert flipped.check().relation == "≥"
    wrong = Derivation("square_bound", (x * (1 - x)) ** 2, sizes=()).step(
        sp.Rational(1, 16), "squares are increasing (they are not)", rel="<=",
        by=sym.Monotone(lambda a: a**2, inner, "real", "squaring"),
    )  # fmt: skip
    assert "not known to be monotone" in wrong.try_check().problem


def test_a_stated_result_is_recorded_as_stated_not_proved():
    lam = sp.Symbol("lambda", real=True)
    d = Derivation("gershgorin", lam, sizes=()).step(
        x, "every eigenvalue lies in a Gershgorin disc", rel="<=",
        by=sym.Stated("Gershgorin's circle theorem", "Horn & Johnson, Matrix Analysis, 6.1.1"),
    )  # fmt: skip
    rec = d.check()
    assert rec.n_stated == 1 and rec.n_general == 0
    assert rec.lemmas == (
        "stated: Gershgorin's circle theorem (Horn & Johnson, Matrix Analysis, 6.1.1)",
    )
    assert "1 stated" in rec.forms()


def test_iff_steps_rearrange_or_divide_by_a_nonzero_factor():
    mean = sp.Sum(yhat[k] * v[k], (k, 1, n))
    d = (
        Derivation("zero_term", sp.Eq(yhat[i] * (v[i] - mean) ** 2, 0), indices=[i])
        .step(sp.Eq(v[i] - mean, 0), r"$\hat y_i > 0$; a square is 0 only at 0", rel="iff",
              by=sym.Factor(yhat[i], 2))
        .step(sp.Eq(v[i], mean), "rearrange", rel="iff")
    )  # fmt: skip
    rec = d.check()
    assert rec.relation == "⟺" and rec.n_general == 2 and rec.n_concrete == 2
    assert r"&\iff v_{i} = \sum_{k=1}^{n}" in d.latex()
    scaled = Derivation("scaled", sp.Eq(2 * x, 2), sizes=()).step(
        sp.Eq(x, 1), "divide by 2", rel="iff", by=sym.Factor(2)
    )
    assert scaled.check().relation == "⟺"


def test_a_wrong_iff_step_fails():
    squared = Derivation("squared", sp.Eq(x**2, 1), sizes=()).step(
        sp.Eq(x, 1), "take the square root (loses x = -1)", rel="iff"
    )
    assert squared.try_check().step == 1
    unknown = Derivation("unknown", sp.Eq(y[i] * v[i], 0), indices=[i]).step(
        sp.Eq(v[i], 0), "divide by y_i", rel="iff", by=sym.Factor(y[i])
    )
    assert "not known to be nonzero" in unknown.try_check().problem
    with pytest.raises(ValueError, match="iff"):
        Derivation("mixed", sp.Eq(x, 1), sizes=()).step(sp.Eq(x - 1, 0), "", rel="iff").step(
            0, "", rel=">=", by=1
        )


def test_a_nonnegative_term_without_a_lemma_adds_its_zero_to_the_equality_case():
    # x ≤ x + (x − 1)² + x(1 − x) on [0, 1]: equality needs x = 1 AND x(1 − x) = 0; an equality
    # case that named only the square would claim too much.
    import sympy as sp

    from sce.symbolic import Derivation, nonnegative, square

    x = sp.Symbol("x", real=True)
    d = Derivation("grow", x, sizes=(), given=[nonnegative(x, 1 - x)]).step(
        x + (x - 1) ** 2 + x * (1 - x),
        "add non-negative terms",
        rel="<=",
        by=square(x - 1) + x * (1 - x),
    )
    equality = d.check().equality
    assert len(equality) == 2 and any("= 0" in c and "1 - x" in c for c in equality)
