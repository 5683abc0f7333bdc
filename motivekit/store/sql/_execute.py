"""How the SQL session runs statements: compiled once, on the driver's own cursor.

SQLAlchemy Core builds, caches and compiles a statement and converts its parameters on
every ``execute``. On SQLite that costs 10-30 times what the database needs to answer a
small lookup, so the statements on the record path never go through it per call:
:class:`Prepared` compiles a statement once per dialect and keeps its SQL text, the order
of its parameters and the type conversions of its parameters and result columns, and
:class:`SessionBase` runs it on the driver's cursor. Driver errors there become
``StoreError`` like any other database error.

Batched lookups and set-wise writes bind their keys or rows as one JSON array
(:func:`json_array`, read by the dialect's ``json_rows``): the SQL text is the same for any
number of keys, so nothing is compiled, expanded or sliced per call, and a batch costs one
statement however large it is.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date
from functools import lru_cache
from operator import itemgetter
from typing import Any

import sqlalchemy as sa

from motivekit._errors import StoreError
from motivekit.store._protocol import WriteConflict
from motivekit.store.sql._statements import Statements
from motivekit.store.sql.dialects import KEYS, TENANT

__all__ = ["Prepared", "SessionBase", "date_param", "json_array"]

_Processor = Callable[[Any], Any] | None


_encode_json = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode


def json_array(values: Collection[Any]) -> str:
    """``values`` (scalars, or tuples for multi-column keys and rows) as one JSON array,
    the parameter a dialect's ``json_rows`` reads. Duplicates are the caller's: a key
    sent twice matches its rows twice."""
    return _encode_json(values if isinstance(values, list) else list(values))


@lru_cache(maxsize=8)
def date_param(dialect: sa.Dialect) -> Callable[[date], Any]:
    """How ``dialect`` hands a date to its driver (for rows sent with ``_driver_many``)."""
    processor = sa.Date().dialect_impl(dialect).bind_processor(dialect)
    return processor if processor is not None else _same


def _same(value: Any) -> Any:
    return value


class Prepared:
    """A statement compiled once for one dialect, ready for the driver's cursor.

    ``params`` turns named values into what the driver takes (positional or named, each
    converted as SQLAlchemy would: dates, booleans); literal values built into the
    statement are filled in. ``rows`` converts result rows the same way (a SQLite date
    column comes back as a ``date``), as plain tuples in ``names`` order.
    """

    __slots__ = ("_binds", "_convert_rows", "_defaults", "_results", "names", "order", "sql")

    def __init__(
        self, statement: sa.Executable, dialect: sa.Dialect, *, positional: bool = False
    ) -> None:
        if positional and not dialect.positional:
            dialect = _positional(dialect)
        compiled = statement.compile(dialect=dialect)  # type: ignore[attr-defined]
        self.sql: str = compiled.string
        order = getattr(compiled, "positiontup", None)
        self.order: tuple[str, ...] | None = None if order is None else tuple(order)
        """The parameters in the order a positional driver takes them (None: named)."""
        self._defaults: dict[str, Any] = dict(compiled.construct_params(_check=False) or {})
        binds = {
            name: bind.type.dialect_impl(dialect).bind_processor(dialect)
            for name, bind in compiled.binds.items()
        }
        self._binds: tuple[tuple[str, Callable[[Any], Any]], ...] = tuple(
            (name, processor) for name, processor in binds.items() if processor is not None
        )
        """Only the parameters that need converting (most need none: one loop less per
        call)."""
        selected = getattr(statement, "selected_columns", None)
        self.names: tuple[str, ...] = ()
        self._results: tuple[_Processor, ...] = ()
        if selected is not None:
            self.names = tuple(c.key for c in selected)
            self._results = tuple(_result_processor(c.type, dialect) for c in selected)
        self._convert_rows = any(self._results)

    def params(self, values: Mapping[str, Any]) -> Any:
        full = {**self._defaults, **values} if self._defaults else values
        if self._binds:
            full = dict(full)
            for name, processor in self._binds:
                if full.get(name) is not None:
                    full[name] = processor(full[name])
        return full if self.order is None else [full[k] for k in self.order]

    def rows(self, fetched: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
        """Driver rows with each column converted to its Python value."""
        if not self._convert_rows or not fetched:
            return fetched
        procs = self._results
        return [
            tuple(v if p is None or v is None else p(v) for v, p in zip(row, procs, strict=True))
            for row in fetched
        ]

    def mappings(self, fetched: list[tuple[Any, ...]]) -> list[dict[str, Any]]:
        """Converted rows as column-name mappings (what the row mappers read)."""
        names = self.names
        return [dict(zip(names, row, strict=True)) for row in self.rows(fetched)]


def _result_processor(type_: sa.types.TypeEngine[Any], dialect: sa.Dialect) -> _Processor:
    """How ``dialect`` converts a result column of ``type_``, chosen before any row is read,
    so without the driver's type code. Float columns (``sa.Double``) need none: every
    driver motivekit runs on returns a Python float for them (sqlite3 for a REAL column,
    psycopg for DOUBLE PRECISION, PyMySQL for DOUBLE), while psycopg's dialect cannot pick
    its converter without the type code."""
    if isinstance(type_, sa.Float) and not type_.asdecimal:
        return None
    processor = type_.dialect_impl(dialect).result_processor(dialect, None)
    if processor is not None and dialect.name == "sqlite" and type(type_) is sa.Date:
        # SQLite keeps a date as its ISO text (``YYYY-MM-DD``, how SQLAlchemy's SQLite
        # dialect writes it): read in C, not by SQLAlchemy's regular expression (every
        # goal day a record reads passes here).
        return date.fromisoformat
    return processor


@lru_cache(maxsize=256)
def prepared(statement: sa.Executable, dialect: sa.Dialect) -> Prepared:
    """``statement`` compiled for ``dialect``, once (statements are built once per
    dialect, so they are safe cache keys)."""
    return Prepared(statement, dialect)


@lru_cache(maxsize=64)
def prepared_positional(statement: sa.Executable, dialect: sa.Dialect) -> Prepared:
    """Like :func:`prepared`, with positional parameters (``%s``) where the dialect names
    them (``%(name)s``, PyMySQL and psycopg): the rows of an ``executemany`` then go to the
    driver as tuples, not as a dict built per row (PyMySQL escapes them alike; for the
    journal's 500 rows of 10 values the dicts took 0.7 ms of every batch)."""
    return Prepared(statement, dialect, positional=True)


@lru_cache(maxsize=8)
def _positional(dialect: sa.Dialect) -> sa.Dialect:
    """A copy of ``dialect`` that compiles ``%s`` parameters (both drivers take them)."""
    if dialect.paramstyle != "pyformat":
        raise ValueError(f"no positional form of the {dialect.paramstyle!r} paramstyle here")
    twin = copy.copy(dialect)
    twin.paramstyle = "format"
    twin.positional = True
    return twin


def _event_recorded_meanwhile(error: BaseException) -> bool:
    """Whether ``error`` refused a journal row because its event id is there already: a
    writer that read the known ids before another committed the same id (never among
    motivekit's own writers, which take the log lock first; a host's transaction might).
    Run again, the event is a duplicate, never an error for the host."""
    text = str(error)  # the constraint's name (PostgreSQL, MariaDB) or column (SQLite)
    return "journal_event_id_key" in text or "motivekit_journal.event_id" in text


class Unreachable(Exception):
    """The connection broke under a statement; the store names its URL and raises
    ``StoreUnavailable``."""

    def __init__(self, detail: BaseException) -> None:
        super().__init__(str(detail))
        self.detail = detail


class SessionBase:
    """The connection, the statements and the ways of running them, for one tenant.

    Every statement takes the tenant as the parameter :data:`TENANT` (``tenant = :tid``
    in its conditions, ``:tid`` in the rows it writes): it is added to the parameters of
    every execution and to every row of an ``executemany`` here, so the SQL is compiled
    once per dialect whatever the tenant, and no statement can run without it.
    """

    def __init__(self, conn: sa.Connection, statements: Statements, tenant: str) -> None:
        self._conn = conn
        self._q = statements
        self._tenant = tenant

    def _execute(
        self,
        statement: sa.Executable,
        params: Mapping[str, Any] | Sequence[Mapping[str, Any]] | None = None,
    ) -> Any:
        """Run ``statement`` through SQLAlchemy Core with the tenant bound (``params``:
        one row, or several for an ``executemany``)."""
        tenant = self._tenant
        if params is None or isinstance(params, Mapping):
            return self._conn.execute(statement, {**(params or {}), TENANT: tenant})
        return self._conn.execute(statement, [{**row, TENANT: tenant} for row in params])

    def _prepared(self, statement: sa.Executable) -> Prepared:
        return prepared(statement, self._conn.dialect)

    def _cursor(self) -> Any:
        return self._conn.connection.driver_connection.cursor()  # type: ignore[union-attr]

    def _driver(self, statement: sa.Executable, params: dict[str, Any]) -> Any:
        """Run ``statement`` on the driver's own cursor and return the cursor (the caller
        closes it; ``params`` is the caller's own dict: the tenant is added to it)."""
        p = self._prepared(statement)
        params[TENANT] = self._tenant
        cursor = self._cursor()
        try:
            cursor.execute(p.sql, p.params(params))
        except Exception as exc:
            self._driver_error(cursor, exc)
            raise
        return cursor

    def _query(
        self, statement: sa.Executable, params: dict[str, Any]
    ) -> tuple[Prepared, list[tuple[Any, ...]]]:
        """The prepared form of a query and its rows as the driver gives them (``params``
        is the caller's own dict: the tenant is added to it)."""
        # Every lookup of the record path passes here: errors are turned into the store's
        # in an ``except`` (no context manager per call).
        p = self._prepared(statement)
        params[TENANT] = self._tenant
        cursor = self._cursor()
        try:
            cursor.execute(p.sql, p.params(params))
            return p, cursor.fetchall()
        except Exception as exc:
            self._driver_error(cursor, exc)
            raise
        finally:
            cursor.close()

    def _fetch(self, statement: sa.Executable, **params: Any) -> list[tuple[Any, ...]]:
        """All rows of a query run on the driver, converted to Python values."""
        p, fetched = self._query(statement, params)
        return p.rows(fetched)

    def _fetch_mappings(self, statement: sa.Executable, **params: Any) -> list[dict[str, Any]]:
        """Like :meth:`_fetch`, each row as a column-name mapping."""
        p, fetched = self._query(statement, params)
        return p.mappings(fetched)

    def _keyed(self, statement: sa.Executable, keys: Collection[Any]) -> list[tuple[Any, ...]]:
        """Rows of a lookup whose keys are bound as one JSON array (:data:`KEYS`)."""
        return self._fetch(statement, **{KEYS: json_array(keys)}) if keys else []

    def _keyed_mappings(
        self, statement: sa.Executable, keys: Collection[Any]
    ) -> list[dict[str, Any]]:
        return self._fetch_mappings(statement, **{KEYS: json_array(keys)}) if keys else []

    def _run(self, statement: sa.Executable, **params: Any) -> int:
        """Run a write on the driver; the number of rows it changed."""
        cursor = self._driver(statement, params)
        try:
            return int(cursor.rowcount)
        finally:
            cursor.close()

    def _driver_many(
        self, statement: sa.Executable, columns: Sequence[str], rows: list[tuple[Any, ...]]
    ) -> None:
        """``executemany`` on the driver's cursor; ``rows`` hold values in ``columns``
        order, already in the driver's types (the tenant is added to each)."""
        p = prepared_positional(statement, self._conn.dialect)
        order = p.order
        tenant = self._tenant
        params: list[Any]
        if order is None:  # a driver with named parameters
            params = [{**dict(zip(columns, row, strict=True)), TENANT: tenant} for row in rows]
        elif order == (TENANT, *columns):  # as every write of the record path binds them
            params = [(tenant, *row) for row in rows]
        else:
            named = (*columns, TENANT)
            # One C call per row (rebuilding the row per parameter took 0.8 ms for the
            # journal's 500 rows of 10 values on MariaDB, every batch).
            index = [named.index(name) for name in order]
            if len(index) > 1:  # (itemgetter of one index gives the value, not a tuple)
                pick = itemgetter(*index)
                params = [pick((*row, tenant)) for row in rows]
            else:
                params = [((*row, tenant)[index[0]],) for row in rows]
        cursor = self._cursor()
        try:
            with self._driver_errors(cursor):
                cursor.executemany(p.sql, params)
        finally:
            cursor.close()

    def _driver_copy(
        self, table: sa.Table, columns: Sequence[str], rows: list[tuple[Any, ...]]
    ) -> bool:
        """Load ``rows`` (values in ``columns`` order, in the driver's types) into ``table``
        with the dialect's ``copy_rows``, the tenant first in each; False (nothing done)
        where the dialect has none."""
        copy = self._q.dialect.copy_rows
        if copy is None:
            return False
        tenant = self._tenant
        cursor = self._cursor()
        try:
            with self._driver_errors(cursor):
                copy(cursor, table, ("tenant", *columns), [(tenant, *r) for r in rows])
        finally:
            cursor.close()
        return True

    @contextmanager
    def _driver_errors(self, cursor: Any) -> Iterator[None]:
        try:
            yield
        except Exception as exc:
            self._driver_error(cursor, exc)
            raise

    def _driver_error(self, cursor: Any, exc: Exception) -> None:
        """Raise the store's error for a driver error (``Unreachable``, ``WriteConflict``
        or ``StoreError``); return (the caller re-raises) for any other exception."""
        conn = self._conn
        if not isinstance(exc, conn.dialect.loaded_dbapi.Error):
            return
        cursor.close()
        if conn.dialect.is_disconnect(exc, conn.connection.dbapi_connection, cursor):
            conn.invalidate(exc)  # the pool will not hand it out again
            raise Unreachable(exc) from exc
        duplicate = isinstance(exc, conn.dialect.loaded_dbapi.IntegrityError)
        if self._q.dialect.retryable(exc) or (duplicate and _event_recorded_meanwhile(exc)):
            raise WriteConflict(f"{type(exc).__name__}: {exc}") from exc
        raise StoreError(f"{type(exc).__name__}: {exc}") from exc
