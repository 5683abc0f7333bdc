"""The ingest benchmark's floors, and the pilot run they are taken from.

The pilot
---------
:func:`run_pilot` records one scenario's events into a scratch SQLite file through a Kit
(``synchronous=OFF``: the rows and statements do not depend on it), after the scenario's
setup and one warm-up batch: ``PILOT_RECORDS`` events one per transaction, then one batch of
``BATCH`` events with ``record_many``, counting statements in both (``_ingest_counting``).
Every table is read just before and just after that batch; the difference is what
motivekit wrote for it: the rows it inserted (journal entries, tree tiles, contributions,
impact items, feed entries, ...), the rows it changed (goal counts, skill states, learned
items, feed entries that grew, mission totals, the log head, ...) and the rows it deleted.
The database as it stands after the batch is kept as the raw floor's starting point.

The raw-driver floor (``record_many``)
--------------------------------------
:class:`RawFloor` writes those rows again, batch after batch, with the plain ``sqlite3``
driver into a copy of the pilot's database (so its tables and indexes are the ones
motivekit's migrations made, holding what motivekit wrote): per batch one ``BEGIN
IMMEDIATE``, one ``executemany`` per table and kind of write, one ``COMMIT``. Inserted rows
are inserted with ``INSERT``; changed rows are changed in place with ``UPDATE ... WHERE``
their primary key, alternating between the row as it was before and after the pilot's
batch, so every batch really changes each of them; deleted rows are deleted, and put back
by the next batch (alternating the same way). To insert the same rows again, each unique
key of an inserted row (the primary key, and each unique index) is made fresh: the integer
column of the key whose values vary most is moved past every value the table holds, keeping
the rows' order (journal ``seq``, feed positions, ...); a key without an integer column gets
a 7-character batch tag in front of its last text column (event ids, contribution ids, feed
group keys), so those rows are 7 bytes longer than motivekit's. Rows are prepared before the
clock starts. It reads nothing: it is what writing motivekit's rows costs the driver, the
least any store could spend on them.

The per-row floor (``record``)
------------------------------
:class:`CoreFloor` inserts the pilot's journal rows one per transaction (renumbered, event
ids of the same width) with a bare SQLAlchemy Core ``INSERT`` into a table created from
motivekit's definition of the journal, through an engine set up as the Kit's (WAL,
``synchronous=FULL``, ``BEGIN IMMEDIATE``), on one held connection: the least an
SQLAlchemy-based store could spend appending the entry.

For the memory backend both floors write to an in-memory SQLite database: a yardstick, not a
lower bound (the memory store does not use SQLite).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from contextlib import closing
from pathlib import Path
from typing import Any

import attrs
import sqlalchemy as sa
from _common import timed
from _ingest_counting import Counts, count_statements
from _ingest_workloads import Scenario, Workload, open_kit
from sqlalchemy.pool import StaticPool

from motivekit import Kit
from motivekit.store import SqlStore
from motivekit.store.sql._schema import journal, metadata

__all__ = ["BATCH", "CoreFloor", "Pilot", "RawFloor", "run_pilot", "store_settings"]

BATCH = 1_000
"""Events per ``record_many`` call, and per transaction of the raw floor."""
Row = tuple[Any, ...]
Runner = Callable[[int], float]
SYNC_NAMES = {0: "OFF", 1: "NORMAL", 2: "FULL", 3: "EXTRA"}


# -- settings ----------------------------------------------------------------------------


def _describe(mode: Any, sync: Any) -> str:
    return f"journal_mode={mode}, synchronous={SYNC_NAMES.get(sync, sync)}"


def raw_settings(conn: sqlite3.Connection) -> tuple[str, int]:
    """The durability settings of a driver connection, and its ``secure_delete``."""
    mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
    sync = conn.execute("PRAGMA synchronous").fetchone()[0]
    secure = conn.execute("PRAGMA secure_delete").fetchone()[0]
    return _describe(mode, sync), int(secure)


def store_settings(kit: Kit) -> tuple[str, int]:
    """The same settings of the Kit's SQLite store (a connection of its engine)."""
    if not isinstance(kit.store, SqlStore):
        raise RuntimeError(f"benchmark bug: expected a SQL store, got {kit.store!r}")
    with kit.store.engine.connect() as conn:
        mode = conn.exec_driver_sql("PRAGMA journal_mode").scalar_one()
        sync = conn.exec_driver_sql("PRAGMA synchronous").scalar_one()
        secure = conn.exec_driver_sql("PRAGMA secure_delete").scalar_one()
    return _describe(mode, sync), int(secure)


