"""Losses as curves and surfaces: the cost of a prediction against what it depends on."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.figure import Figure

from sce.plots.style import (
    GREY,
    PREDICTION,
    TRUTH,
    WRONG,
    figure,
    listing,
    palette,
    styled,
    with_alt,
)


@styled
def surprise_curve(*, marks: Sequence[float] = (), alt: str | None = None) -> Figure:
    """The cost −log p of giving probability p to the true class, for p in (0, 1].

    Parameters
    ----------
    marks : sequence of float
        Probabilities to mark on the curve with their cost.
    alt : str, optional
        What the figure shows, for readers who cannot see it; by default a description made
        from the data drawn. A blank string raises ValueError.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ValueError
        If a mark is outside (0, 1].
    TypeError
        If ``alt`` is not a string.

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
    marked = [f"p = {m:g} costs {-np.log(m):.2f}" for m in marks]
    default = (
        "Curve of the cost −log p against the probability p given to the true class: it is 0 "
        "at p = 1 and rises without bound as p falls to 0."
        + (f" Marked: {listing(marked)}." if marked else "")
    )
    return with_alt(fig, alt, default)


@styled
def losses_along_line(
    t: np.ndarray, curves: dict[str, np.ndarray], *, xlabel: str = "t", alt: str | None = None
) -> Figure:
    """Several losses along a line in parameter space, each on its own axes.

    Parameters
    ----------
    t : numpy.ndarray
        Positions along the line.
    curves : dict of str to numpy.ndarray
        Name of each loss (the axes' title) and its values at ``t``.
    xlabel : str
        Label of the x-axis.
    alt : str, optional
        What the figure shows, for readers who cannot see it; by default a description made
        from the data drawn. A blank string raises ValueError.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ValueError
        If a curve's shape differs from ``t``'s, or there is no curve.
    TypeError
        If ``alt`` is not a string.

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
    default = (
        f"Line charts side by side, one per loss, of the loss against {xlabel} from "
        f"{t.min():g} to {t.max():g}: "
        + "; ".join(
            f"{name} from {np.nanmin(v):.3g} to {np.nanmax(v):.3g}"
            for name, v in ((n, np.asarray(v, dtype=float)) for n, v in curves.items())
        )
        + "."
    )
    return with_alt(fig, alt, default)


@styled
def loss_vs_margin(
    margins: Sequence[float],
    losses: dict[str, Sequence[float]],
    *,
    optima: dict[str, float] | None = None,
    alt: str | None = None,
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
    alt : str, optional
        What the figure shows, for readers who cannot see it; by default a description made
        from the data drawn. A blank string raises ValueError.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ValueError
        If there is no setting, a series's length differs from ``margins``'s, or an optimum
        names an unknown setting or lies outside the margins.
    TypeError
        If ``alt`` is not a string.

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
    colors = palette()
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
    marked = [f"{name} at m = {opt:.3g}" for name, opt in optima.items()]
    default = (
        f"Line chart of the cross-entropy against the margin m from {m.min():g} to {m.max():g}, "
        f"one curve for each of {listing(list(series))}."
        + (f" The smallest loss is marked for {listing(marked)}." if marked else "")
    )
    return with_alt(fig, alt, default)


@styled
def binary_cross_entropy_curves(
    x: Sequence[float], *, targets: Sequence[float] = (1.0, 0.0), alt: str | None = None
) -> Figure:
    """Binary cross-entropy with logits and its derivative σ(x) − y against the logit x.

    Parameters
    ----------
    x : sequence of float
        The logits, increasing (the x-axis).
    targets : sequence of float
        The labels y in [0, 1], one curve each.
    alt : str, optional
        What the figure shows, for readers who cannot see it; by default a description made
        from the data drawn. A blank string raises ValueError.

    Returns
    -------
    matplotlib.figure.Figure
        Two axes: the loss, and its derivative with respect to the logit.

    Raises
    ------
    ValueError
        If ``x`` is not a 1-D vector of at least two finite values, or ``targets`` is empty or
        has a value outside [0, 1].
    TypeError
        If ``alt`` is not a string.

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
    ax_grad.axhline(0, color=GREY, lw=0.8)
    ax_grad.set_xlabel("logit $x$")
    ax_grad.set_ylabel("derivative of the loss")
    ax_grad.set_title(r"$\sigma(x) - y$")
    ax_grad.set_ylim(-1.05, 1.05)
    ax_grad.legend(loc="lower right")
    default = (
        f"Two line charts against the logit x from {x[0]:g} to {x[-1]:g}, one curve for each "
        f"label y = {listing([f'{t:g}' for t in ys])}. Left: the binary cross-entropy, which "
        "falls towards 0 where σ(x) agrees with the label and grows like a straight line where "
        "it disagrees. Right: its derivative σ(x) − y, between −1 and 1."
    )
    return with_alt(fig, alt, default)


def smoothed_optimal_margin(label_smoothing: float, n_classes: int = 3) -> float:
    """The margin m = z_true − z_other where smoothed cross-entropy is smallest (every other
    logit equal): ``log(1 + C (1 − ε) / ε)``, from ``softmax(z) = y_ε`` at the minimum."""
    eps = float(label_smoothing)
    return float(np.log1p(n_classes * (1.0 - eps) / eps))


