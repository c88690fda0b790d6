"""The book's figures, in one consistent style.

Every function returns a :class:`matplotlib.figure.Figure` built without ``pyplot``, so a
notebook shows a figure exactly once (when it is the cell's value) and no global state leaks
between chapters. Axes are labelled and the caption in the chapter says what to see.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence

import matplotlib as mpl
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

__all__ = [
    "STYLE",
    "figure",
    "prediction_vs_truth",
    "softmax_temperatures",
    "surprise_curve",
]

#: The book's style: applied to every figure made here.
STYLE: dict[str, object] = {
    "figure.dpi": 100,
    "savefig.dpi": 100,
    "font.size": 10,
    "axes.titlesize": 11,
    "axes.labelsize": 10,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "legend.frameon": False,
    "axes.prop_cycle": mpl.cycler(
        color=["#1f5fa8", "#d1495b", "#2e8b57", "#edae49", "#6a4c93", "#00798c", "#555555"]
    ),
}

#: Colours with a meaning that stays the same across chapters.
TRUTH = "#2e8b57"
PREDICTION = "#1f5fa8"
WRONG = "#d1495b"


def figure(ncols: int = 1, *, width: float = 6.4, height: float = 3.4) -> tuple[Figure, list[Axes]]:
    """Make an empty figure in the book's style.

    Parameters
    ----------
    ncols : int
        Number of side-by-side axes.
    width, height : float
        Size of the whole figure in inches.

    Returns
    -------
    fig : matplotlib.figure.Figure
        The figure (not registered with ``pyplot``).
    axes : list of matplotlib.axes.Axes
        Its axes, left to right.

    Raises
    ------
    ValueError
        If ``ncols`` is not a positive integer.

    Examples
    --------
    >>> fig, (ax,) = figure()
    >>> type(fig).__name__, len(fig.axes)
    ('Figure', 1)
    """
    if not isinstance(ncols, int) or ncols < 1:
        raise ValueError(f"ncols must be a positive integer, got {ncols!r}")
    with mpl.rc_context(STYLE):
        fig = Figure(figsize=(width, height), layout="constrained")
        axes = [fig.add_subplot(1, ncols, k + 1) for k in range(ncols)]
    return fig, axes


def _styled(fn: Callable[..., Figure]) -> Callable[..., Figure]:
    """Run a plotting function under the book's style."""

    @functools.wraps(fn)
    def wrapper(*args: object, **kwargs: object) -> Figure:
        with mpl.rc_context(STYLE):
            return fn(*args, **kwargs)

    return wrapper


@_styled
def softmax_temperatures(
    z: Sequence[float], temperatures: Sequence[float], *, labels: Sequence[str] | None = None
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

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ValueError
        If ``z`` is not a non-empty 1-D vector or a temperature is not positive.

    Examples
    --------
    >>> fig = softmax_temperatures([2.0, 1.0, 0.1], [0.5, 1.0, 5.0])
    >>> fig.axes[0].get_xlabel()
    'class'
    """
    from sce import softmax

    z = np.asarray(z, dtype=float)
    if z.ndim != 1 or z.size == 0:
        raise ValueError(f"z must be a non-empty 1-D vector, got shape {z.shape}")
    temps = [float(t) for t in temperatures]
    if not temps or min(temps) <= 0:
        raise ValueError(f"temperatures must be positive, got {list(temperatures)!r}")
    names = list(labels) if labels is not None else [str(k + 1) for k in range(z.size)]
    if len(names) != z.size:
        raise ValueError(f"labels must have {z.size} entries, got {len(names)}")
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
    return fig


@_styled
def prediction_vs_truth(
    prediction: Sequence[float],
    truth: Sequence[float],
    *,
    loss: float,
    title: str,
    labels: Sequence[str] | None = None,
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

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ValueError
        If ``prediction`` and ``truth`` differ in length.

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
    names = list(labels) if labels is not None else [str(k + 1) for k in range(p.size)]
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
    return fig


@_styled
def surprise_curve(*, marks: Sequence[float] = ()) -> Figure:
    """The cost −log p of giving probability p to the true class, for p in (0, 1].

    Parameters
    ----------
    marks : sequence of float
        Probabilities to mark on the curve with their cost.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ValueError
        If a mark is outside (0, 1].

    Examples
    --------
    >>> fig = surprise_curve(marks=[0.9, 0.1])
    >>> fig.axes[0].get_xlabel()
    'probability given to the true class, p'
    """
    marks = [float(m) for m in marks]
    if any(not 0 < m <= 1 for m in marks):
        raise ValueError(f"marks must lie in (0, 1], got {marks!r}")
    fig, (ax,) = figure(width=5.2, height=3.2)
    p = np.linspace(1e-3, 1, 500)
    ax.plot(p, -np.log(p), color=PREDICTION)
    for m in marks:
        ax.plot([m], [-np.log(m)], "o", color=WRONG)
        ax.annotate(
            f"p = {m:g}: cost {-np.log(m):.2f}",
            (m, -np.log(m)),
            xytext=(8, 8),
            textcoords="offset points",
        )
    ax.set_xlabel("probability given to the true class, p")
    ax.set_ylabel(r"cost $-\log p$")
    ax.set_xlim(0, 1.02)
    ax.set_ylim(0, 7)
    ax.set_title("Cross-entropy charges the surprise of the truth")
    return fig
