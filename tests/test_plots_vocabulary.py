"""Figures of the vocabulary-scale chapter: drawn from the right numbers, labelled, clear errors."""

from __future__ import annotations

import numpy as np
import pytest

from sce import plots
from sce.plots.vocabulary import MIB


def test_peak_memory_draws_each_route_in_mib_on_log_axes() -> None:
    v = [1024, 2048, 4096]
    peaks = {"materialised": [4 * MIB, 8 * MIB, 16 * MIB], "blocked": [MIB, MIB, 1.5 * MIB]}
    fig = plots.peak_memory_vs_classes(v, peaks, logits=[2 * MIB, 4 * MIB, 8 * MIB])
    (ax,) = fig.axes
    lines = ax.get_lines()
    assert [line.get_label() for line in lines] == ["materialised", "blocked", "the N × V logits"]
    np.testing.assert_array_equal(lines[0].get_xdata(), v)
    np.testing.assert_allclose(lines[0].get_ydata(), [4, 8, 16], rtol=0)
    np.testing.assert_allclose(lines[1].get_ydata(), [1, 1, 1.5], rtol=0)
    np.testing.assert_allclose(lines[2].get_ydata(), [2, 4, 8], rtol=0)
    assert (ax.get_xscale(), ax.get_yscale()) == ("log", "log")
    assert ax.get_xlabel() and ax.get_ylabel()
    assert "from 4 to 16 MiB" in fig.alt and "dashed line" in fig.alt


def test_peak_memory_rejects_a_series_of_another_length() -> None:
    with pytest.raises(ValueError, match="'a' has shape"):
        plots.peak_memory_vs_classes([1, 2, 3], {"a": [1.0, 2.0]})


def test_peak_memory_rejects_classes_that_do_not_increase() -> None:
    with pytest.raises(ValueError, match="classes must be positive"):
        plots.peak_memory_vs_classes([4, 2], {"a": [1.0, 2.0]})


def test_peak_memory_rejects_a_zero_peak_on_its_log_axis() -> None:
    with pytest.raises(ValueError, match="positive bytes"):
        plots.peak_memory_vs_classes([1, 2], {"a": [0.0, 2.0]})


def test_peak_memory_needs_a_route() -> None:
    with pytest.raises(ValueError, match="at least one route"):
        plots.peak_memory_vs_classes([1, 2], {})


def test_time_vs_block_size_draws_the_times_and_marks_the_default() -> None:
    rows, seconds = [8, 16, 32, 64], [3.0, 2.5, 2.25, 2.5]
    fig = plots.time_vs_block_size(rows, seconds, default=32)
    (ax,) = fig.axes
    curve, marker = ax.get_lines()
    np.testing.assert_array_equal(curve.get_xdata(), rows)
    np.testing.assert_array_equal(curve.get_ydata(), seconds)
    assert list(marker.get_xdata()) == [32, 32]
    assert ax.get_xscale() == "log"
    assert "fastest (2.25 s) at 32 rows" in fig.alt
    assert "default, 32 rows" in fig.alt


def test_time_vs_block_size_rejects_a_non_positive_time() -> None:
    with pytest.raises(ValueError, match="seconds must be positive"):
        plots.time_vs_block_size([8, 16], [1.0, -1.0])


def test_time_vs_block_size_rejects_a_bad_default() -> None:
    with pytest.raises(ValueError, match="default"):
        plots.time_vs_block_size([8, 16], [1.0, 1.0], default=0)


def test_vocabulary_figures_take_the_callers_alt_text() -> None:
    fig = plots.time_vs_block_size([8, 16], [1.0, 2.0], alt="Two times.")
    assert fig.alt == "Two times."
    with pytest.raises(ValueError, match="blank"):
        plots.peak_memory_vs_classes([1, 2], {"a": [1.0, 2.0]}, alt=" ")
