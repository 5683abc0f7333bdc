"""Counting what a Kit asks SQLite to do (the ingest benchmark's statement counts).

Two counts, both taken on the ``sqlite3`` connections of one Kit's engine:

* **statements**: the SQL statements the store sends to the database: every call of
  ``execute``, ``executemany`` and ``executescript`` on the connection and its cursors,
  whoever makes it (SQLAlchemy, or the store straight on the driver's cursor), counted by a
  ``sqlite3.Connection`` subclass handed to ``sqlite3.connect`` as its ``factory``. An
  ``executemany`` of 1,000 rows is one statement, prepared once, with 1,000 parameter rows;
  a set-wise ``INSERT ... SELECT`` is one statement too. This is what issue 13's targets
  count: "at most 2 statements per event" and "the statements per batch do not grow with
  the batch's size" (``tests/test_sql_record_path.py`` counts the same calls at batch sizes
  10, 100 and 1,000). They are also ``driver_calls`` (the earlier name, kept).
* **executions**: every run of a statement SQLite makes, from
  ``sqlite3.Connection.set_trace_callback`` (SQLite's ``SQLITE_TRACE_STMT``). An
  ``executemany`` runs its statement once per row, and each run is traced, so an
  ``executemany`` of 1,000 rows counts 1,000; a multi-row ``INSERT ... VALUES (...), (...)``
  counts 1. In ``record_many`` this is about the rows written, which the raw-driver floor
  writes as well (its rows per event are printed beside).

Transaction control (``BEGIN``, ``COMMIT``, ``ROLLBACK``, ``SAVEPOINT``, ``RELEASE``) is
counted apart in both, and left out of ``statements`` and ``executions``.

:func:`count_statements` installs both through SQLAlchemy's ``do_connect`` event on the
Kit's engine and then disposes of the engine's pool, so every connection the Kit opens from
then on is a counting one; call it before the Kit writes anything (the Kit then holds no
connection). Counting costs time: do it in a pilot Kit, never in a timed one.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any, Self

import attrs
import sqlalchemy as sa

__all__ = ["Counts", "StatementCounter", "count_statements"]

TRANSACTION = frozenset({"BEGIN", "COMMIT", "END", "ROLLBACK", "SAVEPOINT", "RELEASE"})


def _verb(sql: str) -> str:
    """The statement's first word, upper case (``SELECT``, ``INSERT``, ``BEGIN``, ...)."""
    head = sql.lstrip().split(None, 1)
    return head[0].upper() if head else ""


@attrs.frozen
class Counts:
    """What SQLite was asked to do while a window was open."""

    events: int
    """Events recorded in the window."""
    transactions: int
    """``record``/``record_many`` calls in the window (one transaction each)."""
    statements: dict[str, int]
    """Statements sent (``execute``/``executemany``/``executescript`` calls) by the first
    word of their SQL, transaction control left out."""
    executions: dict[str, int]
    """Traced runs of statements by first word (an ``executemany`` row counts one),
    transaction control left out."""
    transaction_statements: int
    """Traced ``BEGIN``/``COMMIT``/... statements (as many as the driver calls for them)."""

    @property
    def total_statements(self) -> int:
        return sum(self.statements.values())

    @property
    def total_executions(self) -> int:
        return sum(self.executions.values())

    @property
    def statements_per_event(self) -> float:
        return self.total_statements / self.events

    @property
    def executions_per_event(self) -> float:
        return self.total_executions / self.events

    @property
    def statements_per_transaction(self) -> float:
        return self.total_statements / self.transactions

    @property
    def executions_per_transaction(self) -> float:
        return self.total_executions / self.transactions

    def to_json(self) -> dict[str, Any]:
        statements = dict(sorted(self.statements.items()))
        return {
            "events": self.events,
            "transactions": self.transactions,
            "statements_per_event": round(self.statements_per_event, 3),
            "executions_per_event": round(self.executions_per_event, 3),
            "statements_per_transaction": round(self.statements_per_transaction, 1),
            "executions_per_transaction": round(self.executions_per_transaction, 1),
            "transaction_statements_per_transaction": round(
                self.transaction_statements / self.transactions, 2
            ),
            "statements": statements,
            "executions": dict(sorted(self.executions.items())),
            # the earlier names of the statements sent, kept for readers of older reports
            "driver_calls_per_event": round(self.statements_per_event, 3),
            "driver_calls": statements,
        }


