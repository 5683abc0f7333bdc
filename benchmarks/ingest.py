"""Ingest throughput of ``kit.record`` and ``kit.record_many``, each beside a bare-insert floor.

What is measured
----------------
Events per second for

* ``record``: ``kit.record(event)`` in a loop, one transaction per event;
* ``record_many``: ``kit.record_many(batch)`` with 1,000 events per call (one transaction each);

on two backends, ``memory://`` and a SQLite file in a fresh temporary directory opened with
``Kit.open("sqlite:///<tmp>/bench.db")`` (default settings: WAL, ``synchronous=FULL``), in two
scenarios:

* ``plain``: the actors have no goals (the pipeline still checks consent and looks for goals);
* ``goals``: 200 users with two active goals each, weekly and monthly, both counting the event's
  kind; the events are spread across those users, so every event moves two goals.

Events are built before the clock starts; encoding them, deduplication, sequence numbers,
consent, goal matching, projections and the commit are all inside the measurement.

The floor
---------
Every figure is printed beside a floor measured in the same run, interleaved with it: a bare
SQLAlchemy Core ``INSERT`` of the same journal row (the leaf bytes, leaf hash and personal
part motivekit writes, from ``motivekit._entries.seal``) into a table created from
motivekit's own definition of ``motivekit_journal``. The floor holds one connection and its
rows are built before the clock starts, so it is the least any SQLAlchemy-based store could
spend appending that row:

* SQLite file: a second file in the same directory, opened by motivekit's own engine factory
  (``_sqlite_engine``: WAL, ``synchronous=FULL``, every write a ``BEGIN IMMEDIATE``
  transaction). The ``record`` floor commits each row; the ``record_many`` floor inserts 1,000
  rows per transaction with executemany. Both pay the same durable commits motivekit pays, so
  the ratio is motivekit's own overhead.
* memory: the memory store does not use SQLite, so it has no true floor. Its "floor" is the
  same insert into an in-memory SQLite database (``sqlite://``): a yardstick for the cost of
  one Core insert, which puts both backends on the same scale, not a lower bound.

Method and targets
------------------
Each measurement is warmed up, sized from the warm-up to take about 1.25 s (the counts are
printed), repeated three times alternating with its floor, and the median kept. Before each
timed run the garbage collector runs and freezes what survives, so the clock does not see
collections scanning everything the process holds. ``--quick`` (a smoke test) shrinks runs
to about 0.05 s and the goals scenario to 20 users; its numbers mean little.
``ratio`` is time per event divided by the floor's time per event: how many times slower than
the floor. Targets: ``record`` at most 3x its floor; ``record_many`` at least 20,000 events/s.
A missed target prints ``MISSED``; the exit status is 0 regardless (this is a measurement,
not a test).

Usage: ``python benchmarks/ingest.py [--quick] [--json]``.
"""

from __future__ import annotations

import argparse
import functools
import json
import statistics
import sys
import tempfile
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal, TypeVar

import attrs
import sqlalchemy as sa
from _common import progress, size_run, sqlite_settings, timed, versions

from motivekit import Event, Kit, Outcome
from motivekit._entries import event_draft, seal
from motivekit._kit import DEFAULT_MAX_EVENT_BYTES, RULES_VERSION
from motivekit._time import to_micros
from motivekit.store import SqlStore
from motivekit.store._schema import journal, metadata
from motivekit.store._sql import _WRITE, _sqlite_engine

Scenario = Literal["plain", "goals"]
Backend = Literal["memory", "sqlite"]
Mode = Literal["record", "record_many"]
T = TypeVar("T")
Runner = Callable[[int], float]
"""Process ``n`` events (``n`` a multiple of the mode's batch size); return seconds taken."""

SCENARIOS: tuple[Scenario, ...] = ("plain", "goals")
BACKENDS: tuple[Backend, ...] = ("memory", "sqlite")
MODES: tuple[Mode, ...] = ("record", "record_many")
KIND = "review.submitted"
BATCH = 1_000
RECORD_FLOOR_FACTOR = 3.0
RECORD_MANY_TARGET = 20_000.0
GOALS_PER_USER = 2
FLOOR_NOTES: dict[Backend, str] = {
    "sqlite": (
        "bare Core INSERT into a separate SQLite file (WAL, synchronous=FULL, "
        "BEGIN IMMEDIATE), one held connection"
    ),
    "memory": (
        "bare Core INSERT into an in-memory SQLite database (sqlite://): a yardstick "
        "for one Core insert, not a lower bound for the memory store"
    ),
}


