"""Ingest throughput of ``kit.record`` and ``kit.record_many``, each beside a bare-insert floor.

What is measured
----------------
Events per second for

* ``record``: ``kit.record(event)`` in a loop, one transaction per event;
* ``record_many``: ``kit.record_many(batch)`` with 1,000 events per call (one transaction each);

on two backends, ``memory://`` and a SQLite file in a fresh temporary directory opened with
``Kit.open("sqlite:///<tmp>/bench.db")`` (default settings: WAL, ``synchronous=FULL``), in three
scenarios:

* ``plain``: the actors have no goals (the pipeline still checks consent and looks for goals);
* ``goals``: 200 users with two active goals each, weekly and monthly, both counting the event's
  kind; the events are spread across those users, so every event moves two goals.
* ``mastery``: no goals; the Kit runs under a design file (``MASTERY_DESIGN``) with three skill
  tracks that all take the event's kind as evidence: an Elo track that learns item
  difficulties (``item``, starting from ``difficulty``, with a ``when`` that is always true),
  a BKT track and a criteria track, each with levels. The events carry ``ok`` (about 70%
  true), ``complexity`` (1-5), ``item`` (one of 500 ids) and ``lines``, spread over 200 users,
  so every event moves three skill states and one learned item (read, updated, written back).

Events are built before the clock starts; encoding them, deduplication, sequence numbers,
consent, goal matching, reading the evidence, the skill models, projections and the commit
are all inside the measurement. What the last event of each timed run changed is checked
after the clock stops (a fresh event moving the expected goals or skill states, and, for
mastery, its item learned), so a scenario that silently did less would fail, not flatter.

The floor
---------
Every figure, in every scenario, is printed beside a floor measured in the same run,
interleaved with it: a bare SQLAlchemy Core ``INSERT`` of the same journal row (the leaf
bytes, leaf hash and personal part motivekit writes, from ``motivekit._entries.seal``) into a
table created from motivekit's own definition of ``motivekit_journal``. The floor holds one
connection and its rows are built before the clock starts, so it is the least any
SQLAlchemy-based store could spend appending that row:

* SQLite file: a second file in the same directory, opened by motivekit's own engine factory
  (``_sqlite_engine``: WAL, ``synchronous=FULL``, every write a ``BEGIN IMMEDIATE``
  transaction). The ``record`` floor commits each row; the ``record_many`` floor inserts 1,000
  rows per transaction with executemany. Both pay the same durable commits motivekit pays, so
  the ratio is motivekit's own overhead.
* memory: the memory store does not use SQLite, so it has no true floor. Its "floor" is the
  same insert into an in-memory SQLite database (``sqlite://``): a yardstick for the cost of
  one Core insert, which puts both backends on the same scale, not a lower bound.

Cost per event against history
------------------------------
A separate measurement, in its own table (``history`` in the JSON): whether the cost of one
event grows with what the database already holds. Two SQLite files are built before any
clock starts, under the mastery scenario's design file and users, with ``record_many`` in
batches of 1,000 and ``synchronous=OFF`` (setup only): a small history of 1,000 events and a
large one of 50,000. Both are reopened with the defaults (WAL, ``synchronous=FULL``) and
``record`` (one event per transaction, mastery events) is timed on each: sized and warmed up
as above on the small one, the same count on both, three repetitions alternating small and
large, median kept. The timed events are appended, so each history grows a little during the
measurement; the table prints the journal size when the timing starts. Beside wall time it
prints CPU time per event (``time.process_time``), which leaves out the wait for ``fsync``
that dominates a durable commit. ``large/small`` is the large history's time per event over
the small one's: 1.0x means the cost per event does not grow with history. No target is set.

Method and targets
------------------
Each measurement is warmed up, sized from the warm-up to take about 1.25 s (the counts are
printed), repeated three times alternating with its floor, and the median kept. Before each
timed run the garbage collector runs and freezes what survives, so the clock does not see
collections scanning everything the process holds. ``--quick`` (a smoke test) shrinks runs
to about 0.05 s, the goals and mastery scenarios to 20 users and the histories to 200 and
2,000 events; its numbers mean little. A full run takes about 2.5 minutes.
``ratio`` is time per event divided by the floor's time per event: how many times slower than
the floor. Targets: ``record`` at most 3x its floor in the ``plain`` and ``goals`` scenarios
and at most 4x in ``mastery`` (three skill models and a learned item on top of the goals
scenario's work, against the same floor); ``record_many`` at least 20,000 events/s in every
scenario. A missed target prints ``MISSED``; the exit status is 0 regardless (this is a
measurement, not a test).

Usage: ``python benchmarks/ingest.py [--quick] [--json]``.
"""