class StatementCounter:
    """Collects the counts of every connection :func:`count_statements` made."""

    def __init__(self) -> None:
        self.traced: Counter[str] = Counter()
        self.calls: Counter[str] = Counter()
        self.connections = 0

    def trace(self, sql: str) -> None:
        self.traced[_verb(sql)] += 1

    def call(self, sql: str) -> None:
        self.calls[_verb(sql)] += 1

    @contextmanager
    def window(self, events: int, transactions: int) -> Iterator[list[Counts]]:
        """Count what runs inside the ``with`` block; the counts land in the yielded list."""
        if not self.connections:
            raise RuntimeError("benchmark bug: the Kit opened no counting connection")
        self.traced.clear()
        self.calls.clear()
        found: list[Counts] = []
        yield found
        traced, calls = dict(self.traced), dict(self.calls)
        if not calls:
            raise RuntimeError("benchmark bug: the Kit ran no statement on a counted connection")
        found.append(
            Counts(
                events=events,
                transactions=transactions,
                statements={k: v for k, v in calls.items() if k not in TRANSACTION},
                executions={k: v for k, v in traced.items() if k not in TRANSACTION},
                transaction_statements=sum(v for k, v in traced.items() if k in TRANSACTION),
            )
        )


class _CountingCursor(sqlite3.Cursor):
    counter: StatementCounter

    def execute(self, sql: str, parameters: Any = (), /) -> Self:
        self.counter.call(sql)
        return super().execute(sql, parameters)

    def executemany(self, sql: str, seq_of_parameters: Iterable[Any], /) -> Self:
        self.counter.call(sql)
        return super().executemany(sql, seq_of_parameters)

    def executescript(self, sql_script: str, /) -> sqlite3.Cursor:
        self.counter.call("SCRIPT")
        return super().executescript(sql_script)


def _connection_class(counter: StatementCounter) -> type[sqlite3.Connection]:
    cursor_class = type("CountingCursor", (_CountingCursor,), {"counter": counter})

    class CountingConnection(sqlite3.Connection):
        """A connection whose cursors count their calls. ``Connection.execute`` and
        friends make a cursor and run it in C, past any Python override, so they are
        counted here, not by the cursor."""

        def cursor(self, *args: Any, **kwargs: Any) -> Any:
            if args or kwargs:
                return super().cursor(*args, **kwargs)
            return super().cursor(cursor_class)

        def execute(self, sql: str, parameters: Any = (), /) -> sqlite3.Cursor:
            counter.call(sql)
            return super().execute(sql, parameters)

        def executemany(self, sql: str, parameters: Iterable[Any], /) -> sqlite3.Cursor:
            counter.call(sql)
            return super().executemany(sql, parameters)

        def executescript(self, sql_script: str, /) -> sqlite3.Cursor:
            counter.call("SCRIPT")
            return super().executescript(sql_script)

    return CountingConnection


def count_statements(engine: sa.Engine) -> StatementCounter:
    """Make every connection ``engine`` opens from now on a counting one (see the module
    docstring); the pool's idle connections are closed so none escapes."""
    counter = StatementCounter()
    factory = _connection_class(counter)

    def connect(
        dialect: Any, record: Any, cargs: Iterable[Any], cparams: dict[str, Any]
    ) -> sqlite3.Connection:
        connection = sqlite3.connect(*cargs, factory=factory, **cparams)
        connection.set_trace_callback(counter.trace)
        counter.connections += 1
        return connection

    sa.event.listen(engine, "do_connect", connect)
    engine.dispose()
    return counter
