"""The book's figures, in one consistent style.

Every function returns a :class:`matplotlib.figure.Figure` built without ``pyplot``, so a
notebook shows a figure exactly once (when it is the cell's value) and no global state leaks
between chapters. Axes are labelled and the caption in the chapter says what to see.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import matplotlib as mpl
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

__all__ = [
    "STYLE",
    "BookFigure",
    "accuracy_vs_margin",
    "benchmark_times",
    "binary_cross_entropy_curves",
    "decision_regions",
    "exp_range",
    "figure",
    "gradient_saturation",
    "label_smoothing_bars",
    "loss_vs_margin",
    "losses_along_line",
    "margin_growth",
    "prediction_vs_truth",
    "softmax_temperatures",
    "surprise_curve",
    "temperature_paths",
    "training_curves",
    "ulp_error_vs_margin",
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


class BookFigure(Figure):
    """A matplotlib figure that shows itself as a PNG in a notebook, with or without pyplot."""

    def _repr_png_(self) -> bytes:
        buffer = io.BytesIO()
        self.savefig(buffer, format="png", dpi=110)
        return buffer.getvalue()

    def __repr__(self) -> str:
        width, height = self.get_size_inches()
        return f"<figure {width:g} x {height:g} in, {len(self.axes)} axes>"


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
    ('BookFigure', 1)
    """
    if not isinstance(ncols, int) or ncols < 1:
        raise ValueError(f"ncols must be a positive integer, got {ncols!r}")
    with mpl.rc_context(STYLE):
        fig = BookFigure(figsize=(width, height), layout="constrained")
        axes = [fig.add_subplot(1, ncols, k + 1) for k in range(ncols)]
    return fig, axes


def _styled(fn: Callable[..., Figure]) -> Callable[..., Figure]:
    """Run a plotting function under the book's style."""

    @functools.wraps(fn)
    def wrapper(*args: object, **kwargs: object) -> Figure:
        with mpl.rc_context(STYLE):
            return fn(*args, **kwargs)

    return wrapper


def _logit_vector(z: Sequence[float]) -> np.ndarray:
    """One logit vector as a float array; ValueError unless it is 1-D and non-empty."""
    z = np.asarray(z, dtype=float)
    if z.ndim != 1 or z.size == 0:
        raise ValueError(f"z must be a non-empty 1-D vector, got shape {z.shape}")
    return z


def _class_names(labels: Sequence[str] | None, size: int, default: str) -> list[str]:
    """The given class names, or ``default`` formatted with 1, 2, ...; one per class."""
    names = list(labels) if labels is not None else [default.format(k + 1) for k in range(size)]
    if len(names) != size:
        raise ValueError(f"labels must have {size} entries, got {len(names)}")
    return names


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

    z = _logit_vector(z)
    temps = [float(t) for t in temperatures]
    if not temps or min(temps) <= 0:
        raise ValueError(f"temperatures must be positive, got {list(temperatures)!r}")
    names = _class_names(labels, z.size, "{}")
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


@_styled
def gradient_saturation(p_true: np.ndarray, ce_grad: np.ndarray, se_grad: np.ndarray) -> Figure:
    """Size of the gradient on the true logit against the probability given to the true class.

    Parameters
    ----------
    p_true : numpy.ndarray
        Probabilities of the true class, increasing.
    ce_grad, se_grad : numpy.ndarray
        ``|∂E/∂z_true|`` for cross-entropy and for squared error through softmax, at each
        ``p_true``.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ValueError
        If the three arrays differ in shape.

    Examples
    --------
    >>> p = np.linspace(0.01, 0.99, 5)
    >>> fig = gradient_saturation(p, 1 - p, p * (1 - p))
    >>> fig.axes[0].get_xlabel()
    'probability given to the true class'
    """
    p_true, ce_grad, se_grad = (np.asarray(a, dtype=float) for a in (p_true, ce_grad, se_grad))
    if not p_true.shape == ce_grad.shape == se_grad.shape:
        raise ValueError(
            f"p_true, ce_grad and se_grad must have one shape, got "
            f"{p_true.shape}, {ce_grad.shape}, {se_grad.shape}"
        )
    fig, (ax,) = figure(width=5.6, height=3.3)
    ax.plot(p_true, ce_grad, color=PREDICTION, label="cross-entropy")
    ax.plot(p_true, se_grad, color=WRONG, label="squared error through softmax")
    ax.set_xlabel("probability given to the true class")
    ax.set_ylabel(r"$|\partial E / \partial z_{\mathrm{true}}|$")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1.05)
    ax.set_title("Learning signal when the prediction is wrong")
    ax.legend(loc="upper right")
    return fig


