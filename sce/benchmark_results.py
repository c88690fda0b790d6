"""The stored results of ``benchmarks/``, found from the project, not from the working directory.

The book's chapters show figures that depend on the machine (timings, ulps measured over many
inputs) by reading them from ``benchmarks/results/*.json``, written by ``make bench``. A chapter
opened from any working directory (JupyterLab at ``chapters/``, an IDE at the repository root)
finds them through :func:`results_dir`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

__all__ = ["load_results", "results_dir"]


def results_dir() -> Path:
    """The folder ``benchmarks/results`` of the checkout this ``sce`` was imported from.

    Returns
    -------
    pathlib.Path

    Raises
    ------
    FileNotFoundError
        If ``sce`` was not imported from a checkout of the book, or the checkout has no
        stored results; the message says where it looked.

    Examples
    --------
    >>> results_dir().name
    'results'
    """
    from sce.project import root

    folder = root() / "benchmarks" / "results"
    if not folder.is_dir():
        raise FileNotFoundError(
            f"no stored benchmark results at {folder}: the chapters read them from the book's "
            "repository (sce installed from a clone, e.g. `pip install -e .`); run `make bench` "
            "there to write them"
        )
    return folder


def load_results(name: str) -> dict[str, Any]:
    """The stored results ``benchmarks/results/<name>.json`` as a dictionary.

    Parameters
    ----------
    name : str
        The file's name without ``.json``, e.g. ``"accuracy"`` or ``"bench_cross_entropy"``.

    Returns
    -------
    dict

    Raises
    ------
    TypeError
        If `name` is not a string.
    ValueError
        If `name` is not a plain file name (a path or a suffix).
    FileNotFoundError
        If the folder or the file does not exist; the message lists the files that do.

    Examples
    --------
    >>> sorted(load_results("accuracy"))[:1]  # doctest: +ELLIPSIS
    [...]
    """
    if not isinstance(name, str):
        raise TypeError(f"name must be a str, not {type(name).__name__}")
    if not name or "/" in name or "\\" in name or name.endswith(".json"):
        raise ValueError(
            f"name must be a file name without '.json' (e.g. 'accuracy'), not {name!r}"
        )
    folder = results_dir()
    path = folder / f"{name}.json"
    if not path.is_file():
        known = ", ".join(sorted(p.stem for p in folder.glob("*.json"))) or "none"
        raise FileNotFoundError(f"no stored results {name!r} in {folder} (there are: {known})")
    return json.loads(path.read_text())
