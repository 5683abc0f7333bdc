"""PostgreSQL through psycopg 3: everything the SQL store does differently on PostgreSQL.

* URLs: ``postgresql+psycopg://user:password@host:5432/db``, or ``postgresql://...``, which
  means the same (psycopg 3 is the one driver motivekit supports; any other, such as
  ``postgresql+psycopg2://``, raises ``ConfigError`` naming the fix). Without psycopg
  installed, ``ConfigError`` says ``pip install 'motivekit[postgres]'``.
* Connections come from a pool and are checked before use (``pool_pre_ping``), so one the
  server closed meanwhile is replaced, not handed to a request.
* ``?pgbouncer=true`` in the URL (taken out before the URL reaches the driver) is for a
  PgBouncer in transaction pooling mode, where consecutive transactions of one client may
  run on different server connections: psycopg then never prepares statements on the
  server (``prepare_threshold=None``). Everything else motivekit sets lives in one
  transaction (``SET LOCAL``, transaction-level locks), so nothing else has to change.
* Write transactions (connections with :data:`~motivekit.store.sql.dialects.WRITE` set)
  run at READ COMMITTED and begin by locking their tenant's log head row
  (``SELECT ... FROM motivekit_log_head WHERE tenant = '...' AND id = 1 FOR UPDATE``), the
  counterpart of SQLite's ``BEGIN IMMEDIATE``: writers of one tenant take turns, whichever
  process they run in (writers of different tenants do not wait for each other), and
  since each statement at READ COMMITTED reads what was committed before it started,
  everything a writer reads after the lock (known event ids, goals, counts, the head)
  is what the writers before it left. No lost updates, no unique violations halfway
  through, gapless sequence numbers. A writer waits for the lock up to 30 s
  (``lock_timeout``), then fails with ``StoreError``. Before the schema exists (the first
  migration of a new database) there is no head row to lock: the transaction takes a
  transaction-level advisory lock instead, so processes creating the schema at once take
  turns too.
* Read transactions are REPEATABLE READ, READ ONLY: one consistent snapshot, as the store
  protocol promises (a read-only snapshot transaction never fails to serialise).
* The journal's rows are loaded with ``COPY ... FROM STDIN`` (:func:`copy_rows`), in the
  write transaction: a third faster than the pipelined ``executemany`` of an ``INSERT``
  for a batch of 500 (2.9 ms against 4.5 ms with the commit, measured here).
* Upserts are ``INSERT ... ON CONFLICT (...) DO UPDATE SET c = excluded.c`` (added
  columns ``c = table.c + excluded.c``, atomic in the row), insert-or-ignore is
  ``ON CONFLICT DO NOTHING``.
* Batched lookups read their keys from one JSON array parameter with
  ``jsonb_array_elements`` (see :func:`json_rows`); binary keys travel as hex and become
  ``bytea`` with ``decode(..., 'hex')``.
* ``scrub`` is ``VACUUM (FULL)`` of the tables ``forget`` changes: they are rewritten
  without the row versions it replaced or deleted (see :func:`scrub` for why a plain
  ``VACUUM`` is not enough). What the write-ahead log, WAL archives, backups and replicas
  still hold is said in ``docs/storage.md``.
* ``synchronous`` is SQLite's setting and has no effect here: a commit is as durable as
  the server's ``synchronous_commit`` makes it (``on`` by default: flushed to disk).
"""

from __future__ import annotations

import contextlib
import functools
import json
import re
import time
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY, Insert
from sqlalchemy.dialects.postgresql import insert as _pg_insert

from motivekit._errors import ConfigError, StoreError
from motivekit.store.sql._schema import PREFIX, log_head
from motivekit.store.sql.dialects._base import KEYS, TENANT_OPTION, WRITE, KeyType, Synchronous
from motivekit.store.sql.dialects._on_conflict import ignore_on_conflict, upsert_on_conflict

