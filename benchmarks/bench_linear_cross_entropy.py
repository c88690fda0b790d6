"""Linear cross-entropy at vocabulary scale: time, peak memory and float32 error of four routes.

Routes, each the loss and the gradients of input, weight and bias (forward and backward):

- ``sce``: :func:`sce.linear_cross_entropy_and_grad`, blocks of rows, the logits never whole;
- ``numpy materialised``: the N x V logits, :func:`sce.cross_entropy_and_grad`, two products;
- ``torch``: ``torch.nn.functional.linear_cross_entropy`` as PyTorch runs it by default
  (it materialises the logits) and with ``LinearCrossEntropyOptions(batch_chunk_size=...)``,
  where PyTorch is installed (``make bench`` installs it from ``benchmarks/requirements.txt``).

Every route runs on one thread; rounds are interleaved and the median is reported, with the ratio
to sce's time measured in the same run. Peak memory is measured in a fresh process per route
(the growth of the resident set while the call runs, beyond its inputs). The exactness part
compares float32 losses at V = 262,144 with a float64 reference: sce, PyTorch's chunked path,
and a plain float32 implementation that accumulates the log-sum-exp block by block in float32.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_name] = "1"

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _cli  # noqa: E402

import sce  # noqa: E402

try:
    import torch
    import torch.nn.functional as F

    torch.set_num_threads(1)
except ImportError:  # pragma: no cover - PyTorch is optional
    torch = None


def problem(n: int, d: int, v: int, seed: int = 0, dtype=np.float32):
    rng = np.random.default_rng(seed)
    x = (rng.normal(size=(n, d)) / np.sqrt(d)).astype(dtype)
    w = rng.normal(size=(v, d)).astype(dtype)
    b = (0.1 * rng.normal(size=v)).astype(dtype)
    t = rng.integers(0, v, size=n)
    return x, w, b, t


def run_sce(x, w, b, t, chunk=None):
    return sce.linear_cross_entropy_and_grad(x, w, t, linear_bias=b, chunk_size=chunk)


def run_materialised(x, w, b, t):
    z = x @ w.T
    z += b
    loss, g = sce.cross_entropy_and_grad(z, t)
    del z
    return loss, g @ w, g.T @ x, g.sum(axis=0)


def run_torch(x, w, b, t, chunk=None):
    xt = torch.from_numpy(x).requires_grad_()
    wt = torch.from_numpy(w).requires_grad_()
    bt = torch.from_numpy(b).requires_grad_()
    tt = torch.from_numpy(t)
    options = None
    if chunk is not None:
        options = torch.nn.LinearCrossEntropyOptions(batch_chunk_size=chunk)
    loss = F.linear_cross_entropy(xt, wt, tt, linear_bias=bt, options=options)
    loss.backward()
    return float(loss.detach()), xt.grad, wt.grad, bt.grad


def routes(torch_chunks):
    out = {"sce": run_sce, "numpy materialised": run_materialised}
    if torch is not None:
        out["torch default"] = run_torch
        for c in torch_chunks:
            out[f"torch chunked {c}"] = lambda x, w, b, t, c=c: run_torch(x, w, b, t, c)
    return out


def timings(size, rounds, torch_chunks):
    x, w, b, t = problem(*size)
    table = routes(torch_chunks)
    seconds = {name: [] for name in table}
    for _ in range(rounds):
        for name, f in table.items():
            start = time.perf_counter()
            f(x, w, b, t)
            seconds[name].append(time.perf_counter() - start)
    med = {name: float(np.median(s)) for name, s in seconds.items()}
    return {name: {"median_s": m, "ratio_to_sce": m / med["sce"]} for name, m in med.items()}


def block_sizes(size, chunks, rounds):
    x, w, b, t = problem(*size)
    out = {}
    for c in chunks:
        s = []
        for _ in range(rounds):
            start = time.perf_counter()
            run_sce(x, w, b, t, c)
            s.append(time.perf_counter() - start)
        out[str(c)] = float(np.median(s))
    return out


PEAK = """
import os, sys, threading, time
sys.path.insert(0, {here!r})
import bench_linear_cross_entropy as B
x, w, b, t = B.problem({n}, {d}, {v})
f = B.routes({chunks})[{name!r}]
f(x[:2], w, b, t[:2])  # load the code paths
page = os.sysconf("SC_PAGE_SIZE")