from __future__ import annotations

import argparse
import functools
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal, TypeVar

import attrs
import sqlalchemy as sa
from _common import progress, size_run, sqlite_settings, timed, versions

from motivekit import Event, Kit, Outcome, load_rules
from motivekit._entries import event_draft, seal
from motivekit._kit import DEFAULT_MAX_EVENT_BYTES, RULES_VERSION
from motivekit._time import to_micros
from motivekit.rules import Rules
from motivekit.store import SqlStore
from motivekit.store.sql._schema import journal, metadata
from motivekit.store.sql.dialects import WRITE as _WRITE
from motivekit.store.sql.dialects.sqlite import create_engine as _sqlite_engine

Scenario = Literal["plain", "goals", "mastery"]
Backend = Literal["memory", "sqlite"]
Mode = Literal["record", "record_many"]
T = TypeVar("T")
Runner = Callable[[int], float]
"""Process ``n`` events (``n`` a multiple of the mode's batch size); return seconds taken."""

SCENARIOS: tuple[Scenario, ...] = ("plain", "goals", "mastery")
BACKENDS: tuple[Backend, ...] = ("memory", "sqlite")
MODES: tuple[Mode, ...] = ("record", "record_many")
KIND = "review.submitted"
BATCH = 1_000
RECORD_FLOOR_FACTOR = 3.0
MASTERY_RECORD_FLOOR_FACTOR = 4.0
RECORD_MANY_TARGET = 20_000.0
GOALS_PER_USER = 2
ITEMS = 500
"""Item ids the mastery scenario's events are spread over."""
MASTERY_DESIGN = """\
version: 1
tracks:
  - id: review-elo
    title: Code review (Elo)
    model: {elo: {guess: 0.0, k: {a: 1.0, b: 0.05}}}
    evidence:
      - on: review.submitted
        when: "event.data.lines > 0"
        outcome: "event.data.ok"
        difficulty: "event.data.complexity"
        item: "event.data.item"
    levels: [{name: Exploring, at: 0.0}, {name: Practising, at: 0.5}, {name: Fluent, at: 0.8}]
    scale: {typical: 3, step: 1, typical_tasks: medium reviews}
  - id: review-bkt
    title: Code review (BKT)
    model: {bkt: {prior: 0.2, learn: 0.1, guess: 0.2, slip: 0.1}}
    evidence:
      - {on: review.submitted, outcome: "event.data.ok"}
    levels: [{name: Learning, at: 0.0}, {name: Known, at: 0.95}]
  - id: review-criteria
    title: Code review (criteria)
    model: {criteria: {evidence: 20, min_difficulty: 4, at_difficulty: 5, success: 0.7}}
    evidence:
      - {on: review.submitted, outcome: "event.data.ok", difficulty: "event.data.complexity"}
    levels: [{name: Started, at: 0.0}, {name: Halfway, at: 0.5}, {name: Met, at: 1.0}]
"""
TRACKS = ("review-elo", "review-bkt", "review-criteria")
"""The design file's tracks, in order: every mastery event moves each of them."""
ELO_TRACK = "review-elo"
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
    small_history: int
    large_history: int
    """Events in the two databases of the history measurement before it starts."""


