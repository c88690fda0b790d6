"""Training: loss and accuracy per step, decision regions, the growth of the margin."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import matplotlib as mpl
import numpy as np
from matplotlib.figure import Figure

from sce.plots.style import (
    GREY,
    PREDICTION,
    TRUTH,
    figure,
    listing,
    palette,
    styled,
    with_alt,
)


@styled
def training_curves(
    loss: Sequence[float], accuracy: Sequence[float], *, n_classes: int, alt: str | None = None
) -> Figure:
    """Training loss (with the ln C level of an untrained model) and accuracy per step.

    Parameters
    ----------
    loss, accuracy : sequence of float
        One value per gradient-descent step.
    n_classes : int
        The number of classes C; a dashed line marks ln C on the loss axis.
    alt : str, optional
        What the figure shows, for readers who cannot see it; by default a description made
        from the data drawn. A blank string raises ValueError.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ValueError
        If the two sequences differ in length or are empty.
    TypeError
        If ``alt`` is not a string.

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
    ax_loss.axhline(np.log(n_classes), color=GREY, ls="--", lw=1)
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
    default = (
        f"Two line charts over {loss.size} gradient-descent steps. Left: the mean cross-entropy "
        f"falls from {loss[0]:.3f} to {loss[-1]:.3f}; a dashed line marks ln {n_classes} = "
        f"{np.log(n_classes):.3f}, the loss of a model that gives every class the same "
        f"probability. Right: the accuracy goes from {accuracy[0]:.2f} to {accuracy[-1]:.2f}."
    )
    return with_alt(fig, alt, default)


@styled
def decision_regions(
    predict: Callable[[np.ndarray], np.ndarray],
    x: np.ndarray,
    labels: np.ndarray,
    *,
    resolution: int = 300,
    alt: str | None = None,
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
    alt : str, optional
        What the figure shows, for readers who cannot see it; by default a description made
        from the data drawn. A blank string raises ValueError.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ValueError
        If ``x`` is not of shape ``(N, 2)`` or ``labels`` not of shape ``(N,)``.
    TypeError
        If ``alt`` is not a string.

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
    colors = palette()
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
    agree = float(np.mean(np.asarray(predict(x)).reshape(-1) == labels))
    default = (
        f"Map of the plane (x_1, x_2) shaded by the class the model predicts, with the "
        f"{x.shape[0]} data points of {n} classes drawn on top in their true class's colour; "
        f"{agree:.0%} of the points lie in the region of their own class."
    )
    return with_alt(fig, alt, default)


@styled
def margin_growth(
    steps: Sequence[float],
    margins: dict[str, Sequence[float]],
    *,
    limits: dict[str, float] | None = None,
    logx: bool = False,
    alt: str | None = None,
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
    alt : str, optional
        What the figure shows, for readers who cannot see it; by default a description made
        from the data drawn. A blank string raises ValueError.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ValueError
        If there is no setting, a series's length differs from ``steps``'s, a limit names
        an unknown setting, or ``logx`` is set and a step is not positive.
    TypeError
        If ``alt`` is not a string.

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
    colors = palette()
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
    reached = [f"{name} reaches {v[-1]:.3g}" for name, v in series.items()]
    approached = [f"{name} approaches {lim:.3g}" for name, lim in limits.items()]
    default = (
        f"Line chart of the margin m against the gradient-descent step, from {s.min():g} to "
        f"{s.max():g}{' on a log scale' if logx else ''}: {listing(reached)}."
        + (f" Dashed lines: {listing(approached)}." if approached else "")
    )
    return with_alt(fig, alt, default)
