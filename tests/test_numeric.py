"""Semantics of sce.numeric: PyTorch's meanings, masks, dtypes, bad input, memory.

PyTorch is not a dependency: its documented formulas are written out here as plain loops in
mpmath (or in exact fractions), and sce must agree with them.
"""

from __future__ import annotations

import tracemalloc

import mpmath
import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

import sce

RNG = np.random.default_rng(2024)


def mp_log_softmax(row) -> list:
    with mpmath.workdps(40):
        zs = [mpmath.mpf(float(v)) for v in row]
        lse = mpmath.log(mpmath.fsum(mpmath.exp(v) for v in zs))
        return [v - lse for v in zs]


def torch_reference(logits, target, weight=None, ignore_index=-100, reduction="mean", eps=0.0):
    """torch.nn.functional.cross_entropy as documented, for (N, C) logits, in mpmath.

    Index targets: l_n = -w_{y_n} log p_{n,y_n} (smoothing: (1-eps) l_n + eps/C * sum_c
    -w_c log p_{n,c}), ignored samples 0; "mean" divides by sum of w_{y_n} over non-ignored
    samples. Probability targets: l_n = -sum_c w_c t'_{n,c} log p_{n,c} with
    t' = (1-eps) t + eps/C; "mean" divides by N.
    """
    logits = np.asarray(logits, np.float64)
    N, C = logits.shape
    w = [1.0] * C if weight is None else [float(v) for v in weight]
    target = np.asarray(target)
    with mpmath.workdps(40):
        losses, denom = [], mpmath.mpf(0)
        for n in range(N):
            lp = mp_log_softmax(logits[n])
            if target.ndim == 1:
                y = int(target[n])
                if y == ignore_index:
                    losses.append(mpmath.mpf(0))
                    continue
                nll = -w[y] * lp[y]
                smooth = -mpmath.fsum(w[c] * lp[c] for c in range(C))
                losses.append((1 - mpmath.mpf(eps)) * nll + mpmath.mpf(eps) / C * smooth)
                denom += w[y]
            else:
                t = [
                    (1 - mpmath.mpf(eps)) * float(target[n, c]) + mpmath.mpf(eps) / C
                    for c in range(C)
                ]
                losses.append(-mpmath.fsum(w[c] * t[c] * lp[c] for c in range(C)))
                denom += 1
        if reduction == "none":
            return np.array([float(v) for v in losses])
        total = mpmath.fsum(losses)
        return float(total / denom) if reduction == "mean" else float(total)


# ------------------------------------------------------------------------------------------
# PyTorch semantics
# ------------------------------------------------------------------------------------------
def test_hand_computed_two_class_example():
    # softmax([0, 0]) = [1/2, 1/2]: loss log 2, gradient p - onehot.
    loss, grad = sce.cross_entropy_and_grad([[0.0, 0.0]], [1])
    assert loss == pytest.approx(np.log(2), rel=1e-15)
    assert_array_equal(grad, [[0.5, -0.5]])


def test_unweighted_mean_matches_pytorch_formula():
    z = RNG.normal(size=(6, 5))
    y = RNG.integers(0, 5, 6)
    assert sce.cross_entropy(z, y) == pytest.approx(torch_reference(z, y), rel=1e-14)


def test_weighted_mean_divides_by_sum_of_target_weights():
    z = RNG.normal(size=(6, 4))
    y = np.array([0, 1, 1, 3, 2, 0])
    w = np.array([0.2, 1.0, 3.0, 0.5])
    got = sce.cross_entropy(z, y, weight=w)
    assert got == pytest.approx(torch_reference(z, y, weight=w), rel=1e-14)


def test_ignore_index_drops_samples_from_sum_and_count():
    z = RNG.normal(size=(5, 3))
    y = np.array([0, -100, 2, -100, 1])
    assert sce.cross_entropy(z, y) == pytest.approx(torch_reference(z, y), rel=1e-14)
    assert_array_equal(sce.cross_entropy(z, y, reduction="none")[[1, 3]], [0.0, 0.0])


def test_ignore_index_may_be_a_valid_class():
    z = RNG.normal(size=(4, 3))
    y = np.array([0, 1, 2, 1])
    got = sce.cross_entropy(z, y, ignore_index=1)
    assert got == pytest.approx(torch_reference(z, y, ignore_index=1), rel=1e-14)


