"""What was proved: step and check records, and the registry of every check in this process.

Every :meth:`Derivation.check <sce.symbolic.Derivation.check>` registers its
:class:`CheckRecord` here (and every :meth:`~sce.symbolic.Derivation.try_check` that finds a
wrong step registers its failure), so a page can list what a chapter proved without anyone
typing it: :func:`checked` reads the registry, :func:`collect` gathers the checks made inside a
``with`` block, and :func:`run_chapter_derivations` executes the cells tagged ``derivation`` of
one chapter, in order, in a fresh namespace, and returns what they proved.
"""

from __future__ import annotations

import contextlib
import io
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = [
    "ChapterRecord",
    "CheckRecord",
    "StepRecord",
    "checked",
    "clear_records",
    "collect",
    "failed",
    "record_list",
    "run_chapter_derivations",
]


@dataclass(frozen=True)
class StepRecord:
    """What was proved for one step.

    Attributes
    ----------
    number : int
        1-based step number (step k follows from step k − 1; step 0 is the left side).
    why : str
        The justification.
    general : str or None
        The zero-test method that proved it in general form (``"expand"``, ``"cancel"``), or
        None if not proved (or not attempted) in general form.
    concrete : tuple of str
        The concrete sizes for which it was proved (labels such as ``"n=3"``).
    checks : int
        Number of concrete (size, index-assignment, case) instances reduced to 0.
    assumptions : tuple of str
        Names of the assumptions used.
    relation : str
        ``"="``, ``"≤"``, ``"≥"``, ``"<"`` or ``">"``: how this step relates to the previous one.
    lemmas : tuple of str
        Names of the lemmas that justify an inequality step (their side conditions verified).
    stated : str or None
        For a step justified by a stated result: its name and source (the step is not proved).
    reason : str
        Why the step is proved for concrete sizes only (empty if proved in general form).
    """

    number: int
    why: str
    general: str | None
    concrete: tuple[str, ...]
    checks: int
    assumptions: tuple[str, ...]
    relation: str = "="
    lemmas: tuple[str, ...] = ()
    stated: str | None = None
    reason: str = ""


@dataclass(frozen=True)
class CheckRecord:
    """The record of a successful :meth:`Derivation.check <sce.symbolic.Derivation.check>`.

    Attributes
    ----------
    name : str
    steps : tuple of StepRecord
    seconds : float
        Wall time of the check.
    general_form : str
        Label of the general form, e.g. ``"general n"``.
    concrete_form : str
        Label of the concrete sizes, e.g. ``"n = 2..6"`` (empty if none).
    title : str
        What the derivation proves, in words.
    relation : str
        The relation of the whole chain, left side to result (``"="``, ``"≤"``, ...).
    equality : tuple of str
        For an inequality chain: LaTeX of the conditions under which equality holds (all of
        them together), from the lemmas' equality cases.
    """

    name: str
    steps: tuple[StepRecord, ...]
    seconds: float
    general_form: str
    concrete_form: str
    title: str = ""
    relation: str = "="
    equality: tuple[str, ...] = ()

    @property
    def n_steps(self) -> int:
        """Number of steps (links) checked."""
        return len(self.steps)

    @property
    def n_general(self) -> int:
        """Number of steps proved in general form."""
        return sum(s.general is not None for s in self.steps)

    @property
    def n_concrete(self) -> int:
        """Number of steps proved for every concrete size."""
        return sum(bool(s.concrete) for s in self.steps)

    @property
    def n_stated(self) -> int:
        """Number of steps justified by a stated (cited, not proved) result."""
        return sum(s.stated is not None for s in self.steps)

    @property
    def assumptions(self) -> tuple[str, ...]:
        """Every assumption used by some step, in order of first use."""
        return tuple(dict.fromkeys(a for s in self.steps for a in s.assumptions))

    @property
    def lemmas(self) -> tuple[str, ...]:
        """Every lemma used (stated results marked ``(stated: source)``), in order of use."""
        names = []
        for s in self.steps:
            names.extend(s.lemmas)
            if s.stated is not None:
                names.append(s.stated)
        return tuple(dict.fromkeys(names))

    @property
    def only_concrete(self) -> tuple[tuple[int, str], ...]:
        """(step number, reason) for each step proved for the concrete sizes only."""
        return tuple(
            (s.number, s.reason or "not proved in general form")
            for s in self.steps
            if s.general is None and s.stated is None
        )

    def forms(self) -> str:
        """Where it was proved, e.g. ``"general n, n = 2..6"``."""
        parts = []
        if self.n_general:
            every = self.n_general == self.n_steps - self.n_stated
            parts.append(self.general_form if every else f"{self.general_form} (not every step)")
        if self.concrete_form and self.n_concrete:
            parts.append(self.concrete_form)
        if self.n_stated:
            parts.append(f"{self.n_stated} stated")
        return ", ".join(parts)

    def __str__(self) -> str:
        parts = [f"{self.n_general} in {self.general_form} form"]
        if self.concrete_form:
            parts.append(f"{self.n_concrete} for {self.concrete_form}")
        if self.n_stated:
            parts.append(f"{self.n_stated} stated")
        steps = f"{self.n_steps} step{'' if self.n_steps == 1 else 's'}"
        return f"{self.name}: {steps} checked ({', '.join(parts)})"

    def _repr_markdown_(self) -> str:
        return f"✓ {self.n_steps} step{'' if self.n_steps == 1 else 's'} checked ({self.forms()})"


