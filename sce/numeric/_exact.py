"""The exact-arithmetic kernel: rows of logits in cache-sized blocks, their argmax and maximum,
and exp(z - m) to a few ulp (exp of the exact inputs, or TwoSum when that is not safe)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from sce.numeric._checks import _class_axis, _float_array, _reject_bad_maxima

# Elements per row block: a block of logits and one of the gradient (float32) fill a 1 MiB L2.
_BLOCK_ELEMENTS = 131072


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
    ax = _class_axis(a, axis)
    rows = _Rows(a, ax)
    return a, ax, rows


def _restore(flat: np.ndarray, rows: _Rows, axis: int) -> np.ndarray:
    """Give an ``(n, C)`` result the logits' shape and layout of axes."""
    return np.moveaxis(flat.reshape((*rows.lead, rows.C)), -1, axis)
