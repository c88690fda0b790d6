"""Invariants of sce.numeric, checked with hypothesis on random logits."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from numpy.testing import assert_allclose, assert_array_equal

import sce
from sce.gradcheck import check_gradient, numerical_gradient

FAST = settings(max_examples=40, deadline=None, database=None)


def logits(max_abs=10.0, min_c=2, max_c=8, max_n=4):
    """(N, C) float64 logits with |z| <= max_abs."""
    shapes = st.tuples(st.integers(1, max_n), st.integers(min_c, max_c))
    elems = st.floats(-max_abs, max_abs, allow_nan=False, allow_infinity=False)
    return shapes.flatmap(lambda s: arrays(np.float64, s, elements=elems))


def logits_with_targets(max_abs=10.0):
    """Logits with integer targets (some ignored), class weights and a smoothing level."""

    def build(z):
        n, c = z.shape
        return st.tuples(
            st.just(z),
            arrays(np.int64, (n,), elements=st.integers(0, c - 1)),
            arrays(np.float64, (c,), elements=st.floats(0.1, 3.0)),
            st.sampled_from([0.0, 0.1, 0.5]),
        )

    return logits(max_abs).flatmap(build)


def dyadic_logits():
    """Logits that are multiples of 2**-10 in [-40, 40]: adding an integer shift is exact."""
    ints = st.integers(-40 * 1024, 40 * 1024)
    shapes = st.tuples(st.integers(1, 3), st.integers(2, 8))
    return shapes.flatmap(lambda s: arrays(np.int64, s, elements=ints)).map(lambda a: a / 1024)


@FAST
@given(logits(max_abs=1e4))
def test_softmax_sums_to_one(z):
    p = sce.softmax(z)
    assert (p >= 0).all()
    assert_allclose(p.sum(axis=-1), 1.0, rtol=0, atol=8 * np.finfo(np.float64).eps)


@FAST
@given(dyadic_logits(), st.integers(-800, 800))
def test_softmax_is_shift_invariant(z, shift):
    assert_allclose(sce.softmax(z + shift), sce.softmax(z), rtol=1e-14, atol=0)
    assert_allclose(sce.log_softmax(z + shift), sce.log_softmax(z), rtol=1e-14, atol=1e-300)


@FAST
@given(dyadic_logits(), st.integers(-800, 800))
def test_cross_entropy_is_shift_invariant(z, shift):
    y = np.zeros(z.shape[0], int)
    a = sce.cross_entropy(z + shift, y, reduction="none")
    b = sce.cross_entropy(z, y, reduction="none")
    assert_allclose(a, b, rtol=1e-14, atol=0)


@FAST
@given(logits(max_abs=10.0, max_n=1))
def test_jacobian_rows_sum_to_zero(z):
    jac = sce.softmax_jacobian(z)
    assert_allclose(jac.sum(axis=-1), 0.0, atol=4 * np.finfo(np.float64).eps)


@settings(max_examples=15, deadline=None, database=None)
@given(logits(max_abs=10.0, max_n=1, max_c=5))
def test_jacobian_equals_finite_differences(z):
    # Entries are at most 1/4; central differences of p carry an absolute rounding error of
    # about eps / h = 2e-11, so the comparison is absolute (a wrong formula is off by 1e-2).
    jac = sce.softmax_jacobian(z)[0]
    num = np.stack(
        [numerical_gradient(lambda v, i=i: sce.softmax(v)[0, i], z)[0] for i in range(z.shape[1])]
    )
    assert np.abs(jac - num).max() < 1e-9


@settings(max_examples=30, deadline=None, database=None)
@given(logits_with_targets())
def test_gradient_equals_finite_differences(data):
    z, y, w, eps = data

    def kw():
        return {"weight": w, "label_smoothing": eps}

    err = check_gradient(
        lambda v: sce.cross_entropy(v, y, **kw()), lambda v: sce.cross_entropy_grad(v, y, **kw()), z
    )
    assert err < 1e-7


@settings(max_examples=20, deadline=None, database=None)
@given(logits(max_abs=10.0), st.data())
def test_probability_target_gradient_equals_finite_differences(z, data):
    raw = data.draw(arrays(np.float64, z.shape, elements=st.floats(0.0, 1.0)))
    raw[:, 0] += 0.01
    t = raw / raw.sum(axis=1, keepdims=True)
    err = check_gradient(
        lambda v: sce.cross_entropy(v, t), lambda v: sce.cross_entropy_grad(v, t), z
    )
    assert err < 1e-7


@FAST
@given(logits(max_abs=30.0, max_n=2))
def test_hessian_is_positive_semidefinite(z):
    for h in sce.cross_entropy_hessian(z):
        eig = np.linalg.eigvalsh(h)
        assert eig.min() >= -1e-15 * max(1.0, eig.max())


@FAST
@given(logits_with_targets(max_abs=50.0), st.sampled_from(["mean", "sum", "none"]))
def test_fused_equals_separate(data, reduction):
    z, y, w, eps = data
    kw = {"weight": w, "label_smoothing": eps, "reduction": reduction}
    loss, grad = sce.cross_entropy_and_grad(z, y, **kw)
    assert_array_equal(loss, sce.cross_entropy(z, y, **kw))
    assert_array_equal(grad, sce.cross_entropy_grad(z, y, **kw))


@FAST
@given(logits(max_abs=1e300, max_c=6))
def test_huge_logits_give_finite_probabilities(z):
    p = sce.softmax(z)
    assert np.isfinite(p).all()
    assert_allclose(p.sum(axis=-1), 1.0, atol=1e-14)
    g = sce.cross_entropy_grad(z, np.zeros(z.shape[0], int))
    assert np.isfinite(g).all()


@FAST
@given(logits(max_abs=20.0))
def test_float32_agrees_with_float64(z):
    y = np.zeros(z.shape[0], int)
    z32 = z.astype(np.float32)
    ref = sce.cross_entropy_grad(z32.astype(np.float64), y)
    assert_allclose(sce.cross_entropy_grad(z32, y), ref, rtol=1e-5, atol=1e-7)