@dataclass
class _Registry:
    records: dict[int, tuple[Any, CheckRecord]] = field(default_factory=dict)
    failures: dict[int, tuple[Any, Any]] = field(default_factory=dict)
    collectors: list[list[CheckRecord]] = field(default_factory=list)
    failure_collectors: list[list[Any]] = field(default_factory=list)


_REGISTRY = _Registry()


def _register(derivation: Any, record: CheckRecord) -> None:
    """Called by every successful check (cached or not)."""
    _REGISTRY.records[id(derivation)] = (derivation, record)
    for bucket in _REGISTRY.collectors:
        if all(r is not record for r in bucket):
            bucket.append(record)


def _register_failure(derivation: Any, failure: Any) -> None:
    """Called by every check that finds a wrong step."""
    _REGISTRY.failures[id(derivation)] = (derivation, failure)
    for bucket in _REGISTRY.failure_collectors:
        if all(f is not failure for f in bucket):
            bucket.append(failure)


def checked() -> list[CheckRecord]:
    """The record of every derivation checked in this process, in the order first checked.

    Returns
    -------
    list of CheckRecord

    Raises
    ------
    None

    Examples
    --------
    >>> import sympy as sp
    >>> from sce.symbolic import Derivation
    >>> x = sp.Symbol("x")
    >>> rec = Derivation("square", (x + 1) ** 2, sizes=()).step(x**2 + 2 * x + 1, "expand").check()
    >>> rec in checked()
    True
    """
    return [rec for _, rec in _REGISTRY.records.values()]


def failed() -> list[Any]:
    """The :class:`~sce.symbolic.Failure` of every derivation found wrong in this process.

    Returns
    -------
    list of Failure

    Raises
    ------
    None

    Examples
    --------
    >>> import sympy as sp
    >>> from sce.symbolic import Derivation
    >>> x = sp.Symbol("x")
    >>> f = Derivation("wrong", (x + 1) ** 2, sizes=()).step(x**2 + 1, "expand").try_check()
    >>> f in failed()
    True
    """
    return [f for _, f in _REGISTRY.failures.values()]


def clear_records() -> None:
    """Forget every record and failure registered so far (collectors are kept).

    Returns
    -------
    None

    Raises
    ------
    None

    Examples
    --------
    >>> clear_records()
    >>> checked()
    []
    """
    _REGISTRY.records.clear()
    _REGISTRY.failures.clear()


@contextlib.contextmanager
def collect() -> Iterator[tuple[list[CheckRecord], list[Any]]]:
    """Gather the records (and failures) of every check made inside the ``with`` block.

    A derivation checked before the block and only re-checked (from its cache) inside it is
    gathered too, once.

    Yields
    ------
    (records, failures) : tuple of list
        Filled while the block runs.

    Raises
    ------
    None

    Examples
    --------
    >>> import sympy as sp
    >>> from sce.symbolic import Derivation
    >>> x = sp.Symbol("x")
    >>> with collect() as (records, failures):
    ...     _ = Derivation("d", x * (x + 1), sizes=()).step(x**2 + x, "expand").check()
    >>> [r.name for r in records], failures
    (['d'], [])
    """
    records: list[CheckRecord] = []
    failures: list[Any] = []
    _REGISTRY.collectors.append(records)
    _REGISTRY.failure_collectors.append(failures)
    try:
        yield records, failures
    finally:
        _REGISTRY.collectors.remove(records)
        _REGISTRY.failure_collectors.remove(failures)


@dataclass(frozen=True)
class ChapterRecord:
    """What the ``derivation`` cells of one chapter proved.

    Attributes
    ----------
    chapter : str
        The notebook's file name without extension, e.g. ``"02-softmax-jacobian"``.
    records : tuple of CheckRecord
        The derivations checked, in order.
    failures : tuple of Failure
        The derivations shown failing on purpose (wrong steps the chapter exhibits).
    cells : int
        Number of cells tagged ``derivation`` that ran.
    seconds : float
        Wall time of running them.
    """

    chapter: str
    records: tuple[CheckRecord, ...]
    failures: tuple[Any, ...]
    cells: int
    seconds: float

    @property
    def n_steps(self) -> int:
        """Steps checked in the chapter's derivations."""
        return sum(r.n_steps for r in self.records)


