"""Speed of the fused cross-entropy loss and gradient, float32, one thread.

Times, in one run, sce.cross_entropy_and_grad against the original post's approach (softmax, then
-y*log(p) with one-hot labels, then p - y), SciPy (scipy.special.log_softmax, then exp for the
gradient), PyTorch (F.cross_entropy(...).backward(), one thread) and JAX (jit of value_and_grad)
when installed, for C from 10 to 32000 with about 4 million logits each, beside the floor: one
np.exp over the same logits into a buffer (one exp per logit, one read, one write). The
implementations are timed round-robin (one call of each per round) so that a change in the
machine's load hits all of them alike; the figures are medians over the rounds and the ratios are
ratios of medians. The whole measurement is repeated (--runs, default 2) and every run is kept.
Once more, in a subprocess with NumPy's SIMD dispatch switched off (NPY_DISABLE_CPU_FEATURES), sce
and the floor are timed alone, to show what SIMD buys.

Writes benchmarks/results/bench_cross_entropy-MACHINE.json (schema in benchmarks/README.md); the
machine's name is --machine, by default the CPU model and the SIMD level NumPy dispatches to.

Usage: python benchmarks/bench_cross_entropy.py [--quick] [--rounds R] [--runs K]
       [--machine NAME] [--out PATH]
For NumPy's own kernels, run it with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset. To emulate a
CPU without AVX-512 on one that has it:
  NPY_DISABLE_CPU_FEATURES="X86_V4 AVX512_ICL AVX512_SPR" ATEN_CPU_CAPABILITY=avx2 python ...
"""

from __future__ import annotations

import json
import os
import platform
import re
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import scipy
import scipy.special
from _cli import output_path, parser
from numpy._core import _multiarray_umath as _umath

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


CLASSES = (10, 30, 100, 300, 1000, 3000, 32000)


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:  # pragma: no cover - not Linux
        pass
    return platform.processor() or platform.machine()


def numpy_simd() -> dict:
    """What NumPy dispatches to here: its baseline, and the dispatch targets this CPU runs
    (after NPY_DISABLE_CPU_FEATURES)."""
    feats = _umath.__cpu_features__
    return {
        "baseline": list(_umath.__cpu_baseline__),
        "dispatched": [t for t in _umath.__cpu_dispatch__ if feats.get(t)],
        "cpu_features": sorted(k for k, v in feats.items() if v),
    }


def default_machine() -> str:
    level = "AVX-512" if "X86_V4" in numpy_simd()["dispatched"] else "AVX2"
    if "X86_V3" not in numpy_simd()["dispatched"]:
        level = "no AVX"
    return f"{cpu_model()}, {level}"


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def make_impls(z, y, onehot):
    n = z.shape[0]
    rows = np.arange(n)
    buf = np.empty_like(z)

    def sce_fused():
        return sce.cross_entropy_and_grad(z, y)

    def floor():  # one exp per logit, one read, one write: the wall
        return np.exp(z, out=buf)

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

    impls = {"sce": sce_fused, "floor": floor, "post": post, "scipy": scipy_impl}

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


def bench_case(C, n, rounds, rng, only=None):
    z = (rng.standard_normal((n, C), dtype=np.float32) * 3).astype(np.float32)
    y = rng.integers(0, C, n)
    onehot = np.zeros((n, C), np.float32)
    onehot[np.arange(n), y] = 1
    impls = make_impls(z, y, onehot)
    if only:
        impls = {k: f for k, f in impls.items() if k in only}
    ref_loss, ref_grad = impls["sce"]()
    check = {}
    for name, f in impls.items():  # warm up, and check every one computes the same thing
        out = f()
        if name == "floor":
            continue
        loss, grad = out
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
    ratios = {name: med["sce"] / med[name] for name in impls if name not in ("sce", "floor")}
    return {
        "C": C,
        "N": n,
        "dtype": "float32",
        "rounds": rounds,
        "median_ms": med,
        "sce_time_ratio": ratios,
        "floor_multiple": {k: v / med["floor"] for k, v in med.items() if k != "floor"},
        "max_abs_grad_diff_vs_sce": check,
    }


