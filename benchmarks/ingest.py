"""Ingest throughput of ``kit.record`` and ``kit.record_many``, each beside a floor, with the
statements SQLite runs per event and the cost per event against history.

What is measured
----------------
Events per second for

* ``record``: ``kit.record(event)`` in a loop, one transaction per event;
* ``record_many``: ``kit.record_many(batch)`` with 1,000 events per call (one transaction each);

on two backends, ``memory://`` and a SQLite file in a fresh temporary directory opened with
``Kit.open("sqlite:///<tmp>/bench.db")`` (default settings: WAL, ``synchronous=FULL``), in five
scenarios (``_ingest_workloads.py``), each spread over 200 users:

* ``plain``: the actors have no goals (the pipeline still checks consent and looks for goals);
* ``goals``: every user has two active goals, weekly and monthly, both counting the event's
  kind, so every event moves two goals;
* ``mastery``: a design file with three skill tracks that all take the event as evidence: an
  Elo track that learns item difficulties (500 items), a BKT track and a criteria track, so
  every event moves three skill states and one learned item;
* ``impact``: a design file with ``impact:`` only. Events alternate: an ``answer.posted``
  creates a contribution that builds on the answer before it (answers form a chain); an
  ``answer.marked_helpful`` credits one of the last 8 answers, whose chain is credited to
  ``max_depth: 3``: four people, at depths 0 to 3 (the reader wrote none of them), so four
  impact items and the feed entries they join;
* ``community``: one stream moving everything, as a Q&A site would: the same two kinds, but
  ``answer.posted`` also counts for its author's weekly goal, is evidence for an Elo track
  (question difficulty, the question a learned item) and counts for a mission with
  milestones; ``answer.marked_helpful`` credits a chain of four as above.

Events are built before the clock starts; encoding, deduplication, sequence numbers,
consent, matching, the folds, projections and the commit are all inside the measurement.
After the clock stops every timed event's outcome is checked (``Workload.check``): fresh,
and moving exactly the goals, skill tracks, mission and credits (recipients, contributions,
depths) its scenario promises, with the last event's item learned. A scenario that silently
did less fails the run instead of flattering it.

The floors
----------
Each figure is printed beside a floor measured in the same run, interleaved with it, on a
database with the same settings (WAL, ``synchronous=FULL``, ``BEGIN IMMEDIATE``; checked
equal to the Kit's). Both floors write rows motivekit itself wrote: a **pilot** Kit records
the scenario's events into a scratch SQLite file first (setup, one warm-up batch, then the
batch whose writes are captured: every table read before and after it). See
``_ingest_floors.py`` for the details.

* ``record`` beside the **per-row floor**: a bare SQLAlchemy Core ``INSERT`` of the pilot's
  journal rows, one per transaction, on one held connection: the least any SQLAlchemy-based
  store could spend appending the entry (the projections are motivekit's to make cheap).
* ``record_many`` beside the **raw-driver floor**: every row the pilot's batch wrote, the
  journal rows and the projection rows (goal counts, skill states, learned items,
  contributions, impact items, feed entries, mission totals, tree tiles, the log head, ...),
  written again with the ``sqlite3`` driver's ``executemany`` (inserts with fresh keys,
  changed rows updated in place by primary key), 1,000 events' worth per transaction, into
  a copy of the pilot's database. It reads nothing: what writing motivekit's rows costs.
* memory backend: the memory store does not use SQLite, so it has no true floor; both floors
  run on an in-memory SQLite database instead (a yardstick putting both backends on one
  scale, not a lower bound).

Statements per event
--------------------
Counted in the pilot Kit (``_ingest_counting.py``), over its ``record`` events and over its
``record_many`` batch. **Statements** (``stmt``, the count the target is about) are the SQL
statements the store sends: every ``execute``, ``executemany`` and ``executescript`` call on
the ``sqlite3`` connection or its cursors, whoever makes them; an ``executemany`` of 1,000
rows is one statement (prepared once, 1,000 parameter rows), as a set-wise
``INSERT ... SELECT`` would be. **Executions** (``exec``) are every run SQLite makes
(``set_trace_callback``): an ``executemany`` of 1,000 rows counts 1,000, so in
``record_many`` they follow the rows written, which the raw-driver floor writes too (its
``floor rows/ev``). ``BEGIN``/``COMMIT`` are left out of both and printed apart
(``tx/txn``). Writing a batch's rows set-wise on SQLite (one ``INSERT ... SELECT ... FROM
json_each(?)`` per table) would make executions constant too, but measured 2-8x slower than
``executemany`` for the same rows, so SQLite keeps ``executemany``.

Cost per event against history
------------------------------
``_ingest_history.py``: for every scenario on both stores, ``record`` timed on a Kit holding
1,000 and one holding 100,000 events of that scenario's history (built with
``record_many``, on SQLite with ``synchronous=OFF`` and reopened with the defaults), the
same count on both, alternating, median of three. ``large/small`` is the large history's
time per event over the small one's: 1.0x means it does not grow with history (O(1) is
expected; no target). A repetition (and each warm-up run) is at most 1,000 events, so the
warm-up and the timed events (appended too) add a few thousand at most; the table prints
the journal size when the timing starts. CPU time per event (``time.process_time``,
leaving out the wait for ``fsync``) is printed too. A build that slows down as it fills
(three batches in a row over 4x the first ones), or runs past its time budget (240 s),
stops early; the table marks it and says how far it got.

Method and targets
------------------
Each measurement is warmed up, sized from the warm-up to take about 1.25 s (history: 1 s),
repeated three times alternating with its floor, and the median kept; the garbage collector
runs and freezes what survives before each timed run. ``ratio`` is time per event over the
floor's time per event. Targets: ``record`` at most 2x its per-row floor in ``plain`` and
``goals``, 3x in ``mastery``, ``impact`` and ``community``; ``record_many`` at most 2x the
raw-driver floor in ``plain`` and ``goals``, 3x in the others; at most 2 statements per event
(BEGIN/COMMIT left out) in ``record_many``, in every scenario. A missed target prints
``MISSED``; the exit status is 0 regardless (this is a measurement, not a test).

A full run takes about 12 minutes on the 2-core development VM (the 100,000-event histories
are most of it); ``--scenario NAME`` (repeatable) runs only some scenarios, ``--no-history``
skips the history measurement. ``--quick`` (a smoke test, well under a minute) shrinks runs to
about 0.05 s, the users to 20 and the histories to 200 and 2,000 events; its numbers mean
little.

Usage: ``python benchmarks/ingest.py [--quick] [--json] [--scenario NAME ...] [--no-history]``.
"""