@attrs.frozen
class Settings:
    seconds: float
    """How long each timed repetition should take."""
    warmup_seconds: float
    reps: int
    users: int
    max_events: int
    """Cap on one repetition's event count (keeps fast floors from filling memory and disk)."""


FULL = Settings(seconds=1.25, warmup_seconds=0.25, reps=3, users=200, max_events=120_000)
QUICK = Settings(seconds=0.05, warmup_seconds=0.02, reps=3, users=20, max_events=5_000)


@attrs.frozen
class Result:
    scenario: Scenario
    backend: Backend
    mode: Mode
    events: int
    """Events per timed repetition."""
    events_per_s: float
    floor_events: int
    floor_events_per_s: float
    runs_s: tuple[float, ...]
    floor_runs_s: tuple[float, ...]
    durability: str = ""
    """The store's and the floor's SQLite settings (checked equal)."""

    @property
    def ratio(self) -> float:
        """Time per event over the floor's time per event."""
        return self.floor_events_per_s / self.events_per_s

    @property
    def target(self) -> str:
        if self.mode == "record":
            return f"<= {RECORD_FLOOR_FACTOR:g}x floor"
        return f">= {RECORD_MANY_TARGET:,.0f} ev/s"

    @property
    def met(self) -> bool:
        if self.mode == "record":
            return self.ratio <= RECORD_FLOOR_FACTOR
        return self.events_per_s >= RECORD_MANY_TARGET

    def to_json(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario,
            "backend": self.backend,
            "mode": self.mode,
            "events": self.events,
            "events_per_s": round(self.events_per_s, 1),
            "floor": FLOOR_NOTES[self.backend],
            "durability": self.durability,
            "floor_events": self.floor_events,
            "floor_events_per_s": round(self.floor_events_per_s, 1),
            "ratio": round(self.ratio, 3),
            "runs_s": [round(t, 6) for t in self.runs_s],
            "floor_runs_s": [round(t, 6) for t in self.floor_runs_s],
            "target": self.target,
            "met": self.met,
        }


class EventSource:
    """Fresh events with unique ids, spread round-robin over ``actors``."""

    def __init__(self, prefix: str, actors: Sequence[str]) -> None:
        self._prefix = prefix
        self._actors = actors
        self._next = 0

    def event_id(self, i: int) -> str:
        return f"{self._prefix}-{i:08d}"

    def take(self, n: int) -> list[Event]:
        at = datetime.now(UTC)  # after any goal was created, so every event counts
        start, self._next = self._next, self._next + n
        return [
            Event(
                self.event_id(i),
                KIND,
                self._actors[i % len(self._actors)],
                at=at,
                data={"item": f"doc-{i}", "words": 250 + i % 100},
            )
            for i in range(start, start + n)
        ]


def _check_outcome(outcome: Outcome, goals_per_event: int) -> None:
    if outcome.duplicate or len(outcome.goal_changes) != goals_per_event:
        raise RuntimeError(
            f"benchmark bug: expected a fresh event moving {goals_per_event} goal(s), "
            f"got {outcome!r}"
        )


def _batches(items: Sequence[Any]) -> list[Sequence[Any]]:
    return [items[i : i + BATCH] for i in range(0, len(items), BATCH)]


def kit_runner(kit: Kit, source: EventSource, mode: Mode, goals_per_event: int) -> Runner:
    def run(n: int) -> float:
        events = source.take(n)
        if mode == "record":

            def work() -> Outcome:
                record = kit.record
                outcome = None
                for event in events:
                    outcome = record(event)
                assert outcome is not None
                return outcome

        else:
            batches = _batches(events)

            def work() -> Outcome:
                record_many = kit.record_many
                outcomes: list[Outcome] = []
                for batch in batches:
                    outcomes = record_many(batch)
                return outcomes[-1]

        elapsed, last = timed(work)
        _check_outcome(last, goals_per_event)
        return elapsed

    return run