def rss():
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * page


base, peak, running = rss(), [0], [True]


def sample():
    while running[0]:
        peak[0] = max(peak[0], rss())
        time.sleep(0.0005)


sampler = threading.Thread(target=sample)
sampler.start()
out = f(x, w, b, t)
running[0] = False
sampler.join()
outputs = sum(getattr(a, "nbytes", 0) or a.numel() * a.element_size() for a in out[1:])
print(max(peak[0], rss()) - base - outputs)
"""


def peak_memory(size, name, torch_chunks):
    """Peak growth of the resident set (bytes, sampled every 0.5 ms) while one call runs in a
    fresh process, beyond its inputs and the gradients it returns."""
    n, d, v = size
    code = PEAK.format(
        here=str(Path(__file__).resolve().parent), n=n, d=d, v=v, chunks=torch_chunks, name=name
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return int(out.stdout.strip().splitlines()[-1])


def plain_float32_loss(x, w, b, t, block=4096):
    """A plain float32 route: running max and running sum of exp over vocabulary blocks."""
    n = x.shape[0]
    m = np.full(n, -np.inf, np.float32)
    s = np.zeros(n, np.float32)
    zt = np.einsum("nd,nd->n", x, w[t]) + b[t]
    for lo in range(0, w.shape[0], block):
        z = x @ w[lo : lo + block].T + b[lo : lo + block]
        new = np.maximum(m, z.max(axis=1))
        s = s * np.exp(m - new) + np.exp(z - new[:, None]).sum(axis=1, dtype=np.float32)
        m = new
    return float(np.mean(m + np.log(s) - zt, dtype=np.float32))


def exactness(n, d, v, torch_chunk):
    x, w, b, t = problem(n, d, v, seed=1)
    z64 = x.astype(np.float64) @ w.astype(np.float64).T + b.astype(np.float64)
    ref = float(sce.cross_entropy(z64, t))
    del z64
    got = {
        "sce": float(sce.linear_cross_entropy(x, w, t, linear_bias=b)),
        "plain float32 running sum": plain_float32_loss(x, w, b, t),
    }
    if torch is not None:
        got[f"torch chunked {torch_chunk}"] = run_torch(x, w, b, t, torch_chunk)[0]
    return {"reference_float64": ref} | {
        k: {"loss": g, "relative_error": abs(g - ref) / abs(ref)} for k, g in got.items()
    }


def main() -> None:
    ap = _cli.parser(__doc__, "a small problem, one round (checks that the script runs)")
    args = ap.parse_args()
    if args.quick:
        size, rounds, chunks, exact = (256, 64, 4096), 1, [64], (64, 32, 16384)
    else:
        size, rounds, chunks, exact = (2048, 256, 65536), 3, [64, 256], (256, 256, 262144)
    result = {
        "machine": {"cpu": platform.processor() or platform.machine(), "python": sys.version},
        "size": dict(zip(("N", "D", "V"), size, strict=True)),
        "time": timings(size, rounds, chunks),
        "block_size_s": block_sizes(size, [8, 16, 32, 64, 128], rounds),
        "peak_extra_bytes": {name: peak_memory(size, name, chunks) for name in routes(chunks)},
        "logits_bytes": size[0] * size[2] * 4,
        "exactness": exactness(*exact, chunks[0]),
    }
    if torch is not None:
        result["machine"]["torch"] = torch.__version__
    out = _cli.output_path(args, "bench_linear_cross_entropy")
    Path(out).write_text(json.dumps(result, indent=1) + "\n")
    for name, r in result["time"].items():
        peak = result["peak_extra_bytes"][name] / result["logits_bytes"]
        print(f"{name:<22} {r['median_s']:8.3f} s  {r['ratio_to_sce']:5.2f} x sce  "
              f"peak +{peak:6.1%} of the logits")  # fmt: skip
    for name, r in result["exactness"].items():
        if name != "reference_float64":
            error = r["relative_error"]
            print(f"V = {exact[2]:,} float32 loss, {name:<26}: relative error {error:.1e}")
    print(f"written {out}")


if __name__ == "__main__":
    main()