def test_ignored_samples_have_zero_gradient():
    z = RNG.normal(size=(3, 4))
    grad = sce.cross_entropy_grad(z, [1, -100, 2])
    assert_array_equal(grad[1], 0.0)


def test_weighted_label_smoothing_mean_matches_pytorch_formula():
    z = RNG.normal(size=(5, 4))
    y = np.array([0, 3, -100, 2, 1])
    w = np.array([1.0, 0.5, 2.0, 0.25])
    got = sce.cross_entropy(z, y, weight=w, label_smoothing=0.2)
    assert got == pytest.approx(torch_reference(z, y, weight=w, eps=0.2), rel=1e-14)


def test_label_smoothing_per_sample_losses_match_pytorch_formula():
    z = RNG.normal(size=(4, 6))
    y = np.array([5, 0, 2, 2])
    got = sce.cross_entropy(z, y, reduction="none", label_smoothing=0.3)
    assert_allclose(got, torch_reference(z, y, reduction="none", eps=0.3), rtol=1e-14)


def test_probability_targets_mean_divides_by_batch_size():
    z = RNG.normal(size=(4, 3))
    t = RNG.dirichlet(np.ones(3), size=4)
    w = np.array([0.5, 1.0, 2.0])
    got = sce.cross_entropy(z, t, weight=w)
    assert got == pytest.approx(torch_reference(z, t, weight=w), rel=1e-14)


def test_probability_targets_with_smoothing_match_pytorch_formula():
    z = RNG.normal(size=(3, 5))
    t = RNG.dirichlet(np.ones(5), size=3)
    got = sce.cross_entropy(z, t, reduction="sum", label_smoothing=0.1)
    assert got == pytest.approx(torch_reference(z, t, reduction="sum", eps=0.1), rel=1e-14)


def test_probability_targets_ignore_ignore_index():
    z = RNG.normal(size=(2, 3))
    t = np.array([[0.0, 1.0, 0.0], [0.5, 0.5, 0.0]])
    assert sce.cross_entropy(z, t, ignore_index=1) == sce.cross_entropy(z, t)


def test_one_hot_probability_target_equals_index_target():
    z = RNG.normal(size=(4, 5))
    y = np.array([4, 0, 2, 2])
    assert_allclose(sce.cross_entropy(z, sce.one_hot(y, 5)), sce.cross_entropy(z, y), rtol=1e-15)
    assert_allclose(
        sce.cross_entropy_grad(z, sce.one_hot(y, 5)), sce.cross_entropy_grad(z, y), rtol=1e-15
    )


def test_sum_reduction_is_sum_of_none():
    z = RNG.normal(size=(5, 4))
    y = RNG.integers(0, 4, 5)
    per = sce.cross_entropy(z, y, reduction="none")
    assert sce.cross_entropy(z, y, reduction="sum") == pytest.approx(per.sum(), rel=1e-15)


def test_grad_of_none_is_grad_of_sum():
    z = RNG.normal(size=(5, 4))
    y = RNG.integers(0, 4, 5)
    assert_array_equal(
        sce.cross_entropy_grad(z, y, reduction="none"),
        sce.cross_entropy_grad(z, y, reduction="sum"),
    )


def test_class_axis_1_like_pytorch_spatial_input():
    z = RNG.normal(size=(2, 4, 3, 5))  # (N, C, d1, d2)
    y = RNG.integers(0, 4, (2, 3, 5))
    moved = np.moveaxis(z, 1, -1).reshape(-1, 4)
    loss, grad = sce.cross_entropy_and_grad(z, y, axis=1, reduction="none")
    assert loss.shape == (2, 3, 5)
    assert_allclose(loss.reshape(-1), sce.cross_entropy(moved, y.reshape(-1), reduction="none"))
    assert grad.shape == z.shape
    g_ref = sce.cross_entropy_grad(moved, y.reshape(-1), reduction="none")
    assert_allclose(np.moveaxis(grad, 1, -1).reshape(-1, 4), g_ref)


def test_unbatched_logits_give_scalar_loss():
    loss = sce.cross_entropy([1.0, 2.0, 3.0], 2)
    assert isinstance(loss, np.float64)
    assert loss == pytest.approx(-mp_log_softmax([1, 2, 3])[2], rel=1e-15)
    assert sce.cross_entropy([1.0, 2.0, 3.0], 2, reduction="none").shape == ()


