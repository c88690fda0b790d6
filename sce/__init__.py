"""Softmax and cross-entropy, exact and checked: the reference code of the book."""

from sce import gradcheck
from sce.calibration import expected_calibration_error, fit_temperature
from sce.linear_cross_entropy import linear_cross_entropy, linear_cross_entropy_and_grad
from sce.numeric import (
    binary_cross_entropy_with_logits,
    binary_cross_entropy_with_logits_and_grad,
    binary_cross_entropy_with_logits_grad,
    cross_entropy,
    cross_entropy_and_grad,
    cross_entropy_grad,
    cross_entropy_hessian,
    log_softmax,
    logsumexp,
    one_hot,
    sigmoid,
    smooth_labels,
    softmax,
    softmax_jacobian,
)

__all__ = [
    "binary_cross_entropy_with_logits",
    "binary_cross_entropy_with_logits_and_grad",
    "binary_cross_entropy_with_logits_grad",
    "cross_entropy",
    "cross_entropy_and_grad",
    "cross_entropy_grad",
    "cross_entropy_hessian",
    "expected_calibration_error",
    "fit_temperature",
    "gradcheck",
    "linear_cross_entropy",
    "linear_cross_entropy_and_grad",
    "log_softmax",
    "logsumexp",
    "one_hot",
    "sigmoid",
    "smooth_labels",
    "softmax",
    "softmax_jacobian",
]
