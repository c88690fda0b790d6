"""Gradients: the learning signal, and how one logit's change moves every output."""

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
def gradient_saturation(
    p_true: np.ndarray, ce_grad: np.ndarray, se_grad: np.ndarray, *, alt: str | None = None
) -> Figure:
    """Size of the gradient on the true logit against the probability given to the true class.

    Parameters
    ----------
    p_true : numpy.ndarray
        Probabilities of the true class, increasing.
    ce_grad, se_grad : numpy.ndarray
        ``|∂ℓ/∂z_true|`` for cross-entropy and for squared error through softmax, at each
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
    ax.set_ylabel(r"$|\partial \ell / \partial z_{\mathrm{true}}|$")
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


@styled
def logit_nudge_bars(
    z: Sequence[float],
    k: int,
    *,
    nudge: float = 0.5,
    labels: Sequence[str] | None = None,
    alt: str | None = None,
) -> Figure:
    """What raising one logit does to every output of the softmax: the Jacobian as competition.

    Left: ``softmax(z)`` beside ``softmax(z + nudge · e_k)``. Right: column ``k`` of the Jacobian,
    ``∂ŷ_i/∂z_k = ŷ_i (δ_ik − ŷ_k)``: the output of class ``k`` gains, every other output
    loses in proportion to its own size, and the column sums to 0.

    Parameters
    ----------
    z : sequence of float
        One logit vector, finite.
    k : int
        The class whose logit is raised (from 0).
    nudge : float
        How much the logit is raised in the left panel, > 0.
    labels : sequence of str, optional
        Class names for the x-axes (default ``1, 2, ...``).
    alt : str, optional
        What the figure shows, for readers who cannot see it; by default a description made
        from the data drawn. A blank string raises ValueError.

    Returns
    -------
    matplotlib.figure.Figure
        Two axes: the probabilities before and after, and the Jacobian column.

    Raises
    ------
    ValueError
        If ``z`` is not a non-empty 1-D vector of finite values, ``k`` is not one of its
        classes, or ``nudge`` is not positive.
    TypeError
        If ``alt`` is not a string.

    Examples
    --------
    >>> fig = logit_nudge_bars([2.0, 1.0, 0.1], 1)
    >>> [ax.get_ylabel() for ax in fig.axes]
    ['probability', 'change per unit of $z_k$']
    """
    from sce import softmax, softmax_jacobian

    z = logit_vector(z)
    if not np.isfinite(z).all():
        raise ValueError(f"z must be finite, got {z.tolist()!r}")
    if isinstance(k, bool) or not isinstance(k, int | np.integer) or not 0 <= k < z.size:
        raise ValueError(f"k must be a class index in [0, {z.size}), got {k!r}")
    if not nudge > 0:
        raise ValueError(f"nudge must be positive, got {nudge!r}")
    names = class_names(labels, z.size, "{}")
    before = softmax(z)
    raised = z.copy()
    raised[k] += nudge
    after = softmax(raised)
    column = softmax_jacobian(z)[:, k]
    fig, (ax, ax_jac) = figure(2, width=8.0, height=3.2)
    x = np.arange(z.size)
    ax.bar(x - 0.2, before, 0.4, color="#999999", label=r"softmax$(z)$")
    ax.bar(x + 0.2, after, 0.4, color=PREDICTION, label=f"logit {names[k]} raised by {nudge:g}")
    ax.set_xticks(x, names)
    ax.set_xlabel("class")
    ax.set_ylabel("probability")
    ax.set_ylim(0, 1.15)
    ax.legend(loc="upper right")
    ax_jac.bar(x, column, 0.5, color=[TRUTH if v > 0 else WRONG for v in column])
    ax_jac.axhline(0, color=GREY, lw=0.8)
    ax_jac.set_xticks(x, names)
    ax_jac.set_xlabel("class $i$")
    ax_jac.set_ylabel("change per unit of $z_k$")
    ax_jac.set_title(rf"$\partial \hat y_i / \partial z_k$ for $k$ = {names[k]}: the bars sum to 0")
    others = [i for i in range(z.size) if i != k]
    default = (
        f"Two bar charts over classes {listing(names)}. Left: the probabilities "
        f"{numbers(before)} before and {numbers(after)} after raising the logit of class "
        f"{names[k]} by {nudge:g}. Right: the rate of change of each probability per unit of "
        f"that logit, {numbers(column, '+.3f')}: class {names[k]} gains "
        f"{column[k]:.3f}, the others lose {numbers(-column[others], '.3f')}, each in proportion "
        "to its own probability, and the gains and losses cancel."
    )
    return with_alt(fig, alt, default)


@styled
def vector_jacobian_product(
    z: Sequence[float],
    label: Sequence[float],
    *,
    labels: Sequence[str] | None = None,
    alt: str | None = None,
) -> Figure:
    """The chain rule of cross-entropy through softmax as a picture: ``gᵀ J = ŷ − y``.

    Left: the row vector ``g = ∂ℓ/∂ŷ = −y/ŷ``. Middle: the softmax Jacobian
    ``J_ij = ∂ŷ_i/∂z_j`` as a grid of coloured cells with their values. Right: the product
    ``gᵀ J``, one entry per logit, which is ``ŷ − y`` when the label sums to one.

    Parameters
    ----------
    z : sequence of float
        One logit vector, finite.
    label : sequence of float
        The label y, non-negative, same length as ``z``.
    labels : sequence of str, optional
        Class names (default ``1, 2, ...``).
    alt : str, optional
        What the figure shows, for readers who cannot see it; by default a description made
        from the data drawn. A blank string raises ValueError.

    Returns
    -------
    matplotlib.figure.Figure
        Three axes: g, J and gᵀJ.

    Raises
    ------
    ValueError
        If ``z`` is not a finite non-empty 1-D vector, or ``label`` differs from it in length
        or has a negative entry.
    TypeError
        If ``alt`` is not a string.

    Examples
    --------
    >>> fig = vector_jacobian_product([2.0, 1.0, 0.1], [1.0, 0.0, 0.0])
    >>> [ax.get_title() for ax in fig.axes[:3]]
    ['g = ∂ℓ/∂ŷ = −y/ŷ', 'J = ∂ŷ/∂z', 'gᵀJ = ŷ − y']
    """
    from sce import softmax, softmax_jacobian

    z = logit_vector(z)
    y = np.asarray(label, dtype=float)
    if not np.isfinite(z).all():
        raise ValueError(f"z must be finite, got {z.tolist()!r}")
    if y.shape != z.shape or (y < 0).any():
        raise ValueError(f"label must be {z.size} non-negative values, got {y.tolist()!r}")
    names = class_names(labels, z.size, "{}")
    p = softmax(z)
    jac = softmax_jacobian(z)
    g = np.where(y == 0, 0.0, -y / p)  # no "-0.00" for the classes of weight 0
    product = g @ jac
    fig, (ax_g, ax_j, ax_p) = figure(3, width=9.6, height=3.4)
    x = np.arange(z.size)
    ax_g.bar(x, g, 0.5, color=[WRONG if v < 0 else TRUTH for v in g])
    ax_g.axhline(0, color=GREY, lw=0.8)
    ax_g.set_xticks(x, names)
    ax_g.set_xlabel("output $i$")
    ax_g.set_ylabel(r"$\partial \ell / \partial \hat y_i$")
    ax_g.set_title("g = ∂ℓ/∂ŷ = −y/ŷ")
    top = float(np.abs(jac).max())
    ax_j.imshow(jac, cmap="RdBu", vmin=-top, vmax=top)
    for i in range(z.size):
        for j in range(z.size):
            ink = "white" if abs(jac[i, j]) > 0.6 * top else "black"
            ax_j.text(j, i, f"{jac[i, j]:+.2f}", ha="center", va="center", fontsize=8, color=ink)
    ax_j.set_xticks(x, names)
    ax_j.set_yticks(x, names)
    ax_j.set_xlabel("logit $j$")
    ax_j.set_ylabel("output $i$")
    ax_j.set_title("J = ∂ŷ/∂z")
    ax_j.grid(False)
    ax_p.bar(x, product, 0.5, color=[WRONG if v > 0 else TRUTH for v in product])
    ax_p.plot(x, p - y, "_", color=PREDICTION, ms=24, mew=2, label="ŷ − y")
    ax_p.axhline(0, color=GREY, lw=0.8)
    ax_p.set_xticks(x, names)
    ax_p.set_xlabel("logit $j$")
    ax_p.set_ylabel(r"$\partial \ell / \partial z_j$")
    ax_p.set_title("gᵀJ = ŷ − y")
    ax_p.legend(loc="upper right")
    default = (
        f"Three panels for the logits {numbers(z, 'g')} and the label {numbers(y, 'g')}. Left: "
        f"the gradient with respect to the outputs, −y/ŷ = {numbers(g, '+.2f')}. Middle: the "
        f"{z.size} by {z.size} softmax Jacobian as coloured cells, positive on the diagonal "
        f"({numbers(np.diag(jac), '+.2f')}) and negative elsewhere. Right: their product, the "
        f"gradient with respect to the logits, {numbers(product, '+.2f')}, with ŷ − y "
        f"({numbers(p - y, '+.2f')}) marked on each bar."
    )
    return with_alt(fig, alt, default)
