"""Speed of the fused cross-entropy loss and gradient, float32, one thread.

Times, in one run, sce.cross_entropy_and_grad against the original post's approach (softmax, then
-y*log(p) with one-hot labels, then p - y), SciPy (scipy.special.log_softmax, then exp for the
gradient), PyTorch (F.cross_entropy(...).backward(), one thread) and JAX (jit of value_and_grad)
when installed, for C in {10, 1000, 32000} with about 4 million logits each. The implementations
are timed round-robin (one call of each per round) so that a change in the machine's load hits
all of them alike; the figures are medians over the rounds and the ratios are ratios of medians.
Writes benchmarks/results/bench_cross_entropy.json (schema in benchmarks/README.md).

Usage: python benchmarks/bench_cross_entropy.py [--quick] [--rounds R] [--out PATH]
For NumPy's own kernels, run it with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset.
"""

from __future__ import annotations

import json
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np
import scipy
import scipy.special
from _cli import output_path, parser

import sce

try:  # optional, never a requirement
    import torch
    import torch.nn.functional as F

    torch.set_num_threads(1)
except ImportError:  # pragma: no cover - depends on the machine
    torch = None

try:  # optional, never a requirement
    import jax
    import jax.numpy as jnp

    jax.config.update("jax_platforms", "cpu")
except ImportError:  # pragma: no cover - depends on the machine
    jax = None


def make_impls(z, y, onehot):
    n = z.shape[0]
    rows = np.arange(n)

    def sce_fused():
        return sce.cross_entropy_and_grad(z, y)

    def post():
        e = np.exp(z - z.max(axis=1, keepdims=True))
        p = e / e.sum(axis=1, keepdims=True)
        with np.errstate(divide="ignore", invalid="ignore"):
            loss = -(onehot * np.log(p)).sum() / n
        return loss, (p - onehot) / n

    def scipy_impl():
        lp = scipy.special.log_softmax(z, axis=1)
        loss = -lp[rows, y].mean()
        g = np.exp(lp)
        g[rows, y] -= 1
        g /= n
        return loss, g

    impls = {"sce": sce_fused, "post": post, "scipy": scipy_impl}

    if torch is not None:
        yt = torch.from_numpy(y)

        def torch_impl():
            x = torch.from_numpy(z).requires_grad_(True)
            loss = F.cross_entropy(x, yt)
            loss.backward()
            return loss.item(), x.grad.numpy()

        impls["torch"] = torch_impl

    if jax is not None:

        def loss_fn(x, yy):
            lp = jax.nn.log_softmax(x, axis=1)
            return -jnp.take_along_axis(lp, yy[:, None], axis=1).mean()

        vg = jax.jit(jax.value_and_grad(loss_fn))
        zj, yj = jnp.asarray(z), jnp.asarray(y)

        def jax_impl():
            loss, g = vg(zj, yj)
            g.block_until_ready()
            return float(loss), g

        impls["jax"] = jax_impl
    return impls


def bench_case(C, n, rounds, rng):
    z = (rng.standard_normal((n, C), dtype=np.float32) * 3).astype(np.float32)
    y = rng.integers(0, C, n)
    onehot = np.zeros((n, C), np.float32)
    onehot[np.arange(n), y] = 1
    impls = make_impls(z, y, onehot)
    ref_loss, ref_grad = impls["sce"]()
    check = {}
    for name, f in impls.items():  # warm up, and check every one computes the same thing
        loss, grad = f()
        check[name] = float(np.max(np.abs(np.asarray(grad) - ref_grad)))
        if abs(float(loss) - float(ref_loss)) > 1e-4 * abs(float(ref_loss)):
            raise SystemExit(f"{name}: loss {float(loss)} differs from sce's {float(ref_loss)}")
    times = {name: [] for name in impls}
    for _ in range(rounds):
        for name, f in impls.items():
            t0 = time.perf_counter()
            f()
            times[name].append(time.perf_counter() - t0)
    med = {name: float(np.median(ts)) * 1e3 for name, ts in times.items()}
    ratios = {name: med["sce"] / med[name] for name in impls if name != "sce"}
    return {
        "C": C,
        "N": n,
        "dtype": "float32",
        "rounds": rounds,
        "median_ms": med,
        "sce_time_ratio": ratios,
        "max_abs_grad_diff_vs_sce": check,
    }


def main(argv=None):
    ap = parser(__doc__, "a fast smoke run: small arrays")
    ap.add_argument("--rounds", type=int, default=None, help="timing rounds (default 31)")
    args = ap.parse_args(argv)
    args.out = output_path(args, "bench_cross_entropy")
    rounds = args.rounds or (5 if args.quick else 31)
    elements = 2**18 if args.quick else 4096 * 1000
    if torch is None:
        print("torch: not installed, skipped (optional)")
    if jax is None:
        print("jax: not installed, skipped (optional)")
    env = {k: os.environ.get(k) for k in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")}
    print(f"float32, one thread, {rounds} rounds; environment {env}")
    rng = np.random.default_rng(0)
    cases = []
    for C in (10, 1000, 32000):
        n = max(1, elements // C)
        case = bench_case(C, n, rounds, rng)
        cases.append(case)
        med = case["median_ms"]
        print(f"\nC={C:<6} N={n:<7}" + "".join(f"{k}={v:.2f} ms  " for k, v in med.items()))
        print(
            "  sce time / other: "
            + "  ".join(f"{k}={v:.2f}x" for k, v in case["sce_time_ratio"].items())
        )
    doc = {
        "description": "Medians of one run; sce_time_ratio = sce median / other median",
        "machine": {
            "platform": platform.platform(),
            "processor": platform.processor(),
            "cpu_count": os.cpu_count(),
            "load_average": list(os.getloadavg()),
        },
        "versions": {
            "python": platform.python_version(),
            "numpy": np.__version__,
            "scipy": scipy.__version__,
            "torch": None if torch is None else torch.__version__,
            "jax": None if jax is None else jax.__version__,
        },
        "environment": env,
        "quick": args.quick,
        "cases": cases,
    }
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(doc, indent=1) + "\n")
    print(f"\nwrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
