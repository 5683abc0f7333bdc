"""What one database contributes to the SQL store: the seam a new backend plugs into.

Everything else in :mod:`motivekit.store.sql` (the statements, the row mapping, the
session, transactions, schema upgrades) is written against SQLAlchemy Core and this
protocol. A dialect is a *module* (``dialects/sqlite.py``; ``postgresql.py`` and
``mysql.py`` later) whose top-level names provide the members of :class:`Dialect`; mypy
checks the module against it where ``dialects/__init__.py`` names it.

A dialect's statements are built once per dialect (``_statements.py``), never per call, so
the builders below may take their time; what they return must not depend on anything but
their arguments.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Literal, Protocol

import sqlalchemy as sa

__all__ = [
    "KEYS",
    "TENANT",
    "TENANT_OPTION",
    "WRITE",
    "CopyRows",
    "Dialect",
    "KeyType",
    "Synchronous",
]

Synchronous = Literal["OFF", "NORMAL", "FULL", "EXTRA"]
"""How hard a commit waits for the disk (SQLite's ``PRAGMA synchronous`` values)."""

WRITE = "motivekit_write"
"""The execution option the store sets on the connections it writes with. A dialect's
engine begins their transactions as writes, taking the writers' lock at once (SQLite:
``BEGIN IMMEDIATE``), so a unit of work that reads before it writes cannot deadlock or fail
halfway with "database is locked"."""

TENANT = "tid"
"""The name of the parameter every statement takes its tenant in (``tenant = :tid``)."""

TENANT_OPTION = "motivekit_tenant"
"""The execution option naming the tenant a write connection writes for: a dialect whose
write transactions begin by locking the log head row locks that tenant's row, so writers of
different tenants do not wait for each other."""

KEYS = "ids"
"""The name of the parameter batched lookups bind their keys to (one JSON array)."""

KeyType = Literal["text", "integer", "binary", "date"]
"""The type of one column of :meth:`Dialect.json_rows`; ``binary`` values travel as hex,
``date`` values as ISO text (``2026-11-21``)."""

CopyRows = Callable[[Any, sa.Table, Sequence[str], Sequence[tuple[Any, ...]]], None]
"""``copy_rows(cursor, table, columns, rows)``: load ``rows`` (values in ``columns`` order,
in the driver's types) into ``table`` on the driver's ``cursor``, in its transaction."""


class Dialect(Protocol):
    """What a dialect module provides."""

    name: str
    """The URL backend name it serves (``sqlite``)."""

    def create_engine(self, url: sa.URL, synchronous: Synchronous, *, create: bool) -> sa.Engine:
        """An engine whose connections are set up for motivekit (durability, locking, busy
        waits) and whose transactions begin as writes on connections with :data:`WRITE`
        set. ``create``: whether a database that does not exist yet may be created (if
        not, raise ``SchemaOutOfDate`` saying how to create it). Problems with the URL's
        target that can be seen before connecting raise ``ConfigError``."""
        ...

    @property
    def copy_rows(self) -> CopyRows | None:
        """How the journal's rows are loaded faster than by the driver's ``executemany``
        of an ``INSERT`` (PostgreSQL: ``COPY ... FROM STDIN``); None where
        ``executemany`` is the fastest way there is (SQLite runs in the process; PyMySQL
        sends one multi-row ``INSERT``). A row refused (a duplicate key) fails the whole
        load, as an insert would."""
        ...

    @property
    def set_wise_upserts(self) -> bool:
        """Whether the record path's upserts of many rows (a batch's goal days) go faster
        as one ``INSERT ... SELECT`` from the rows bound as one JSON array (``rows`` of
        :meth:`upsert`) than as the driver's ``executemany`` of a one-row upsert."""
        ...

    def insert(self, table: sa.Table) -> sa.Insert:
        """The dialect's own ``INSERT`` construct (the one that can upsert)."""
        ...

    def upsert(
        self,
        table: sa.Table,
        key: Sequence[sa.Column[Any]],
        *,
        columns: Sequence[str] | None = None,
        replace: Sequence[str] = (),
        add: Sequence[str] = (),
        rows: sa.Select[Any] | None = None,
    ) -> sa.Insert:
        """Insert a row, or, where one with the same ``key`` (a unique index) exists,
        set its ``replace`` columns to the new row's values and add the new row's values
        to its ``add`` columns. ``columns``: bound by name, in this order (None: those of
        the parameters given at execution); with ``rows``, the columns of that query's
        rows, each inserted or added to as one bound row would be (no two of its rows
        may have the same key)."""
        ...

    def insert_ignore(
        self, table: sa.Table, key: Sequence[sa.Column[Any]], *, columns: Sequence[str]
    ) -> sa.Insert:
        """Insert a row unless one with the same ``key`` exists (then leave it alone, also
        within one executemany batch); ``columns`` are bound by name."""
        ...

    def json_rows(self, types: Sequence[KeyType], *, name: str = KEYS) -> sa.Subquery:
        """The JSON array bound as the text parameter ``name`` as a derived table with
        columns ``k1`` to ``k<n>`` of ``types`` (an array of scalars for one column, of
        arrays for several): how a batched lookup takes any number of keys with one SQL
        text, compiled once. Joined to a table on an index, each key must be looked up
        through the index, whatever the table's size."""
        ...

    def among_keys(
        self, column: sa.ColumnElement[Any], *, name: str = KEYS
    ) -> sa.ColumnElement[bool]:
        """``column`` is one of the text keys bound as the JSON array ``name``: the
        condition of a lookup through a unique index (a batch's event ids in the
        journal), whose cost must stay bounded even before the database has statistics
        about the table (a new database, a new tenant)."""
        ...

    def join(self, conn: sa.Connection, tenant: str) -> None:
        """Ready a host's connection (``SqlStore.join``), inside the savepoint a motivekit
        write runs in, as :data:`WRITE` readies the store's own: take ``tenant``'s
        writers' lock the way this dialect's write transactions begin with it."""
        ...

    def retryable(self, error: BaseException) -> bool:
        """Whether the driver's ``error`` means this unit of work lost a race with another
        writer (a deadlock, a serialization failure, a lock wait that timed out) and may be
        run again unchanged: the store raises ``WriteConflict`` for it."""
        ...

    def scrub(self, conn: sa.Connection) -> None:
        """Make sure deleted rows leave no copy in the database's files (outside a
        transaction)."""
        ...
