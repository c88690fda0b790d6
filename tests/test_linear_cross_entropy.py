"""The linear layer's cross-entropy without the logits equals the materialised route."""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest

import sce
from sce import gradcheck


def case(seed: int, dtype=np.float64, n=37, d=5, v=11, bias=True):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, d)).astype(dtype)
    w = rng.normal(size=(v, d)).astype(dtype)
    b = rng.normal(size=v).astype(dtype) if bias else None
    t = rng.integers(0, v, size=n)
    t[::7] = -100
    return x, w, b, t


def materialised(x, w, b, t, **kw):
    """The reference: the full float64 logits, then sce's fused loss and gradient, then products."""
    x64, w64 = x.astype(np.float64), w.astype(np.float64)
    z = x64 @ w64.T + (0.0 if b is None else b.astype(np.float64))
    loss, g = sce.cross_entropy_and_grad(z, t, **kw)
    if kw.get("reduction") == "none":
        pass  # g is the gradient of the sum of the per-sample losses
    return loss, g @ w64, g.T @ x64, None if b is None else g.sum(axis=0)


KEYWORDS = [
    {},
    {"reduction": "sum"},
    {"reduction": "none"},
    {"weight": np.linspace(0.5, 2.0, 11)},
    {"label_smoothing": 0.1},
    {"weight": np.linspace(0.5, 2.0, 11), "label_smoothing": 0.2, "reduction": "mean"},
    {"ignore_index": 3},
]


@pytest.mark.parametrize("kw", KEYWORDS)
@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("chunk", [1, 4, 37, 100, None])
def test_values_equal_the_materialised_route(kw, bias, chunk) -> None:
    x, w, b, t = case(len(str(kw)) + chunk if chunk else 3, bias=bias)
    t = np.where(t == -100, kw.get("ignore_index", -100), t)
    loss, gx, gw, gb = sce.linear_cross_entropy_and_grad(
        x, w, t, linear_bias=b, chunk_size=chunk, **kw
    )
    ref = materialised(x, w, b, t, **kw)
    np.testing.assert_allclose(loss, ref[0], rtol=1e-13)
    for got, want in zip((gx, gw), ref[1:3], strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-14 * np.abs(want).max())
    assert (gb is None) == (b is None)
    if b is not None:
        np.testing.assert_allclose(gb, ref[3], rtol=1e-12, atol=1e-14)
    alone = sce.linear_cross_entropy(x, w, t, linear_bias=b, chunk_size=chunk, **kw)
    np.testing.assert_allclose(alone, loss, rtol=1e-14)


@pytest.mark.parametrize("kw", KEYWORDS[:5])
def test_float32_stays_float32_within_its_bounds(kw) -> None:
    x, w, b, t = case(11, np.float32, n=64, d=16, v=200)
    kw = {k: (np.linspace(0.5, 2.0, 200) if k == "weight" else v) for k, v in kw.items()}
    loss, gx, gw, gb = sce.linear_cross_entropy_and_grad(x, w, t, linear_bias=b, chunk_size=9, **kw)
    assert all(a.dtype == np.float32 for a in (np.asarray(loss), gx, gw, gb))
    ref = materialised(x, w, b, t, **kw)
    kept = np.asarray(ref[0]) != 0  # ignored samples contribute exactly 0
    rel = np.abs(np.asarray(loss, np.float64) - ref[0])[kept] / np.abs(ref[0])[kept]
    assert np.max(rel) < 1e-6
    for got, want in zip((gx, gw, gb), ref[1:], strict=True):
        assert np.abs(got - want).max() / np.abs(want).max() < 1e-5


def test_gradients_match_finite_differences() -> None:
    x, w, b, t = case(5, n=6, d=3, v=4)

    def loss_of(flat):
        xx = flat[:18].reshape(6, 3)
        ww = flat[18:30].reshape(4, 3)
        return sce.linear_cross_entropy(xx, ww, t, linear_bias=flat[30:], chunk_size=4)

    _, gx, gw, gb = sce.linear_cross_entropy_and_grad(x, w, t, linear_bias=b, chunk_size=4)
    point = np.concatenate([x.ravel(), w.ravel(), b])
    numeric = gradcheck.numerical_gradient(loss_of, point)
    np.testing.assert_allclose(np.concatenate([gx.ravel(), gw.ravel(), gb]), numeric, atol=1e-8)


def test_peak_memory_is_a_few_percent_of_the_logits() -> None:
    """N = 256, V = 8,192 float32 in blocks of N/64 rows: the default's ratio at N = 2,048."""
    x, w, b, t = case(2, np.float32, n=256, d=32, v=8192)
    logits_bytes = 256 * 8192 * 4
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    out = sce.linear_cross_entropy_and_grad(x, w, t, linear_bias=b, chunk_size=4)
    peak = tracemalloc.get_traced_memory()[1] - base
    tracemalloc.stop()
    outputs = sum(a.nbytes for a in out[1:])
    assert (peak - outputs) / logits_bytes <= 0.05, (peak - outputs) / logits_bytes


def test_the_default_block_fits_the_budget() -> None:
    x, w, _, t = case(3, np.float32, n=40, d=4, v=65536)
    tracemalloc.start()
    out = sce.linear_cross_entropy_and_grad(x, w, t)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    outputs = sum(a.nbytes for a in out[1:] if a is not None)
    assert peak - outputs <= 2.5 * sce.linear_cross_entropy.__globals__["DEFAULT_BLOCK_BYTES"]


def test_inputs_are_not_modified() -> None:
    x, w, b, t = case(4)
    copies = [a.copy() for a in (x, w, b, t)]
    sce.linear_cross_entropy_and_grad(x, w, t, linear_bias=b, chunk_size=5)
    assert all(np.array_equal(a, c) for a, c in zip((x, w, b, t), copies, strict=True))


@pytest.mark.parametrize(
    ("change", "error", "match"),
    [
        ({"linear_weight": np.zeros((4, 6))}, ValueError, "D = 6 columns but input has D = 3"),
        ({"linear_weight": np.zeros((4, 3), np.float32)}, TypeError, "linear_weight is float32"),
        ({"linear_bias": np.zeros(5)}, ValueError, r"linear_bias must have shape \(4,\)"),
        ({"target": np.array([0, 1, 9, 0, 1, 2])}, ValueError, "target"),
        ({"target": np.zeros(6)}, TypeError, "target must be integer"),
        ({"chunk_size": 0}, ValueError, "chunk_size must be positive"),
        ({"chunk_size": 2.0}, TypeError, "chunk_size must be an int"),
        ({"input": np.zeros((6, 3), np.int64)}, TypeError, "input must be float32 or float64"),
        ({"reduction": "avg"}, ValueError, "reduction"),
    ],
)
def test_bad_input_is_named(change, error, match) -> None:
    x, w, b, t = case(5, n=6, d=3, v=4)
    args = {"input": x, "linear_weight": w, "target": t, "linear_bias": b} | change
    with pytest.raises(error, match=match):
        sce.linear_cross_entropy_and_grad(**args)
    with pytest.raises(error, match=match):
        sce.linear_cross_entropy(**args)


def test_the_tests_run_blas_on_one_thread() -> None:
    """The plugin ``one_blas_thread`` took effect before NumPy loaded OpenBLAS."""
    import os

    assert os.environ["OPENBLAS_NUM_THREADS"] == "1"
