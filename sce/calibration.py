r"""Calibration: how far predicted confidences are from the accuracy they claim, and its fix.

A classifier is *calibrated* when, among the samples it predicts with confidence p, a fraction p
is right. :func:`expected_calibration_error` measures the gap as Guo et al. define it ("On
Calibration of Modern Neural Networks", ICML 2017, eq. 3): the top-label confidence
:math:`\max_k \hat p_k` of each sample is put into one of :math:`M` equal-width bins
:math:`B_m = ((m - 1)/M,\ m/M]`, and

.. math::

    \mathrm{ECE} = \sum_{m=1}^{M} \frac{|B_m|}{N}\,\bigl|\operatorname{acc}(B_m)
        - \operatorname{conf}(B_m)\bigr|,

with acc the fraction of correct predictions in the bin and conf their mean confidence.

:func:`fit_temperature` is temperature scaling (Guo et al., section 4.2): one scalar
:math:`T > 0` divides every logit, fitted by minimising the mean negative log-likelihood of
``softmax(logits / T)`` on held-out data. The argmax, and so the accuracy, does not change.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

__all__ = ["expected_calibration_error", "fit_temperature"]


def _labels(labels: Any, n: int, n_classes: int) -> np.ndarray:
    arr = np.asarray(labels)
    if arr.dtype == bool or not np.issubdtype(arr.dtype, np.integer):
        raise TypeError(f"labels must be integer class indices, not {arr.dtype}")
    if arr.shape != (n,):
        raise ValueError(f"labels must have shape ({n},) to match the rows, not {arr.shape}")
    if n and (arr.min() < 0 or arr.max() >= n_classes):
        raise ValueError(f"labels must lie in 0..{n_classes - 1}, found {arr.min()}..{arr.max()}")
    return arr.astype(np.intp)


def _matrix(values: Any, name: str) -> np.ndarray:
    arr = np.asarray(values)
    if not (np.issubdtype(arr.dtype, np.floating) or np.issubdtype(arr.dtype, np.integer)):
        raise TypeError(f"{name} must be a real array, not {arr.dtype}")
    if arr.dtype == bool:
        raise TypeError(f"{name} must be a real array, not bool")
    if arr.ndim != 2 or arr.shape[0] == 0 or arr.shape[1] < 2:
        raise ValueError(f"{name} must have shape (N, C) with N >= 1 and C >= 2, not {arr.shape}")
    arr = arr.astype(np.float64, copy=False)
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite (no NaN or inf)")
    return arr


def expected_calibration_error(
    probabilities: ArrayLike, labels: ArrayLike, n_bins: int = 15
) -> float:
    r"""The expected calibration error of top-label confidences, as Guo et al. (2017) define it.

    Parameters
    ----------
    probabilities : array_like, shape (N, C)
        Predicted class probabilities: each row non-negative and summing to 1 (within 1e-6).
    labels : array_like of int, shape (N,)
        The true classes.
    n_bins : int
        The number M of equal-width confidence bins ((m − 1)/M, m/M], m = 1..M (15 by default,
        as in the paper). The edges m/M are the floats nearest to them.

    Returns
    -------
    float
        ``Σ_m |B_m|/N · |acc(B_m) − conf(B_m)|``, in [0, 1]; empty bins contribute nothing. The
        prediction is the argmax of a row (the first one on ties) and its confidence the row's
        maximum.

    Raises
    ------
    TypeError
        If `probabilities` is not real, `labels` not integer, or `n_bins` not an integer.
    ValueError
        If the shapes do not match, a label is out of range, a row has a negative entry or does
        not sum to 1, a value is not finite, or `n_bins` < 1.

    Examples
    --------
    Two samples predicted with confidence 0.9, one right and one wrong: the bin (0.8, 0.9]
    holds both, with accuracy 0.5, so the error is ``|0.5 − 0.9| = 0.4``.

    >>> p = [[0.9, 0.1], [0.1, 0.9]]
    >>> round(expected_calibration_error(p, [0, 0], n_bins=10), 12)
    0.4
    """
    p = _matrix(probabilities, "probabilities")
    if isinstance(n_bins, bool) or not isinstance(n_bins, (int, np.integer)):
        raise TypeError(f"n_bins must be an int, not {type(n_bins).__name__}")
    if n_bins < 1:
        raise ValueError(f"n_bins must be at least 1, not {n_bins}")
    if p.min() < 0:
        raise ValueError("probabilities must be non-negative")
    sums = p.sum(axis=1)
    if np.abs(sums - 1).max() > 1e-6:
        row = int(np.argmax(np.abs(sums - 1)))
        raise ValueError(f"probabilities: each row must sum to 1, row {row} sums to {sums[row]!r}")
    y = _labels(labels, p.shape[0], p.shape[1])
    predicted = p.argmax(axis=1)
    confidence = p[np.arange(p.shape[0]), predicted]
    correct = (predicted == y).astype(np.float64)
    edges = np.arange(1, n_bins + 1, dtype=np.float64) / n_bins
    # Bin m holds (m-1)/M < confidence <= m/M: the first edge not below the confidence.
    index = np.minimum(np.searchsorted(edges, confidence, side="left"), n_bins - 1)
    hits = np.bincount(index, weights=correct, minlength=n_bins)
    conf = np.bincount(index, weights=confidence, minlength=n_bins)
    # |B_m|/N * |acc(B_m) - conf(B_m)| = |hits_m - sum of confidences_m| / N
    return float(np.abs(hits - conf).sum() / p.shape[0])


def _nll_and_derivatives(beta: float, z: np.ndarray, zy: np.ndarray) -> tuple[float, float, float]:
    """Mean NLL of softmax(beta z) and its first two derivatives with respect to beta."""
    s = beta * z
    m = s.max(axis=1, keepdims=True)
    e = np.exp(s - m)
    total = e.sum(axis=1, keepdims=True)
    p = e / total
    lse = (m + np.log(total))[:, 0]
    mean_z = (p * z).sum(axis=1)
    var_z = (p * (z - mean_z[:, None]) ** 2).sum(axis=1)
    return float(np.mean(lse - beta * zy)), float(np.mean(mean_z - zy)), float(np.mean(var_z))


def fit_temperature(logits: ArrayLike, labels: ArrayLike) -> float:
    r"""The temperature T > 0 that minimises the mean NLL of softmax(logits / T) (Guo et al. 2017).

    Method: with β = 1/T the mean NLL f(β) = mean(logsumexp(β z) − β z_y) is convex in β (its
    second derivative is the mean variance of the logits under softmax(β z), ≥ 0), so its
    minimiser is the one zero of f'(β) = mean(E[z] − z_y). It is bracketed (f'(0) < 0, then β
    doubled until f' > 0) and found by Newton's method safeguarded by bisection, to a relative
    tolerance of 1e-12 in β: a one-dimensional convex problem needs no general optimiser.

    Parameters
    ----------
    logits : array_like, shape (N, C)
        Held-out logits (a validation set), finite.
    labels : array_like of int, shape (N,)
        Their true classes.

    Returns
    -------
    float
        T = 1/β*.

    Raises
    ------
    TypeError
        If `logits` is not real or `labels` not integer.
    ValueError
        If the shapes do not match, a label is out of range, a logit is not finite, or the NLL
        has no minimiser at a finite T > 0: it keeps falling as T → 0 when every sample's true
        logit is its largest, and as T → ∞ when the logits are no better than uniform on average
        (f'(0) ≥ 0).

    Examples
    --------
    Logits that are twice too confident are fixed by T ≈ 2 when the data were drawn from
    softmax(z / 2):

    >>> rng = np.random.default_rng(0)
    >>> z = rng.normal(scale=4.0, size=(4000, 5))
    >>> p = np.exp(z / 2) / np.exp(z / 2).sum(axis=1, keepdims=True)
    >>> y = np.array([rng.choice(5, p=row) for row in p])
    >>> 1.8 < fit_temperature(z, y) < 2.2
    True
    """
    z = _matrix(logits, "logits")
    y = _labels(labels, z.shape[0], z.shape[1])
    zy = z[np.arange(z.shape[0]), y]
    if np.all(zy >= z.max(axis=1)):
        raise ValueError(
            "logits: every sample's true logit is its largest, so the NLL falls for ever as "
            "T -> 0: no finite temperature minimises it"
        )
    _, d0, _ = _nll_and_derivatives(0.0, z, zy)
    if d0 >= 0:
        raise ValueError(
            "logits: on average the true logit is not above the mean logit, so the NLL is "
            "smallest as T -> infinity: no finite temperature minimises it"
        )
    lo, hi = 0.0, 1.0
    while _nll_and_derivatives(hi, z, zy)[1] < 0:
        lo, hi = hi, 2 * hi
        if hi > 1e300:  # pragma: no cover - excluded by the check above
            raise ValueError("logits: the NLL has no finite minimiser")
    beta = (lo + hi) / 2
    for _ in range(200):
        _, d1, d2 = _nll_and_derivatives(beta, z, zy)
        if d1 > 0:
            hi = beta
        elif d1 < 0:
            lo = beta
        else:
            break
        newton = beta - d1 / d2 if d2 > 0 else math.nan
        new = newton if lo < newton < hi else (lo + hi) / 2
        done = abs(new - beta) <= 1e-13 * beta
        beta = new
        if done:
            break
    return 1.0 / beta
