"""The figures of the chapters on stability, batches and the benchmark results."""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib.figure import Figure

from sce import plots


def _labelled(fig: Figure) -> bool:
    return all(ax.get_xlabel() and ax.get_ylabel() for ax in fig.axes)


def test_exp_range_draws_four_regions_per_dtype() -> None:
    fig = plots.exp_range({"float32": (-104.0, -87.3, 88.7), "float64": (-745.1, -708.4, 709.8)})
    (ax,) = fig.axes
    assert len(ax.patches) == 8
    assert [t.get_text() for t in ax.get_yticklabels()] == ["float32", "float64"]
    assert _labelled(fig)


def test_exp_range_regions_end_at_the_limits() -> None:
    fig = plots.exp_range({"float32": (-104.0, -87.0, 88.0)}, xlim=200.0)
    edges = sorted({round(p.get_x(), 9) for p in fig.axes[0].patches})
    assert edges == [-200.0, -104.0, -87.0, 88.0]


def test_exp_range_rejects_limits_out_of_order() -> None:
    with pytest.raises(ValueError, match="limits of 'float32'"):
        plots.exp_range({"float32": (-87.0, -104.0, 88.0)})


def test_exp_range_rejects_no_dtype() -> None:
    with pytest.raises(ValueError, match="at least one dtype"):
        plots.exp_range({})


def test_ulp_error_vs_margin_draws_one_line_per_method_on_a_log_axis() -> None:
    fig = plots.ulp_error_vs_margin([0, 1, 2], {"a": [0.5, 1, 2], "b": [1, 2, 3]}, title="t")
    (ax,) = fig.axes
    assert ax.get_yscale() == "log"
    assert [line.get_label() for line in ax.get_legend().get_lines()] == ["a", "b"]
    assert _labelled(fig)


def test_ulp_error_vs_margin_draws_failures_at_the_ceiling_and_zeros_at_the_floor() -> None:
    fig = plots.ulp_error_vs_margin(
        [0, 1, 2], {"a": [0.0, np.nan, np.inf]}, title="t", floor=0.1, ceiling=1e3
    )
    y = fig.axes[0].get_lines()[0].get_ydata()
    np.testing.assert_array_equal(y, [0.1, 1e3, 1e3])


def test_ulp_error_vs_margin_writes_the_ceiling_label() -> None:
    fig = plots.ulp_error_vs_margin([0, 1], {"a": [1, 2]}, title="t", ceiling=10, ceiling_label="x")
    assert [t.get_text() for t in fig.axes[0].texts] == ["x"]


def test_ulp_error_vs_margin_rejects_a_series_of_the_wrong_length() -> None:
    with pytest.raises(ValueError, match="errors of 'a'"):
        plots.ulp_error_vs_margin([0, 1, 2], {"a": [1, 2]}, title="t")


def test_ulp_error_vs_margin_rejects_a_non_positive_floor() -> None:
    with pytest.raises(ValueError, match="floor"):
        plots.ulp_error_vs_margin([0, 1], {"a": [1, 2]}, title="t", floor=0)


def test_label_smoothing_bars_shows_the_gradient_prediction_minus_smoothed_label() -> None:
    p, y, s = [0.6, 0.3, 0.1], [1.0, 0.0, 0.0], [0.9, 0.05, 0.05]
    fig = plots.label_smoothing_bars(p, y, s)
    heights = [bar.get_height() for bar in fig.axes[1].containers[0]]
    np.testing.assert_allclose(heights, np.subtract(p, s), rtol=1e-15)
    assert len(fig.axes[0].containers) == 3
    assert _labelled(fig)


def test_label_smoothing_bars_rejects_mismatched_lengths() -> None:
    with pytest.raises(ValueError, match="one length"):
        plots.label_smoothing_bars([0.5, 0.5], [1, 0], [0.9, 0.05, 0.05])


def test_benchmark_times_draws_one_bar_per_implementation_and_case() -> None:
    fig = plots.benchmark_times([10, 1000, 32000], {"a": [1, 2, 3], "b": [4, 5, 6]}, title="t")
    (ax,) = fig.axes
    assert [len(c) for c in ax.containers] == [3, 3]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["C = 10", "C = 1000", "C = 32000"]
    assert _labelled(fig)


def test_benchmark_times_rejects_a_series_of_the_wrong_length() -> None:
    with pytest.raises(ValueError, match="medians of 'a'"):
        plots.benchmark_times([10, 1000], {"a": [1.0]}, title="t")


def test_ulp_error_vs_margin_takes_the_y_label() -> None:
    fig = plots.ulp_error_vs_margin([0, 1], {"a": [1, 2]}, title="t", ylabel="gradient (ulp)")
    assert fig.axes[0].get_ylabel() == "gradient (ulp)"