@styled
def loss_landscape(
    *,
    label_smoothing: float = 0.1,
    extent: float = 8.0,
    resolution: int = 121,
    alt: str | None = None,
) -> Figure:
    """Cross-entropy of three classes over the two logit differences, one-hot beside smoothed.

    The true class is the first; ``m_2 = z_1 − z_2`` and ``m_3 = z_1 − z_3`` are the axes (the
    loss depends on the logits only through them). With a one-hot label the loss falls in every
    direction of growing margins and has no minimum; label smoothing ε turns it into a bowl
    whose lowest point, ``m_2 = m_3 = log(1 + 3 (1 − ε) / ε)``, is marked.

    Parameters
    ----------
    label_smoothing : float
        ε of the right panel, in (0, 1) (PyTorch's meaning: the label is
        ``(1 − ε) · one_hot + ε / 3``).
    extent : float
        Both margins run from ``−extent`` to ``extent``, > 0.
    resolution : int
        Grid points along each axis, at least 10.
    alt : str, optional
        What the figure shows, for readers who cannot see it; by default a description made
        from the data drawn. A blank string raises ValueError.

    Returns
    -------
    matplotlib.figure.Figure
        Two axes of filled contours: one-hot label, smoothed label.

    Raises
    ------
    ValueError
        If ``label_smoothing`` is not in (0, 1), ``extent`` is not positive or
        ``resolution`` is below 10.
    TypeError
        If ``alt`` is not a string.

    Examples
    --------
    >>> fig = loss_landscape(label_smoothing=0.1, resolution=21)
    >>> [ax.get_title() for ax in fig.axes[:2]]
    ['one-hot label: no minimum', 'smoothed label, ε = 0.1']
    """
    from sce import cross_entropy

    eps = float(label_smoothing)
    if not 0 < eps < 1:
        raise ValueError(f"label_smoothing must lie in (0, 1), got {label_smoothing!r}")
    if not extent > 0:
        raise ValueError(f"extent must be positive, got {extent!r}")
    if not isinstance(resolution, int) or resolution < 10:
        raise ValueError(f"resolution must be an integer of at least 10, got {resolution!r}")
    m = np.linspace(-extent, extent, resolution)
    m2, m3 = np.meshgrid(m, m)
    logits = np.stack([np.zeros_like(m2), -m2, -m3], axis=-1).reshape(-1, 3)
    target = np.zeros(logits.shape[0], dtype=int)
    surfaces = [
        cross_entropy(logits, target, reduction="none").reshape(m2.shape),
        cross_entropy(logits, target, reduction="none", label_smoothing=eps).reshape(m2.shape),
    ]
    best = smoothed_optimal_margin(eps)
    fig, axes = figure(2, width=8.4, height=3.9)
    top = float(max(s.max() for s in surfaces))
    # Levels closer together near 0, where the two surfaces differ
    levels = np.concatenate([[0.0], np.geomspace(0.05, top, 16)])
    for ax, surface, title in zip(
        axes, surfaces, ["one-hot label: no minimum", f"smoothed label, ε = {eps:g}"], strict=True
    ):
        filled = ax.contourf(m2, m3, surface, levels=levels, cmap="viridis_r")
        ax.contour(m2, m3, surface, levels=levels, colors="white", linewidths=0.4)
        ax.set_xlabel("$m_2 = z_1 - z_2$")
        ax.set_ylabel("$m_3 = z_1 - z_3$")
        ax.set_title(title)
        ax.set_aspect("equal")
        ax.grid(False)
    fig.colorbar(filled, ax=axes, label="cross-entropy", shrink=0.9, format="%.2g")
    # The downhill direction on the one-hot surface: towards ever larger margins.
    axes[0].annotate(
        "",
        xy=(0.92 * extent, 0.92 * extent),
        xytext=(0.3 * extent, 0.3 * extent),
        arrowprops={"arrowstyle": "->", "color": WRONG, "lw": 2},
    )
    axes[0].annotate(
        "downhill forever",
        (0.3 * extent, 0.3 * extent),
        xytext=(-4, -14),
        textcoords="offset points",
        ha="right",
        bbox={"boxstyle": "round", "facecolor": "white", "edgecolor": "none", "alpha": 0.85},
    )
    if best <= extent:
        axes[1].plot([best], [best], "o", color=WRONG, ms=7)
        axes[1].annotate(
            f"minimum at m = {best:.2f}",
            (best, best),
            xytext=(-6, 8),
            textcoords="offset points",
            ha="right",
            bbox={"boxstyle": "round", "facecolor": "white", "edgecolor": "none", "alpha": 0.85},
        )
    one_hot, smooth = surfaces
    default = (
        "Two contour maps of the cross-entropy of three classes, the first one true, over the "
        f"margins m_2 = z_1 − z_2 and m_3 = z_1 − z_3 from {-extent:g} to {extent:g}. Left, "
        f"with a one-hot label: the loss falls from {one_hot.max():.2f} to "
        f"{one_hot.min():.2g} towards the corner of large margins and has no minimum; an arrow "
        "points that way. Right, with label smoothing ε = "
        f"{eps:g}: the contours close around a lowest point, marked at m_2 = m_3 = {best:.2f}, "
        f"where the loss is {smooth.min():.3f} on the grid."
    )
    return with_alt(fig, alt, default)
