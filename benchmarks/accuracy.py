"""Accuracy of cross-entropy implementations against mpmath at 60 digits.

Prints the max error in ulp of each implementation over a grid (margins 0-700, |logits| up to
1e300, 2 to 1000 classes, index and probability targets), and the error of the loss against the
margin (0-60, float64 and float32) for the naive formula, the max-shifted formula (PyTorch and
SciPy), the log1p form without TwoSum and sce: the series the book plots. Writes
benchmarks/results/accuracy.json (schema in benchmarks/README.md).

Usage: python benchmarks/accuracy.py [--quick] [--out PATH]
"""

from __future__ import annotations

import json
import platform
import sys
from pathlib import Path

import mpmath
import numpy as np
import scipy
import scipy.special
from _cli import output_path, parser

import sce

DPS = 60

try:  # optional, never a requirement
    import torch
    import torch.nn.functional as F

    torch.set_num_threads(1)
except ImportError:  # pragma: no cover - depends on the machine
    torch = None


# ---------------------------------------------------------------------------------------------
# Implementations: each returns (per-sample loss, gradient of the summed loss) in the input dtype
# ---------------------------------------------------------------------------------------------
def naive(z, t):
    """-sum t log(softmax(z)) with softmax = exp(z) / sum exp(z), no shift."""
    with np.errstate(all="ignore"):
        e = np.exp(z)
        p = e / e.sum(axis=1, keepdims=True)
        loss = -(np.where(t > 0, t * np.log(p), 0)).sum(axis=1)
    return loss, p * t.sum(axis=1, keepdims=True) - t


def max_shifted(z, t):
    """What PyTorch and SciPy do: log p = z - max - log(sum exp(z - max))."""
    with np.errstate(all="ignore"):
        d = z - z.max(axis=1, keepdims=True)
        lp = d - np.log(np.exp(d).sum(axis=1, keepdims=True))
        loss = -(np.where(t > 0, t * lp, 0)).sum(axis=1)
    return loss, np.exp(lp) * t.sum(axis=1, keepdims=True) - t


def log1p_form(z, t):
    """-log p_c = log1p(sum_{i != k} exp(z_i - z_k)) + (z_k - z_c), without TwoSum; the
    gradient from the same sum (the argmax entry as -S / (1 + S))."""
    with np.errstate(all="ignore"):
        n = z.shape[0]
        rows = np.arange(n)
        k = np.argmax(z, axis=1)
        m = z[rows, k][:, None]
        e = np.exp(z - m)
        e[rows, k] = 0
        s = e.sum(axis=1)
        nll = np.log1p(s)[:, None] + (m - z)
        loss = np.where(t > 0, t * nll, 0).sum(axis=1)
        sy = t.sum(axis=1)
        p = e / (1 + s)[:, None]
        g = p * sy[:, None] - t
        tk = t[rows, k]
        g[rows, k] = (sy - tk) - sy * (s / (1 + s))
    return loss, g


def scipy_impl(z, t):
    with np.errstate(all="ignore"):
        lp = scipy.special.log_softmax(z, axis=1)
        loss = -(np.where(t > 0, t * lp, 0)).sum(axis=1)
    return loss, np.exp(lp) * t.sum(axis=1, keepdims=True) - t


def sce_impl(z, t):
    """One-hot rows go in as class indices (sce's index path), others as probabilities."""
    if np.isin(t, (0, 1)).all() and (t.sum(axis=1) == 1).all():
        return sce.cross_entropy_and_grad(z, np.argmax(t, axis=1), reduction="none")
    return sce.cross_entropy_and_grad(z, t, reduction="none")


def torch_impl(z, t):
    x = torch.from_numpy(np.ascontiguousarray(z)).requires_grad_(True)
    loss = F.cross_entropy(x, torch.from_numpy(np.ascontiguousarray(t)), reduction="none")
    loss.sum().backward()
    return loss.detach().numpy(), x.grad.numpy()


IMPLS = {
    "naive": naive,
    "max_shifted": max_shifted,
    "log1p_no_twosum": log1p_form,
    "scipy": scipy_impl,
    "sce": sce_impl,
}
if torch is not None:
    IMPLS["torch"] = torch_impl


