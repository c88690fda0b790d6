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

For index targets the loss and gradient functions first try an equivalent route that leaves
the *target's* term out of the sum instead of the argmax's (``_fused``): with ``e_i = exp(z_i)``,
``L = sum_{i != y} e_i`` and ``T = e_y + L``, the loss is ``log1p(L / e_y)`` and the gradient
``c e_i / T``, with ``-c L / T`` at the target. It needs no maximum, so the logits are read in
three passes (exponential, row sums, scaling); rows whose logits are too large, too negative or
masked at the target take the scheme above.

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
* A sample whose index target equals ``ignore_index`` is not inspected: it contributes 0 to the
  loss and a gradient row of 0, whatever its logits (an all ``-inf`` padding row is accepted).
* An empty class axis raises ``ValueError`` in every function ("the class axis ... has length
  0"); an empty batch is fine (empty results, and 0 for ``reduction="sum"``).
* The loss, the gradient and the fused call take the same route for the same inputs, so
  ``cross_entropy_and_grad`` returns the bits of ``cross_entropy`` and ``cross_entropy_grad``
  (and likewise for the binary loss).
* float32 and float64 inputs are computed in their own precision and returned in it; integer
  logits are promoted to float64; any other dtype raises ``TypeError``.
* Inputs are never modified.

Modules
-------
``_checks`` (argument checks), ``_exact`` (row blocks and the exact exp kernel), ``_softmax``
(softmax, log-softmax, log-sum-exp, Jacobian, Hessian), ``_cross_entropy`` (the three
cross-entropy functions), ``_fused`` (their fast path for index targets), ``_binary`` (sigmoid
and the binary loss), ``_labels`` (one-hot and label smoothing). Everything public is
re-exported here and from ``sce``.

Departures from PyTorch, SciPy and JAX
--------------------------------------
Where the peers accept an input, ``sce`` either gives their value or differs as listed here.

* **Empty class axis**: PyTorch and JAX return an empty softmax and ``-inf`` for
  ``logsumexp`` (so does SciPy's ``logsumexp``; SciPy's ``softmax`` raises). ``sce`` raises
  ``ValueError`` everywhere: a distribution over no class does not exist, and a class axis of
  length 0 is nearly always a wrong ``axis``.
* **NaN, +inf, all -inf rows**: the peers propagate NaN; ``sce`` raises ``ValueError`` naming
  the problem (only rows that are not ignored are checked).
* **Ignored samples** with all ``-inf`` logits: PyTorch gives a finite loss and a NaN gradient
  row; ``sce`` gives 0 for both, which is what "ignored" means.
* **Probability targets** must be non-negative and sum to 1 within ``sqrt(eps)``; PyTorch
  accepts any values. **"mean" over nothing** (empty batch, every sample ignored, zero total
  weight) raises; PyTorch returns NaN.
* **reduction="none" gradients** are the gradient of the sum of the per-sample losses (PyTorch
  needs a ``grad_outputs`` tensor, whose all-ones choice gives the same).
* **Default axis**: ``axis=-1`` everywhere, as JAX; SciPy's ``softmax`` and ``logsumexp``
  default to ``axis=None`` (all elements), PyTorch has no default. ``logsumexp`` has no ``b``,
  ``keepdims`` or ``return_sign`` (SciPy's); ``softmax`` has ``temperature``.
* **dtypes**: integer logits are promoted to float64, as SciPy (PyTorch refuses them);
  float16, bfloat16 and complex raise ``TypeError`` (the exactness claims are for float32 and
  float64 only).
* **Binary loss**: logits must be finite and targets lie in [0, 1]; PyTorch accepts any target
  value and infinite logits. ``sigmoid`` raises on NaN (SciPy's ``expit`` returns NaN).
* **Exactness**: the values agree with the peers' to their accuracy and are often more exact
  (a confident loss is ``log1p(S)``, not 0); the last bits therefore differ.
"""

from sce.numeric._binary import (
    binary_cross_entropy_with_logits,
    binary_cross_entropy_with_logits_and_grad,
    binary_cross_entropy_with_logits_grad,
    sigmoid,
)
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
    "binary_cross_entropy_with_logits_and_grad",
    "binary_cross_entropy_with_logits_grad",
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