def _configure(conn: sqlite3.Connection, in_memory: bool, synchronous: str) -> None:
    """The Kit's connection settings on a driver connection (checked by the caller)."""
    conn.isolation_level = None  # transactions begin where the floor says
    if not in_memory:
        conn.execute("PRAGMA journal_mode=WAL")
    conn.execute(f"PRAGMA synchronous={synchronous}")
    conn.execute("PRAGMA secure_delete=ON")
    conn.execute("PRAGMA busy_timeout=30000")


# -- the pilot: what motivekit wrote for one batch ---------------------------------------


@attrs.frozen
class TableWrites:
    """What one batch wrote to one table."""

    table: str
    columns: tuple[str, ...]
    key: tuple[str, ...]
    """Primary key columns (``rowid`` for a table without one)."""
    unique: tuple[tuple[str, ...], ...]
    """Every unique key: the primary key first, then each unique index."""
    inserted: tuple[Row, ...]
    updated: tuple[tuple[Row, Row], ...]
    """(before, after) of each changed row."""
    deleted: tuple[Row, ...]

    @property
    def rows(self) -> int:
        return len(self.inserted) + len(self.updated) + len(self.deleted)


def _tables(conn: sqlite3.Connection) -> list[str]:
    query = (
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "AND name NOT LIKE '%alembic_version' ORDER BY rowid"
    )
    return [name for (name,) in conn.execute(query)]


def _shape(
    conn: sqlite3.Connection, table: str
) -> tuple[tuple[str, ...], tuple[str, ...], tuple[tuple[str, ...], ...]]:
    """A table's columns, primary key and unique keys, read from the database."""
    info = conn.execute(f'PRAGMA table_info("{table}")').fetchall()
    columns = tuple(row[1] for row in info)
    key = tuple(row[1] for row in sorted((r for r in info if r[5]), key=lambda r: r[5]))
    unique: list[tuple[str, ...]] = [key] if key else []
    for index in conn.execute(f'PRAGMA index_list("{table}")').fetchall():
        if index[2]:  # unique
            cols = tuple(r[2] for r in conn.execute(f'PRAGMA index_info("{index[1]}")'))
            if cols not in unique:
                unique.append(cols)
    return columns, key or ("rowid",), tuple(unique)


Snapshot = dict[str, dict[Row, Row]]


def _snapshot(path: Path) -> Snapshot:
    """Every row of every table of the database at ``path``, by primary key."""
    with closing(sqlite3.connect(path)) as conn:
        found: Snapshot = {}
        for table in _tables(conn):
            columns, key, _ = _shape(conn, table)
            at = [columns.index(c) for c in key] if key != ("rowid",) else None
            select = f'SELECT {"rowid, " if at is None else ""}* FROM "{table}"'
            rows: dict[Row, Row] = {}
            for row in conn.execute(select):
                if at is None:
                    rows[(row[0],)] = row[1:]
                else:
                    rows[tuple(row[i] for i in at)] = row
            found[table] = rows
    return found


def _diff(path: Path, before: Snapshot, after: Snapshot) -> list[TableWrites]:
    writes = []
    with closing(sqlite3.connect(path)) as conn:
        for table in _tables(conn):
            columns, key, unique = _shape(conn, table)
            old, new = before.get(table, {}), after[table]
            inserted = tuple(row for k, row in new.items() if k not in old)
            updated = tuple((old[k], row) for k, row in new.items() if k in old and old[k] != row)
            deleted = tuple(row for k, row in old.items() if k not in new)
            if inserted or updated or deleted:
                writes.append(TableWrites(table, columns, key, unique, inserted, updated, deleted))
    return writes


@attrs.frozen
class Pilot:
    """What a pilot Kit wrote and ran for one scenario (see the module docstring)."""

    scenario: Scenario
    writes: tuple[TableWrites, ...]
    """What its ``record_many`` batch wrote, table by table."""
    seed: Path
    """Its database after that batch: the raw floor starts from a copy."""
    counts: dict[str, Counts]
    """Statement counts by mode: ``record`` and ``record_many``."""

    @property
    def journal(self) -> TableWrites:
        (found,) = [w for w in self.writes if w.table.endswith("journal")]
        return found

    @property
    def rows_per_event(self) -> float:
        """Rows the raw floor writes per event: one ``executemany`` row each."""
        return sum(w.rows for w in self.writes) / BATCH

    def rows_json(self) -> dict[str, dict[str, int]]:
        return {
            w.table: {
                "inserted": len(w.inserted),
                "updated": len(w.updated),
                "deleted": len(w.deleted),
            }
            for w in self.writes
        }