@_styled
def training_curves(loss: Sequence[float], accuracy: Sequence[float], *, n_classes: int) -> Figure:
    """Training loss (with the ln C level of an untrained model) and accuracy per step.

    Parameters
    ----------
    loss, accuracy : sequence of float
        One value per gradient-descent step.
    n_classes : int
        The number of classes C; a dashed line marks ln C on the loss axis.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ValueError
        If the two sequences differ in length or are empty.

    Examples
    --------
    >>> fig = training_curves([1.1, 0.7, 0.5], [0.4, 0.8, 0.9], n_classes=3)
    >>> [ax.get_ylabel() for ax in fig.axes]
    ['mean cross-entropy', 'accuracy']
    """
    loss = np.asarray(loss, dtype=float)
    accuracy = np.asarray(accuracy, dtype=float)
    if loss.shape != accuracy.shape or loss.ndim != 1 or loss.size == 0:
        raise ValueError(
            f"loss and accuracy must be non-empty and of one length, got {loss.shape} "
            f"and {accuracy.shape}"
        )
    fig, (ax_loss, ax_acc) = figure(2, width=8.0, height=3.2)
    steps = np.arange(loss.size)
    ax_loss.plot(steps, loss, color=PREDICTION)
    ax_loss.axhline(np.log(n_classes), color="#555555", ls="--", lw=1)
    ax_loss.annotate(
        f"ln {n_classes} = {np.log(n_classes):.3f}",
        (steps[-1], np.log(n_classes)),
        xytext=(0, 4),
        textcoords="offset points",
        ha="right",
    )
    ax_loss.set_xlabel("gradient-descent step")
    ax_loss.set_ylabel("mean cross-entropy")
    ax_loss.set_ylim(0, max(loss.max(), np.log(n_classes)) * 1.15)
    ax_acc.plot(steps, accuracy, color=TRUTH)
    ax_acc.set_xlabel("gradient-descent step")
    ax_acc.set_ylabel("accuracy")
    ax_acc.set_ylim(0, 1.02)
    return fig


@_styled
def decision_regions(
    predict: Callable[[np.ndarray], np.ndarray],
    x: np.ndarray,
    labels: np.ndarray,
    *,
    resolution: int = 300,
) -> Figure:
    """The class a 2-D classifier predicts at each point of the plane, with the data on top.

    Parameters
    ----------
    predict : callable
        Maps an array of points, shape ``(m, 2)``, to predicted class indices, shape ``(m,)``.
    x : numpy.ndarray
        The data, shape ``(N, 2)``.
    labels : numpy.ndarray
        The true class of each point, shape ``(N,)``, integers from 0.
    resolution : int
        Grid points along each axis.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ValueError
        If ``x`` is not of shape ``(N, 2)`` or ``labels`` not of shape ``(N,)``.

    Examples
    --------
    >>> pts = np.array([[0.0, 0.0], [1.0, 1.0]])
    >>> fig = decision_regions(lambda p: (p.sum(axis=1) > 1).astype(int), pts, np.array([0, 1]))
    >>> fig.axes[0].get_xlabel()
    '$x_1$'
    """
    x = np.asarray(x, dtype=float)
    labels = np.asarray(labels)
    if x.ndim != 2 or x.shape[1] != 2:
        raise ValueError(f"x must have shape (N, 2), got {x.shape}")
    if labels.shape != (x.shape[0],):
        raise ValueError(f"labels must have shape ({x.shape[0]},), got {labels.shape}")
    pad = 0.5
    lo, hi = x.min(axis=0) - pad, x.max(axis=0) + pad
    axis1 = np.linspace(lo[0], hi[0], resolution)
    axis2 = np.linspace(lo[1], hi[1], resolution)
    g1, g2 = np.meshgrid(axis1, axis2)
    grid = np.column_stack([g1.ravel(), g2.ravel()])
    regions = np.asarray(predict(grid)).reshape(g1.shape)
    colors = list(STYLE["axes.prop_cycle"].by_key()["color"])
    n = int(max(labels.max(), regions.max())) + 1
    cmap = mpl.colors.ListedColormap(colors[:n])
    fig, (ax,) = figure(width=5.0, height=4.2)
    ax.contourf(g1, g2, regions, levels=np.arange(n + 1) - 0.5, cmap=cmap, alpha=0.25)
    for k in range(n):
        pts = x[labels == k]
        ax.scatter(pts[:, 0], pts[:, 1], s=12, color=colors[k], label=f"class {k}")
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    ax.set_title("Decision regions of the trained model")
    ax.legend(loc="best")
    ax.grid(False)
    return fig