FULL = Settings(
    seconds=1.25,
    warmup_seconds=0.25,
    reps=3,
    users=200,
    max_events=120_000,
    small_history=1_000,
    large_history=50_000,
)
QUICK = Settings(
    seconds=0.05,
    warmup_seconds=0.02,
    reps=3,
    users=20,
    max_events=5_000,
    small_history=200,
    large_history=2_000,
)


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
    def floor_factor(self) -> float:
        """The most ``record`` may cost over its floor."""
        if self.scenario == "mastery":
            return MASTERY_RECORD_FLOOR_FACTOR
        return RECORD_FLOOR_FACTOR

    @property
    def target(self) -> str:
        if self.mode == "record":
            return f"<= {self.floor_factor:g}x floor"
        return f">= {RECORD_MANY_TARGET:,.0f} ev/s"

    @property
    def met(self) -> bool:
        if self.mode == "record":
            return self.ratio <= self.floor_factor
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


@attrs.frozen
class HistoryRun:
    """``record`` timed on a database already holding a history (see the module docstring)."""

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
            "scenario": "mastery",
            "backend": "sqlite",
            "mode": "record",
            "durability": self.durability,
            "small": self.small.to_json(),
            "large": self.large.to_json(),
            "ratio": round(self.ratio, 3),
            "cpu_ratio": round(self.cpu_ratio, 3),
        }


@attrs.frozen
class Expected:
    """What every fresh event of a scenario changes."""

    goals: int = 0
    tracks: tuple[str, ...] = ()
    """The tracks whose skill state it moves, in order."""
    learns_item: bool = False
    """Whether it moves a learned item (of ``ELO_TRACK``)."""


EXPECTED: dict[Scenario, Expected] = {
    "plain": Expected(),
    "goals": Expected(goals=GOALS_PER_USER),
    "mastery": Expected(tracks=TRACKS, learns_item=True),
}


def plain_data(i: int) -> dict[str, Any]:
    return {"item": f"doc-{i}", "words": 250 + i % 100}


def mastery_data(i: int) -> dict[str, Any]:
    """Evidence for the three tracks: about 70% successes, complexity 1-5, ``ITEMS`` items."""
    return {
        "ok": i * 37 % 10 < 7,
        "complexity": 1 + i * 13 % 5,
        "item": f"item-{i * 7 % ITEMS:03d}",
        "lines": 5 + i % 400,
    }


DATA: dict[Scenario, Callable[[int], dict[str, Any]]] = {
    "plain": plain_data,
    "goals": plain_data,
    "mastery": mastery_data,
}


@functools.cache
def mastery_rules() -> Rules:
    return load_rules("motivation.yaml", text=MASTERY_DESIGN)


def open_kit(scenario: Scenario, url: str, synchronous: str = "FULL") -> Kit:
    rules = mastery_rules() if scenario == "mastery" else None
    return Kit.open(url, rules=rules, synchronous=synchronous)


def scenario_actors(scenario: Scenario, users: int) -> list[str]:
    prefix = "visitor" if scenario == "plain" else "user"
    return [f"{prefix}-{i:03d}" for i in range(users)]


class EventSource:
    """Fresh events with unique ids, spread round-robin over ``actors``, with ``data(i)``."""

    def __init__(
        self,
        prefix: str,
        actors: Sequence[str],
        data: Callable[[int], dict[str, Any]] = plain_data,
    ) -> None:
        self._prefix = prefix
        self._actors = actors
        self._data = data
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
                data=self._data(i),
            )
            for i in range(start, start + n)
        ]


