"""The SQL store's record path: compiled once, run on the driver, lookups through an index.

A community design (goals, a skill track, impact with build-on chains, a mission) moves
every feature at once, so these checks cover every statement a record can run.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from motivekit import Event, Kit, load_rules
from motivekit.rules import Rules
from motivekit.store import SqlStore
from motivekit.store.sql import _execute
from motivekit.store.sql._statements import Statements
from motivekit.store.sql.dialects import KEYS, TENANT, WRITE

from ._servers import SERVERS
from .conftest import FakeClock

COMMUNITY = textwrap.dedent(
    """\
    version: 1
    tracks:
      - id: answering
        title: Answering questions
        model: {bkt: {prior: 0.2, learn: 0.2, guess: 0.2, slip: 0.1}}
        evidence:
          - on: answer.posted
            outcome: "event.data.accepted"
    impact:
      contributions:
        - on: answer.posted
          id: "event.data.answer_id"
          builds_on: "event.data.cites"
          noun: answer
      beneficiary_events:
        - on: answer.marked_helpful
          credits: "event.data.answer_id"
          story: "{beneficiary} found your {noun} helpful"
      attribution: {decay: 0.5, max_depth: 4}
    missions:
      - id: handbook
        title: Answer the handbook questions
        target: {event: answer.posted, count: 100000, unit: answers}
        milestones: [5]
        show: own-part
    """
)


def community() -> Rules:
    return load_rules("motivation.yaml", text=COMMUNITY)


def batch(start: int, size: int, people: int = 20) -> list[Event]:
    """Answers citing the previous answer, each marked helpful by someone else."""
    events = []
    for i in range(start, start + size, 2):
        author = f"user{i % people}"
        data: dict[str, Any] = {"answer_id": f"a{i}", "accepted": i % 3 != 0}
        if i > 0:
            data["cites"] = f"a{i - 2}"
        events.append(Event(f"post-{i}", "answer.posted", author, data=data))
        helper = f"user{(i + 7) % people}"
        events.append(
            Event(f"help-{i}", "answer.marked_helpful", helper, data={"answer_id": f"a{i}"})
        )
    return events


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "postgresql":
        with SERVERS["postgresql"].database() as server_url:
            yield server_url
    else:
        yield f"sqlite:///{tmp_path / 'c.db'}"


@pytest.fixture
def kit(url: str, clock: FakeClock) -> Iterator[Kit]:
    with Kit.open(url, clock=clock, rules=community()) as opened:
        for n in range(20):
            opened.goals.create(f"user{n}", "Answers", {"event": "answer.posted", "count": 5})
        yield opened


def _engine(kit: Kit) -> sa.Engine:
    store = kit.store
    assert isinstance(store, SqlStore)
    return store.engine


class DriverCalls:
    """Counts what reaches the driver: statements SQLAlchemy runs, and calls made
    straight on the driver's cursor (``execute``; ``executemany`` counts once)."""

    def __init__(self, engine: sa.Engine, monkeypatch: pytest.MonkeyPatch) -> None:
        self.through_sqlalchemy: list[str] = []
        self.on_driver: list[str] = []
        sa.event.listen(engine, "before_cursor_execute", self._core)
        original = _execute.SessionBase._cursor
        calls = self.on_driver

        class Counting:
            def __init__(self, cursor: Any) -> None:
                self._cursor = cursor

            def execute(self, sql: str, params: Any = ()) -> Any:
                calls.append(sql)
                return self._cursor.execute(sql, params)

            def executemany(self, sql: str, params: Any) -> Any:
                calls.append(sql)
                return self._cursor.executemany(sql, params)

            def __getattr__(self, name: str) -> Any:
                return getattr(self._cursor, name)

        monkeypatch.setattr(
            _execute.SessionBase, "_cursor", lambda session: Counting(original(session))
        )

    def _core(self, _conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        self.through_sqlalchemy.append(statement)

    def reset(self) -> None:
        self.through_sqlalchemy.clear()
        self.on_driver.clear()


def test_recording_runs_nothing_through_sqlalchemy(
    kit: Kit, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the same kinds of batches once before: every statement is compiled on first use
    kit.record_many(batch(0, 40))
    [kit.record(e) for e in batch(40, 10)]
    compiled = _execute.prepared.cache_info().misses
    calls = DriverCalls(_engine(kit), monkeypatch)
    outcomes = kit.record_many(batch(50, 40)) + [kit.record(e) for e in batch(90, 10)]
    assert all(o.impact_changes for o in outcomes if o.event_id.startswith("help-"))
    assert all(o.skill_changes and o.goal_changes for o in outcomes if "post" in o.event_id)
    assert calls.through_sqlalchemy == []
    assert calls.on_driver  # the record path did run: straight on the driver's cursor
    assert _execute.prepared.cache_info().misses == compiled  # nothing compiled anew


@pytest.mark.parametrize("size", [10, 100, 1000])
def test_driver_calls_per_batch_do_not_grow_with_its_size(
    kit: Kit, monkeypatch: pytest.MonkeyPatch, size: int
) -> None:
    kit.record_many(batch(0, 20))
    calls = DriverCalls(_engine(kit), monkeypatch)
    kit.record_many(batch(20, size))
    # a constant per batch plus one read per level of the contribution graph (max_depth 4)
    assert len(calls.on_driver) + len(calls.through_sqlalchemy) <= 40 + 4


def _keyed_statements(statements: Statements, dialect: sa.Dialect) -> dict[str, sa.Executable]:
    found = {}
    for name, statement in vars(statements).items():
        if isinstance(statement, sa.sql.Executable):
            compiled = statement.compile(dialect=dialect)  # type: ignore[attr-defined]
            if KEYS in compiled.binds:
                found[name] = statement
    return found


def _lookups(kit: Kit) -> dict[str, sa.Executable]:
    store = kit.store
    assert isinstance(store, SqlStore)
    lookups = _keyed_statements(store._statements, store.engine.dialect)
    assert {"known_events", "active_goals", "consents", "skills", "contributions"} <= set(lookups)
    assert {"feed_groups", "seen_beneficiaries", "mission_parts", "forgotten"} <= set(lookups)
    return lookups


def test_every_batched_lookup_searches_an_index(kit: Kit) -> None:
    engine = _engine(kit)
    if engine.dialect.name == "postgresql":
        return _postgres_lookups_search_an_index(kit)
    kit.record_many(batch(0, 400))
    with engine.connect() as conn:
        conn.exec_driver_sql("ANALYZE")
    with engine.connect() as conn:
        for name, statement in _lookups(kit).items():
            p = _execute.prepared(statement, conn.dialect)
            params = p.params({KEYS: "[]", "kinds": "[]", "start": None, "end": None, TENANT: ""})
            driver = conn.connection.driver_connection
            assert driver is not None
            plan = [row[3] for row in driver.execute(f"EXPLAIN QUERY PLAN {p.sql}", params)]
            scans = [line for line in plan if re.match(r"SCAN (?!json_each)", line)]
            assert scans == [], f"{name} scans a table: {plan}"
    return None


def test_sqlite_lookups_loop_over_their_keys_without_statistics(tmp_path: Path) -> None:
    """A store never runs ``ANALYZE``. Without statistics SQLite's planner took a lookup's
    ``tenant = ?`` for a selective index prefix and looped over the tenant's whole table,
    reading every key for every row. Each lookup must search the table by its keys."""
    with Kit.open(f"sqlite:///{tmp_path / 'plans.db'}", rules=community()) as kit:
        for n in range(20):
            kit.goals.create(f"user{n}", "Answers", {"event": "answer.posted", "count": 5})
        kit.record_many(batch(0, 400))
        engine = _engine(kit)
        with engine.connect() as conn:
            assert (
                conn.exec_driver_sql(
                    "SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'"
                ).scalar()
                == 0
            )  # no statistics
            driver = conn.connection.driver_connection
            assert driver is not None
            for name, statement in _lookups(kit).items():
                if isinstance(statement, sa.Insert):  # it finds rows by its ON CONFLICT key
                    continue
                p = _execute.prepared(statement, conn.dialect)
                params = p.params(
                    {KEYS: "[]", "kinds": "[]", "start": None, "end": None, TENANT: ""}
                )
                plan = [row[3] for row in driver.execute(f"EXPLAIN QUERY PLAN {p.sql}", params)]
                tables = [line for line in plan if "motivekit_" in line]
                assert tables, f"{name} reads no table: {plan}"
                for line in tables:
                    assert line.startswith("SEARCH "), f"{name} scans a table: {plan}"
                    assert not line.endswith("(tenant=?)"), f"{name} reads a whole tenant: {plan}"


def test_sqlite_reads_one_persons_rows_through_their_index(tmp_path: Path) -> None:
    """Replay reads each person's entries, and a person's help received is read by
    beneficiary: on SQLite without statistics, both search their index, not the tenant's
    whole table in primary-key order."""
    with Kit.open(f"sqlite:///{tmp_path / 'person.db'}", rules=community()) as kit:
        kit.record_many(batch(0, 200))
        store = kit.store
        assert isinstance(store, SqlStore)
        with store.engine.connect() as conn:
            driver = conn.connection.driver_connection
            assert driver is not None
            for name, index in [
                ("subject_entries", "motivekit_journal_subject (tenant=? AND subject=?)"),
                ("beneficiary_items", "motivekit_impact_items_beneficiary (tenant=? AND "),
            ]:
                p = _execute.prepared(getattr(store._statements, name), conn.dialect)
                params = p.params({"subject": "user1", "user": "user1", TENANT: ""})
                plan = [row[3] for row in driver.execute(f"EXPLAIN QUERY PLAN {p.sql}", params)]
                assert any(index in line for line in plan), (name, plan)


def _scans(plan: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Every node of a PostgreSQL JSON plan that reads one of motivekit's tables (the
    node that writes a table an ``UPDATE`` changes is not one: it reads the rows its
    child plan found)."""
    reads = plan.get("Node Type") != "ModifyTable"
    if reads and str(plan.get("Relation Name", "")).startswith("motivekit_"):
        yield plan
    for child in plan.get("Plans", []):
        yield from _scans(child)


_FILL = [
    "INSERT INTO motivekit_consents SELECT '', 'p' || g, 'goals', true, 0",
    "INSERT INTO motivekit_forgotten SELECT '', sha256(convert_to(g::text, 'UTF8'))",
    "INSERT INTO motivekit_identity_groups SELECT '', 'p' || g, 'g' || g",
    "INSERT INTO motivekit_impact_prefs SELECT '', 'p' || g, 'named', NULL, 0, NULL",
    "INSERT INTO motivekit_impact_referrals SELECT '', 'p' || g, 'r' || g",
    "INSERT INTO motivekit_skill_bands SELECT '', 'p' || g, 'answering', 0.7, 0.85, 0.75, 0",
    "INSERT INTO motivekit_skill_items SELECT '', 'answering', 'i' || g, 0.0, 1",
]


def _postgres_lookups_search_an_index(kit: Kit) -> None:
    """On PostgreSQL, planned as for large tables (a small test table is cheaper to read
    whole, which says nothing about a large one): every table a lookup reads is reached
    through an index condition on the keys, so the JSON rows are the outer loop and each
    key is one index search."""
    engine = _engine(kit)
    kit.record_many(batch(0, 400))
    # Any well-formed array will do: the plan is what is checked, nothing is run.
    keys = {
        KEYS: '["00"]',
        "kinds": '["00"]',
        "start": date(2026, 1, 1),
        "end": date(2027, 1, 1),
        TENANT: "",
    }
    with engine.connect().execution_options(**{WRITE: True}) as conn:  # may change stats
        for fill in _FILL:  # what the community batches leave empty, rolled back below
            conn.exec_driver_sql(f"{fill} FROM generate_series(1, 1000) g")
        conn.exec_driver_sql("ANALYZE")
        # The planner's view of a large store: ten million rows in every table (undone
        # with the transaction).
        conn.exec_driver_sql(
            "UPDATE pg_class SET reltuples = 1e7 WHERE starts_with(relname, 'motivekit_') "
            "AND relkind IN ('r', 'i')"
        )
        driver = conn.connection.driver_connection
        assert driver is not None
        for name, statement in _lookups(kit).items():
            p = _execute.prepared(statement, conn.dialect)
            params = p.params(keys)
            ((plan,),) = driver.execute(f"EXPLAIN (FORMAT JSON) {p.sql}", params).fetchall()
            top = plan[0]["Plan"]
            if top.get("Operation") == "Insert":  # an upsert of rows: it finds each one's
                assert top["Conflict Arbiter Indexes"], (name, plan)  # row by its key
                continue
            scans = list(_scans(top))
            assert scans, f"{name} reads no table: {plan}"
            for scan in scans:
                where = scan["Relation Name"]
                assert scan["Node Type"] in ("Index Scan", "Index Only Scan"), (name, where, plan)
                assert "Index Cond" in scan, (name, where, plan)
        conn.rollback()


def test_a_lookup_takes_any_number_of_keys_with_one_sql_text(kit: Kit) -> None:
    kit.record_many(batch(0, 40))
    store = kit.store
    assert isinstance(store, SqlStore)
    with store.reading() as session:
        few = session.known_events(["post-0", "help-0", "nope"])
        many = session.known_events([f"post-{i}" for i in range(0, 40, 2)] * 300)
    assert set(few) == {"post-0", "help-0"}
    assert len(many) == 20


def test_a_walk_reads_each_level_once_with_its_owners_referrers(
    kit: Kit, monkeypatch: pytest.MonkeyPatch
) -> None:
    kit.record_many(batch(0, 20))  # a chain of answers a0 <- a2 <- ... <- a18
    calls = DriverCalls(_engine(kit), monkeypatch)
    (outcome,) = [
        kit.record(Event("help-late", "answer.marked_helpful", "user19", data={"answer_id": "a18"}))
    ]
    assert [c.depth for c in outcome.impact_changes] == [0, 1, 2, 3, 4]
    reads = [" ".join(sql.split()) for sql in calls.on_driver if sql.lstrip().startswith("SELECT")]
    walked = [sql for sql in reads if "FROM motivekit_impact_contributions" in sql]
    # the credited answer and one read per level above it (max_depth 4), each with the
    # owners' referrers joined: no separate read of the referrals
    assert len(walked) == 5
    assert all("LEFT OUTER JOIN motivekit_impact_referrals" in sql for sql in walked)
    assert not [sql for sql in reads if sql.startswith("SELECT motivekit_impact_referrals")]


def test_referrers_read_with_contributions_follow_the_sessions_own_writes(kit: Kit) -> None:
    store = kit.store
    assert isinstance(store, SqlStore)
    kit.record_many(batch(0, 4))  # a0 by user0, a2 by user2
    with store.writing() as session:
        assert set(session.contributions(["a0", "a2"])) == {"a0", "a2"}
        assert session.referrers(["user0", "user2", "user5"]) == {}  # none yet
        session.add_referrals({"user0": "user9"})
        assert session.referrers(["user0", "user2"]) == {"user0": "user9"}
        session.contributions(["a0"])
        assert session.referrers(["user0"]) == {"user0": "user9"}
    with store.reading() as session:
        session.contributions(["a0", "a2"])
        assert session.referrers(["user0", "user2"]) == {"user0": "user9"}
