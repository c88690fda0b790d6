"""Calibration error and temperature scaling, against computations written independently."""

from __future__ import annotations

from fractions import Fraction

import mpmath
import numpy as np
import pytest
from scipy.optimize import minimize_scalar
from scipy.special import log_softmax

import sce


def ece_reference(p: np.ndarray, y: np.ndarray, n_bins: int) -> float:
    """Guo et al.'s eq. 3 with exact bin edges (fractions), one sample at a time."""
    bins: dict[int, list[tuple[float, bool]]] = {}
    for row, label in zip(p, y, strict=True):
        k = int(np.argmax(row))
        conf = Fraction(float(row[k]))
        m = next(m for m in range(1, n_bins + 1) if conf <= Fraction(m, n_bins))
        bins.setdefault(m, []).append((float(row[k]), k == label))
    total = 0.0
    for members in bins.values():
        acc = sum(ok for _, ok in members) / len(members)
        conf = sum(c for c, _ in members) / len(members)
        total += len(members) / len(y) * abs(acc - conf)
    return total


def random_probabilities(rng: np.random.Generator, n: int, c: int, scale: float) -> np.ndarray:
    z = rng.normal(scale=scale, size=(n, c))
    return np.exp(log_softmax(z, axis=1))


@pytest.mark.parametrize("n_bins", [1, 5, 15, 40])
def test_ece_matches_the_papers_definition(n_bins: int) -> None:
    rng = np.random.default_rng(n_bins)
    p = random_probabilities(rng, 500, 6, 2.0)
    y = rng.integers(0, 6, size=500)
    assert sce.expected_calibration_error(p, y, n_bins) == pytest.approx(
        ece_reference(p, y, n_bins), rel=1e-12, abs=1e-15
    )


def test_a_confidence_on_a_bin_edge_belongs_to_the_lower_bin() -> None:
    # confidence 0.5 is in (0.4, 0.5], not (0.5, 0.6]: right at 0.5 gives error 0
    p = np.array([[0.5, 0.5], [0.5, 0.5]])
    assert sce.expected_calibration_error(p, [0, 1], n_bins=10) == 0.0
    assert ece_reference(p, np.array([0, 1]), 10) == 0.0


def test_wrong_and_certain_is_the_largest_error() -> None:
    p = np.array([[1.0, 0.0, 0.0]] * 4)
    assert sce.expected_calibration_error(p, [1, 2, 1, 2]) == 1.0
    assert sce.expected_calibration_error(p, [0, 0, 0, 0]) == 0.0


def test_calibrated_predictions_have_a_small_error() -> None:
    rng = np.random.default_rng(5)
    p = random_probabilities(rng, 20000, 4, 1.5)
    y = np.array([rng.choice(4, p=row) for row in p])  # labels drawn from the predictions
    assert sce.expected_calibration_error(p, y) < 0.02


def nll(beta: float, z: np.ndarray, y: np.ndarray) -> float:
    return float(-log_softmax(beta * z, axis=1)[np.arange(len(y)), y].mean())


def overconfident(seed: int, n: int = 3000, c: int = 5, true_t: float = 2.5):
    rng = np.random.default_rng(seed)
    z = rng.normal(scale=3.0, size=(n, c))
    p = np.exp(log_softmax(z / true_t, axis=1))
    y = np.array([rng.choice(c, p=row) for row in p])
    return z, y


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_the_temperature_minimises_the_nll_as_scipy_finds(seed: int) -> None:
    z, y = overconfident(seed)
    t = sce.fit_temperature(z, y)
    ref = minimize_scalar(lambda b: nll(b, z, y), bounds=(1e-3, 10), method="bounded",
                          options={"xatol": 1e-10})  # fmt: skip
    assert t == pytest.approx(1 / ref.x, rel=1e-6)
    assert nll(1 / t, z, y) <= ref.fun + 1e-12


