"""The book's figures, in one consistent style.

Every function returns a :class:`matplotlib.figure.Figure` built without ``pyplot``, so a
notebook shows a figure exactly once (when it is the cell's value) and no global state leaks
between chapters. Axes are labelled, the caption in the chapter says what to see, and every
figure carries an alt text that says what it shows (``fig.alt``; each function takes ``alt=``).

The functions live in modules named for what they draw: ``classifiers`` (images, templates,
confusions and calibration of a classifier), ``distributions`` (softmax outputs,
labels, the probability simplex), ``losses``, ``gradients``, ``training`` and ``numerics``
(floating point and benchmarks); ``style`` holds what they share.
"""

from __future__ import annotations

from sce.plots.classifiers import (
    class_templates,
    confusion_matrix,
    digit_images,
    reliability_diagram,
)
from sce.plots.distributions import (
    label_smoothing_bars,
    prediction_vs_truth,
    probability_simplex,
    softmax_temperatures,
    temperature_paths,
)
from sce.plots.gradients import gradient_saturation, logit_nudge_bars
from sce.plots.losses import (
    binary_cross_entropy_curves,
    loss_landscape,
    loss_vs_margin,
    losses_along_line,
    surprise_curve,
)
from sce.plots.numerics import (
    accuracy_vs_margin,
    benchmark_times,
    exp_range,
    ulp_error_vs_margin,
)
from sce.plots.style import PREDICTION, STYLE, TRUTH, WRONG, BookFigure, figure
from sce.plots.training import decision_regions, margin_growth, training_curves

__all__ = [
    "PREDICTION",
    "STYLE",
    "TRUTH",
    "WRONG",
    "BookFigure",
    "accuracy_vs_margin",
    "benchmark_times",
    "binary_cross_entropy_curves",
    "class_templates",
    "confusion_matrix",
    "decision_regions",
    "digit_images",
    "exp_range",
    "figure",
    "gradient_saturation",
    "label_smoothing_bars",
    "logit_nudge_bars",
    "loss_landscape",
    "loss_vs_margin",
    "losses_along_line",
    "margin_growth",
    "prediction_vs_truth",
    "probability_simplex",
    "reliability_diagram",
    "softmax_temperatures",
    "surprise_curve",
    "temperature_paths",
    "training_curves",
    "ulp_error_vs_margin",
]
