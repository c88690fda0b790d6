"""The edges of sce.numeric: an empty class axis, ignored samples, the fused call against the
separate ones, and the gradient of the binary loss.

References are independent of the code under test: mpmath at 50 digits, PyTorch's documented
formulas written out here, and finite differences.
"""

from __future__ import annotations

import mpmath
import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

import sce
import sce.numeric._fused
from sce.gradcheck import numerical_gradient

mpmath.mp.dps = 50


@pytest.fixture(params=["fast", "compensated"])
def kernel(request, monkeypatch):
    """Run a test through the fast route (rows that allow it) and with every row through the
    compensated (TwoSum) route."""
    if request.param == "compensated":
        monkeypatch.setattr(sce.numeric._fused, "_FAST_ROUTE", False)
    return request.param


def same_bits(a, b) -> bool:
    """Equal dtype, shape and bits (NaN equal to NaN)."""
    a, b = np.asarray(a), np.asarray(b)
    return a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()


def test_same_bits_catches_one_ulp():
    x = np.float32(5.107706)
    assert same_bits(x, np.float32(5.107706))
    assert not same_bits(x, np.nextafter(x, np.float32(6)))
    assert not same_bits(np.float32(1), np.float64(1))


# ------------------------------------------------------------------------------------------
# An empty class axis: one behaviour everywhere, a ValueError that says so
# ------------------------------------------------------------------------------------------
EMPTY_CLASS_CALLS = {
    "softmax": lambda: sce.softmax(np.zeros((10, 0))),
    "softmax axis 0": lambda: sce.softmax(np.zeros((0, 10)), axis=0),
    "log_softmax": lambda: sce.log_softmax(np.zeros((10, 0))),
    "logsumexp": lambda: sce.logsumexp(np.array([])),
    "softmax_jacobian": lambda: sce.softmax_jacobian(np.zeros((3, 0))),
    "cross_entropy_hessian": lambda: sce.cross_entropy_hessian(np.zeros((3, 0))),
    "cross_entropy": lambda: sce.cross_entropy(np.zeros((3, 0)), [0, 0, 0]),
    "cross_entropy_grad": lambda: sce.cross_entropy_grad(np.zeros((3, 0)), np.zeros((3, 0))),
    "cross_entropy_and_grad": lambda: sce.cross_entropy_and_grad(np.zeros((0,)), 0),
    "smooth_labels": lambda: sce.smooth_labels(np.zeros((2, 0)), 0.1),
}


@pytest.mark.parametrize("name", EMPTY_CLASS_CALLS)
def test_empty_class_axis_raises_a_clear_value_error(name):
    with pytest.raises(ValueError, match=r"class axis .*has length 0"):
        EMPTY_CLASS_CALLS[name]()


def test_one_hot_with_no_class_raises():
    with pytest.raises(ValueError, match="num_classes: must be at least 1"):
        sce.one_hot([0], 0)


def test_empty_batch_still_gives_empty_results():
    z = np.zeros((0, 4), np.float32)
    assert sce.softmax(z).shape == (0, 4) and sce.softmax(z).dtype == np.float32
    assert sce.log_softmax(z).shape == (0, 4)
    assert sce.logsumexp(z).shape == (0,)
    assert sce.softmax_jacobian(z).shape == (0, 4, 4)
    y = np.zeros(0, np.int64)
    assert float(sce.cross_entropy(z, y, reduction="sum")) == 0.0
    loss, grad = sce.cross_entropy_and_grad(z, y, reduction="none")
    assert loss.shape == (0,) and grad.shape == (0, 4)


