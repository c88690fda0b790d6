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


def _softplus(x: np.ndarray) -> np.ndarray:
    """``log(1 + exp(x))`` for finite ``x``, as ``max(x, 0) + log1p(exp(-|x|))``."""
    return np.maximum(x, 0) + np.log1p(np.exp(-np.abs(x)))


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
    with np.errstate(all="ignore"):
        pos = y * _softplus(-x)
        if pos_weight is not None:
            pos = pos * _broadcast_param(pos_weight, "pos_weight", x.shape, dt)
        loss = pos + (1 - y) * _softplus(x)
        if weight is not None:
            loss = loss * _broadcast_param(weight, "weight", x.shape, dt)
    loss = np.asarray(loss, dtype=dt)
    if reduction == "none":
        return loss
    if reduction == "sum":
        return _to_scalar(loss.sum(dtype=dt), dt)
    if loss.size == 0:
        raise ValueError("logits: reduction='mean' over an empty array")
    return _to_scalar(loss.sum(dtype=dt) / dt.type(loss.size), dt)