def test_reduced_loss_is_numpy_scalar_of_logits_dtype():
    z = RNG.normal(size=(3, 4)).astype(np.float32)
    for reduction in ("mean", "sum"):
        assert type(sce.cross_entropy(z, [0, 1, 2], reduction=reduction)) is np.float32


def test_sum_over_empty_batch_is_zero():
    assert sce.cross_entropy(np.zeros((0, 3)), np.zeros(0, int), reduction="sum") == 0
    assert sce.cross_entropy(np.zeros((0, 3)), np.zeros(0, int), reduction="none").shape == (0,)


def test_binary_cross_entropy_matches_pytorch_formula():
    x = np.array([[-3.0, 0.5, 40.0], [2.0, -0.1, -50.0]])
    y = np.array([[0.0, 1.0, 1.0], [0.3, 0.0, 1.0]])
    w = np.array([[1.0], [2.0]])
    pw = np.array([1.0, 3.0, 0.5])
    got = sce.binary_cross_entropy_with_logits(x, y, weight=w, pos_weight=pw, reduction="none")
    with mpmath.workdps(40):
        for i in range(2):
            for j in range(3):
                s = 1 / (1 + mpmath.exp(-mpmath.mpf(x[i, j])))
                ref = -w[i, 0] * (
                    pw[j] * y[i, j] * mpmath.log(s) + (1 - y[i, j]) * mpmath.log(1 - s)
                )
                assert float(got[i, j]) == pytest.approx(float(ref), rel=1e-14)
    mean = sce.binary_cross_entropy_with_logits(x, y, weight=w, pos_weight=pw)
    assert mean == pytest.approx(got.mean(), rel=1e-15)


def test_sigmoid_matches_mpmath_without_overflow():
    x = np.array([-745.0, -40.0, -1.0, 0.0, 1.0, 40.0, 745.0])
    got = sce.sigmoid(x)
    with mpmath.workdps(40):
        ref = [float(1 / (1 + mpmath.exp(-mpmath.mpf(v)))) for v in x]
    assert_allclose(got, ref, rtol=4e-16, atol=0)


def test_one_hot_and_smooth_labels():
    assert_array_equal(sce.one_hot([1, 0], 3), [[0, 1, 0], [1, 0, 0]])
    assert sce.one_hot([1], 2, dtype=np.float32).dtype == np.float32
    assert_allclose(sce.smooth_labels([1], 0.3, num_classes=3), [[0.1, 0.8, 0.1]])
    assert_allclose(sce.smooth_labels(np.array([[0.0, 1.0]]), 0.5), [[0.25, 0.75]])


def test_smoothed_probability_target_equals_label_smoothing():
    z = RNG.normal(size=(3, 4))
    y = np.array([0, 3, 1])
    a = sce.cross_entropy(z, sce.smooth_labels(y, 0.2, num_classes=4))
    assert a == pytest.approx(sce.cross_entropy(z, y, label_smoothing=0.2), rel=1e-14)


def test_softmax_temperature_divides_logits():
    z = np.array([1.0, 2.0, 4.0])
    assert_allclose(sce.softmax(z, temperature=2.0), sce.softmax(z / 2.0), rtol=1e-15)


def test_softmax_jacobian_matches_diag_minus_outer():
    z = RNG.normal(size=(2, 4))
    p = sce.softmax(z)
    ref = np.stack([np.diag(q) - np.outer(q, q) for q in p])
    assert_allclose(sce.softmax_jacobian(z), ref, rtol=1e-13, atol=1e-17)


def test_hessian_scales_with_target_mass():
    z = RNG.normal(size=(2, 3))
    t = np.array([[0.5, 0.25, 0.25], [1.0, 1.0, 0.0]])  # weighted: masses 1 and 2
    h = sce.cross_entropy_hessian(z, t)
    j = sce.softmax_jacobian(z)
    assert_allclose(h[0], j[0], rtol=1e-15)
    assert_allclose(h[1], 2 * j[1], rtol=1e-15)
    assert_array_equal(sce.cross_entropy_hessian(z), j)
    assert_array_equal(sce.cross_entropy_hessian(z, [0, 2]), j)


# ------------------------------------------------------------------------------------------
# Masks: -inf logits
# ------------------------------------------------------------------------------------------
def test_masked_class_has_probability_exactly_zero():
    p = sce.softmax([[1.0, -np.inf, 0.0]])
    assert p[0, 1] == 0.0
    assert not np.isnan(p).any()


