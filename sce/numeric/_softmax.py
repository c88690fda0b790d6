"""The softmax family: softmax, log-softmax, log-sum-exp, the softmax Jacobian and the
cross-entropy Hessian."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from sce.numeric._checks import _as_array, _class_axis, _float_array, _real_scalar
from sce.numeric._exact import _blocks, _exp_block, _prepare, _restore, _Rows, _Work


def softmax(z: ArrayLike, axis: int = -1, temperature: float = 1.0) -> NDArray[np.floating]:
    r"""Softmax along ``axis``: :math:`p_i = e^{z_i/T} / \sum_j e^{z_j/T}`.

    Every probability is computed to a few ulp of relative accuracy, however small it is, and the
    largest one as :math:`1/(1+S)` with :math:`S` the sum over the other classes.

    Parameters
    ----------
    z : array_like
        Logits, float32, float64 or integer (promoted to float64). ``-inf`` entries are masks and
        get probability exactly 0.
    axis : int, optional
        The class axis. Default: the last one.
    temperature : float, optional
        :math:`T > 0`; the logits are divided by it first. Default 1.

    Returns
    -------
    numpy.ndarray
        Probabilities, same shape and dtype as ``z``; they sum to 1 along ``axis``.

    Raises
    ------
    TypeError
        If ``z`` has a non-numeric or unsupported dtype (float16, complex, bool, object, str).
    ValueError
        If ``z`` holds NaN or ``+inf``, if a row is all ``-inf``, if ``axis`` is out of range or
        if ``temperature`` is not positive and finite.

    Examples
    --------
    >>> import numpy as np
    >>> from sce import softmax
    >>> print(np.round(softmax([1.0, 2.0, 3.0]), 6))
    [0.090031 0.244728 0.665241]
    >>> print(np.round(softmax([1.0, 2.0, 3.0], temperature=10.0), 6))
    [0.300609 0.332225 0.367165]
    >>> print(softmax([0.0, -np.inf]))
    [1. 0.]
    """
    a, ax, rows = _prepare(z, axis)
    temperature = _real_scalar(temperature, "temperature")
    if not (temperature > 0 and math.isfinite(temperature)):
        raise ValueError(f"temperature: must be positive and finite, got {temperature!r}")
    out = np.empty((rows.n, rows.C), a.dtype)
    w = _Work(rows.n, rows.C, a.dtype, extra=1 if temperature != 1.0 else 0)
    with np.errstate(all="ignore"):
        for i0, i1 in _blocks(rows.n, w.nb):
            zb = rows.block(i0, i1)
            if temperature != 1.0:
                zb = np.divide(zb, temperature, out=w.extra[0][: i1 - i0])
            _, e, s, k, _ = _exp_block(zb, w, keep_d=False)
            den = (1 + s)[:, None]
            ob = out[i0:i1]
            np.divide(e, den, out=ob)
            ob[w.rows[: i1 - i0], k] = 1 / den[:, 0]
    return _restore(out, rows, ax)


def log_softmax(z: ArrayLike, axis: int = -1) -> NDArray[np.floating]:
    r"""Log-softmax along ``axis``: :math:`z_i - \log\sum_j e^{z_j}`, as
    :math:`(z_i - m) - \operatorname{log1p}(S)`.

    Parameters
    ----------
    z : array_like
        Logits, float32, float64 or integer (promoted to float64); ``-inf`` entries are masks
        and give ``-inf``.
    axis : int, optional
        The class axis. Default: the last one.

    Returns
    -------
    numpy.ndarray
        Log-probabilities, same shape and dtype as ``z``.

    Raises
    ------
    TypeError
        If ``z`` has a non-numeric or unsupported dtype.
    ValueError
        If ``z`` holds NaN or ``+inf``, if a row is all ``-inf`` or if ``axis`` is out of range.

    Examples
    --------
    >>> import numpy as np
    >>> from sce import log_softmax
    >>> print(np.round(log_softmax([1.0, 2.0, 3.0]), 6))
    [-2.407606 -1.407606 -0.407606]
    >>> float(log_softmax([0.0, -40.0])[0])  # -log1p(exp(-40)), not 0
    -4.248354255291589e-18
    """
    a, ax, rows = _prepare(z, axis)
    out = np.empty((rows.n, rows.C), a.dtype)
    w = _Work(rows.n, rows.C, a.dtype)
    with np.errstate(all="ignore"):
        for i0, i1 in _blocks(rows.n, w.nb):
            d, _, s, _, _ = _exp_block(rows.block(i0, i1), w, keep_d=True)
            np.subtract(d, np.log1p(s)[:, None], out=out[i0:i1])
    return _restore(out, rows, ax)


def logsumexp(z: ArrayLike, axis: int = -1) -> NDArray[np.floating] | np.floating:
    r"""Log-sum-exp along ``axis``: :math:`\log\sum_j e^{z_j} = m + \operatorname{log1p}(S)`.

    Parameters
    ----------
    z : array_like
        Logits, float32, float64 or integer (promoted to float64); ``-inf`` entries are masks.
    axis : int, optional
        The axis to reduce. Default: the last one.

    Returns
    -------
    numpy.ndarray or numpy.floating
        Shape of ``z`` without ``axis``, dtype of ``z``; a NumPy scalar for 1-d input.

    Raises
    ------
    TypeError
        If ``z`` has a non-numeric or unsupported dtype.
    ValueError
        If ``z`` holds NaN or ``+inf``, if a row is all ``-inf`` or if ``axis`` is out of range.

    Examples
    --------
    >>> from sce import logsumexp
    >>> print(round(float(logsumexp([1000.0, 1000.0])), 6))
    1000.693147
    >>> print(logsumexp([[0.0, 0.0], [1.0, 1.0]]).round(6))
    [0.693147 1.693147]
    """
    a, _, rows = _prepare(z, axis)
    out = np.empty(rows.n, a.dtype)
    w = _Work(rows.n, rows.C, a.dtype)
    with np.errstate(all="ignore"):
        for i0, i1 in _blocks(rows.n, w.nb):
            _, _, s, _, m = _exp_block(rows.block(i0, i1), w, keep_d=False)
            out[i0:i1] = m + np.log1p(s)
    res = out.reshape(rows.lead)
    return res[()] if res.ndim == 0 else res


def _softmax_rows(z: ArrayLike, axis: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray, _Rows]:
    """Probabilities as ``(n, C)`` rows, with the sum ``S`` and the argmax ``k`` of each row."""
    a, _, rows = _prepare(z, axis)
    p = np.empty((rows.n, rows.C), a.dtype)
    s_all = np.empty(rows.n, a.dtype)
    k_all = np.empty(rows.n, np.intp)
    w = _Work(rows.n, rows.C, a.dtype)
    with np.errstate(all="ignore"):
        for i0, i1 in _blocks(rows.n, w.nb):
            _, e, s, k, _ = _exp_block(rows.block(i0, i1), w, keep_d=False)
            den = (1 + s)[:, None]
            np.divide(e, den, out=p[i0:i1])
            p[i0 + w.rows[: i1 - i0], k] = 1 / den[:, 0]
            s_all[i0:i1], k_all[i0:i1] = s, k
    return p, s_all, k_all, rows


def _jacobian_from(p: np.ndarray, s: np.ndarray, k: np.ndarray) -> np.ndarray:
    n, C = p.shape
    jac = p[:, :, None] * p[:, None, :]
    np.negative(jac, out=jac)
    diag = p * (1 - p)
    r = np.arange(n)
    # 1 - p_k would cancel when p_k is close to 1: use 1 - p_k = S / (1 + S) instead.
    diag[r, k] = p[r, k] * (s / (1 + s))
    idx = np.arange(C)
    jac[:, idx, idx] = diag
    return jac


def softmax_jacobian(z: ArrayLike, axis: int = -1) -> NDArray[np.floating]:
    r"""Jacobian of the softmax, :math:`\partial p_i / \partial z_j = \operatorname{diag}(p) -
    p p^\top`, for every slice along ``axis``.

    Parameters
    ----------
    z : array_like
        Logits, float32, float64 or integer (promoted to float64).
    axis : int, optional
        The class axis. Default: the last one.

    Returns
    -------
    numpy.ndarray
        Shape ``(..., C, C)`` where ``...`` is the shape of ``z`` without ``axis``; the dtype of
        ``z``. Row ``i`` holds :math:`\partial p_i / \partial z`; rows and columns sum to 0.

    Raises
    ------
    TypeError
        If ``z`` has a non-numeric or unsupported dtype.
    ValueError
        If ``z`` holds NaN or ``+inf``, if a row is all ``-inf`` or if ``axis`` is out of range.

    Examples
    --------
    >>> from sce import softmax_jacobian
    >>> print(softmax_jacobian([0.0, 0.0]))
    [[ 0.25 -0.25]
     [-0.25  0.25]]
    """
    p, s, k, rows = _softmax_rows(z, axis)
    return _jacobian_from(p, s, k).reshape((*rows.lead, rows.C, rows.C))


def cross_entropy_hessian(
    logits: ArrayLike, target: ArrayLike | None = None, axis: int = -1
) -> NDArray[np.floating]:
    r"""Per-sample Hessian of the cross-entropy with respect to the logits,
    :math:`(\sum_c y_c)\,(\operatorname{diag}(p) - p p^\top)`.

    It does not depend on which class is the target, only on the total target mass
    :math:`\sum_c y_c`; it is positive semi-definite, which makes the loss convex in the logits.

    Parameters
    ----------
    logits : array_like
        Logits, float32, float64 or integer (promoted to float64).
    target : array_like or None, optional
        ``None`` or integer class indices (shape of ``logits`` without ``axis``): total mass 1.
        A non-negative float array of the logits' shape: per-sample mass is its sum along
        ``axis`` (it may be a weighted target, not necessarily summing to 1).
    axis : int, optional
        The class axis. Default: the last one.

    Returns
    -------
    numpy.ndarray
        Shape ``(..., C, C)`` where ``...`` is the shape of ``logits`` without ``axis``.

    Raises
    ------
    TypeError
        If ``logits`` or ``target`` has an unsupported dtype.
    ValueError
        For bad logits (see :func:`softmax`), a shape mismatch, a class index out of range, or
        a negative or non-finite target.

    Examples
    --------
    >>> from sce import cross_entropy_hessian
    >>> print(cross_entropy_hessian([0.0, 0.0], 1))
    [[ 0.25 -0.25]
     [-0.25  0.25]]
    >>> print(cross_entropy_hessian([0.0, 0.0], [1.0, 1.0]))
    [[ 0.5 -0.5]
     [-0.5  0.5]]
    """
    a = _float_array(logits, "logits")
    ax = _class_axis(a, axis)
    C = a.shape[ax]
    lead = a.shape[:ax] + a.shape[ax + 1 :]
    mass = None
    if target is not None:
        t = _as_array(target, "target")
        if t.shape == lead and t.ndim == a.ndim - 1:
            if t.dtype.kind not in "iu":
                raise TypeError(f"target: class indices must have an integer dtype, got {t.dtype}")
            if ((t < 0) | (t >= C)).any():
                raise ValueError(f"target: class indices must lie in [0, {C})")
        elif t.shape == a.shape:
            tf = _float_array(t, "target").astype(a.dtype, copy=False)
            if not np.isfinite(tf).all():
                raise ValueError("target: contains NaN or infinite values")
            if (tf < 0).any():
                raise ValueError("target: must be non-negative")
            mass = tf.sum(axis=ax).reshape(-1)
        else:
            raise ValueError(
                f"target: shape {t.shape} matches neither the logits' shape {a.shape} "
                f"(probabilities) nor it without the class axis {lead} (class indices)"
            )
    p, s, k, rows = _softmax_rows(a, ax)
    hess = _jacobian_from(p, s, k)
    if mass is not None:
        hess *= mass[:, None, None]
    return hess.reshape((*rows.lead, rows.C, rows.C))