class FloorRows:
    """Journal rows for the floor, sized exactly like the rows motivekit writes.

    Building a real ``Event`` and entry per row would make the fast floors spend most of the
    run preparing input, so the stored rows (leaf bytes, leaf hash and personal part, from
    ``seal``) of one batch of real
    events are reused; each row gets its own sequence number and event id. Ids have a fixed
    width, so every row has the size of the entry it copies.
    """

    def __init__(self, prefix: str, actors: Sequence[str]) -> None:
        source = EventSource(prefix, actors)
        self._id = source.event_id
        recorded_at = datetime.now(UTC)
        self._pool: list[dict[str, Any]] = []
        for event in source.take(BATCH):
            draft = event_draft(event, recorded_at, RULES_VERSION, DEFAULT_MAX_EVENT_BYTES)
            entry = seal(draft, 1)
            self._pool.append(
                {
                    "type": entry.type,
                    "name": entry.name,
                    "recorded_at": to_micros(entry.recorded_at),
                    "entry": entry.raw,
                    "leaf_hash": entry.leaf_hash,
                    "subject": entry.subject,
                    "personal": entry.personal,
                }
            )
        self._seq = 0

    def take(self, n: int) -> list[dict[str, Any]]:
        start, self._seq = self._seq, self._seq + n
        pool = self._pool
        return [
            {**pool[i % len(pool)], "seq": i + 1, "event_id": self._id(i)}
            for i in range(start, start + n)
        ]


def floor_runner(engine: sa.Engine, rows: FloorRows, mode: Mode) -> Runner:
    insert = journal.insert()

    def run(n: int) -> float:
        prepared = rows.take(n)
        with engine.connect() as conn:
            conn.execution_options(**{_WRITE: True})  # BEGIN IMMEDIATE, as the store writes
            if mode == "record":

                def work() -> None:
                    for row in prepared:
                        with conn.begin():
                            conn.execute(insert, row)

            else:
                batches = _batches(prepared)

                def work() -> None:
                    for batch in batches:
                        with conn.begin():
                            conn.execute(insert, batch)

            return timed(work)[0]

    return run


def floor_engine(backend: Backend, tmp: Path) -> sa.Engine:
    url = "sqlite://" if backend == "memory" else f"sqlite:///{tmp / 'floor.db'}"
    engine = _sqlite_engine(sa.make_url(url), "FULL", create=True)
    metadata.create_all(engine, tables=[journal])
    return engine


def check_floor_settings(kit: Kit, engine: sa.Engine) -> str:
    """Fail unless the floor database runs with the same settings as the Kit's store."""
    if not isinstance(kit.store, SqlStore):
        raise RuntimeError(f"benchmark bug: expected a SQL store, got {kit.store!r}")
    store, floor = sqlite_settings(kit.store.engine), sqlite_settings(engine)
    if store != floor:
        raise RuntimeError(f"floor runs with {floor}, the store with {store}: not comparable")
    return store


def add_goals(kit: Kit, users: Sequence[str]) -> None:
    for user in users:
        kit.goals.create(user, "Review every week", {"event": KIND, "count": 5, "per": "week"})
        kit.goals.create(user, "Review every month", {"event": KIND, "count": 20, "per": "month"})


def measure(
    scenario: Scenario,
    backend: Backend,
    mode: Mode,
    store_run: Runner,
    floor_run: Runner,
    settings: Settings,
) -> Result:
    unit = 1 if mode == "record" else BATCH
    sized = functools.partial(
        size_run,
        unit=unit,
        seconds=settings.seconds,
        warmup=settings.warmup_seconds,
        most=settings.max_events,
    )
    n, floor_n = sized(store_run), sized(floor_run)
    runs, floor_runs = [], []
    for _ in range(settings.reps):
        runs.append(store_run(n))
        floor_runs.append(floor_run(floor_n))
    return Result(
        scenario,
        backend,
        mode,
        n,
        n / statistics.median(runs),
        floor_n,
        floor_n / statistics.median(floor_runs),
        tuple(runs),
        tuple(floor_runs),
    )


