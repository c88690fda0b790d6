"""The fused loss and gradient for index targets without label smoothing: the fast path of
sce.cross_entropy_and_grad (and of cross_entropy and cross_entropy_grad, which share it so that
the three give the same bits).

The fast route leaves the *target's* term out of the sum, instead of the argmax's: with
``e_i = exp(z_i)`` of the exact logits (nothing rounded before the exponential),
``L = sum_{i != y} e_i`` and ``T = e_y + L``,

* the loss is ``-log p_y = log1p(S_y)`` with ``S_y = L / e_y = sum_{i != y} exp(z_i - z_y)``,
  a sum of positive terms, so it keeps full relative precision when it is tiny (a confident,
  correct prediction) and nothing is subtracted;
* the gradient is ``c e_i / T`` for ``i != y`` and ``p_y - 1 = -c L / T`` at the target, free
  of the cancelling ``1 - p_y`` whether or not the target is the largest logit.

No maximum is needed: three passes over the logits (the exponential written into the gradient,
the row sums, the scaling), each along the contiguous class axis, in blocks that stay in the
cache. The row sums are NumPy's vectorised ``einsum`` over runs of at most 1024 terms (its
error is then of the order of NumPy's pairwise sum); float32 losses are computed in float64
from the float32 sums and rounded once.

A row takes that route when its inputs allow it: ``T`` finite (no exponential overflowed) and
``T >= 1`` (so an exponential that underflows belongs to a probability below the smallest
normal number), ``e_y`` a normal number, the scale ``c / T`` in ``[tiny, 1]`` unless ``c = 0``
(as the compensated route requires), ``L >= 2**26 tiny`` or ``e_y >= 1`` (so that subnormal
terms cannot be amplified), and in float64 ``L / e_y`` finite. Every other row (huge or very
negative logits, masked targets, NaN or +inf, which are rejected there) takes the compensated
route: the argmax ``k``, the TwoSum kernel for ``exp(z_i - m)``, ``log1p(S) + (m - z_y)``. The
choice depends only on the inputs, never on whether the loss or the gradient is asked for.

In float64, a row whose ``S_y`` is below 4 takes ``log1p(S_y)`` with ``S_y = L / exp(z_y)`` in
extended precision (``np.longdouble``, where it is wider than float64; one exponential per such
row): there ``log1p(S) ~ S``, so the rounding of ``exp(z_y)`` would reach the loss in full
(1.76 ulp at most on the accuracy grid, against 1.18 with it). float32 losses, computed in
float64 from the float32 sums, do not need it.

Samples whose target is ``ignore_index`` are not inspected: their loss is 0 and their gradient
row is 0, whatever their logits.
"""

from __future__ import annotations

import numpy as np

from sce.numeric._checks import _reject_bad_maxima
from sce.numeric._exact import _blocks, _Rows, _twosum_exp, _Work

# Elements per block of the fast route (1 MiB of float32 gradient): measured faster than
# blocks that fit the 1 MiB L2 cache, as fewer NumPy calls outweigh the L3 traffic.
_BLOCK = 262144
# Rows are summed by einsum over runs of at most this many terms (its accumulation is
# sequential per SIMD lane, so longer runs would lose bits).
_PANEL = 1024
# Below this many classes, the per-row scale is repeated into a flat array (NumPy broadcasts
# slowly over short rows: several nanoseconds a row).
_REPEAT_CLASSES = 128
# float64 rows whose S_y = L / e_y is below this take log1p(S_y) in extended precision (there
# (S / (1 + S)) / log1p(S) > 1/2, so the roundings of S would reach the loss above 1/2 ulp).
_WIDE_BELOW = 4.0
# Tests switch the fast route off to run every row through the compensated one.
_FAST_ROUTE = True


def _exp_is_slow() -> bool:
    """Whether NumPy's exponential runs below its AVX-512 code (AVX2, NEON, baseline): there
    it is compute-bound, and reading a block once with a cheap reduction before it, so that the
    exponential reads from the cache, was measured 10-25 % faster; with AVX-512 it costs."""
    try:
        from numpy._core._multiarray_umath import __cpu_features__ as features
    except ImportError:  # pragma: no cover - another NumPy layout
        return True
    return not features.get("X86_V4", features.get("AVX512_SKX", False))


_PREFETCH = _exp_is_slow()


def _panel_width(C: int) -> int:
    """The run length for :func:`_row_sums`: C itself, a divisor of C in [256, 1024], or 0
    (NumPy's pairwise sum)."""
    if C <= _PANEL:
        return C
    for w in range(_PANEL, 255, -1):
        if C % w == 0:
            return w
    return 0


