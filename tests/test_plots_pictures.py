"""The pictures of softmax's geometry, its Jacobian and the loss surface, against references.

References are computed here independently of ``sce``: mpmath at 50 digits for softmax and its
derivative (by a central difference), and a SciPy minimisation of the smoothed loss written out.
"""

from __future__ import annotations

import mpmath
import numpy as np
import pytest
from scipy.optimize import minimize

from sce import plots
from sce.plots.distributions import simplex_xy
from sce.plots.losses import smoothed_optimal_margin

mpmath.mp.dps = 50


def _softmax_mp(z: list[float], t: float = 1.0) -> list[mpmath.mpf]:
    e = [mpmath.exp(mpmath.mpf(v) / t) for v in z]
    s = mpmath.fsum(e)
    return [v / s for v in e]


# --- probability_simplex ---------------------------------------------------------------------


def test_simplex_corners_are_the_one_hot_distributions() -> None:
    xy = simplex_xy(np.eye(3))
    sides = [np.linalg.norm(xy[i] - xy[(i + 1) % 3]) for i in range(3)]
    np.testing.assert_allclose(sides, 1.0, rtol=1e-15)  # an equilateral triangle


def test_simplex_path_is_softmax_of_z_over_t() -> None:
    z, temps = [2.0, 1.0, 0.1], [0.1, 0.5, 1.0, 3.0, 30.0]
    fig = plots.probability_simplex(z, temps, marks=[])
    path = next(line for line in fig.axes[0].get_lines() if len(line.get_xdata()) == len(temps))
    expected = simplex_xy(np.array([[float(p) for p in _softmax_mp(z, t)] for t in temps]))
    np.testing.assert_allclose(path.get_xdata(), expected[:, 0], rtol=1e-14, atol=1e-15)
    np.testing.assert_allclose(path.get_ydata(), expected[:, 1], rtol=1e-14, atol=1e-15)


def test_simplex_path_runs_from_the_largest_logits_corner_to_the_centre() -> None:
    fig = plots.probability_simplex([0.3, 2.0, -1.0], [0.01, 1e4], marks=[])
    path = next(line for line in fig.axes[0].get_lines() if len(line.get_xdata()) == 2)
    start = np.array([path.get_xdata()[0], path.get_ydata()[0]])
    end = np.array([path.get_xdata()[-1], path.get_ydata()[-1]])
    np.testing.assert_allclose(start, [1.0, 0.0], atol=1e-12)  # class 2's corner
    np.testing.assert_allclose(end, [0.5, np.sqrt(3) / 6], atol=1e-3)  # the centroid


def test_simplex_rejects_other_than_three_classes() -> None:
    with pytest.raises(ValueError, match="three finite logits"):
        plots.probability_simplex([1.0, 2.0])


def test_simplex_rejects_temperatures_that_do_not_increase() -> None:
    with pytest.raises(ValueError, match="temperatures"):
        plots.probability_simplex([1.0, 2.0, 3.0], [2.0, 1.0])


# --- logit_nudge_bars ------------------------------------------------------------------------


def test_nudge_bars_are_the_jacobian_column_by_central_differences() -> None:
    z, k = [2.0, 1.0, 0.1, -0.5], 1
    fig = plots.logit_nudge_bars(z, k)
    heights = [bar.get_height() for bar in fig.axes[1].containers[0]]
    h = mpmath.mpf("1e-20")
    up = _softmax_mp([v + (h if i == k else 0) for i, v in enumerate(z)])
    down = _softmax_mp([v - (h if i == k else 0) for i, v in enumerate(z)])
    expected = [float((a - b) / (2 * h)) for a, b in zip(up, down, strict=True)]
    np.testing.assert_allclose(heights, expected, rtol=1e-13, atol=1e-16)


def test_nudge_bars_gain_for_the_raised_class_and_sum_to_zero() -> None:
    fig = plots.logit_nudge_bars([0.5, -1.0, 2.0], 2)
    heights = np.array([bar.get_height() for bar in fig.axes[1].containers[0]])
    assert heights[2] > 0 and (heights[:2] < 0).all()
    assert abs(heights.sum()) < 1e-16


def test_nudge_bars_show_softmax_before_and_after_the_nudge() -> None:
    z, k, nudge = [1.0, 0.0, -1.0], 0, 0.5
    fig = plots.logit_nudge_bars(z, k, nudge=nudge)
    before, after = ([bar.get_height() for bar in c] for c in fig.axes[0].containers)
    np.testing.assert_allclose(before, [float(p) for p in _softmax_mp(z)], rtol=1e-15)
    raised = [1.5, 0.0, -1.0]
    np.testing.assert_allclose(after, [float(p) for p in _softmax_mp(raised)], rtol=1e-15)


@pytest.mark.parametrize("k", [3, -1, 1.0, True])
def test_nudge_bars_reject_a_class_that_is_not_there(k: object) -> None:
    with pytest.raises(ValueError, match="k must be a class index"):
        plots.logit_nudge_bars([1.0, 2.0, 3.0], k)


def test_nudge_bars_reject_a_non_positive_nudge() -> None:
    with pytest.raises(ValueError, match="nudge"):
        plots.logit_nudge_bars([1.0, 2.0], 0, nudge=0.0)


# --- loss_landscape --------------------------------------------------------------------------


def _smoothed_loss(m: np.ndarray, eps: float) -> float:
    """Cross-entropy of logits (0, -m_2, -m_3), true class 0, label (1-ε)·e_0 + ε/3."""
    z = np.array([0.0, -m[0], -m[1]])
    log_p = z - (z.max() + np.log(np.exp(z - z.max()).sum()))
    y = np.full(3, eps / 3)
    y[0] += 1 - eps
    return float(-(y * log_p).sum())


@pytest.mark.parametrize("eps", [0.05, 0.1, 0.3])
def test_the_marked_minimum_is_where_the_smoothed_loss_is_smallest(eps: float) -> None:
    found = minimize(_smoothed_loss, x0=[1.0, 0.5], args=(eps,), method="BFGS", tol=1e-12)
    np.testing.assert_allclose(found.x, smoothed_optimal_margin(eps), rtol=1e-6)
    fig = plots.loss_landscape(label_smoothing=eps, resolution=11)
    dots = [line for line in fig.axes[1].get_lines() if line.get_marker() == "o"]
    assert len(dots) == 1
    np.testing.assert_allclose(dots[0].get_xydata()[0], found.x, rtol=1e-6)


def test_the_one_hot_loss_has_no_minimum_inside_the_grid() -> None:
    """Along every direction of growing margins the one-hot loss keeps falling."""
    m = np.linspace(0.0, 30.0, 31)
    loss = np.log1p(2 * np.exp(-m))  # reference: E = log(1 + e^{-m_2} + e^{-m_3}), m_2 = m_3
    assert (np.diff(loss) < 0).all()
    fig = plots.loss_landscape(label_smoothing=0.1, resolution=11)
    assert not [line for line in fig.axes[0].get_lines() if line.get_marker() == "o"]
    assert fig.axes[0].get_title() == "one-hot label: no minimum"


def test_loss_landscape_rejects_smoothing_outside_the_open_interval() -> None:
    with pytest.raises(ValueError, match="label_smoothing"):
        plots.loss_landscape(label_smoothing=0.0)
