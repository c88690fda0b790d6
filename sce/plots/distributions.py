"""Probability distributions: softmax outputs, labels and predictions, as bars, lines and points."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.figure import Figure

from sce.plots.style import (
    GREY,
    PREDICTION,
    TRUTH,
    WRONG,
    class_names,
    figure,
    listing,
    logit_vector,
    numbers,
    styled,
    with_alt,
)


@styled
def softmax_temperatures(
    z: Sequence[float],
    temperatures: Sequence[float],
    *,
    labels: Sequence[str] | None = None,
    alt: str | None = None,
) -> Figure:
    """Bar chart of ``softmax(z / T)`` for one logit vector at several temperatures.

    Parameters
    ----------
    z : sequence of float
        One logit vector.
    temperatures : sequence of float
        The temperatures to compare, each > 0.
    labels : sequence of str, optional
        Class names for the x-axis (default: ``1, 2, ...``).
    alt : str, optional
        What the figure shows, for readers who cannot see it; by default a description made
        from the data drawn. A blank string raises ValueError.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ValueError
        If ``z`` is not a non-empty 1-D vector or a temperature is not positive.
    TypeError
        If ``alt`` is not a string.

    Examples
    --------
    >>> fig = softmax_temperatures([2.0, 1.0, 0.1], [0.5, 1.0, 5.0])
    >>> fig.axes[0].get_xlabel()
    'class'
    """
    from sce import softmax

    z = logit_vector(z)
    temps = [float(t) for t in temperatures]
    if not temps or min(temps) <= 0:
        raise ValueError(f"temperatures must be positive, got {list(temperatures)!r}")
    names = class_names(labels, z.size, "{}")
    fig, (ax,) = figure()
    width = 0.8 / len(temps)
    x = np.arange(z.size)
    for k, t in enumerate(temps):
        p = softmax(z, temperature=t)
        ax.bar(x + (k - (len(temps) - 1) / 2) * width, p, width, label=f"T = {t:g}")
    ax.set_xticks(x, names)
    ax.set_xlabel("class")
    ax.set_ylabel(r"softmax$(z / T)$")
    ax.set_ylim(0, 1)
    ax.set_title("The same logits at several temperatures")
    ax.legend(loc="upper right")
    cold, hot = min(temps), max(temps)
    default = (
        f"Bar chart of softmax(z / T) for the logits {numbers(z, 'g')} of classes "
        f"{listing(names)}, one bar per temperature T = {listing([f'{t:g}' for t in temps])} "
        f"for each class. At T = {cold:g} the probabilities are "
        f"{numbers(softmax(z, temperature=cold))}; at T = {hot:g} they are "
        f"{numbers(softmax(z, temperature=hot))}."
    )
    return with_alt(fig, alt, default)


@styled
def prediction_vs_truth(
    prediction: Sequence[float],
    truth: Sequence[float],
    *,
    loss: float,
    title: str,
    labels: Sequence[str] | None = None,
    alt: str | None = None,
) -> Figure:
    """Predicted probabilities beside the label, with the cross-entropy printed on the figure.

    Parameters
    ----------
    prediction, truth : sequence of float
        The predicted distribution ŷ and the label y (same length).
    loss : float
        The cross-entropy of ``prediction`` against ``truth``; shown on the figure.
    title : str
        The figure's title.
    labels : sequence of str, optional
        Class names for the x-axis.
    alt : str, optional
        What the figure shows, for readers who cannot see it; by default a description made
        from the data drawn. A blank string raises ValueError.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ValueError
        If ``prediction`` and ``truth`` differ in length.
    TypeError
        If ``alt`` is not a string.

    Examples
    --------
    >>> fig = prediction_vs_truth([0.7, 0.2, 0.1], [1, 0, 0], loss=0.357, title="close")
    >>> fig.axes[0].get_ylabel()
    'probability'
    """
    p = np.asarray(prediction, dtype=float)
    y = np.asarray(truth, dtype=float)
    if p.shape != y.shape or p.ndim != 1:
        raise ValueError(
            f"prediction and truth must be 1-D of one length, got {p.shape}, {y.shape}"
        )
    names = class_names(labels, p.size, "{}")
    fig, (ax,) = figure(width=5.2, height=3.2)
    x = np.arange(p.size)
    ax.bar(x - 0.2, y, 0.4, color=TRUTH, label=r"label $y$")
    ax.bar(x + 0.2, p, 0.4, color=PREDICTION, label=r"prediction $\hat y$")
    ax.set_xticks(x, names)
    ax.set_xlabel("class")
    ax.set_ylabel("probability")
    ax.set_ylim(0, 1.15)
    ax.set_title(title)
    ax.legend(loc="upper right")
    ax.text(
        0.02,
        0.95,
        f"cross-entropy E = {loss:.3f}",
        transform=ax.transAxes,
        va="top",
        fontsize=11,
        bbox={"boxstyle": "round", "facecolor": "white", "edgecolor": "#999999"},
    )
    default = (
        f"{title}: bar chart of the label y ({numbers(y, 'g')}) beside the prediction ŷ "
        f"({numbers(p)}) for classes {listing(names)}; the cross-entropy is E = {loss:.3f}."
    )
    return with_alt(fig, alt, default)


@styled
def temperature_paths(
    z: Sequence[float],
    temperatures: Sequence[float],
    *,
    labels: Sequence[str] | None = None,
    alt: str | None = None,
) -> Figure:
    """The probability of each class, ``softmax(z / T)``, against the temperature T (log axis).

    Parameters
    ----------
    z : sequence of float
        One logit vector.
    temperatures : sequence of float
        The temperatures, positive and increasing (the x-axis, drawn on a log scale).
    labels : sequence of str, optional
        Class names for the legend (default: ``class 1``, ``class 2``, ...).
    alt : str, optional
        What the figure shows, for readers who cannot see it; by default a description made
        from the data drawn. A blank string raises ValueError.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ValueError
        If ``z`` is not a non-empty 1-D vector, the temperatures are not positive and
        increasing (at least two), or ``labels`` has the wrong length.
    TypeError
        If ``alt`` is not a string.

    Examples
    --------
    >>> fig = temperature_paths([2.0, 1.0, 0.1], np.geomspace(0.1, 10, 5))
    >>> fig.axes[0].get_xscale()
    'log'
    """
    from sce import softmax

    z = logit_vector(z)
    temps = np.asarray(temperatures, dtype=float)
    if temps.ndim != 1 or temps.size < 2 or temps.min() <= 0 or (np.diff(temps) <= 0).any():
        raise ValueError("temperatures must be at least two positive, increasing values")
    names = class_names(labels, z.size, "class {}")
    probs = softmax(z[None, :] / temps[:, None])
    fig, (ax,) = figure(width=6.0, height=3.4)
    for k in range(z.size):
        ax.plot(temps, probs[:, k], lw=1.8, label=names[k])
    ax.axhline(1 / z.size, color=GREY, ls="--", lw=1)
    ax.annotate(
        f"uniform, 1/{z.size}",
        (temps[0], 1 / z.size),
        xytext=(2, 4),
        textcoords="offset points",
        color=GREY,
    )
    ax.set_xscale("log")
    ax.set_xlim(temps[0], temps[-1])
    ax.set_ylim(0, 1.02)
    ax.set_xlabel("temperature $T$")
    ax.set_ylabel(r"softmax$(z / T)_i$")
    ax.set_title("Cold is one-hot, hot is uniform")
    ax.legend(loc="center right")
    default = (
        f"Line chart of the probability softmax(z / T) of each of {listing(names)} against the "
        f"temperature T on a log scale from {temps[0]:g} to {temps[-1]:g}, for the logits "
        f"{numbers(z, 'g')}. At T = {temps[0]:g} the probabilities are {numbers(probs[0])}; at "
        f"T = {temps[-1]:g} they are {numbers(probs[-1])}, near the dashed uniform level "
        f"1/{z.size}."
    )
    return with_alt(fig, alt, default)


@styled
def label_smoothing_bars(
    prediction: Sequence[float],
    label: Sequence[float],
    smoothed: Sequence[float],
    *,
    alt: str | None = None,
) -> Figure:
    """A label, its smoothed version and a prediction; beside them the gradient ŷ − y_smoothed.

    Parameters
    ----------
    prediction : sequence of float
        The predicted distribution ŷ.
    label, smoothed : sequence of float
        The label y and the smoothed label (same length as ``prediction``).
    alt : str, optional
        What the figure shows, for readers who cannot see it; by default a description made
        from the data drawn. A blank string raises ValueError.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ValueError
        If the three vectors are not 1-D of one length.
    TypeError
        If ``alt`` is not a string.

    Examples
    --------
    >>> fig = label_smoothing_bars([0.6, 0.3, 0.1], [1, 0, 0], [0.9, 0.05, 0.05])
    >>> [ax.get_ylabel() for ax in fig.axes]
    ['probability', 'gradient of the loss']
    """
    p, y, s = (np.asarray(a, dtype=float) for a in (prediction, label, smoothed))
    if not p.shape == y.shape == s.shape or p.ndim != 1:
        raise ValueError(
            f"prediction, label and smoothed must be 1-D of one length, got "
            f"{p.shape}, {y.shape}, {s.shape}"
        )
    fig, (ax, ax_grad) = figure(2, width=8.0, height=3.2)
    x = np.arange(p.size)
    names = [str(k + 1) for k in range(p.size)]
    ax.bar(x - 0.27, y, 0.27, color="#999999", label=r"label $y$")
    ax.bar(x, s, 0.27, color=TRUTH, label=r"smoothed $y_\varepsilon$")
    ax.bar(x + 0.27, p, 0.27, color=PREDICTION, label=r"prediction $\hat y$")
    ax.set_xticks(x, names)
    ax.set_xlabel("class")
    ax.set_ylabel("probability")
    ax.set_ylim(0, 1.15)
    ax.legend(loc="upper right")
    g = p - s
    ax_grad.bar(x, g, 0.5, color=[WRONG if v > 0 else TRUTH for v in g])
    ax_grad.axhline(0, color=GREY, lw=0.8)
    ax_grad.set_xticks(x, names)
    ax_grad.set_xlabel("class")
    ax_grad.set_ylabel("gradient of the loss")
    ax_grad.set_title(r"$\hat y - y_\varepsilon$")
    default = (
        f"Two bar charts over classes {listing(names)}. Left: the label y ({numbers(y, 'g')}), "
        f"the smoothed label ({numbers(s)}) and the prediction ŷ ({numbers(p)}). Right: the "
        f"gradient ŷ minus the smoothed label, {numbers(g, '+.2f')}; positive bars (the loss "
        f"pushes the logit down) in red, negative in green."
    )
    return with_alt(fig, alt, default)
