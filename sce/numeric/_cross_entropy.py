"""Cross-entropy with PyTorch's semantics: the loss, its gradient and both fused."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from sce.numeric._checks import (
    _as_array,
    _check_int,
    _check_label_smoothing,
    _check_reduction,
    _check_weight,
    _class_axis,
    _float_array,
    _to_scalar,
)
from sce.numeric._exact import _blocks, _exp_block, _restore, _Rows, _Work
from sce.numeric._fused import _check_class_indices, _index_path


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
    ax = _class_axis(a, axis)
    dt = a.dtype
    C = a.shape[ax]
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
                if not vb.all():  # ignored samples: their logits are not inspected
                    zb = np.where(vb[:, None], zb, zb.dtype.type(0))
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
        # The index path sums its chunks in float64 (rounded once here); the others in dt.
        if reduction == "none":
            loss = loss_rows.reshape(rows.lead)
        elif reduction == "sum":
            loss = _to_scalar(loss_rows.sum(), dt)
        else:
            loss = _to_scalar(loss_rows.sum() / total, dt)
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
    >>> print(f"{{float(cross_entropy([50.0, 0.0], 0)):.6e}}")  # exp(-50), not 0
    1.928750e-22
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

    Memory beyond the inputs and the returned gradient is a few blocks of rows, at most about
    0.25 MiB each, plus a few numbers per sample for chunks of samples: in all at most a quarter
    of the logits' size.
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
