"""Where the book's files are, found from the ``sce`` package, never from the working directory.

A chapter runs with whatever working directory its kernel started in (``chapters/`` under
JupyterLab, nbval and the book build; the repository root in an IDE). What a chapter reads from
the project (the stored benchmark results, the other chapters) it finds through these functions.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["chapter_paths", "root"]


def root() -> Path:
    """The checkout of the book that this ``sce`` was imported from.

    Returns
    -------
    pathlib.Path

    Raises
    ------
    FileNotFoundError
        If ``sce`` was not imported from a checkout of the book (no ``_toc.yml`` beside it).

    Examples
    --------
    >>> (root() / "_toc.yml").is_file()
    True
    """
    folder = Path(__file__).resolve().parent.parent
    if not (folder / "_toc.yml").is_file():
        raise FileNotFoundError(
            f"sce was not imported from a checkout of the book ({folder} has no _toc.yml): "
            "install it from a clone with `pip install -e .`"
        )
    return folder


def chapter_paths() -> list[Path]:
    """Every chapter notebook ``chapters/NN-topic.ipynb``, in reading order.

    Returns
    -------
    list of pathlib.Path

    Raises
    ------
    FileNotFoundError
        As :func:`root`.

    Examples
    --------
    >>> chapter_paths()[0].name
    '01-softmax.ipynb'
    """
    return sorted((root() / "chapters").glob("[0-9][0-9]-*.ipynb"))
