"""What the benchmarks share: one timer, and one way to write their table as JSON."""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any, NamedTuple


class Timed(NamedTuple):
    seconds: float
    result: Any


def elapsed(fn) -> Timed:
    """Wall-clock seconds of one call of ``fn()``, and what it returned."""
    start = time.perf_counter()
    result = fn()
    return Timed(time.perf_counter() - start, result)


def best_of(fn, repeat: int) -> Timed:
    """The fastest of ``repeat`` calls of ``fn()``, after one warm-up call.

    The machine may be shared, so the minimum is the fair number: other load only
    ever adds time.
    """
    result = fn()
    return Timed(min(elapsed(fn).seconds for _ in range(repeat)), result)


def parser(description: str) -> argparse.ArgumentParser:
    """A command-line parser with the option every benchmark takes, ``--json PATH``."""
    p = argparse.ArgumentParser(description=description)
    p.add_argument(
        "--json",
        type=Path,
        metavar="PATH",
        help="also write the table to PATH as JSON, for a script to check",
    )
    return p


def write_json(path: Path | None, table: dict) -> None:
    """Write ``table`` to ``path`` as indented JSON; do nothing when ``path`` is None."""
    if path is not None:
        path.write_text(json.dumps(table, indent=2) + "\n", encoding="utf-8")
