"""Softmax and cross-entropy in NumPy: exact to a few ulp, with PyTorch's semantics.

Every function validates its arguments at the entry and then does plain array arithmetic. The
arithmetic follows one scheme, explained in the chapter "Numerical stability and exactness"
(``chapters/05-stability.ipynb``):

* ``k`` is the argmax of a row and ``m = z[k]`` its maximum;
* ``E_i = exp(z_i - m)`` for ``i != k`` and ``S = sum_{i != k} E_i``, so that
  ``softmax(z)_i = E_i / (1 + S)``, ``softmax(z)_k = 1 / (1 + S)`` and
  ``-log softmax(z)_y = log1p(S) + (m - z_y)``;
* ``E_i`` keeps full relative precision: when ``0 <= m <= 80`` (float32) or ``700`` (float64)
  it is ``exp(z_i) * exp(-m)``, exponentials of the exact inputs, with nothing rounded before
  them; otherwise ``d_i = z_i - m`` is rounded, TwoSum recovers its exact rounding error
  ``e_i``, and ``E_i = exp(d_i) * (1 + e_i)``.

Nothing is ever subtracted from 1 that could cancel: the loss of a confident prediction is
``log1p(S)``, not ``-log(1 - tiny)``, and the gradient of its true class is ``-S / (1 + S)``, not
``p - 1``. Measured against mpmath (``tests/test_numeric_accuracy.py``,
``benchmarks/accuracy.py``): within 2 ulp in float64 and 3 float32 ulp in float32. The work is
done in blocks of rows that stay in the cache, with one exponential per element and no
temporary array the size of the logits.

Known limit: with class weights above 1, a gradient entry whose probability is below the
smallest normal number (a margin beyond 708 in float64, 87 in float32) is only accurate to that
number times the weight, in absolute terms.

Conventions
-----------
* ``-inf`` logits are masks: their probability is exactly 0 and so is their gradient, unless the
  class is a target class, in which case the loss is ``+inf`` (the probability of the target is 0).
  A row whose logits are all ``-inf``, and any NaN or ``+inf`` logit, raise ``ValueError``.
* float32 and float64 inputs are computed in their own precision and returned in it; integer
  logits are promoted to float64; any other dtype raises ``TypeError``.
* Inputs are never modified.
"""

from __future__ import annotations

import math
import numbers
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, DTypeLike, NDArray

__all__ = [
    "binary_cross_entropy_with_logits",
    "cross_entropy",
    "cross_entropy_and_grad",
    "cross_entropy_grad",
    "cross_entropy_hessian",
    "log_softmax",
    "logsumexp",
    "one_hot",
    "sigmoid",
    "smooth_labels",
    "softmax",
    "softmax_jacobian",
]

_FLOAT_DTYPES = (np.dtype(np.float32), np.dtype(np.float64))
_REDUCTIONS = ("mean", "sum", "none")
# Elements per row block: a block of logits and one of the gradient (float32) fill a 1 MiB L2.
_BLOCK_ELEMENTS = 131072
# With at most this many classes, blocks are transposed so that every operation runs along the
# long axis (NumPy is slow at reducing many short rows).
_NARROW_CLASSES = 16


# --------------------------------------------------------------------------------------------
# Validation helpers: each error names the argument and the problem.
# --------------------------------------------------------------------------------------------
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


# --------------------------------------------------------------------------------------------
# Row blocks and the exact kernel.
# --------------------------------------------------------------------------------------------
class _Rows:
    """An array seen as ``n`` rows of ``C`` classes, the class axis moved last (no copy when the
    layout allows; otherwise blocks of rows are gathered one at a time)."""

    def __init__(self, a: np.ndarray, axis: int) -> None:
        self.moved = np.moveaxis(a, axis, -1)
        self.lead: tuple[int, ...] = self.moved.shape[:-1]
        self.n = math.prod(self.lead)
        self.C = self.moved.shape[-1]
        try:
            self.flat: np.ndarray | None = np.reshape(self.moved, (self.n, self.C), copy=False)
        except ValueError:
            self.flat = None

    def block(self, i0: int, i1: int) -> np.ndarray:
        if self.flat is not None:
            return self.flat[i0:i1]
        return self.moved[np.unravel_index(np.arange(i0, i1), self.lead)]