def test_masked_class_has_gradient_exactly_zero():
    z = np.array([[1.0, -np.inf, 0.0], [-np.inf, 2.0, 900.0]])  # second row: TwoSum path
    grad = sce.cross_entropy_grad(z, [0, 1])
    assert grad[0, 1] == 0.0 and grad[1, 0] == 0.0
    assert np.isfinite(grad).all()


def test_masked_classes_with_many_classes_have_zero_gradient():
    z = RNG.normal(size=(3, 40))
    z[:, ::3] = -np.inf
    z[2] += 800.0  # TwoSum path
    loss, grad = sce.cross_entropy_and_grad(z, [1, 2, 4], reduction="none")
    assert np.isfinite(loss).all()
    assert_array_equal(grad[:, ::3], 0.0)
    assert_allclose(grad.sum(axis=1), 0.0, atol=1e-15)


def test_masked_log_softmax_is_minus_inf_not_nan():
    lp = sce.log_softmax([[0.0, -np.inf]])
    assert lp[0, 1] == -np.inf and lp[0, 0] == 0.0


def test_masked_target_class_gives_infinite_loss():
    assert sce.cross_entropy([[0.0, -np.inf]], [1]) == np.inf


def test_label_smoothing_with_mask_gives_infinite_loss():
    assert sce.cross_entropy([[0.0, -np.inf]], [0], label_smoothing=0.1) == np.inf


def test_masked_probability_target_gives_finite_loss_when_mass_is_zero():
    loss = sce.cross_entropy([[0.0, -np.inf, 1.0]], [[0.5, 0.0, 0.5]])
    assert np.isfinite(loss)
    assert loss == pytest.approx(
        -0.5 * (mp_log_softmax([0, 1])[0] + mp_log_softmax([0, 1])[1]), rel=1e-15
    )


# ------------------------------------------------------------------------------------------
# Dtypes and immutability
# ------------------------------------------------------------------------------------------
def _all_calls(z, y):
    return {
        "softmax": sce.softmax(z),
        "log_softmax": sce.log_softmax(z),
        "logsumexp": sce.logsumexp(z),
        "jacobian": sce.softmax_jacobian(z),
        "loss": sce.cross_entropy(z, y),
        "grad": sce.cross_entropy_grad(z, y),
        "fused": sce.cross_entropy_and_grad(z, y)[1],
        "hessian": sce.cross_entropy_hessian(z, y),
        "smoothed": sce.cross_entropy_and_grad(z, y, label_smoothing=0.1)[1],
        "sigmoid": sce.sigmoid(z),
        "bce": sce.binary_cross_entropy_with_logits(z, np.zeros_like(z)),
    }


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_float_dtype_in_is_same_dtype_out(dtype):
    z = RNG.normal(size=(3, 4)).astype(dtype)
    for name, out in _all_calls(z, np.array([0, 1, 3])).items():
        assert out.dtype == dtype, name


def test_integer_logits_are_promoted_to_float64():
    z = np.array([[1, 2, 3], [0, 0, 5]])
    for name, out in _all_calls(z, np.array([0, 2])).items():
        assert out.dtype == np.float64, name


def test_inputs_are_never_modified():
    z = RNG.normal(size=(4, 5))
    masked = z.copy()
    masked[0, 1] = -np.inf
    y = np.array([0, 1, 2, 3])
    t = RNG.dirichlet(np.ones(5), size=4)
    w = np.array([1.0, 2.0, 0.5, 1.0, 1.0])
    arrays = [z, masked, y, t, w]
    copies = [a.copy() for a in arrays]
    for a in arrays:
        a.flags.writeable = False  # any write raises
    _all_calls(z, y)
    for logits in (z, masked):
        for target in (y, t):
            sce.cross_entropy_and_grad(logits, target, weight=w, label_smoothing=0.2)
            sce.cross_entropy_and_grad(logits, target, weight=w, reduction="none")
    sce.softmax(z, temperature=3.0)
    for a, c in zip(arrays, copies, strict=True):
        assert_array_equal(a, c)


