"""Exactness of sce.numeric against mpmath at 60 digits.

The goals (issue "sce.numeric"): per-sample losses and every gradient entry within 4 ulp in float64
and 8 float32 ulp for float32 inputs; reduced losses within 16 ulp. An error in ulp here is the
relative error in units of the dtype's machine epsilon, |x - x_ref| / (eps * |x_ref|); where a
gradient entry p_i - y_i can cancel (probability or smoothed targets) the denominator is
max(|p_i|, |y_i|) (times the sample's scale), and below the smallest normal number it is that
number (an absolute bound). The references are computed from the exact values of the float
inputs, whatever their dtype.
"""

from __future__ import annotations

import mpmath
import numpy as np
import pytest

import sce

DPS = 60
ULP = {np.float64: 4.0, np.float32: 8.0}
REDUCED_ULP = 16.0


def mp_row(z: np.ndarray) -> dict:
    """Exact softmax quantities of one row of float logits (-inf allowed)."""
    with mpmath.workdps(DPS):
        zs = [mpmath.mpf(float(v)) if np.isfinite(v) else None for v in z]
        finite = [v for v in zs if v is not None]
        top = max(finite)
        k = next(i for i, v in enumerate(zs) if v == top)
        ex = [mpmath.exp(v - top) if v is not None else mpmath.mpf(0) for v in zs]
        rest = mpmath.fsum(ex[i] for i in range(len(ex)) if i != k)  # sum without the argmax
        total = 1 + rest
        p = [e / total for e in ex]
        # 1 - p_c without cancellation: (sum of the others) / total.
        one_minus = [(total - e) / total if i != k else rest / total for i, e in enumerate(ex)]
        nll = [mpmath.log1p(rest) + (top - v) if v is not None else mpmath.inf for v in zs]
        return {"p": p, "one_minus": one_minus, "nll": nll, "lse": top + mpmath.log1p(rest)}


def ulp_error(x, ref, dtype, scale=None) -> float:
    """|x - ref| in units of eps * max(|scale or ref|, tiny)."""
    fi = np.finfo(dtype)
    with mpmath.workdps(DPS):
        ref = mpmath.mpf(ref)
        x = mpmath.mpf(float(x))
        if mpmath.isinf(ref) or mpmath.isinf(x):
            return 0.0 if x == ref else float("inf")
        den = abs(ref) if scale is None else mpmath.mpf(scale)
        den = max(den, mpmath.mpf(float(fi.tiny)))
        return float(abs(x - ref) / (den * mpmath.mpf(float(fi.eps))))


def mp_sample(z: np.ndarray, y: np.ndarray) -> tuple:
    """Exact loss -sum_c y_c log p_c and gradient (sum y) p - y of one row, with the scale
    max(|(sum y) p_c|, |y_c|) of each gradient entry."""
    r = mp_row(z)
    with mpmath.workdps(DPS):
        ys = [mpmath.mpf(float(v)) for v in y]
        sy = mpmath.fsum(ys)
        loss = mpmath.fsum(ys[c] * r["nll"][c] for c in range(len(ys)) if ys[c] != 0)
        grad, scale = [], []
        for c in range(len(ys)):
            if ys[c] * 2 >= sy and sy > 0:
                # (sum y) p_c - y_c = (sum of the other y) - (sum y)(1 - p_c): no cancellation
                g = (sy - ys[c]) - sy * r["one_minus"][c]
            else:
                g = sy * r["p"][c] - ys[c]
            grad.append(g)
            scale.append(max(abs(sy * r["p"][c]), abs(ys[c])))
        return loss, grad, scale


def rows_for_margins(margins, C, dtype, rng, spread=3.0):
    """Rows whose top logit exceeds all others by exactly `margin` (before rounding)."""
    z = np.empty((len(margins), C), dtype)
    for i, mg in enumerate(margins):
        base = rng.uniform(-5, 5)
        others = base - mg - rng.uniform(0, spread, C)
        others[0] = base - mg
        z[i] = others
        z[i, rng.integers(C)] = base
    return z


