"""Helpers shared by the benchmarks (imported as ``_common`` when a script runs)."""

from __future__ import annotations

import gc
import math
import platform
import sqlite3
import statistics
import sys
import textwrap
import time
from collections.abc import Callable
from typing import TypeVar

import sqlalchemy as sa

import motivekit

__all__ = ["FEED_RULES", "progress", "size_run", "sqlite_settings", "timed", "versions"]

T = TypeVar("T")

FEED_RULES = textwrap.dedent(
    """\
    version: 1
    impact:
      contributions:
        - {on: answer.posted, id: "event.data.answer_id", noun: answer}
      beneficiary_events:
        - on: answer.marked_helpful
          credits: "event.data.answer_id"
          story: "{beneficiary} found your {noun} helpful"
    """
)
"""The design file of the feed benchmarks (``feed.py``, ``flask_api.py``): answers, and
helpful marks that credit them."""


def timed(work: Callable[[], T]) -> tuple[float, T]:
    """Seconds ``work`` takes, and its result."""
    # Collect, then freeze what survives: the clock then sees only the collections the
    # work itself causes, not scans of everything the process (and the store) holds.
    gc.collect()
    gc.freeze()
    start = time.perf_counter()
    result = work()
    return time.perf_counter() - start, result


def sqlite_settings(engine: sa.Engine) -> str:
    """The durability settings a connection of ``engine`` runs with."""
    with engine.connect() as conn:
        mode = conn.exec_driver_sql("PRAGMA journal_mode").scalar_one()
        sync = conn.exec_driver_sql("PRAGMA synchronous").scalar_one()
    names = {0: "OFF", 1: "NORMAL", 2: "FULL", 3: "EXTRA"}
    return f"journal_mode={mode}, synchronous={names.get(sync, sync)}"


def progress(text: str) -> None:
    """Show progress on standard error."""
    sys.stderr.write(text)
    sys.stderr.flush()


def size_run(
    run: Callable[[int], float], unit: int, *, seconds: float, warmup: float, most: int
) -> int:
    """Warm ``run(n)`` up, then pick a count (a multiple of ``unit``) lasting ``seconds``."""
    n, elapsed = unit, 0.0
    while True:
        elapsed = run(n)
        if elapsed >= warmup or n >= most:
            break
        n = min(n * 2, most)
    wanted = seconds * n / max(elapsed, 1e-9)
    units = max(1, math.ceil(wanted / unit))
    return min(units * unit, max(unit, most // unit * unit))


def versions() -> dict[str, str]:
    """What the figures were measured with."""
    return {
        "motivekit": motivekit.__version__,
        "python": platform.python_version(),
        "sqlalchemy": sa.__version__,
        "sqlite": sqlite3.sqlite_version,
        "platform": platform.platform(),
    }


class MedianRuns:
    """Mixed into a result holding ``runs_s`` and ``floor_runs_s`` (seconds per repetition,
    of the measured work and of its floor): the medians and their ratio."""

    runs_s: tuple[float, ...]
    floor_runs_s: tuple[float, ...]

    @property
    def seconds(self) -> float:
        return statistics.median(self.runs_s)

    @property
    def floor_seconds(self) -> float:
        return statistics.median(self.floor_runs_s)

    @property
    def ratio(self) -> float:
        """Time over the floor's time (the same work)."""
        return self.seconds / self.floor_seconds