def bench_backend(scenario: Scenario, backend: Backend, settings: Settings) -> list[Result]:
    results = []
    with tempfile.TemporaryDirectory(prefix="motivekit-bench-") as tmp_dir:
        tmp = Path(tmp_dir)
        kit = Kit.open("memory://" if backend == "memory" else f"sqlite:///{tmp / 'bench.db'}")
        engine = floor_engine(backend, tmp)
        try:
            durability = "in memory" if backend == "memory" else check_floor_settings(kit, engine)
            if scenario == "goals":
                actors = [f"user-{i:03d}" for i in range(settings.users)]
                add_goals(kit, actors)
                goals_per_event = GOALS_PER_USER
            else:
                actors = [f"visitor-{i:03d}" for i in range(settings.users)]
                goals_per_event = 0
            floor_rows = FloorRows(f"floor-{scenario}", actors)
            for mode in MODES:
                progress(f"{scenario:<6} {backend:<7} {mode:<12}")
                source = EventSource(f"{scenario}-{mode}", actors)
                result = measure(
                    scenario,
                    backend,
                    mode,
                    kit_runner(kit, source, mode, goals_per_event),
                    floor_runner(engine, floor_rows, mode),
                    settings,
                )
                progress(f" {result.events_per_s:>10,.0f} ev/s (x{result.ratio:.2f})\n")
                results.append(attrs.evolve(result, durability=durability))
        finally:
            kit.close()
            engine.dispose()
    return results


def environment(settings: Settings, quick: bool) -> dict[str, Any]:
    return {
        **versions(),
        "quick": quick,
        "seconds_per_run": settings.seconds,
        "reps": settings.reps,
        "goal_users": settings.users,
        "batch": BATCH,
    }


def print_table(results: Sequence[Result], env: dict[str, Any]) -> None:
    header = (
        f"{'scenario':<9}{'backend':<9}{'mode':<13}{'events':>8}{'events/s':>12}"
        f"{'floor ev/s':>13}{'ratio':>8}  {'target':<19}status"
    )
    print(
        f"motivekit {env['motivekit']} ingest benchmark - Python {env['python']}, "
        f"SQLAlchemy {env['sqlalchemy']}, SQLite {env['sqlite']}, {env['platform']}"
    )
    print(
        f"median of {env['reps']} runs of ~{env['seconds_per_run']:g} s each; "
        f"record_many batches of {BATCH:,}; goals scenario: {env['goal_users']} users x "
        f"{GOALS_PER_USER} goals"
    )
    if env["quick"]:
        print("--quick: tiny counts, the numbers are not meaningful")
    print()
    print(header)
    print("-" * len(header))
    for r in results:
        print(
            f"{r.scenario:<9}{r.backend:<9}{r.mode:<13}{r.events:>8,}{r.events_per_s:>12,.0f}"
            f"{r.floor_events_per_s:>13,.0f}{r.ratio:>7.2f}x  {r.target:<19}"
            f"{'ok' if r.met else 'MISSED'}"
        )
    print()
    print("ratio = time per event / floor time per event (how many times slower than the floor)")
    for backend, note in FLOOR_NOTES.items():
        print(f"floor ({backend}): {note}")
    checked = sorted({r.durability for r in results if r.backend == "sqlite"})
    print(f"sqlite store and floor checked to run with: {'; '.join(checked)}")
    print("record floor: one row per transaction; record_many floor: executemany of 1,000 rows")
    missed = [r for r in results if not r.met]
    print()
    if missed:
        for r in missed:
            print(
                f"MISSED: {r.scenario}/{r.backend}/{r.mode}: {r.events_per_s:,.0f} ev/s, "
                f"{r.ratio:.2f}x floor; target {r.target}"
            )
    else:
        print("all targets met")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="tiny counts (smoke test)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    args = parser.parse_args(argv)
    settings = QUICK if args.quick else FULL
    env = environment(settings, args.quick)
    results: list[Result] = []
    for scenario in SCENARIOS:
        for backend in BACKENDS:
            results.extend(bench_backend(scenario, backend, settings))
    if args.json:
        document = {
            "environment": env,
            "results": [r.to_json() for r in results],
            "all_targets_met": all(r.met for r in results),
        }
        print(json.dumps(document, indent=2))
    else:
        print_table(results, env)
    return 0


if __name__ == "__main__":
    sys.exit(main())