__all__ = [
    "among_keys",
    "copy_rows",
    "create_engine",
    "insert",
    "insert_ignore",
    "join",
    "json_rows",
    "name",
    "retryable",
    "scrub",
    "set_wise_upserts",
    "upsert",
]

name = "postgresql"

PGBOUNCER = "pgbouncer"
"""The URL query parameter that switches on PgBouncer transaction pooling support."""

LOCK_TIMEOUT = "30s"
"""How long a writer waits for the writers' lock (SQLite's busy wait is 30 s too)."""

_ADVISORY_KEY = 0x6D6F_7469_7665  # "motive": only while the schema does not exist yet

_TENANT_NAME = re.compile(r"[a-z0-9._-]{0,64}")


@functools.lru_cache(maxsize=256)
def _head_row(tenant: str) -> str:
    """``SELECT ... FOR UPDATE`` of ``tenant``'s log head row. The tenant is written into
    the text (quoted; tenant names are checked to hold only ``[a-z0-9._-]``) so the lock
    stays one round trip with ``SET LOCAL`` before it."""
    if _TENANT_NAME.fullmatch(tenant) is None:  # checked by the store already
        raise ConfigError(f"not a tenant name: {tenant!r}")
    return f"SELECT 1 FROM {log_head.name} WHERE tenant = '{tenant}' AND id = 1 FOR UPDATE"


def _lock_head(tenant: str) -> str:
    return f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'; {_head_row(tenant)}"


_LOCK_NO_SCHEMA = (
    f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'; SELECT pg_advisory_xact_lock({_ADVISORY_KEY})"
)

SCRUBBED = tuple(
    PREFIX + t
    for t in (
        "journal",
        "goals",
        "goal_days",
        "consents",
        "skills",
        "skill_bands",
        "impact_contributions",
        "impact_referrals",
        "identity_groups",
        "impact_feed",
        "impact_items",
        "impact_prefs",
        "mission_parts",
    )
)
"""The tables ``kit.privacy.forget`` deletes or overwrites rows in."""


def _psycopg() -> Any:
    try:
        import psycopg
    except ImportError as exc:
        raise ConfigError(
            "PostgreSQL needs the psycopg 3 driver: pip install 'motivekit[postgres]'"
        ) from exc
    return psycopg


def _driver_url(url: sa.URL) -> tuple[sa.URL, dict[str, Any]]:
    """The URL for psycopg 3 without motivekit's own options, and the connect arguments
    those options make."""
    shown = url.render_as_string(hide_password=True)
    driver = url.get_driver_name()
    if url.drivername == "postgresql":
        url = url.set(drivername="postgresql+psycopg")
    elif driver != "psycopg":
        raise ConfigError(
            f"{shown!r}: motivekit talks to PostgreSQL through psycopg 3 only; write the URL "
            f"as 'postgresql+psycopg://...' (or 'postgresql://...') instead of "
            f"'postgresql+{driver}://...', and pip install 'motivekit[postgres]'"
        )
    connect_args: dict[str, Any] = {}
    if PGBOUNCER in url.query:
        value = url.query[PGBOUNCER]
        if value not in ("true", "false"):
            raise ConfigError(
                f"{shown!r}: {PGBOUNCER} must be 'true' (behind a PgBouncer in transaction "
                f"pooling mode) or 'false', got {value!r}"
            )
        if value == "true":
            connect_args["prepare_threshold"] = None  # no server-side prepared statements
        url = url.difference_update_query([PGBOUNCER])
    return url, connect_args


