"""The book's figure style, the figure class and the checks every plotting function shares.

Every figure carries an ``alt`` text: one or two sentences that say what the figure shows, for a
reader who cannot see it. The PNG a notebook displays stores it in its ``Description`` text
chunk, and the book's ``figure_alt`` Sphinx extension (``_ext/figure_alt.py``) writes it into the
``alt`` attribute of the page's ``<img>``.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Callable, Sequence

import matplotlib as mpl
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

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
GREY = "#555555"

#: The PNG text chunk that holds a figure's alt text (a keyword of the PNG specification).
ALT_KEY = "Description"


class BookFigure(Figure):
    """A matplotlib figure that shows itself as a PNG in a notebook, with or without pyplot.

    Its ``alt`` attribute is the text that describes it; the PNG stores it (see the module's
    docstring).
    """

    alt: str = ""

    def _repr_png_(self) -> bytes:
        buffer = io.BytesIO()
        metadata = {ALT_KEY: self.alt} if self.alt else {}
        self.savefig(buffer, format="png", dpi=110, metadata=metadata)
        return buffer.getvalue()

    def __repr__(self) -> str:
        width, height = self.get_size_inches()
        return f"<figure {width:g} x {height:g} in, {len(self.axes)} axes>"


def check_alt(alt: object) -> str:
    """``alt`` stripped; TypeError unless it is a string, ValueError if it is blank."""
    if not isinstance(alt, str):
        raise TypeError(f"alt must be a string, got {type(alt).__name__}")
    if not alt.strip():
        raise ValueError("alt must describe the figure, got a blank string")
    # Axis labels written as TeX (``"$x$"``) read as plain text once their dollars go.
    return " ".join(alt.replace("$", "").split())


def with_alt(fig: Figure, alt: str | None, default: str) -> Figure:
    """Give ``fig`` the caller's ``alt`` text, or ``default`` (what the function knows it drew)."""
    fig.alt = check_alt(default if alt is None else alt)
    return fig


def figure(
    ncols: int = 1, *, width: float = 6.4, height: float = 3.4, alt: str | None = None
) -> tuple[Figure, list[Axes]]:
    """Make an empty figure in the book's style.

    Parameters
    ----------
    ncols : int
        Number of side-by-side axes.
    width, height : float
        Size of the whole figure in inches.
    alt : str, optional
        What the figure shows, for readers who cannot see it (can be set later as ``fig.alt``).
        A figure shown without one fails the book's browser checks.

    Returns
    -------
    fig : matplotlib.figure.Figure
        The figure (not registered with ``pyplot``).
    axes : list of matplotlib.axes.Axes
        Its axes, left to right.

    Raises
    ------
    ValueError
        If ``ncols`` is not a positive integer or ``alt`` is blank.
    TypeError
        If ``alt`` is not a string.

    Examples
    --------
    >>> fig, (ax,) = figure(alt="An empty plot.")
    >>> type(fig).__name__, len(fig.axes), fig.alt
    ('BookFigure', 1, 'An empty plot.')
    """
    if not isinstance(ncols, int) or ncols < 1:
        raise ValueError(f"ncols must be a positive integer, got {ncols!r}")
    text = "" if alt is None else check_alt(alt)
    with mpl.rc_context(STYLE):
        fig = BookFigure(figsize=(width, height), layout="constrained")
        axes = [fig.add_subplot(1, ncols, k + 1) for k in range(ncols)]
    fig.alt = text
    return fig, axes


def styled(fn: Callable[..., Figure]) -> Callable[..., Figure]:
    """Run a plotting function under the book's style."""

    @functools.wraps(fn)
    def wrapper(*args: object, **kwargs: object) -> Figure:
        with mpl.rc_context(STYLE):
            return fn(*args, **kwargs)

    return wrapper


def palette() -> list[str]:
    """The style's colour cycle."""
    return list(STYLE["axes.prop_cycle"].by_key()["color"])


def logit_vector(z: Sequence[float]) -> np.ndarray:
    """One logit vector as a float array; ValueError unless it is 1-D and non-empty."""
    z = np.asarray(z, dtype=float)
    if z.ndim != 1 or z.size == 0:
        raise ValueError(f"z must be a non-empty 1-D vector, got shape {z.shape}")
    return z


def class_names(labels: Sequence[str] | None, size: int, default: str) -> list[str]:
    """The given class names, or ``default`` formatted with 1, 2, ...; one per class."""
    names = list(labels) if labels is not None else [default.format(k + 1) for k in range(size)]
    if len(names) != size:
        raise ValueError(f"labels must have {size} entries, got {len(names)}")
    return names


def listing(items: Sequence[object]) -> str:
    """``a``, ``a and b``, ``a, b and c``: items joined for a sentence."""
    words = [str(item) for item in items]
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def numbers(values: Sequence[float], fmt: str = ".2f") -> str:
    """Values formatted for a sentence: ``0.66, 0.24 and 0.10``."""
    return listing([format(float(v), fmt) for v in values])
