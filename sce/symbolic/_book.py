"""The book's derivations, transitional: each moves into its chapter's cells.

This module keeps the derivations the chapters call today (``symbolic.softmax_jacobian()`` and
so on) working, unchanged, while each chapter comes to write its own derivation with the engine
(:class:`sce.symbolic.Derivation`). It is deleted once no chapter calls it; nothing else in
``sce.symbolic`` imports it, and ``sce.symbolic`` only re-exports it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

import sympy as sp
from sympy.codegen.cfunctions import log1p
from sympy.matrices.expressions.diagonal import DiagMatrix

from sce.symbolic.assumptions import SUM_Y_IS_ONE, case, distinct, sum_to_one
from sce.symbolic.concrete import vector
from sce.symbolic.engine import Derivation
from sce.symbolic.printing import latex
from sce.symbolic.records import CheckRecord
from sce.symbolic.symbols import (
    DEFINITIONS,
    E,
    _base,
    _index,
    _m,
    _q,
    c,
    cross_entropy_n,
    gradient_n,
    hessian_n,
    i,
    j,
    jacobian_n,
    k,
    n,
    softmax_n,
    v,
    y,
    yhat,
    z,
)
from sce.symbolic.typeset import _Entry, _frac, _um

Expr = sp.Basic

# --------------------------------------------------------------------------------------------
# The book's derivations
# --------------------------------------------------------------------------------------------


_S = sp.Sum(sp.exp(z[k]), (k, 1, n))


@cache
def softmax_shift_invariance() -> Derivation:
    r"""softmax(z + c) = softmax(z): adding a constant c to every logit changes nothing.

    Steps use ``expand`` (e^{a+b} = e^a e^b; constants out of the sum) and ``together``.

    Returns
    -------
    Derivation

    Raises
    ------
    None

    Examples
    --------
    >>> softmax_shift_invariance().check().n_general
    4
    """
    shifted = sp.exp(z[i] + c) / sp.Sum(sp.exp(z[k] + c), (k, 1, n))
    return (
        Derivation(
            "softmax_shift_invariance",
            shifted,
            indices=[i],
            title="softmax is invariant to a common shift of the logits",
        )
        .step(
            _frac(_um(sp.exp(c), sp.exp(z[i])), sp.Sum(_um(sp.exp(c), sp.exp(z[k])), (k, 1, n))),
            "$e^{a+b} = e^a e^b$",
        )
        .step(
            _frac(_um(sp.exp(c), sp.exp(z[i])), _um(sp.exp(c), _S)),
            "the constant $e^c$ comes out of the sum",
        )
        .step(sp.exp(z[i]) / _S, "cancel $e^c$")
        .step(yhat[i], "definition of softmax")
    )


@cache
def softmax_jacobian_diagonal() -> Derivation:
    r"""∂ŷ_j/∂z_j = ŷ_j (1 − ŷ_j): the diagonal of the softmax Jacobian.

    Quotient rule step checked by ``expand``/``together`` after ``diff``.

    Returns
    -------
    Derivation

    Raises
    ------
    None

    Examples
    --------
    >>> softmax_jacobian_diagonal().result
    (1 - \hat{y}[j])*\hat{y}[j]
    """
    ej = sp.exp(z[j])
    return (
        Derivation(
            "softmax_jacobian_diagonal",
            sp.Derivative(yhat[j], z[j]),
            indices=[j],
            title="the diagonal of the softmax Jacobian (i = j)",
        )
        .step(sp.Derivative(ej / _S, z[j]), "definition of softmax")
        .step(
            _frac(sp.Add(_um(ej, _S), _um(-1, ej, ej), evaluate=False), _S**2),
            r"quotient rule, $\partial (\sum_k e^{z_k}) / \partial z_j = e^{z_j}$",
        )
        .step(yhat[j] * (1 - yhat[j]), "definition of softmax")
    )


@cache
def softmax_jacobian_off_diagonal() -> Derivation:
    r"""∂ŷ_i/∂z_j = −ŷ_i ŷ_j for i ≠ j: the off-diagonal entries of the Jacobian.

    Returns
    -------
    Derivation

    Raises
    ------
    None

    Examples
    --------
    >>> softmax_jacobian_off_diagonal().result
    -\hat{y}[i]*\hat{y}[j]
    """
    return (
        Derivation(
            "softmax_jacobian_off_diagonal",
            sp.Derivative(yhat[i], z[j]),
            indices=[i, j],
            given=[distinct(i, j)],
            title="the off-diagonal softmax Jacobian (i ≠ j)",
        )
        .step(sp.Derivative(sp.exp(z[i]) / _S, z[j]), "definition of softmax")
        .step(
            -_um(sp.exp(z[i]), sp.exp(z[j])) / _S**2,
            "quotient rule; $e^{z_i}$ does not depend on $z_j$",
        )
        .step(-yhat[i] * yhat[j], "definition of softmax")
    )


@cache
def softmax_jacobian() -> Derivation:
    r"""∂ŷ_i/∂z_j = ŷ_i (δ_ij − ŷ_j): both cases in one formula (the post's eq-1).

    Returns
    -------
    Derivation

    Raises
    ------
    None

    Examples
    --------
    >>> softmax_jacobian().result == jacobian_n(i, j)
    True
    """
    ei = sp.exp(z[i])
    d = sp.KroneckerDelta(i, j)
    return (
        Derivation(
            "softmax_jacobian",
            sp.Derivative(yhat[i], z[j]),
            indices=[i, j],
            title="the softmax Jacobian with a Kronecker delta",
        )
        .step(
            _frac(sp.Add(_um(d, ei, _S), _um(-1, ei, sp.exp(z[j])), evaluate=False), _S**2),
            r"quotient rule, $\partial e^{z_i} / \partial z_j = \delta_{ij} e^{z_i}$",
        )
        .step(yhat[i] * d - yhat[i] * yhat[j], "definition of softmax")
        .step(jacobian_n(i, j), r"factor out $\hat{y}_i$")
    )


def _J() -> sp.MatrixSymbol:
    return sp.MatrixSymbol("J", n, n)


@cache
def softmax_jacobian_matrix() -> Derivation:
    r"""J = diag(ŷ) − ŷŷᵀ: the Jacobian as a matrix (checked for n = 2..6, entrywise).

    Returns
    -------
    Derivation

    Raises
    ------
    None

    Examples
    --------
    >>> softmax_jacobian_matrix().check().n_concrete
    1
    """
    p = vector(yhat)
    return Derivation(
        "softmax_jacobian_matrix", _J(), title="the softmax Jacobian as a matrix, J_ij = ∂ŷ_i/∂z_j"
    ).step(
        DiagMatrix(p) - p * p.T, r"entry $(i, j)$ is $\hat{y}_i \delta_{ij} - \hat{y}_i \hat{y}_j$"
    )


@cache
def softmax_jacobian_symmetric() -> Derivation:
    r"""∂ŷ_i/∂z_j = ∂ŷ_j/∂z_i: the Jacobian is symmetric.

    Returns
    -------
    Derivation

    Raises
    ------
    None

    Examples
    --------
    >>> softmax_jacobian_symmetric().result
    Derivative(\hat{y}[j], z[i])
    """
    return (
        Derivation(
            "softmax_jacobian_symmetric",
            sp.Derivative(yhat[i], z[j]),
            indices=[i, j],
            title="the softmax Jacobian is symmetric",
        )
        .step(jacobian_n(i, j), "the softmax Jacobian")
        .step(yhat[i] * sp.KroneckerDelta(i, j) - yhat[i] * yhat[j], "expand")
        .step(
            yhat[j] * sp.KroneckerDelta(j, i) - yhat[j] * yhat[i],
            r"$\delta_{ij} \hat{y}_i = \delta_{ij} \hat{y}_j$, $\delta_{ij} = \delta_{ji}$",
        )
        .step(sp.Derivative(yhat[j], z[i]), "the softmax Jacobian with i and j swapped")
    )


@cache
def softmax_jacobian_rows_sum_to_zero() -> Derivation:
    r"""Σ_j ∂ŷ_i/∂z_j = 0: every row of the Jacobian sums to 0.

    Returns
    -------
    Derivation

    Raises
    ------
    None

    Examples
    --------
    >>> softmax_jacobian_rows_sum_to_zero().result
    0
    """
    return (
        Derivation(
            "softmax_jacobian_rows_sum_to_zero",
            sp.Sum(sp.Derivative(yhat[i], z[j]), (j, 1, n)),
            indices=[i],
            title="each row of the softmax Jacobian sums to zero",
        )
        .step(sp.Sum(jacobian_n(i, j), (j, 1, n)), "the softmax Jacobian")
        .step(
            yhat[i] - yhat[i] * sp.Sum(yhat[j], (j, 1, n)),
            r"the sum over $j$ with $\delta_{ij}$ picks $j = i$",
        )
        .step(sp.Integer(0), r"$\sum_j \hat{y}_j = 1$ (softmax sums to one)")
    )


@cache
def softmax_jacobian_null_space() -> Derivation:
    r"""J 1 = 0: the all-ones vector is in the null space, so J is singular (matrix form).

    Returns
    -------
    Derivation

    Raises
    ------
    None

    Examples
    --------
    >>> softmax_jacobian_null_space().check().n_concrete
    3
    """
    p, one = vector(yhat), sp.OneMatrix(n, 1)
    return (
        Derivation(
            "softmax_jacobian_null_space",
            sp.MatMul(_J(), one),
            title="the all-ones vector is in the null space of the Jacobian",
        )
        .step(sp.MatMul(DiagMatrix(p) - p * p.T, one), "the Jacobian as a matrix")
        .step(p - sp.MatMul(p, p.T, one), r"$\operatorname{diag}(\hat{y}) \mathbf{1} = \hat{y}$")
        .step(sp.ZeroMatrix(n, 1), r"$\hat{y}^T \mathbf{1} = \sum_i \hat{y}_i = 1$")
    )


@cache
def softmax_jacobian_psd() -> Derivation:
    r"""vᵀJv = Σ_i ŷ_i v_i² − (Σ_i ŷ_i v_i)² = Σ_i ŷ_i (v_i − Σ_k ŷ_k v_k)² ≥ 0: J is PSD.

    The last expression is the variance of v under the distribution ŷ, hence ≥ 0.

    Returns
    -------
    Derivation

    Raises
    ------
    None

    Examples
    --------
    >>> softmax_jacobian_psd().check().n_general
    4
    """
    quad = sp.Sum(sp.Sum(v[i] * sp.Derivative(yhat[i], z[j]) * v[j], (j, 1, n)), (i, 1, n))
    mean = sp.Sum(yhat[k] * v[k], (k, 1, n))
    return (
        Derivation(
            "softmax_jacobian_psd", quad, title="the quadratic form of the Jacobian is a variance"
        )
        .step(
            sp.Sum(sp.Sum(v[i] * jacobian_n(i, j) * v[j], (j, 1, n)), (i, 1, n)),
            "the softmax Jacobian",
        )
        .step(
            sp.Sum(yhat[i] * v[i] ** 2, (i, 1, n)) - sp.Sum(yhat[i] * v[i], (i, 1, n)) ** 2,
            r"the sum over $j$ with $\delta_{ij}$ picks $j = i$",
        )
        .step(
            sp.Sum(yhat[i] * v[i] ** 2, (i, 1, n)) - mean**2 * sp.Sum(yhat[i], (i, 1, n)),
            r"$\sum_i \hat{y}_i = 1$ (softmax sums to one)",
        )
        .step(
            sp.Sum(yhat[i] * (v[i] - mean) ** 2, (i, 1, n)),
            r"a variance: $\mathbb{E}[v^2] - \mathbb{E}[v]^2 = \mathbb{E}[(v - \mathbb{E}[v])^2]$",
        )
    )


def _chain_sum() -> sp.Expr:
    return sp.Sum(sp.Derivative(E, yhat[i]) * sp.Derivative(yhat[i], z[j]), (i, 1, n))


def _gradient_steps(d: Derivation, *, drop: bool) -> Derivation:
    d.step(_chain_sum(), "chain rule: a vector-Jacobian product, a sum over i")
    d.step(
        sp.Sum(-y[i] / yhat[i] * sp.Derivative(yhat[i], z[j]), (i, 1, n)),
        r"$\partial E / \partial \hat{y}_i = -y_i / \hat{y}_i$",
    )
    d.step(
        sp.Sum(_um(-y[i] / yhat[i], jacobian_n(i, j)), (i, 1, n)), "substitute the softmax Jacobian"
    )
    d.step(
        -sp.Sum(y[i] * sp.KroneckerDelta(i, j), (i, 1, n)) + sp.Sum(y[i] * yhat[j], (i, 1, n)),
        r"cancel $\hat{y}_i$, split the $\delta$ term",
    )
    d.step(
        -y[j] + yhat[j] * sp.Sum(y[i], (i, 1, n)),
        r"the sum with $\delta_{ij}$ picks $i = j$; $\hat{y}_j$ out of the sum",
    )
    if drop:
        d.step(gradient_n(True), "Y is one-hot (assumption dropped)")
    else:
        d.step(gradient_n(True), "the labels sum to one", using=[SUM_Y_IS_ONE])
    return d


@cache
def cross_entropy_gradient() -> Derivation:
    r"""∂E/∂z_j = (Σ_i y_i) ŷ_j − y_j, and = ŷ_j − y_j with Σ y_i = 1 (the post's eq-2, eq-3).

    Step 5 holds for any y; only step 6 uses the explicit assumption Σ y_i = 1.

    Returns
    -------
    Derivation

    Raises
    ------
    None

    Examples
    --------
    >>> d = cross_entropy_gradient()
    >>> d.steps[4].expr, d.result
    (\hat{y}[j]*Sum(y[i], (i, 1, n)) - y[j], \hat{y}[j] - y[j])
    """
    d = Derivation(
        "cross_entropy_gradient",
        sp.Derivative(E, z[j]),
        indices=[j],
        title="the gradient of cross-entropy through softmax",
    )
    return _gradient_steps(d, drop=False)


@cache
def cross_entropy_gradient_direct() -> Derivation:
    r"""∂E/∂z_j computed directly from the log-softmax form of E: (Σ_i y_i) ŷ_j − y_j.

    Returns
    -------
    Derivation

    Raises
    ------
    None

    Examples
    --------
    >>> cross_entropy_gradient_direct().result == gradient_n()
    True
    """
    return (
        Derivation(
            "cross_entropy_gradient_direct",
            sp.Derivative(E, z[j]),
            indices=[j],
            title="the gradient from the log-softmax form, without the Jacobian",
        )
        .step(sp.Derivative(cross_entropy_n("z"), z[j]), "E in log-softmax form")
        .step(
            -sp.Sum(y[i] * (sp.KroneckerDelta(i, j) - sp.exp(z[j]) / _S), (i, 1, n)),
            r"differentiate: $\partial z_i / \partial z_j = \delta_{ij}$, "
            r"$\partial \log \sum_k e^{z_k} / \partial z_j = \hat{y}_j$",
        )
        .step(gradient_n(False), r"the sum with $\delta_{ij}$ picks $i = j$; definition of softmax")
    )


@cache
def cross_entropy_hessian() -> Derivation:
    r"""∂²E/∂z_k∂z_j = (Σ_i y_i) ŷ_j (δ_jk − ŷ_k), and the Jacobian itself with Σ y_i = 1.

    Returns
    -------
    Derivation

    Raises
    ------
    None

    Examples
    --------
    >>> cross_entropy_hessian().result == hessian_n(True)
    True
    """
    sy = sp.Sum(y[i], (i, 1, n))
    return (
        Derivation(
            "cross_entropy_hessian",
            sp.Derivative(E, z[j], z[k]),
            indices=[j, k],
            title="the Hessian of cross-entropy with respect to the logits",
        )
        .step(sp.Derivative(gradient_n(False), z[k]), r"the gradient $\partial E / \partial z_j$")
        .step(_um(sy, sp.Derivative(yhat[j], z[k])), "$y$ does not depend on $z$")
        .step(hessian_n(False), "the softmax Jacobian")
        .step(hessian_n(True), "the labels sum to one", using=[SUM_Y_IS_ONE])
    )


@cache
def cross_entropy_hessian_matrix() -> Derivation:
    r"""H = (Σ y)(diag(ŷ) − ŷŷᵀ) = diag(ŷ) − ŷŷᵀ with Σ y_i = 1 (matrix form, n = 2..6).

    Returns
    -------
    Derivation

    Raises
    ------
    None

    Examples
    --------
    >>> cross_entropy_hessian_matrix().check().n_concrete
    2
    """
    p = vector(yhat)
    jm = DiagMatrix(p) - p * p.T
    return (
        Derivation(
            "cross_entropy_hessian_matrix",
            sp.MatrixSymbol("H", n, n),
            title="the Hessian as a matrix, H_jk = ∂²E/∂z_j∂z_k",
        )
        .step(
            sp.Sum(y[i], (i, 1, n)) * jm,
            r"entry $(j, k)$ is $(\sum_i y_i) \hat{y}_j (\delta_{jk} - \hat{y}_k)$",
        )
        .step(jm, "the labels sum to one", using=[SUM_Y_IS_ONE])
    )


# -- temperature ------------------------------------------------------------------------------

T = sp.Symbol("T", positive=True)
u = _base("u", real=True)
yhat_t = _base(r"\hat{y}^{T}", positive=True)
E_T = sp.Symbol("E_T", real=True)


@cache
def temperature_gradient() -> Derivation:
    r"""∂E_T/∂z_j = (ŷ_j − y_j)/T for E_T = −Σ y_i log softmax(z/T)_i (with Σ y_i = 1).

    Returns
    -------
    Derivation

    Raises
    ------
    None

    Examples
    --------
    >>> temperature_gradient().result
    (\hat{y}^{T}[j] - y[j])/T
    """
    defs = {
        **DEFINITIONS,
        u: lambda a: z[a] / T,
        yhat_t: lambda a: softmax_n(a, dummy=_m if a != _m else _q, logits=u),
        E_T: lambda: -sp.Sum(y[_q] * sp.log(yhat_t[_q]), (_q, 1, n)),
    }
    return (
        Derivation(
            "temperature_gradient",
            sp.Derivative(E_T, z[j]),
            indices=[j],
            definitions=defs,
            title="the gradient of cross-entropy at temperature T",
        )
        .step(
            sp.Sum(sp.Derivative(E_T, u[i]) * sp.Derivative(u[i], z[j]), (i, 1, n)),
            "chain rule through $u_i = z_i / T$",
        )
        .step(
            sp.Sum((yhat_t[i] - y[i]) * sp.KroneckerDelta(i, j) / T, (i, 1, n)),
            r"the gradient $\hat{y} - y$ with respect to $u$; "
            r"$\partial u_i / \partial z_j = \delta_{ij} / T$",
            using=[SUM_Y_IS_ONE],
        )
        .step((yhat_t[j] - y[j]) / T, r"the sum with $\delta_{ij}$ picks $i = j$")
    )


# -- label smoothing ---------------------------------------------------------------------------

#: The margin of the true logit over the others, the smoothing ε and the number of classes.
margin = sp.Symbol("m", real=True)
epsilon = sp.Symbol(r"\varepsilon", positive=True)
n_classes = sp.Symbol("C", integer=True, positive=True)
#: The smoothed cross-entropy as a function of the margin.
E_eps = sp.Symbol(r"E_{\varepsilon}", real=True)
#: The smoothed label of the true class and of every other class: (1 − ε)·y + ε/C.
smoothed_true = 1 - epsilon + epsilon / n_classes
smoothed_other = epsilon / n_classes
#: Softmax of the logits (m, 0, ..., 0): the true class and each of the C − 1 others.
p_true = sp.exp(margin) / (sp.exp(margin) + n_classes - 1)
p_other = 1 / (sp.exp(margin) + n_classes - 1)


@cache
def label_smoothing_margin() -> Derivation:
    r"""dE_ε/dm = p_true − y_ε,true: the smoothed loss as a function of the margin m.

    With logits (m, 0, ..., 0) over C classes and the smoothed label (1 − ε)·y + ε/C, the loss is
    E_ε = −y_true log p_true − (C − 1) y_other log p_other. Checked exactly for symbolic m, ε and
    C (``together`` after ``diff``); setting the result to 0 gives the finite optimal margin.

    Returns
    -------
    Derivation

    Raises
    ------
    None

    Examples
    --------
    >>> sp.solve(sp.Eq(label_smoothing_margin().result, 0), margin)
    [log(-C + C/\varepsilon + 1)]
    """
    defs = {
        E_eps: lambda: (
            -smoothed_true * sp.log(p_true) - (n_classes - 1) * smoothed_other * sp.log(p_other)
        )
    }
    return (
        Derivation(
            "label_smoothing_margin",
            sp.Derivative(E_eps, margin),
            definitions=defs,
            sizes=(),
            general_form="exact (symbolic m, ε, C)",
            title="the smoothed loss against the margin",
        )
        .step(
            -smoothed_true * (1 - p_true) + (n_classes - 1) * smoothed_other * p_true,
            "differentiate both logarithms",
        )
        .step(
            p_true - smoothed_true,
            r"collect terms: $(C - 1)\,\varepsilon / C + y_{\varepsilon,\mathrm{true}} = 1$",
        )
    )


# -- the binary case --------------------------------------------------------------------------

x = sp.Symbol("x", real=True)
#: The binary label (printed y).
y_b = sp.Symbol("y", real=True)
sigma = sp.Function("sigma")
softmax_1 = sp.Function("softmax_1")
L = sp.Symbol("L", real=True)

_BINARY_DEFS: dict[Any, Any] = {
    sigma: lambda a: 1 / (1 + sp.exp(-a)),
    softmax_1: lambda a, b: sp.exp(a) / (sp.exp(a) + sp.exp(b)),
    L: lambda: -y_b * sp.log(sigma(x)) - (1 - y_b) * sp.log(1 - sigma(x)),
}


def _binary(name: str, lhs: Expr, title: str) -> Derivation:
    return Derivation(
        name, lhs, definitions=_BINARY_DEFS, sizes=(), general_form="exact (scalar x)", title=title
    )


@cache
def sigmoid_as_softmax() -> Derivation:
    r"""σ(x) = softmax((x, 0))_1: the sigmoid is the first component of a 2-class softmax.

    Returns
    -------
    Derivation

    Raises
    ------
    None

    Examples
    --------
    >>> sigmoid_as_softmax().result
    softmax_1(x, 0)
    """
    return (
        _binary("sigmoid_as_softmax", sigma(x), "the sigmoid is a two-class softmax")
        .step(1 / (1 + sp.exp(-x)), "definition of the sigmoid")
        .step(sp.exp(x) / (sp.exp(x) + 1), "multiply above and below by $e^x$")
        .step(sp.exp(x) / (sp.exp(x) + sp.exp(0, evaluate=False)), "$1 = e^0$")
        .step(softmax_1(x, 0), "softmax of the logits $(x, 0)$, first component")
    )


@cache
def sigmoid_derivative() -> Derivation:
    r"""dσ/dx = σ(x)(1 − σ(x)).

    Returns
    -------
    Derivation

    Raises
    ------
    None

    Examples
    --------
    >>> sigmoid_derivative().result
    (1 - sigma(x))*sigma(x)
    """
    return (
        _binary("sigmoid_derivative", sp.Derivative(sigma(x), x), "the sigmoid's derivative")
        .step(sp.exp(-x) / (1 + sp.exp(-x)) ** 2, "differentiate $1 / (1 + e^{-x})$")
        .step(_um(1 / (1 + sp.exp(-x)), sp.exp(-x) / (1 + sp.exp(-x))), "split the fraction")
        .step(sigma(x) * (1 - sigma(x)), r"$e^{-x} / (1 + e^{-x}) = 1 - \sigma(x)$")
    )


@cache
def binary_cross_entropy_gradient() -> Derivation:
    r"""dL/dx = σ(x) − y for L = −y log σ(x) − (1 − y) log(1 − σ(x)).

    Returns
    -------
    Derivation

    Raises
    ------
    None

    Examples
    --------
    >>> binary_cross_entropy_gradient().result
    -y + sigma(x)
    """
    s = sigma(x)
    ds = s * (1 - s)
    return (
        _binary(
            "binary_cross_entropy_gradient",
            sp.Derivative(L, x),
            "the gradient of binary cross-entropy with logits",
        )
        .step(
            -y_b * sp.Derivative(s, x) / s + (1 - y_b) * sp.Derivative(s, x) / (1 - s), "chain rule"
        )
        .step(-y_b * ds / s + (1 - y_b) * ds / (1 - s), r"$d\sigma / dx = \sigma (1 - \sigma)$")
        .step(-y_b * (1 - s) + (1 - y_b) * s, "cancel")
        .step(s - y_b, "expand")
    )


@cache
def binary_cross_entropy_second_derivative() -> Derivation:
    r"""d²L/dx² = σ(x)(1 − σ(x)) ≥ 0: binary cross-entropy is convex in the logit.

    Returns
    -------
    Derivation

    Raises
    ------
    None

    Examples
    --------
    >>> binary_cross_entropy_second_derivative().result
    (1 - sigma(x))*sigma(x)
    """
    s = sigma(x)
    return (
        _binary(
            "binary_cross_entropy_second_derivative",
            sp.Derivative(L, (x, 2)),
            "the second derivative of binary cross-entropy",
        )
        .step(sp.Derivative(s - y_b, x), r"the gradient $\sigma(x) - y$")
        .step(s * (1 - s), r"$d\sigma / dx = \sigma (1 - \sigma)$; $y$ does not depend on $x$")
    )


@cache
def binary_cross_entropy_stable_form() -> Derivation:
    r"""L = log1p(e^{−|x|}) + max(x, 0) − x y: the form that never overflows.

    The last step is proved separately for x > 0, x < 0 and x = 0 (logarithms normalised by
    ``together``/``factor``/``expand_log``).

    Returns
    -------
    Derivation

    Raises
    ------
    None

    Examples
    --------
    >>> binary_cross_entropy_stable_form().check().n_general
    3
    """
    lg = sp.log(1 + sp.exp(-x))
    return (
        _binary(
            "binary_cross_entropy_stable_form",
            L,
            "binary cross-entropy with logits in a stable form",
        )
        .step(
            y_b * lg + (1 - y_b) * (x + lg),
            r"$\log \sigma(x) = -\log(1 + e^{-x})$, $\log(1 - \sigma(x)) = -x - \log(1 + e^{-x})$",
        )
        .step(lg + x - x * y_b, "collect terms")
        .step(
            log1p(sp.exp(-sp.Abs(x))) + sp.Max(x, 0) - x * y_b,
            r"for $x < 0$: $\log(1 + e^{-x}) = -x + \log(1 + e^{x})$",
            cases=[case(x, 1), case(x, -1), case(x, 0)],
        )
    )


# -- the linear layer -------------------------------------------------------------------------

#: Batch size, number of features and number of classes of the linear layer.
N, D, C = (sp.Symbol(a, integer=True, positive=True) for a in "NDC")
X = _base("X", real=True)
W = _base("W", real=True)
b = _base("b", real=True)
Y = _base("Y", real=True)
P = _base("P", positive=True)
Zl = _base("Z", real=True)
E_row = _base("E", real=True)
L_batch = sp.Symbol("L", real=True)
_s, _d, _c, _p, _r = (_index(a) for a in "sdcpr")
LINEAR_SIZES: tuple[dict[sp.Symbol, int], ...] = tuple(
    {N: a, D: 2, C: cc} for a, cc in ((2, 2), (2, 3), (3, 2), (3, 3))
)
_ROWS_SUM_TO_ONE = sum_to_one(Y, C, rows=N)

_LINEAR_DEFS: dict[Any, Any] = {
    L_batch: lambda: sp.Sum(E_row[_r], (_r, 1, N)) / N,
    E_row: lambda a: -sp.Sum(Y[a, _q] * sp.log(P[a, _q]), (_q, 1, C)),
    P: lambda a, cc: sp.exp(Zl[a, cc]) / sp.Sum(sp.exp(Zl[a, _m]), (_m, 1, C)),
    Zl: lambda a, cc: sp.Sum(X[a, _p] * W[_p, cc], (_p, 1, D)) + b[cc],
}


def _linear(name: str, lhs: Expr, indices: Mapping[sp.Symbol, Any], title: str) -> Derivation:
    return Derivation(
        name,
        lhs,
        indices=indices,
        definitions=_LINEAR_DEFS,
        sizes=LINEAR_SIZES,
        general_form="general N, D, C",
        concrete_form="(N, D, C) = (2, 2, 2), (2, 2, 3), (3, 2, 2), (3, 2, 3)",
        title=title,
    )


def _row_chain(target: Expr) -> Expr:
    return (
        sp.Sum(
            sp.Sum(
                sp.Derivative(E_row[_s], Zl[_s, k]) * sp.Derivative(Zl[_s, k], target), (k, 1, C)
            ),
            (_s, 1, N),
        )
        / N
    )


@cache
def linear_layer_gradient_w() -> Derivation:
    r"""∂L/∂W_dc = (Xᵀ(P − Y)/N)_dc for L = mean over rows of the cross-entropy of XW + b.

    Returns
    -------
    Derivation

    Raises
    ------
    None

    Examples
    --------
    >>> linear_layer_gradient_w().result
    _Entry(X.T*(P - Y), d, c)/N
    """
    Xm, Pm, Ym = (sp.MatrixSymbol(a, N, cols) for a, cols in (("X", D), ("P", C), ("Y", C)))
    return (
        _linear(
            "linear_layer_gradient_w",
            sp.Derivative(L_batch, W[_d, _c]),
            {_d: D, _c: C},
            "the weight gradient of a linear layer",
        )
        .step(_row_chain(W[_d, _c]), "chain rule through the logits $Z = XW + b$")
        .step(
            sp.Sum(
                sp.Sum((P[_s, k] - Y[_s, k]) * X[_s, _d] * sp.KroneckerDelta(k, _c), (k, 1, C)),
                (_s, 1, N),
            )
            / N,
            r"per row $\partial E_s / \partial Z_{sk} = P_{sk} - Y_{sk}$; "
            r"$\partial Z_{sk} / \partial W_{dc} = X_{sd} \delta_{kc}$",
            using=[_ROWS_SUM_TO_ONE],
        )
        .step(
            sp.Sum(X[_s, _d] * (P[_s, _c] - Y[_s, _c]), (_s, 1, N)) / N,
            r"the sum with $\delta_{kc}$ picks $k = c$",
        )
        .step(_Entry(sp.MatMul(Xm.T, Pm - Ym), _d, _c) / N, "a matrix product", general=False)
    )


@cache
def linear_layer_gradient_b() -> Derivation:
    r"""∂L/∂b_c = (1/N) Σ_s (P_sc − Y_sc): the bias gradient is the mean of P − Y over rows.

    Returns
    -------
    Derivation

    Raises
    ------
    None

    Examples
    --------
    >>> linear_layer_gradient_b().check().n_steps
    3
    """
    return (
        _linear(
            "linear_layer_gradient_b",
            sp.Derivative(L_batch, b[_c]),
            {_c: C},
            "the bias gradient of a linear layer",
        )
        .step(_row_chain(b[_c]), "chain rule through the logits $Z = XW + b$")
        .step(
            sp.Sum(sp.Sum((P[_s, k] - Y[_s, k]) * sp.KroneckerDelta(k, _c), (k, 1, C)), (_s, 1, N))
            / N,
            r"per row $\partial E_s / \partial Z_{sk} = P_{sk} - Y_{sk}$; "
            r"$\partial Z_{sk} / \partial b_c = \delta_{kc}$",
            using=[_ROWS_SUM_TO_ONE],
        )
        .step(
            sp.Sum(P[_s, _c] - Y[_s, _c], (_s, 1, N)) / N,
            r"the sum with $\delta_{kc}$ picks $k = c$",
        )
    )


# -- the post's mistakes ----------------------------------------------------------------------


@cache
def wrong_jacobian_diagonal_only() -> Derivation:
    r"""WRONG on purpose: the diagonal entry ŷ_i(1 − ŷ_i) used for every entry of the Jacobian.

    ``check()`` raises :class:`DerivationError` naming step 2.

    Returns
    -------
    Derivation

    Raises
    ------
    None

    Examples
    --------
    >>> wrong_jacobian_diagonal_only().try_check().where
    'n=2, i=1, j=2'
    """
    return (
        Derivation(
            "wrong_jacobian_diagonal_only",
            sp.Derivative(yhat[i], z[j]),
            indices=[i, j],
            title="the common mistake: keeping only the diagonal of the Jacobian",
        )
        .step(jacobian_n(i, j), "the softmax Jacobian")
        .step(yhat[i] * (1 - yhat[i]), "the diagonal entry used for every entry")
    )


@cache
def wrong_gradient_drops_sum_to_one() -> Derivation:
    r"""WRONG on purpose: the gradient's last step taken without the assumption Σ y_i = 1.

    ``check()`` raises :class:`DerivationError` naming step 6, residual (Σ_i y_i − 1) ŷ_j.

    Returns
    -------
    Derivation

    Raises
    ------
    None

    Examples
    --------
    >>> print(wrong_gradient_drops_sum_to_one().try_check().residual_latex())
    \hat{y}_{j} \left(1 - \sum_{i=1}^{n} y_{i}\right)
    """
    d = Derivation(
        "wrong_gradient_drops_sum_to_one",
        sp.Derivative(E, z[j]),
        indices=[j],
        title="the post's last step, without stating Σ y_i = 1",
    )
    return _gradient_steps(d, drop=True)


def _others(expr: Expr) -> sp.Sum:
    """Σ_{i ≠ j} expr, written as Σ_i (1 − δ_ij) expr so that it is checkable for general n."""
    return sp.Sum(_um(1 - sp.KroneckerDelta(i, j), expr), (i, 1, n))


@cache
def post_gradient() -> Derivation:
    r"""∂E/∂z_j derived along the original post's lines, with every index written out.

    The same route as the post ("Softmax and Cross-entropy", 2019): the chain rule, eq-2, the two
    cases of the Jacobian (eq-1), then collecting terms. The sum over the classes i ≠ j is written
    :math:`\sum_i (1 - \delta_{ij})(\dots)`. Steps checked by ``expand`` after ``deltasummation``;
    the last uses :data:`SUM_Y_IS_ONE`. :func:`post_comparison` sets each step beside the post's
    line.

    Returns
    -------
    Derivation

    Raises
    ------
    None

    Examples
    --------
    >>> d = post_gradient()
    >>> len(d.steps), d.result
    (9, \hat{y}[j] - y[j])
    """
    return (
        Derivation(
            "post_gradient",
            sp.Derivative(E, z[j]),
            indices=[j],
            title="the gradient along the post's route, indices written out",
        )
        .step(_chain_sum(), r"chain rule: the post's $\cdot$ is a sum over $i$")
        .step(
            sp.Sum(_um(-y[i] / yhat[i], sp.Derivative(yhat[i], z[j])), (i, 1, n)),
            r"$\partial E / \partial \hat{y}_i = -y_i / \hat{y}_i$ (eq-2)",
        )
        .step(
            sp.Sum(_um(-y[i] / yhat[i], jacobian_n(i, j)), (i, 1, n)),
            "substitute the softmax Jacobian (eq-1)",
        )
        .step(
            _um(-y[j] / yhat[j], yhat[j] * (1 - yhat[j]))
            + _others(_um(-y[i] / yhat[i], -yhat[i] * yhat[j])),
            r"eq-1: the term $i = j$, and the terms $i \neq j$",
        )
        .step(
            -y[j] * (1 - yhat[j]) + _others(y[i] * yhat[j]),
            r"cancel $\hat{y}_j$ and $\hat{y}_i$",
        )
        .step(
            -y[j] + y[j] * yhat[j] + _others(y[i] * yhat[j]),
            "expand",
        )
        .step(
            yhat[j] * (y[j] + _others(y[i])) - y[j],
            r"take $\hat{y}_j$ out",
        )
        .step(
            yhat[j] * sp.Sum(y[i], (i, 1, n)) - y[j],
            r"$y_j$ and the labels $y_i$, $i \neq j$, are all the labels",
        )
        .step(gradient_n(True), "the labels sum to one", using=[SUM_Y_IS_ONE])
    )


#: The post's lines for ∂E/∂logits, as published (quoted, not derived; Markdown with ``$...$``),
#: each with what the checked line beside it changes. One entry per step of :func:`post_gradient`.
POST_GRADIENT_LINES: tuple[tuple[str, str], ...] = (
    (
        r"$\frac{\partial E}{\partial logits} = \frac{\partial E}{\partial \hat{Y}}"
        r" . \frac{\partial \hat{Y}}{\partial logits}$",
        r"The dot hides a sum: $E$ depends on $z_j$ through every $\hat y_i$.",
    ),
    (
        r"$\frac{\partial E}{\partial logits} = -\frac{y}{\hat{y}}"
        r" . \frac{\partial \hat{Y}}{\partial logits}$ (eq-2)",
        r"eq-2 with its index: $-y_i/\hat y_i$ sits inside the sum over $i$.",
    ),
    (
        r"$= -\frac{y}{\hat{y}}.\begin{Bmatrix} softmax_i(1-softmax_j) & i= j \\"
        r" {-softmax_j}.{softmax_i} & i\neq j \end{Bmatrix}$",
        r"eq-1 substituted, its two cases written as one with $\delta_{ij}$.",
    ),
    (
        r"$= -\frac{y}{\hat{y}}.\hat{y_t}.(1-\hat{y_t}) + \sum_{i\neq j}"
        r"(\frac{-y_t}{\hat{y_t}})(-\hat{y_t}\hat{y_t})$",
        r"The post writes $t$ for both $i$ and $j$: its term $\hat y_t \hat y_t$ must be"
        r" $\hat y_i \hat y_j$, and $y_t/\hat y_t$ under the sum must be $y_i/\hat y_i$.",
    ),
    (
        r"$= -y.(1-\hat{y_t}) + \sum_{i\neq j}y_t.\hat{y_t}$",
        r"Under the sum the label is $y_i$ and the probability $\hat y_j$: different"
        r" classes.",
    ),
    (
        r"$= -y+y.\hat{y_t} + \sum_{i\neq j}y_t.\hat{y_t}$",
        r"The same indices as the line before.",
    ),
    (
        r"$= \hat{y_t}.(y + \sum_{i\neq j}y_t) -y$",
        r"$\hat y_j$ comes out of every term, so the sum adds the labels $y_i$.",
    ),
    (
        r"Since Y is a one hot vector, the term $(y + \sum_{i\neq j}y_t)$ sums up to one.",
        r"The bracket is $\sum_i y_i$ for any label; nothing about $y$ is assumed yet.",
    ),
    (
        r"$= (\hat{y_t} -y)$ (eq-3)",
        r"Only $\sum_i y_i = 1$ is used: one-hot labels satisfy it, and so do soft and"
        r" smoothed ones.",
    ),
)


@dataclass(frozen=True)
class Comparison:
    """Quoted lines beside the checked steps of a derivation, shown as a MyST admonition.

    Attributes
    ----------
    derivation : Derivation
        The checked derivation; its steps fill the middle column.
    lines : tuple of (str, str)
        Per step: the quoted line and a note (Markdown, math in ``$...$``).
    """

    derivation: Derivation
    lines: tuple[tuple[str, str], ...]

    def rows(self) -> list[tuple[str, str, str]]:
        """The table's rows: (quoted line, checked step as ``$...$``, note), one per step.

        Returns
        -------
        list of tuple of str

        Raises
        ------
        DerivationError
            If the derivation does not check.
        ValueError
            If the number of lines differs from the number of steps.

        Examples
        --------
        >>> rows = post_comparison().rows()
        >>> len(rows), rows[-1][1]
        (9, '$= \\\\hat{y}_{j} - y_{j}$')
        """
        self.derivation.check()
        if len(self.lines) != len(self.derivation.steps):
            raise ValueError(
                f"lines: {len(self.lines)} quoted lines for "
                f"{len(self.derivation.steps)} steps of {self.derivation.name!r}"
            )
        rows = []
        for number, (step, (quoted, note)) in enumerate(
            zip(self.derivation.steps, self.lines, strict=True), start=1
        ):
            left = latex(self.derivation.lhs) + " " if number == 1 else ""
            rows.append((quoted, f"${left}= {latex(step.expr)}$", note))
        return rows

    def __repr__(self) -> str:
        return f"<Comparison of {len(self.lines)} quoted lines with {self.derivation!r}>"

    def _repr_markdown_(self) -> str:
        out = [
            ":::{admonition} The post's lines beside the checked ones",
            ":class: tip",
            "",
        ]
        for number, (quoted, checked, note) in enumerate(self.rows(), start=1):
            out += [
                f"{number}. **The post:** {quoted}",
                "",
                "   **Checked:**",
                "",
                "   $$",
                f"   {checked[1:-1]}",
                "   $$",
                "",
                f"   {note}",
                "",
            ]
        out.append(":::")
        return "\n".join(out)


def post_comparison() -> Comparison:
    """The post's lines for the gradient beside the checked steps of :func:`post_gradient`.

    Returns
    -------
    Comparison
        Renders in a notebook as a numbered list: the post's line, the checked line, what changed.

    Raises
    ------
    DerivationError
        When rendered, if :func:`post_gradient` does not check.

    Examples
    --------
    >>> print(post_comparison()._repr_markdown_().splitlines()[0])
    :::{admonition} The post's lines beside the checked ones
    """
    return Comparison(post_gradient(), POST_GRADIENT_LINES)


# --------------------------------------------------------------------------------------------
# Registry
# --------------------------------------------------------------------------------------------

_BOOK = (
    softmax_shift_invariance,
    softmax_jacobian_diagonal,
    softmax_jacobian_off_diagonal,
    softmax_jacobian,
    softmax_jacobian_matrix,
    softmax_jacobian_symmetric,
    softmax_jacobian_rows_sum_to_zero,
    softmax_jacobian_null_space,
    softmax_jacobian_psd,
    cross_entropy_gradient,
    cross_entropy_gradient_direct,
    post_gradient,
    cross_entropy_hessian,
    cross_entropy_hessian_matrix,
    temperature_gradient,
    label_smoothing_margin,
    sigmoid_as_softmax,
    sigmoid_derivative,
    binary_cross_entropy_gradient,
    binary_cross_entropy_second_derivative,
    binary_cross_entropy_stable_form,
    linear_layer_gradient_w,
    linear_layer_gradient_b,
)


def all_derivations() -> dict[str, Derivation]:
    """Every derivation the book shows (the correct ones), by name, in reading order.

    Returns
    -------
    dict of str to Derivation
        The same (cached) objects on every call, so each is checked once per process.

    Raises
    ------
    None

    Examples
    --------
    >>> "cross_entropy_gradient" in all_derivations()
    True
    """
    return {f.__name__: f() for f in _BOOK}


def wrong_derivations() -> dict[str, Derivation]:
    """The deliberately wrong derivations (the post's mistakes), by name.

    Returns
    -------
    dict of str to Derivation

    Raises
    ------
    None

    Examples
    --------
    >>> sorted(wrong_derivations())
    ['wrong_gradient_drops_sum_to_one', 'wrong_jacobian_diagonal_only']
    """
    return {
        f.__name__: f() for f in (wrong_jacobian_diagonal_only, wrong_gradient_drops_sum_to_one)
    }


def check_all(derivations: Mapping[str, Derivation] | None = None) -> dict[str, CheckRecord]:
    """Check every derivation (default: :func:`all_derivations`).

    Parameters
    ----------
    derivations : mapping of str to Derivation, optional

    Returns
    -------
    dict of str to CheckRecord

    Raises
    ------
    DerivationError
        At the first derivation that does not check.

    Examples
    --------
    >>> len(check_all()) == len(all_derivations())
    True
    """
    derivations = all_derivations() if derivations is None else derivations
    return {name: d.check() for name, d in derivations.items()}


def summary(derivations: Mapping[str, Derivation] | None = None) -> str:
    """One sentence stating how many steps were checked, in which forms, and the time.

    Parameters
    ----------
    derivations : mapping of str to Derivation, optional
        Default :func:`all_derivations`.

    Returns
    -------
    str

    Raises
    ------
    DerivationError
        If a derivation does not check.

    Examples
    --------
    >>> summary()  # doctest: +ELLIPSIS
    '... steps in ... derivations: ... proved in general form ..., ... for every concrete size ...'
    """
    recs = check_all(derivations)
    steps = sum(r.n_steps for r in recs.values())
    general = sum(r.n_general for r in recs.values())
    concrete = sum(r.n_concrete for r in recs.values())
    instances = sum(s.checks for r in recs.values() for s in r.steps)
    seconds = sum(r.seconds for r in recs.values())
    return (
        f"{steps} steps in {len(recs)} derivations: {general} proved in general form "
        f"(general n, or exact for the scalar binary case), {concrete} for every concrete "
        f"size (n = 2..6; linear layer (N, D, C) up to (3, 2, 3)), {instances} concrete "
        f"instances reduced to 0, in {seconds:.1f} s"
    )