@_styled
def losses_along_line(t: np.ndarray, curves: dict[str, np.ndarray], *, xlabel: str = "t") -> Figure:
    """Several losses along a line in parameter space, each on its own axes.

    Parameters
    ----------
    t : numpy.ndarray
        Positions along the line.
    curves : dict of str to numpy.ndarray
        Name of each loss (the axes' title) and its values at ``t``.
    xlabel : str
        Label of the x-axis.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ValueError
        If a curve's shape differs from ``t``'s, or there is no curve.

    Examples
    --------
    >>> t = np.linspace(-1, 1, 5)
    >>> fig = losses_along_line(t, {"square": t**2})
    >>> fig.axes[0].get_title()
    'square'
    """
    t = np.asarray(t, dtype=float)
    if not curves:
        raise ValueError("curves must name at least one loss")
    for name, values in curves.items():
        if np.shape(values) != t.shape:
            raise ValueError(f"curve {name!r} has shape {np.shape(values)}, t has {t.shape}")
    fig, axes = figure(len(curves), width=4.0 * len(curves), height=3.2)
    colors = [PREDICTION, WRONG, TRUTH, "#6a4c93"]
    for k, (ax, (name, values)) in enumerate(zip(axes, curves.items(), strict=True)):
        ax.plot(t, values, color=colors[k % len(colors)])
        ax.set_title(name)
        ax.set_xlabel(xlabel)
        ax.set_ylabel("loss")
    return fig


@_styled
def exp_range(limits: dict[str, Sequence[float]], *, xlim: float = 800.0) -> Figure:
    """Where ``exp(x)`` is normal, subnormal, rounds to 0 or overflows, one bar per dtype.

    Parameters
    ----------
    limits : mapping of str to three floats
        For each dtype name, ``(zero, subnormal, overflow)``: the largest ``x`` whose ``exp(x)``
        rounds to 0, the largest ``x`` whose ``exp(x)`` is subnormal, and the largest ``x`` whose
        ``exp(x)`` is finite.
    xlim : float
        The x-axis runs from ``-xlim`` to ``xlim``.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ValueError
        If ``limits`` is empty, or a dtype's three limits are not increasing or not inside
        ``(-xlim, xlim)``.

    Examples
    --------
    >>> fig = exp_range({"float32": (-103.97, -87.34, 88.72)})
    >>> fig.axes[0].get_xlabel()
    '$x$'
    """
    if not limits:
        raise ValueError("limits must name at least one dtype")
    rows = []
    for name, values in limits.items():
        zero, sub, over = (float(v) for v in values)
        if not -xlim < zero < sub < over < xlim:
            raise ValueError(
                f"limits of {name!r} must satisfy -xlim < zero < subnormal < overflow < xlim, "
                f"got {(zero, sub, over)}"
            )
        rows.append((name, zero, sub, over))
    fig, (ax,) = figure(width=7.0, height=0.9 + 0.6 * len(rows))
    regions = [
        ("rounds to 0", "#bbbbbb"),
        ("subnormal", "#edae49"),
        ("normal", TRUTH),
        ("overflows to inf", WRONG),
    ]
    for y, (_, zero, sub, over) in enumerate(rows):
        edges = [-xlim, zero, sub, over, xlim]
        for k, (label, color) in enumerate(regions):
            ax.barh(
                y,
                edges[k + 1] - edges[k],
                left=edges[k],
                height=0.6,
                color=color,
                label=label if y == 0 else None,
            )
    ax.set_yticks(range(len(rows)), [r[0] for r in rows])
    ax.set_ylim(len(rows) - 0.4, -0.6)
    ax.set_xlim(-xlim, xlim)
    ax.set_xlabel("$x$")
    ax.set_ylabel("dtype")
    ax.set_title(r"What $\exp(x)$ returns")
    ax.grid(False)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.35), ncols=4)
    return fig


