"""Database errors leave the Django store as motivekit's own (``motivekit.store``).

Django wraps a driver's error in its own class (``django.db.utils.OperationalError`` …)
with the driver's as ``__cause__``; what the driver says decides which of motivekit's it
becomes:

* a deadlock, a serialization failure or a lock wait that timed out → ``WriteConflict``
  (the unit of work was rolled back whole: run it again unchanged);
* a connection refused, lost or closed → ``StoreUnavailable``;
* a motivekit table that does not exist → ``SchemaOutOfDate``, saying to run
  ``manage.py migrate``;
* anything else → ``StoreError``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import DatabaseError, InterfaceError, OperationalError

from motivekit._errors import SchemaOutOfDate, StoreError, StoreUnavailable
from motivekit.store._protocol import WriteConflict

__all__ = ["translated"]

_PG_CONFLICT = {"40001", "40P01", "55P03"}  # serialization failure, deadlock, lock not available
_PG_MISSING = {"42P01"}  # undefined table
_MYSQL_CONFLICT = {1213, 1205}  # deadlock, lock wait timeout
_MYSQL_MISSING = {1146}  # no such table
_MYSQL_GONE = {2002, 2003, 2006, 2013, 2055}  # cannot connect, server gone, lost connection


def _kind(error: DatabaseError) -> str:
    cause = error.__cause__
    if isinstance(error, InterfaceError):
        return "gone"
    psycopg = type(cause).__module__.startswith("psycopg")
    sqlstate = getattr(cause, "sqlstate", None) if psycopg else None
    if sqlstate is not None:
        if sqlstate in _PG_CONFLICT:
            return "conflict"
        if sqlstate in _PG_MISSING:
            return "missing"
        if sqlstate.startswith(("08", "57P")):  # connection, shutdown
            return "gone"
        return "error"
    if psycopg and isinstance(error, OperationalError):
        return "gone"  # no SQLSTATE: the client could not reach the server at all
    args = getattr(cause, "args", ())
    code = args[0] if args else None
    if isinstance(code, int):  # PyMySQL / mysqlclient
        if code in _MYSQL_CONFLICT:
            return "conflict"
        if code in _MYSQL_MISSING:
            return "missing"
        if code in _MYSQL_GONE:
            return "gone"
        return "error"
    text = str(cause or error)
    if text.startswith("no such table: motivekit_"):
        return "missing"
    if "database is locked" in text:  # SQLite: the busy wait ran out
        return "conflict"
    if "unable to open database file" in text:
        return "gone"
    if "connection" in text.lower() and ("closed" in text.lower() or "lost" in text.lower()):
        return "gone"
    return "error"


@contextmanager
def translated(where: str) -> Iterator[None]:
    """Run the block; a database error in it leaves as motivekit's (see the module)."""
    try:
        yield
    except DatabaseError as exc:
        detail = exc.__cause__ or exc
        said = f"{where}: {type(detail).__name__}: {detail}".rstrip()
        kind = _kind(exc)
        if kind == "conflict":
            raise WriteConflict(said) from exc
        if kind == "gone":
            raise StoreUnavailable(
                f"{said}; the database cannot be reached, nothing was written: try again "
                f"when it is back"
            ) from exc
        if kind == "missing":
            raise SchemaOutOfDate(
                f"{said}; motivekit's tables are missing: run `python manage.py migrate "
                f"motivekit` (with --database for the alias this store uses)"
            ) from exc
        raise StoreError(said) from exc
