"""ruff's linter and formatter pass over the code, the tests and the notebooks."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from conftest import ROOT

RUFF = Path(sys.executable).parent / "ruff"


def test_ruff_check_passes() -> None:
    out = subprocess.run([RUFF, "check", "."], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr


def test_ruff_format_check_passes() -> None:
    out = subprocess.run([RUFF, "format", "--check", "."], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr


def test_ruff_covers_the_notebooks() -> None:
    out = subprocess.run(
        [RUFF, "check", "--show-files", "."], cwd=ROOT, capture_output=True, text=True
    )
    assert ".ipynb" in out.stdout