def _check_outcome(kit: Kit, event: Event, outcome: Outcome, expected: Expected) -> None:
    """Fail unless ``event`` was fresh and changed what its scenario expects (read after the
    clock stops, so it costs the measurement nothing)."""
    tracks = tuple(c.track for c in outcome.skill_changes)
    if (
        outcome.event_id != event.id
        or outcome.duplicate
        or len(outcome.goal_changes) != expected.goals
        or tracks != expected.tracks
    ):
        raise RuntimeError(
            f"benchmark bug: expected a fresh event moving {expected.goals} goal(s) and the "
            f"skill tracks {expected.tracks}, got {outcome!r}"
        )
    if expected.learns_item:
        item = str(event.data["item"])
        with kit.store.reading() as session:
            learned = session.skill_items([(ELO_TRACK, item)])
        if learned.get((ELO_TRACK, item), (0.0, 0))[1] < 1:
            raise RuntimeError(f"benchmark bug: item {item!r} was not learned")


def _batches(items: Sequence[Any]) -> list[Sequence[Any]]:
    return [items[i : i + BATCH] for i in range(0, len(items), BATCH)]


def kit_runner(kit: Kit, source: EventSource, mode: Mode, expected: Expected) -> Runner:
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
        _check_outcome(kit, events[-1], last, expected)
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

    def __init__(
        self,
        prefix: str,
        actors: Sequence[str],
        data: Callable[[int], dict[str, Any]] = plain_data,
    ) -> None:
        source = EventSource(prefix, actors, data)
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
        url = "memory://" if backend == "memory" else f"sqlite:///{tmp / 'bench.db'}"
        kit = open_kit(scenario, url)
        engine = floor_engine(backend, tmp)
        try:
            durability = "in memory" if backend == "memory" else check_floor_settings(kit, engine)
            actors = scenario_actors(scenario, settings.users)
            if scenario == "goals":
                add_goals(kit, actors)
            data = DATA[scenario]
            floor_rows = FloorRows(f"floor-{scenario}", actors, data)
            for mode in MODES:
                progress(f"{scenario:<7} {backend:<7} {mode:<12}")
                source = EventSource(f"{scenario}-{mode}", actors, data)
                result = measure(
                    scenario,
                    backend,
                    mode,
                    kit_runner(kit, source, mode, EXPECTED[scenario]),
                    floor_runner(engine, floor_rows, mode),
                    settings,
                )
                progress(f" {result.events_per_s:>10,.0f} ev/s (x{result.ratio:.2f})\n")
                results.append(attrs.evolve(result, durability=durability))
        finally:
            kit.close()
            engine.dispose()
    return results


def build_history(url: str, actors: Sequence[str], events: int) -> None:
    """A mastery database holding ``events`` events, written fast (setup, not measured)."""
    with open_kit("mastery", url, synchronous="OFF") as kit:
        source = EventSource("history", actors, mastery_data)
        for start in range(0, events, BATCH):
            kit.record_many(source.take(min(BATCH, events - start)))


def history_runner(kit: Kit, source: EventSource, cpu_runs: list[float]) -> Runner:
    """``record`` one event per transaction; each run's CPU seconds go to ``cpu_runs``."""
    expected = EXPECTED["mastery"]

    def run(n: int) -> float:
        events = source.take(n)

        def work() -> Outcome:
            record = kit.record
            outcome = None
            cpu = time.process_time()
            for event in events:
                outcome = record(event)
            cpu_runs.append(time.process_time() - cpu)
            assert outcome is not None
            return outcome

        elapsed, last = timed(work)
        _check_outcome(kit, events[-1], last, expected)
        return elapsed

    return run


