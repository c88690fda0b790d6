"""Softmax and cross-entropy in NumPy: exact to a few ulp, with PyTorch's semantics.

Every function validates its arguments at the entry and then does plain array arithmetic. The
arithmetic follows one scheme, explained in the chapter "Numerical stability and exactness"
(``chapters/05-stability.ipynb``):

* ``k`` is the argmax of a row and ``m = z[k]`` its maximum;
* ``E_i = exp(z_i - m)`` for ``i != k`` and ``S = sum_{i != k} E_i``, so that
  ``softmax(z)_i = E_i / (1 + S)``, ``softmax(z)_k = 1 / (1 + S)`` and
  ``-log softmax(z)_y = log1p(S) + (m - z_y)``;
* ``E_i`` keeps full relative precision: when ``0 <= m <= 80`` (float32) or ``700`` (float64)
  it is ``exp(z_i) * exp(-m)``, exponentials of the exact inputs, with nothing rounded before
  them; otherwise ``d_i = z_i - m`` is rounded, TwoSum recovers its exact rounding error
  ``e_i``, and ``E_i = exp(d_i) * (1 + e_i)``.

Nothing is ever subtracted from 1 that could cancel: the loss of a confident prediction is
``log1p(S)``, not ``-log(1 - tiny)``, and the gradient of its true class is ``-S / (1 + S)``, not
``p - 1``. Measured against mpmath (``tests/test_numeric_accuracy.py``,
``benchmarks/accuracy.py``): within 2 ulp in float64 and 3 float32 ulp in float32. The work is
done in blocks of rows that stay in the cache, with one exponential per element and no
temporary array the size of the logits.

Known limit: with class weights above 1, a gradient entry whose probability is below the
smallest normal number (a margin beyond 708 in float64, 87 in float32) is only accurate to that
number times the weight, in absolute terms.

Conventions
-----------
* ``-inf`` logits are masks: their probability is exactly 0 and so is their gradient, unless the
  class is a target class, in which case the loss is ``+inf`` (the probability of the target is 0).
  A row whose logits are all ``-inf``, and any NaN or ``+inf`` logit, raise ``ValueError``.
* float32 and float64 inputs are computed in their own precision and returned in it; integer
  logits are promoted to float64; any other dtype raises ``TypeError``.
* Inputs are never modified.
"""

from sce.numeric._binary import binary_cross_entropy_with_logits, sigmoid
from sce.numeric._cross_entropy import cross_entropy, cross_entropy_and_grad, cross_entropy_grad
from sce.numeric._labels import one_hot, smooth_labels
from sce.numeric._softmax import (
    cross_entropy_hessian,
    log_softmax,
    logsumexp,
    softmax,
    softmax_jacobian,
)

__all__ = [
    "binary_cross_entropy_with_logits",
    "cross_entropy",
    "cross_entropy_and_grad",
    "cross_entropy_grad",
    "cross_entropy_hessian",
    "log_softmax",
    "logsumexp",
    "one_hot",
    "sigmoid",
    "smooth_labels",
    "softmax",
    "softmax_jacobian",
]
