"""MariaDB and MySQL: everything the SQL store does differently on them (through PyMySQL).

* URLs: ``mysql+pymysql://`` and ``mariadb+pymysql://``; a bare ``mysql://`` or
  ``mariadb://`` (whose SQLAlchemy default driver, mysqlclient, motivekit does not ship)
  is read as PyMySQL. Other drivers are refused with the fix. The connection character
  set is always ``utf8mb4``.
* Connections: pooled, checked before use (``pool_pre_ping``) and recycled after an hour,
  well below the session's ``wait_timeout`` (set to 8 hours). Each session runs at READ
  COMMITTED, in strict ``TRADITIONAL`` SQL mode (bad data is refused, not truncated), in
  UTC, and waits 30 s for a lock (like SQLite's busy timeout).
* A write transaction begins by locking its tenant's log head row (``SELECT ... FOR
  UPDATE``), the equivalent of SQLite's ``BEGIN IMMEDIATE``: writers of one tenant in every
  process take their turn (other tenants' writers lock their own rows),
  and at READ COMMITTED each statement of a writer sees everything earlier writers
  committed, so no projection update is lost and sequence numbers stay gapless. A held
  write connection the server dropped while idle is reconnected before that lock, when
  nothing has happened in the transaction yet.
* A read transaction is a REPEATABLE READ snapshot, taken at its first read.
* Upserts are ``INSERT ... ON DUPLICATE KEY UPDATE c = VALUES(c)`` (added columns
  ``c = c + VALUES(c)``, atomic); insert-or-ignore is ``ON DUPLICATE KEY UPDATE k = k``,
  which ignores a duplicate key and nothing else (``INSERT IGNORE`` would also swallow
  strict-mode errors).
* Batched lookups read their keys from one JSON array with ``JSON_TABLE`` (see
  :func:`json_rows`).
* ``scrub`` rebuilds the tables erasure touches (``OPTIMIZE TABLE``), so erased values do
  not linger in the pages of the live tables; ``docs/storage.md`` says what the redo
  log, the binary log, backups and replicas may still hold.

No statement of the store uses ``UPDATE ... RETURNING`` (which MariaDB lacks) or any other
``RETURNING``: rows changed are counted with ``rowcount``, which SQLAlchemy's MySQL
dialects report as rows *matched* (``CLIENT_FOUND_ROWS``), as on SQLite.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.mysql import Insert
from sqlalchemy.dialects.mysql import insert as _mysql_insert

from motivekit._errors import ConfigError, StoreError
from motivekit.store.sql.dialects._base import (
    KEYS,
    TENANT_OPTION,
    WRITE,
    CopyRows,
    KeyType,
    Synchronous,
)
from motivekit.store.sql.dialects._on_conflict import bound

__all__ = [
    "copy_rows",
    "create_engine",
    "insert",
    "insert_ignore",
    "join",
    "among_keys",
    "json_rows",
    "migration_lock",
    "name",
    "retryable",
    "scrub",
    "set_wise_upserts",
    "upsert",
]

name = "mysql"

copy_rows: CopyRows | None = None
"""The journal's rows go in by ``executemany``, which PyMySQL sends as one multi-row
``INSERT`` (``LOAD DATA LOCAL`` needs ``local_infile`` on both ends)."""

LOCK_WAIT_SECONDS = 30
"""How long a writer waits for the log head (or any row lock) before ``StoreError``."""

RECYCLE_SECONDS = 3600
"""Pooled connections older than this are replaced (below :data:`WAIT_TIMEOUT_SECONDS`)."""

WAIT_TIMEOUT_SECONDS = 8 * 3600
"""The session's ``wait_timeout``: the server closes a connection idle this long."""

SQL_MODE = "TRADITIONAL"
"""Strict mode on MariaDB and MySQL alike: STRICT_TRANS_TABLES, STRICT_ALL_TABLES,
NO_ZERO_DATE, NO_ZERO_IN_DATE, ERROR_FOR_DIVISION_BY_ZERO, NO_ENGINE_SUBSTITUTION."""