def run_cases(rounds, elements, seed, only=None, say=print):
    rng = np.random.default_rng(seed)
    cases = []
    for C in CLASSES:
        n = max(1, elements // C)
        case = bench_case(C, n, rounds, rng, only)
        cases.append(case)
        med = case["median_ms"]
        say(f"C={C:<6} N={n:<7}" + "".join(f"{k}={v:.2f} ms  " for k, v in med.items()))
        say(
            "  sce time / other: "
            + "  ".join(f"{k}={v:.2f}x" for k, v in case["sce_time_ratio"].items())
            + f"  floor multiple {case['floor_multiple']['sce']:.2f}"
        )
    return cases


def without_simd(rounds, elements, seed):
    """sce and the floor once more in a subprocess whose NumPy dispatches to its baseline only."""
    targets = " ".join(_umath.__cpu_dispatch__)
    env = dict(os.environ, NPY_DISABLE_CPU_FEATURES=targets)
    code = (
        "import json, sys; sys.path.insert(0, sys.argv[1]); import bench_cross_entropy as b; "
        f"print(json.dumps({{'simd': b.numpy_simd(), 'cases': b.run_cases({rounds}, {elements}, "
        f"{seed}, only=('sce', 'floor'), say=lambda *a: None)}}))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(Path(__file__).parent)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    doc = json.loads(out.stdout.strip().splitlines()[-1])
    doc["NPY_DISABLE_CPU_FEATURES"] = targets
    return doc


def main(argv=None):
    ap = parser(__doc__, "a fast smoke run: small arrays")
    ap.add_argument("--rounds", type=int, default=None, help="timing rounds (default 31)")
    ap.add_argument("--runs", type=int, default=2, help="whole measurements kept (default 2)")
    ap.add_argument("--machine", default=None, help="the machine's name, in the file name too")
    args = ap.parse_args(argv)
    machine = args.machine or default_machine()
    args.out = output_path(args, f"bench_cross_entropy-{slug(machine)}")
    rounds = args.rounds or (5 if args.quick else 31)
    elements = 2**18 if args.quick else 4096 * 1000
    if torch is None:
        print("torch: not installed, skipped (optional; make bench installs it)")
    if jax is None:
        print("jax: not installed, skipped (optional)")
    env = {
        k: os.environ.get(k)
        for k in (
            "OPENBLAS_CORETYPE",
            "OPENBLAS_L2_SIZE",
            "NPY_DISABLE_CPU_FEATURES",
            "ATEN_CPU_CAPABILITY",
        )
    }
    simd = numpy_simd()
    print(f"machine: {machine}; NumPy dispatches to {simd['dispatched']}")
    if torch is not None:
        print(f"PyTorch CPU capability: {torch.backends.cpu.get_cpu_capability()}")
    print(f"float32, one thread, {rounds} rounds, {args.runs} runs; environment {env}")
    runs = []
    for k in range(args.runs):
        print(f"\nrun {k + 1} of {args.runs}")
        runs.append(
            {"load_average": list(os.getloadavg()), "cases": run_cases(rounds, elements, k)}
        )
    print("\nonce more without SIMD (NPY_DISABLE_CPU_FEATURES), sce and the floor only")
    no_simd = without_simd(max(3, rounds // 3), elements, 0)
    for case, base in zip(no_simd["cases"], runs[0]["cases"], strict=True):
        case["slowdown_vs_simd"] = {
            k: case["median_ms"][k] / base["median_ms"][k] for k in ("sce", "floor")
        }
        print(
            f"C={case['C']:<6} sce {case['median_ms']['sce']:.2f} ms "
            f"({case['slowdown_vs_simd']['sce']:.2f}x the SIMD run), "
            f"floor {case['median_ms']['floor']:.2f} ms"
        )
    doc = {
        "description": (
            "Medians of each run; sce_time_ratio = sce median / other median; "
            "floor_multiple = median / median of np.exp over the same logits"
        ),
        "machine": {
            "name": machine,
            "cpu_model": cpu_model(),
            "numpy_simd": simd,
            "torch_cpu_capability": None
            if torch is None
            else torch.backends.cpu.get_cpu_capability(),
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
        "cases": runs[0]["cases"],
        "runs": runs,
        "without_simd": no_simd,
    }
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(doc, indent=1) + "\n")
    print(f"\nwrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
