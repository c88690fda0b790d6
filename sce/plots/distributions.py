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
        f"cross-entropy $\\ell$ = {loss:.3f}",
        transform=ax.transAxes,
        va="top",
        fontsize=11,
        bbox={"boxstyle": "round", "facecolor": "white", "edgecolor": "#999999"},
    )
    default = (
        f"{title}: bar chart of the label y ({numbers(y, 'g')}) beside the prediction ŷ "
        f"({numbers(p)}) for classes {listing(names)}; the cross-entropy is ℓ = {loss:.3f}."
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
    ax.bar(x, s, 0.27, color=TRUTH, label=r"smoothed $y^{\varepsilon}$")
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
    ax_grad.set_title(r"$\hat y - y^{\varepsilon}$")
    default = (
        f"Two bar charts over classes {listing(names)}. Left: the label y ({numbers(y, 'g')}), "
        f"the smoothed label ({numbers(s)}) and the prediction ŷ ({numbers(p)}). Right: the "
        f"gradient ŷ minus the smoothed label, {numbers(g, '+.2f')}; positive bars (the loss "
        f"pushes the logit down) in red, negative in green."
    )
    return with_alt(fig, alt, default)


#: Corners of the probability simplex for three classes, drawn as an equilateral triangle.
_CORNERS = np.array([[0.0, 0.0], [1.0, 0.0], [0.5, np.sqrt(3.0) / 2.0]])


def simplex_xy(p: np.ndarray) -> np.ndarray:
    """Plane coordinates of distributions over three classes (rows of ``p``) in the triangle."""
    return np.asarray(p, dtype=float) @ _CORNERS


@styled
def probability_simplex(
    z: Sequence[float],
    temperatures: Sequence[float] | None = None,
    *,
    marks: Sequence[float] = (0.25, 1.0, 4.0),
    labels: Sequence[str] | None = None,
    alt: str | None = None,
) -> Figure:
    """The path of ``softmax(z / T)`` through the probability simplex of three classes.

    Every distribution over three classes is a point of the triangle: a corner is a one-hot
    distribution, the centre the uniform one. As T goes from 0 to ∞ the softmax of ``z / T``
    travels from the corner of the largest logit to the centre.

    Parameters
    ----------
    z : sequence of float
        Three logits, finite.
    temperatures : sequence of float, optional
        The temperatures of the path, positive and increasing (default: 200 values from 0.02
        to 200 on a log scale).
    marks : sequence of float
        Temperatures marked on the path with a dot and ``T = ...``.
    labels : sequence of str, optional
        Names of the three classes, written at the corners (default ``class 1``, ...).
    alt : str, optional
        What the figure shows, for readers who cannot see it; by default a description made
        from the data drawn. A blank string raises ValueError.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ValueError
        If ``z`` does not hold three finite values, the temperatures or marks are not
        positive, the temperatures do not increase, or ``labels`` has not three entries.
    TypeError
        If ``alt`` is not a string.

    Examples
    --------
    >>> fig = probability_simplex([2.0, 1.0, 0.1])
    >>> fig.axes[0].get_title()
    'softmax(z / T) from T → 0 to T → ∞'
    """
    from sce import softmax

    z = logit_vector(z)
    if z.size != 3 or not np.isfinite(z).all():
        raise ValueError(f"z must hold three finite logits, got {z.tolist()!r}")
    temps = np.geomspace(0.02, 200.0, 200) if temperatures is None else np.asarray(temperatures)
    temps = temps.astype(float)
    if temps.ndim != 1 or temps.size < 2 or temps.min() <= 0 or (np.diff(temps) <= 0).any():
        raise ValueError("temperatures must be at least two positive, increasing values")
    marks = [float(t) for t in marks]
    if any(t <= 0 for t in marks):
        raise ValueError(f"marks must be positive temperatures, got {marks!r}")
    names = class_names(labels, 3, "class {}")
    path = softmax(z[None, :] / temps[:, None])
    xy = simplex_xy(path)
    fig, (ax,) = figure(width=5.0, height=4.3)
    ax.fill(*_CORNERS.T, facecolor="#f2f2f2", edgecolor=GREY, lw=1)
    offsets = [(0, -14), (0, -14), (0, 7)]
    aligns = ["center", "center", "center"]
    for k in range(3):
        ax.annotate(
            f"{names[k]} (one-hot)",
            _CORNERS[k],
            xytext=offsets[k],
            textcoords="offset points",
            ha=aligns[k],
        )
    ax.plot(*xy.T, color=PREDICTION, lw=2, label=r"softmax$(z / T)$")
    centre = simplex_xy(np.full(3, 1 / 3))
    ax.plot(*centre, "o", color=TRUTH, ms=7, label="uniform (T → ∞)")
    for t in marks:
        point = simplex_xy(softmax(z / t))
        ax.plot(*point, "o", color=WRONG, ms=5)
        ax.annotate(f"T = {t:g}", point, xytext=(6, 2), textcoords="offset points", fontsize=9)
    ax.set_aspect("equal")
    ax.set_xlim(-0.2, 1.2)
    ax.set_ylim(-0.12, 0.98)
    ax.set_xlabel("each point of the triangle is a distribution over the three classes")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.grid(False)
    for side in ("left", "bottom"):
        ax.spines[side].set_visible(False)
    ax.set_title("softmax(z / T) from T → 0 to T → ∞")
    ax.legend(loc="upper left", fontsize=9)
    top = int(np.argmax(z))
    default = (
        f"A triangle whose corners are the one-hot distributions of {listing(names)} and whose "
        f"centre is the uniform distribution. A curve traces softmax(z / T) for the logits "
        f"{numbers(z, 'g')} as the temperature T grows from {temps[0]:g} to {temps[-1]:g}: it "
        f"starts at the corner of {names[top]} (probabilities {numbers(path[0])}) and ends near "
        f"the centre ({numbers(path[-1])})."
        + (
            " Marked: " + listing([f"T = {t:g} at {numbers(softmax(z / t))}" for t in marks]) + "."
            if marks
            else ""
        )
    )
    return with_alt(fig, alt, default)
