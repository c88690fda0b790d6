"""Gradients: the learning signal, and how one logit's change moves every output."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from sce.plots.style import (
    PREDICTION,
    WRONG,
    figure,
    styled,
    with_alt,
)


@styled
def gradient_saturation(
    p_true: np.ndarray, ce_grad: np.ndarray, se_grad: np.ndarray, *, alt: str | None = None
) -> Figure:
    """Size of the gradient on the true logit against the probability given to the true class.

    Parameters
    ----------
    p_true : numpy.ndarray
        Probabilities of the true class, increasing.
    ce_grad, se_grad : numpy.ndarray
        ``|∂E/∂z_true|`` for cross-entropy and for squared error through softmax, at each
        ``p_true``.
    alt : str, optional
        What the figure shows, for readers who cannot see it; by default a description made
        from the data drawn. A blank string raises ValueError.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ValueError
        If the three arrays differ in shape.
    TypeError
        If ``alt`` is not a string.

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
    low = int(np.argmin(p_true))
    default = (
        "Two curves of the size of the gradient on the true logit against the probability given "
        f"to the true class, from {p_true.min():.2g} to {p_true.max():.2g}. At "
        f"p = {p_true[low]:.2g}, cross-entropy gives {ce_grad[low]:.2f} and squared error "
        f"through softmax {se_grad[low]:.2f}."
    )
    return with_alt(fig, alt, default)
