"""A classifier on real images: the images, its class templates, its confusions, its calibration."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.figure import Figure

from sce.plots.style import GREY, PREDICTION, WRONG, figure, styled, with_alt


def _images(images: np.ndarray, name: str) -> np.ndarray:
    arr = np.asarray(images, dtype=float)
    if arr.ndim == 2 and arr.shape[1] == 64:
        arr = arr.reshape(-1, 8, 8)
    if arr.ndim != 3 or arr.shape[0] == 0 or arr.shape[1:] != (8, 8):
        raise ValueError(
            f"{name} must be 8 by 8: (K, 8, 8) images or (K, 64) rows, not {arr.shape}"
        )
    return arr


@styled
def digit_images(
    images: Sequence, labels: Sequence[int], *, columns: int = 10, alt: str | None = None
) -> Figure:
    """A grid of small grey-scale images, each titled with its label.

    Parameters
    ----------
    images : array_like, shape (K, 8, 8) or (K, 64)
        Pixel intensities (0 is white).
    labels : sequence of int
        One label per image.
    columns : int
        Images per row.
    alt : str, optional
        What the figure shows; by default made from the labels.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ValueError
        If the images are not 8 × 8 or the labels do not match them.

    Examples
    --------
    >>> fig = digit_images(np.zeros((3, 64)), [0, 1, 2])
    >>> len(fig.axes)
    3
    """
    imgs = _images(images, "images")
    labels = [int(v) for v in labels]
    if len(labels) != imgs.shape[0]:
        raise ValueError(f"labels must have {imgs.shape[0]} entries, got {len(labels)}")
    rows = -(-imgs.shape[0] // columns)
    fig, _ = figure(1, width=0.75 * columns, height=0.85 * rows)
    fig.delaxes(fig.axes[0])
    for k, (img, label) in enumerate(zip(imgs, labels, strict=True)):
        ax = fig.add_subplot(rows, columns, k + 1)
        ax.imshow(img, cmap="gray_r", interpolation="nearest")
        ax.set_title(str(label), fontsize=9)
        ax.set_axis_off()
    default = (
        f"{imgs.shape[0]} handwritten digits as 8 by 8 grey-scale images, in a grid of "
        f"{columns} per row, labelled {', '.join(map(str, labels))}."
    )
    return with_alt(fig, alt, default)


@styled
def class_templates(weights: Sequence, *, alt: str | None = None) -> Figure:
    """Each class's weight vector drawn as an 8 × 8 image: what the linear classifier looks for.

    Parameters
    ----------
    weights : array_like, shape (64, C)
        The weights of a linear classifier on 8 × 8 images, one column per class.
    alt : str, optional
        What the figure shows.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ValueError
        If `weights` does not have 64 rows.

    Examples
    --------
    >>> len(class_templates(np.eye(64)[:, :10]).axes)
    10
    """
    w = np.asarray(weights, dtype=float)
    if w.ndim != 2 or w.shape[0] != 64:
        raise ValueError(f"weights must have shape (64, C), got {w.shape}")
    n = w.shape[1]
    fig, _ = figure(1, width=0.8 * n, height=1.1)
    fig.delaxes(fig.axes[0])
    scale = np.abs(w).max() or 1.0
    for c in range(n):
        ax = fig.add_subplot(1, n, c + 1)
        ax.imshow(w[:, c].reshape(8, 8), cmap="RdBu_r", vmin=-scale, vmax=scale)
        ax.set_title(f"class {c}", fontsize=9)
        ax.set_axis_off()
    default = (
        f"The weights of each of the {n} classes drawn as an 8 by 8 image, red for pixels that "
        "raise the class's score and blue for pixels that lower it."
    )
    return with_alt(fig, alt, default)


@styled
def confusion_matrix(
    true: Sequence[int], predicted: Sequence[int], *, alt: str | None = None
) -> Figure:
    """Counts of (true class, predicted class) pairs, the diagonal being the correct predictions.

    Parameters
    ----------
    true, predicted : sequence of int
        Class indices 0..C−1, one pair per sample.
    alt : str, optional
        What the figure shows; by default the accuracy and the largest confusion.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ValueError
        If the sequences differ in length, are empty or hold negative classes.

    Examples
    --------
    >>> fig = confusion_matrix([0, 1, 1], [0, 1, 0])
    >>> fig.axes[0].get_xlabel()
    'predicted class'
    """
    t = np.asarray(true, dtype=int)
    p = np.asarray(predicted, dtype=int)
    if t.shape != p.shape or t.ndim != 1 or t.size == 0 or min(t.min(), p.min()) < 0:
        raise ValueError("true and predicted must be non-empty, of one length, classes >= 0")
    n = int(max(t.max(), p.max())) + 1
    counts = np.zeros((n, n), dtype=int)
    np.add.at(counts, (t, p), 1)
    fig, (ax,) = figure(1, width=4.4, height=3.8)
    ax.imshow(counts, cmap="Blues")
    ax.grid(False)
    for i in range(n):
        for j in range(n):
            if counts[i, j]:
                colour = "white" if counts[i, j] > counts.max() / 2 else "black"
                ax.text(j, i, str(counts[i, j]), ha="center", va="center", fontsize=7, color=colour)
    ax.set_xticks(range(n))
    ax.set_yticks(range(n))
    ax.set_xlabel("predicted class")
    ax.set_ylabel("true class")
    off = counts - np.diag(np.diag(counts))
    i, j = np.unravel_index(np.argmax(off), off.shape)
    default = (
        f"Confusion matrix of {t.size} predictions over {n} classes: {np.trace(counts)} on the "
        f"diagonal (correct); the most frequent confusion is true class {i} predicted as {j}, "
        f"{off[i, j]} times."
    )
    return with_alt(fig, alt, default)


@styled
def reliability_diagram(
    panels: dict[str, tuple[Sequence, Sequence[int]]],
    *,
    n_bins: int = 15,
    alt: str | None = None,
) -> Figure:
    """Reliability diagrams: accuracy against confidence in equal-width bins, one panel each.

    Each panel draws, for the bins ((m − 1)/M, m/M] of top-label confidence, the accuracy of the
    samples in the bin as a bar and the bin's mean confidence as a marker; a calibrated model's
    bars reach the diagonal. The panel's title gives its expected calibration error
    (:func:`sce.expected_calibration_error`).

    Parameters
    ----------
    panels : dict of str to (probabilities, labels)
        A title and the (N, C) probabilities and (N,) labels for each panel.
    n_bins : int
        The number of bins M.
    alt : str, optional
        What the figure shows; by default each panel's title and error.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ValueError
        If `panels` is empty, or as :func:`sce.expected_calibration_error`.

    Examples
    --------
    >>> p = np.array([[0.9, 0.1], [0.2, 0.8], [0.6, 0.4]])
    >>> fig = reliability_diagram({"demo": (p, [0, 1, 1])}, n_bins=5)
    >>> fig.axes[0].get_xlabel()
    'confidence'
    """
    from sce.calibration import expected_calibration_error

    if not panels:
        raise ValueError("panels must hold at least one (probabilities, labels) pair")
    fig, axes = figure(len(panels), width=3.3 * len(panels), height=3.3)
    edges = np.linspace(0, 1, n_bins + 1)
    described = []
    for ax, (title, (probabilities, labels)) in zip(axes, panels.items(), strict=True):
        ece = expected_calibration_error(probabilities, labels, n_bins)
        p = np.asarray(probabilities, dtype=float)
        y = np.asarray(labels)
        conf = p.max(axis=1)
        hit = p.argmax(axis=1) == y
        index = np.minimum(np.searchsorted(edges[1:], conf, side="left"), n_bins - 1)
        count = np.bincount(index, minlength=n_bins)
        full = count > 0
        acc = np.bincount(index, weights=hit, minlength=n_bins)[full] / count[full]
        mean_conf = np.bincount(index, weights=conf, minlength=n_bins)[full] / count[full]
        centres = (edges[:-1] + edges[1:])[full] / 2
        ax.bar(centres, acc, width=1 / n_bins, color=PREDICTION, alpha=0.75, label="accuracy")
        ax.plot(mean_conf, acc, "o", color=WRONG, ms=3, label="mean confidence")
        ax.plot([0, 1], [0, 1], color=GREY, ls="--", lw=1)
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1)
        ax.set_xlabel("confidence")
        ax.set_ylabel("accuracy")
        ax.set_title(f"{title}\nECE = {ece:.3f}", fontsize=10)
        described.append(f"{title} (ECE {ece:.3f})")
    axes[0].legend(loc="upper left", fontsize=8)
    default = (
        "Reliability diagrams, accuracy against confidence in "
        f"{n_bins} equal-width bins with the diagonal of perfect calibration: "
        + "; ".join(described)
        + "."
    )
    return with_alt(fig, alt, default)
