r"""Claims: every mathematical statement of a chapter, registered where it is checked or cited.

A chapter's prose says things: "the rows of the Jacobian sum to zero", "``exp`` overflows in
float64 above 709.78", "label smoothing keeps the loss above the entropy of the target". Each such
statement is registered, in the code cell next to it, as one of three kinds:

* **derived**: it is the relation of a derivation that the engine of :mod:`sce.symbolic` checked
  (``claim(text, derivation=d)``; ``d`` is checked first);
* **computed**: a numeric fact, asserted by the cell (``claim(text, holds=condition)``; the
  condition is a bool or an array of bools that must all be true, otherwise :class:`ClaimError`
  is raised, so the cell, nbval and the build fail);
* **stated**: a definition or a result cited from the literature (``claim(text, source=...)``,
  the source named: paper, textbook, documentation).

The last cell of a chapter, tagged ``claims``, shows :func:`claims_summary` (the chapter's claims
in order, with how each is supported). The record page ("What is proved") reads that cell's
output from every chapter with :func:`read_chapter_claims` and counts the claims per kind; nbval
and the build's reproduction test hold the committed output to what the chapter computes.

>>> clear_claims()
>>> claim("1 + 1 = 2", holds=1 + 1 == 2)
>>> claim("softmax is invariant to adding a constant", source="definition of softmax")
>>> claim("2 + 2 = 5", holds=2 + 2 == 5)
Traceback (most recent call last):
...
sce.claims.ClaimError: the claim '2 + 2 = 5' does not hold
>>> print(claims_summary())
claims: 0 derived, 1 computed, 1 stated
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

__all__ = [
    "KINDS",
    "Claim",
    "ClaimError",
    "ClaimsSummary",
    "claim",
    "claims",
    "claims_summary",
    "clear_claims",
    "read_chapter_claims",
]

KINDS = ("derived", "computed", "stated")
#: Where the summary output carries its claims for the record page (output metadata: a renderer
#: shows the Markdown and ignores it).
METADATA_KEY = "sce.claims"


class ClaimError(AssertionError):
    """A claim registered with ``holds=`` whose condition is false."""


@dataclass(frozen=True)
class Claim:
    """One statement of a chapter: its text, its kind and its support.

    ``support`` is the derivation's title for a derived claim, ``"assertion"`` for a computed one
    and the source for a stated one.
    """

    text: str
    kind: str
    support: str


#: Keyed by text: running a cell again (in JupyterLab) replaces its claims, never doubles them.
_CLAIMS: dict[str, Claim] = {}


def _check_text(text: Any) -> str:
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, not {type(text).__name__}")
    if not text.strip():
        raise ValueError("text must say what is claimed, not be empty")
    return " ".join(text.split())


def _holds(text: str, holds: Any) -> None:
    if isinstance(holds, (bool, np.bool_)):
        ok = bool(holds)
    elif isinstance(holds, np.ndarray) and holds.dtype == bool:
        if holds.size == 0:
            raise ValueError(f"holds for {text!r} is an empty array: it checks nothing")
        ok = bool(holds.all())
    else:
        raise TypeError(f"holds must be a bool or an array of bools, not {type(holds).__name__}")
    if not ok:
        raise ClaimError(f"the claim {text!r} does not hold")


def claim(
    text: str,
    *,
    derivation: Any = None,
    holds: Any = None,
    source: str | None = None,
) -> None:
    """Register one statement of the chapter, with exactly one kind of support.

    Parameters
    ----------
    text : str
        The statement, as the prose says it (one sentence).
    derivation : sce.symbolic.Derivation, optional
        The derivation that proves it; it is checked here (a failing step raises).
    holds : bool or numpy.ndarray of bool, optional
        A computed condition that must be true (every entry, for an array).
    source : str, optional
        For a definition or a cited result: where it comes from.

    Raises
    ------
    TypeError
        If ``text`` is not a str, ``holds`` is not a bool or bool array, or ``derivation`` has no
        ``check`` method.
    ValueError
        If ``text`` or ``source`` is empty, ``holds`` is an empty array, or not exactly one of
        ``derivation``, ``holds`` and ``source`` is given.
    ClaimError
        If ``holds`` is false.

    Examples
    --------
    >>> import numpy as np
    >>> claim("exp is positive", holds=np.exp(np.linspace(-5, 5, 11)) > 0)
    >>> claims()[-1].kind
    'computed'
    """
    text = _check_text(text)
    given = [x is not None for x in (derivation, holds, source)]
    if sum(given) != 1:
        raise ValueError(
            f"claim {text!r} needs exactly one of derivation=, holds= or source=, not {sum(given)}"
        )
    if derivation is not None:
        if not callable(getattr(derivation, "check", None)):
            raise TypeError(
                f"derivation must be a checked sce.symbolic derivation, "
                f"not {type(derivation).__name__}"
            )
        derivation.check()
        title = getattr(derivation, "title", None) or getattr(derivation, "name", "")
        item = Claim(text, "derived", str(title))
    elif holds is not None:
        _holds(text, holds)
        item = Claim(text, "computed", "assertion")
    else:
        if not isinstance(source, str) or not source.strip():
            raise ValueError(f"source for {text!r} must name where it comes from")
        item = Claim(text, "stated", " ".join(source.split()))
    _CLAIMS[text] = item


def claims() -> list[Claim]:
    """The claims registered since the last :func:`clear_claims`, in order."""
    return list(_CLAIMS.values())


def clear_claims() -> None:
    """Forget every registered claim (a chapter's first cell need not call it)."""
    _CLAIMS.clear()


class ClaimsSummary:
    """A chapter's claims, shown as a table (and carried as JSON for the record page)."""

    def __init__(self, items: list[Claim]):
        self.items = list(items)

    def counts(self) -> dict[str, int]:
        """How many claims of each kind."""
        return {k: sum(c.kind == k for c in self.items) for k in KINDS}

    def __str__(self) -> str:
        n = self.counts()
        return "claims: " + ", ".join(f"{n[k]} {k}" for k in KINDS)

    __repr__ = __str__

    def _repr_markdown_(self) -> str:
        # A numbered list, not a table: long claims and their formulas wrap on a phone.
        lines = [str(self), ""]
        for i, c in enumerate(self.items, 1):
            how = {"derived": f"*derived*: {c.support}", "computed": "*computed*"}
            lines.append(f"{i}. {c.text} ({how.get(c.kind, f'*stated*: {c.support}')})")
        return "\n".join(lines)

    def _repr_mimebundle_(
        self, include: Any = None, exclude: Any = None
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        data = {"text/plain": str(self), "text/markdown": self._repr_markdown_()}
        return data, {METADATA_KEY: [asdict(c) for c in self.items]}


def claims_summary() -> ClaimsSummary:
    """The claims registered so far, for the chapter's last cell (tagged ``claims``)."""
    return ClaimsSummary(claims())


def read_chapter_claims(path: str | Path) -> list[Claim]:
    """The claims a chapter notebook showed in its cell tagged ``claims`` (committed output).

    Raises
    ------
    ValueError
        If the notebook has no cell tagged ``claims``, or it has no claims output.
    """
    path = Path(path)
    nb = json.loads(path.read_text(encoding="utf-8"))
    cells = [c for c in nb["cells"] if "claims" in c.get("metadata", {}).get("tags", [])]
    if len(cells) != 1:
        raise ValueError(f"{path.name}: expected one cell tagged 'claims', found {len(cells)}")
    for out in cells[0].get("outputs", []):
        items = out.get("metadata", {}).get(METADATA_KEY)
        if items is not None:
            return [Claim(**c) for c in items]
    raise ValueError(f"{path.name}: the cell tagged 'claims' has no claims output")