def test_float32_is_computed_in_float32():
    # A float32 computation of exp(-0.1) rounds differently from a float64 one cast down.
    z = np.array([[0.0, -0.1, -17.3, -60.25]], np.float32)
    p = sce.softmax(z)
    assert p.dtype == np.float32
    with mpmath.workdps(40):
        ex = [mpmath.exp(mpmath.mpf(float(v))) for v in z[0]]
        ref = [float(e / mpmath.fsum(ex)) for e in ex]
    assert_allclose(p[0], ref, rtol=8 * np.finfo(np.float32).eps)


# ------------------------------------------------------------------------------------------
# Bad input: TypeError for dtypes, ValueError for values and shapes, naming the argument
# ------------------------------------------------------------------------------------------
Z = np.zeros((2, 3))
Y = np.array([0, 1])


@pytest.mark.parametrize(
    "bad",
    [
        np.zeros((2, 3), np.float16),
        np.zeros((2, 3), np.complex128),
        np.zeros((2, 3), bool),
        np.zeros((2, 3), object),
        np.array([["a", "b", "c"]] * 2),
    ],
    ids=["float16", "complex", "bool", "object", "str"],
)
def test_unsupported_logits_dtype_raises_type_error(bad):
    with pytest.raises(TypeError, match="logits"):
        sce.cross_entropy(bad, Y)
    with pytest.raises(TypeError, match="logits"):
        sce.softmax(bad)


def test_ragged_logits_raise_value_error():
    with pytest.raises(ValueError, match="logits"):
        sce.softmax([[1.0, 2.0], [3.0]])


def test_target_shape_mismatch_raises():
    with pytest.raises(ValueError, match="target: shape"):
        sce.cross_entropy(Z, [0, 1, 2])
    with pytest.raises(ValueError, match="target: shape"):
        sce.cross_entropy(Z, np.zeros((3, 2)))
    with pytest.raises(ValueError, match="target: shape"):
        sce.cross_entropy(Z, np.zeros((2, 3, 1)))


def test_class_index_out_of_range_raises():
    with pytest.raises(ValueError, match="target: class index 3 is out of range"):
        sce.cross_entropy(Z, [0, 3])
    with pytest.raises(ValueError, match="target: class index -1"):
        sce.cross_entropy_grad(Z, [-1, 0])


def test_non_integer_class_index_raises_type_error():
    with pytest.raises(TypeError, match="target: class indices must have an integer dtype"):
        sce.cross_entropy(Z, [0.0, 1.0])


def test_integer_probability_target_raises_type_error():
    with pytest.raises(TypeError, match="target: probability targets"):
        sce.cross_entropy(Z, np.zeros((2, 3), int))


@pytest.mark.parametrize("value", [np.nan, np.inf])
def test_nan_or_plus_inf_logits_raise(value):
    z = Z.copy()
    z[1, 2] = value
    with pytest.raises(ValueError, match="logits: contains"):
        sce.cross_entropy(z, Y)
    with pytest.raises(ValueError, match="logits: contains"):
        sce.softmax(z)


def test_row_of_all_minus_inf_raises():
    z = Z.copy()
    z[0] = -np.inf
    for f in (sce.softmax, sce.log_softmax, sce.logsumexp):
        with pytest.raises(ValueError, match="every logit equal to -inf"):
            f(z)
    with pytest.raises(ValueError, match="every logit equal to -inf"):
        sce.cross_entropy_and_grad(z, Y)


def test_negative_probability_target_raises():
    with pytest.raises(ValueError, match="target: probabilities must be non-negative"):
        sce.cross_entropy(Z, np.array([[1.5, -0.5, 0.0], [1.0, 0.0, 0.0]]))


def test_probability_rows_not_summing_to_one_raise():
    with pytest.raises(ValueError, match="target: probabilities must sum to 1"):
        sce.cross_entropy(Z, np.array([[0.5, 0.4, 0.0], [1.0, 0.0, 0.0]]))


def test_probability_rows_within_tolerance_are_accepted():
    t = np.array([[0.5, 0.5 + 1e-9, 0.0], [1.0, 0.0, 0.0]])
    assert np.isfinite(sce.cross_entropy(Z, t))


def test_nan_probability_target_raises():
    with pytest.raises(ValueError, match="target: contains NaN"):
        sce.cross_entropy(Z, np.array([[np.nan, 1.0, 0.0], [1.0, 0.0, 0.0]]))


def test_mean_over_empty_batch_raises():
    with pytest.raises(ValueError, match="empty batch"):
        sce.cross_entropy(np.zeros((0, 3)), np.zeros(0, int))
    with pytest.raises(ValueError, match="empty batch"):
        sce.cross_entropy(np.zeros((0, 3)), np.zeros((0, 3)))


