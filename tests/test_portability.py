"""The stored outputs reproduce on another CPU: no output shows the last bit of exp, log, ...

NumPy's ``exp``, ``log``, ``power`` and their kin are not correctly rounded, and the SIMD code NumPy
picks at run time differs between CPUs (AVX2, AVX-512, NEON, plain C): an output that shows their
last bit reproduces on the machine that wrote it and fails on a reader's. These tests execute the
chapters as another CPU would and compare with the committed outputs exactly as nbval does:

- nbval's own kernels run with every inexact result of NumPy's transcendental functions moved by
  one ulp, up or down at random, under the seed ``perturb_numpy.NBVAL_SEED`` (the plugin
  ``perturb_numpy``, loaded from ``pyproject.toml``); so ``make test``'s nbval is one such run;
- the tests' book build (one build, shared with ``test_book.py`` and the browser checks) executes
  every chapter under another seed, ``perturb_numpy.BUILD_SEED``, with NumPy's dispatch reduced to
  its baseline (``NPY_DISABLE_CPU_FEATURES`` naming every SIMD level this CPU has), and
  :func:`test_the_build_reproduces_the_committed_outputs` compares the notebooks it executed
  (``_build/jupyter_execute``) with the committed ones through nbval's sanitizer.

What this reaches: every call that looks the function up on the ``numpy`` module (``np.exp(x)``,
in the chapters, in ``sce``, in SciPy's and matplotlib's Python code), and, through the reduced
dispatch, NumPy's own SIMD paths for everything else (``.sum()``, ``exp`` inside C loops). What it
cannot reach: ``a @ b`` and ``np.dot`` (BLAS, chosen by OpenBLAS for the CPU), the order of a
summation that another NumPy build or BLAS would choose, and SciPy's compiled internals. Those are
covered by how the chapters print: a quantity at noise level is printed as a bound, other values
to the digits that are stable.
"""

from __future__ import annotations

import configparser
import json
import os
import re
import subprocess
from pathlib import Path

import nbformat
import numpy as np
import perturb_numpy
import pytest
from conftest import BIN, ROOT, Book, build_environment
from nbval.plugin import coalesce_streams, transform_streams_for_comparison

CHAPTERS = sorted((ROOT / "chapters").glob("*.ipynb"))
SANITIZE = ROOT / "tests" / "sanitize.cfg"
#: What nbval leaves out of the comparison (its defaults, images included).
SKIP = {
    "metadata",
    "traceback",
    "prompt_number",
    "output_type",
    "name",
    "execution_count",
    "application/vnd.jupyter.widget-view+json",
    "image/png",
    "image/jpeg",
}


#: The MIME prefix of a value glued with myst-nb.
GLUE = "application/papermill.record/"


def sanitizers() -> list[tuple[re.Pattern[str], str]]:
    """The regex replacements of ``tests/sanitize.cfg``, read as nbval reads them."""
    parser = configparser.ConfigParser()
    parser.read(SANITIZE)
    return [(re.compile(parser[s]["regex"]), parser[s]["replace"]) for s in parser.sections()]


def _flatten(outputs: list, patterns: list[tuple[re.Pattern[str], str]]) -> dict[str, list]:
    """nbval's view of a cell's outputs: each compared field, in order, sanitized."""

    def clean(value: object) -> object:
        if isinstance(value, str):
            for regex, replace in patterns:
                value = regex.sub(replace, value)
        return value

    flat: dict[str, list] = {}
    # myst-nb moves glued values (papermill records) out of the notebooks it writes: they are
    # SymPy's LaTeX, the same on every CPU, and nbval compares them in the committed notebooks.
    outputs = [o for o in outputs if not any(k.startswith(GLUE) for k in o.get("data", {}))]
    for out in transform_streams_for_comparison(coalesce_streams(outputs)):
        for key, value in out.items():
            if key in SKIP:
                continue
            if key == "data":
                for mime, data in value.items():
                    if mime not in SKIP:
                        flat.setdefault(mime, []).append(clean(data))
            else:
                flat.setdefault(key, []).append(clean(value))
    return flat


def differences(stored: Path, executed: Path) -> list[str]:
    """The code cells whose outputs nbval would call different, with the first differing field."""
    ref = nbformat.read(stored, as_version=4)
    new = nbformat.read(executed, as_version=4)
    ref_cells = [c for c in ref.cells if c.cell_type == "code"]
    new_cells = [c for c in new.cells if c.cell_type == "code"]
    if [c.source for c in ref_cells] != [c.source for c in new_cells]:
        return [f"{stored.name}: the executed notebook has other code cells"]
    patterns = sanitizers()
    found = []
    for number, (a, b) in enumerate(zip(ref_cells, new_cells, strict=True), start=1):
        tags = a.metadata.get("tags", [])
        if "nbval-ignore-output" in tags or "nbval-skip" in tags:
            continue
        fa, fb = _flatten(a.outputs, patterns), _flatten(b.outputs, patterns)
        if fa != fb:
            key = next(k for k in sorted(set(fa) | set(fb)) if fa.get(k) != fb.get(k))
            found.append(
                f"{stored.name} code cell {number}, {key}:\n"
                f"  stored  : {fa.get(key)!r:.400}\n  executed: {fb.get(key)!r:.400}"
            )
    return found


# -- the mechanism -----------------------------------------------------------------------------


@pytest.fixture
def perturbed():
    """NumPy with the perturbation installed under seed 7, restored afterwards."""
    saved = {name: getattr(np, name) for name in perturb_numpy.FUNCTIONS}
    perturb_numpy.install(7)
    yield
    for name, value in saved.items():
        setattr(np, name, value)


