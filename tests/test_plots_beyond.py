"""Figures of the chapters beyond the post: labelled, drawn from the right numbers, clear errors."""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib.figure import Figure

import sce
from sce import plots


def _labelled(fig: Figure) -> bool:
    return all(ax.get_xlabel() and ax.get_ylabel() for ax in fig.axes)


def test_binary_cross_entropy_curves_draw_the_loss_and_its_derivative() -> None:
    x = np.linspace(-5.0, 5.0, 11)
    fig = plots.binary_cross_entropy_curves(x, targets=[1.0])
    ax_loss, ax_grad = fig.axes
    (loss_line,) = ax_loss.get_lines()
    grad_line = ax_grad.get_lines()[0]
    expected = sce.binary_cross_entropy_with_logits(x, np.ones_like(x), reduction="none")
    np.testing.assert_allclose(loss_line.get_ydata(), expected, rtol=1e-15)
    np.testing.assert_allclose(grad_line.get_ydata(), sce.sigmoid(x) - 1.0, rtol=1e-15)
    assert _labelled(fig)


def test_binary_cross_entropy_curves_reject_a_target_outside_the_unit_interval() -> None:
    with pytest.raises(ValueError, match="targets"):
        plots.binary_cross_entropy_curves(np.linspace(-1.0, 1.0, 3), targets=[1.5])


def test_binary_cross_entropy_curves_reject_non_finite_logits() -> None:
    with pytest.raises(ValueError, match="x must"):
        plots.binary_cross_entropy_curves([0.0, np.inf])


def test_temperature_paths_draw_one_line_per_class_on_a_log_axis() -> None:
    temps = np.geomspace(0.1, 10.0, 7)
    fig = plots.temperature_paths([2.0, 1.0, 0.1], temps)
    (ax,) = fig.axes
    class_lines = ax.get_lines()[:3]
    assert ax.get_xscale() == "log"
    for k, line in enumerate(class_lines):
        expected = [sce.softmax(np.array([2.0, 1.0, 0.1]), temperature=t)[k] for t in temps]
        np.testing.assert_allclose(line.get_ydata(), expected, rtol=1e-14)
    assert _labelled(fig)


def test_temperature_paths_reject_temperatures_that_do_not_increase() -> None:
    with pytest.raises(ValueError, match="temperatures"):
        plots.temperature_paths([1.0, 0.0], [2.0, 1.0])


def test_temperature_paths_reject_a_non_positive_temperature() -> None:
    with pytest.raises(ValueError, match="temperatures"):
        plots.temperature_paths([1.0, 0.0], [0.0, 1.0])


def test_loss_vs_margin_marks_each_optimum_on_its_curve() -> None:
    m = np.linspace(0.0, 10.0, 101)
    fig = plots.loss_vs_margin(m, {"a": (m - 4.0) ** 2, "b": m}, optima={"a": 4.0})
    (ax,) = fig.axes
    dots = [line for line in ax.get_lines() if line.get_marker() == "o"]
    assert len(dots) == 1
    assert dots[0].get_xdata()[0] == 4.0
    assert abs(dots[0].get_ydata()[0]) < 1e-12
    assert _labelled(fig)


def test_loss_vs_margin_rejects_an_optimum_of_an_unknown_setting() -> None:
    m = np.linspace(0.0, 1.0, 3)
    with pytest.raises(ValueError, match="unknown setting"):
        plots.loss_vs_margin(m, {"a": m}, optima={"b": 0.5})


def test_loss_vs_margin_rejects_a_series_of_another_length() -> None:
    with pytest.raises(ValueError, match="shape"):
        plots.loss_vs_margin([0.0, 1.0, 2.0], {"a": [1.0, 2.0]})


def test_margin_growth_draws_each_limit_as_a_dashed_line() -> None:
    steps = np.arange(10)
    fig = plots.margin_growth(steps, {"a": np.log1p(steps), "b": 1 - 0.5**steps}, limits={"b": 1})
    (ax,) = fig.axes
    dashed = [line for line in ax.get_lines() if line.get_linestyle() == "--"]
    assert len(dashed) == 1
    assert list(dashed[0].get_ydata()) == [1, 1]
    assert _labelled(fig)


def test_margin_growth_rejects_an_empty_mapping() -> None:
    with pytest.raises(ValueError, match="at least one"):
        plots.margin_growth([0, 1], {})


def test_margin_growth_draws_steps_on_a_log_axis_when_asked() -> None:
    steps = np.arange(1, 11)
    fig = plots.margin_growth(steps, {"a": np.log(steps)}, logx=True)
    assert fig.axes[0].get_xscale() == "log"


def test_margin_growth_rejects_a_zero_step_on_a_log_axis() -> None:
    with pytest.raises(ValueError, match="logx"):
        plots.margin_growth([0, 1], {"a": [0.0, 1.0]}, logx=True)
