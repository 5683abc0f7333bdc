"""Cost per event against history: ``record`` timed on a Kit already holding a small and a
large history of the same scenario (see ``ingest.py``'s docstring).

For each scenario and store, two Kits are filled before any clock starts, each with its
scenario's setup and then ``record_many`` in batches of ``BATCH`` (on SQLite a file written
with ``synchronous=OFF``, then reopened with the defaults: WAL, ``synchronous=FULL``; the
memory store is filled and timed in one Kit). Then ``record`` (one event per transaction)
is timed on both, the same count on each (at most ``most`` events a run, so timing adds
little to the small history), repetitions alternating small and large, median kept,
events numbered on from the history (answers cite the history's answers, marks of help
credit them). A build stops early when the store slows down as it fills, so a store
whose cost grows with history cannot stall the run: once three batches in a row each take
more than ``SLOWDOWN`` times the median of the first five, or the build has taken its time
budget. The table then says how far it got.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs
from _common import progress, size_run, timed
from _ingest_floors import BATCH, store_settings
from _ingest_workloads import Scenario, Workload, open_kit

from motivekit import Kit, Outcome

__all__ = ["History", "HistoryRun", "bench_history"]

Backend = str
SLOWDOWN = 4.0
"""A build stops once three batches in a row each took this many times its first ones."""


@attrs.frozen
class HistoryRun:
    """``record`` timed on a Kit holding a history."""

    wanted: int
    """Events the history was to hold."""
    built: int
    """Events it holds (less than ``wanted`` when the build stopped early)."""
    build_s: float
    stopped: str
    """Why the build stopped early ("" if it did not)."""
    entries: int
    """Journal entries when the timing starts."""
    events: int
    """Events per timed repetition."""
    runs_s: tuple[float, ...]
    cpu_runs_s: tuple[float, ...]

    @property
    def seconds_per_event(self) -> float:
        return statistics.median(self.runs_s) / self.events

    @property
    def cpu_seconds_per_event(self) -> float:
        return statistics.median(self.cpu_runs_s) / self.events

    def to_json(self) -> dict[str, Any]:
        return {
            "history_events_wanted": self.wanted,
            "history_events": self.built,
            "build_s": round(self.build_s, 2),
            "stopped_early": self.stopped or None,
            "entries": self.entries,
            "events": self.events,
            "events_per_s": round(1 / self.seconds_per_event, 1),
            "ms_per_event": round(self.seconds_per_event * 1e3, 4),
            "cpu_ms_per_event": round(self.cpu_seconds_per_event * 1e3, 4),
            "runs_s": [round(t, 6) for t in self.runs_s],
            "cpu_runs_s": [round(t, 6) for t in self.cpu_runs_s],
        }


@attrs.frozen
class History:
    """The same ``record`` timed after a small and after a large history."""

    scenario: Scenario
    backend: Backend
    small: HistoryRun
    large: HistoryRun
    durability: str

    @property
    def ratio(self) -> float:
        """Large history's time per event over the small one's."""
        return self.large.seconds_per_event / self.small.seconds_per_event

    @property
    def cpu_ratio(self) -> float:
        return self.large.cpu_seconds_per_event / self.small.cpu_seconds_per_event

    def to_json(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario,
            "backend": self.backend,
            "mode": "record",
            "durability": self.durability,
            "small": self.small.to_json(),
            "large": self.large.to_json(),
            "ratio": round(self.ratio, 3),
            "cpu_ratio": round(self.cpu_ratio, 3),
        }


@attrs.frozen
class _Built:
    built: int
    seconds: float
    stopped: str


def _build(kit: Kit, workload: Workload, events: int, budget: float) -> _Built:
    """Setup and ``events`` events of history, in batches (see the module docstring)."""
    workload.setup(kit)
    start = time.perf_counter()
    times: list[float] = []
    built, stopped = 0, ""
    while built < events:
        batch = workload.take(min(BATCH, events - built))
        began = time.perf_counter()
        workload.check(kit, batch, kit.record_many(batch))
        times.append((time.perf_counter() - began) / len(batch))
        built += len(batch)
        first = statistics.median(times[:5])
        if len(times) > 8 and all(t > SLOWDOWN * first for t in times[-3:]):
            stopped = f"per-event time grew over {SLOWDOWN:g}x while building"
        elif time.perf_counter() - start > budget and built < events:
            stopped = f"build time budget of {budget:g} s reached"
        if stopped:
            break
    return _Built(built, time.perf_counter() - start, stopped)


def _runner(kit: Kit, workload: Workload, cpu_runs: list[float]) -> Callable[[int], float]:
    """``record`` one event per transaction; each run's CPU seconds go to ``cpu_runs``."""

    def run(n: int) -> float:
        events = workload.take(n)

        def work() -> list[Outcome]:
            record = kit.record
            cpu = time.process_time()
            outcomes = [record(event) for event in events]
            cpu_runs.append(time.process_time() - cpu)
            return outcomes

        elapsed, outcomes = timed(work)
        workload.check(kit, events, outcomes)
        return elapsed

    return run


