"""Cross-entropy at vocabulary scale: peak memory against the vocabulary, time against the block."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from matplotlib.figure import Figure

from sce.plots.style import GREY, figure, listing, palette, styled, with_alt

MIB = 2**20


def _increasing_positive(values: Sequence[float], name: str) -> np.ndarray:
    a = np.asarray(values, dtype=float)
    if a.ndim != 1 or a.size == 0:
        raise ValueError(f"{name} must be a non-empty 1-D sequence, got shape {a.shape}")
    if not (np.isfinite(a).all() and (a > 0).all() and (np.diff(a) > 0).all()):
        raise ValueError(f"{name} must be positive, finite and increasing, got {a.tolist()}")
    return a


@styled
def peak_memory_vs_classes(
    classes: Sequence[float],
    peaks: Mapping[str, Sequence[float]],
    *,
    logits: Sequence[float] | None = None,
    alt: str | None = None,
) -> Figure:
    """Peak extra memory of each route (MiB, log scale) against the number of classes V.

    Parameters
    ----------
    classes : sequence of float
        The vocabulary sizes V, positive and increasing (the x-axis, log scale).
    peaks : mapping of str to sequence of float
        For each route, the peak memory in bytes it allocated beyond its inputs and outputs,
        one value per V; every value must be positive.
    logits : sequence of float, optional
        The size in bytes of the N × V logits at each V, drawn as a dashed grey line.
    alt : str, optional
        What the figure shows, for readers who cannot see it; by default a description made
        from the data drawn. A blank string raises ValueError.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ValueError
        If `classes` is not positive and increasing, there is no route, or a series has
        another length than `classes` or a value that is not positive.
    TypeError
        If ``alt`` is not a string.

    Examples
    --------
    >>> v = [1024, 2048, 4096]
    >>> fig = peak_memory_vs_classes(v, {"a": [4e6, 8e6, 16e6], "b": [1e5, 1e5, 1e5]})
    >>> fig.axes[0].get_xscale(), fig.axes[0].get_yscale()
    ('log', 'log')
    """
    v = _increasing_positive(classes, "classes")
    if not peaks:
        raise ValueError("peaks must name at least one route")
    series: dict[str, np.ndarray] = {}
    for name, values in {**peaks, **({} if logits is None else {"logits": logits})}.items():
        a = np.asarray(values, dtype=float)
        if a.shape != v.shape:
            raise ValueError(f"{name!r} has shape {a.shape}, classes {v.shape}")
        if not (np.isfinite(a).all() and (a > 0).all()):
            raise ValueError(f"{name!r} must be positive bytes, got {a.tolist()}")
        series[name] = a
    fig, (ax,) = figure(width=6.0, height=3.6)
    colors = palette()
    for k, name in enumerate(peaks):
        ax.plot(v, series[name] / MIB, "o-", color=colors[k % len(colors)], lw=1.8, label=name)
    if logits is not None:
        ax.plot(v, series["logits"] / MIB, "--", color=GREY, lw=1, label="the N × V logits")
    ax.set_xscale("log", base=2)
    ax.set_yscale("log")
    ax.set_xlabel("number of classes $V$")
    ax.set_ylabel("peak extra memory (MiB)")
    ax.set_title("Memory of the loss and its gradients")
    ax.legend(loc="best")
    growth = [
        f"{name} from {series[name][0] / MIB:.3g} to {series[name][-1] / MIB:.3g} MiB"
        for name in peaks
    ]
    default = (
        f"Line chart on log scales of the peak extra memory against the number of classes V, "
        f"from {v[0]:g} to {v[-1]:g}: {listing(growth)}."
        + (" A dashed line marks the size of the logits." if logits is not None else "")
    )
    return with_alt(fig, alt, default)


@styled
def time_vs_block_size(
    rows: Sequence[float],
    seconds: Sequence[float],
    *,
    default: float | None = None,
    alt: str | None = None,
) -> Figure:
    """Time of one forward and backward pass against the number of rows per block.

    Parameters
    ----------
    rows : sequence of float
        Rows per block, positive and increasing (the x-axis, log scale).
    seconds : sequence of float
        The time measured for each block size, positive.
    default : float, optional
        The block size the library picks by default, marked by a dotted vertical line.
    alt : str, optional
        What the figure shows, for readers who cannot see it; by default a description made
        from the data drawn. A blank string raises ValueError.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ValueError
        If `rows` is not positive and increasing, `seconds` has another length or a value
        that is not positive, or `default` is not positive.
    TypeError
        If ``alt`` is not a string.

    Examples
    --------
    >>> fig = time_vs_block_size([8, 16, 32], [3.0, 2.5, 2.4], default=32)
    >>> fig.axes[0].get_xlabel()
    'rows per block'
    """
    r = _increasing_positive(rows, "rows")
    s = np.asarray(seconds, dtype=float)
    if s.shape != r.shape:
        raise ValueError(f"seconds has shape {s.shape}, rows {r.shape}")
    if not (np.isfinite(s).all() and (s > 0).all()):
        raise ValueError(f"seconds must be positive, got {s.tolist()}")
    if default is not None and not default > 0:
        raise ValueError(f"default must be a positive block size, got {default!r}")
    fig, (ax,) = figure(width=6.0, height=3.4)
    ax.plot(r, s, "o-", color=palette()[0], lw=1.8)
    if default is not None:
        ax.axvline(default, color=GREY, ls=":", lw=1.2)
        ax.annotate(
            f"default: {default:g} rows",
            (default, s.max()),
            xytext=(4, 0),
            textcoords="offset points",
            va="top",
        )
    ax.set_xscale("log", base=2)
    ax.set_ylim(0, s.max() * 1.15)
    ax.set_xlabel("rows per block")
    ax.set_ylabel("time (s)")
    ax.set_title("Forward and backward pass, blocked route")
    best = int(np.argmin(s))
    text = (
        f"Line chart of the time against the number of rows per block, from {r[0]:g} to "
        f"{r[-1]:g} rows on a log scale: from {s[0]:.3g} s at {r[0]:g} rows to {s[-1]:.3g} s "
        f"at {r[-1]:g} rows, fastest ({s[best]:.3g} s) at {r[best]:g} rows."
        + (f" A dotted line marks the default, {default:g} rows." if default is not None else "")
    )
    return with_alt(fig, alt, text)
