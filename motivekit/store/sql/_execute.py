"""How the SQL session runs statements: through SQLAlchemy, in chunks, or on the driver.

Batched lookups run once per slice of at most :data:`IN_CHUNK` parameters, so no statement
exceeds a backend's parameter limit. The hottest statements skip SQLAlchemy's per-call work
and run on the driver's own cursor (:meth:`SessionBase._driver`,
:meth:`SessionBase._driver_many`), compiled once per engine; driver errors there become
``StoreError`` like any other database error.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from functools import lru_cache
from typing import Any, TypeVar

import sqlalchemy as sa

from motivekit._errors import StoreError
from motivekit.store.sql._statements import Statements
from motivekit.store.sql.dialects import KEYS

__all__ = ["IN_CHUNK", "SessionBase", "chunked", "date_param"]

_T = TypeVar("_T")
IN_CHUNK = 500


def chunked(items: Sequence[_T], size: int) -> Iterator[Sequence[_T]]:
    """Split a sequence for IN-lists that must stay below a backend's parameter limit."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


@lru_cache(maxsize=32)
def _driver_sql(statement: sa.Executable, dialect: sa.Dialect) -> sa.Compiled:
    """``statement`` compiled once for ``dialect``, to run on the driver's cursor."""
    return statement.compile(dialect=dialect)  # type: ignore[attr-defined,no-any-return]


@lru_cache(maxsize=8)
def date_param(dialect: sa.Dialect) -> Callable[[date], Any]:
    """How ``dialect`` hands a date to its driver (for rows sent with ``_driver_many``)."""
    processor = sa.Date().dialect_impl(dialect).bind_processor(dialect)
    return processor if processor is not None else _same


def _same(value: Any) -> Any:
    return value


def _driver_params(compiled: sa.Compiled, params: dict[str, Any]) -> Any:
    """Parameters in the form the driver takes: positional or named."""
    full = compiled.construct_params(params) or {}
    order = getattr(compiled, "positiontup", None)
    return full if order is None else [full[k] for k in order]


class SessionBase:
    """The connection, the statements and the ways of running them."""

    def __init__(self, conn: sa.Connection, statements: Statements) -> None:
        self._conn = conn
        self._q = statements

    def _driver(self, statement: sa.Executable, params: dict[str, Any]) -> Any:
        """Run ``statement`` on the driver's own cursor, skipping SQLAlchemy's per-call
        work; for the statements on hot paths only."""
        compiled = _driver_sql(statement, self._conn.dialect)
        cursor = self._conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
        with self._driver_errors(cursor):
            cursor.execute(compiled.string, _driver_params(compiled, params))
        return cursor

    def _driver_many(
        self, statement: sa.Executable, columns: Sequence[str], rows: list[tuple[Any, ...]]
    ) -> None:
        """``executemany`` on the driver's cursor; ``rows`` hold values in ``columns`` order."""
        compiled = _driver_sql(statement, self._conn.dialect)
        order = getattr(compiled, "positiontup", None)
        params: list[Any]
        if order is None:  # a driver with named parameters
            params = [dict(zip(columns, row, strict=True)) for row in rows]
        elif tuple(order) == tuple(columns):
            params = rows
        else:
            index = [columns.index(name) for name in order]
            params = [tuple(row[i] for i in index) for row in rows]
        cursor = self._conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
        try:
            with self._driver_errors(cursor):
                cursor.executemany(compiled.string, params)
        finally:
            cursor.close()

    @contextmanager
    def _driver_errors(self, cursor: Any) -> Iterator[None]:
        try:
            yield
        except self._conn.dialect.loaded_dbapi.Error as exc:
            cursor.close()
            raise StoreError(f"{type(exc).__name__}: {exc}") from exc

    def _in_chunks(
        self,
        statement: sa.Executable,
        ids: Collection[str] | Collection[bytes] | Collection[tuple[Any, ...]],
        *,
        size: int = IN_CHUNK,
        **params: Any,
    ) -> Iterator[Any]:
        """Rows of ``statement`` run once per slice of ``ids`` (bound as ``:ids``)."""
        for chunk in chunked(list(ids), size):
            yield from self._conn.execute(statement, {KEYS: chunk, **params})

    def _pairs_in_chunks(
        self, statement: sa.Executable, keys: Collection[tuple[str, str]]
    ) -> Iterator[Any]:
        """Rows of ``statement`` for row-value keys: two parameters each, half the slice."""
        return self._in_chunks(statement, [(a, b) for a, b in keys], size=IN_CHUNK // 2)