def bench_history(
    scenario: Scenario,
    backend: Backend,
    *,
    users: int,
    sizes: tuple[int, int],
    seconds: float,
    warmup: float,
    reps: int,
    most: int,
    budget: float,
) -> History:
    """``record`` after a small and after a large history of ``scenario`` on ``backend``."""
    names = ("small", "large")
    with tempfile.TemporaryDirectory(prefix="motivekit-bench-") as tmp_dir:
        workloads = {name: Workload(scenario, users) for name in names}
        built: dict[str, _Built] = {}
        kits: dict[str, Kit] = {}
        try:
            for name, events in zip(names, sizes, strict=True):
                progress(f"history {scenario:<9} {backend:<7} {name}: building {events:,} events")
                if backend == "memory":
                    kits[name] = open_kit(scenario, "memory://")
                    built[name] = _build(kits[name], workloads[name], events, budget)
                else:
                    url = f"sqlite:///{Path(tmp_dir) / f'{name}.db'}"
                    with open_kit(scenario, url, synchronous="OFF") as kit:
                        built[name] = _build(kit, workloads[name], events, budget)
                    kits[name] = open_kit(scenario, url)
                b = built[name]
                early = f" - stopped at {b.built:,}: {b.stopped}" if b.stopped else ""
                progress(f" in {b.seconds:.1f} s{early}\n")
            durability = "in memory" if backend == "memory" else store_settings(kits["small"])[0]
            cpu: dict[str, list[float]] = {name: [] for name in names}
            runners = {name: _runner(kits[name], workloads[name], cpu[name]) for name in names}
            n = size_run(runners["small"], 1, seconds=seconds, warmup=warmup, most=most)
            size_run(runners["large"], 1, seconds=seconds, warmup=warmup, most=most)  # warms up
            entries = {name: kit.journal.size() for name, kit in kits.items()}
            runs: dict[str, list[float]] = {name: [] for name in names}
            for name in names:
                cpu[name].clear()  # keep only the timed repetitions' CPU times
            progress(f"history {scenario:<9} {backend:<7} record {n:,} events x {reps} on each")
            for _ in range(reps):
                for name, run in runners.items():
                    runs[name].append(run(n))
        finally:
            for kit in kits.values():
                kit.close()
    small, large = (
        HistoryRun(
            wanted,
            built[name].built,
            built[name].seconds,
            built[name].stopped,
            entries[name],
            n,
            tuple(runs[name]),
            tuple(cpu[name]),
        )
        for name, wanted in zip(names, sizes, strict=True)
    )
    history = History(scenario, backend, small, large, durability)
    progress(f" large/small x{history.ratio:.2f} (cpu x{history.cpu_ratio:.2f})\n")
    return history
