"""SQLite, the embedded default: everything the SQL store does differently on SQLite.

* Connections: WAL mode (readers and the writer do not block each other), ``synchronous``
  as the host chose (``FULL`` by default: a committed event survives power loss),
  ``secure_delete`` (erased data is overwritten, not left in free pages) and a 30 s busy
  wait. The driver's own transaction handling is switched off so SQLAlchemy's ``begin``
  event starts every transaction.
* Writes begin with ``BEGIN IMMEDIATE``: the write lock is taken when the transaction
  starts, so several threads and processes share one file without "database is locked"
  surprises mid-write (and the log head read under it stays the head).
* An in-memory database (``sqlite://``) lives in one connection (``StaticPool``), so it is
  never in WAL mode and never discarded.
* Upserts are ``ON CONFLICT (...) DO UPDATE SET c = excluded.c`` and insert-or-ignore is
  ``ON CONFLICT DO NOTHING``.
* Batched lookups read their keys from one JSON array with ``json_each`` (see
  :func:`json_rows`); before SQLite 3.41, which has no ``unhex``, the store adds one. A
  lookup joined to its keys is written ``keys CROSS JOIN table``: SQLite never reorders a
  ``CROSS JOIN``, so the keys are the outer loop (see :func:`_keys_first`).
* ``scrub`` is ``PRAGMA wal_checkpoint(TRUNCATE)``.
"""

from __future__ import annotations

import itertools
import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.sqlite import Insert
from sqlalchemy.dialects.sqlite import insert as _sqlite_insert
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.pool import StaticPool

from motivekit._errors import ConfigError, SchemaOutOfDate
from motivekit.store.sql.dialects._base import KEYS, WRITE, CopyRows, KeyType, Synchronous
from motivekit.store.sql.dialects._keys_join import KeysJoin
from motivekit.store.sql.dialects._on_conflict import ignore_on_conflict, upsert_on_conflict

__all__ = [
    "copy_rows",
    "create_engine",
    "insert",
    "insert_ignore",
    "join",
    "among_keys",
    "json_rows",
    "name",
    "retryable",
    "scrub",
    "set_wise_upserts",
    "upsert",
]

name = "sqlite"

copy_rows: CopyRows | None = None
"""The journal's rows go in by ``executemany``: SQLite runs in this process, so nothing is
faster."""


