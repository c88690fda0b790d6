"""Shared fixtures: the book is built once per test session, exactly as ``make book`` builds it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
#: The options of `make book`: every page re-read (so every notebook runs again), and warnings
#: and broken references fail the build.
BUILD_OPTIONS = ("--all", "--builder", "html", "-n", "-W", "--keep-going")


def process_args(source: Path) -> list[str]:
    """The command line of ``make book`` for the book in ``source``."""
    return [str(BIN / "jupyter-book"), "build", str(source), *BUILD_OPTIONS]


def build_environment() -> dict[str, str]:
    """The environment of the tests' book build: ``make book``'s, on another machine.

    The kernels that execute the chapters run with NumPy's transcendental functions moved by an
    ulp under :data:`perturb_numpy.BUILD_SEED` (nbval's kernels use another seed), and with NumPy's
    SIMD dispatch reduced to its baseline (``NPY_DISABLE_CPU_FEATURES``), so the executed notebooks
    the build writes under ``_build/jupyter_execute`` are what another CPU would compute;
    ``tests/test_portability.py`` compares them with the committed outputs. ``make book`` itself
    runs unperturbed.
    """
    import perturb_numpy

    env = dict(os.environ)
    env[perturb_numpy.SEED_VARIABLE] = perturb_numpy.BUILD_SEED
    env["NPY_DISABLE_CPU_FEATURES"] = perturb_numpy.baseline_dispatch()
    return env


def build_book(source: Path, *, check: bool = False) -> subprocess.CompletedProcess[str]:
    """Run the book build of ``make book`` on ``source`` (in :func:`build_environment`)."""
    return subprocess.run(
        process_args(source),
        capture_output=True,
        text=True,
        check=check,
        timeout=1200,
        env=build_environment(),
    )


def git_status() -> str | None:
    """``git status --porcelain`` of the repository, or None outside a git checkout."""
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        return None
    out = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=all"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout


class Book:
    """The result of the session's book build."""

    def __init__(
        self,
        process: subprocess.CompletedProcess[str],
        before: str | None,
        after: str | None = None,
    ) -> None:
        self.process = process
        self.status_before = before
        self.status_after = git_status() if after is None else after
        self.html = ROOT / "_build" / "html"


@pytest.fixture(scope="session")
def book(tmp_path_factory: pytest.TempPathFactory) -> Book:
    """The whole book built once into ``_build/html`` with the options of ``make book``.

    Under ``pytest -n`` (as ``make test`` runs) the workers share the one build of the run: the
    first to ask builds it under a file lock, the others wait and read its record.
    """
    if "PYTEST_XDIST_WORKER" not in os.environ:
        before = git_status()
        return Book(build_book(ROOT), before)
    from filelock import FileLock

    shared = tmp_path_factory.getbasetemp().parent  # one folder per run, shared by the workers
    record = shared / "book.json"
    with FileLock(str(shared / "book.lock")):
        if not record.is_file():
            before = git_status()
            process = build_book(ROOT)
            fields = {"returncode": process.returncode, "stdout": process.stdout}
            fields |= {"stderr": process.stderr, "before": before, "after": git_status()}
            record.write_text(json.dumps(fields))
    fields = json.loads(record.read_text())
    process = subprocess.CompletedProcess(
        process_args(ROOT), fields["returncode"], fields["stdout"], fields["stderr"]
    )
    return Book(process, fields["before"], fields["after"])


def toc_pages() -> list[str]:
    """Every page of ``_toc.yml`` in reading order, as paths without suffix (``intro``, ...)."""
    import yaml

    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    pages = [toc["root"]]

    def walk(entries: list[dict]) -> None:
        for entry in entries:
            if "file" in entry:
                pages.append(entry["file"])
            for key in ("parts", "chapters", "sections"):
                walk(entry.get(key, []))

    walk(toc.get("parts", []) + toc.get("chapters", []))
    return pages


@pytest.fixture(scope="session")
def pages() -> list[str]:
    """The pages listed in ``_toc.yml``, root first."""
    return toc_pages()