def check_index_rows(z, y, dtype, weight=None, label_smoothing=0.0):
    loss = sce.cross_entropy(z, y, weight=weight, reduction="none", label_smoothing=label_smoothing)
    grad = sce.cross_entropy_grad(
        z, y, weight=weight, reduction="none", label_smoothing=label_smoothing
    )
    assert loss.dtype == dtype and grad.dtype == dtype
    C = z.shape[1]
    w = np.ones(C) if weight is None else np.asarray(weight, np.float64)
    worst_l = worst_g = 0.0
    for i in range(z.shape[0]):
        with mpmath.workdps(DPS):
            t = [
                (1 - mpmath.mpf(label_smoothing)) * (c == y[i]) + mpmath.mpf(label_smoothing) / C
                for c in range(C)
            ]
            yv = [mpmath.mpf(float(w[c])) * t[c] for c in range(C)]
        ref_l, ref_g, sc = mp_sample(z[i], yv)
        worst_l = max(worst_l, ulp_error(loss[i], ref_l, dtype))
        cancel = label_smoothing > 0
        for c in range(C):
            worst_g = max(
                worst_g, ulp_error(grad[i, c], ref_g[c], dtype, sc[c] if cancel else None)
            )
    return worst_l, worst_g


MARGINS_64 = [0, 0.5, 1, 2, 5, 10, 20, 30, 36, 37, 40, 60, 100, 300, 600, 700]
MARGINS_32 = [0, 0.5, 1, 2, 5, 10, 16, 17, 20, 30, 40, 60, 80, 87, 100]


@pytest.fixture(params=["fast", "compensated"])
def kernel(request, monkeypatch):
    """Run a test through the fast route (rows that allow it) and with every row through the
    compensated (TwoSum) route."""
    if request.param == "compensated":
        monkeypatch.setattr(sce.numeric._fused, "_FAST_ROUTE", False)
    return request.param


@pytest.mark.parametrize("C", [2, 3, 10])
def test_float64_index_loss_and_grad_within_4_ulp_over_margins(C, kernel):
    rng = np.random.default_rng(C)
    z = rows_for_margins(MARGINS_64, C, np.float64, rng)
    for y in (np.argmax(z, axis=1), (np.argmax(z, axis=1) + 1) % C):
        wl, wg = check_index_rows(z, y, np.float64)
        assert wl <= 4 and wg <= 4, (wl, wg)


@pytest.mark.parametrize("C", [2, 3, 10])
def test_float32_index_loss_and_grad_within_8_ulp_over_margins(C, kernel):
    rng = np.random.default_rng(100 + C)
    z = rows_for_margins(MARGINS_32, C, np.float32, rng)
    for y in (np.argmax(z, axis=1), (np.argmax(z, axis=1) + 1) % C):
        wl, wg = check_index_rows(z, y, np.float32)
        assert wl <= 8 and wg <= 8, (wl, wg)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_thousand_classes_within_ulp_goal(dtype):
    rng = np.random.default_rng(7)
    z = rows_for_margins([0, 15, 40], 1000, dtype, rng, spread=30.0)
    y = np.array([3, int(np.argmax(z[1])), 10])
    wl, wg = check_index_rows(z, y, dtype)
    assert wl <= ULP[dtype] and wg <= ULP[dtype], (wl, wg)


