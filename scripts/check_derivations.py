"""Check every derivation of the book, chapter by chapter, in this fresh process, and time it.

Usage: ``python scripts/check_derivations.py [chapters/NN-topic.ipynb ...]`` (default: every
chapter). For each chapter, only its cells tagged ``derivation`` run, in order, in a fresh
namespace (:func:`sce.symbolic.run_chapter_derivations`); the script prints, per chapter, the
derivations checked, their steps (proved in general form / stated), the derivations shown
failing on purpose and the time, then the totals. A derivation that does not check stops the
script with a non-zero exit.

While chapters still call the transitional derivations of ``sce.symbolic._book``, the line
"not yet in a chapter" checks the ones that no chapter's derivation cells checked, so the total
always covers every derivation of the book.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHAPTERS = ROOT / "chapters"


def main(argv: list[str]) -> int:
    start = time.perf_counter()
    from sce import symbolic

    paths = [Path(a).resolve() for a in argv] or sorted(CHAPTERS.glob("*.ipynb"))
    totals = [0, 0, 0, 0]
    print(
        f"{'chapter':<28} {'derivations':>11} {'steps':>6} {'general':>8} {'failing':>8} {'s':>6}"
    )
    for path in paths:
        try:
            chapter = symbolic.run_chapter_derivations(path)
        except symbolic.DerivationError as error:
            print(f"FAILED {path.name}: {error}", file=sys.stderr)
            return 1
        general = sum(r.n_general for r in chapter.records)
        row = (len(chapter.records), chapter.n_steps, general, len(chapter.failures))
        totals = [a + b for a, b in zip(totals, row, strict=True)]
        print(f"{chapter.chapter:<28} {row[0]:>11} {row[1]:>6} {row[2]:>8} {row[3]:>8} "
              f"{chapter.seconds:>6.1f}")  # fmt: skip
    if not argv and hasattr(symbolic, "all_derivations"):
        seen = {r.name for r in symbolic.checked()}
        rest = {k: d for k, d in symbolic.all_derivations().items() if k not in seen}
        t0 = time.perf_counter()
        records = symbolic.check_all(rest)
        row = (
            len(records),
            sum(r.n_steps for r in records.values()),
            sum(r.n_general for r in records.values()),
            0,
        )
        totals = [a + b for a, b in zip(totals, row, strict=True)]
        print(f"{'(not yet in a chapter)':<28} {row[0]:>11} {row[1]:>6} {row[2]:>8} {row[3]:>8} "
              f"{time.perf_counter() - t0:>6.1f}")  # fmt: skip
    print(
        f"{'total':<28} {totals[0]:>11} {totals[1]:>6} {totals[2]:>8} {totals[3]:>8} "
        f"{time.perf_counter() - start:>6.1f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
