"""The fused loss and gradient for index targets without label smoothing: the fast path of
sce.cross_entropy_and_grad (and of cross_entropy and cross_entropy_grad, which share it so that
the three give the same bits).

Two layouts of the same arithmetic (the scheme of ``sce.numeric``'s docstring):

* few classes (``C <= _NARROW_CLASSES``): a block of rows is transposed so that every class is a
  contiguous column of many rows; each NumPy call then runs along the long axis (NumPy is slow at
  reducing many short rows);
* more classes: row by row, the reductions along the contiguous class axis.

Rows for which ``exp(z) * exp(-m)`` is not safe, or whose gradient scale is not a normal number
in (0, 1], take the TwoSum kernel; the choice depends only on the inputs, never on whether the
loss or the gradient is asked for. Samples whose target is ``ignore_index`` are not inspected:
their loss is 0 and their gradient row is 0, whatever their logits.
"""

from __future__ import annotations

import numpy as np

from sce.numeric._checks import _reject_bad_maxima
from sce.numeric._exact import _BLOCK_ELEMENTS, _blocks, _Rows, _twosum_exp, _Work

# With at most this many classes, blocks are transposed so that every operation runs along the
# long axis.
_NARROW_CLASSES = 32


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
    """Losses and gradient rows for index targets without label smoothing. ``total`` is the
    divisor of "mean" (None for "sum" and "none"). The losses are per sample if
    ``per_sample``, else the sums of chunks of samples (their sum is the total).

    One exponential per element; the work per row is vectorised over chunks of rows, small
    enough that no temporary grows with the batch."""
    n, C = rows.n, rows.C
    dt = rows.moved.dtype
    narrow = C <= _NARROW_CLASSES
    # Rows per chunk: the per-row temporaries (about 100 bytes a row) stay near 1/8 of the
    # logits' size; the transposed buffers of the narrow path near 1/8 too.
    chunk = min(16384, max(1024, n * C * dt.itemsize // 800))
    elements = min(_BLOCK_ELEMENTS // 2, max(1024, n * C // 32), chunk * C) if narrow else 0
    w = _Work(n, C, dt, elements=elements)
    nar = _Narrow(C, w.nb, dt) if narrow else None
    chunks = _blocks(n, w.nb * max(1, chunk // w.nb))
    loss_rows = None
    if want_loss:
        loss_rows = np.empty(n if per_sample else len(chunks), dt)
    gflat = np.empty((n, C), dt) if want_grad else None
    with np.errstate(all="ignore"):
        for q, (j0, j1) in enumerate(chunks):
            nc = j1 - j0
            yc = y[j0:j1]
            valid = yc != ignore_index
            everyone = bool(valid.all())
            if not everyone:
                yc = np.where(valid, yc, 0)
            if wvec is None:
                wy = valid.astype(dt)
            else:
                wy = wvec[yc] if everyone else np.where(valid, wvec[yc], 0).astype(dt)
            coef = wy if total is None else wy / total
            m = np.empty(nc, dt)
            s = np.empty(nc, dt)
            zy = np.empty(nc, dt)
            k = np.empty(nc, np.intp)
            for i0, i1 in _blocks(nc, w.nb):
                zb = rows.block(j0 + i0, j0 + i1)
                gb = gflat[j0 + i0 : j0 + i1] if want_grad else None
                vb = None if everyone else valid[i0:i1]
                if nar is not None:
                    nar.block(zb, yc[i0:i1], vb, coef[i0:i1], m[i0:i1], s[i0:i1], zy[i0:i1], gb)
                else:
                    _wide_block(zb, w, coef[i0:i1], k[i0:i1], m[i0:i1], s[i0:i1], gb)
            bad = ~np.isfinite(m)
            if not everyone:
                bad &= valid
            if bad.any():
                _reject_bad_maxima(m[bad])
            r = coef / (1 + s)
            scale = np.exp(-m) * r
            # The route of a row depends on its inputs only, never on what is asked for: the
            # loss and the gradient see the same S.
            ok = (m >= 0) & (m <= w.lim) & np.isfinite(s)
            ok &= (coef == 0) | ((scale >= w.tiny) & (scale <= 1))
            if not everyone:
                ok |= ~valid  # ignored rows are zeroed below, whatever their logits
            if nar is None:
                zy = _gather_entries(rows, j0, j1, yc)
                if want_grad:
                    _fix_rows(gflat[j0:j1], np.arange(nc), yc, k, zy, m, r, s, coef)
            slow = np.flatnonzero(~ok)
            ws = _Work(slow.size, C, dt) if slow.size else w
            for q0 in range(0, slow.size, ws.nb):
                idx = slow[q0 : q0 + ws.nb]
                zr = _gather_rows(rows, j0 + idx)
                ks = np.argmax(zr, axis=1)
                s[idx] = _twosum_exp(zr, m[idx], ks, ws)
                r[idx] = coef[idx] / (1 + s[idx])
                if want_grad:
                    g = ws.t[: idx.size]
                    np.multiply(g, r[idx][:, None], out=g)
                    sl = np.arange(idx.size)
                    _fix_rows(g, sl, yc[idx], ks, zy[idx], m[idx], r[idx], s[idx], coef[idx])
                    gflat[j0 + idx] = g
            if want_loss:
                lr = wy * (_log1p(s) + (m - zy))
                lr[wy == 0] = 0
                if per_sample:
                    loss_rows[j0:j1] = lr
                else:
                    loss_rows[q] = lr.sum(dtype=dt)
            if want_grad and not everyone:
                gflat[j0 + np.flatnonzero(~valid)] = 0
    return loss_rows, gflat


def _log1p(s: np.ndarray) -> np.ndarray:
    """``log1p(s)`` for ``s >= 0``. float32: in float64 from ``log``, which NumPy vectorises
    (its ``log1p`` is ten times slower): ``log(1 + s)``, exact to rounding once ``s >= 2**-20``
    (``1 + s`` is exact in float64), else three terms of the series; then rounded once."""
    if s.dtype != np.float32:
        return np.log1p(s)
    x = s.astype(np.float64)
    series = x * (1 - x * (0.5 - x / 3))
    return np.where(x < 2.0**-20, series, np.log(1 + x)).astype(np.float32)


def _fix_rows(
    g: np.ndarray,
    sl: np.ndarray,
    yc: np.ndarray,
    k: np.ndarray,
    zy: np.ndarray,
    m: np.ndarray,
    r: np.ndarray,
    s: np.ndarray,
    coef: np.ndarray,
) -> None:
    """Gradient rows ``g`` hold ``c * p_i`` with 0 at the argmax ``k``: write ``c / (1 + S)``
    there and subtract ``c`` at the target."""
    gf = g.reshape(-1)  # g is contiguous: flat indices are faster than pairs
    base = sl * g.shape[1]
    np.put(gf, base + k, r)
    iy = base + yc
    gy = np.take(gf, iy)
    gy -= coef
    # p_y - 1 would cancel when y is a maximum: use -S / (1 + S) there.
    np.put(gf, iy, np.where(zy == m, -(r * s), gy))


def _wide_block(
    zb: np.ndarray,
    w: _Work,
    coef: np.ndarray,
    k: np.ndarray,
    m: np.ndarray,
    s: np.ndarray,
    gb: np.ndarray | None,
) -> None:
    """A block of rows of :func:`_index_path`, row by row: argmax, exp, sum, scale."""
    nb = zb.shape[0]
    k[:] = np.argmax(zb, axis=1)  # a NaN, if any, is the argmax
    m[:] = zb[w.rows[:nb], k]
    # The exponentials go straight into the gradient's block when there is one.
    e = gb if gb is not None else w.e[:nb]
    # exp(z_i) * exp(-m) takes exp of the exact inputs: no rounding of z_i - m to amplify. It
    # is safe for 0 <= m <= lim; other rows take the TwoSum kernel (chapter "Numerical
    # stability and exactness").
    np.exp(zb, out=e)
    np.put(e.reshape(-1), w.rows[:nb] * zb.shape[1] + k, 0)  # the argmax is excluded: S
    # stays exact when it is tiny
    em = np.exp(-m)
    np.multiply(em, e.sum(axis=1), out=s)
    if gb is not None:
        scale = em * coef / (1 + s)  # exp(z_i) * scale = c * p_i
        np.multiply(e, scale[:, None], out=e)


class _Narrow:
    """A block of rows of :func:`_index_path` for few classes, transposed: row ``j`` of the
    buffers holds class ``j`` of every row of the block, so that every NumPy call runs along
    the rows. Where several classes share the maximum, all are left out of the sum ``S`` and
    ``count - 1`` is added back (their terms are exactly 1). The gradient of a maximum is
    ``exp(m) * scale``, as every other entry, with the same few-ulp error."""

    def __init__(self, C: int, nb: int, dt: np.dtype) -> None:
        self.C, self.nb = C, nb
        self.zt = np.empty((C, nb), dt)
        self.et = np.empty((C, nb), dt)
        self.ne = np.empty((C, nb), bool)
        self.cols = np.arange(nb)

    def block(
        self,
        zb: np.ndarray,
        yb: np.ndarray,
        vb: np.ndarray | None,
        coef: np.ndarray,
        m: np.ndarray,
        s: np.ndarray,
        zy: np.ndarray,
        gb: np.ndarray | None,
    ) -> None:
        nb, C = zb.shape
        zt, et, ne = self.zt[:, :nb], self.et[:, :nb], self.ne[:, :nb]
        np.copyto(zt, zb.T)
        if vb is not None:
            zt[:, ~vb] = 0  # ignored samples: their logits are not inspected
        np.max(zt, axis=0, out=m)  # NaN if the row holds one
        if not np.isfinite(m).all():
            _reject_bad_maxima(m)
        flat = yb * self.nb
        flat += self.cols[:nb]
        np.take(self.zt.reshape(-1), flat, out=zy)
        # exp(z_i) * exp(-m): exp of the exact inputs (see _wide_block).
        np.exp(zt, out=et)
        # The maxima are left out of the sum, which stays exact when it is tiny.
        np.not_equal(zt, m, out=ne)
        st = zt  # the logits' buffer is free now: it takes the terms of the sum
        np.multiply(et, ne, out=st)
        # Pairwise sum over the classes, as NumPy sums along a row: error O(log C) ulp.
        c = C
        while c > 1:
            h = c // 2
            st[:h] += st[c - h : c]
            c -= h
        em = np.exp(-m)
        np.multiply(em, st[0], out=s)
        if np.count_nonzero(ne) != nb * (C - 1):  # ties for the maximum: each term is 1
            s += (C - 1) - ne.sum(axis=0)
        if gb is None:
            return
        scale = em * coef / (1 + s)  # exp(z_i) * scale = c * p_i
        np.multiply(et, scale, out=et)
        ef = self.et.reshape(-1)
        gy = np.take(ef, flat)
        gy -= coef
        # p_y - 1 would cancel when y is a maximum: use -S / (1 + S) there.
        np.put(ef, flat, np.where(zy == m, -(coef / (1 + s)) * s, gy))
        # Back to rows: column by column for very few classes, else 16 classes at a time
        # (the fastest ways measured; a whole transposed copy is slow at some strides).
        if C <= 12:
            for j in range(C):
                gb[:, j] = et[j]
        else:
            for j in range(0, C, 16):
                np.copyto(gb[:, j : j + 16], et[j : j + 16].T)


def _gather_rows(rows: _Rows, idx: np.ndarray) -> np.ndarray:
    if rows.flat is not None:
        return rows.flat[idx]
    return rows.moved[np.unravel_index(idx, rows.lead)]


def _gather_entries(rows: _Rows, j0: int, j1: int, cls: np.ndarray) -> np.ndarray:
    """``z[i, cls[i - j0]]`` for the rows ``j0 <= i < j1``."""
    idx = np.arange(j0, j1)
    if rows.flat is not None and rows.flat.flags.c_contiguous:
        return np.take(rows.flat.reshape(-1), idx * rows.C + cls)
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