def test_negative_and_large_row_maxima_within_4_ulp(kernel):
    # Row maxima below 0 and above the fast path's limit take the TwoSum kernel.
    rng = np.random.default_rng(3)
    z = rng.uniform(-30, 0, (6, 7))
    z[0] -= 500.0
    z[1] += 750.0
    z[2] = [-1e6, -1e6 - 0.5, -1e6 - 30, -1e6 - 60, -2e6, -1e6 - 1, -1e6 - 7]
    z[3] = [1e300, 1e300, -1e300, 3.0, 0.0, -5.0, 1e299]
    z[4] = [-1e300, -1e300 * (1 - 2**-52), -1e300, -1e300, -1e300, -1e300, -1e300]
    z[5] = [1e6 + 25.5, 1e6, 1e6 - 0.25, 1e6 - 1, 1e6 - 60, 1e6 - 700, 1e6 - 10]
    for y in (np.array([0, 1, 2, 3, 4, 5]), np.argmax(z, axis=1)):
        wl, wg = check_index_rows(z, y, np.float64)
        assert wl <= 4 and wg <= 4, (wl, wg)


def test_tiny_sample_scale_takes_exact_path_in_float32(kernel):
    # exp(z_i) * (exp(-m) * c) would go through a subnormal scale (m near 80, c = 1e-8) and
    # lose bits: such rows take the TwoSum kernel.
    z = np.array([[79.5, 60.25, 40.0, 79.0], [0.5, -3.0, -9.0, 0.0]], np.float32)
    w = np.full(4, 1e-8)
    for y in (np.array([0, 2]), np.array([1, 0])):
        wl, wg = check_index_rows(z, y, np.float32, weight=w)
        assert wl <= 8 and wg <= 8, (wl, wg)


def test_weighted_index_targets_within_4_ulp():
    rng = np.random.default_rng(11)
    z = rows_for_margins([0, 3, 25, 50, 200], 5, np.float64, rng)
    weight = np.array([0.5, 2.0, 1.0, 0.1, 3.0])
    y = np.array([0, 1, 2, 3, 4])
    wl, wg = check_index_rows(z, y, np.float64, weight=weight)
    assert wl <= 4 and wg <= 4, (wl, wg)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_label_smoothing_within_ulp_goal_of_max_p_y(dtype):
    rng = np.random.default_rng(12)
    z = rows_for_margins([0, 2, 20, 40], 4, dtype, rng)
    y = np.array([0, 1, int(np.argmax(z[2])), 3])
    wl, wg = check_index_rows(z, y, dtype, weight=[1.0, 0.5, 2.0, 1.0], label_smoothing=0.1)
    assert wl <= ULP[dtype] and wg <= ULP[dtype], (wl, wg)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_probability_targets_within_ulp_goal_of_max_p_y(dtype):
    rng = np.random.default_rng(13)
    z = rows_for_margins([0, 1, 10, 30, 60], 6, dtype, rng)
    t = rng.dirichlet(np.ones(6), size=5).astype(dtype)
    t[3] = 0
    t[3, np.argmax(z[3])] = 1  # a confident, correct one-hot row
    loss = sce.cross_entropy(z, t, reduction="none")
    grad = sce.cross_entropy_grad(z, t, reduction="none")
    for i in range(5):
        ref_l, ref_g, sc = mp_sample(z[i], t[i])
        assert ulp_error(loss[i], ref_l, dtype) <= ULP[dtype]
        for c in range(6):
            assert ulp_error(grad[i, c], ref_g[c], dtype, sc[c]) <= ULP[dtype]


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_probability_targets_with_many_close_classes_within_ulp_goal(dtype):
    # Margin 0 over 1000 classes: S is large and p_k small, where sum_{c!=k} y_c - (sum y)
    # S/(1+S) would cancel; one row takes the TwoSum kernel (large row maximum).
    rng = np.random.default_rng(17)
    z = rows_for_margins([0, 0], 1000, dtype, rng)
    z[1] += dtype(6e4) if dtype == np.float64 else dtype(500)
    t = np.zeros((2, 1000), dtype)
    t[0, 5] = 1
    t[1] = rng.dirichlet(np.ones(1000)).astype(dtype)
    t[1] /= t[1].sum()
    grad = sce.cross_entropy_grad(z, t, reduction="none")
    for i in range(2):
        _, ref_g, sc = mp_sample(z[i], t[i])
        worst = max(ulp_error(grad[i, c], ref_g[c], dtype, sc[c]) for c in range(1000))
        assert worst <= ULP[dtype], worst


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_reduced_loss_within_16_ulp(dtype, reduction):
    rng = np.random.default_rng(21)
    z = rows_for_margins([0, 1, 5, 10, 20, 30, 40, 50], 5, dtype, rng)
    y = np.argmax(z, axis=1)
    weight = np.array([1.0, 0.5, 2.0, 0.25, 1.5])
    got = sce.cross_entropy(z, y, weight=weight, reduction=reduction)
    assert got.dtype == dtype
    with mpmath.workdps(DPS):
        num = mpmath.fsum(
            mpmath.mpf(float(weight[y[i]])) * mp_row(z[i])["nll"][y[i]] for i in range(len(y))
        )
        den = mpmath.fsum(mpmath.mpf(float(weight[c])) for c in y)
        ref = num / den if reduction == "mean" else num
    assert ulp_error(got, ref, dtype) <= REDUCED_ULP


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_softmax_and_log_softmax_within_ulp_goal(dtype):
    rng = np.random.default_rng(31)
    z = rows_for_margins([0, 1, 10, 30, 60], 5, dtype, rng)
    z[1] -= 200  # a negative row maximum
    p = sce.softmax(z)
    lp = sce.log_softmax(z)
    lse = sce.logsumexp(z)
    for i in range(z.shape[0]):
        r = mp_row(z[i])
        for c in range(5):
            assert ulp_error(p[i, c], r["p"][c], dtype) <= ULP[dtype]
            assert ulp_error(lp[i, c], -r["nll"][c], dtype) <= ULP[dtype]
        assert ulp_error(lse[i], r["lse"], dtype) <= ULP[dtype]


