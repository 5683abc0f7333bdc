"""Replay throughput: rebuilding every person's goals from the journal, beside reading it.

What is measured
----------------
A SQLite file holds ``--people`` people (default 2,000) who each adopted one or two goals
from a design file at version 1 and then did ``--events`` things each (default 25):

* everyone adopted ``weekly-reviews`` (``review.submitted`` in repo ``core``, per week), every
  third person with a count of their own (so a changed template count does not reach them);
  every other person also adopted ``daily-answers`` (``answer.posted``, once a day);
* events, interleaved across people in the journal as a live app writes them: reviews in
  repo ``core`` (counted), reviews in repo ``docs`` (the right kind, filtered out by
  ``where``), answers (counted by ``daily-answers`` where adopted), comments (no goal counts
  them); one in ten is dated before its actor's goals were made (matches, does not count).

The database is built before any clock starts, with ``record_many`` in batches of 1,000 and
``synchronous=OFF`` (setup only); the measurements then reopen it with the defaults (WAL,
``synchronous=FULL``, writes ``BEGIN IMMEDIATE``). Three measurements, each repeated three
times, median kept; in repetition ``r`` (0, 1, 2) the design file is version ``2 + r`` with
the ``weekly-reviews`` count ``4 + r``, so versions only go up and every real replay has the
same amount to change (the file is loaded before the clock starts):

* ``dry run``: ``kit.reload_rules(v, dry_run=True)``: every person folded and compared with
  what is stored, nothing written;
* ``replay``: ``kit.reload_rules(v)``: the same, and the goals of the two thirds of people
  whose target follows the template rewritten (with their day counts);
* ``unchanged``: ``kit.replay()`` right after, under the same rules: every person folded and
  compared, no projection to write (only the replay cursor, once per batch of 200 people).

Each run's report is checked (everyone replayed; the expected people changed, or none).
``people/s`` is people replayed per second; ``entries/s`` counts the journal entries about
those people (their goal commands and events) per second.

The floor
---------
Measured in the same run, interleaved with the replays, on the same database through the
same store (so the same engine and SQLite settings): every person's entries read the way
replay reads them, listed with ``session.subjects`` and fetched with one
``session.subject_entries(person)`` (``SELECT ... WHERE subject = ? ORDER BY seq``) per
person inside ``store.reading()``, and each entry's JSON decoded with
``motivekit._entries.open_entry`` (leaf bytes and personal part). That is the cost of reading
the journal any replay must pay, so ``ratio`` (time over the floor's time) is what folding,
comparing and writing cost on top. As a second reference, the bare full scan: ``SELECT *
FROM motivekit_journal`` on the sqlite3 driver's cursor, rows fetched and nothing decoded
(its ratio, below 1, shows what per-person lookups and decoding cost over raw reading).

Method
------
Before the measurements the floor, the scan and a dry run each run once to warm the page
cache. Before each timed run the garbage collector runs and freezes what survives. No
targets are set yet: the figures are a baseline. ``--quick`` (a smoke test) builds 40
people with 6 events each; its numbers mean little.

Usage: ``python benchmarks/replay.py [--quick] [--json] [--people N] [--events N]``.
"""

from __future__ import annotations

import argparse
import functools
import json
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Literal

import attrs
import sqlalchemy as sa
from _common import MedianRuns, progress, sqlite_settings, timed, versions

from motivekit import Event, Kit, ReplayReport, load_rules
from motivekit._entries import open_entry
from motivekit.rules import Rules
from motivekit.store import SqlStore

Measure = Literal["dry_run", "replay", "unchanged"]

MEASURES: tuple[Measure, ...] = ("dry_run", "replay", "unchanged")
LABELS: dict[Measure, str] = {
    "dry_run": "dry run",
    "replay": "replay",
    "unchanged": "unchanged",
}
BATCH = 1_000
PAGE = 10_000
START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)  # a Monday
SPAN_DAYS = 30
FLOOR_NOTE = (
    "session.subjects + one session.subject_entries(person) per person in one "
    "store.reading(), open_entry on each entry; same store, engine and settings"
)
SCAN_NOTE = "SELECT * FROM motivekit_journal on the sqlite3 driver's cursor, rows fetched"


@attrs.frozen
class Settings:
    people: int
    events: int
    """Events per person."""
    reps: int