class _Work:
    """Scratch buffers for one block of rows, allocated on first use and reused block after
    block: ``e`` (exponentials), ``d`` (z - m), ``b`` and ``t`` (TwoSum)."""

    _NAMES = ("e", "d", "b", "t")

    def __init__(self, n: int, C: int, dtype: np.dtype, extra: int = 0, elements: int = 0) -> None:
        self.nb = max(1, min(n, (elements or _BLOCK_ELEMENTS) // max(C, 1)))
        self.shape = (self.nb, C)
        self.dtype = dtype
        self.extra = [np.empty(self.shape, dtype) for _ in range(extra)]
        self.rows = np.arange(self.nb)
        finfo = np.finfo(dtype)
        self.tiny = dtype.type(finfo.tiny)
        # Largest row maximum m for which exp(z) cannot overflow and exp(-m) is a normal number.
        self.lim = dtype.type(80.0 if dtype == np.float32 else 700.0)

    def __getattr__(self, name: str) -> np.ndarray:
        if name not in _Work._NAMES:
            raise AttributeError(name)
        buf = np.empty(self.shape, self.dtype)
        setattr(self, name, buf)
        return buf


def _argmax_rows(zb: np.ndarray, w: _Work) -> tuple[np.ndarray, np.ndarray]:
    """Argmax ``k`` and maximum ``m`` of every row; rejects NaN, +inf and all -inf rows."""
    k = np.argmax(zb, axis=1)  # a NaN, if any, is the argmax
    m = zb[w.rows[: zb.shape[0]], k]
    if not np.isfinite(m).all():
        _reject_bad_maxima(m)
    return k, m


def _twosum_exp(zr: np.ndarray, m: np.ndarray, k: np.ndarray, w: _Work) -> np.ndarray:
    """The general kernel, for rows where exp(z) * exp(-m) is not safe: ``E_i = exp(z_i - m)``
    to a few ulp, left in ``w.t[:len(zr)]`` with ``E_k = 0``; returns ``S = sum(E)``. Must run
    under ``np.errstate(all="ignore")``."""
    nr = zr.shape[0]
    mc = m[:, None]
    d, b, t = w.d[:nr], w.b[:nr], w.t[:nr]
    np.subtract(zr, mc, out=d)
    # TwoSum: t = (z - m) - fl(z - m) exactly, so that exp(z - m) = exp(d) * (1 + t) keeps full
    # relative precision at large |z - m| (chapter "Numerical stability and exactness").
    np.subtract(d, zr, out=b)
    np.subtract(d, b, out=t)
    np.subtract(zr, t, out=t)
    np.add(b, mc, out=b)
    np.subtract(t, b, out=t)
    np.exp(d, out=b)
    np.multiply(b, t, out=t)
    np.add(b, t, out=t)
    # The argmax is excluded from the sum: S stays exact when it is far below 1.
    t[w.rows[:nr], k] = 0
    s = t.sum(axis=1)
    masked = np.isnan(s)  # -inf logits (masks): their TwoSum error is NaN, their exp 0
    if masked.any():
        for i in np.flatnonzero(masked):
            row = t[i]
            row[np.isnan(row)] = 0
            s[i] = row.sum()
    return s


def _exp_block(
    zb: np.ndarray, w: _Work, keep_d: bool
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """For a block of rows return ``(d, E, S, k, m)``: ``d = fl(z - m)`` (only when ``keep_d``),
    ``E_i = exp(z_i - m)`` to a few ulp with ``E_k = 0``, ``S = sum(E)``, the argmax ``k`` and
    the maximum ``m`` of every row. Must run under ``np.errstate(all="ignore")``."""
    nb = zb.shape[0]
    k, m = _argmax_rows(zb, w)
    e = w.e[:nb]
    # When 0 <= m <= lim, exp(z_i) * exp(-m) takes exp of the exact inputs: no rounding of
    # z_i - m to amplify (chapter "Numerical stability and exactness").
    np.exp(zb, out=e)
    np.multiply(e, np.exp(-m)[:, None], out=e)
    e[w.rows[:nb], k] = 0
    s = e.sum(axis=1)
    d = w.d[:nb]
    slow = np.flatnonzero(~((m >= 0) & (m <= w.lim)))
    if slow.size:
        s[slow] = _twosum_exp(zb[slow], m[slow], k[slow], w)
        e[slow] = w.t[: slow.size]
    if keep_d:
        np.subtract(zb, m[:, None], out=d)
    return d, e, s, k, m


def _blocks(n: int, nb: int) -> list[tuple[int, int]]:
    return [(i0, min(i0 + nb, n)) for i0 in range(0, n, nb)]


def _prepare(z: ArrayLike, axis: Any) -> tuple[np.ndarray, int, _Rows]:
    a = _float_array(z, "logits")
    ax = _normalize_axis(axis, a.ndim)
    rows = _Rows(a, ax)
    return a, ax, rows


def _restore(flat: np.ndarray, rows: _Rows, axis: int) -> np.ndarray:
    """Give an ``(n, C)`` result the logits' shape and layout of axes."""
    return np.moveaxis(flat.reshape((*rows.lead, rows.C)), -1, axis)


# --------------------------------------------------------------------------------------------
# Softmax family.
# --------------------------------------------------------------------------------------------
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
    ax = _normalize_axis(axis, a.ndim)
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


# --------------------------------------------------------------------------------------------
# Cross-entropy.
# --------------------------------------------------------------------------------------------
def _index_path(
    rows: _Rows,
    y: np.ndarray,
    ignore_index: int,
    wvec: np.ndarray | None,
    total: np.generic | None,
    want_loss: bool,
    want_grad: bool,
    per_sample: bool,
) -> tuple[np.ndarray | None, np.ndarray | None]:
    """Losses and gradient rows for index targets without label smoothing: the fused fast
    path. ``total`` is the divisor of "mean" (None for "sum" and "none"). The losses are per
    sample if ``per_sample``, else the sums of chunks of samples (their sum is the total).

    One exponential per element and four passes over each block of rows that stays in the
    cache; the work per row is vectorised over chunks of rows, small enough that no temporary
    grows with the batch."""
    n, C = rows.n, rows.C
    dt = rows.moved.dtype
    narrow = C <= _NARROW_CLASSES
    # Rows per chunk: the per-row temporaries (about 100 bytes a row) stay near 1/8 of the
    # logits' size; the four transposed buffers of the narrow path near 1/8 too.
    chunk = min(16384, max(1024, n * C * dt.itemsize // 800))
    elements = min(_BLOCK_ELEMENTS // 2, max(1024, n * C // 32), chunk * C) if narrow else 0
    w = _Work(n, C, dt, elements=elements)
    if narrow:
        t_bufs = (*(np.empty((C, w.nb), dt) for _ in range(3)), np.empty((w.nb, C), dt))
    chunks = _blocks(n, w.nb * max(1, chunk // w.nb))
    loss_rows = None
    if want_loss:
        loss_rows = np.empty(n if per_sample else len(chunks), dt)
    gflat = np.empty((n, C), dt) if want_grad else None
    with np.errstate(all="ignore"):
        for q, (j0, j1) in enumerate(chunks):
            yc = y[j0:j1]
            valid = yc != ignore_index
            yc = np.where(valid, yc, 0)
            wy = valid.astype(dt) if wvec is None else np.where(valid, wvec[yc], 0).astype(dt)
            coef = wy if total is None else wy / total
            k = np.empty(j1 - j0, np.intp)
            m = np.empty(j1 - j0, dt)
            s = np.empty(j1 - j0, dt)
            for i0, i1 in _blocks(j1 - j0, w.nb):
                zb = rows.block(j0 + i0, j0 + i1)
                gb = gflat[j0 + i0 : j0 + i1] if want_grad else None
                if narrow:
                    _narrow_block(zb, *t_bufs, coef[i0:i1], k[i0:i1], m[i0:i1], s[i0:i1], gb)
                else:
                    _wide_block(zb, w, coef[i0:i1], k[i0:i1], m[i0:i1], s[i0:i1], gb)
            if not np.isfinite(m).all():
                _reject_bad_maxima(m)
            r = coef / (1 + s)
            ok = (m >= 0) & (m <= w.lim) & np.isfinite(s)
            if want_grad:
                scale = np.exp(-m) * r
                ok &= (coef == 0) | ((scale >= w.tiny) & (scale <= 1))
            slow = np.flatnonzero(~ok)
            ws = _Work(slow.size, C, dt) if slow.size else w
            for q0 in range(0, slow.size, ws.nb):
                idx = slow[q0 : q0 + ws.nb]
                zr = _gather_rows(rows, j0 + idx)
                s[idx] = _twosum_exp(zr, m[idx], k[idx], ws)
                r[idx] = coef[idx] / (1 + s[idx])
                if want_grad:
                    gflat[j0 + idx] = ws.t[: idx.size] * r[idx][:, None]
            if want_loss:
                zy = _gather_entries(rows, j0, j1, yc)
                lr = wy * (np.log1p(s) + (m - zy))
                lr[wy == 0] = 0
                if per_sample:
                    loss_rows[j0:j1] = lr
                else:
                    loss_rows[q] = lr.sum(dtype=dt)
            if want_grad:
                flat = gflat[j0:j1].reshape(-1)
                base = np.arange(j1 - j0) * C
                gy = flat[base + yc] - coef
                flat[base + k] = r
                # p_y - 1 would cancel when y is the argmax: use -S / (1 + S) there.
                flat[base + yc] = np.where(yc == k, -(r * s), gy)
    return loss_rows, gflat


def _wide_block(
    zb: np.ndarray,
    w: _Work,
    coef: np.ndarray,
    k: np.ndarray,
    m: np.ndarray,
    s: np.ndarray,
    gb: np.ndarray | None,
) -> None:
    """The fast path of :func:`_index_path` on a block of rows: argmax, exp, sum, scale."""
    nb = zb.shape[0]
    k[:] = np.argmax(zb, axis=1)  # a NaN, if any, is the argmax
    m[:] = zb[w.rows[:nb], k]
    # The exponentials go straight into the gradient's block when there is one.
    e = gb if gb is not None else w.e[:nb]
    # exp(z_i) * exp(-m) takes exp of the exact inputs: no rounding of z_i - m to amplify. It
    # is safe for 0 <= m <= lim; other rows take the TwoSum kernel (chapter "Numerical
    # stability and exactness").
    np.exp(zb, out=e)
    e[w.rows[:nb], k] = 0  # the argmax is excluded: S stays exact when it is tiny
    em = np.exp(-m)
    np.multiply(em, e.sum(axis=1), out=s)
    if gb is not None:
        scale = em * coef / (1 + s)  # exp(z_i) * scale = c * p_i
        np.multiply(e, scale[:, None], out=e)


def _narrow_block(
    zb: np.ndarray,
    zt_buf: np.ndarray,
    et_buf: np.ndarray,
    st_buf: np.ndarray,
    g_buf: np.ndarray,
    coef: np.ndarray,
    k: np.ndarray,
    m: np.ndarray,
    s: np.ndarray,
    gb: np.ndarray | None,
) -> None:
    """The fast path of :func:`_index_path` for few classes, on the transposed block."""
    nb, C = zb.shape
    zt, et, st = zt_buf[:, :nb], et_buf[:, :nb], st_buf[:, :nb]
    np.copyto(zt, zb.T)
    m[:] = zt.max(axis=0)  # NaN if the row holds one
    k[:] = 0
    for j in range(C - 1, 0, -1):  # the first index of the maximum
        k[zt[j] == m] = j
    k[zt[0] == m] = 0
    # exp(z_i) * exp(-m): exp of the exact inputs (see _wide_block).
    np.exp(zt, out=et)
    et[k, np.arange(nb)] = 0  # the argmax is excluded: S stays exact when it is tiny
    # Pairwise sum over the classes, as NumPy sums along a row: error O(log C) ulp.
    np.copyto(st, et)
    c = C
    while c > 1:
        h = c // 2
        st[:h] += st[c - h : c]
        c -= h
    em = np.exp(-m)
    np.multiply(em, st[0], out=s)
    if gb is not None:
        scale = em * coef / (1 + s)  # exp(z_i) * scale = c * p_i
        np.multiply(et, scale, out=et)
        # Transposing into a buffer that is in the cache, then copying, is twice as fast as
        # transposing into the gradient directly.
        np.copyto(g_buf[:nb], et.T)
        np.copyto(gb, g_buf[:nb])


def _gather_rows(rows: _Rows, idx: np.ndarray) -> np.ndarray:
    if rows.flat is not None:
        return rows.flat[idx]
    return rows.moved[np.unravel_index(idx, rows.lead)]


def _gather_entries(rows: _Rows, j0: int, j1: int, cls: np.ndarray) -> np.ndarray:
    """``z[i, cls[i - j0]]`` for the rows ``j0 <= i < j1``."""
    idx = np.arange(j0, j1)
    if rows.flat is not None:
        return rows.flat[idx, cls]
    return rows.moved[(*np.unravel_index(idx, rows.lead), cls)]


def _check_class_indices(
    y: np.ndarray, C: int, ignore_index: int, wvec: np.ndarray | None, dt: np.dtype
) -> tuple[int, np.generic]:
    """Reject class indices outside ``[0, C)`` that are not ``ignore_index``; return the
    number of samples not ignored and the sum of their target weights (chunk by chunk, so
    that no temporary grows with the batch)."""
    count = 0
    parts = []
    for j0, j1 in _blocks(y.size, 65536):
        yc = y[j0:j1]
        valid = yc != ignore_index
        bad = yc >= C
        bad |= yc < 0
        bad &= valid
        if bad.any():
            raise ValueError(
                f"target: class index {int(yc[bad][0])} is out of range [0, {C}) "
                f"and is not ignore_index={ignore_index}"
            )
        count += int(np.count_nonzero(valid))
        if wvec is not None:
            parts.append(np.where(valid, wvec[np.where(valid, yc, 0)], 0).sum(dtype=dt))
    weight_sum = np.array(parts, dt).sum(dtype=dt) if parts else dt.type(0)
    return count, weight_sum


def _cross_entropy(
    logits: ArrayLike,
    target: ArrayLike,
    axis: Any,
    weight: Any,
    ignore_index: Any,
    reduction: Any,
    label_smoothing: Any,
    want_loss: bool,
    want_grad: bool,
) -> tuple[Any, np.ndarray | None]:
    a = _float_array(logits, "logits")
    ax = _normalize_axis(axis, a.ndim)
    dt = a.dtype
    C = a.shape[ax]
    if C == 0:
        raise ValueError("logits: the class axis has length 0")
    reduction = _check_reduction(reduction)
    eps = _check_label_smoothing(label_smoothing)
    ignore_index = _check_int(ignore_index, "ignore_index")
    wvec = _check_weight(weight, C, dt)
    rows = _Rows(a, ax)
    n = rows.n
    lead_orig = a.shape[:ax] + a.shape[ax + 1 :]

    t = _as_array(target, "target")
    if t.ndim == a.ndim - 1:
        if t.shape != lead_orig:
            raise ValueError(
                f"target: shape {t.shape} does not match the logits' shape without the class "
                f"axis, {lead_orig}"
            )
        if t.dtype.kind not in "iu":
            raise TypeError(
                f"target: class indices must have an integer dtype, got {t.dtype} "
                "(probability targets have the logits' shape)"
            )
        index_target = True
    elif t.ndim == a.ndim:
        if t.shape != a.shape:
            raise ValueError(f"target: shape {t.shape} does not match the logits' shape {a.shape}")
        if t.dtype.kind != "f":
            raise TypeError(
                f"target: probability targets must have a floating dtype, got {t.dtype} "
                "(class indices have the logits' shape without the class axis)"
            )
        index_target = False
    else:
        raise ValueError(
            f"target: shape {t.shape} matches neither the logits' shape {a.shape} "
            f"(probabilities) nor it without the class axis {lead_orig} (class indices)"
        )

    # Per-sample coefficients and the divisor of "mean".
    if index_target:
        y = t.reshape(-1).astype(np.int64, copy=False)
        count, weight_sum = _check_class_indices(y, C, ignore_index, wvec, dt)
        if reduction == "mean":
            if n == 0:
                raise ValueError("logits: reduction='mean' over an empty batch")
            if count == 0:
                raise ValueError(
                    f"target: every sample equals ignore_index={ignore_index}; "
                    "reduction='mean' has nothing to average"
                )
            total = dt.type(count) if wvec is None else weight_sum
            if total == 0:
                raise ValueError(
                    "weight: the total weight of the targets is 0; reduction='mean' is undefined"
                )
        else:
            total = dt.type(1)
    else:
        trows = _Rows(t, ax)
        if reduction == "mean":
            if n == 0:
                raise ValueError("logits: reduction='mean' over an empty batch")
            total = dt.type(n)
        else:
            total = dt.type(1)
    mean = reduction == "mean"
    dense = (not index_target) or eps > 0
    tol = math.sqrt(float(np.finfo(dt).eps))

    if not dense:
        loss_rows, gflat = _index_path(
            rows,
            y,
            ignore_index,
            wvec,
            total if mean else None,
            want_loss,
            want_grad,
            per_sample=reduction == "none",
        )
        return _finish(loss_rows, gflat, rows, ax, reduction, total, dt)
    if index_target:
        valid = y != ignore_index
        ysafe = np.where(valid, y, 0).astype(np.intp)

    loss_rows = np.empty(n, dt) if want_loss else None
    gflat = np.empty((n, C), dt) if want_grad else None
    w = _Work(n, C, dt, extra=1)
    ybuf = w.extra[0]
    wbc = wvec
    with np.errstate(all="ignore"):
        for i0, i1 in _blocks(n, w.nb):
            nb = i1 - i0
            r_ = w.rows[:nb]
            zb = rows.block(i0, i1)
            # Dense targets: Y = weight * ((1 - eps) * target + eps / C), row by row.
            yb_arr = ybuf[:nb]
            if index_target:
                yb = ysafe[i0:i1]
                vb = valid[i0:i1]
                base = eps / C if wbc is None else wbc * (eps / C)
                yb_arr[...] = base
                wyv = (1 - eps) * (1 if wbc is None else wbc[yb])
                yb_arr[r_, yb] += wyv
                yb_arr[~vb] = 0
            else:
                np.copyto(yb_arr, trows.block(i0, i1), casting="unsafe")
                if not np.isfinite(yb_arr).all():
                    raise ValueError("target: contains NaN or infinite values")
                if (yb_arr < 0).any():
                    raise ValueError("target: probabilities must be non-negative")
                sums = yb_arr.sum(axis=1)
                if (np.abs(sums - 1) > tol).any():
                    worst = float(sums[np.argmax(np.abs(sums - 1))])
                    raise ValueError(
                        f"target: probabilities must sum to 1 along the class axis "
                        f"(tolerance {tol:.2g}), a row sums to {worst!r}"
                    )
                if eps > 0:
                    yb_arr *= 1 - eps
                    yb_arr += eps / C
                if wbc is not None:
                    yb_arr *= wbc
            d, e, s, k, _ = _exp_block(zb, w, keep_d=want_loss)
            yk = yb_arr[r_, k]
            yb_arr[r_, k] = 0
            sy_ex = yb_arr.sum(axis=1)
            yb_arr[r_, k] = yk
            sy = sy_ex + yk
            if want_loss:
                prod = np.multiply(yb_arr, d, out=w.b[:nb])
                dot = prod.sum(axis=1)
                bad_rows = np.isnan(dot)
                if bad_rows.any():  # 0 * -inf where a masked class has no target mass
                    bi = np.flatnonzero(bad_rows)
                    pr = np.where(yb_arr[bi] == 0, 0, prod[bi])
                    dot[bi] = pr.sum(axis=1)
                lr = sy * np.log1p(s) - dot
                lr[sy == 0] = 0
                loss_rows[i0:i1] = lr
            if want_grad:
                gb = gflat[i0:i1]
                r = sy / ((1 + s) * total) if mean else sy / (1 + s)
                np.multiply(e, r[:, None], out=gb)
                if mean:
                    np.divide(yb_arr, total, out=yb_arr)
                    sy_ex = sy_ex / total
                gb -= yb_arr
                # (sum y) p_k - y_k: when p_k >= 1/2 (S <= 1) write it as
                # (sum_{c != k} y_c) - (sum y) S / (1 + S), free of the cancelling 1 - p_k;
                # otherwise the plain difference, whose terms are then both small.
                gb[r_, k] = np.where(s <= 1, sy_ex - r * s, r - yb_arr[r_, k])

    return _finish(loss_rows, gflat, rows, ax, reduction, total, dt)


def _finish(
    loss_rows: np.ndarray | None,
    gflat: np.ndarray | None,
    rows: _Rows,
    ax: int,
    reduction: str,
    total: np.generic,
    dt: np.dtype,
) -> tuple[Any, np.ndarray | None]:
    loss: Any = None
    if loss_rows is not None:
        if reduction == "none":
            loss = loss_rows.reshape(rows.lead)
        elif reduction == "sum":
            loss = _to_scalar(loss_rows.sum(dtype=dt), dt)
        else:
            loss = _to_scalar(loss_rows.sum(dtype=dt) / total, dt)
    grad = _restore(gflat, rows, ax) if gflat is not None else None
    return loss, grad


_CE_DOC_PARAMS = """
    Parameters
    ----------
    logits : array_like
        Unnormalised scores, float32, float64 or integer (promoted to float64). ``-inf`` entries
        are masks.
    target : array_like
        Either integer class indices, shaped like ``logits`` without ``axis``, or class
        probabilities, shaped like ``logits``, floating, non-negative, each row summing to 1
        within ``sqrt(eps)`` of the logits' dtype (1.5e-8 for float64, 3.5e-4 for float32).
    axis : int, optional
        The class axis (PyTorch's dimension 1 is ``axis=1``). Default: the last one.
    weight : array_like, optional
        Non-negative weight of each class, shape ``(C,)``.
    ignore_index : int, optional
        Index targets equal to it contribute nothing and are not counted by ``"mean"``.
        Not used with probability targets. Default -100.
    reduction : {"mean", "sum", "none"}, optional
        ``"mean"`` divides the summed loss by the total target weight of the non-ignored samples
        for index targets (their count when unweighted) and by the number of samples for
        probability targets. Default ``"mean"``.
    label_smoothing : float, optional
        :math:`\\varepsilon \\in [0, 1]`; the target becomes
        :math:`(1-\\varepsilon)\\,t + \\varepsilon / C`. Default 0.
"""


def cross_entropy(
    logits: ArrayLike,
    target: ArrayLike,
    *,
    axis: int = -1,
    weight: ArrayLike | None = None,
    ignore_index: int = -100,
    reduction: str = "mean",
    label_smoothing: float = 0.0,
) -> NDArray[np.floating] | np.floating:
    r"""Cross-entropy between ``softmax(logits)`` and ``target``, with the values of
    ``torch.nn.functional.cross_entropy``.

    The per-sample loss is :math:`-\sum_c w_c\, t_c \log p_c`; for index targets
    :math:`t` is one-hot (smoothed if ``label_smoothing > 0``). It is computed as
    :math:`\sum_c w_c t_c \,[\operatorname{{log1p}}(S) + (m - z_c)]`, a sum of non-negative terms,
    so it keeps full relative precision even when it is tiny (a confident, correct prediction).
    {params}
    Returns
    -------
    numpy.floating or numpy.ndarray
        A NumPy scalar of the logits' dtype for ``"mean"`` and ``"sum"``; for ``"none"`` an
        array of the logits' shape without ``axis``. A target class whose logit is ``-inf``
        gives ``+inf``.

    Raises
    ------
    TypeError
        If ``logits`` has an unsupported dtype (float16, complex, bool, object, str), or if
        ``target`` has the wrong kind of dtype for its shape.
    ValueError
        On a shape mismatch, a class index out of range, NaN or ``+inf`` logits, a row of
        logits all ``-inf``, probability targets that are negative or do not sum to 1, an empty
        batch / all samples ignored / zero total weight with ``"mean"``, ``axis`` out of range,
        an unknown ``reduction``, ``label_smoothing`` outside [0, 1], or a ``weight`` of the wrong
        length or with negative entries.

    Notes
    -----
    Differences from PyTorch, where it returns NaN or accepts nonsense: probability rows must
    sum to 1 and be non-negative; ``"mean"`` over nothing raises instead of returning NaN; a row
    whose logits are all ``-inf`` raises.

    Examples
    --------
    >>> import numpy as np
    >>> from sce import cross_entropy
    >>> z = np.array([[2.0, 1.0, 0.1], [0.5, 2.5, 0.3]])
    >>> print(round(float(cross_entropy(z, [0, 1])), 6))
    0.31854
    >>> print(cross_entropy(z, [0, 1], reduction="none").round(6))
    [0.41703  0.22005]
    >>> float(cross_entropy([50.0, 0.0], 0))  # exp(-50), not 0
    1.9287498479639178e-22
    >>> print(round(float(cross_entropy(z, [0, 1], label_smoothing=0.1)), 6))
    0.436873
    """
    loss, _ = _cross_entropy(
        logits, target, axis, weight, ignore_index, reduction, label_smoothing, True, False
    )
    return loss


def cross_entropy_grad(
    logits: ArrayLike,
    target: ArrayLike,
    *,
    axis: int = -1,
    weight: ArrayLike | None = None,
    ignore_index: int = -100,
    reduction: str = "mean",
    label_smoothing: float = 0.0,
) -> NDArray[np.floating]:
    r"""Gradient of :func:`cross_entropy` with respect to the logits.

    Per sample it is :math:`(\sum_c y_c)\,p - y` with :math:`y_c = w_c t_c`; the entry of the
    most probable class is computed as :math:`\sum_{{c \ne k}} y_c - (\sum_c y_c) S/(1+S)`, which
    does not cancel. For ``reduction="none"`` it is the gradient of the sum of the per-sample
    losses.
    {params}
    Returns
    -------
    numpy.ndarray
        Same shape and dtype as ``logits``. Masked classes (``-inf`` logits) that are not target
        classes get exactly 0.

    Raises
    ------
    TypeError
        As :func:`cross_entropy`.
    ValueError
        As :func:`cross_entropy`.

    Examples
    --------
    >>> import numpy as np
    >>> from sce import cross_entropy_grad
    >>> print(cross_entropy_grad([[0.0, 0.0]], [1]))
    [[ 0.5 -0.5]]
    >>> g = cross_entropy_grad([50.0, 0.0], 0)  # -exp(-50) / (1 + exp(-50)), not 0
    >>> print(f"{{g[0]:.6e}} {{g[1]:.6e}}")
    -1.928750e-22 1.928750e-22
    """
    _, grad = _cross_entropy(
        logits, target, axis, weight, ignore_index, reduction, label_smoothing, False, True
    )
    return grad


def cross_entropy_and_grad(
    logits: ArrayLike,
    target: ArrayLike,
    *,
    axis: int = -1,
    weight: ArrayLike | None = None,
    ignore_index: int = -100,
    reduction: str = "mean",
    label_smoothing: float = 0.0,
) -> tuple[NDArray[np.floating] | np.floating, NDArray[np.floating]]:
    r"""The loss and its gradient in one fused pass: the same values as :func:`cross_entropy`
    and :func:`cross_entropy_grad`, one exponential per element.

    Memory beyond the inputs and the returned gradient is a few blocks of rows, about 0.1 MiB
    each, plus a few numbers per sample.
    {params}
    Returns
    -------
    loss : numpy.floating or numpy.ndarray
        As :func:`cross_entropy`.
    grad : numpy.ndarray
        As :func:`cross_entropy_grad`.

    Raises
    ------
    TypeError
        As :func:`cross_entropy`.
    ValueError
        As :func:`cross_entropy`.

    Examples
    --------
    >>> from sce import cross_entropy_and_grad
    >>> loss, grad = cross_entropy_and_grad([[0.0, 0.0], [0.0, 0.0]], [0, 1])
    >>> print(round(float(loss), 6))
    0.693147
    >>> print(grad)
    [[-0.25  0.25]
     [ 0.25 -0.25]]
    """
    return _cross_entropy(
        logits, target, axis, weight, ignore_index, reduction, label_smoothing, True, True
    )


for _f in (cross_entropy, cross_entropy_grad, cross_entropy_and_grad):
    _f.__doc__ = _f.__doc__.format(params=_CE_DOC_PARAMS)  # type: ignore[union-attr]


# --------------------------------------------------------------------------------------------
# Binary cross-entropy.
# --------------------------------------------------------------------------------------------
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


# --------------------------------------------------------------------------------------------
# Targets.
# --------------------------------------------------------------------------------------------
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
    return probs * (1 - eps) + eps / C
