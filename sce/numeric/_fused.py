"""The fused loss and gradient for index targets without label smoothing: the fast path of
sce.cross_entropy_and_grad."""

from __future__ import annotations

import numpy as np

from sce.numeric._checks import _reject_bad_maxima
from sce.numeric._exact import _BLOCK_ELEMENTS, _blocks, _Rows, _twosum_exp, _Work

# With at most this many classes, blocks are transposed so that every operation runs along the
# long axis (NumPy is slow at reducing many short rows).
_NARROW_CLASSES = 16


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
