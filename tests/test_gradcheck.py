"""sce.gradcheck: central differences and CS231n's relative error."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose

from sce import gradcheck
from sce.gradcheck import check_gradient, numerical_gradient, relative_error


def test_module_is_reachable_from_package():
    assert gradcheck.numerical_gradient is numerical_gradient


def test_numerical_gradient_of_quadratic_is_exact_to_rounding():
    a = np.array([[2.0, 1.0], [1.0, 3.0]])
    x = np.array([0.5, -1.5])
    g = numerical_gradient(lambda v: 0.5 * v @ a @ v, x)
    assert_allclose(g, a @ x, rtol=1e-9)


def test_numerical_gradient_keeps_shape_and_does_not_modify_input():
    x = np.arange(6.0).reshape(2, 3)
    x.flags.writeable = False
    g = numerical_gradient(lambda v: np.sum(v**3), x)
    assert g.shape == (2, 3)
    assert_allclose(g, 3 * x**2, rtol=1e-8, atol=1e-9)


def test_relative_error_normalises_by_largest_entry():
    assert relative_error([1.0, 2.0], [1.0, 2.5]) == pytest.approx(0.2)


def test_relative_error_floor_is_1e_minus_8():
    assert relative_error([0.0], [1e-12]) == pytest.approx(1e-4)


def test_check_gradient_accepts_correct_and_rejects_wrong_gradient():
    f = lambda v: np.sum(np.exp(v))  # noqa: E731
    x = np.array([0.1, -0.4, 1.2])
    assert check_gradient(f, np.exp, x) < 1e-9
    assert check_gradient(f, lambda v: np.exp(v) * 1.01, x) > 1e-3


def test_bad_step_raises():
    with pytest.raises(ValueError, match="h: must be positive"):
        numerical_gradient(np.sum, [1.0], h=0.0)


def test_non_scalar_function_raises():
    with pytest.raises(TypeError, match="f: must return a real scalar"):
        numerical_gradient(lambda v: v, [1.0, 2.0])


def test_shape_mismatch_raises():
    with pytest.raises(ValueError, match="b: shape"):
        relative_error([1.0, 2.0], [1.0])
    with pytest.raises(ValueError, match="grad: returned shape"):
        check_gradient(np.sum, lambda v: np.ones(3), [1.0, 2.0])