@_styled
def ulp_error_vs_margin(
    margins: Sequence[float],
    errors: dict[str, Sequence[float]],
    *,
    title: str,
    floor: float = 0.1,
    ceiling: float | None = None,
    ceiling_label: str = "",
    ylabel: str = "error of the loss (ulp)",
) -> Figure:
    """Error of the loss in ulps against the margin, one line per method, on a log y-axis.

    Parameters
    ----------
    margins : sequence of float
        The margins (logit of the true class minus the others), increasing.
    errors : mapping of str to sequence of float
        For each method, its error in ulps at each margin (``inf`` or NaN where it failed).
    title : str
        The figure's title.
    floor : float
        Errors below it, exact results included, are drawn at ``floor`` (a log axis has no 0).
    ceiling : float, optional
        Errors above it, ``inf`` and NaN included, are drawn at ``ceiling`` (default: the largest
        finite error). A dotted line marks it.
    ceiling_label : str
        Text written above the dotted line.
    ylabel : str
        Label of the y-axis (the default names the loss; say so when the errors are another
        quantity's, such as a gradient entry's).

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ValueError
        If there is no method, a series's length differs from ``margins``'s, or ``floor`` is not
        positive.

    Examples
    --------
    >>> fig = ulp_error_vs_margin([0, 10, 20], {"a": [0.0, 1.0, 3.0]}, title="t")
    >>> fig.axes[0].get_yscale()
    'log'
    """
    m = np.asarray(margins, dtype=float)
    if not errors:
        raise ValueError("errors must name at least one method")
    if not floor > 0:
        raise ValueError(f"floor must be positive, got {floor!r}")
    series = {}
    for name, values in errors.items():
        e = np.asarray(values, dtype=float)
        if e.shape != m.shape or m.ndim != 1:
            raise ValueError(f"errors of {name!r} have shape {e.shape}, margins {m.shape}")
        series[name] = e
    finite = np.concatenate([e[np.isfinite(e)] for e in series.values()])
    top = float(ceiling) if ceiling is not None else max(float(finite.max(initial=floor)), floor)
    fig, (ax,) = figure(width=6.4, height=3.6)
    styles = ["-", "--", "-.", ":"]
    for k, (name, e) in enumerate(series.items()):
        shown = np.where(np.isfinite(e), e, top)
        ax.plot(m, np.clip(shown, floor, top), styles[k % len(styles)], lw=1.8, label=name)
    ax.axhline(top, color="#555555", lw=0.8, ls=":")
    if ceiling_label:
        ax.annotate(
            ceiling_label,
            (m.min(), top),
            xytext=(4, 3),
            textcoords="offset points",
            fontsize=9,
            color="#555555",
        )
    ax.set_yscale("log")
    ax.set_ylim(floor / 2, top * 20)
    ax.set_xlim(m.min(), m.max())
    ax.set_xlabel("margin (logit of the true class minus the others)")
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.legend(loc="center right")
    return fig