FULL = Settings(people=2_000, events=25, reps=3)
QUICK = Settings(people=40, events=6, reps=3)


def design(version: int, count: int) -> str:
    return textwrap.dedent(
        f"""\
        version: {version}
        goals:
          allow_custom: true
          menu:
            - id: weekly-reviews
              title: Review pull requests
              measure: {{event: review.submitted, count: {count}, per: week, where: {{repo: core}}}}
              adjustable: [count, per]
            - id: daily-answers
              title: Answer questions
              measure: {{event: answer.posted, count: 1, per: day}}
        """
    )


def rules(version: int, count: int) -> Rules:
    return load_rules("motivation.yaml", text=design(version, count))


# -- the database ------------------------------------------------------------------------------


class Clock:
    """A clock set by hand, so goals are made before the events that count for them."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@attrs.frozen
class Database:
    people: int
    events_per_person: int
    goals: int
    entries: int
    """Journal entries (every one is about a person)."""
    follows_template: int
    """People whose weekly-reviews count follows the template (a replay changes them)."""
    file_mb: float
    build_s: float

    def to_json(self) -> dict[str, Any]:
        return {
            "people": self.people,
            "events_per_person": self.events_per_person,
            "goals": self.goals,
            "entries": self.entries,
            "follows_template": self.follows_template,
            "file_mb": round(self.file_mb, 2),
            "build_s": round(self.build_s, 2),
        }


def person(i: int) -> str:
    return f"user-{i:05d}"


def event(i: int, j: int, settings: Settings) -> Event:
    """Person ``i``'s ``j``-th event (see the module docstring for the mix)."""
    at = START + timedelta(days=j * SPAN_DAYS / settings.events, seconds=i % 3_600)
    if (7 * i + j) % 10 == 0:
        at = START - timedelta(days=1, seconds=i % 3_600)  # before the goals were made
    data: dict[str, Any] = {"item": f"item-{j}", "words": 100 + (i + j) % 400}
    match (i + j) % 5:
        case 0 | 1:
            kind, data["repo"] = "review.submitted", "core"
        case 2:
            kind, data["repo"] = "review.submitted", "docs"
        case 3:
            kind = "answer.posted"
        case _:
            kind = "comment.posted"
    return Event(f"ev-{i:05d}-{j:04d}", kind, person(i), at=at, data=data)


def build(path: Path, settings: Settings) -> Database:
    """Write the database (untimed setup; ``synchronous=OFF`` to save time)."""
    start = time.perf_counter()
    clock = Clock(START)
    url = f"sqlite:///{path}"
    goals = follows = 0
    with Kit.open(url, rules=rules(1, 3), clock=clock, synchronous="OFF") as kit:
        progress(f"building: {settings.people:,} people ")
        for i in range(settings.people):
            if i % 3 == 0:
                kit.goals.adopt(person(i), "weekly-reviews", count=5)
            else:
                kit.goals.adopt(person(i), "weekly-reviews")
                follows += 1
            goals += 1
            if i % 2 == 0:
                kit.goals.adopt(person(i), "daily-answers")
                goals += 1
        clock.now = START + timedelta(days=SPAN_DAYS + 1)
        events = [
            event(i, j, settings) for j in range(settings.events) for i in range(settings.people)
        ]
        progress(f"x {settings.events} events ")
        for k in range(0, len(events), BATCH):
            kit.record_many(events[k : k + BATCH])
            if k // BATCH % 10 == 9:
                progress(".")
        entries = kit.journal.size()
    build_s = time.perf_counter() - start
    progress(f" {build_s:.1f} s\n")
    if entries != goals + len(events):
        raise RuntimeError(f"benchmark bug: {entries} entries for {goals} goals, {len(events)}")
    return Database(
        settings.people,
        settings.events,
        goals,
        entries,
        follows,
        path.stat().st_size / 1e6,
        build_s,
    )


# -- measurements ------------------------------------------------------------------------------


