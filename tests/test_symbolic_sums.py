"""Nested and multi-limit sums in the general-form zero test (small derivations of its own).

Σ_s Σ_c ... is one SymPy Sum with two limits; each limit must keep its own index, the
sum-to-one assumption must reach the inner sum of it, and a wrong double-sum step must still be
rejected in general form (``sizes=()``: no concrete size to fall back on).
"""

import pytest
import sympy as sp

import sce.symbolic as sym
from sce.symbolic import Derivation, indexed_base, sum_to_one
from sce.symbolic.sums import _normalize_sums

N, C, D = sp.symbols("N C D", integer=True, positive=True)
s, c, d, a, b = sp.symbols("s c d a b", integer=True, positive=True)
A, X, Y, Zl = (indexed_base(name, real=True) for name in ("A", "X", "Y", "Z"))
P = indexed_base("P", positive=True)
ROWS = sum_to_one(Y, C, rows=N, name="Σ_c Y_sc = 1")
# P_sc = softmax of the row Z_s
SOFTMAX_ROWS = {P: lambda r, k: sp.exp(Zl[r, k]) / sp.Sum(sp.exp(Zl[r, a]), (a, 1, C))}


def double(f, inner, outer):
    return sp.Sum(sp.Sum(f, inner), outer)


def general_only(name, lhs, **kw):
    """A derivation proved in general form only: a step the zero test cannot do fails."""
    return Derivation(name, lhs, sizes=(), general_form="general N, C", **kw)


def test_the_two_indices_of_a_double_sum_stay_distinct():
    out = _normalize_sums(double(X[s, d] * P[s, c], (s, 1, N), (c, 1, C)))
    (total,) = out.atoms(sp.Sum)
    assert len(total.limits) == 2
    assert len(set(total.variables)) == 2
    ((x_idx, p_idx),) = [(e.indices[0], e.indices) for e in total.function.atoms(sp.Indexed)
                         if e.base == X]  # fmt: skip
    assert x_idx == p_idx[0]  # X and P share the sample index ...
    p = next(e for e in total.function.atoms(sp.Indexed) if e.base == P)
    assert p.indices[0] != p.indices[1]  # ... and P's class index is another one


def test_a_transposed_double_sum_is_not_equal_in_general_form():
    # Σ_c Σ_s A_sc vs Σ_c Σ_s A_cs: different sums when N ≠ C. With both indices named alike
    # both became Σ A_mm, and the wrong step below was "proved" in general form.
    left = double(A[s, c], (s, 1, N), (c, 1, C))
    right = double(A[c, s], (s, 1, N), (c, 1, C))
    assert _normalize_sums(left) != _normalize_sums(right)
    wrong = general_only("transposed", left).step(right, "swap the indices (wrong)")
    with pytest.raises(sym.DerivationError, match="transposed: step 1"):
        wrong.check()


def test_a_wrong_double_sum_step_is_rejected_for_concrete_sizes_too():
    left = double(A[s, c], (s, 1, N), (c, 1, C))
    wrong = Derivation("transposed_sizes", left, sizes=[{N: 2, C: 3}]).step(
        double(A[c, s], (s, 1, N), (c, 1, C)), "swap the indices (wrong)"
    )
    failure = wrong.try_check()
    assert failure is not None and failure.step == 1


def test_sum_to_one_reaches_the_inner_sum_of_a_multi_limit_sum():
    total = double(Y[s, c], (c, 1, C), (s, 1, N))  # one Sum with two limits
    assert len(total.limits) == 2
    assert ROWS.general(total) == N
    assert ROWS.general(double(Y[s, c], (s, 1, N), (c, 1, C))) == N  # either nesting order
    rec = general_only("rows_total", total, given=[ROWS]).step(N, "each row sums to one").check()
    assert rec.n_general == 1


def test_sum_to_one_never_applies_to_a_sum_over_another_index():
    assert ROWS.general(sp.Sum(Y[c, c], (c, 1, C))) == sp.Sum(Y[c, c], (c, 1, C))
    column = double(Y[c, s], (c, 1, C), (s, 1, N))  # sums over the row index: not a row sum
    assert ROWS.general(column) == column
    wrong = general_only("columns", column, given=[ROWS]).step(N, "each row sums to one")
    with pytest.raises(sym.DerivationError, match="columns: step 1"):
        wrong.check()


def test_the_row_sums_of_x_transpose_p_minus_y_vanish_in_general_form():
    lhs = double(X[s, d] * (P[s, c] - Y[s, c]), (s, 1, N), (c, 1, C))
    rec = (
        general_only("rows_vanish", lhs, definitions=SOFTMAX_ROWS, given=[ROWS])
        .step(
            sp.Sum(X[s, d] * (sp.Sum(P[s, c], (c, 1, C)) - sp.Sum(Y[s, c], (c, 1, C))), (s, 1, N)),
            "sum over c first",
        )
        .step(0, "softmax rows and label rows sum to one")
        .check()
    )
    assert rec.n_general == 2