_DRIVERS = {"mysql": "mysql+pymysql", "mariadb": "mariadb+pymysql"}
_GONE = frozenset({2006, 2013, 2014, 2045, 2055})  # server gone / lost / out of sync
_UNREACHABLE = _GONE | {2003}  # ... or refusing connections (down, restarting)
_RETRYABLE = frozenset({1213, 1205})  # deadlock; lock wait timeout
_NO_TABLE = 1146
_NO_COLUMN = 1054  # a schema from before tenants: the migration is about to run

_HEAD_LOCK = "SELECT size FROM motivekit_log_head WHERE tenant = %s AND id = 1 FOR UPDATE"


def _driver_url(url: sa.URL) -> sa.URL:
    backend = url.get_backend_name()
    if url.drivername in _DRIVERS:
        url = url.set(drivername=_DRIVERS[url.drivername])
    elif url.get_driver_name() != "pymysql":
        raise ConfigError(
            f"{url.render_as_string()!r}: motivekit talks to {backend} through PyMySQL; "
            f"write the URL as '{_DRIVERS[backend]}://user:password@host/database'"
        )
    if importlib.util.find_spec("pymysql") is None:
        raise ConfigError(f"{backend} needs the PyMySQL driver: pip install 'motivekit[mysql]'")
    return url.update_query_dict({"charset": "utf8mb4"})


def _configure(dbapi_connection: Any) -> None:
    """Session settings, on every new (or re-established) connection."""
    server = dbapi_connection.get_server_info()
    # MariaDB before 11.1 names it tx_isolation; MySQL 8 only transaction_isolation.
    isolation = "tx_isolation" if "MariaDB" in server else "transaction_isolation"
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(
            f"SET SESSION sql_mode = '{SQL_MODE}', time_zone = '+00:00', "
            f"{isolation} = 'READ-COMMITTED', "
            f"innodb_lock_wait_timeout = {LOCK_WAIT_SECONDS}, "
            f"wait_timeout = {WAIT_TIMEOUT_SECONDS}"
        )
    finally:
        cursor.close()


def _lock_head(dbapi: Any, dbapi_connection: Any, tenant: str) -> None:
    """Take ``tenant``'s writers' lock: its log head row (writers of other tenants lock
    theirs). Before the schema exists (the first migration) there is no row to lock;
    migrations hold :func:`migration_lock`. A tenant's first open creates its row with an
    insert-or-ignore, which InnoDB serialises on the key."""
    for attempt in (1, 2):
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(_HEAD_LOCK, (tenant,))
            cursor.fetchall()
            return
        except (dbapi.ProgrammingError, dbapi.OperationalError) as exc:
            if exc.args and exc.args[0] in (_NO_TABLE, _NO_COLUMN):
                # A migration is about to run under its own lock: end the transaction the
                # failed read began, so it holds no lock on the table the migration
                # rebuilds while it waits for the migration lock.
                dbapi_connection.rollback()
                return
            if not isinstance(exc, dbapi.OperationalError):
                raise
            # A held write connection the server closed while it sat idle: nothing has
            # run in this transaction yet, so connecting again is safe.
            if attempt == 2 or exc.args[0] not in _GONE:
                raise
            dbapi_connection.connect()
            _configure(dbapi_connection)
        finally:
            cursor.close()


def _snapshot(dbapi_connection: Any) -> None:
    """Begin a read: the transaction the next statement starts is REPEATABLE READ, one
    snapshot for all its statements, taken at its first read. (Taken at once, with
    ``START TRANSACTION WITH CONSISTENT SNAPSHOT``, a read that began before another
    process created or rebuilt a table would fail on it with "Table definition has
    changed".)"""
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
    finally:
        cursor.close()