@_styled
def label_smoothing_bars(
    prediction: Sequence[float], label: Sequence[float], smoothed: Sequence[float]
) -> Figure:
    """A label, its smoothed version and a prediction; beside them the gradient ŷ − y_smoothed.

    Parameters
    ----------
    prediction : sequence of float
        The predicted distribution ŷ.
    label, smoothed : sequence of float
        The label y and the smoothed label (same length as ``prediction``).

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ValueError
        If the three vectors are not 1-D of one length.

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
    ax_grad.axhline(0, color="#555555", lw=0.8)
    ax_grad.set_xticks(x, names)
    ax_grad.set_xlabel("class")
    ax_grad.set_ylabel("gradient of the loss")
    ax_grad.set_title(r"$\hat y - y_\varepsilon$")
    return fig


@_styled
def benchmark_times(
    classes: Sequence[int], medians: dict[str, Sequence[float]], *, title: str
) -> Figure:
    """Median times of several implementations, grouped by the number of classes.

    Parameters
    ----------
    classes : sequence of int
        The numbers of classes C of the cases, one group of bars each.
    medians : mapping of str to sequence of float
        For each implementation, its median time in milliseconds in each case (NaN where it was
        not measured).
    title : str
        The figure's title.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ValueError
        If there is no implementation or a series's length differs from ``classes``'s.

    Examples
    --------
    >>> fig = benchmark_times([10, 1000], {"a": [1.0, 2.0], "b": [1.5, 2.5]}, title="t")
    >>> fig.axes[0].get_ylabel()
    'median time (ms)'
    """
    cs = [int(c) for c in classes]
    if not medians:
        raise ValueError("medians must name at least one implementation")
    for name, values in medians.items():
        if len(values) != len(cs):
            raise ValueError(f"medians of {name!r} have {len(values)} entries, classes {len(cs)}")
    fig, (ax,) = figure(width=6.8, height=3.4)
    width = 0.8 / len(medians)
    x = np.arange(len(cs))
    for k, (name, values) in enumerate(medians.items()):
        offset = (k - (len(medians) - 1) / 2) * width
        ax.bar(x + offset, np.asarray(values, dtype=float), width, label=name)
    ax.set_xticks(x, [f"C = {c}" for c in cs])
    ax.set_xlabel("number of classes")
    ax.set_ylabel("median time (ms)")
    ax.set_title(title)
    ax.legend(loc="upper left", ncols=min(len(medians), 5))
    return fig


@_styled
def binary_cross_entropy_curves(
    x: Sequence[float], *, targets: Sequence[float] = (1.0, 0.0)
) -> Figure:
    """Binary cross-entropy with logits and its derivative σ(x) − y against the logit x.

    Parameters
    ----------
    x : sequence of float
        The logits, increasing (the x-axis).
    targets : sequence of float
        The labels y in [0, 1], one curve each.

    Returns
    -------
    matplotlib.figure.Figure
        Two axes: the loss, and its derivative with respect to the logit.

    Raises
    ------
    ValueError
        If ``x`` is not a 1-D vector of at least two finite values, or ``targets`` is empty or
        has a value outside [0, 1].

    Examples
    --------
    >>> fig = binary_cross_entropy_curves(np.linspace(-4, 4, 9))
    >>> [ax.get_ylabel() for ax in fig.axes]
    ['loss', 'derivative of the loss']
    """
    from sce import binary_cross_entropy_with_logits, sigmoid

    x = np.asarray(x, dtype=float)
    if x.ndim != 1 or x.size < 2 or not np.isfinite(x).all():
        raise ValueError(f"x must be a 1-D vector of at least two finite values, got {x.shape}")
    ys = [float(t) for t in targets]
    if not ys or any(not 0 <= t <= 1 for t in ys):
        raise ValueError(f"targets must be non-empty values in [0, 1], got {list(targets)!r}")
    fig, (ax_loss, ax_grad) = figure(2, width=8.0, height=3.2)
    colors = [TRUTH, WRONG, PREDICTION, "#6a4c93"]
    for k, t in enumerate(ys):
        target = np.full_like(x, t)
        loss = binary_cross_entropy_with_logits(x, target, reduction="none")
        color = colors[k % len(colors)]
        ax_loss.plot(x, loss, color=color, label=f"y = {t:g}")
        ax_grad.plot(x, sigmoid(x) - t, color=color, label=f"y = {t:g}")
    ax_loss.set_xlabel("logit $x$")
    ax_loss.set_ylabel("loss")
    ax_loss.set_title(r"$-y \log \sigma(x) - (1 - y) \log(1 - \sigma(x))$")
    ax_loss.legend(loc="upper center")
    ax_grad.axhline(0, color="#555555", lw=0.8)
    ax_grad.set_xlabel("logit $x$")
    ax_grad.set_ylabel("derivative of the loss")
    ax_grad.set_title(r"$\sigma(x) - y$")
    ax_grad.set_ylim(-1.05, 1.05)
    ax_grad.legend(loc="lower right")
    return fig


@_styled
def temperature_paths(
    z: Sequence[float], temperatures: Sequence[float], *, labels: Sequence[str] | None = None
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

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ValueError
        If ``z`` is not a non-empty 1-D vector, the temperatures are not positive and
        increasing (at least two), or ``labels`` has the wrong length.

    Examples
    --------
    >>> fig = temperature_paths([2.0, 1.0, 0.1], np.geomspace(0.1, 10, 5))
    >>> fig.axes[0].get_xscale()
    'log'
    """
    from sce import softmax

    z = _logit_vector(z)
    temps = np.asarray(temperatures, dtype=float)
    if temps.ndim != 1 or temps.size < 2 or temps.min() <= 0 or (np.diff(temps) <= 0).any():
        raise ValueError("temperatures must be at least two positive, increasing values")
    names = _class_names(labels, z.size, "class {}")
    probs = softmax(z[None, :] / temps[:, None])
    fig, (ax,) = figure(width=6.0, height=3.4)
    for k in range(z.size):
        ax.plot(temps, probs[:, k], lw=1.8, label=names[k])
    ax.axhline(1 / z.size, color="#555555", ls="--", lw=1)
    ax.annotate(
        f"uniform, 1/{z.size}",
        (temps[0], 1 / z.size),
        xytext=(2, 4),
        textcoords="offset points",
        color="#555555",
    )
    ax.set_xscale("log")
    ax.set_xlim(temps[0], temps[-1])
    ax.set_ylim(0, 1.02)
    ax.set_xlabel("temperature $T$")
    ax.set_ylabel(r"softmax$(z / T)_i$")
    ax.set_title("Cold is one-hot, hot is uniform")
    ax.legend(loc="center right")
    return fig


