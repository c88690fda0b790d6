"""Numerical gradients by central differences, and the relative error used to compare them.

The check every derivation in the book ends with: an analytic gradient is right when it agrees
with central differences to a relative error far below what a wrong formula gives (about 1e-7 or
less in float64, where a wrong formula gives 1e-2 or more).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = ["check_gradient", "numerical_gradient", "relative_error"]


def _float64_copy(x: Any, name: str) -> NDArray[np.float64]:
    a = np.asarray(x)
    if a.dtype.kind not in "iuf":
        raise TypeError(f"{name}: expected a real floating or integer array, got dtype {a.dtype}")
    return np.array(a, dtype=np.float64, copy=True)


def _scalar(value: Any) -> float:
    v = np.asarray(value)
    if v.size != 1 or v.dtype.kind not in "iuf":
        raise TypeError(f"f: must return a real scalar, got {value!r}")
    return float(v.reshape(()))


def numerical_gradient(
    f: Callable[[NDArray[np.float64]], Any], x: ArrayLike, h: float = 1e-5
) -> NDArray[np.float64]:
    r"""Central-difference gradient of a scalar function,
    :math:`\partial f/\partial x_i \approx (f(x + h e_i) - f(x - h e_i)) / 2h`.

    Its error is about :math:`h^2 |f'''|/6` (truncation) plus :math:`\epsilon |f| / h`
    (rounding); ``h = 1e-5`` balances the two in float64.

    Parameters
    ----------
    f : callable
        Takes a float64 array shaped like ``x`` (a fresh copy at each call) and returns a real
        scalar.
    x : array_like
        The point, real; it is copied to float64 and never modified.
    h : float, optional
        The step, positive. Default 1e-5.

    Returns
    -------
    numpy.ndarray
        float64, shape of ``x``.

    Raises
    ------
    TypeError
        If ``f`` is not callable or does not return a real scalar, or ``x`` is not real.
    ValueError
        If ``h`` is not positive and finite.

    Examples
    --------
    >>> import numpy as np
    >>> from sce.gradcheck import numerical_gradient
    >>> print(numerical_gradient(lambda v: np.sum(v**2), [1.0, -2.0]).round(6))
    [ 2. -4.]
    """
    if not callable(f):
        raise TypeError(f"f: expected a callable, got {f!r}")
    if isinstance(h, bool) or not isinstance(h, (int, float, np.floating)):
        raise TypeError(f"h: expected a real number, got {h!r}")
    if not (h > 0 and np.isfinite(h)):
        raise ValueError(f"h: must be positive and finite, got {h!r}")
    x0 = _float64_copy(x, "x")
    grad = np.empty_like(x0)
    flat = x0.reshape(-1)
    gflat = grad.reshape(-1)
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + h
        fp = _scalar(f(x0.copy()))
        flat[i] = old - h
        fm = _scalar(f(x0.copy()))
        flat[i] = old
        gflat[i] = (fp - fm) / (2 * h)
    return grad


def relative_error(a: ArrayLike, b: ArrayLike) -> float:
    r"""CS231n's relative error of two gradients,
    :math:`\max_i |a_i - b_i| / \max(\max_i |a_i|, \max_i |b_i|, 10^{-8})`.

    Normalising by the largest entry (not entry by entry) keeps tiny entries, whose central
    differences carry an absolute rounding error, from dominating.

    Parameters
    ----------
    a, b : array_like
        Real arrays of the same shape.

    Returns
    -------
    float
        The relative error; 0 for two empty arrays.

    Raises
    ------
    TypeError
        If an argument is not real.
    ValueError
        If the shapes differ or an argument holds NaN.

    Examples
    --------
    >>> from sce.gradcheck import relative_error
    >>> print(round(relative_error([1.0, 2.0], [1.0, 2.002]), 9))
    0.000999001
    """
    x = _float64_copy(a, "a")
    y = _float64_copy(b, "b")
    if x.shape != y.shape:
        raise ValueError(f"b: shape {y.shape} differs from the shape of a, {x.shape}")
    if np.isnan(x).any() or np.isnan(y).any():
        raise ValueError("a, b: contain NaN")
    if x.size == 0:
        return 0.0
    num = float(np.max(np.abs(x - y)))
    den = max(float(np.max(np.abs(x))), float(np.max(np.abs(y))), 1e-8)
    return num / den


def check_gradient(
    f: Callable[[NDArray[np.float64]], Any],
    grad: Callable[[NDArray[np.float64]], ArrayLike],
    x: ArrayLike,
    h: float = 1e-5,
) -> float:
    """Relative error between an analytic gradient and central differences at ``x``.

    Parameters
    ----------
    f : callable
        Scalar function of an array shaped like ``x``.
    grad : callable
        Its claimed gradient: returns an array shaped like ``x``.
    x : array_like
        The point (copied to float64, never modified).
    h : float, optional
        Step of the central differences. Default 1e-5.

    Returns
    -------
    float
        :func:`relative_error` of ``grad(x)`` and :func:`numerical_gradient`; below 1e-7 for a
        correct gradient of a smooth, well-scaled function in float64.

    Raises
    ------
    TypeError
        As :func:`numerical_gradient`, or if ``grad`` is not callable.
    ValueError
        As :func:`numerical_gradient`, or if ``grad(x)`` has the wrong shape.

    Examples
    --------
    >>> import numpy as np
    >>> from sce.gradcheck import check_gradient
    >>> err = check_gradient(lambda v: np.sum(np.sin(v)), np.cos, [0.1, 0.2, 0.3])
    >>> err < 1e-9
    True
    >>> check_gradient(lambda v: np.sum(np.sin(v)), np.sin, [0.1, 0.2, 0.3]) > 0.5
    True
    """
    if not callable(grad):
        raise TypeError(f"grad: expected a callable, got {grad!r}")
    x0 = _float64_copy(x, "x")
    analytic = np.asarray(grad(x0.copy()))
    if analytic.shape != x0.shape:
        raise ValueError(f"grad: returned shape {analytic.shape}, the point x has shape {x0.shape}")
    return relative_error(analytic, numerical_gradient(f, x0, h))
