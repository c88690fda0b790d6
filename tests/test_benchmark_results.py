"""The chapters find the stored benchmark results from the project, from any working directory."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

from sce.benchmark_results import load_results, results_dir


def test_the_results_are_the_files_in_benchmarks_results() -> None:
    assert results_dir() == ROOT / "benchmarks" / "results"
    stored = json.loads((ROOT / "benchmarks" / "results" / "accuracy.json").read_text())
    assert load_results("accuracy") == stored


def test_a_kernel_started_elsewhere_finds_them(tmp_path: Path) -> None:
    code = "from sce.benchmark_results import load_results; print(len(load_results('accuracy')))"
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=True
    )
    assert int(out.stdout) > 0


def test_a_missing_result_names_what_there_is() -> None:
    with pytest.raises(FileNotFoundError, match=r"no stored results 'nothing'.*accuracy"):
        load_results("nothing")


@pytest.mark.parametrize("name", ["accuracy.json", "../results/accuracy", ""])
def test_a_name_that_is_not_a_plain_file_name_is_refused(name: str) -> None:
    with pytest.raises(ValueError, match="name must be a file name"):
        load_results(name)


def test_a_name_that_is_not_a_string_is_refused() -> None:
    with pytest.raises(TypeError, match="name must be a str"):
        load_results(3)  # type: ignore[arg-type]


@pytest.mark.parametrize("path", sorted((ROOT / "chapters").glob("*.ipynb")), ids=lambda p: p.name)
def test_no_chapter_reads_a_path_relative_to_the_working_directory(path: Path) -> None:
    sources = "".join(
        "".join(c["source"])
        for c in json.loads(path.read_text())["cells"]
        if c["cell_type"] == "code"
    )
    assert "../" not in sources and "Path(" not in sources
