r"""Indexed objects a chapter defines itself, e.g. the entries of diag(ŷ) and of ŷŷᵀ.

The checker unfolds an :class:`~sympy.IndexedBase` through a derivation's ``definitions`` in
general form, and, for a concrete size, through the plain symbols it writes out (``D_{1,2}``);
for the second it must know the base by name. :func:`indexed_base` makes a base it knows, so
that a chapter can write a matrix entry by entry with indices and check it for general n and
for n = 2..6.
"""

from __future__ import annotations

import sympy as sp

from sce.symbolic.symbols import _base

__all__ = ["indexed_base"]


def indexed_base(name: str, **assumptions: bool) -> sp.IndexedBase:
    r"""An IndexedBase the checker can unfold for concrete sizes too.

    Parameters
    ----------
    name : str
        Its LaTeX name, e.g. ``r"\left(\operatorname{diag}\hat{y}\right)"``.
    **assumptions : bool
        SymPy assumptions of every component, e.g. ``real=True``.

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
    >>> from sce.symbolic import i, j, latex
    >>> D = indexed_base(r"\left(\operatorname{diag}\hat{y}\right)", real=True)
    >>> latex(D[i, j])
    '\\left(\\operatorname{diag}\\hat{y}\\right)_{ij}'
    """
    if not isinstance(name, str):
        raise TypeError(f"name must be a str, not {type(name).__name__}")
    if not name.strip():
        raise ValueError("name must not be empty")
    return _base(name, **assumptions)
