"""Targets: one-hot encoding and label smoothing."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, DTypeLike, NDArray

from sce.numeric._checks import _as_array, _check_int, _check_label_smoothing, _float_array


def one_hot(labels: ArrayLike, num_classes: int, dtype: DTypeLike = float) -> NDArray[Any]:
    """One-hot encoding of integer class labels.

    Parameters
    ----------
    labels : array_like
        Integer labels, any shape.
    num_classes : int
        Number of classes ``C >= 1``.
    dtype : data-type, optional
        Dtype of the result (a real floating or integer dtype). Default float64.

    Returns
    -------
    numpy.ndarray
        Shape ``labels.shape + (C,)``.

    Raises
    ------
    TypeError
        If ``labels`` is not an integer array, ``num_classes`` not an integer, or ``dtype`` not
        a real numeric dtype.
    ValueError
        If ``num_classes < 1`` or a label lies outside ``[0, num_classes)``.

    Examples
    --------
    >>> from sce import one_hot
    >>> print(one_hot([0, 2], 3))
    [[1. 0. 0.]
     [0. 0. 1.]]
    """
    lab = _as_array(labels, "labels")
    if lab.dtype.kind not in "iu":
        raise TypeError(f"labels: expected an integer array, got dtype {lab.dtype}")
    num_classes = _check_int(num_classes, "num_classes")
    if num_classes < 1:
        raise ValueError(f"num_classes: must be at least 1, got {num_classes}")
    try:
        dt = np.dtype(dtype)
    except TypeError:
        raise TypeError(f"dtype: not a NumPy dtype: {dtype!r}") from None
    if dt.kind not in "fiu":
        raise TypeError(f"dtype: expected a real floating or integer dtype, got {dt}")
    if lab.size and ((lab < 0) | (lab >= num_classes)).any():
        raise ValueError(f"labels: every label must lie in [0, {num_classes})")
    out = np.zeros((*lab.shape, num_classes), dt)
    np.put_along_axis(out, lab[..., None].astype(np.intp), 1, axis=-1)
    return out


def smooth_labels(
    target: ArrayLike, label_smoothing: float, num_classes: int | None = None
) -> NDArray[np.floating]:
    r"""Mix a target with the uniform distribution: :math:`(1-\varepsilon)\,t + \varepsilon/C`,
    PyTorch's label smoothing.

    Parameters
    ----------
    target : array_like
        Integer class labels (then ``num_classes`` is required and they are one-hot encoded
        first) or probabilities whose last axis is the class axis.
    label_smoothing : float
        :math:`\varepsilon \in [0, 1]`.
    num_classes : int, optional
        ``C``; for probabilities it must equal the size of the last axis if given.

    Returns
    -------
    numpy.ndarray
        The smoothed probabilities; float64 for labels, the target's dtype for float32/float64
        probabilities.

    Raises
    ------
    TypeError
        If ``target`` is neither integer nor real floating.
    ValueError
        If ``label_smoothing`` lies outside [0, 1], ``num_classes`` is missing or disagrees, or
        a label is out of range.

    Examples
    --------
    >>> from sce import smooth_labels
    >>> print(smooth_labels([0, 2], 0.3, num_classes=3))
    [[0.8 0.1 0.1]
     [0.1 0.1 0.8]]
    """
    eps = _check_label_smoothing(label_smoothing)
    t = _as_array(target, "target")
    if t.dtype.kind in "iu":
        if num_classes is None:
            raise ValueError("num_classes: required when target holds class labels")
        probs = one_hot(t, num_classes)
    elif t.dtype.kind == "f":
        probs = _float_array(t, "target")
        if probs.ndim == 0:
            raise ValueError("target: probabilities need a class axis (the last one)")
        if num_classes is not None and _check_int(num_classes, "num_classes") != probs.shape[-1]:
            raise ValueError(
                f"num_classes: {num_classes} differs from the size of the target's last axis, "
                f"{probs.shape[-1]}"
            )
    else:
        raise TypeError(f"target: expected integer labels or probabilities, got dtype {t.dtype}")
    C = probs.shape[-1]
    if C == 0:
        raise ValueError("target: the class axis (the last one) has length 0")
    return probs * (1 - eps) + eps / C