def create_engine(url: sa.URL, synchronous: Synchronous, *, create: bool) -> sa.Engine:
    """A pooled engine on the PostgreSQL database of ``url`` (``synchronous`` and
    ``create`` change nothing: the database must exist; a database without motivekit's
    schema is told apart by the store's schema check)."""
    driver_url, connect_args = _driver_url(url)
    psycopg = _psycopg()
    engine = sa.create_engine(
        driver_url,
        pool_pre_ping=True,
        isolation_level="READ COMMITTED",
        connect_args=connect_args,
    )
    read_committed = psycopg.IsolationLevel.READ_COMMITTED
    snapshot = psycopg.IsolationLevel.REPEATABLE_READ

    @sa.event.listens_for(engine, "begin")
    def _begin(conn: sa.Connection) -> None:
        driver = conn.connection.driver_connection
        assert driver is not None
        options = conn.get_execution_options()
        write = bool(options.get(WRITE, False))
        # psycopg begins the transaction with these (no round trip of their own).
        driver.isolation_level = read_committed if write else snapshot
        driver.read_only = not write
        if write:
            _lock(driver, psycopg, options.get(TENANT_OPTION, ""))

    return engine


def _lock(driver: Any, psycopg: Any, tenant: str) -> None:
    """Take ``tenant``'s writers' lock as the write transaction's first statement."""
    try:
        try:
            cursor = driver.execute(_lock_head(tenant))
            cursor.nextset()
            if cursor.fetchall():
                return
            # The head row is missing (a tenant's first open creates it): nothing to
            # lock, so lock what is always there.
            driver.execute(_LOCK_NO_SCHEMA)
        except (psycopg.errors.UndefinedTable, psycopg.errors.UndefinedColumn):
            # No schema yet, or one from before tenants: a migration is about to run.
            driver.rollback()
            driver.execute(_LOCK_NO_SCHEMA)
    except psycopg.Error as exc:
        with contextlib.suppress(psycopg.Error):  # a broken connection: the store replaces it
            driver.rollback()
        # SQLAlchemy does not wrap errors raised in its begin hook: wrapped as its own, the
        # store tells a server that went away (StoreUnavailable) from a lost race or any
        # other error, and replaces the connection.
        raise sa.exc.DBAPIError.instance(
            "BEGIN", None, exc, psycopg.Error, connection_invalidated=driver.closed or driver.broken
        ) from exc


def join(conn: sa.Connection, tenant: str) -> None:
    """Ready a host's connection for a motivekit write inside the host's transaction
    (``SqlStore.join``): take ``tenant``'s writers' lock as a write
    transaction of the store's own begins with it. The host's lock timeout and isolation
    level are the host's: nothing is ``SET`` on its transaction."""
    conn.exec_driver_sql(_head_row(tenant))


def retryable(error: BaseException) -> bool:
    """Whether ``error`` (a driver error, or one motivekit or SQLAlchemy wrapped around
    it) means the unit of work lost a race and may run again unchanged: a deadlock, a
    serialization failure or a lock wait that timed out. Writers serialise on the log
    head row from their first statement, so among motivekit's own writers none of these
    happens; a host's transaction holding locks (``join``) can cause them."""
    psycopg = _psycopg()
    lost = (
        psycopg.errors.DeadlockDetected,
        psycopg.errors.SerializationFailure,
        psycopg.errors.LockNotAvailable,
    )
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, lost) or isinstance(getattr(seen, "orig", None), lost):
            return True
        seen = seen.__cause__
    return False


def copy_rows(
    cursor: Any, table: sa.Table, columns: Sequence[str], rows: Sequence[tuple[Any, ...]]
) -> None:
    """``COPY table (columns) FROM STDIN (FORMAT BINARY)`` of ``rows`` on psycopg's
    ``cursor``: each value sent in its column's binary form (no text escaping of the
    entries' bytes). A row the table refuses (a duplicate event id) fails the whole
    ``COPY`` with the error an ``INSERT`` would raise, naming the same constraint."""
    sql, types = _copy_of(table, tuple(columns))
    with cursor.copy(sql) as copy:
        copy.set_types(types)
        for row in rows:
            copy.write_row(row)


