"""The book's figures: labelled, in one style, with clear errors on bad input."""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib.figure import Figure

from sce import plots


def _labelled(fig: Figure) -> bool:
    return all(ax.get_xlabel() and ax.get_ylabel() for ax in fig.axes)


def test_softmax_temperatures_draws_one_bar_group_per_temperature() -> None:
    fig = plots.softmax_temperatures([2.0, 1.0, 0.1], [0.5, 1.0, 5.0])
    (ax,) = fig.axes
    assert len(ax.containers) == 3
    assert _labelled(fig)


def test_softmax_temperatures_bars_are_the_softmax() -> None:
    fig = plots.softmax_temperatures([1.0, 0.0], [1.0])
    heights = [bar.get_height() for bar in fig.axes[0].containers[0]]
    e = np.exp(1.0)
    np.testing.assert_allclose(heights, [e / (e + 1), 1 / (e + 1)], rtol=1e-15)


def test_softmax_temperatures_rejects_non_positive_temperature() -> None:
    with pytest.raises(ValueError, match="temperatures"):
        plots.softmax_temperatures([1.0, 2.0], [1.0, 0.0])


def test_prediction_vs_truth_prints_the_loss() -> None:
    fig = plots.prediction_vs_truth([0.7, 0.2, 0.1], [1, 0, 0], loss=0.35667, title="t")
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert "cross-entropy $\\ell$ = 0.357" in texts
    assert _labelled(fig)


def test_prediction_vs_truth_rejects_mismatched_lengths() -> None:
    with pytest.raises(ValueError, match="prediction and truth"):
        plots.prediction_vs_truth([0.5, 0.5], [1, 0, 0], loss=1.0, title="t")


def test_surprise_curve_rejects_marks_outside_the_unit_interval() -> None:
    with pytest.raises(ValueError, match="marks"):
        plots.surprise_curve(marks=[0.0])


def test_gradient_saturation_rejects_mismatched_shapes() -> None:
    with pytest.raises(ValueError, match="one shape"):
        plots.gradient_saturation(np.ones(3), np.ones(3), np.ones(2))


def test_figures_do_not_touch_pyplot() -> None:
    import matplotlib.pyplot as plt

    before = plt.get_fignums()
    plots.surprise_curve()
    assert plt.get_fignums() == before


def test_figure_rejects_bad_column_count() -> None:
    with pytest.raises(ValueError, match="ncols"):
        plots.figure(0)


def test_accuracy_vs_margin_draws_one_line_per_named_method() -> None:
    data = {
        "margin_series": {
            "float32": {"margin": [0, 1, 2], "loss_ulp": {"a": [0.5, 1.0, None], "b": [1, 2, 3]}}
        }
    }
    fig = plots.accuracy_vs_margin(data, "float32", names={"a": "method a"})
    labels = [line.get_label() for line in fig.axes[0].get_lines()]
    assert "method a" in labels and "b" not in labels


def test_accuracy_vs_margin_names_a_missing_series() -> None:
    data = {"margin_series": {"float64": {"margin": [0], "loss_ulp": {"a": [1.0]}}}}
    with pytest.raises(KeyError, match="grad_true_class_ulp"):
        plots.accuracy_vs_margin(data, "float64", quantity="grad_true_class_ulp")