def run_pilot(scenario: Scenario, users: int, records: int, directory: Path) -> Pilot:
    """Record one batch (and ``records`` single events) of ``scenario`` into a scratch file;
    return what it wrote and ran."""
    path = directory / f"pilot-{scenario}.db"
    workload = Workload(scenario, users)
    kit = open_kit(scenario, f"sqlite:///{path}", synchronous="OFF")
    try:
        if not isinstance(kit.store, SqlStore):
            raise RuntimeError(f"benchmark bug: expected a SQL store, got {kit.store!r}")
        counter = count_statements(kit.store.engine)
        workload.setup(kit)
        warm = workload.take(BATCH)
        workload.check(kit, warm, kit.record_many(warm))
        singles = workload.take(records)
        with counter.window(records, records) as record_counts:
            outcomes = [kit.record(event) for event in singles]
        workload.check(kit, singles, outcomes)
        before = _snapshot(path)
        batch = workload.take(BATCH)
        with counter.window(BATCH, 1) as many_counts:
            outcomes = kit.record_many(batch)
        workload.check(kit, batch, outcomes)
        after = _snapshot(path)
        seed = directory / f"seed-{scenario}.db"
        with closing(sqlite3.connect(path)) as source, closing(sqlite3.connect(seed)) as target:
            source.backup(target)
    finally:
        kit.close()
    counts = {"record": record_counts[0], "record_many": many_counts[0]}
    return Pilot(scenario, tuple(_diff(path, before, after)), seed, counts)


# -- the raw-driver floor ------------------------------------------------------------------


@attrs.frozen
class _Plan:
    """How one table's writes are repeated batch after batch."""

    writes: TableWrites
    insert: str
    update: str
    delete: str
    offsets: tuple[tuple[int, int, int], ...]
    """(column index, shift, span): batch ``b`` writes ``v + shift + (b - 1) * span``, past
    every value the table held (``shift``), and past the batch before (``span``: the range
    of the column's values among the rows)."""
    tagged: tuple[int, ...]
    """Column indexes that get a batch tag in front."""

    def batch(self, b: int) -> list[tuple[str, list[Row]]]:
        """The statements and rows of batch ``b`` (``b >= 1``)."""
        w = self.writes
        work: list[tuple[str, list[Row]]] = []
        if w.inserted:
            work.append((self.insert, [self._fresh(row, b) for row in w.inserted]))
        if w.updated:
            image = 0 if b % 2 else 1  # odd batches write the row as it was before
            work.append((self.update, [self._update_params(pair[image]) for pair in w.updated]))
        if w.deleted:
            if b % 2:
                work.append((self.insert, list(w.deleted)))
            else:
                work.append((self.delete, [self._key_params(row) for row in w.deleted]))
        return work

    def _fresh(self, row: Row, b: int) -> Row:
        values = list(row)
        for at, base, span in self.offsets:
            if values[at] is not None:
                values[at] = values[at] + base + (b - 1) * span
        tag = f"{b:06d}~"
        for at in self.tagged:
            value = values[at]
            if isinstance(value, bytes):
                values[at] = tag.encode() + value
            elif value is not None:
                values[at] = tag + value
        return tuple(values)

    def _key_params(self, row: Row) -> Row:
        columns = self.writes.columns
        return tuple(row[columns.index(c)] for c in self.writes.key)

    def _update_params(self, row: Row) -> Row:
        columns, key = self.writes.columns, self.writes.key
        return tuple(v for c, v in zip(columns, row, strict=True) if c not in key) + (
            self._key_params(row)
        )


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _all(rows: Sequence[Row], at: int, test: Callable[[Any], bool]) -> bool:
    """Whether column ``at`` holds a value in some row, and each value passes ``test``
    (NULLs never clash in a unique key, so they stay as they are)."""
    values = [row[at] for row in rows if row[at] is not None]
    return bool(values) and all(test(v) for v in values)


def _plan(conn: sqlite3.Connection, w: TableWrites) -> _Plan:
    table, columns = w.table, w.columns
    if w.key == ("rowid",) and (w.updated or w.deleted):
        raise RuntimeError(f"raw floor: table {table} has no primary key to change rows by")
    names = ", ".join(f'"{c}"' for c in columns)
    marks = ", ".join("?" for _ in columns)
    where = " AND ".join(f'"{c}" = ?' for c in w.key)
    sets = ", ".join(f'"{c}" = ?' for c in columns if c not in w.key)
    offsets: list[tuple[int, int, int]] = []
    tagged: list[int] = []
    done: set[str] = set()
    for key in w.unique if w.inserted else ():
        if done & set(key):
            continue
        at = [columns.index(c) for c in key]
        ints = [i for i in at if _all(w.inserted, i, _is_int)]
        if ints:
            values = {i: [r[i] for r in w.inserted if r[i] is not None] for i in ints}
            spans = {i: max(v) - min(v) + 1 for i, v in values.items()}
            i = max(ints, key=lambda i: spans[i])
            (top,) = conn.execute(f'SELECT max("{columns[i]}") FROM "{table}"').fetchone()
            offsets.append((i, top + 1 - min(values[i]), spans[i]))
        else:
            texts = [i for i in at if _all(w.inserted, i, lambda v: isinstance(v, str | bytes))]
            if not texts:
                raise RuntimeError(f"raw floor: cannot make the key {key} of {table} fresh")
            i = texts[-1]
            tagged.append(i)
        done.add(columns[i])
    return _Plan(
        w,
        insert=f'INSERT INTO "{table}" ({names}) VALUES ({marks})',
        update=f'UPDATE "{table}" SET {sets} WHERE {where}' if sets else "",
        delete=f'DELETE FROM "{table}" WHERE {where}',
        offsets=tuple(offsets),
        tagged=tuple(tagged),
    )


