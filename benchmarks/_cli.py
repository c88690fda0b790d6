"""The command line the two benchmark scripts share: ``--quick`` and ``--out``."""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"


def parser(doc: str, quick_help: str) -> argparse.ArgumentParser:
    """An argument parser with ``--quick`` and ``--out``, described by the script's docstring."""
    ap = argparse.ArgumentParser(description=doc.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help=quick_help)
    ap.add_argument(
        "--out",
        default=None,
        help="JSON output (default: results/...json; with --quick, in the temp directory)",
    )
    return ap


def output_path(args: argparse.Namespace, name: str) -> str:
    """Where the JSON goes: ``--out``, else ``results/NAME.json``; a quick run never replaces it."""
    if args.out is not None:
        return args.out
    if args.quick:
        return str(Path(tempfile.gettempdir()) / f"sce-{name}-quick.json")
    return str(RESULTS / f"{name}.json")
