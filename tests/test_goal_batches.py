"""A batch of events that move goals costs the SQL store the same statements whatever its
size and however many goals it moves.

Counted as the server runs them: one per ``execute`` and per ``COPY``, one per row of an
``executemany`` (psycopg pipelines them, but the server runs each; PyMySQL sends a row at
a time for anything but an ``INSERT ... VALUES``, which it sends as one multi-row
``INSERT``). The goal totals and days of a batch are one statement each on both servers,
so only the log's own rows (the journal and the Merkle tiles) grow with the batch.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from motivekit import Event, Kit
from motivekit.store import SqlStore
from motivekit.store.sql import _execute
from motivekit.store.sql.dialects import sqlite

from ._servers import SERVERS
from .conftest import FakeClock

USERS = 40
KIND = "review.submitted"
_LOG = re.compile(r"(INSERT INTO|COPY) motivekit_(journal|tree_tiles)\b")


@pytest.fixture(params=["postgresql", "mariadb"])
def kit(request: pytest.FixtureRequest, clock: FakeClock) -> Iterator[Kit]:
    with SERVERS[request.param].database() as url, Kit.open(url, clock=clock) as opened:
        for n in range(USERS):
            opened.goals.create(f"u{n:02d}", "Weekly", {"event": KIND, "count": 5, "per": "week"})
            opened.goals.create(f"u{n:02d}", "Total", {"event": KIND, "count": 50})
        yield opened


def _events(start: int, size: int) -> list[Event]:
    return [Event(f"e{i}", KIND, f"u{i % USERS:02d}") for i in range(start, start + size)]


class ServerStatements:
    """What the server runs for the statements sent on the driver's cursor: (SQL, how
    many statements the server runs for it)."""

    def __init__(self, store: SqlStore, monkeypatch: pytest.MonkeyPatch) -> None:
        self.sent: list[tuple[str, int]] = []
        multi_row = store.engine.dialect.name == "mysql"
        original = _execute.SessionBase._cursor
        sent = self.sent

        class Counting:
            def __init__(self, cursor: Any) -> None:
                self._cursor = cursor

            def execute(self, sql: str, params: Any = ()) -> Any:
                sent.append((sql, 1))
                return self._cursor.execute(sql, params)

            def executemany(self, sql: str, params: Any) -> Any:
                one = multi_row and sql.startswith("INSERT INTO") and " VALUES " in sql
                sent.append((sql, 1 if one else len(params)))
                return self._cursor.executemany(sql, params)

            def copy(self, sql: str) -> Any:
                sent.append((sql, 1))
                return self._cursor.copy(sql)

            def __getattr__(self, name: str) -> Any:
                return getattr(self._cursor, name)

        monkeypatch.setattr(
            _execute.SessionBase, "_cursor", lambda session: Counting(original(session))
        )

    def split(self) -> tuple[int, int]:
        """(statements writing the log's rows, every other statement)."""
        log = sum(n for sql, n in self.sent if _LOG.match(sql))
        return log, sum(n for _, n in self.sent) - log


def test_a_goals_batch_runs_the_same_statements_whatever_its_size(
    kit: Kit, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = kit.store
    assert isinstance(store, SqlStore)
    kit.record_many(_events(0, 4))  # every statement prepared once
    counted = ServerStatements(store, monkeypatch)
    others: dict[int, int] = {}
    start = 4
    for size in (4, 40, 400, 1200):  # moving 8, 80, 80, 80 goals
        counted.sent.clear()
        outcomes = kit.record_many(_events(start, size))
        start += size
        assert all(len(o.goal_changes) == 2 for o in outcomes)
        log, others[size] = counted.split()
        assert log <= 2 + size // 256, counted.sent  # the journal, and the tiles it fills
    # known ids, the head, the goals, their period's days, consent, totals, days
    assert set(others.values()) == {7}, others
    # and exact: every event counted once for each of its actor's goals
    with store.reading() as session:
        totals = {g.owner: g.total for g in session.goals() if g.measure.per is None}
    counted_events: dict[str, int] = {}
    for i in range(start):
        user = f"u{i % USERS:02d}"
        counted_events[user] = counted_events.get(user, 0) + 1
    assert totals == counted_events


@pytest.mark.parametrize("set_wise", [False, True])
def test_goal_days_add_up_alike_row_by_row_and_set_wise(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, set_wise: bool
) -> None:
    # SQLite sends its goal days row by row; the set-wise statement PostgreSQL uses is
    # built for it too, and must add up the same.
    monkeypatch.setattr(sqlite, "set_wise_upserts", set_wise)
    store = SqlStore(f"sqlite:///{tmp_path / 'd.db'}")
    day, other = date(2026, 11, 2), date(2026, 11, 3)
    try:
        with store.writing() as s:
            s.add_goal_counts({}, {("g1", day): 2, ("g2", day): 1})
        with store.writing() as s:
            s.add_goal_counts({}, {("g1", day): 3, ("g1", other): 4})
        with store.reading() as s:
            days = s.day_counts({"g1", "g2"}, day, date(2026, 11, 9))
        assert days == {("g1", day): 5, ("g1", other): 4, ("g2", day): 1}
    finally:
        store.close()