def bench_history(settings: Settings) -> History:
    """``record`` on SQLite after a small and after a large mastery history."""
    actors = scenario_actors("mastery", settings.users)
    sizes = {"small": settings.small_history, "large": settings.large_history}
    with tempfile.TemporaryDirectory(prefix="motivekit-bench-") as tmp_dir:
        urls = {name: f"sqlite:///{Path(tmp_dir) / f'{name}.db'}" for name in sizes}
        for name, events in sizes.items():
            progress(f"history {name:<5} building {events:,} events\n")
            build_history(urls[name], actors, events)
        kits = {name: open_kit("mastery", url) for name, url in urls.items()}
        try:
            store = kits["small"].store
            if not isinstance(store, SqlStore):
                raise RuntimeError(f"benchmark bug: expected a SQL store, got {store!r}")
            durability = sqlite_settings(store.engine)
            cpu: dict[str, list[float]] = {name: [] for name in sizes}
            runners = {
                name: history_runner(
                    kit, EventSource(f"timed-{name}", actors, mastery_data), cpu[name]
                )
                for name, kit in kits.items()
            }
            sized = functools.partial(
                size_run,
                unit=1,
                seconds=settings.seconds,
                warmup=settings.warmup_seconds,
                most=settings.max_events,
            )
            n = sized(runners["small"])
            sized(runners["large"])  # warms the large database up the same way
            entries = {name: kit.journal.size() for name, kit in kits.items()}
            runs: dict[str, list[float]] = {name: [] for name in sizes}
            for name in sizes:
                cpu[name].clear()  # keep only the timed repetitions' CPU times
            progress(f"history record       {n:,} events x {settings.reps} on each")
            for _ in range(settings.reps):
                for name, run in runners.items():
                    runs[name].append(run(n))
        finally:
            for kit in kits.values():
                kit.close()
    small, large = (
        HistoryRun(entries[name], n, tuple(runs[name]), tuple(cpu[name])) for name in sizes
    )
    history = History(small, large, durability)
    progress(f" large/small x{history.ratio:.2f} (cpu x{history.cpu_ratio:.2f})\n")
    return history


def environment(settings: Settings, quick: bool) -> dict[str, Any]:
    return {
        **versions(),
        "quick": quick,
        "seconds_per_run": settings.seconds,
        "reps": settings.reps,
        "goal_users": settings.users,
        "mastery_users": settings.users,
        "mastery_tracks": list(TRACKS),
        "mastery_items": ITEMS,
        "batch": BATCH,
        "history_events": [settings.small_history, settings.large_history],
    }


def print_table(results: Sequence[Result], history: History, env: dict[str, Any]) -> None:
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
        f"{GOALS_PER_USER} goals; mastery scenario: {env['mastery_users']} users, "
        f"{len(TRACKS)} tracks (Elo with learned items, BKT, criteria), {ITEMS} items"
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
    print_history(history)
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


def print_history(history: History) -> None:
    print()
    print(
        "cost per event against history: mastery scenario, sqlite, record (one event per "
        f"transaction); median of {len(history.small.runs_s)} runs, alternating"
    )
    header = (
        f"{'history':<9}{'entries':>9}{'events':>8}{'events/s':>10}{'ms/ev':>8}{'cpu ms/ev':>11}"
    )
    print(header)
    print("-" * len(header))
    for name, run in (("small", history.small), ("large", history.large)):
        print(
            f"{name:<9}{run.entries:>9,}{run.events:>8,}{1 / run.seconds_per_event:>10,.0f}"
            f"{run.seconds_per_event * 1e3:>8.3f}{run.cpu_seconds_per_event * 1e3:>11.3f}"
        )
    print(
        f"large/small: {history.ratio:.2f}x time per event, {history.cpu_ratio:.2f}x CPU per "
        "event (1.0x means the cost per event does not grow with history)"
    )
    print(f"entries = journal size when the timing starts; store runs with: {history.durability}")


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
    history = bench_history(settings)
    if args.json:
        document = {
            "environment": env,
            "results": [r.to_json() for r in results],
            "history": history.to_json(),
            "all_targets_met": all(r.met for r in results),
        }
        print(json.dumps(document, indent=2))
    else:
        print_table(results, history, env)
    return 0


if __name__ == "__main__":
    sys.exit(main())
