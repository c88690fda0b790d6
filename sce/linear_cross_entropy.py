r"""Cross-entropy of a linear layer's output, without the N × V logits.

In a language model the last layer maps N hidden states (N, D) to logits over a vocabulary of V
classes, ``logits = input @ linear_weight.T + linear_bias``, and the N × V logits dominate the
memory of training. The loss needs only each row's log-sum-exp and its target logit, and its
gradient with respect to the logits is ŷ − y (chapter 4), which can be rebuilt block by block:
for a block of rows, the logits are computed, turned into the loss and ŷ − y by
:func:`sce.cross_entropy_and_grad` (exact to a few ulp), multiplied back into the gradients of
the input, the weight and the bias, and dropped.

``linear_cross_entropy(input, linear_weight, target, ...)`` has the value of
``sce.cross_entropy(input @ linear_weight.T + linear_bias, target, ...)`` with the same keywords
(PyTorch's names and meanings); only the summation order of the matrix products and of the
reduction differ. The memory it allocates beyond its inputs and outputs is a few blocks of
``chunk_size`` rows of V logits.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from sce.numeric import cross_entropy, cross_entropy_and_grad

__all__ = ["DEFAULT_BLOCK_BYTES", "linear_cross_entropy", "linear_cross_entropy_and_grad"]

#: The memory budget of one block of logits when ``chunk_size`` is None: 8 MiB. A block's logits
#: and its gradient (two such buffers) are alive at a time, so the extra memory is about 16 MiB
#: (3 % of the 512 MiB logits of N = 2,048, V = 65,536 in float32).
DEFAULT_BLOCK_BYTES = 8 * 2**20


def _float_matrix(x: Any, name: str) -> np.ndarray:
    arr = np.asarray(x)
    if arr.dtype not in (np.float32, np.float64):
        raise TypeError(f"{name} must be float32 or float64, not {arr.dtype}")
    if arr.ndim != 2:
        raise ValueError(f"{name} must be a matrix (2 dimensions), not of shape {arr.shape}")
    return arr


def _arguments(
    input: Any, linear_weight: Any, target: Any, linear_bias: Any, chunk_size: Any
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray | None, int]:
    x = _float_matrix(input, "input")
    w = _float_matrix(linear_weight, "linear_weight")
    if w.dtype != x.dtype:
        raise TypeError(f"linear_weight is {w.dtype} but input is {x.dtype}: use one dtype")
    if w.shape[1] != x.shape[1]:
        raise ValueError(
            f"linear_weight has D = {w.shape[1]} columns but input has D = {x.shape[1]}"
        )
    if w.shape[0] == 0:
        raise ValueError("linear_weight has no rows: the class axis has length 0")
    t = np.asarray(target)
    if t.dtype == bool or not np.issubdtype(t.dtype, np.integer):
        raise TypeError(f"target must be integer class indices, not {t.dtype}")
    if t.shape != (x.shape[0],):
        raise ValueError(f"target must have shape ({x.shape[0]},), not {t.shape}")
    b = None
    if linear_bias is not None:
        b = np.asarray(linear_bias)
        if b.dtype != x.dtype:
            raise TypeError(f"linear_bias is {b.dtype} but input is {x.dtype}: use one dtype")
        if b.shape != (w.shape[0],):
            raise ValueError(f"linear_bias must have shape ({w.shape[0]},), not {b.shape}")
    if chunk_size is None:
        rows = DEFAULT_BLOCK_BYTES // (w.shape[0] * x.dtype.itemsize)
        chunk = int(max(1, rows))
    else:
        if isinstance(chunk_size, bool) or not isinstance(chunk_size, numbers.Integral):
            raise TypeError(f"chunk_size must be an int or None, not {type(chunk_size).__name__}")
        if chunk_size <= 0:
            raise ValueError(f"chunk_size must be positive, not {chunk_size}")
        chunk = int(chunk_size)
    return x, w, t, b, chunk


def _denominator(t: np.ndarray, weight: Any, ignore_index: int, dtype: np.dtype) -> Any:
    kept = t != ignore_index
    if weight is None:
        return dtype.type(np.count_nonzero(kept))
    w = np.asarray(weight, dtype=dtype)
    return w[t[kept]].sum(dtype=dtype)


def _logits(x: np.ndarray, w: np.ndarray, b: np.ndarray | None, out: np.ndarray) -> np.ndarray:
    np.matmul(x, w.T, out=out)
    if b is not None:
        out += b
    return out


def linear_cross_entropy(
    input: ArrayLike,
    linear_weight: ArrayLike,
    target: ArrayLike,
    *,
    linear_bias: ArrayLike | None = None,
    weight: ArrayLike | None = None,
    ignore_index: int = -100,
    reduction: str = "mean",
    label_smoothing: float = 0.0,
    chunk_size: int | None = None,
) -> NDArray[np.floating] | np.floating:
    r"""Cross-entropy of ``input @ linear_weight.T + linear_bias``, one block of rows at a time.

    Parameters
    ----------
    input : array_like, shape (N, D)
        float32 or float64 hidden states.
    linear_weight : array_like, shape (V, D)
        The layer's weight, in the dtype of `input`.
    target : array_like of int, shape (N,)
        Class indices in 0..V−1, or `ignore_index`.
    linear_bias : array_like, shape (V,), optional
        The layer's bias.
    weight, ignore_index, reduction, label_smoothing
        As :func:`sce.cross_entropy` (PyTorch's meanings).
    chunk_size : int, optional
        Rows per block; default: as many as fit ``DEFAULT_BLOCK_BYTES`` (8 MiB) of logits.

    Returns
    -------
    numpy.floating or numpy.ndarray
        The loss, as ``sce.cross_entropy`` of the full logits returns it.

    Raises
    ------
    TypeError
        If a dtype is not float32/float64 or they differ, `target` is not integer, or
        `chunk_size` is not an integer.
    ValueError
        If the shapes do not match, `chunk_size` ≤ 0, or :func:`sce.cross_entropy` refuses its
        arguments (targets out of range, a bad `reduction`, ...).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> x, w = rng.normal(size=(6, 3)), rng.normal(size=(5, 3))
    >>> t = np.array([0, 4, 2, 2, 1, 3])
    >>> full = cross_entropy(x @ w.T, t)
    >>> bool(np.isclose(linear_cross_entropy(x, w, t, chunk_size=4), full, rtol=1e-14))
    True
    """
    x, w, t, b, chunk = _arguments(input, linear_weight, target, linear_bias, chunk_size)
    keywords = {"weight": weight, "ignore_index": ignore_index, "label_smoothing": label_smoothing}
    n = x.shape[0]
    if reduction not in ("mean", "sum", "none"):
        cross_entropy(np.zeros((1, 1), x.dtype), [0], reduction=reduction)  # raises, named
    buffer = np.empty((min(chunk, max(n, 1)), w.shape[0]), dtype=x.dtype)
    if reduction == "none":
        out = np.empty(n, dtype=x.dtype)
        for lo in range(0, n, chunk):
            hi = min(lo + chunk, n)
            logits = _logits(x[lo:hi], w, b, buffer[: hi - lo])
            out[lo:hi] = cross_entropy(logits, t[lo:hi], reduction="none", **keywords)
        return out
    total = x.dtype.type(0)
    for lo in range(0, n, chunk):
        hi = min(lo + chunk, n)
        logits = _logits(x[lo:hi], w, b, buffer[: hi - lo])
        total += cross_entropy(logits, t[lo:hi], reduction="sum", **keywords)
    if reduction == "sum":
        return total
    return total / _denominator(t, weight, ignore_index, x.dtype)


def _accumulate_weight_grad(grad_w: np.ndarray, x: np.ndarray, g: np.ndarray) -> None:
    """grad_w += g.T @ x, in place (BLAS gemm with beta = 1, no temporary of grad_w's size)."""
    from scipy.linalg import blas

    gemm = blas.sgemm if grad_w.dtype == np.float32 else blas.dgemm
    # grad_w (V, D) in C order is grad_w.T (D, V) in Fortran order: compute
    # grad_w.T += x.T @ g, with x.T (D, c) and g = (g.T).T, both passed without copies.
    out = gemm(
        1.0, np.asfortranarray(x.T), g.T, beta=1.0, c=grad_w.T, trans_b=True, overwrite_c=True
    )
    if not np.shares_memory(out, grad_w):  # pragma: no cover - BLAS copied: keep the result
        grad_w[...] = out.T


def linear_cross_entropy_and_grad(
    input: ArrayLike,
    linear_weight: ArrayLike,
    target: ArrayLike,
    *,
    linear_bias: ArrayLike | None = None,
    weight: ArrayLike | None = None,
    ignore_index: int = -100,
    reduction: str = "mean",
    label_smoothing: float = 0.0,
    chunk_size: int | None = None,
) -> tuple[Any, NDArray[np.floating], NDArray[np.floating], NDArray[np.floating] | None]:
    r"""The loss of :func:`linear_cross_entropy` and its gradients, without the N × V logits.

    For each block of rows, ``G = ∂loss/∂logits`` (ŷ − y, weighted and scaled as the reduction
    says) comes from :func:`sce.cross_entropy_and_grad`; then ``grad_input[block] = G @ W``,
    ``grad_linear_weight += Gᵀ @ input[block]`` (accumulated in place by BLAS) and
    ``grad_linear_bias += Σ_rows G``.

    Parameters
    ----------
    input, linear_weight, target, linear_bias, weight, ignore_index, reduction, label_smoothing,
    chunk_size
        As :func:`linear_cross_entropy`. With ``reduction="none"`` the gradients are those of the
        sum of the per-sample losses.

    Returns
    -------
    loss : numpy.floating or numpy.ndarray
    grad_input : numpy.ndarray, shape (N, D)
    grad_linear_weight : numpy.ndarray, shape (V, D)
    grad_linear_bias : numpy.ndarray of shape (V,), or None without a bias

    Raises
    ------
    TypeError
        As :func:`linear_cross_entropy`.
    ValueError
        As :func:`linear_cross_entropy`.

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> x, w, b = rng.normal(size=(4, 3)), rng.normal(size=(6, 3)), rng.normal(size=6)
    >>> t = np.array([5, 0, 3, 3])
    >>> loss, gx, gw, gb = linear_cross_entropy_and_grad(x, w, t, linear_bias=b, chunk_size=3)
    >>> _, g = cross_entropy_and_grad(x @ w.T + b, t)
    >>> bool(np.allclose(gx, g @ w) and np.allclose(gw, g.T @ x) and np.allclose(gb, g.sum(0)))
    True
    """
    x, w, t, b, chunk = _arguments(input, linear_weight, target, linear_bias, chunk_size)
    keywords = {"weight": weight, "ignore_index": ignore_index, "label_smoothing": label_smoothing}
    if reduction not in ("mean", "sum", "none"):
        cross_entropy(np.zeros((1, 1), x.dtype), [0], reduction=reduction)  # raises, named
    n = x.shape[0]
    grad_x = np.zeros_like(x, order="C")
    grad_w = np.zeros(w.shape, dtype=x.dtype)
    grad_b = None if b is None else np.zeros(w.shape[0], dtype=x.dtype)
    per_sample = np.empty(n, dtype=x.dtype) if reduction == "none" else None
    total = x.dtype.type(0)
    buffer = np.empty((min(chunk, max(n, 1)), w.shape[0]), dtype=x.dtype)
    block_reduction = "none" if reduction == "none" else "sum"
    for lo in range(0, n, chunk):
        hi = min(lo + chunk, n)
        xb = x[lo:hi]
        logits = _logits(xb, w, b, buffer[: hi - lo])
        loss, g = cross_entropy_and_grad(logits, t[lo:hi], reduction=block_reduction, **keywords)
        if per_sample is not None:
            per_sample[lo:hi] = loss
        else:
            total += loss
        np.matmul(g, w, out=grad_x[lo:hi])
        _accumulate_weight_grad(grad_w, xb, g)
        if grad_b is not None:
            grad_b += g.sum(axis=0)
        del g
    if reduction == "none":
        return per_sample, grad_x, grad_w, grad_b
    if reduction == "sum":
        return total, grad_x, grad_w, grad_b
    den = _denominator(t, weight, ignore_index, x.dtype)
    grad_x /= den
    grad_w /= den
    if grad_b is not None:
        grad_b /= den
    return total / den, grad_x, grad_w, grad_b