def test_mean_with_every_sample_ignored_raises():
    with pytest.raises(ValueError, match="ignore_index"):
        sce.cross_entropy(Z, [-100, -100])


def test_mean_with_zero_total_weight_raises():
    with pytest.raises(ValueError, match="weight: the total weight"):
        sce.cross_entropy(Z, [0, 0], weight=[0.0, 1.0, 1.0])


def test_axis_out_of_range_raises():
    with pytest.raises(ValueError, match="axis: 2 is out of range"):
        sce.cross_entropy(Z, Y, axis=2)
    with pytest.raises(ValueError, match="axis: -3 is out of range"):
        sce.softmax(Z, axis=-3)
    with pytest.raises(TypeError, match="axis"):
        sce.softmax(Z, axis=1.0)


def test_zero_dimensional_logits_raise():
    with pytest.raises(ValueError, match="logits: expected at least one dimension"):
        sce.softmax(1.0)


def test_unknown_reduction_raises():
    with pytest.raises(ValueError, match="reduction: expected one of"):
        sce.cross_entropy(Z, Y, reduction="avg")
    with pytest.raises(ValueError, match="reduction"):
        sce.binary_cross_entropy_with_logits(Z, Z, reduction="max")


@pytest.mark.parametrize("eps", [-0.1, 1.5, float("nan")])
def test_label_smoothing_outside_unit_interval_raises(eps):
    with pytest.raises(ValueError, match="label_smoothing"):
        sce.cross_entropy(Z, Y, label_smoothing=eps)


def test_weight_of_wrong_length_raises():
    with pytest.raises(ValueError, match=r"weight: expected shape \(3,\)"):
        sce.cross_entropy(Z, Y, weight=[1.0, 2.0])


def test_negative_weight_raises():
    with pytest.raises(ValueError, match="weight: class weights must be non-negative"):
        sce.cross_entropy(Z, Y, weight=[1.0, -2.0, 1.0])


@pytest.mark.parametrize("temperature", [0.0, -1.0, float("inf"), float("nan")])
def test_non_positive_temperature_raises(temperature):
    with pytest.raises(ValueError, match="temperature"):
        sce.softmax(Z, temperature=temperature)


def test_one_hot_label_out_of_range_raises():
    with pytest.raises(ValueError, match="labels: every label must lie in"):
        sce.one_hot([0, 3], 3)
    with pytest.raises(TypeError, match="labels"):
        sce.one_hot([0.0], 3)


def test_smooth_labels_needs_num_classes_for_labels():
    with pytest.raises(ValueError, match="num_classes"):
        sce.smooth_labels([0, 1], 0.1)


def test_binary_cross_entropy_bad_target_raises():
    with pytest.raises(ValueError, match="target: values must lie in"):
        sce.binary_cross_entropy_with_logits([0.0], [1.5])
    with pytest.raises(ValueError, match="pos_weight: shape"):
        sce.binary_cross_entropy_with_logits(Z, Z, pos_weight=[1.0, 2.0])


def test_sigmoid_nan_raises():
    with pytest.raises(ValueError, match="x: contains NaN"):
        sce.sigmoid([np.nan])


# ------------------------------------------------------------------------------------------
# Memory
# ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("shape", [(2048, 1000), (200_000, 10), (500_000, 2), (64, 32000)])
def test_fused_call_peak_memory_is_below_quarter_of_logits(shape):
    z = np.random.default_rng(0).standard_normal(shape, dtype=np.float32)
    y = np.random.default_rng(1).integers(0, shape[1], shape[0])
    sce.cross_entropy_and_grad(z[:4], y[:4])  # warm up imports and caches
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        base = tracemalloc.get_traced_memory()[0]
        _, grad = sce.cross_entropy_and_grad(z, y)
        peak = tracemalloc.get_traced_memory()[1] - base
    finally:
        tracemalloc.stop()
    extra = peak - grad.nbytes
    assert extra <= 0.25 * z.nbytes, f"{extra / z.nbytes:.3f} of the logits' size"


def test_every_public_numeric_function_is_exported_from_sce():
    import sce.numeric

    assert set(sce.numeric.__all__) <= set(sce.__all__)
    assert all(getattr(sce, name) is getattr(sce.numeric, name) for name in sce.numeric.__all__)
