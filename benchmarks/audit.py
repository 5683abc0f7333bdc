"""Cost of the audit log: appending beside a bare journal insert, verifying beside plain SHA-256.

What is measured
----------------
1. **Append**: what the audit log adds to writing a journal entry. Inside one write
   transaction of a ``SqlStore`` session (``LogWriter.transaction()``, as the services
   write), ``LogWriter.append(session, drafts)``: sealing each draft (sequence number,
   random salt, commitment, canonical leaf bytes), leaf hashes, the frontier update
   through the conditional head ``UPDATE``, the journal insert and a tile row every 256
   entries. Drafts are built beforehand with ``event_draft`` from ready ``Event``
   objects; everything from sealing to the commit is timed. Two modes: one entry per
   transaction (a commit per entry) and 1,000 entries per transaction (one executemany).
2. **Verify**: ``kit.audit.verify()`` over a log of 100,000 entries (5,000 with ``--quick``)
   recorded with ``record_many`` in batches of 1,000 by a Kit with one Ed25519 signer and no
   automatic checkpoints; ``kit.audit.checkpoint()`` is called after each quarter of the log,
   so four checkpoints have their signatures and roots checked. The log is built once and
   verified repeatedly (verification only reads). Verification rehashes every entry, checks
   that its bytes are canonical and its commitment matches its personal part, recomputes the
   tree and compares the stored tile nodes.

For information it also prints how many tree tile rows were written per 1,000 entries.

The floors
----------
Every figure is printed beside a floor measured in the same run, interleaved with it, on the
same SQLite settings: files in one fresh temporary directory, opened by motivekit's own engine
factory (``_sqlite_engine``: WAL, ``synchronous=FULL``, every write a ``BEGIN IMMEDIATE``
transaction); the settings are read back from every engine used and checked equal.

* Append floor: a bare SQLAlchemy Core ``INSERT`` into ``motivekit_journal`` (created from
  motivekit's own table definition) in a second file, of the very same entries, already
  sealed before the clock starts (every column precomputed, as dicts), on one held
  connection, committing per row or per 1,000 rows exactly like the append. It is the least
  any SQLAlchemy-based store could spend writing the journal row itself, so the ratio is
  the audit log's overhead plus motivekit's session overhead. To tell the two apart, a third
  file gets, for information only, the same pre-sealed entries through motivekit's own
  session (``store.writing()`` and ``session.append``: no sealing, no tree, no head update):
  the "journal only" column.
* Verify floor: a plain Core ``SELECT entry ... ORDER BY seq`` over the same database, in
  one read transaction on a connection of its own, and ``hashlib.sha256`` over each entry's
  bytes: reading and hashing every entry once is the irreducible part of any full
  verification, so the ratio is what everything else (decoding rows, the canonical-form and
  commitment checks, the tree, the tiles, the signatures) costs on top.

Method and targets
------------------
Append measurements are warmed up and sized from the warm-up to take about 1.25 s per
repetition (the counts are printed); the three writers (append, floor, journal only) get
the same count and the same drafts and run in turn (rotating which goes first), three times,
and the median is kept. Verify and its floor run in turn three times over the same log,
median kept (the floor runs once before, to warm the page cache). Before each timed run the
garbage collector runs and freezes what survives. ``--quick`` (a smoke test) shrinks runs to
about 0.05 s and the log to 5,000 entries; its numbers mean little.
``ratio`` is time per entry divided by the floor's time per entry. Targets: append at most
1.3x its floor in both modes; verify at most 3x its floor. A missed target prints
``MISSED``; the exit status is 0 regardless (this is a measurement, not a test).

Usage: ``python benchmarks/audit.py [--quick] [--json]``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
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
from _common import MedianRuns, progress, size_run, sqlite_settings, timed, versions

from motivekit import Event, Kit
from motivekit._entries import Draft, event_draft, seal
from motivekit._kit import DEFAULT_MAX_EVENT_BYTES, RULES_VERSION
from motivekit._time import to_micros
from motivekit.audit import Ed25519Signer
from motivekit.audit._log import TILE_HEIGHT, LogWriter
from motivekit.store import SqlStore
from motivekit.store._protocol import StoredEntry
from motivekit.store.sql._schema import journal, metadata, tree_tiles
from motivekit.store.sql.dialects import WRITE as _WRITE
from motivekit.store.sql.dialects.sqlite import create_engine as _sqlite_engine

Mode = Literal["single", "batch"]
T = TypeVar("T")
Runner = Callable[[Sequence[Draft]], float]
"""Write the given drafts (a multiple of the mode's unit); return seconds taken."""

MODES: tuple[Mode, ...] = ("single", "batch")
MODE_LABELS: dict[Mode, str] = {"single": "1 per txn", "batch": "1,000 per txn"}
KIND = "review.submitted"
BATCH = 1_000
ACTORS = 200
APPEND_FACTOR = 1.3
VERIFY_FACTOR = 3.0
APPEND_FLOOR_NOTE = (
    "bare Core INSERT of the same pre-sealed journal rows into a separate SQLite file "
    "(WAL, synchronous=FULL, BEGIN IMMEDIATE), one held connection, same commits"
)
JOURNAL_ONLY_NOTE = (
    "the same pre-sealed entries through motivekit's session (store.writing() + "
    "session.append), no sealing, tree or head update; a third file; information only"
)
VERIFY_FLOOR_NOTE = (
    "plain Core SELECT of the entry column in seq order from the same database, "
    "hashlib.sha256 over each entry"
)


@attrs.frozen
class Settings:
    seconds: float
    """How long each timed append repetition should take."""
    warmup_seconds: float
    reps: int
    max_events: int
    """Cap on one append repetition's entry count."""
    log_entries: int
    """Size of the log that is verified (a multiple of BATCH)."""
    checkpoints: int
    """Checkpoints signed while building that log (evenly spaced, the last at its end)."""


FULL = Settings(
    seconds=1.25,
    warmup_seconds=0.25,
    reps=3,
    max_events=120_000,
    log_entries=100_000,
    checkpoints=4,
)
QUICK = Settings(
    seconds=0.05, warmup_seconds=0.02, reps=3, max_events=5_000, log_entries=5_000, checkpoints=4
)


@attrs.frozen
class AppendResult:
    mode: Mode
    entries: int
    """Entries per timed repetition (the same for the append, its floor and journal only)."""
    entries_per_s: float
    floor_entries_per_s: float
    journal_only_entries_per_s: float
    runs_s: tuple[float, ...]
    floor_runs_s: tuple[float, ...]
    journal_only_runs_s: tuple[float, ...]
    durability: str

    @property
    def ratio(self) -> float:
        """Time per entry over the floor's time per entry."""
        return self.floor_entries_per_s / self.entries_per_s

    @property
    def journal_only_ratio(self) -> float:
        return self.floor_entries_per_s / self.journal_only_entries_per_s

    @property
    def target(self) -> str:
        return f"<= {APPEND_FACTOR:g}x floor"

    @property
    def met(self) -> bool:
        return self.ratio <= APPEND_FACTOR

    def to_json(self) -> dict[str, Any]:
        return {
            "measure": "append",
            "mode": self.mode,
            "entries_per_txn": 1 if self.mode == "single" else BATCH,
            "entries": self.entries,
            "entries_per_s": round(self.entries_per_s, 1),
            "us_per_entry": round(1e6 / self.entries_per_s, 2),
            "floor": APPEND_FLOOR_NOTE,
            "floor_entries_per_s": round(self.floor_entries_per_s, 1),
            "floor_us_per_entry": round(1e6 / self.floor_entries_per_s, 2),
            "journal_only": JOURNAL_ONLY_NOTE,
            "journal_only_entries_per_s": round(self.journal_only_entries_per_s, 1),
            "journal_only_ratio": round(self.journal_only_ratio, 3),
            "durability": self.durability,
            "ratio": round(self.ratio, 3),
            "runs_s": [round(t, 6) for t in self.runs_s],
            "floor_runs_s": [round(t, 6) for t in self.floor_runs_s],
            "journal_only_runs_s": [round(t, 6) for t in self.journal_only_runs_s],
            "target": self.target,
            "met": self.met,
        }


@attrs.frozen
class VerifyResult(MedianRuns):
    entries: int
    entry_bytes: int
    """Total size of the entries' leaf bytes."""
    checkpoints: int
    """Checkpoints the verification checked."""
    runs_s: tuple[float, ...]
    floor_runs_s: tuple[float, ...]
    build_s: float
    """Time to record the log (record_many, 1,000 per call, and the checkpoints)."""
    durability: str

    @property
    def entries_per_s(self) -> float:
        return self.entries / self.seconds

    @property
    def floor_entries_per_s(self) -> float:
        return self.entries / self.floor_seconds

    @property
    def mb_per_s(self) -> float:
        return self.entry_bytes / self.seconds / 1e6

    @property
    def floor_mb_per_s(self) -> float:
        return self.entry_bytes / self.floor_seconds / 1e6

    @property
    def target(self) -> str:
        return f"<= {VERIFY_FACTOR:g}x floor"

    @property
    def met(self) -> bool:
        return self.ratio <= VERIFY_FACTOR

    def to_json(self) -> dict[str, Any]:
        return {
            "measure": "verify",
            "entries": self.entries,
            "entry_bytes": self.entry_bytes,
            "checkpoints": self.checkpoints,
            "entries_per_s": round(self.entries_per_s, 1),
            "mb_per_s": round(self.mb_per_s, 3),
            "floor": VERIFY_FLOOR_NOTE,
            "floor_entries_per_s": round(self.floor_entries_per_s, 1),
            "floor_mb_per_s": round(self.floor_mb_per_s, 3),
            "ratio": round(self.ratio, 3),
            "runs_s": [round(t, 6) for t in self.runs_s],
            "floor_runs_s": [round(t, 6) for t in self.floor_runs_s],
            "build_s": round(self.build_s, 3),
            "durability": self.durability,
            "target": self.target,
            "met": self.met,
        }


@attrs.frozen
class Tiles:
    """Tree tile rows found in a database after the entries were written."""

    where: str
    entries: int
    rows: int

    @property
    def per_1000(self) -> float:
        return 1000 * self.rows / self.entries if self.entries else 0.0

    @property
    def expected(self) -> int:
        """One row per complete node at levels 8, 16, ...: n // 256 + n // 65536 + ..."""
        total, level = 0, TILE_HEIGHT
        while self.entries >> level:
            total += self.entries >> level
            level += TILE_HEIGHT
        return total

    def to_json(self) -> dict[str, Any]:
        return {
            "where": self.where,
            "entries": self.entries,
            "tile_rows": self.rows,
            "expected_tile_rows": self.expected,
            "tile_rows_per_1000_entries": round(self.per_1000, 3),
        }


class EventSource:
    """Fresh events with unique ids, spread round-robin over a fixed set of actors."""

    def __init__(self, prefix: str) -> None:
        self._prefix = prefix
        self._actors = [f"visitor-{i:03d}" for i in range(ACTORS)]
        self._next = 0

    def take(self, n: int) -> list[Event]:
        at = datetime.now(UTC)
        start, self._next = self._next, self._next + n
        return [
            Event(
                f"{self._prefix}-{i:08d}",
                KIND,
                self._actors[i % len(self._actors)],
                at=at,
                data={"item": f"doc-{i}", "words": 250 + i % 100},
            )
            for i in range(start, start + n)
        ]

    def drafts(self, n: int) -> list[Draft]:
        recorded_at = datetime.now(UTC)
        return [
            event_draft(e, recorded_at, RULES_VERSION, DEFAULT_MAX_EVENT_BYTES)
            for e in self.take(n)
        ]


def _units(items: Sequence[T], size: int) -> list[Sequence[T]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def _unit(mode: Mode) -> int:
    return 1 if mode == "single" else BATCH


# -- append ------------------------------------------------------------------------------------


def append_runner(store: SqlStore, writer: LogWriter, mode: Mode) -> Runner:
    """``LogWriter.append`` in ``writer.transaction()`` (the store's write transactions, as
    every service writes): sealing to commit, all timed."""

    def run(drafts: Sequence[Draft]) -> float:
        units = _units(drafts, _unit(mode))

        def work() -> int:
            writing, append = writer.transaction, writer.append
            last = 0
            for unit in units:
                with writing() as session:
                    last = append(session, unit)[-1].seq
            return last

        elapsed, last = timed(work)
        if writer.size != last:
            raise RuntimeError(f"benchmark bug: log size {writer.size}, last seq {last}")
        return elapsed

    return run


class Sealed:
    """Seals drafts with the next sequence numbers of a journal written without a log head."""

    def __init__(self) -> None:
        self._seq = 0

    def seal(self, drafts: Sequence[Draft]) -> list[StoredEntry]:
        start, self._seq = self._seq, self._seq + len(drafts)
        return [seal(d, start + 1 + i) for i, d in enumerate(drafts)]


def _row(entry: StoredEntry) -> dict[str, Any]:
    return {
        "seq": entry.seq,
        "type": entry.type,
        "name": entry.name,
        "event_id": entry.event_id,
        "recorded_at": to_micros(entry.recorded_at),
        "entry": entry.raw,
        "leaf_hash": entry.leaf_hash,
        "subject": entry.subject,
        "personal": entry.personal,
    }


def floor_runner(engine: sa.Engine, sealed: Sealed, mode: Mode) -> Runner:
    """Bare Core inserts of the same entries, sealed and turned into rows before the clock."""
    insert = journal.insert()

    def run(drafts: Sequence[Draft]) -> float:
        units = _units([_row(e) for e in sealed.seal(drafts)], _unit(mode))
        with engine.connect() as conn:
            conn.execution_options(**{_WRITE: True})  # BEGIN IMMEDIATE, as the store writes

            def work() -> None:
                execute, begin = conn.execute, conn.begin
                for unit in units:
                    with begin():
                        execute(insert, unit)

            return timed(work)[0]

    return run


def journal_only_runner(store: SqlStore, sealed: Sealed, mode: Mode) -> Runner:
    """The same pre-sealed entries through motivekit's session, without the audit log."""

    def run(drafts: Sequence[Draft]) -> float:
        units = _units(sealed.seal(drafts), _unit(mode))

        def work() -> None:
            writing = store.writing
            for unit in units:
                with writing() as session:
                    session.append(unit)

        return timed(work)[0]

    return run


def measure_append(
    mode: Mode,
    append: Runner,
    floor: Runner,
    journal_only: Runner,
    settings: Settings,
    durability: str,
) -> AppendResult:
    source = EventSource(f"append-{mode}")
    n = size_run(
        lambda k: append(source.drafts(k)),
        _unit(mode),
        seconds=settings.seconds,
        warmup=settings.warmup_seconds,
        most=settings.max_events,
    )
    warmup = source.drafts(_unit(mode) * (1 if mode == "batch" else 50))
    floor(warmup)
    journal_only(warmup)
    runs: list[float] = []
    floor_runs: list[float] = []
    journal_only_runs: list[float] = []
    writers = [(append, runs), (floor, floor_runs), (journal_only, journal_only_runs)]
    for rep in range(settings.reps):
        drafts = source.drafts(n)
        # Rotate who goes first: on one disk, a writer's fsync also flushes what the
        # previous writer left in the page cache.
        for run, times in writers[rep % 3 :] + writers[: rep % 3]:
            times.append(run(drafts))
    return AppendResult(
        mode,
        n,
        n / statistics.median(runs),
        n / statistics.median(floor_runs),
        n / statistics.median(journal_only_runs),
        tuple(runs),
        tuple(floor_runs),
        tuple(journal_only_runs),
        durability,
    )


def bench_append(tmp: Path, settings: Settings) -> tuple[list[AppendResult], Tiles]:
    results = []
    store = SqlStore(f"sqlite:///{tmp / 'append.db'}")
    plain = SqlStore(f"sqlite:///{tmp / 'journal-only.db'}")
    engine = _sqlite_engine(sa.make_url(f"sqlite:///{tmp / 'floor.db'}"), "FULL", create=True)
    metadata.create_all(engine, tables=[journal])
    try:
        durability = same_settings(store.engine, engine, plain.engine)
        writer, floor_seqs, plain_seqs = LogWriter(store), Sealed(), Sealed()
        for mode in MODES:
            progress(f"append {MODE_LABELS[mode]:<14}")
            result = measure_append(
                mode,
                append_runner(store, writer, mode),
                floor_runner(engine, floor_seqs, mode),
                journal_only_runner(plain, plain_seqs, mode),
                settings,
                durability,
            )
            progress(f" {result.entries_per_s:>10,.0f} entries/s (x{result.ratio:.2f})\n")
            results.append(result)
        tiles = count_tiles(store.engine, "append benchmark database")
    finally:
        store.close()
        plain.close()
        engine.dispose()
    return results, tiles


# -- verify ------------------------------------------------------------------------------------


def build_log(kit: Kit, settings: Settings) -> tuple[float, int]:
    """Record ``settings.log_entries`` events and sign checkpoints along the way."""
    source = EventSource("log")
    marks = {
        math.ceil(settings.log_entries * k / settings.checkpoints / BATCH) * BATCH
        for k in range(1, settings.checkpoints + 1)
    }
    signed = 0
    start = time.perf_counter()
    for done in range(BATCH, settings.log_entries + 1, BATCH):
        outcomes = kit.record_many(source.take(BATCH))
        if outcomes[-1].duplicate or outcomes[-1].seq != done:
            raise RuntimeError(f"benchmark bug: unexpected outcome {outcomes[-1]!r}")
        if done in marks:
            kit.audit.checkpoint()
            signed += 1
        if done % (10 * BATCH) == 0:
            progress(".")
    return time.perf_counter() - start, signed


_ENTRY_BYTES = sa.select(sa.func.sum(sa.func.length(journal.c.entry)), sa.func.count())
_ENTRIES_IN_ORDER = sa.select(journal.c.entry).order_by(journal.c.seq)


def read_and_hash(engine: sa.Engine) -> tuple[float, int]:
    """The floor: every entry's bytes read in seq order and hashed once; (seconds, entries)."""

    def work() -> int:
        sha256 = hashlib.sha256
        with engine.connect() as conn, conn.begin():
            digests = [sha256(raw).digest() for (raw,) in conn.execute(_ENTRIES_IN_ORDER)]
        return len(digests)

    return timed(work)


def bench_verify(tmp: Path, settings: Settings) -> tuple[VerifyResult, Tiles]:
    url = f"sqlite:///{tmp / 'log.db'}"
    kit = Kit.open(url, signers=[Ed25519Signer.generate("bench")], checkpoint_every=None)
    engine = _sqlite_engine(sa.make_url(url), "FULL", create=False)
    try:
        if not isinstance(kit.store, SqlStore):
            raise RuntimeError(f"benchmark bug: expected a SQL store, got {kit.store!r}")
        durability = same_settings(kit.store.engine, engine)
        progress(f"verify: building a log of {settings.log_entries:,} entries ")
        build_s, signed = build_log(kit, settings)
        progress(f" {build_s:.1f} s\n")
        with engine.connect() as conn:
            entry_bytes, entries = conn.execute(_ENTRY_BYTES).one()
        if entries != settings.log_entries:
            raise RuntimeError(f"benchmark bug: {entries} entries stored")
        read_and_hash(engine)  # warm the page cache
        runs: list[float] = []
        floor_runs: list[float] = []
        for _ in range(settings.reps):
            progress("verify ")
            elapsed, report = timed(kit.audit.verify)
            if report.size != entries or report.checkpoints != signed:
                raise RuntimeError(f"benchmark bug: unexpected report {report!r}")
            runs.append(elapsed)
            floor_s, hashed = read_and_hash(engine)
            if hashed != entries:
                raise RuntimeError(f"benchmark bug: the floor hashed {hashed} entries")
            floor_runs.append(floor_s)
            progress(f"{elapsed:.2f} s, floor {floor_s:.3f} s\n")
        tiles = count_tiles(engine, "verified log")
    finally:
        kit.close()
        engine.dispose()
    result = VerifyResult(
        entries,
        int(entry_bytes),
        signed,
        tuple(runs),
        tuple(floor_runs),
        build_s,
        durability,
    )
    return result, tiles


# -- shared ------------------------------------------------------------------------------------


def same_settings(*engines: sa.Engine) -> str:
    """The engines' common SQLite settings; fail if they differ (then nothing is comparable)."""
    found = {sqlite_settings(e) for e in engines}
    if len(found) != 1:
        raise RuntimeError(f"the store and its floors run with different settings: {found}")
    return found.pop()


def count_tiles(engine: sa.Engine, where: str) -> Tiles:
    with engine.connect() as conn:
        rows = conn.execute(sa.select(sa.func.count()).select_from(tree_tiles)).scalar_one()
        size = conn.execute(sa.select(sa.func.count()).select_from(journal)).scalar_one()
    return Tiles(where, int(size), int(rows))


def environment(settings: Settings, quick: bool) -> dict[str, Any]:
    return {
        **versions(),
        "quick": quick,
        "seconds_per_run": settings.seconds,
        "reps": settings.reps,
        "batch": BATCH,
        "log_entries": settings.log_entries,
    }


def print_table(
    appends: Sequence[AppendResult],
    verify: VerifyResult,
    tiles: Sequence[Tiles],
    env: dict[str, Any],
) -> None:
    print(
        f"motivekit {env['motivekit']} audit-log benchmark - Python {env['python']}, "
        f"SQLAlchemy {env['sqlalchemy']}, SQLite {env['sqlite']}, {env['platform']}"
    )
    print(
        f"median of {env['reps']} runs; append runs of ~{env['seconds_per_run']:g} s; "
        f"SQLite files with {verify.durability}, writes BEGIN IMMEDIATE"
    )
    if env["quick"]:
        print("--quick: tiny counts, the numbers are not meaningful")
    print()
    header = (
        f"{'append':<15}{'entries':>8}{'entries/s':>11}{'us/entry':>10}{'floor/s':>11}"
        f"{'floor us':>10}{'ratio':>8}  {'target':<15}{'status':<8}{'journal only':>13}"
    )
    print(header)
    print("-" * len(header))
    for r in appends:
        print(
            f"{MODE_LABELS[r.mode]:<15}{r.entries:>8,}{r.entries_per_s:>11,.0f}"
            f"{1e6 / r.entries_per_s:>10.1f}{r.floor_entries_per_s:>11,.0f}"
            f"{1e6 / r.floor_entries_per_s:>10.1f}{r.ratio:>7.2f}x  {r.target:<15}"
            f"{'ok' if r.met else 'MISSED':<8}"
            f"{r.journal_only_entries_per_s:>9,.0f} ({r.journal_only_ratio:.2f}x)"
        )
    print()
    header = (
        f"{'verify':<15}{'entries':>8}{'entries/s':>11}{'MB/s':>8}{'s/run':>8}"
        f"{'floor/s':>11}{'floor MB/s':>11}{'floor s':>9}{'ratio':>8}  {'target':<15}status"
    )
    print(header)
    print("-" * len(header))
    v = verify
    print(
        f"{'full verify':<15}{v.entries:>8,}{v.entries_per_s:>11,.0f}{v.mb_per_s:>8.1f}"
        f"{v.seconds:>8.2f}{v.floor_entries_per_s:>11,.0f}{v.floor_mb_per_s:>11.1f}"
        f"{v.floor_seconds:>9.3f}{v.ratio:>7.2f}x  {v.target:<15}{'ok' if v.met else 'MISSED'}"
    )
    print(
        f"  log: {v.entries:,} entries, {v.entry_bytes / v.entries:.0f} leaf bytes each on "
        f"average ({v.entry_bytes / 1e6:.1f} MB), {v.checkpoints} checkpoints; built with "
        f"record_many in {v.build_s:.1f} s ({v.entries / v.build_s:,.0f} entries/s)"
    )
    print()
    for t in tiles:
        print(
            f"tile rows: {t.per_1000:.2f} per 1,000 entries ({t.rows:,} for {t.entries:,} "
            f"entries in the {t.where}; expected {t.expected:,})"
        )
    print()
    print("ratio = time per entry / floor time per entry (how many times slower than the floor)")
    print(f"append floor: {APPEND_FLOOR_NOTE}")
    print(f"journal only: {JOURNAL_ONLY_NOTE}; in brackets its ratio to the floor")
    print(f"verify floor: {VERIFY_FLOOR_NOTE}")
    print()
    missed: list[str] = [
        f"MISSED: append {MODE_LABELS[r.mode]}: {r.ratio:.2f}x floor; target {r.target}"
        for r in appends
        if not r.met
    ]
    if not verify.met:
        missed.append(f"MISSED: full verify: {verify.ratio:.2f}x floor; target {verify.target}")
    print("\n".join(missed) if missed else "all targets met")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="tiny counts (smoke test)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    args = parser.parse_args(argv)
    settings = QUICK if args.quick else FULL
    env = environment(settings, args.quick)
    with tempfile.TemporaryDirectory(prefix="motivekit-bench-") as tmp_dir:
        tmp = Path(tmp_dir)
        appends, append_tiles = bench_append(tmp, settings)
        verify, log_tiles = bench_verify(tmp, settings)
    tiles = [log_tiles, append_tiles]
    if args.json:
        document = {
            "environment": env,
            "append": [r.to_json() for r in appends],
            "verify": verify.to_json(),
            "tiles": [t.to_json() for t in tiles],
            "all_targets_met": all(r.met for r in appends) and verify.met,
        }
        print(json.dumps(document, indent=2))
    else:
        print_table(appends, verify, tiles, env)
    return 0


if __name__ == "__main__":
    sys.exit(main())