class RawFloor:
    """``record_many``'s floor: the pilot batch's rows written with the ``sqlite3`` driver
    (see the module docstring). ``path`` None: an in-memory database."""

    def __init__(self, pilot: Pilot, path: Path | None, synchronous: str = "FULL") -> None:
        self.conn = sqlite3.connect(":memory:" if path is None else path, check_same_thread=False)
        with closing(sqlite3.connect(pilot.seed)) as seed:
            seed.backup(self.conn)
        _configure(self.conn, path is None, synchronous)
        self._plans = [_plan(self.conn, w) for w in pilot.writes]
        if any(p.writes.updated and not p.update for p in self._plans):
            raise RuntimeError("raw floor: a changed row in a table with only key columns")
        self._batch = 0
        self.rows_per_batch = sum(w.rows for w in pilot.writes)

    def close(self) -> None:
        self.conn.close()

    def settings(self) -> tuple[str, int]:
        return raw_settings(self.conn)

    def runner(self) -> Runner:
        """Write ``n / BATCH`` batches, one transaction each; return seconds taken."""

        def run(n: int) -> float:
            batches = []
            for _ in range(n // BATCH):
                self._batch += 1
                batches.append([w for plan in self._plans for w in plan.batch(self._batch)])
            cursor = self.conn.cursor()

            def work() -> None:
                execute, executemany = cursor.execute, cursor.executemany
                for batch in batches:
                    execute("BEGIN IMMEDIATE")
                    for statement, rows in batch:
                        executemany(statement, rows)
                    execute("COMMIT")

            try:
                return timed(work)[0]
            finally:
                cursor.close()

        return run


# -- the per-row floor ---------------------------------------------------------------------


def _core_engine(url: str, synchronous: str = "FULL") -> sa.Engine:
    """An engine set up as the Kit's SQLite engine is (checked against it by the caller)."""
    in_memory = url == "sqlite://"
    engine = sa.create_engine(
        url,
        connect_args={"check_same_thread": False, "timeout": 30},
        **({"poolclass": StaticPool} if in_memory else {}),
    )

    @sa.event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        _configure(dbapi_connection, in_memory, synchronous)

    @sa.event.listens_for(engine, "begin")
    def _begin(conn: sa.Connection) -> None:
        conn.connection.driver_connection.execute("BEGIN IMMEDIATE")  # type: ignore[union-attr]

    return engine


class CoreFloor:
    """``record``'s floor: the pilot's journal rows, one Core ``INSERT`` per transaction
    (see the module docstring). ``path`` None: an in-memory database."""

    def __init__(self, pilot: Pilot, path: Path | None) -> None:
        self.engine = _core_engine("sqlite://" if path is None else f"sqlite:///{path}")
        metadata.create_all(self.engine, tables=[journal])
        rows = pilot.journal
        self._pool = [dict(zip(rows.columns, row, strict=True)) for row in rows.inserted]
        self._seq = 0

    def close(self) -> None:
        self.engine.dispose()

    def settings(self) -> tuple[str, int]:
        with self.engine.connect() as conn:
            return raw_settings(conn.connection.driver_connection)  # type: ignore[arg-type]

    def _take(self, n: int) -> list[dict[str, Any]]:
        start, self._seq = self._seq, self._seq + n
        pool = self._pool
        rows = []
        for i in range(start, start + n):
            row = dict(pool[i % len(pool)])
            row["seq"] = i + 1
            if row["event_id"] is not None:  # a fresh id of the same width
                row["event_id"] = f"f{i:0{len(row['event_id']) - 1}d}"
            rows.append(row)
        return rows

    def runner(self) -> Runner:
        insert = journal.insert()

        def run(n: int) -> float:
            prepared = self._take(n)
            with self.engine.connect() as conn:

                def work() -> None:
                    for row in prepared:
                        with conn.begin():
                            conn.execute(insert, row)

                return timed(work)[0]

        return run


def check_same(kit_settings: tuple[str, int], floors: Sequence[tuple[str, int]]) -> str:
    """Fail unless every floor runs with the Kit's settings; return them, described."""
    for floor in floors:
        if floor != kit_settings:
            raise RuntimeError(
                f"a floor runs with {floor}, the store with {kit_settings}: not comparable"
            )
    return kit_settings[0]
