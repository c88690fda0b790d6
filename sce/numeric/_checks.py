"""Argument checks of sce.numeric: each error names the argument and what was wrong."""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

_FLOAT_DTYPES = (np.dtype(np.float32), np.dtype(np.float64))
_REDUCTIONS = ("mean", "sum", "none")


def _as_array(x: Any, name: str) -> np.ndarray:
    if isinstance(x, np.ndarray):
        return x
    try:
        return np.asarray(x)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"{name}: cannot be read as a rectangular array ({exc})") from None


def _float_array(x: Any, name: str) -> np.ndarray:
    """Return ``x`` as a float32 or float64 array (integers promoted to float64), never copied
    when it already is one."""
    a = _as_array(x, name)
    dt = a.dtype
    if dt in _FLOAT_DTYPES:
        return a
    if dt.kind in "iu":
        return a.astype(np.float64)
    if dt.kind == "f":
        raise TypeError(f"{name}: dtype {dt} is not supported; use float32 or float64")
    raise TypeError(f"{name}: expected a real floating or integer array, got dtype {dt}")


def _normalize_axis(axis: Any, ndim: int, name: str = "logits") -> int:
    if isinstance(axis, bool) or not isinstance(axis, numbers.Integral):
        raise TypeError(f"axis: expected an integer, got {axis!r}")
    if ndim == 0:
        raise ValueError(
            f"{name}: expected at least one dimension (the class axis), got a 0-d array"
        )
    axis = int(axis)
    if not -ndim <= axis < ndim:
        raise ValueError(f"axis: {axis} is out of range for {name} with {ndim} dimension(s)")
    return axis % ndim


def _class_axis(a: np.ndarray, axis: Any, name: str = "logits") -> int:
    """The class axis of ``a``, normalised; an empty class axis is rejected, in every function
    (a softmax over no class is no distribution; it is almost always a wrong ``axis``)."""
    ax = _normalize_axis(axis, a.ndim, name)
    if a.shape[ax] == 0:
        raise ValueError(
            f"{name}: the class axis (axis {ax} of shape {a.shape}) has length 0; "
            "at least one class is needed"
        )
    return ax


def _check_reduction(reduction: Any) -> str:
    if not isinstance(reduction, str):
        raise TypeError(f"reduction: expected one of 'mean', 'sum', 'none', got {reduction!r}")
    if reduction not in _REDUCTIONS:
        raise ValueError(f"reduction: expected one of 'mean', 'sum', 'none', got {reduction!r}")
    return reduction


def _real_scalar(x: Any, name: str) -> float:
    if isinstance(x, bool) or not isinstance(x, numbers.Real):
        raise TypeError(f"{name}: expected a real number, got {x!r}")
    return float(x)


def _check_label_smoothing(eps: Any) -> float:
    eps = _real_scalar(eps, "label_smoothing")
    if not 0.0 <= eps <= 1.0:
        raise ValueError(f"label_smoothing: must lie in [0, 1], got {eps!r}")
    return eps


def _check_int(x: Any, name: str) -> int:
    if isinstance(x, bool) or not isinstance(x, numbers.Integral):
        raise TypeError(f"{name}: expected an integer, got {x!r}")
    return int(x)


def _check_weight(weight: Any, num_classes: int, dtype: np.dtype) -> np.ndarray | None:
    if weight is None:
        return None
    w = _float_array(weight, "weight")
    if w.shape != (num_classes,):
        raise ValueError(
            f"weight: expected shape ({num_classes},), one weight per class, got shape {w.shape}"
        )
    if not np.isfinite(w).all():
        raise ValueError("weight: contains NaN or infinite values")
    if (w < 0).any():
        raise ValueError("weight: class weights must be non-negative")
    return w.astype(dtype, copy=False)


def _reject_bad_maxima(m: np.ndarray) -> None:
    """``m`` holds the row maxima (NaN where a row has a NaN); raise the matching error."""
    if np.isnan(m).any():
        raise ValueError("logits: contains NaN")
    if (m == np.inf).any():
        raise ValueError("logits: contains +inf (only -inf is allowed, as a mask)")
    raise ValueError(
        "logits: a row has every logit equal to -inf (every class masked); "
        "at least one class must have a finite logit"
    )


def _to_scalar(x: np.ndarray | np.generic, dtype: np.dtype) -> np.generic:
    return dtype.type(x)