def _row_sums(e: np.ndarray, width: int, out: np.ndarray) -> None:
    """``out[i] = sum(e[i])`` for a C-contiguous block ``e``."""
    nb, C = e.shape
    if width == C:
        np.einsum("ij->i", e, out=out)
    elif width:
        parts = np.einsum("ij->i", e.reshape(nb * (C // width), width))
        np.einsum("ij->i", parts.reshape(nb, C // width), out=out)
    else:
        np.sum(e, axis=1, out=out)


def _log1p_into_float64(s: np.ndarray) -> np.ndarray:
    """``log1p(s)`` in float64 for ``s >= 0``: ``log(u) + (s - (u - 1)) / u`` with
    ``u = 1 + s``, which corrects the rounding of ``u`` (NumPy's float64 ``log`` is vectorised,
    its ``log1p`` is not)."""
    x = s if s.dtype == np.float64 else s.astype(np.float64)
    u = x + 1
    out = np.log(u)
    c = u - 1
    np.subtract(x, c, out=c)
    c /= u
    out += c
    return out


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
    divisor of "mean" (None for "sum" and "none"). The losses are per sample (in the logits'
    dtype) if ``per_sample``, else float64 sums of chunks of samples (their sum is the total).

    One exponential per element; the work per row is vectorised over chunks of rows, small
    enough that no temporary grows with the batch."""
    n, C = rows.n, rows.C
    dt = rows.moved.dtype
    fast = _FAST_ROUTE
    wide = np.longdouble if np.finfo(np.longdouble).nmant > 52 else None
    # Rows per chunk: the per-row temporaries (about 100 bytes a row) stay near 1/8 of the
    # logits' size.
    chunk = min(16384, max(1024, n * C * dt.itemsize // 800))
    nb = max(1, min(n, chunk, _BLOCK // C))
    chunks = _blocks(n, nb * max(1, chunk // nb))
    width = _panel_width(C)
    base = np.arange(nb) * C
    ebuf = None if want_grad else np.empty((nb, C), dt)
    finfo = np.finfo(dt)
    tiny = dt.type(finfo.tiny)
    low = dt.type(float(finfo.tiny) * 2.0**26)
    loss_rows = None
    if want_loss:
        loss_rows = np.empty(n, dt) if per_sample else np.empty(len(chunks), np.float64)
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
                wy = None if everyone else valid.astype(dt)
            else:
                wy = wvec[yc] if everyone else np.where(valid, wvec[yc], 0).astype(dt)
            if wy is None:  # every sample counts once: one coefficient for all
                coef: np.ndarray | np.generic = dt.type(1) if total is None else 1 / total
            else:
                coef = wy if total is None else wy / total
            if not fast:  # float64: every row through the compensated route
                slow = np.flatnonzero(valid)
            else:
                ey = np.empty(nc, dt)
                lsum = np.empty(nc, dt)
                tsum = np.empty(nc, dt)
                sc = np.empty(nc, dt)
                for i0, i1 in _blocks(nc, nb):
                    _fast_block(
                        rows.block(j0 + i0, j0 + i1),
                        gflat[j0 + i0 : j0 + i1] if want_grad else ebuf[: i1 - i0],
                        base[: i1 - i0] + yc[i0:i1],
                        width,
                        coef if wy is None else coef[i0:i1],
                        ey[i0:i1],
                        lsum[i0:i1],
                        tsum[i0:i1],
                        sc[i0:i1],
                        want_grad,
                    )
                # S_y = L / e_y, in float64 (it cannot overflow there).
                s = lsum.astype(np.float64) / ey
                # The route of a row depends on its inputs only, never on what is asked for.
                if (
                    everyone
                    and tsum.min() >= 1
                    and tsum.max() < np.inf
                    and ey.min() >= tiny
                    and lsum.min() >= low
                    and sc.min() >= tiny
                    and sc.max() <= 1
                    and s.max() < np.inf
                ):
                    slow = np.empty(0, np.intp)
                else:
                    ok = (tsum >= 1) & (tsum < np.inf) & (ey >= tiny) & (s < np.inf)
                    ok &= (lsum >= low) | (ey >= 1)
                    ok &= (coef == 0) | ((sc >= tiny) & (sc <= 1))
                    slow = np.flatnonzero(~ok & valid)  # ignored rows are zeroed below
            slow_loss = _compensated_rows(rows, j0, slow, yc, coef, gflat, want_loss)
            if want_loss:
                if not fast:
                    lr = np.zeros(nc, np.float64)
                elif dt == np.float32:
                    lr = _log1p_into_float64(s)
                else:
                    lr = np.log1p(s)
                    # Where log1p(S) is small against S, the roundings of exp(z_y) and of S
                    # reach the loss almost in full: those rows divide by exp(z_y) in
                    # extended precision (per row, so cheap).
                    near = np.flatnonzero(s < _WIDE_BELOW) if wide is not None else ()
                    if len(near):
                        zy = rows.block(j0, j1)[near, yc[near]].astype(wide)
                        sw = lsum[near].astype(wide) / np.exp(zy)
                        lr[near] = np.log1p(sw).astype(np.float64)
                if slow.size:
                    lr[slow] = slow_loss
                if wy is not None:
                    lr *= wy
                    lr[wy == 0] = 0  # ignored samples, and 0 * inf for a masked target
                if per_sample:
                    loss_rows[j0:j1] = lr
                else:
                    loss_rows[q] = lr.sum()
            if want_grad and not everyone:
                gflat[j0 + np.flatnonzero(~valid)] = 0
    return loss_rows, gflat


def _fast_block(
    zb: np.ndarray,
    eb: np.ndarray,
    idx: np.ndarray,
    width: int,
    coef: np.ndarray | np.generic,
    ey: np.ndarray,
    lsum: np.ndarray,
    tsum: np.ndarray,
    sc: np.ndarray,
    want_grad: bool,
) -> None:
    """One block of rows of the fast route. ``eb`` (the gradient's block, or scratch) receives
    ``exp(z)``, then the gradient; ``idx`` are the flat indices of the targets in it."""
    if _PREFETCH:
        zb.max()  # brings the block into the cache (see _exp_is_slow)
    np.exp(zb, out=eb)  # exp of the exact logits: nothing rounded before it
    ef = eb.reshape(-1)
    np.take(ef, idx, out=ey)
    ef[idx] = 0  # the target's term is left out of the sum, which stays exact when tiny
    _row_sums(eb, width, lsum)
    np.add(lsum, ey, out=tsum)
    np.divide(coef, tsum, out=sc)
    if not want_grad:
        return
    C = eb.shape[1]
    if C < _REPEAT_CLASSES:
        np.multiply(ef, np.repeat(sc, C), out=ef)
    else:
        np.multiply(eb, sc[:, None], out=eb)
    ef[idx] = -(sc * lsum)  # p_y - 1 = -L / T: no cancellation


def _compensated_rows(
    rows: _Rows,
    j0: int,
    slow: np.ndarray,
    yc: np.ndarray,
    coef: np.ndarray | np.generic,
    gflat: np.ndarray | None,
    want_loss: bool,
) -> np.ndarray | None:
    """The rows ``j0 + slow`` through the compensated route: the argmax ``k`` and maximum
    ``m``, ``E_i = exp(z_i - m)`` by the TwoSum kernel, the loss ``log1p(S) + (m - z_y)``
    (float64, unweighted) and the gradient rows. Rejects NaN, +inf and all -inf rows."""
    if not slow.size:
        return None
    C = rows.C
    dt = rows.moved.dtype
    ws = _Work(slow.size, C, dt)
    loss = np.empty(slow.size, np.float64) if want_loss else None
    for q0 in range(0, slow.size, ws.nb):
        idx = slow[q0 : q0 + ws.nb]
        nr = idx.size
        sl = np.arange(nr)
        zr = _gather_rows(rows, j0 + idx)
        ks = np.argmax(zr, axis=1)  # a NaN, if any, is the argmax
        m = zr[sl, ks]
        bad = ~np.isfinite(m)
        if bad.any():
            _reject_bad_maxima(m[bad])
        s = _twosum_exp(zr, m, ks, ws)
        c = np.broadcast_to(coef, (nr,)) if np.ndim(coef) == 0 else coef[idx]
        r = c / (1 + s)
        zy = zr[sl, yc[idx]]
        if gflat is not None:
            g = ws.t[:nr]
            np.multiply(g, r[:, None], out=g)
            _fix_rows(g, sl, yc[idx], ks, zy, m, r, s, c)
            gflat[j0 + idx] = g
        if loss is not None:
            m64, zy64 = m.astype(np.float64), zy.astype(np.float64)
            loss[q0 : q0 + nr] = _log1p_into_float64(s) + (m64 - zy64)
    return loss


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


def _gather_rows(rows: _Rows, idx: np.ndarray) -> np.ndarray:
    if rows.flat is not None:
        return rows.flat[idx]
    return rows.moved[np.unravel_index(idx, rows.lead)]


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