def test_every_inexact_result_moves_by_one_ulp(perturbed) -> None:
    x = np.linspace(-5.0, 5.0, 101)
    moved = np.exp(x)
    real = np.exp.ufunc(x)
    steps = np.abs(moved.view(np.int64) - real.view(np.int64))
    assert set(steps[x != 0].tolist()) == {1}
    assert moved[x == 0][0] == 1.0  # exp(0) = 1 is kept


def test_exact_results_are_kept(perturbed) -> None:
    assert np.exp(0.0) == 1.0 and np.exp(1e-300) == 1.0
    assert np.log(1.0) == 0.0 and np.log1p(1e-30) == 1e-30 and np.tanh(40.0) == 1.0
    assert np.power(2.0, 10) == 1024.0 and np.power(3.7, 1) == 3.7
    assert np.exp(-np.inf) == 0.0 and np.isnan(np.log(np.nan))


def test_dtype_out_and_scalars_are_respected(perturbed) -> None:
    x32 = np.linspace(0.5, 1.5, 8, dtype=np.float32)
    assert np.exp(x32).dtype == np.float32
    assert isinstance(np.log(np.float32(3.0)), np.float32)
    buffer = np.empty(8, dtype=np.float32)
    assert np.exp(x32, out=buffer) is buffer
    assert np.abs(buffer.view(np.int32) - np.exp.ufunc(x32).view(np.int32)).max() == 1
    masked = np.zeros(8)
    np.exp(x32.astype(float), out=masked, where=x32 > 1.0)
    assert np.all(masked[x32 <= 1.0] == 0.0)


def test_the_baseline_names_every_simd_level_this_cpu_has() -> None:
    from numpy._core._multiarray_umath import __cpu_dispatch__, __cpu_features__

    listed = set(perturb_numpy.baseline_dispatch().split())
    assert listed == {f for f in __cpu_dispatch__ if __cpu_features__.get(f)}
    env = build_environment()
    assert env["NPY_DISABLE_CPU_FEATURES"] == perturb_numpy.baseline_dispatch()
    assert env[perturb_numpy.SEED_VARIABLE] != os.environ[perturb_numpy.SEED_VARIABLE]


def _execute(nb: nbformat.NotebookNode, seed: str) -> nbformat.NotebookNode:
    """``nb`` executed in a fresh kernel under ``seed`` (``"off"``: unperturbed)."""
    from nbclient import NotebookClient

    nb = nbformat.from_dict(json.loads(json.dumps(nb)))
    saved = os.environ.get(perturb_numpy.SEED_VARIABLE)
    os.environ[perturb_numpy.SEED_VARIABLE] = seed  # the kernel inherits it
    try:
        NotebookClient(nb, kernel_name="python3", timeout=120).execute()
    finally:
        if saved is None:
            del os.environ[perturb_numpy.SEED_VARIABLE]
        else:
            os.environ[perturb_numpy.SEED_VARIABLE] = saved
    return nb


def test_a_notebook_that_shows_the_last_bit_fails_under_every_seed(tmp_path: Path) -> None:
    """The mechanism bites: a stored ``np.exp(0.1)`` to 17 digits differs under every seed.

    The stored output is this machine's (executed unperturbed); nbval itself (a subprocess with
    the project's options, so through the plugin) fails on it, and so does the comparison the
    build's notebooks go through, under the build's seed and others.
    """
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("import numpy as np\nprint(f'{np.exp(0.1):.17g}')")]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    stored = tmp_path / "last_bit.ipynb"
    nbformat.write(_execute(nb, "off"), stored)
    env = dict(os.environ, **{perturb_numpy.SEED_VARIABLE: perturb_numpy.NBVAL_SEED})
    env.pop("PYTEST_XDIST_WORKER", None)
    options = ["-c", str(ROOT / "pyproject.toml"), "-p", "no:xdist", "-q"]
    nbval = subprocess.run(
        [str(BIN / "python"), "-m", "pytest", *options, str(stored)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert nbval.returncode == 1 and "Cell outputs differ" in nbval.stdout, nbval.stdout[-2000:]
    for seed in (perturb_numpy.BUILD_SEED, "3", "4"):
        again = tmp_path / f"seed-{seed}.ipynb"
        nbformat.write(_execute(nb, seed), again)
        assert len(differences(stored, again)) == 1, f"seed {seed} did not move exp(0.1)"
    control = tmp_path / "unperturbed.ipynb"
    nbformat.write(_execute(nb, "off"), control)
    assert differences(stored, control) == []


# -- the chapters ------------------------------------------------------------------------------


@pytest.mark.book
def test_the_build_reproduces_the_committed_outputs(book: Book) -> None:
    """The chapters the build executed (another seed, baseline dispatch) match the stored ones."""
    assert book.process.returncode == 0, book.process.stderr[-3000:]
    executed = ROOT / "_build" / "jupyter_execute" / "chapters"
    found = []
    for stored in CHAPTERS:
        again = executed / stored.name
        assert again.is_file(), f"the build did not execute {stored.name}"
        found += differences(stored, again)
    assert not found, "\n".join(found)


def test_the_comparison_sees_a_changed_digit(tmp_path: Path) -> None:
    """:func:`differences` reports a cell whose stored output differs in one digit."""
    stored = CHAPTERS[0]
    nb = json.loads(stored.read_text())
    for cell in nb["cells"]:
        outs = [o for o in cell.get("outputs", []) if o.get("name") == "stdout"]
        if cell["cell_type"] == "code" and outs and re.search(r"\d", "".join(outs[0]["text"])):
            text = "".join(outs[0]["text"])
            outs[0]["text"] = re.sub(r"\d", lambda m: str((int(m[0]) + 1) % 10), text, count=1)
            break
    changed = tmp_path / stored.name
    changed.write_text(json.dumps(nb))
    assert len(differences(stored, changed)) == 1
    assert differences(stored, stored) == []