def create_engine(url: sa.URL, synchronous: Synchronous, *, create: bool) -> sa.Engine:
    """An engine on the SQLite file (or in-memory database) of ``url``."""
    database = url.database or ""
    in_memory = database in ("", ":memory:")
    if not in_memory:
        path = Path(database).resolve()  # SQLite takes the path literally: no ~ expansion
        if not path.parent.is_dir():
            raise ConfigError(
                f"cannot open SQLite file {database!r}: directory {str(path.parent)!r} does "
                f"not exist; create it first or choose another path"
            )
        if not create and not path.exists():
            raise SchemaOutOfDate(
                f"no database at {database!r}; create it with "
                f"`motivekit db upgrade --url {url.render_as_string()}` (or open it with "
                f"migrate=True)"
            )
    engine = sa.create_engine(
        url,
        connect_args={"check_same_thread": False, "timeout": 30},
        **({"poolclass": StaticPool} if in_memory else {}),
    )

    @sa.event.listens_for(engine, "connect")
    def _configure(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event, not the driver, start transactions.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        if not in_memory:
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA synchronous={synchronous}")
        # Erased personal data is overwritten, not left in free pages.
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()
        if sqlite3.sqlite_version_info < (3, 41):
            dbapi_connection.create_function("unhex", 1, _unhex, deterministic=True)

    @sa.event.listens_for(engine, "begin")
    def _begin(conn: sa.Connection) -> None:
        immediate = conn.get_execution_options().get(WRITE, False)
        # Straight to the driver: a BEGIN needs no statement compilation. SQLAlchemy does
        # not wrap errors raised here (the write lock still taken after the busy wait, a
        # file that is not a database), so they are wrapped as its own: the store turns
        # them into StoreError.
        try:
            conn.connection.driver_connection.execute(  # type: ignore[union-attr]
                "BEGIN IMMEDIATE" if immediate else "BEGIN"
            )
        except sqlite3.Error as exc:
            raise sa.exc.DBAPIError.instance("BEGIN", None, exc, sqlite3.Error) from exc

    return engine


set_wise_upserts = False
"""Upserts of many rows go by ``executemany``: SQLite runs in this process, so a statement
per row costs no round trip."""


def insert(table: sa.Table) -> Insert:
    """SQLite's ``INSERT``, which has ``ON CONFLICT``."""
    return _sqlite_insert(table)


def upsert(
    table: sa.Table,
    key: Sequence[sa.Column[Any]],
    *,
    columns: Sequence[str] | None = None,
    replace: Sequence[str] = (),
    add: Sequence[str] = (),
    rows: sa.Select[Any] | None = None,
) -> Insert:
    """``INSERT ... ON CONFLICT (key) DO UPDATE SET``: ``excluded`` is the new row."""
    return upsert_on_conflict(
        _sqlite_insert(table), table, key, columns=columns, replace=replace, add=add, rows=rows
    )


def insert_ignore(
    table: sa.Table, key: Sequence[sa.Column[Any]], *, columns: Sequence[str]
) -> Insert:
    """``INSERT ... ON CONFLICT (key) DO NOTHING``."""
    return ignore_on_conflict(_sqlite_insert(table), key, columns=columns)


def _unhex(text: str | None) -> bytes | None:
    """SQLite 3.41's ``unhex`` for older libraries (hex text to a BLOB)."""
    return None if text is None else bytes.fromhex(text)


_TYPES: dict[KeyType, type[sa.types.TypeEngine[Any]]] = {
    "text": sa.Text,
    "integer": sa.BigInteger,
    "binary": sa.LargeBinary,
    "date": sa.Date,
}


def json_rows(types: Sequence[KeyType], *, name: str = KEYS) -> sa.Subquery:
    """``SELECT ... FROM json_each(:name)``: one row per element of the JSON array.

    ``json_each`` is a table-valued function, so joined (or as the right side of ``IN``)
    it is the outer loop and each key is one index lookup: a batch costs what its keys
    cost, however large the table grows (``tests/test_sqlite.py`` checks the plans).
    """
    if len(types) == 1:
        values = ["value"]
    else:
        values = [f"json_extract(value, '$[{i}]')" for i in range(len(types))]
    selected = [
        f"{'unhex(' + v + ')' if t == 'binary' else v} AS k{i}"
        for i, (v, t) in enumerate(zip(values, types, strict=True), 1)
    ]
    text = sa.text(f"SELECT {', '.join(selected)} FROM json_each(:{name})").bindparams(
        sa.bindparam(name, type_=sa.Text)
    )
    columns = [sa.column(f"k{i}", _TYPES[t]()) for i, t in enumerate(types, 1)]
    return text.columns(*columns).subquery(f"k_{name}")


@compiles(KeysJoin, "sqlite")
def _keys_first(join: KeysJoin, compiler: Any, **kw: Any) -> str:
    """``keys CROSS JOIN table ON ...``: the keys are the outer loop, each one an index search.

    Without statistics (a store never runs ``ANALYZE``) SQLite's planner takes the
    ``tenant = ?`` of a lookup for a selective index prefix and loops over the tenant's
    whole table instead, reading every key for every row: a batch then costs its keys times
    the table's rows. SQLite never reorders the two sides of a ``CROSS JOIN``.
    """
    kw.pop("asfrom", None)
    linter = kw.get("from_linter")
    if linter:
        linter.edges.update(itertools.product(join.right._from_objects, join.left._from_objects))
    keys = join.right._compiler_dispatch(compiler, asfrom=True, **kw)
    table = join.left._compiler_dispatch(compiler, asfrom=True, **kw)
    assert join.onclause is not None  # a KeysJoin always has its ON
    on = join.onclause._compiler_dispatch(compiler, **kw)
    return f"{keys} CROSS JOIN {table} ON {on}"


def among_keys(column: sa.ColumnElement[Any], *, name: str = KEYS) -> sa.ColumnElement[bool]:
    """``column IN`` the keys of :func:`json_rows`: each key one lookup of the index."""
    return column.in_(sa.select(json_rows(["text"], name=name).c.k1))


def join(conn: sa.Connection, tenant: str) -> None:
    """Ready a host's SQLite connection: it gets ``unhex`` where the library lacks it, and
    the write lock (the whole file's, whatever the ``tenant``) is taken by the first
    write, as SQLite does inside a transaction (a host who has written already holds
    it)."""
    del tenant
    if sqlite3.sqlite_version_info < (3, 41):
        driver = conn.connection.driver_connection
        driver.create_function("unhex", 1, _unhex, deterministic=True)  # type: ignore[union-attr]


def retryable(error: BaseException) -> bool:
    """Never: writers take the lock when they begin (``BEGIN IMMEDIATE``) and wait up to
    30 s for it, so a unit of work cannot lose a race halfway."""
    return False


def scrub(conn: sa.Connection) -> None:
    """Copy the WAL into the database and truncate it, so erased data leaves no copy.

    Deleted rows are overwritten in place (``secure_delete``); this removes the older page
    images the write-ahead log still holds.
    """
    conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
