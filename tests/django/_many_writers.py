"""The many-writers workload of ``tests/_many_writers.py``, written through the Django
store: each spawned process sets Django up on the parent's test database and records its
events in batches of mixed sizes and some single ``record`` calls."""

from __future__ import annotations

import random
from typing import Any

from motivekit import Kit
from tests import _many_writers as w
from tests.django._stores import open_store

__all__ = ["open_kit", "write"]


def open_kit(alias: str, database: dict[str, Any], **options: Any) -> Kit:
    """A Kit with the workload's rules and clock on the Django store of ``alias``."""
    return Kit(open_store(alias, database), rules=w.rules(), clock=w.clock, **options)


def write(alias: str, database: dict[str, Any], process: int, per_process: int) -> None:
    """One writer process (as ``tests._many_writers.write``)."""
    events = w.events_for(process, per_process)
    rng = random.Random(1000 + process)
    with open_kit(alias, database) as kit:
        i = 0
        while i < len(events):
            if rng.random() < 0.1:
                kit.record(events[i])
                i += 1
                continue
            size = rng.choice((5, 20, 50, 120))
            kit.record_many(events[i : i + size])
            i += size