def create_engine(url: sa.URL, synchronous: Synchronous, *, create: bool) -> sa.Engine:
    """A pooled engine on the database of ``url``.

    ``synchronous`` is SQLite's: on a server, durability is the server's configuration
    (``innodb_flush_log_at_trx_commit=1``, ``sync_binlog=1``). The database itself must
    exist (servers' databases are made by their administrators); ``create`` is about
    motivekit's tables, which the store's migrations create.
    """
    del synchronous, create
    engine = sa.create_engine(
        _driver_url(url),
        pool_pre_ping=True,
        pool_recycle=RECYCLE_SECONDS,
        connect_args={"connect_timeout": 10},
    )

    @sa.event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        _configure(dbapi_connection)

    @sa.event.listens_for(engine, "begin")
    def _begin(conn: sa.Connection) -> None:
        # Straight to the driver: beginning needs no statement compilation. SQLAlchemy
        # does not wrap errors raised here, so they are wrapped as its own (the store
        # turns those into StoreError, and drops the connection).
        dbapi = engine.dialect.loaded_dbapi
        driver = conn.connection.driver_connection
        try:
            options = conn.get_execution_options()
            if options.get(WRITE, False):
                _lock_head(dbapi, driver, options.get(TENANT_OPTION, ""))
            else:
                _snapshot(driver)
        except dbapi.Error as exc:
            gone = engine.dialect.is_disconnect(exc, driver, None) or (
                bool(exc.args) and exc.args[0] in _UNREACHABLE
            )
            raise sa.exc.DBAPIError.instance(
                "BEGIN", None, exc, dbapi.Error, connection_invalidated=gone
            ) from exc

    return engine


@contextmanager
def migration_lock(conn: sa.Connection) -> Iterator[None]:
    """Hold a named lock for this database while migrations run: DDL commits implicitly
    on MySQL, which would release the log head's row lock after the first statement."""
    key = "CONCAT('motivekit-migrate-', MD5(DATABASE()))"
    got = conn.exec_driver_sql(f"SELECT GET_LOCK({key}, 120)").scalar()
    if got != 1:
        raise StoreError("another process kept motivekit's migration lock for 120 s")
    try:
        yield
        # The last version-table update must be committed before the next process
        # reads it; every DDL statement before it has committed already.
        conn.connection.driver_connection.commit()  # type: ignore[union-attr]
    finally:
        conn.exec_driver_sql(f"SELECT RELEASE_LOCK({key})")


set_wise_upserts = True
"""A batch's goal days go as one ``INSERT ... SELECT ... FROM JSON_TABLE`` (80 days: 0.70 ms
against 0.89 ms for PyMySQL's multi-row ``INSERT`` of the same rows, which still wins for
rows as large as the journal's: two to three times faster there)."""


def insert(table: sa.Table) -> Insert:
    """MySQL's ``INSERT``, which has ``ON DUPLICATE KEY UPDATE``."""
    return _mysql_insert(table)


def upsert(
    table: sa.Table,
    key: Sequence[sa.Column[Any]],
    *,
    columns: Sequence[str] | None = None,
    replace: Sequence[str] = (),
    add: Sequence[str] = (),
    rows: sa.Select[Any] | None = None,
) -> Insert:
    """``INSERT ... ON DUPLICATE KEY UPDATE``: ``VALUES(c)`` is the new row.

    MySQL updates on a conflict with *any* unique key, not only ``key``; every table the
    store upserts into has one unique key, or a second one (the feed's group key) that
    agrees with the first for every row the store writes.
    """
    del key
    statement = bound(_mysql_insert(table), columns, rows)
    new = statement.inserted
    changes: dict[str, Any] = {c: new[c] for c in replace}
    changes.update({c: table.c[c] + new[c] for c in add})
    return statement.on_duplicate_key_update(changes)


def insert_ignore(
    table: sa.Table, key: Sequence[sa.Column[Any]], *, columns: Sequence[str]
) -> Insert:
    """``INSERT ... ON DUPLICATE KEY UPDATE k = k``: a duplicate key changes nothing, and
    any other error (a value too long, a NULL) is still an error."""
    first = key[0].name
    return bound(_mysql_insert(table), columns).on_duplicate_key_update({first: table.c[first]})


_TYPES: dict[KeyType, type[sa.types.TypeEngine[Any]]] = {
    "text": sa.Text,
    "integer": sa.BigInteger,
    "binary": sa.LargeBinary,
    "date": sa.Date,
}