def _derivation_cells(path: Path) -> list[tuple[int, str, list[str]]]:
    import nbformat

    nb = nbformat.read(path, as_version=4)
    out = []
    for number, cell in enumerate(nb.cells, start=1):
        tags = list(cell.get("metadata", {}).get("tags", []))
        if cell.cell_type == "code" and "derivation" in tags:
            out.append((number, cell.source, tags))
    return out


def _run_cell(source: str, namespace: dict[str, Any], name: str) -> None:
    """Run a cell like a notebook does: the value of a last bare expression is displayed."""
    import ast

    tree = ast.parse(source, filename=name)
    last = tree.body[-1] if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    if last is not None:
        tree.body = tree.body[:-1]
    exec(compile(tree, name, "exec"), namespace)
    if last is not None:
        value = eval(compile(ast.Expression(last.value), name, "eval"), namespace)
        show = getattr(value, "_repr_markdown_", None) or getattr(value, "_repr_latex_", None)
        if show is not None:
            show()  # what a notebook displays: a derivation checks before it is rendered


def run_chapter_derivations(path: str | Path) -> ChapterRecord:
    """Execute, in order, only the cells tagged ``derivation`` of a chapter, in a fresh namespace.

    Each cell runs as in a notebook (its last bare expression is displayed, so a derivation
    left as the cell's value is checked as it would be rendered); printed and displayed output is
    discarded. A cell also tagged ``raises-exception`` must raise (an exercise's wrong attempt): its
    ``DerivationError`` is expected, its failure is gathered, and a cell that does not raise is
    an error.

    Parameters
    ----------
    path : str or pathlib.Path
        The chapter notebook.

    Returns
    -------
    ChapterRecord

    Raises
    ------
    FileNotFoundError
        If `path` does not exist.
    sce.symbolic.DerivationError
        If a derivation cell fails a check it does not expect to fail.
    RuntimeError
        If a cell tagged ``raises-exception`` does not raise.

    Examples
    --------
    >>> run_chapter_derivations("no-such-chapter.ipynb")
    Traceback (most recent call last):
    ...
    FileNotFoundError: path: no chapter at no-such-chapter.ipynb
    """
    from sce.symbolic.errors import DerivationError

    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"path: no chapter at {path}")
    cells = _derivation_cells(path)
    namespace: dict[str, Any] = {"__name__": f"__derivations_{path.stem}__"}
    start = time.perf_counter()
    try:  # display() calls of the cells are discarded too (inside IPython)
        from IPython.utils.capture import capture_output
    except ImportError:  # pragma: no cover - IPython is a dependency of the book
        capture_output = contextlib.nullcontext
    quiet = contextlib.redirect_stdout(io.StringIO())
    with collect() as (records, failures), quiet, capture_output():
        for number, source, tags in cells:
            name = f"{path.name}, cell {number}"
            if "raises-exception" in tags:
                try:
                    _run_cell(source, namespace, name)
                except DerivationError:
                    continue
                raise RuntimeError(f"{name} is tagged raises-exception but did not raise")
            _run_cell(source, namespace, name)
    return ChapterRecord(
        path.stem, tuple(records), tuple(failures), len(cells), time.perf_counter() - start
    )


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def record_list(chapters: list[ChapterRecord]) -> str:
    """Markdown of what each chapter's derivations proved: a heading per chapter, one numbered
    item per derivation (a list rather than a table, so that it reads on a phone).

    Each item gives the derivation's title (or name), its steps, where they were proved (general
    form, concrete sizes, stated), the steps proved for concrete sizes only (with the reason),
    its assumptions and its lemmas. Derivations shown failing on purpose say "shown failing at
    step k". A chapter without derivations is left out.

    Parameters
    ----------
    chapters : list of ChapterRecord

    Returns
    -------
    str

    Raises
    ------
    None

    Examples
    --------
    >>> print(record_list([ChapterRecord("01-demo", (), (), 0, 0.0)]))
    <BLANKLINE>
    """
    parts = []
    for ch in chapters:
        items = []
        for r in ch.records:
            facts = [f"{r.n_steps} step{'s' * (r.n_steps != 1)}, {r.forms()}"]
            facts += [f"step {k} for concrete sizes only: {why}" for k, why in r.only_concrete]
            if r.assumptions:
                facts.append("assuming " + "; ".join(r.assumptions))
            if r.lemmas:
                facts.append("lemmas: " + "; ".join(r.lemmas))
            items.append(f"**{r.title or r.name}**: " + "; ".join(facts))
        for f in ch.failures:
            d = f.derivation
            items.append(f"**{d.title or d.name}**: shown failing at step {f.step}")
        if items:
            lines = [f"{k}. {text}" for k, text in enumerate(items, 1)]
            parts.append(f"**{ch.chapter}**\n\n" + "\n".join(lines))
    return "\n\n".join(parts)