def test_margin_37_where_max_shifted_formula_gives_zero_is_exact():
    # PyTorch and SciPy return exactly 0 here (relative error 100 %).
    z = np.array([[37.0, 0.0, 0.0]])
    ref, _, _ = mp_sample(z[0], [1, 0, 0])
    assert sce.cross_entropy(z, [0]) > 0
    assert ulp_error(sce.cross_entropy(z, [0]), ref, np.float64) <= 4


def test_subnormal_probabilities_within_absolute_bound():
    z = np.array([[0.0, -740.0, -745.0, -800.0]])
    p = sce.softmax(z)
    r = mp_row(z[0])
    for c in range(4):
        assert ulp_error(p[0, c], r["p"][c], np.float64) <= 4
    assert p[0, 3] == 0.0


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_edges_of_the_fast_route_within_ulp_goal(dtype, kernel):
    # The fast route needs no row maximum; these rows sit at the edges of its conditions:
    # negative logits only (sum of exponentials above and below 1), a target below 0 whose
    # rivals' exponentials are subnormal, a target far below the rest (L / e_y huge), the
    # target as a tied maximum, many small terms, and a confident correct target (L far below
    # e_y: L must not come from T - e_y).
    big = 740.0 if dtype == np.float64 else 86.0
    tiny_exp = -800.0 if dtype == np.float64 else -100.0
    z = np.array(
        [
            [-2.0, -0.5, -1.25, -1.75, -0.75, -1.5],
            [-6.0, -5.0, -7.5, -6.5, -5.5, -8.0],
            [-0.25, tiny_exp, tiny_exp - 1, tiny_exp - 3, tiny_exp, tiny_exp - 2],
            [-big, big, big - 1, 3.0, big - 0.5, 0.0],
            [4.0, 4.0, 1.0, -2.0, 4.0, 3.5],
            [1e-3, 2e-3, 0.0, 5e-4, 1.5e-3, 1e-4],
            [25.0, 0.5, -1.0, 2.0, -3.0, 1.0],
        ],
        dtype,
    )
    y = np.array([1, 2, 0, 0, 1, 3, 0])
    wl, wg = check_index_rows(z, y, dtype)
    assert wl <= ULP[dtype] and wg <= ULP[dtype], (wl, wg)