# ---------------------------------------------------------------------------------------------
# mpmath reference and ulp errors
# ---------------------------------------------------------------------------------------------
def reference(z_row, t_row):
    """Exact loss and gradient of one row (from the float inputs), with the scale of each
    gradient entry: max(|(sum t) p_c|, |t_c|)."""
    with mpmath.workdps(DPS):
        zs = [mpmath.mpf(float(v)) for v in z_row]
        ts = [mpmath.mpf(float(v)) for v in t_row]
        top = max(zs)
        k = zs.index(top)
        ex = [mpmath.exp(v - top) for v in zs]
        rest = mpmath.fsum(ex[i] for i in range(len(ex)) if i != k)
        total = 1 + rest
        sy = mpmath.fsum(ts)
        loss = mpmath.fsum(
            ts[c] * (mpmath.log1p(rest) + (top - zs[c])) for c in range(len(zs)) if ts[c]
        )
        grad, scale = [], []
        for c in range(len(zs)):
            p = ex[c] / total
            one_minus = rest / total if c == k else (total - ex[c]) / total
            g = (sy - ts[c]) - sy * one_minus if 2 * ts[c] >= sy else sy * p - ts[c]
            grad.append(g)
            scale.append(max(abs(sy * p), abs(ts[c])))
        return loss, grad, scale


def ulps(x, ref, dtype, scale=None):
    """|x - ref| / (eps * max(|scale or ref|, tiny)); None when x is NaN or infinite."""
    x = float(x)
    if not np.isfinite(x):
        return None
    fi = np.finfo(dtype)
    with mpmath.workdps(DPS):
        den = abs(mpmath.mpf(ref)) if scale is None else mpmath.mpf(scale)
        den = max(den, mpmath.mpf(float(fi.tiny)))
        return float(abs(mpmath.mpf(x) - ref) / (den * mpmath.mpf(float(fi.eps))))


def worst(a, b):
    if a is None or b is None:
        return None
    return max(a, b)


# ---------------------------------------------------------------------------------------------
# The margin series (what the book plots) and the grid
# ---------------------------------------------------------------------------------------------
def margin_rows(margin, dtype, rng, rows=8, C=10):
    """Rows whose true class (index 0) beats every other logit by `margin`."""
    z = np.empty((rows, C))
    for i in range(rows):
        base = rng.uniform(-5, 5)
        z[i] = base - rng.uniform(0, 2, C)
        z[i, 1] = base
        z[i, 0] = base + margin
    t = np.zeros((rows, C))
    t[:, 0] = 1
    return z.astype(dtype), t.astype(dtype)


def margin_series(dtype, margins, rng, rows):
    series = {name: [] for name in IMPLS}
    grad_series = {name: [] for name in IMPLS}
    for mg in margins:
        z, t = margin_rows(mg, dtype, rng, rows)
        refs = [reference(z[i], t[i]) for i in range(len(z))]
        for name, f in IMPLS.items():
            loss, grad = f(z, t)
            el = eg = 0.0
            for i, (rl, rg, _) in enumerate(refs):
                el = worst(el, ulps(loss[i], rl, dtype))
                eg = worst(eg, ulps(grad[i, 0], rg[0], dtype))
            series[name].append(el)
            grad_series[name].append(eg)
    return series, grad_series