def test_swapping_two_sums_proves_a_total_of_probabilities():
    # Σ_c Σ_s P_sc: the inner sum is over the samples; only Σ_s Σ_c P_sc = Σ_s 1 simplifies.
    lhs = double(P[s, c], (s, 1, N), (c, 1, C))
    rec = general_only("total", lhs, definitions=SOFTMAX_ROWS).step(N, "rows sum to one").check()
    assert rec.n_general == 1
    wrong = general_only("total_wrong", lhs, definitions=SOFTMAX_ROWS).step(C, "(wrong)")
    with pytest.raises(sym.DerivationError, match="total_wrong: step 1"):
        wrong.check()


def test_a_delta_summed_out_inside_a_double_sum_needs_no_range_condition():
    # Σ_j Σ_k v_j ŷ_j (δ_jk − ŷ_k) v_k = Σ_j ŷ_j v_j² − (Σ_j ŷ_j v_j)²: summing out δ_jk
    # leaves "j ≤ n", which the range of j implies.
    from sce.symbolic import j, k, v, yhat

    form = double(v[j] * yhat[j] * (sp.KroneckerDelta(j, k) - yhat[k]) * v[k], (k, 1, sym.n),
                  (j, 1, sym.n))  # fmt: skip
    variance = (
        sp.Sum(yhat[j] * v[j] ** 2, (j, 1, sym.n)) - sp.Sum(yhat[j] * v[j], (j, 1, sym.n)) ** 2
    )
    rec = Derivation("variance", form, sizes=()).step(variance, "δ picks k = j").check()
    assert rec.n_general == 1
    wrong = Derivation("variance_wrong", form, sizes=()).step(
        sp.Sum(yhat[j] * v[j] ** 2, (j, 1, sym.n)), "drop the square of the mean (wrong)"
    )
    assert wrong.try_check() is not None


def test_normalising_twice_gives_the_same_form():
    e = double(X[s, d] * P[s, c], (s, 1, N), (c, 1, C)) + sp.Sum(
        sp.exp(sp.Sum(A[b, s], (b, 1, D))), (s, 1, N)
    )
    once = _normalize_sums(e)
    assert _normalize_sums(once) == once
    assert _normalize_sums(e.xreplace({s: a, c: b})) == once  # independent of the index names


def test_a_free_index_lies_in_its_range_after_a_delta_is_summed_out():
    x = indexed_base("x", real=True)
    r = sp.Symbol("r", integer=True, positive=True)
    lhs = sp.Derivative(sp.Sum(x[s] ** 2, (s, 1, N)), x[r])
    rec = Derivation("square_sum", lhs, indices={r: N}, sizes=()).step(2 * x[r], "δ_sr").check()
    assert rec.n_general == 1
    wrong = Derivation("square_sum_wrong", lhs, indices={r: N}, sizes=()).step(x[r], "(wrong)")
    assert wrong.try_check() is not None


def test_an_exponential_of_minus_a_sum_cancels_the_product_of_exponentials():
    lhs = sp.exp(sp.Symbol("t", real=True) - sp.Sum(A[b, 1], (b, 1, D))) * sp.Product(
        sp.exp(A[a, 1]), (a, 1, D)
    )
    t = sp.Symbol("t", real=True)
    rec = Derivation("exp_minus_sum", lhs, sizes=()).step(sp.exp(t), "e^{-Σ} Π e = 1").check()
    assert rec.n_general == 1
    wrong = Derivation("exp_minus_sum_wrong", lhs, sizes=()).step(sp.exp(2 * t), "(wrong)")
    assert wrong.try_check() is not None


def test_equal_components_takes_the_concrete_size_in_its_value():
    # ℓ_s = log n for every s, so the mean over N samples is log n: for n = 3 the value is log 3
    ell0 = indexed_base("l", real=True)
    every = sym.equal_components(ell0, sp.log(sym.n))
    assert every.concrete(ell0[1] + ell0[2], {N: 2, sym.n: 3}) == 2 * sp.log(3)
    mean = sp.Sum(ell0[s], (s, 1, N)) / N
    sizes = [{N: 2, sym.n: 3}]
    rec = (
        Derivation("mean_log_n", mean, sizes=sizes, given=[every])
        .step(sp.log(sym.n), "N equal terms")
        .check()
    )
    assert rec.n_general == 1 and rec.n_concrete == 1
    wrong = Derivation("mean_log_n_wrong", mean, sizes=sizes, given=[every])
    assert wrong.step(sp.log(sym.n + 1), "(wrong)").try_check() is not None