@_styled
def loss_vs_margin(
    margins: Sequence[float],
    losses: dict[str, Sequence[float]],
    *,
    optima: dict[str, float] | None = None,
) -> Figure:
    """Losses against the margin (true logit minus the others), optimal margins marked.

    Parameters
    ----------
    margins : sequence of float
        The margins, increasing (the x-axis).
    losses : mapping of str to sequence of float
        For each setting (e.g. a label-smoothing ε), the loss at each margin.
    optima : mapping of str to float, optional
        For some of the settings, the margin that minimises the loss; drawn as a dot on the
        curve (its loss interpolated from the curve) with a dotted vertical line.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ValueError
        If there is no setting, a series's length differs from ``margins``'s, or an optimum
        names an unknown setting or lies outside the margins.

    Examples
    --------
    >>> m = np.linspace(0, 10, 11)
    >>> fig = loss_vs_margin(m, {"a": (m - 4) ** 2}, optima={"a": 4.0})
    >>> fig.axes[0].get_xlabel()
    'margin $m$ (true logit minus each other logit)'
    """
    m = np.asarray(margins, dtype=float)
    if not losses:
        raise ValueError("losses must name at least one setting")
    series = {}
    for name, values in losses.items():
        v = np.asarray(values, dtype=float)
        if v.shape != m.shape or m.ndim != 1:
            raise ValueError(f"losses of {name!r} have shape {v.shape}, margins {m.shape}")
        series[name] = v
    optima = dict(optima or {})
    for name, opt in optima.items():
        if name not in series:
            raise ValueError(f"optimum given for unknown setting {name!r}")
        if not m.min() <= opt <= m.max():
            raise ValueError(f"optimum of {name!r} ({opt:g}) lies outside the margins")
    fig, (ax,) = figure(width=6.0, height=3.4)
    colors = list(STYLE["axes.prop_cycle"].by_key()["color"])
    for k, (name, v) in enumerate(series.items()):
        color = colors[k % len(colors)]
        ax.plot(m, v, color=color, lw=1.8, label=name)
        if name in optima:
            opt = optima[name]
            ax.axvline(opt, color=color, ls=":", lw=1)
            ax.plot([opt], [np.interp(opt, m, v)], "o", color=color)
    ax.set_xlim(m.min(), m.max())
    ax.set_ylim(bottom=0)
    ax.set_xlabel("margin $m$ (true logit minus each other logit)")
    ax.set_ylabel("cross-entropy")
    ax.set_title("Where the loss is smallest")
    ax.legend(loc="upper right")
    return fig