# ------------------------------------------------------------------------------------------
# The fused call equals the separate calls, bit for bit
# ------------------------------------------------------------------------------------------
def test_weighted_repro_fused_equals_separate_and_is_within_2_ulp_of_mpmath(kernel):
    z = np.array([[-0.9, 0.4, -1.1]], np.float32)
    kw = {"weight": [3.0, 2.0, 2.0], "reduction": "none"}
    loss = sce.cross_entropy(z, [0], **kw)
    fused, grad = sce.cross_entropy_and_grad(z, [0], **kw)
    assert same_bits(loss, fused)
    assert same_bits(grad, sce.cross_entropy_grad(z, [0], **kw))
    zs = [mpmath.mpf(float(v)) for v in z[0]]
    ref = 3 * (mpmath.log(mpmath.fsum(mpmath.exp(v) for v in zs)) - zs[0])
    assert abs(float(fused[0]) - float(ref)) <= 2 * np.spacing(np.float32(ref))


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("C", [2, 3, 10, 100])
def test_fused_equals_separate_bit_for_bit(kernel, reduction, dtype, C):
    rng = np.random.default_rng(C)
    n = 257
    # rows across the routes: small maxima, negative maxima, huge maxima, ties, masks
    z = rng.standard_normal((n, C)) * rng.choice([0.3, 3.0, 30.0], (n, 1))
    z += rng.choice([0.0, -5.0, 200.0, -1e4], (n, 1))
    z[::7, : C // 2 + 1] = z[::7, :1]  # ties for the maximum
    z[1::5, -1] = -np.inf
    z = z.astype(dtype)
    y = rng.integers(0, C, n)
    y[2::9] = -100
    w = rng.uniform(0.0, 4.0, C)
    for kw in (
        {},
        {"weight": w},
        {"weight": w, "label_smoothing": 0.2},
        {"ignore_index": 1},
    ):
        yk = np.where(y == -100, 1, y) if "ignore_index" in kw else y
        loss = sce.cross_entropy(z, yk, reduction=reduction, **kw)
        grad = sce.cross_entropy_grad(z, yk, reduction=reduction, **kw)
        fused_loss, fused_grad = sce.cross_entropy_and_grad(z, yk, reduction=reduction, **kw)
        assert same_bits(loss, fused_loss), kw
        assert same_bits(grad, fused_grad), kw


# ------------------------------------------------------------------------------------------
# Ignored samples are not inspected
# ------------------------------------------------------------------------------------------
def mp_nll(row, y, w=1.0) -> float:
    zs = [mpmath.mpf(float(v)) for v in row if np.isfinite(v)]
    return float(
        w * (mpmath.log(mpmath.fsum(mpmath.exp(v) for v in zs)) - mpmath.mpf(float(row[y])))
    )


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_padding_rows_of_minus_inf_with_ignored_target_count_for_nothing(kernel, dtype):
    z = np.array(
        [[1.0, 2.0, 0.5], [-np.inf] * 3, [0.2, -1.0, 3.0], [-np.inf] * 3, [np.nan, np.inf, 0]],
        dtype,
    )
    y = np.array([1, -100, 2, -100, -100])
    w = np.array([1.0, 2.0, 0.5])
    for kw, wk in (({}, [1.0, 1.0]), ({"weight": w}, [w[1], w[2]])):
        loss, grad = sce.cross_entropy_and_grad(z, y, reduction="none", **kw)
        assert np.isfinite(loss).all() and np.isfinite(grad).all()
        assert_array_equal(loss[[1, 3, 4]], 0)
        assert_array_equal(grad[[1, 3, 4]], 0)
        mean = sce.cross_entropy(z, y, **kw)
        expected = (mp_nll(z[0], 1, wk[0]) + mp_nll(z[2], 2, wk[1])) / (wk[0] + wk[1])
        assert_allclose(float(mean), expected, rtol=4 * np.finfo(dtype).eps)
        # the kept rows are unchanged by the padding
        kept_loss, kept_grad = sce.cross_entropy_and_grad(
            z[[0, 2]], y[[0, 2]], reduction="none", **kw
        )
        assert same_bits(loss[[0, 2]], kept_loss) and same_bits(grad[[0, 2]], kept_grad)


def test_ignored_padding_rows_with_label_smoothing(kernel):
    z = np.array([[1.0, 2.0, 0.5], [-np.inf] * 3], np.float32)
    loss, grad = sce.cross_entropy_and_grad(z, [0, -100], label_smoothing=0.1, reduction="none")
    assert loss[1] == 0 and not grad[1].any()
    ref = 0.9 * mp_nll(z[0], 0) + 0.1 / 3 * sum(mp_nll(z[0], c) for c in range(3))
    assert_allclose(float(loss[0]), ref, rtol=4 * np.finfo(np.float32).eps)


def test_padding_row_whose_target_is_not_ignored_still_raises(kernel):
    z = np.array([[1.0, 2.0], [-np.inf, -np.inf]])
    with pytest.raises(ValueError, match="every logit equal to -inf"):
        sce.cross_entropy_and_grad(z, [0, 1])
    with pytest.raises(ValueError, match="contains NaN"):
        sce.cross_entropy(np.array([[np.nan, 0.0]]), [1])


# ------------------------------------------------------------------------------------------
# The gradient of the binary loss
# ------------------------------------------------------------------------------------------
def torch_bce_grad(x, y, w=None, q=None, reduction="mean"):
    """PyTorch's backward of binary_cross_entropy_with_logits, as in its source:
    ((q y + 1 - y) sigmoid(x) - q y) * w, divided by the number of elements for "mean"."""
    x, y = np.asarray(x, np.float64), np.asarray(y, np.float64)
    q = np.ones_like(x) if q is None else np.broadcast_to(q, x.shape)
    w = np.ones_like(x) if w is None else np.broadcast_to(w, x.shape)
    g = ((q * y + 1 - y) / (1 + np.exp(-x)) - q * y) * w
    return g / x.size if reduction == "mean" else g


def mp_bce_grad(x, y, q=1.0) -> tuple[mpmath.mpf, mpmath.mpf]:
    """The exact gradient and its scale, the sum of the absolute values of its two terms (the
    two cancel in part for a target strictly between 0 and 1)."""
    x, y = mpmath.mpf(float(x)), mpmath.mpf(float(y))
    a, b = (1 - y) / (1 + mpmath.exp(-x)), q * y / (1 + mpmath.exp(x))
    return a - b, a + b


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_bce_grad_matches_pytorch_backward_formula(reduction):
    rng = np.random.default_rng(5)
    x = rng.standard_normal((4, 3)) * 3
    y = rng.uniform(0, 1, (4, 3))
    w = rng.uniform(0, 2, (4, 1))
    q = np.array([0.5, 1.0, 3.0])
    g = sce.binary_cross_entropy_with_logits_grad(x, y, weight=w, pos_weight=q, reduction=reduction)
    assert_allclose(g, torch_bce_grad(x, y, w, q, reduction), rtol=1e-13, atol=1e-16)


@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_bce_grad_equals_finite_differences(reduction):
    rng = np.random.default_rng(6)
    x = rng.standard_normal((3, 4)) * 2
    y = rng.uniform(0, 1, (3, 4))
    kw = {"weight": rng.uniform(0, 2, (3, 4)), "pos_weight": [1.0, 2.0, 0.5, 4.0]}

    def f(v):
        return float(sce.binary_cross_entropy_with_logits(v, y, reduction=reduction, **kw))

    num = numerical_gradient(f, x)
    g = sce.binary_cross_entropy_with_logits_grad(x, y, reduction=reduction, **kw)
    assert_allclose(g, num, rtol=1e-7, atol=1e-9)
    # the check catches a wrong gradient: sigmoid(x) - y without the pos_weight
    wrong = kw["weight"] * (1 / (1 + np.exp(-x)) - y) / (x.size if reduction == "mean" else 1)
    assert not np.allclose(wrong, num, rtol=1e-7, atol=1e-9)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_bce_grad_is_exact_in_the_confident_regime(dtype):
    top = 80.0 if dtype == np.float32 else 700.0
    x = np.array([-top, -40.0, -17.0, -1.0, 0.0, 1.0, 17.0, 40.0, top], dtype)
    for yv, q in ((1.0, 1.0), (0.0, 1.0), (1.0, 3.0), (0.25, 1.0)):
        y = np.full_like(x, yv)
        g = sce.binary_cross_entropy_with_logits_grad(
            x, y, pos_weight=np.array([q], dtype), reduction="sum"
        )
        for xi, gi in zip(x, g, strict=True):
            ref, scale = mp_bce_grad(xi, yv, q)
            err = abs(mpmath.mpf(float(gi)) - ref) / (scale * float(np.finfo(dtype).eps))
            assert err <= 4, (xi, yv, q, float(gi), float(ref))
    # the check catches sigmoid(x) - 1, which is 0 at x = 40 in float64
    naive = 1 / (1 + np.exp(-np.float64(40))) - 1
    ref, _ = mp_bce_grad(40.0, 1.0)
    assert abs(mpmath.mpf(naive) - ref) / abs(ref) > 1e-3


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_bce_fused_equals_separate_bit_for_bit(reduction):
    rng = np.random.default_rng(7)
    x = (rng.standard_normal((5, 3)) * 20).astype(np.float32)
    y = rng.uniform(0, 1, (5, 3)).astype(np.float32)
    kw = {"weight": rng.uniform(0, 2, 3), "pos_weight": [2.0, 1.0, 0.5], "reduction": reduction}
    loss, grad = sce.binary_cross_entropy_with_logits_and_grad(x, y, **kw)
    assert same_bits(loss, sce.binary_cross_entropy_with_logits(x, y, **kw))
    assert same_bits(grad, sce.binary_cross_entropy_with_logits_grad(x, y, **kw))
    assert grad.dtype == np.float32


def test_bce_grad_bad_input_raises():
    with pytest.raises(ValueError, match="logits: contains NaN or infinite"):
        sce.binary_cross_entropy_with_logits_grad([np.inf], [1.0])
    with pytest.raises(ValueError, match="target: shape"):
        sce.binary_cross_entropy_with_logits_and_grad([0.0, 1.0], [1.0])
    with pytest.raises(ValueError, match="pos_weight: must be non-negative"):
        sce.binary_cross_entropy_with_logits_grad([0.0], [1.0], pos_weight=[-1.0])
    with pytest.raises(ValueError, match="reduction='mean' over an empty array"):
        sce.binary_cross_entropy_with_logits_grad(np.zeros(0), np.zeros(0))
    with pytest.raises(TypeError, match="reduction"):
        sce.binary_cross_entropy_with_logits_grad([0.0], [1.0], reduction=None)
