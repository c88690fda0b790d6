"""Re-execute the chapters in place so their stored outputs are what nbval expects.

Usage: ``python scripts/execute_notebooks.py [chapters/NN-topic.ipynb ...]`` (default: every
chapter). Each notebook runs top to bottom in a fresh kernel with ``chapters/`` as the working
directory, exactly as ``pytest --nbval`` and the book build run it. A cell that raises (and is not
tagged ``raises-exception``) stops the script with a non-zero exit.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

ROOT = Path(__file__).resolve().parent.parent
CHAPTERS = ROOT / "chapters"

#: The kernelspec JupyterLab writes for the venv's own kernel: saving a chapter there is no diff.
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


def normalise(nb: nbformat.NotebookNode) -> None:
    """Keep only the notebook metadata JupyterLab writes: the kernelspec and the kernel's info."""
    info = nb.metadata.get("language_info", {})
    nb.metadata = nbformat.from_dict({"kernelspec": KERNELSPEC, "language_info": info})
    for cell in nb.cells:
        cell.metadata.pop("execution", None)  # timings, if a client recorded them


def execute(path: Path) -> float:
    """Execute one notebook in place and return the seconds it took."""
    nb = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    client = NotebookClient(
        nb,
        timeout=600,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
        record_timing=False,  # no timestamps in the committed notebooks
        allow_errors=False,
    )
    client.execute()
    normalise(nb)
    nbformat.write(nb, path)
    return time.perf_counter() - start


def main(argv: list[str]) -> int:
    paths = [Path(a).resolve() for a in argv] or sorted(CHAPTERS.glob("*.ipynb"))
    for path in paths:
        try:
            seconds = execute(path)
        except CellExecutionError as error:
            print(f"FAILED {path.relative_to(ROOT)} (not written):\n{error}", file=sys.stderr)
            return 1
        print(f"executed {path.relative_to(ROOT)} in {seconds:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