def test_the_derivative_vanishes_at_the_temperature_in_60_digits() -> None:
    z, y = overconfident(3, n=300)
    beta = mpmath.mpf(1 / sce.fit_temperature(z, y))
    with mpmath.workdps(60):
        total = mpmath.mpf(0)
        for row, label in zip(z, y, strict=True):
            w = [mpmath.exp(beta * mpmath.mpf(float(v))) for v in row]
            mean = sum(wi * mpmath.mpf(float(v)) for wi, v in zip(w, row, strict=True)) / sum(w)
            total += mean - mpmath.mpf(float(row[label]))
        assert abs(total / len(y)) < 1e-12


def test_the_nll_is_convex_in_the_inverse_temperature() -> None:
    z, y = overconfident(4, n=500)
    betas = np.linspace(0.01, 3, 300)
    f = np.array([nll(b, z, y) for b in betas])
    assert np.all(np.diff(f, 2) >= -1e-12)


def test_scaling_does_not_change_the_argmax() -> None:
    z, y = overconfident(6, n=400)
    t = sce.fit_temperature(z, y)
    assert np.array_equal(np.argmax(z / t, axis=1), np.argmax(z, axis=1))


def test_no_finite_temperature_when_every_prediction_is_right() -> None:
    z = np.array([[3.0, 0.0], [0.0, 2.0]])
    with pytest.raises(ValueError, match="falls for ever as T -> 0"):
        sce.fit_temperature(z, [0, 1])


def test_no_finite_temperature_when_the_logits_are_worse_than_uniform() -> None:
    z = np.array([[3.0, 0.0], [0.0, 2.0]])
    with pytest.raises(ValueError, match="T -> infinity"):
        sce.fit_temperature(z, [1, 0])


@pytest.mark.parametrize(
    ("probabilities", "labels", "n_bins", "error", "match"),
    [
        ([[0.5, 0.5]], [0, 1], 15, ValueError, r"labels must have shape \(1,\)"),
        ([[0.5, 0.5]], [2], 15, ValueError, "labels must lie in 0..1"),
        ([[0.5, 0.5]], [0.0], 15, TypeError, "labels must be integer"),
        ([[1.2, -0.2]], [0], 15, ValueError, "non-negative"),
        ([[0.5, 0.6]], [0], 15, ValueError, "row 0 sums to"),
        ([[0.5, 0.5]], [0], 0, ValueError, "n_bins must be at least 1"),
        ([[0.5, 0.5]], [0], 2.0, TypeError, "n_bins must be an int"),
        ([[np.nan, 0.5]], [0], 15, ValueError, "must be finite"),
        ([0.5, 0.5], [0], 15, ValueError, r"shape \(N, C\)"),
        ([["a", "b"]], [0], 15, TypeError, "must be a real array"),
    ],
)
def test_bad_input_to_the_calibration_error_is_named(probabilities, labels, n_bins, error, match):
    with pytest.raises(error, match=match):
        sce.expected_calibration_error(probabilities, labels, n_bins)


@pytest.mark.parametrize(
    ("logits", "labels", "error", "match"),
    [
        ([[1.0, np.nan]], [0], ValueError, "logits must be finite"),
        ([[1.0, 0.0]], [0, 0], ValueError, "labels must have shape"),
        ([[1.0, 0.0]], [5], ValueError, "labels must lie in"),
        ([[1.0], [2.0]], [0, 0], ValueError, r"shape \(N, C\)"),
    ],
)
def test_bad_input_to_the_temperature_fit_is_named(logits, labels, error, match):
    with pytest.raises(error, match=match):
        sce.fit_temperature(logits, labels)


def test_inputs_are_not_modified() -> None:
    z, y = overconfident(7, n=200)
    z0, y0 = z.copy(), y.copy()
    sce.fit_temperature(z, y)
    p = np.exp(log_softmax(z, axis=1))
    p0 = p.copy()
    sce.expected_calibration_error(p, y)
    assert np.array_equal(z, z0) and np.array_equal(y, y0) and np.array_equal(p, p0)