@attrs.frozen
class Result(MedianRuns):
    measure: Measure
    people: int
    entries: int
    changed: int
    runs_s: tuple[float, ...]
    floor_runs_s: tuple[float, ...]

    @property
    def people_per_s(self) -> float:
        return self.people / self.seconds

    @property
    def entries_per_s(self) -> float:
        return self.entries / self.seconds

    def to_json(self) -> dict[str, Any]:
        return {
            "measure": self.measure,
            "people": self.people,
            "entries": self.entries,
            "changed": self.changed,
            "seconds": round(self.seconds, 6),
            "people_per_s": round(self.people_per_s, 1),
            "entries_per_s": round(self.entries_per_s, 1),
            "ratio": round(self.ratio, 3),
            "runs_s": [round(t, 6) for t in self.runs_s],
        }


@attrs.frozen
class Reference(MedianRuns):
    """The floor or the full scan: what reading the journal costs."""

    name: str
    note: str
    people: int
    entries: int
    runs_s: tuple[float, ...]
    floor_runs_s: tuple[float, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "measure": self.name,
            "note": self.note,
            "people": self.people,
            "entries": self.entries,
            "seconds": round(self.seconds, 6),
            "people_per_s": round(self.people / self.seconds, 1),
            "entries_per_s": round(self.entries / self.seconds, 1),
            "ratio": round(self.ratio, 3),
            "runs_s": [round(t, 6) for t in self.runs_s],
        }


def read_journal(store: SqlStore) -> tuple[float, tuple[int, int]]:
    """The floor: every person's entries read as replay reads them, and decoded;
    (seconds, (people, entries))."""

    def work() -> tuple[int, int]:
        people = entries = 0
        with store.reading() as session:
            after: str | None = None
            while page := session.subjects(after, PAGE):
                for subject in page:
                    for entry in session.subject_entries(subject):
                        if entry.personal is not None:
                            open_entry(entry.raw, entry.personal)
                        entries += 1
                people += len(page)
                after = page[-1]
        return people, entries

    return timed(work)


def full_scan(engine: sa.Engine) -> tuple[float, int]:
    """The bare full scan: (seconds, rows)."""

    def work() -> int:
        with engine.connect() as conn, conn.begin():
            driver = conn.connection.driver_connection
            assert driver is not None
            cursor = driver.cursor()
            try:
                return len(cursor.execute("SELECT * FROM motivekit_journal").fetchall())
            finally:
                cursor.close()

    return timed(work)


def check(report: ReplayReport, measure: Measure, db: Database, dry_run: bool) -> int:
    """Fail unless the replay did what the database says it must; return how many changed."""
    expected = 0 if measure == "unchanged" else db.follows_template
    if report.people != db.people or len(report.changed) != expected or report.dry_run != dry_run:
        raise RuntimeError(
            f"benchmark bug: {measure}: {report.people} people replayed, "
            f"{len(report.changed)} changed; expected {db.people} and {expected}"
        )
    return expected


def bench(
    path: Path, db: Database, settings: Settings
) -> tuple[list[Result], list[Reference], str]:
    kit = Kit.open(f"sqlite:///{path}", rules=rules(1, 3))
    try:
        store = kit.store
        if not isinstance(store, SqlStore):
            raise RuntimeError(f"benchmark bug: expected a SQL store, got {store!r}")
        durability = sqlite_settings(store.engine)
        # Warm the page cache (and the statement caches) once, untimed.
        read_journal(store)
        full_scan(store.engine)
        kit.reload_rules(rules(2, 4), dry_run=True)

        runs: dict[Measure, list[float]] = {m: [] for m in MEASURES}
        floor_runs: list[float] = []
        scan_runs: list[float] = []
        for rep in range(settings.reps):
            version, count = 2 + rep, 4 + rep
            progress(f"rep {rep + 1}/{settings.reps}: floor ")
            floor_s, (people, entries) = read_journal(store)
            if (people, entries) != (db.people, db.entries):
                raise RuntimeError(f"benchmark bug: the floor read {people}, {entries}")
            floor_runs.append(floor_s)
            progress(f"{floor_s:.3f} s")
            new_rules = rules(version, count)  # loaded before the clock starts
            steps: list[tuple[Measure, Callable[[], ReplayReport]]] = [
                ("dry_run", functools.partial(kit.reload_rules, new_rules, dry_run=True)),
                ("replay", functools.partial(kit.reload_rules, new_rules)),
                ("unchanged", kit.replay),
            ]
            for measure, run in steps:
                elapsed, report = timed(run)
                check(report, measure, db, dry_run=measure == "dry_run")
                runs[measure].append(elapsed)
                progress(f", {LABELS[measure]} {elapsed:.3f} s")
            scan_s, rows = full_scan(store.engine)
            if rows != db.entries:
                raise RuntimeError(f"benchmark bug: the scan read {rows} rows")
            scan_runs.append(scan_s)
            progress(f", scan {scan_s:.3f} s\n")
    finally:
        kit.close()
    results = [
        Result(
            m,
            db.people,
            db.entries,
            0 if m == "unchanged" else db.follows_template,
            tuple(runs[m]),
            tuple(floor_runs),
        )
        for m in MEASURES
    ]
    references = [
        Reference("floor", FLOOR_NOTE, db.people, db.entries, tuple(floor_runs), tuple(floor_runs)),
        Reference("scan", SCAN_NOTE, db.people, db.entries, tuple(scan_runs), tuple(floor_runs)),
    ]
    return results, references, durability


