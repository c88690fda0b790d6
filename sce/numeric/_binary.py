"""The binary loss: the logistic sigmoid and binary cross-entropy with logits."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from sce.numeric._checks import _as_array, _check_reduction, _float_array, _to_scalar


def sigmoid(x: ArrayLike) -> NDArray[np.floating] | np.floating:
    r"""Logistic sigmoid :math:`1 / (1 + e^{-x})`, without overflow for any ``x``.

    Parameters
    ----------
    x : array_like
        float32, float64 or integer (promoted to float64). ``±inf`` give 1 and 0.

    Returns
    -------
    numpy.ndarray or numpy.floating
        Same shape and dtype as ``x`` (a NumPy scalar for 0-d input).

    Raises
    ------
    TypeError
        If ``x`` has an unsupported dtype.
    ValueError
        If ``x`` holds NaN.

    Examples
    --------
    >>> import numpy as np
    >>> from sce import sigmoid
    >>> print(sigmoid(np.array([-1000.0, 0.0, 1000.0])))
    [0.  0.5 1. ]
    >>> float(sigmoid(-40.0))
    4.248354255291589e-18
    """
    a = _float_array(x, "x")
    if np.isnan(a).any():
        raise ValueError("x: contains NaN")
    with np.errstate(all="ignore"):
        e = np.exp(-np.abs(a))
        one_plus = 1 + e
        out = np.where(a >= 0, 1 / one_plus, e / one_plus).astype(a.dtype, copy=False)
    return out[()] if out.ndim == 0 else out


def _broadcast_param(p: Any, name: str, shape: tuple[int, ...], dtype: np.dtype) -> np.ndarray:
    arr = _float_array(p, name)
    try:
        arr = np.broadcast_to(arr, shape)
    except ValueError:
        raise ValueError(
            f"{name}: shape {arr.shape} cannot be broadcast to the logits' shape {shape}"
        ) from None
    if not np.isfinite(arr).all():
        raise ValueError(f"{name}: contains NaN or infinite values")
    if (arr < 0).any():
        raise ValueError(f"{name}: must be non-negative")
    return arr.astype(dtype, copy=False)


def binary_cross_entropy_with_logits(
    logits: ArrayLike,
    target: ArrayLike,
    *,
    weight: ArrayLike | None = None,
    pos_weight: ArrayLike | None = None,
    reduction: str = "mean",
) -> NDArray[np.floating] | np.floating:
    r"""Binary cross-entropy of ``sigmoid(logits)`` against ``target``, with the values of
    ``torch.nn.functional.binary_cross_entropy_with_logits``.

    Per element the loss is :math:`w\,[\,q\, y \operatorname{softplus}(-x) + (1-y)
    \operatorname{softplus}(x)\,]` with :math:`q` the ``pos_weight`` of its class; softplus is
    computed as :math:`\max(x,0) + \operatorname{log1p}(e^{-|x|})`, never as ``log(sigmoid)``.

    Parameters
    ----------
    logits : array_like
        Finite float32, float64 or integer (promoted to float64) scores.
    target : array_like
        Same shape as ``logits``, values in [0, 1]; cast to the logits' dtype.
    weight : array_like, optional
        Non-negative weight of each element, broadcast to the logits' shape.
    pos_weight : array_like, optional
        Non-negative weight of the positive term of each class (the last axis), broadcast to the
        logits' shape.
    reduction : {"mean", "sum", "none"}, optional
        ``"mean"`` averages over all elements. Default ``"mean"``.

    Returns
    -------
    numpy.floating or numpy.ndarray
        A NumPy scalar for ``"mean"`` and ``"sum"``, the elementwise losses for ``"none"``.

    Raises
    ------
    TypeError
        If an argument has an unsupported dtype.
    ValueError
        On non-finite logits, a target of another shape or outside [0, 1], a ``weight`` or
        ``pos_weight`` that does not broadcast or is negative, an unknown ``reduction``, or
        ``"mean"`` over no element.

    Examples
    --------
    >>> from sce import binary_cross_entropy_with_logits
    >>> print(round(float(binary_cross_entropy_with_logits([0.0, 2.0], [1.0, 0.0])), 6))
    1.410037
    >>> print(round(float(binary_cross_entropy_with_logits([0.0], [1.0], pos_weight=[3.0])), 6))
    2.079442
    """
    x, y, w, q, reduction = _bce_args(logits, target, weight, pos_weight, reduction)
    with np.errstate(all="ignore"):
        loss = _bce_loss(x, y, w, q, np.exp(-np.abs(x)))
    return _reduce(loss, reduction)


def binary_cross_entropy_with_logits_grad(
    logits: ArrayLike,
    target: ArrayLike,
    *,
    weight: ArrayLike | None = None,
    pos_weight: ArrayLike | None = None,
    reduction: str = "mean",
) -> NDArray[np.floating]:
    r"""Gradient of :func:`binary_cross_entropy_with_logits` with respect to the logits.

    Per element it is :math:`w\,[\,(1-y)\,\sigma(x) - q\,y\,\sigma(-x)\,]`, PyTorch's
    :math:`w\,[(1 + (q-1)y)\,\sigma(x) - q y]` written without the difference
    :math:`\sigma(x) - 1`, which cancels for a confident prediction: for :math:`y = 1` the
    entry is :math:`-w q\,\sigma(-x)`, exact however large :math:`x` is. Both sigmoids come
    from one exponential :math:`e^{-|x|}`. ``"mean"`` divides by the number of elements; for
    ``"none"`` it is the gradient of the sum of the elementwise losses.

    Parameters
    ----------
    logits, target, weight, pos_weight, reduction
        As :func:`binary_cross_entropy_with_logits`.

    Returns
    -------
    numpy.ndarray
        Same shape and dtype as ``logits``.

    Raises
    ------
    TypeError
        As :func:`binary_cross_entropy_with_logits`.
    ValueError
        As :func:`binary_cross_entropy_with_logits`.

    Examples
    --------
    >>> from sce import binary_cross_entropy_with_logits_grad
    >>> print(binary_cross_entropy_with_logits_grad([0.0, 2.0], [1.0, 0.0], reduction="sum"))
    [-0.5        0.88079708]
    >>> float(binary_cross_entropy_with_logits_grad([40.0], [1.0])[0])  # -exp(-40), not 0
    -4.248354255291589e-18
    """
    x, y, w, q, reduction = _bce_args(logits, target, weight, pos_weight, reduction)
    with np.errstate(all="ignore"):
        return _bce_grad(x, y, w, q, np.exp(-np.abs(x)), reduction)


def binary_cross_entropy_with_logits_and_grad(
    logits: ArrayLike,
    target: ArrayLike,
    *,
    weight: ArrayLike | None = None,
    pos_weight: ArrayLike | None = None,
    reduction: str = "mean",
) -> tuple[NDArray[np.floating] | np.floating, NDArray[np.floating]]:
    r"""The binary loss and its gradient from one exponential per element: the same values as
    :func:`binary_cross_entropy_with_logits` and
    :func:`binary_cross_entropy_with_logits_grad`.

    Parameters
    ----------
    logits, target, weight, pos_weight, reduction
        As :func:`binary_cross_entropy_with_logits`.

    Returns
    -------
    loss : numpy.floating or numpy.ndarray
        As :func:`binary_cross_entropy_with_logits`.
    grad : numpy.ndarray
        As :func:`binary_cross_entropy_with_logits_grad`.

    Raises
    ------
    TypeError
        As :func:`binary_cross_entropy_with_logits`.
    ValueError
        As :func:`binary_cross_entropy_with_logits`.

    Examples
    --------
    >>> from sce import binary_cross_entropy_with_logits_and_grad
    >>> loss, grad = binary_cross_entropy_with_logits_and_grad([0.0, 0.0], [1.0, 0.0])
    >>> print(round(float(loss), 6), grad)
    0.693147 [-0.25  0.25]
    """
    x, y, w, q, reduction = _bce_args(logits, target, weight, pos_weight, reduction)
    with np.errstate(all="ignore"):
        e = np.exp(-np.abs(x))
        loss = _bce_loss(x, y, w, q, e)
        grad = _bce_grad(x, y, w, q, e, reduction)
    return _reduce(loss, reduction), grad


def _bce_args(
    logits: Any, target: Any, weight: Any, pos_weight: Any, reduction: Any
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None, np.ndarray | None, str]:
    x = _float_array(logits, "logits")
    dt = x.dtype
    reduction = _check_reduction(reduction)
    if not np.isfinite(x).all():
        raise ValueError("logits: contains NaN or infinite values")
    yt = _as_array(target, "target")
    if yt.shape != x.shape:
        raise ValueError(f"target: shape {yt.shape} does not match the logits' shape {x.shape}")
    y = _float_array(yt, "target").astype(dt, copy=False)
    if not np.isfinite(y).all() or (y < 0).any() or (y > 1).any():
        raise ValueError("target: values must lie in [0, 1]")
    q = None if pos_weight is None else _broadcast_param(pos_weight, "pos_weight", x.shape, dt)
    w = None if weight is None else _broadcast_param(weight, "weight", x.shape, dt)
    if reduction == "mean" and x.size == 0:
        raise ValueError("logits: reduction='mean' over an empty array")
    return x, y, w, q, reduction


def _bce_loss(
    x: np.ndarray, y: np.ndarray, w: np.ndarray | None, q: np.ndarray | None, e: np.ndarray
) -> np.ndarray:
    """Elementwise losses; ``e = exp(-|x|)``. Softplus is ``max(x, 0) + log1p(e^{-|x|})``,
    never ``log(sigmoid)``."""
    lg = np.log1p(e)
    pos = y * (np.maximum(-x, 0) + lg)
    if q is not None:
        pos = pos * q
    loss = pos + (1 - y) * (np.maximum(x, 0) + lg)
    if w is not None:
        loss = loss * w
    return np.asarray(loss, dtype=x.dtype)


def _bce_grad(
    x: np.ndarray,
    y: np.ndarray,
    w: np.ndarray | None,
    q: np.ndarray | None,
    e: np.ndarray,
    reduction: str,
) -> np.ndarray:
    """Elementwise gradient ``w [(1 - y) sigma(x) - q y sigma(-x)]``; ``e = exp(-|x|)``."""
    dt = x.dtype
    one_plus = 1 + e
    big = 1 / one_plus  # sigmoid(|x|)
    small = e / one_plus  # sigmoid(-|x|), exact however small
    up = x >= 0
    s_pos = np.where(up, big, small)  # sigmoid(x)
    s_neg = np.where(up, small, big)  # sigmoid(-x): no 1 - sigmoid(x) to cancel
    neg = y * s_neg
    if q is not None:
        neg = neg * q
    g = (1 - y) * s_pos - neg
    if w is not None:
        g = g * w
    if reduction == "mean":
        g = g / dt.type(x.size)
    return np.asarray(g, dtype=dt)


def _reduce(loss: np.ndarray, reduction: str) -> NDArray[np.floating] | np.floating:
    dt = loss.dtype
    if reduction == "none":
        return loss
    if reduction == "sum":
        return _to_scalar(loss.sum(dtype=dt), dt)
    return _to_scalar(loss.sum(dtype=dt) / dt.type(loss.size), dt)