def grid_cases(dtype, rng, quick):
    """(name, z, t, cancel) cases: index targets as one-hot rows, probability and smoothed
    targets with the cancellation proviso."""
    big = 700 if dtype == np.float64 else 100
    margins = (
        [0, 1, 5, 20, 37, 60, 100, 300, big]
        if dtype == np.float64
        else [0, 1, 5, 17, 40, 60, 87, big]
    )
    cases = []
    for C in [2, 10] + ([] if quick else [1000]):
        for mg in margins if C < 1000 else margins[::3]:
            z = np.empty((2, C))
            for i in range(2):
                base = rng.uniform(-5, 5) + (rng.uniform(-1, 1) * 1e5 if i else 0)
                z[i] = base - mg - rng.uniform(0, 3, C)
                z[i, 0] = base
            t = np.zeros((2, C))
            t[0, 0] = 1  # confident and right
            t[1, 1] = 1  # confident and wrong
            cases.append(("index", z, t, False))
            tp = rng.dirichlet(np.ones(C), size=2)
            cases.append(("probability", z, tp, True))
            ts = np.full((2, C), 0.1 / C)
            ts[0, 0] += 0.9
            ts[1, 1] += 0.9
            cases.append(("smoothed", z, ts, True))
    if dtype == np.float64:
        z = np.array([[1e300, 1e300 * (1 - 2**-50), -1e300, 0.0], [-1e300, -1e300, 5.0, 0.5]])
        t = np.eye(4)[[0, 2]]
        cases.append(("index", z, t, False))
    out = []
    for name, z, t, cancel in cases:
        z = z.astype(dtype)
        t = t.astype(dtype)
        if name != "index":
            t = (t / t.sum(axis=1, keepdims=True)).astype(dtype)
        out.append((name, z, t, cancel))
    return out


def grid_errors(dtype, rng, quick):
    cases = grid_cases(dtype, rng, quick)
    result = {name: {"loss": 0.0, "grad": 0.0} for name in IMPLS}
    for _, z, t, cancel in cases:
        refs = [reference(z[i], t[i]) for i in range(len(z))]
        for name, f in IMPLS.items():
            loss, grad = f(z, t)
            r = result[name]
            for i, (rl, rg, sc) in enumerate(refs):
                r["loss"] = worst(r["loss"], ulps(loss[i], rl, dtype))
                for c in range(z.shape[1]):
                    e = ulps(grad[i, c], rg[c], dtype, sc[c] if cancel else None)
                    r["grad"] = worst(r["grad"], e)
    return result, len(cases)


def fmt(v):
    if v is None:
        return "nan/inf"
    return f"{v:.3g}"


def main(argv=None):
    ap = parser(__doc__, "a fast smoke run: fewer rows")
    args = ap.parse_args(argv)
    args.out = output_path(args, "accuracy")
    rng = np.random.default_rng(20240601)
    margins = list(range(0, 61, 6 if args.quick else 1))
    rows = 2 if args.quick else 8
    if torch is None:
        print("torch: not installed, skipped (optional)")
    doc = {
        "description": (
            "Relative error in ulp, |x - ref| / (eps * |ref|), against mpmath at 60 digits"
        ),
        "versions": {
            "python": platform.python_version(),
            "numpy": np.__version__,
            "scipy": scipy.__version__,
            "mpmath": mpmath.__version__,
            "torch": None if torch is None else torch.__version__,
        },
        "quick": args.quick,
        "implementations": list(IMPLS),
        "margin_series": {},
        "grid_max_ulp": {},
    }
    for dtype in (np.float64, np.float32):
        dn = np.dtype(dtype).name
        loss_s, grad_s = margin_series(dtype, margins, rng, rows)
        doc["margin_series"][dn] = {
            "margin": margins,
            "rows_per_margin": rows,
            "classes": 10,
            "loss_ulp": loss_s,
            "grad_true_class_ulp": grad_s,
        }
        grid, ncases = grid_errors(dtype, rng, args.quick)
        doc["grid_max_ulp"][dn] = {"cases": ncases, "max_ulp": grid}
        print(f"\n{dn}: max error in ulp over the grid ({ncases} cases)")
        print(f"  {'implementation':<18}{'loss':>12}{'gradient':>12}")
        for name, r in grid.items():
            print(f"  {name:<18}{fmt(r['loss']):>12}{fmt(r['grad']):>12}")
        print(f"{dn}: loss error in ulp at margins 0, 20, 30, 40, 60 (true class = argmax)")
        for name, s in loss_s.items():
            pick = [s[margins.index(m)] for m in (0, 20, 30, 40, 60) if m in margins]
            print(f"  {name:<18}" + "".join(f"{fmt(v):>12}" for v in pick))
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(doc, indent=1) + "\n")
    print(f"\nwrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