@_styled
def margin_growth(
    steps: Sequence[float],
    margins: dict[str, Sequence[float]],
    *,
    limits: dict[str, float] | None = None,
    logx: bool = False,
) -> Figure:
    """The margin reached after each gradient-descent step, with the limits it approaches.

    Parameters
    ----------
    steps : sequence of float
        Step numbers, increasing (the x-axis).
    margins : mapping of str to sequence of float
        For each setting, the margin after each step.
    limits : mapping of str to float, optional
        For some of the settings, the margin the descent converges to (a dashed line).
    logx : bool
        Draw the steps on a log scale (then every step must be positive).

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ValueError
        If there is no setting, a series's length differs from ``steps``'s, a limit names
        an unknown setting, or ``logx`` is set and a step is not positive.

    Examples
    --------
    >>> s = np.arange(5)
    >>> fig = margin_growth(s, {"a": np.log1p(s)}, limits={"a": 2.0})
    >>> fig.axes[0].get_ylabel()
    'margin $m$'
    """
    s = np.asarray(steps, dtype=float)
    if not margins:
        raise ValueError("margins must name at least one setting")
    series = {}
    for name, values in margins.items():
        v = np.asarray(values, dtype=float)
        if v.shape != s.shape or s.ndim != 1:
            raise ValueError(f"margins of {name!r} have shape {v.shape}, steps {s.shape}")
        series[name] = v
    limits = dict(limits or {})
    for name in limits:
        if name not in series:
            raise ValueError(f"limit given for unknown setting {name!r}")
    if logx and not (s > 0).all():
        raise ValueError("steps must be positive with logx=True")
    fig, (ax,) = figure(width=6.0, height=3.4)
    colors = list(STYLE["axes.prop_cycle"].by_key()["color"])
    for k, (name, v) in enumerate(series.items()):
        color = colors[k % len(colors)]
        ax.plot(s, v, color=color, lw=1.8, label=name)
        if name in limits:
            ax.axhline(limits[name], color=color, ls="--", lw=1)
    if logx:
        ax.set_xscale("log")
    ax.set_xlim(s.min(), s.max())
    ax.set_ylim(bottom=0)
    ax.set_xlabel("gradient-descent step")
    ax.set_ylabel("margin $m$")
    ax.set_title("Without smoothing the margin never stops growing")
    ax.legend(loc="upper left")
    return fig


def accuracy_vs_margin(
    accuracy: Mapping[str, Any],
    dtype: str,
    *,
    quantity: str = "loss_ulp",
    what: str = "error of the loss",
    names: Mapping[str, str] | None = None,
) -> Figure:
    """The margin series of ``benchmarks/results/accuracy.json`` drawn by ulp_error_vs_margin.

    Parameters
    ----------
    accuracy : mapping
        The parsed JSON written by ``benchmarks/accuracy.py`` (its ``margin_series`` entry is
        read; the schema is in ``benchmarks/README.md``).
    dtype : str
        ``"float64"`` or ``"float32"``.
    quantity : str
        Which series: ``"loss_ulp"`` or ``"grad_true_class_ulp"``.
    what : str
        What is measured, for the title and the y-axis.
    names : mapping of str to str, optional
        Methods to draw (keys of the series) and their legend labels; default every method
        under its own name.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    KeyError
        If `dtype`, `quantity` or a method of `names` is not in the results.

    Examples
    --------
    >>> data = {"margin_series": {"float64": {"margin": [0, 1], "loss_ulp": {"a": [0.5, None]}}}}
    >>> accuracy_vs_margin(data, "float64").axes[0].get_title()
    'Error of the loss against mpmath, float64'
    """
    series = accuracy["margin_series"][dtype]
    names = names or {key: key for key in series[quantity]}
    errors = {
        label: [np.nan if v is None else v for v in series[quantity][key]]
        for key, label in names.items()
    }
    return ulp_error_vs_margin(
        series["margin"],
        errors,
        title=f"{what[0].upper()}{what[1:]} against mpmath, {dtype}",
        ceiling=1 / np.finfo(dtype).eps,
        ceiling_label="100 % error (or nan, inf)",
        ylabel=f"{what} (ulp)",
    )