from __future__ import annotations

import argparse
import functools
import json
import statistics
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Literal

import attrs
from _common import progress, size_run, timed, versions
from _ingest_counting import Counts
from _ingest_floors import BATCH, CoreFloor, Pilot, RawFloor, check_same, run_pilot, store_settings
from _ingest_history import History, bench_history
from _ingest_workloads import IMPACT_DEPTH, SCENARIOS, TRACKS, Scenario, Workload, open_kit

from motivekit import Kit, Outcome

Backend = Literal["memory", "sqlite"]
Mode = Literal["record", "record_many"]
Runner = Callable[[int], float]
"""Process ``n`` events (``n`` a multiple of the mode's batch size); return seconds taken."""

BACKENDS: tuple[Backend, ...] = ("sqlite", "memory")
MODES: tuple[Mode, ...] = ("record", "record_many")
FLOOR_FACTOR: dict[Scenario, float] = {
    "plain": 2.0,
    "goals": 2.0,
    "mastery": 3.0,
    "impact": 3.0,
    "community": 3.0,
}
"""The most each scenario may cost over its floor, in both modes."""
STATEMENTS_TARGET = 2.0
"""The most statements per event ``record_many`` may send (BEGIN/COMMIT left out; an
``executemany`` is one statement)."""
FLOOR_NAMES: dict[Mode, str] = {"record": "per-row", "record_many": "raw-driver"}
FLOOR_NOTES: dict[str, str] = {
    "record": (
        "per-row floor: the pilot's journal rows, one bare SQLAlchemy Core INSERT per "
        "transaction, one held connection"
    ),
    "record_many": (
        "raw-driver floor: every row the pilot's batch wrote (journal and projections), "
        "sqlite3 executemany, 1,000 events' rows per transaction"
    ),
    "sqlite": "sqlite: separate files in the same directory, the Kit's settings (checked)",
    "memory": (
        "memory: the floors run on an in-memory SQLite database - a yardstick, not a lower "
        "bound for the memory store"
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
    pilot_records: int
    """Events the pilot records one by one (for ``record``'s statement counts)."""
    small_history: int
    large_history: int
    history_seconds: float
    history_budget: float
    """Seconds one history build may take before it stops early."""


FULL = Settings(
    seconds=1.25,
    warmup_seconds=0.25,
    reps=3,
    users=200,
    max_events=120_000,
    pilot_records=200,
    small_history=1_000,
    large_history=100_000,
    history_seconds=1.0,
    history_budget=240.0,
)
QUICK = Settings(
    seconds=0.05,
    warmup_seconds=0.02,
    reps=3,
    users=20,
    max_events=5_000,
    pilot_records=20,
    small_history=200,
    large_history=2_000,
    history_seconds=0.05,
    history_budget=20.0,
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
    """The store's and the floors' SQLite settings (checked equal)."""

    @property
    def ratio(self) -> float:
        """Time per event over the floor's time per event."""
        return self.floor_events_per_s / self.events_per_s

    @property
    def factor(self) -> float:
        return FLOOR_FACTOR[self.scenario]

    @property
    def target(self) -> str:
        return f"<= {self.factor:g}x {FLOOR_NAMES[self.mode]}"

    @property
    def met(self) -> bool:
        return self.ratio <= self.factor

    def to_json(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario,
            "backend": self.backend,
            "mode": self.mode,
            "events": self.events,
            "events_per_s": round(self.events_per_s, 1),
            "floor": FLOOR_NAMES[self.mode],
            "floor_note": f"{FLOOR_NOTES[self.mode]}; {FLOOR_NOTES[self.backend]}",
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
class Statements:
    """What the pilot Kit asked SQLite to do per event, in one mode."""

    scenario: Scenario
    mode: Mode
    counts: Counts
    floor_rows_per_event: float
    """Rows (so executions) the mode's floor writes per event."""

    @property
    def target(self) -> str:
        return f"<= {STATEMENTS_TARGET:g} stmt/ev" if self.mode == "record_many" else ""

    @property
    def met(self) -> bool:
        return self.mode == "record" or self.counts.statements_per_event <= STATEMENTS_TARGET

    def to_json(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario,
            "backend": "sqlite",
            "mode": self.mode,
            **self.counts.to_json(),
            "floor_rows_per_event": round(self.floor_rows_per_event, 3),
            "target": self.target or None,
            "met": self.met,
        }


def statements(pilot: Pilot) -> list[Statements]:
    return [
        Statements(pilot.scenario, "record", pilot.counts["record"], 1.0),
        Statements(
            pilot.scenario, "record_many", pilot.counts["record_many"], pilot.rows_per_event
        ),
    ]


def kit_runner(kit: Kit, workload: Workload, mode: Mode) -> Runner:
    def run(n: int) -> float:
        events = workload.take(n)
        if mode == "record":

            def work() -> list[Outcome]:
                record = kit.record
                return [record(event) for event in events]

        else:
            batches = [events[i : i + BATCH] for i in range(0, len(events), BATCH)]

            def work() -> list[Outcome]:
                record_many = kit.record_many
                outcomes: list[Outcome] = []
                for batch in batches:
                    outcomes += record_many(batch)
                return outcomes

        elapsed, outcomes = timed(work)
        workload.check(kit, events, outcomes)
        return elapsed

    return run


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


def bench_backend(
    scenario: Scenario, backend: Backend, pilot: Pilot, settings: Settings
) -> list[Result]:
    results = []
    with tempfile.TemporaryDirectory(prefix="motivekit-bench-") as tmp_dir:
        tmp = Path(tmp_dir)
        memory = backend == "memory"
        kit = open_kit(scenario, "memory://" if memory else f"sqlite:///{tmp / 'bench.db'}")
        core = CoreFloor(pilot, None if memory else tmp / "core-floor.db")
        raw = RawFloor(pilot, None if memory else tmp / "raw-floor.db")
        try:
            durability = "in memory"
            if not memory:
                floors = [core.settings(), raw.settings()]
                durability = check_same(store_settings(kit), floors)
            workload = Workload(scenario, settings.users)
            workload.setup(kit)
            floor_runners: dict[Mode, Runner] = {
                "record": core.runner(),
                "record_many": raw.runner(),
            }
            for mode in MODES:
                progress(f"{scenario:<10} {backend:<7} {mode:<12}")
                result = measure(
                    scenario,
                    backend,
                    mode,
                    kit_runner(kit, workload, mode),
                    floor_runners[mode],
                    settings,
                )
                progress(f" {result.events_per_s:>10,.0f} ev/s (x{result.ratio:.2f})\n")
                results.append(attrs.evolve(result, durability=durability))
        finally:
            kit.close()
            core.close()
            raw.close()
    return results


def environment(settings: Settings, quick: bool, scenarios: Sequence[Scenario]) -> dict[str, Any]:
    return {
        **versions(),
        "quick": quick,
        "scenarios": list(scenarios),
        "seconds_per_run": settings.seconds,
        "reps": settings.reps,
        "users": settings.users,
        "mastery_tracks": list(TRACKS),
        "impact_depth": IMPACT_DEPTH,
        "batch": BATCH,
        "pilot_records": settings.pilot_records,
        "history_events": [settings.small_history, settings.large_history],
    }


def print_table(
    results: Sequence[Result],
    counted: Sequence[Statements],
    histories: Sequence[History],
    env: dict[str, Any],
) -> None:
    print(
        f"motivekit {env['motivekit']} ingest benchmark - Python {env['python']}, "
        f"SQLAlchemy {env['sqlalchemy']}, SQLite {env['sqlite']}, {env['platform']}"
    )
    print(
        f"median of {env['reps']} runs of ~{env['seconds_per_run']:g} s each; "
        f"record_many batches of {BATCH:,}; {env['users']} users in every scenario"
    )
    if env["quick"]:
        print("--quick: tiny counts, the numbers are not meaningful")
    print()
    header = (
        f"{'scenario':<11}{'backend':<8}{'mode':<13}{'events':>8}{'events/s':>11}"
        f"{'floor ev/s':>12}{'ratio':>8}  {'target':<21}status"
    )
    print(header)
    print("-" * len(header))
    for r in results:
        print(
            f"{r.scenario:<11}{r.backend:<8}{r.mode:<13}{r.events:>8,}{r.events_per_s:>11,.0f}"
            f"{r.floor_events_per_s:>12,.0f}{r.ratio:>7.2f}x  {r.target:<21}"
            f"{'ok' if r.met else 'MISSED'}"
        )
    print()
    print("ratio = time per event / floor time per event (how many times slower than the floor)")
    for note in FLOOR_NOTES.values():
        print(f"  {note}")
    checked = sorted({r.durability for r in results if r.backend == "sqlite"})
    print(f"sqlite store and floors checked to run with: {'; '.join(checked)}")
    print_statements(counted)
    print_history(histories)
    missed = [r for r in results if not r.met]
    missed_statements = [s for s in counted if not s.met]
    print()
    for r in missed:
        print(
            f"MISSED: {r.scenario}/{r.backend}/{r.mode}: {r.events_per_s:,.0f} ev/s, "
            f"{r.ratio:.2f}x its floor; target {r.target}"
        )
    for s in missed_statements:
        print(
            f"MISSED: {s.scenario}/{s.mode}: {s.counts.statements_per_event:.2f} statements "
            f"per event; target {s.target}"
        )
    if not missed and not missed_statements:
        print("all targets met")


def print_statements(counted: Sequence[Statements]) -> None:
    if not counted:
        return
    print()
    print(
        "statements per event: a pilot Kit on a SQLite file; stmt = statements sent "
        "(execute/executemany/executescript calls: an executemany of 1,000 rows is one), "
        "exec = runs SQLite traced (each executemany row counts); BEGIN/COMMIT left out of "
        "both, tx/txn = BEGIN/COMMIT per transaction"
    )
    header = (
        f"{'scenario':<11}{'mode':<13}{'stmt/ev':>9}{'exec/ev':>10}{'stmt/txn':>10}"
        f"{'exec/txn':>11}{'tx/txn':>8}{'floor rows/ev':>15}  {'target':<17}status"
    )
    print(header)
    print("-" * len(header))
    for s in counted:
        c = s.counts
        print(
            f"{s.scenario:<11}{s.mode:<13}{c.statements_per_event:>9.2f}"
            f"{c.executions_per_event:>10.2f}{c.statements_per_transaction:>10,.1f}"
            f"{c.executions_per_transaction:>11,.1f}"
            f"{c.transaction_statements / c.transactions:>8.1f}{s.floor_rows_per_event:>15.2f}"
            f"  {s.target:<17}{'ok' if s.met else 'MISSED'}"
        )
    print(
        "floor rows/ev: rows the mode's floor writes per event (record: the journal row; "
        "record_many: every row the pilot's batch wrote, one executemany row each)"
    )


def print_history(histories: Sequence[History]) -> None:
    if not histories:
        return
    print()
    print(
        "cost per event against history: record (one event per transaction) on a Kit holding "
        f"a small and a large history; median of {len(histories[0].small.runs_s)} runs, "
        "alternating; no target (O(1) expected)"
    )
    header = (
        f"{'scenario':<11}{'backend':<8}{'small':>8}{'large':>9}{'events':>8}"
        f"{'small ms/ev':>13}{'large ms/ev':>13}{'large/small':>13}{'cpu l/s':>9}"
    )
    print(header)
    print("-" * len(header))
    stopped = []
    for h in histories:
        mark = "*" if h.large.stopped or h.small.stopped else " "
        print(
            f"{h.scenario:<11}{h.backend:<8}{h.small.entries:>8,}{h.large.entries:>9,}{mark}"
            f"{h.small.events:>7,}{h.small.seconds_per_event * 1e3:>13.3f}"
            f"{h.large.seconds_per_event * 1e3:>13.3f}{h.ratio:>12.2f}x{h.cpu_ratio:>8.2f}x"
        )
        for name, run in (("small", h.small), ("large", h.large)):
            if run.stopped:
                stopped.append(
                    f"* {h.scenario}/{h.backend} {name}: {run.built:,} of {run.wanted:,} events "
                    f"({run.build_s:.0f} s): {run.stopped}"
                )
    print(
        "small, large = journal entries when the timing starts; large/small = time per event "
        "at the large history over the small one's (1.0x: no growth); cpu l/s: the same in "
        "CPU time"
    )
    for line in stopped:
        print(line)
    durabilities = sorted({h.durability for h in histories})
    print(f"stores run with: {'; '.join(durabilities)}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="tiny counts (smoke test)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument(
        "--scenario",
        action="append",
        choices=SCENARIOS,
        help="run only this scenario (repeatable; default: all)",
    )
    parser.add_argument("--no-history", action="store_true", help="skip the cost against history")
    args = parser.parse_args(argv)
    settings = QUICK if args.quick else FULL
    chosen: list[Scenario] = [s for s in SCENARIOS if not args.scenario or s in args.scenario]
    env = environment(settings, args.quick, chosen)
    results: list[Result] = []
    counted: list[Statements] = []
    pilots: dict[str, dict[str, dict[str, int]]] = {}
    for scenario in chosen:
        with tempfile.TemporaryDirectory(prefix="motivekit-pilot-") as tmp:
            progress(f"{scenario:<10} pilot")
            pilot = run_pilot(scenario, settings.users, settings.pilot_records, Path(tmp))
            progress(f" {pilot.rows_per_event:.2f} rows/event\n")
            pilots[scenario] = pilot.rows_json()
            counted.extend(statements(pilot))
            for backend in BACKENDS:
                results.extend(bench_backend(scenario, backend, pilot, settings))
    histories = []
    if not args.no_history:
        for scenario in chosen:
            for backend in BACKENDS:
                histories.append(
                    bench_history(
                        scenario,
                        backend,
                        users=settings.users,
                        sizes=(settings.small_history, settings.large_history),
                        seconds=settings.history_seconds,
                        warmup=settings.warmup_seconds,
                        reps=settings.reps,
                        most=settings.small_history,
                        budget=settings.history_budget,
                    )
                )
    if args.json:
        document = {
            "environment": env,
            "results": [r.to_json() for r in results],
            "statements": [s.to_json() for s in counted],
            "pilot_rows": pilots,
            "history": [h.to_json() for h in histories],
            "all_targets_met": all(r.met for r in results) and all(s.met for s in counted),
        }
        print(json.dumps(document, indent=2))
    else:
        print_table(results, counted, histories, env)
    return 0


if __name__ == "__main__":
    sys.exit(main())