# Keys compare with the store's utf8mb4_bin columns in their collation: an index lookup,
# case-sensitive. 400 characters holds every key column (the longest is 300).
_COLUMN_TYPES: dict[KeyType, str] = {
    "text": "VARCHAR(400) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin",
    "integer": "BIGINT",
    "binary": "VARCHAR(200) CHARACTER SET ascii",
    "date": "DATE",
}


def json_rows(types: Sequence[KeyType], *, name: str = KEYS) -> sa.Subquery:
    """``SELECT ... FROM JSON_TABLE(:name, '$[*]' COLUMNS (...))``: one row per element.

    The table function is the outer loop of the join (or of the semi-join of ``IN``), so
    each key is one lookup of the joined table's index (``tests/test_mysql.py`` checks the
    plans). Binary keys travel as hex and are turned back into bytes with ``UNHEX``.
    """
    paths = ["$"] if len(types) == 1 else [f"$[{i}]" for i in range(len(types))]
    defined = ", ".join(
        f"j{i} {_COLUMN_TYPES[t]} PATH '{p}'"
        for i, (t, p) in enumerate(zip(types, paths, strict=True), 1)
    )
    selected = ", ".join(
        f"UNHEX(j{i}) AS k{i}" if t == "binary" else f"j{i} AS k{i}" for i, t in enumerate(types, 1)
    )
    text = sa.text(
        f"SELECT {selected} FROM JSON_TABLE(:{name}, '$[*]' COLUMNS ({defined})) AS jt"
    ).bindparams(sa.bindparam(name, type_=sa.Text))
    columns = [sa.column(f"k{i}", _TYPES[t]()) for i, t in enumerate(types, 1)]
    return text.columns(*columns).subquery(f"k_{name}")


SCRUBBED = (
    "motivekit_journal",
    "motivekit_goals",
    "motivekit_goal_days",
    "motivekit_consents",
    "motivekit_skills",
    "motivekit_skill_bands",
    "motivekit_impact_contributions",
    "motivekit_impact_referrals",
    "motivekit_identity_groups",
    "motivekit_impact_feed",
    "motivekit_impact_items",
    "motivekit_impact_prefs",
    "motivekit_mission_parts",
)
"""The tables erasure deletes from or overwrites: ``scrub`` rebuilds them."""


def among_keys(column: sa.ColumnElement[Any], *, name: str = KEYS) -> sa.ColumnElement[bool]:
    """``column IN`` the keys of :func:`json_rows`: each key one lookup of the index."""
    return column.in_(sa.select(json_rows(["text"], name=name).c.k1))


def join(conn: sa.Connection, tenant: str) -> None:
    """Ready a host's connection for a motivekit write: take ``tenant``'s writers' lock
    (its log head row) inside the host's transaction, as the store's own writes begin
    with it. Never reconnects: a lost connection lost the host's transaction with it."""
    conn.exec_driver_sql(_HEAD_LOCK, (tenant,)).fetchall()


def retryable(error: BaseException) -> bool:
    """A deadlock (1213) or a lock wait that timed out (1205): InnoDB rolled the
    statement or transaction back; running the unit of work again is safe."""
    args: tuple[object, ...] = getattr(error, "args", ())
    return bool(args) and args[0] in _RETRYABLE


def scrub(conn: sa.Connection) -> None:
    """Rebuild the tables erasure touched, so erased values leave no copy in their pages.

    InnoDB marks deleted rows and overwritten values free in place; ``OPTIMIZE TABLE``
    copies the live rows into a new tablespace (online: writers are not blocked) and drops
    the old one. It is written to the binary log, so replicas rebuild theirs too.
    """
    tables = ", ".join(SCRUBBED)
    rows = conn.exec_driver_sql(f"OPTIMIZE TABLE {tables}").all()
    errors = [f"{r[0]}: {r[3]}" for r in rows if str(r[2]).lower() == "error"]
    if errors:
        raise StoreError("OPTIMIZE TABLE failed: " + "; ".join(errors))
