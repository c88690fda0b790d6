r"""Indexed symbols that a chapter introduces itself (a teacher's logits, a tempered softmax).

The checker proves a step for concrete sizes by unfolding every ``IndexedBase`` into plain
symbols (``u[2]`` becomes ``u_2``) and back, and it finds a base again by its name. A base made
with plain ``sympy.IndexedBase`` in a chapter is not known to it, so its definition would not
unfold; :func:`indexed_base` makes one and registers it, as the shared bases ``z``, ``y``,
``\hat{y}`` and ``v`` of :mod:`sce.symbolic.symbols` are.
"""

from __future__ import annotations

import sympy as sp

from sce.symbolic.symbols import _base

__all__ = ["indexed_base"]


def indexed_base(name: str, *, real: bool = False, positive: bool = False) -> sp.IndexedBase:
    r"""A SymPy ``IndexedBase`` that the checker can unfold for concrete sizes.

    Parameters
    ----------
    name : str
        Its LaTeX name, e.g. ``r"\hat{y}^{T}"``.
    real, positive : bool
        Assumptions on every component (``positive`` implies real).

    Returns
    -------
    sympy.IndexedBase

    Raises
    ------
    TypeError
        If `name` is not a string.
    ValueError
        If `name` is empty.

    Examples
    --------
    >>> from sce.symbolic import j
    >>> u = indexed_base("u", real=True)
    >>> u[j].is_real
    True
    """
    if not isinstance(name, str):
        raise TypeError(f"name must be a str, not {type(name).__name__}")
    if not name.strip():
        raise ValueError("name must not be empty")
    assumptions = {"positive": True} if positive else ({"real": True} if real else {})
    return _base(name, **assumptions)