@functools.lru_cache(maxsize=16)
def _copy_of(table: sa.Table, columns: tuple[str, ...]) -> tuple[str, list[str]]:
    """The ``COPY`` statement for ``columns`` of ``table``, and the PostgreSQL type name
    of each column (``VARCHAR(200)`` is ``varchar``), as the binary format needs them."""
    dialect = _pg_dialect()
    types = [
        table.c[c].type.compile(dialect=dialect).split("(")[0].strip().lower() for c in columns
    ]
    return f"COPY {table.name} ({', '.join(columns)}) FROM STDIN (FORMAT BINARY)", types


@functools.cache
def _pg_dialect() -> sa.Dialect:
    from sqlalchemy.dialects.postgresql.base import PGDialect

    return PGDialect()  # type: ignore[no-untyped-call]  # (SQLAlchemy leaves it untyped)


set_wise_upserts = True
"""Upserts of many rows go as one ``INSERT ... SELECT`` from ``jsonb_array_elements``: one
statement, not one per row in the pipeline (80 goal days: 0.54 ms against 0.89 ms)."""


def insert(table: sa.Table) -> Insert:
    """PostgreSQL's ``INSERT``, which has ``ON CONFLICT``."""
    return _pg_insert(table)


def upsert(
    table: sa.Table,
    key: Sequence[sa.Column[Any]],
    *,
    columns: Sequence[str] | None = None,
    replace: Sequence[str] = (),
    add: Sequence[str] = (),
    rows: sa.Select[Any] | None = None,
) -> Insert:
    """``INSERT ... ON CONFLICT (key) DO UPDATE SET``: ``excluded`` is the new row, and an
    added column is ``c = table.c + excluded.c``, computed on the locked row."""
    return upsert_on_conflict(
        _pg_insert(table), table, key, columns=columns, replace=replace, add=add, rows=rows
    )


def insert_ignore(
    table: sa.Table, key: Sequence[sa.Column[Any]], *, columns: Sequence[str]
) -> Insert:
    """``INSERT ... ON CONFLICT (key) DO NOTHING``."""
    return ignore_on_conflict(_pg_insert(table), key, columns=columns)


_TYPES: dict[KeyType, type[sa.types.TypeEngine[Any]]] = {
    "text": sa.Text,
    "integer": sa.BigInteger,
    "binary": sa.LargeBinary,
    "date": sa.Date,
}


def _typed(value: str, kind: KeyType) -> str:
    if kind == "integer":
        return f"CAST({value} AS BIGINT)"
    if kind == "binary":
        return f"decode({value}, 'hex')"
    if kind == "date":
        return f"CAST({value} AS DATE)"
    return value


def json_rows(types: Sequence[KeyType], *, name: str = KEYS) -> sa.Subquery:
    """``SELECT ... FROM jsonb_array_elements(:name)``: one row per element of the array.

    A set-returning function in ``FROM``: joined to a table (or as the right side of
    ``IN``), the planner loops over its rows and looks each key up in the table's index
    (``tests/test_sql_record_path.py`` checks the plans). The elements come out as text
    (``->>``, ``jsonb_array_elements_text``) and are cast to the column's type, so the
    comparison with a ``VARCHAR`` or ``BIGINT`` column stays indexable.
    """
    array = f"CAST(:{name} AS JSONB)"
    if len(types) == 1:
        source = f"jsonb_array_elements_text({array}) AS e(v)"
        values = ["e.v"]
    else:
        source = f"jsonb_array_elements({array}) AS e(v)"
        values = [f"(e.v ->> {i})" for i in range(len(types))]
    selected = [
        f"{_typed(v, t)} AS k{i}" for i, (v, t) in enumerate(zip(values, types, strict=True), 1)
    ]
    text = sa.text(f"SELECT {', '.join(selected)} FROM {source}").bindparams(
        sa.bindparam(name, type_=sa.Text)
    )
    columns = [sa.column(f"k{i}", _TYPES[t]()) for i, t in enumerate(types, 1)]
    return text.columns(*columns).subquery(f"k_{name}")


