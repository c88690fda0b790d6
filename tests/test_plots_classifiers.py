"""The figures of a classifier on real images: what they draw and how they refuse bad input."""

from __future__ import annotations

import numpy as np
import pytest

from sce import plots
from sce.calibration import expected_calibration_error


def test_the_reliability_diagram_draws_accuracy_per_bin_and_states_the_ece() -> None:
    rng = np.random.default_rng(0)
    z = rng.normal(scale=3, size=(300, 4))
    p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    y = rng.integers(0, 4, size=300)
    fig = plots.reliability_diagram({"random labels": (p, y)}, n_bins=10)
    (ax,) = fig.axes
    heights = [bar.get_height() for bar in ax.patches]
    conf, hit = p.max(axis=1), p.argmax(axis=1) == y
    expected = [
        hit[(conf > (m - 1) / 10) & (conf <= m / 10)].mean()
        for m in range(1, 11)
        if ((conf > (m - 1) / 10) & (conf <= m / 10)).any()
    ]
    np.testing.assert_allclose(heights, expected)
    assert f"{expected_calibration_error(p, y, 10):.3f}" in ax.get_title()
    assert "ECE" in fig.alt


def test_the_confusion_matrix_counts_pairs() -> None:
    fig = plots.confusion_matrix([0, 1, 1, 2, 2, 2], [0, 1, 2, 2, 2, 1])
    texts = sorted(t.get_text() for t in fig.axes[0].texts)
    assert texts == ["1", "1", "1", "1", "2"]
    assert "4 on the diagonal" in fig.alt


def test_templates_and_images_have_one_panel_each_and_an_alt_text() -> None:
    assert len(plots.class_templates(np.ones((64, 3))).axes) == 3
    fig = plots.digit_images(np.zeros((12, 8, 8)), list(range(12)), columns=5)
    assert len(fig.axes) == 12 and "12 handwritten digits" in fig.alt


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: plots.digit_images(np.zeros((2, 7, 7)), [0, 1]), "must be 8 by 8"),
        (lambda: plots.digit_images(np.zeros((2, 64)), [0]), "labels must have 2"),
        (lambda: plots.class_templates(np.zeros((10, 3))), r"shape \(64, C\)"),
        (lambda: plots.confusion_matrix([0, 1], [0]), "of one length"),
        (lambda: plots.reliability_diagram({}), "at least one"),
    ],
)
def test_bad_input_is_refused(call, match) -> None:
    with pytest.raises(ValueError, match=match):
        call()