# -- output ------------------------------------------------------------------------------------


def environment(settings: Settings, quick: bool, durability: str) -> dict[str, Any]:
    return {
        **versions(),
        "quick": quick,
        "reps": settings.reps,
        "durability": durability,
        "replay_batch": 200,
    }


def print_table(
    results: Sequence[Result],
    references: Sequence[Reference],
    db: Database,
    env: dict[str, Any],
) -> None:
    print(
        f"motivekit {env['motivekit']} replay benchmark - Python {env['python']}, "
        f"SQLAlchemy {env['sqlalchemy']}, SQLite {env['sqlite']}, {env['platform']}"
    )
    print(
        f"median of {env['reps']} runs; SQLite file with {env['durability']}, writes "
        f"BEGIN IMMEDIATE; replay batches of {env['replay_batch']} people"
    )
    if env["quick"]:
        print("--quick: tiny counts, the numbers are not meaningful")
    print(
        f"database: {db.people:,} people, {db.goals:,} goals, {db.events_per_person} events "
        f"each; {db.entries:,} journal entries, {db.file_mb:.1f} MB; built in {db.build_s:.1f} s "
        f"(untimed)"
    )
    print()
    header = (
        f"{'measure':<12}{'people/s':>11}{'entries/s':>12}{'us/entry':>10}{'s/run':>9}"
        f"{'ratio':>8}{'changed':>9}"
    )
    print(header)
    print("-" * len(header))
    for r in results:
        print(
            f"{LABELS[r.measure]:<12}{r.people_per_s:>11,.0f}{r.entries_per_s:>12,.0f}"
            f"{1e6 / r.entries_per_s:>10.1f}{r.seconds:>9.3f}{r.ratio:>7.2f}x{r.changed:>9,}"
        )
    for ref in references:
        print(
            f"{ref.name:<12}{ref.people / ref.seconds:>11,.0f}{ref.entries / ref.seconds:>12,.0f}"
            f"{1e6 * ref.seconds / ref.entries:>10.1f}{ref.seconds:>9.3f}{ref.ratio:>7.2f}x"
        )
    print()
    print("ratio = time / floor time over the same people and entries")
    print(f"floor: {FLOOR_NOTE}")
    print(f"scan: {SCAN_NOTE} (a second reference)")
    print("changed = people whose projections a run changed (would change, for the dry run)")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="tiny counts (smoke test)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument("--people", type=int, help=f"people (default {FULL.people:,})")
    parser.add_argument("--events", type=int, help=f"events per person (default {FULL.events})")
    args = parser.parse_args(argv)
    settings = QUICK if args.quick else FULL
    if args.people is not None:
        settings = attrs.evolve(settings, people=args.people)
    if args.events is not None:
        settings = attrs.evolve(settings, events=args.events)
    if settings.people < 1 or settings.events < 1:
        parser.error("--people and --events must be at least 1")
    with tempfile.TemporaryDirectory(prefix="motivekit-bench-") as tmp_dir:
        path = Path(tmp_dir) / "replay.db"
        db = build(path, settings)
        results, references, durability = bench(path, db, settings)
    env = environment(settings, args.quick, durability)
    if args.json:
        document = {
            "environment": env,
            "database": db.to_json(),
            "results": [r.to_json() for r in results],
            "references": [r.to_json() for r in references],
        }
        print(json.dumps(document, indent=2))
    else:
        print_table(results, references, db, env)
    return 0


if __name__ == "__main__":
    sys.exit(main())