class _KeyArray(sa.types.TypeDecorator[list[str]]):
    """Text keys bound as one array value: the JSON array the session sends (or a list)."""

    impl = ARRAY(sa.String)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: sa.Dialect) -> Any:
        return json.loads(value) if isinstance(value, str) else value


def among_keys(column: sa.ColumnElement[Any], *, name: str = KEYS) -> sa.ColumnElement[bool]:
    """``column = ANY(:name)``, the keys bound as one array value (psycopg sends a list
    as an array; the JSON array the session sends is decoded to one first).

    A custom plan takes the array as one constant and checks each row against it with a
    hash table, so however wrong the planner's statistics are, a lookup reads each row of
    the tenant at most once. An ``IN`` or join over ``jsonb_array_elements`` does not:
    without statistics (a new database, before autovacuum has analysed it; a new tenant
    the statistics do not know yet) the planner takes the tenant's rows for a handful and
    loops over every key for each of them (17 ms for 500 keys at 500 entries, 143 ms at
    3,000 entries of a new tenant; 0.2 ms and 1 ms this way). The price: with statistics,
    the planner rates 500 index probes above one pass until the tenant has about 30,000
    entries (at 10,000: 2.8 ms, where the probes of the ``IN`` form take 0.7 ms); beyond
    that it probes the unique index once per key (``tests/test_sql_record_path.py``,
    ``tests/test_postgresql.py`` check both plans). The array must be a bound value, not
    built from the JSON text in SQL: a cast the planner cannot fold is evaluated again for
    every row (24 ms for 500 rows).
    """
    return column == sa.any_(sa.bindparam(name, type_=_KeyArray()))


SCRUB_ATTEMPTS = 5
"""How many times ``scrub`` rewrites while a running transaction keeps erased rows alive."""


def scrub(conn: sa.Connection) -> None:
    """``VACUUM (FULL)`` the tables erasure touches: each is rewritten into new files with
    its live rows only, and its indexes rebuilt, so the row versions erasure replaced or
    deleted leave no copy in the database's files.

    A plain ``VACUUM`` would not do: it removes dead row versions from the page's item
    list, but PostgreSQL does not zero the bytes they occupied, which stay in the page's
    free space until a new row reuses it (``tests/test_postgresql.py`` shows both). The
    rewrite holds an exclusive lock on each table while it runs, so reads and writes of
    that table wait: about 0.3 s per 100,000 journal entries on a small machine.

    Outside a transaction (VACUUM cannot run in one). A role that does not own the tables
    cannot vacuum them; PostgreSQL only warns then, so the warning is raised as
    ``StoreError`` here instead of being lost.
    """
    driver = conn.connection.driver_connection
    assert driver is not None
    warnings: list[str] = []

    kept: list[str] = []

    def collect(diagnostic: Any) -> None:
        if diagnostic.severity_nonlocalized == "WARNING":
            warnings.append(str(diagnostic.message_primary))
        elif "cannot be removed yet" in str(diagnostic.message_detail or ""):
            kept.append(str(diagnostic.message_detail))

    autocommit = conn.execution_options(isolation_level="AUTOCOMMIT")
    driver.add_notice_handler(collect)
    try:
        # A transaction still running on the server that may see the erased row versions
        # makes VACUUM copy them into the new files too: wait for it a little, and rewrite
        # again (what is left after that goes with the next scrub, docs/storage.md).
        for attempt in range(SCRUB_ATTEMPTS):
            kept.clear()
            autocommit.exec_driver_sql(f"VACUUM (FULL, VERBOSE) {', '.join(SCRUBBED)}")
            if not kept or attempt == SCRUB_ATTEMPTS - 1:
                break
            time.sleep(0.2 * (attempt + 1))
    finally:
        driver.remove_notice_handler(collect)
    if warnings:
        raise StoreError(
            f"could not remove erased data from the database files: {'; '.join(warnings)}; "
            f"run motivekit as the role that owns its tables (the one that ran the "
            f"migrations), or have that role run VACUUM on them"
        )
