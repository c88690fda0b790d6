"""The committed chapters are complete: executed in order, listed in the TOC, well named."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import ROOT

CHAPTERS = sorted((ROOT / "chapters").glob("*.ipynb"))


def test_there_are_chapters() -> None:
    assert CHAPTERS


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_every_code_cell_was_executed_in_order(path: Path) -> None:
    nb = json.loads(path.read_text())
    counts = [c["execution_count"] for c in nb["cells"] if c["cell_type"] == "code"]
    assert None not in counts, f"{path.name}: a code cell was never executed (run `make execute`)"
    assert counts == list(range(1, len(counts) + 1)), f"{path.name}: executed out of order"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_chapter_file_names_sort_in_reading_order(path: Path) -> None:
    assert re.fullmatch(r"\d\d-[a-z0-9-]+\.ipynb", path.name)


def test_every_chapter_is_in_the_toc_in_order(pages: list[str]) -> None:
    in_toc = [p for p in pages if p.startswith("chapters/")]
    assert in_toc == [f"chapters/{p.stem}" for p in CHAPTERS]


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_ignored_outputs_say_why(path: Path) -> None:
    """``nbval-ignore-output`` is only for timings, and the cell must say so in a comment."""
    nb = json.loads(path.read_text())
    for cell in nb["cells"]:
        if "nbval-ignore-output" in cell.get("metadata", {}).get("tags", []):
            assert "#" in "".join(cell["source"]), f"{path.name}: ignored output without a reason"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_notebook_metadata_is_what_jupyterlab_writes(path: Path) -> None:
    """Opening, running and saving a chapter in JupyterLab (the venv's kernel) leaves no diff."""
    nb = json.loads(path.read_text())
    assert nb["metadata"]["kernelspec"] == {
        "display_name": "Python 3 (ipykernel)",
        "language": "python",
        "name": "python3",
    }
    assert set(nb["metadata"]) == {"kernelspec", "language_info"}
    assert (nb["nbformat"], nb["nbformat_minor"]) == (4, 5)
    assert all("execution" not in cell["metadata"] for cell in nb["cells"])
