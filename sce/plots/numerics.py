"""Floating point: the range of exp, errors in ulps against the margin, benchmark times."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from matplotlib.figure import Figure

from sce.plots.style import (
    GREY,
    TRUTH,
    WRONG,
    figure,
    listing,
    styled,
    with_alt,
)


@styled
def exp_range(
    limits: dict[str, Sequence[float]], *, xlim: float = 800.0, alt: str | None = None
) -> Figure:
    """Where ``exp(x)`` is normal, subnormal, rounds to 0 or overflows, one bar per dtype.

    Parameters
    ----------
    limits : mapping of str to three floats
        For each dtype name, ``(zero, subnormal, overflow)``: the largest ``x`` whose ``exp(x)``
        rounds to 0, the largest ``x`` whose ``exp(x)`` is subnormal, and the largest ``x`` whose
        ``exp(x)`` is finite.
    xlim : float
        The x-axis runs from ``-xlim`` to ``xlim``.
    alt : str, optional
        What the figure shows, for readers who cannot see it; by default a description made
        from the data drawn. A blank string raises ValueError.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ValueError
        If ``limits`` is empty, or a dtype's three limits are not increasing or not inside
        ``(-xlim, xlim)``.
    TypeError
        If ``alt`` is not a string.

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
    parts = [
        f"{name}: exp(x) rounds to 0 up to x = {zero:g}, is subnormal up to {sub:g}, normal up "
        f"to {over:g} and overflows to inf above"
        for name, zero, sub, over in rows
    ]
    default = (
        f"One horizontal bar per dtype over x from {-xlim:g} to {xlim:g}, coloured by what "
        f"exp(x) returns. {'; '.join(parts)}."
    )
    return with_alt(fig, alt, default)


@styled
def ulp_error_vs_margin(
    margins: Sequence[float],
    errors: dict[str, Sequence[float]],
    *,
    title: str,
    floor: float = 0.1,
    ceiling: float | None = None,
    ceiling_label: str = "",
    ylabel: str = "error of the loss (ulp)",
    alt: str | None = None,
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
    alt : str, optional
        What the figure shows, for readers who cannot see it; by default a description made
        from the data drawn. A blank string raises ValueError.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ValueError
        If there is no method, a series's length differs from ``margins``'s, or ``floor`` is not
        positive.
    TypeError
        If ``alt`` is not a string.

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
    ax.axhline(top, color=GREY, lw=0.8, ls=":")
    if ceiling_label:
        ax.annotate(
            ceiling_label,
            (m.min(), top),
            xytext=(4, 3),
            textcoords="offset points",
            fontsize=9,
            color=GREY,
        )
    ax.set_yscale("log")
    ax.set_ylim(floor / 2, top * 20)
    ax.set_xlim(m.min(), m.max())
    ax.set_xlabel("margin (logit of the true class minus the others)")
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.legend(loc="center right")
    worst = []
    for name, e in series.items():
        shown = np.where(np.isfinite(e), e, top)
        peak = float(np.max(shown))
        worst.append(
            f"{name} reaches the ceiling" if peak >= top else f"{name} at most {peak:.3g} ulp"
        )
    default = (
        f"{title}: line chart of the {ylabel} on a log scale against the margin, from "
        f"{m.min():g} to {m.max():g}, one line per method: {listing(worst)}"
        + (
            f" (the dotted line at {top:.3g} ulp: {ceiling_label or 'the ceiling'})"
            if ceiling is not None
            else ""
        )
        + "."
    )
    return with_alt(fig, alt, default)


def accuracy_vs_margin(
    accuracy: Mapping[str, Any],
    dtype: str,
    *,
    quantity: str = "loss_ulp",
    what: str = "error of the loss",
    names: Mapping[str, str] | None = None,
    alt: str | None = None,
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
    alt : str, optional
        What the figure shows, for readers who cannot see it; by default a description made
        from the data drawn. A blank string raises ValueError.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    KeyError
        If `dtype`, `quantity` or a method of `names` is not in the results.
    TypeError
        If ``alt`` is not a string.

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
        alt=alt,
    )


@styled
def benchmark_times(
    classes: Sequence[int],
    medians: dict[str, Sequence[float]],
    *,
    title: str,
    alt: str | None = None,
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
    alt : str, optional
        What the figure shows, for readers who cannot see it; by default a description made
        from the data drawn. A blank string raises ValueError.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ValueError
        If there is no implementation or a series's length differs from ``classes``'s.
    TypeError
        If ``alt`` is not a string.

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
    default = (
        f"{title}: bar chart of the median time in milliseconds of {listing(list(medians))}, "
        f"one group of bars per number of classes C = {listing(cs)}."
    )
    return with_alt(fig, alt, default)
