"""MariaDB (and MySQL): URLs, session settings, ids, writers in several processes, plans.

Every test runs against the real server (``mariadb_url``: a fresh empty database each).
"""

from __future__ import annotations

import importlib.util
import multiprocessing
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from motivekit import ConfigError, Ed25519Signer, Event, Kit, StoreError, load_rules
from motivekit.rules import Rules
from motivekit.store import MemoryStore, SqlStore, Store
from motivekit.store.sql import _execute, _migrate
from motivekit.store.sql._schema import PREFIX, VERSION_TABLE, metadata
from motivekit.store.sql.dialects import KEYS, TENANT, dialect_for, mysql

from .test_sql_record_path import COMMUNITY, DriverCalls, batch, community


def _with_driver(url: str, driver: str) -> str:
    return sa.make_url(url).set(drivername=driver).render_as_string(hide_password=False)


@pytest.fixture
def store(mariadb_url: str) -> Iterator[SqlStore]:
    opened = SqlStore(mariadb_url)
    yield opened
    opened.close()


# --- URLs -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("backend", "driver"), [("mysql", "mysql+pymysql"), ("mariadb", "mariadb+pymysql")]
)
def test_a_bare_url_is_read_as_pymysql(mariadb_url: str, backend: str, driver: str) -> None:
    store = SqlStore(_with_driver(mariadb_url, backend))
    try:
        assert store.engine.url.drivername == driver
        assert store.engine.url.query["charset"] == "utf8mb4"
        with store.writing() as session:
            assert session.head() == (0, b"")
    finally:
        store.close()


def test_the_connection_character_set_is_always_utf8mb4(mariadb_url: str) -> None:
    latin = sa.make_url(mariadb_url).update_query_dict({"charset": "latin1"})
    with Kit.open(latin.render_as_string(hide_password=False)) as kit:
        goal = kit.goals.create("zoë", "Übersetzen 🌍", {"event": "t.done", "count": 1})
        assert kit.goals.get(goal.id).title == "Übersetzen 🌍"
        assert kit.goals.list("zoë")[0].owner == "zoë"


@pytest.mark.parametrize(
    "driver", ["mysql+mysqldb", "mysql+mysqlconnector", "mariadb+mariadbconnector", "mysql+asyncmy"]
)
def test_other_drivers_are_refused_with_the_fix(driver: str) -> None:
    backend = driver.split("+")[0]
    with pytest.raises(ConfigError, match=rf"write the URL as '{backend}\+pymysql://"):
        SqlStore(f"{driver}://app@db.example/app")


def test_without_pymysql_the_error_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda n, *a: None if n == "pymysql" else real(n, *a)
    )
    with pytest.raises(ConfigError, match=r"pip install 'motivekit\[mysql\]'"):
        Kit.open("mariadb://app@db.example/app")


def test_both_backends_pick_the_mysql_dialect() -> None:
    for url in ("mysql+pymysql://h/d", "mariadb+pymysql://h/d", "mysql://h/d"):
        assert dialect_for(url)[1].name == "mysql"


def test_an_unreachable_server_is_a_store_error() -> None:
    with pytest.raises(StoreError, match=r"OperationalError: .*Can't connect"):
        SqlStore("mysql+pymysql://root@127.0.0.1:1/nothing")


# --- the session ----------------------------------------------------------------------


def test_sessions_are_strict_utc_and_read_committed(store: SqlStore) -> None:
    with store.engine.connect() as conn:
        mode, zone, isolation = conn.exec_driver_sql(
            "SELECT @@SESSION.sql_mode, @@SESSION.time_zone, @@SESSION.tx_isolation"
        ).one()
    assert {"STRICT_TRANS_TABLES", "STRICT_ALL_TABLES", "NO_ZERO_DATE"} <= set(mode.split(","))
    assert zone == "+00:00"
    assert isolation == "READ-COMMITTED"
    assert store.engine.pool._pre_ping  # type: ignore[attr-defined]
    assert 0 < store.engine.pool._recycle < 8 * 3600  # type: ignore[attr-defined]


def test_bad_data_is_refused_not_truncated(store: SqlStore) -> None:
    with pytest.raises(StoreError, match="Data too long"), store.writing() as session:
        session.add_referrals({"x" * 201: "y"})
    with store.reading() as session:
        assert session.referrers(["x" * 200, "x" * 201]) == {}


def test_ids_are_case_sensitive(mariadb_url: str) -> None:
    with Kit.open(mariadb_url) as kit:
        upper = kit.goals.create("Alice", "Reviews", {"event": "review.submitted", "count": 5})
        lower = kit.goals.create("alice", "Reviews", {"event": "review.submitted", "count": 5})
        kit.record(Event("EV-1", "review.submitted", "Alice"))
        assert not kit.record(Event("ev-1", "review.submitted", "alice")).duplicate
        kit.record(Event("ev-2", "review.submitted", "alice"))
        assert kit.record(Event("ev-2", "review.submitted", "alice")).duplicate
        assert kit.goals.get(upper.id).total == 1
        assert kit.goals.get(lower.id).total == 2
        assert [g.id for g in kit.goals.list("Alice")] == [upper.id]
        kit.consent.set("Alice", "mastery", False, by="Alice")
        assert not kit.consent.get("Alice").allows("mastery")
        assert kit.consent.get("alice").allows("mastery")
    store = SqlStore(mariadb_url)
    try:
        with store.reading() as session:
            assert session.known_events(["ev-1", "EV-1", "Ev-1"]) == {"EV-1": 3, "ev-1": 4}
            assert session.subjects(None, 10) == sorted(session.subjects(None, 10))
            assert set(session.subjects(None, 10)) >= {"Alice", "alice"}
    finally:
        store.close()


def test_a_dropped_write_connection_is_reconnected(mariadb_url: str) -> None:
    with Kit.open(mariadb_url) as kit:
        goal = kit.goals.create("ada", "Reviews", {"event": "review.submitted", "count": 5})
        kit.record(Event("e1", "review.submitted", "ada"))
        store = kit.store
        assert isinstance(store, SqlStore)
        held = store._writers.conn
        thread_id = held.connection.driver_connection.thread_id()
        admin = sa.create_engine(mariadb_url)
        with admin.connect() as conn:
            conn.exec_driver_sql(f"KILL CONNECTION {thread_id}")
        admin.dispose()
        kit.record(Event("e2", "review.submitted", "ada"))  # no error: a new session
        assert held.connection.driver_connection.thread_id() != thread_id
        assert kit.goals.get(goal.id).total == 2
        with store.engine.connect() as conn:  # the new session has the settings too
            assert conn.exec_driver_sql("SELECT @@SESSION.time_zone").scalar() == "+00:00"


def test_writers_take_the_log_head_at_begin_and_readers_do_not(
    mariadb_url: str, store: SqlStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(mysql, "LOCK_WAIT_SECONDS", 1)
    other = SqlStore(mariadb_url)
    try:
        with store.writing():  # holds the head row from its first statement on
            with pytest.raises(StoreError, match="Lock wait timeout"), other.writing():
                pass
            with other.reading() as session:  # a snapshot: not blocked
                assert session.journal_size() == 0
        with other.writing() as session:  # free again once the first one ended
            assert session.head() == (0, b"")
    finally:
        other.close()


# --- schema ---------------------------------------------------------------------------


def test_migrated_schema_matches_the_table_definitions(store: SqlStore) -> None:
    with store.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"version_table": VERSION_TABLE})
        diff = compare_metadata(context, metadata)
        tables = set(sa.inspect(conn).get_table_names())
        collations = dict(
            conn.exec_driver_sql(
                "SELECT table_name, table_collation FROM information_schema.tables "
                "WHERE table_schema = DATABASE()"
            ).all()
        )
    assert diff == []
    assert tables == {t.name for t in metadata.sorted_tables} | {VERSION_TABLE}
    assert all(name.startswith(PREFIX) for name in tables)
    assert {collations[t.name] for t in metadata.sorted_tables} == {"utf8mb4_bin"}


def test_downgrade_and_upgrade_round_trip(store: SqlStore) -> None:
    with store.engine.connect() as conn, conn.begin():
        command.downgrade(_migrate._config(conn), "base")
        assert _migrate.current_revision(conn) is None
    assert store.upgrade() == _migrate.head_revision()
    with store.writing() as s:
        assert s.head() == (0, b"")


def test_large_entries_and_texts_fit(mariadb_url: str) -> None:
    with Kit.open(mariadb_url, max_event_bytes=200_000) as kit:  # BLOB holds 64 KiB
        kit.record(Event("big", "note.written", "ada", data={"text": "x" * 150_000}))
        assert kit.journal.read(0, 1)[0].payload["data"]["text"] == "x" * 150_000


def _open_in_a_race(url: str) -> None:
    SqlStore(url).close()


def test_processes_creating_the_schema_at_once_do_not_race(mariadb_url: str) -> None:
    context = multiprocessing.get_context("spawn")
    procs = [context.Process(target=_open_in_a_race, args=(mariadb_url,)) for _ in range(3)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
    assert [p.exitcode for p in procs] == [0, 0, 0]
    with SqlStore(mariadb_url, migrate=False).engine.connect() as conn:
        assert _migrate.current_revision(conn) == _migrate.head_revision()


# --- scrub ----------------------------------------------------------------------------


def test_forget_erases_and_rebuilds_the_tables_it_erased_from(mariadb_url: str) -> None:
    with Kit.open(mariadb_url) as kit:
        kit.goals.create("ada", "Reviews", {"event": "review.submitted", "count": 5})
        kit.record(Event("e1", "review.submitted", "ada", data={"note": "secret-note"}))
        store = kit.store
        assert isinstance(store, SqlStore)

        def personal() -> list[bytes]:
            with store.engine.connect() as conn:
                rows = conn.exec_driver_sql("SELECT personal FROM motivekit_journal").all()
            return [bytes(p) for (p,) in rows if p is not None]

        assert any(b"secret-note" in p for p in personal())
        seen: list[str] = []
        sa.event.listen(store.engine, "before_cursor_execute", lambda *a: seen.append(a[2]))
        kit.privacy.forget("ada")
        assert not any(b"secret-note" in p for p in personal())
        (optimize,) = [s for s in seen if s.startswith("OPTIMIZE TABLE")]
        assert set(optimize.removeprefix("OPTIMIZE TABLE ").split(", ")) == set(mysql.SCRUBBED)


# --- several writers ------------------------------------------------------------------

START = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def _clock() -> datetime:
    return START


def _rules() -> Rules:
    """The community design without milestones: a milestone's entry follows its batch, so
    without them every entry is an event's, and one at a time in journal order is the
    sequential run to compare with."""
    assert "    milestones: [5]\n" in COMMUNITY
    return load_rules("motivation.yaml", text=COMMUNITY.replace("    milestones: [5]\n", ""))


def _events(indices: list[int]) -> list[Event]:
    """The community batch's events for ``indices`` (pairs: post, then help), each at a
    fixed instant so every process builds the same event."""
    found = []
    for i in indices:
        for event in batch(2 * i, 2, people=12):
            at = START + timedelta(seconds=i)
            found.append(Event(event.id, event.kind, event.actor, at=at, data=event.data))
    return found


def _indices(worker: int) -> list[int]:
    # workers overlap: each shares a third of its events with the next one
    return list(range(worker * 100, worker * 100 + 150))


def _write(url: str, worker: int) -> None:
    with Kit.open(url, rules=_rules(), clock=_clock) as kit:
        events = _events(_indices(worker))
        for start in range(0, len(events), 20):
            chunk = events[start : start + 20]
            if start % 40 == 0:
                kit.record_many(chunk)
            else:
                for event in chunk:
                    kit.record(event)


def _state(store: Store) -> dict[str, Any]:
    with store.reading() as s:
        people = [f"user{n}" for n in range(12)]
        return {
            "goals": sorted((g.owner, g.title, g.total) for g in s.goals()),
            "skills": s.all_skills(None, 10_000),
            "impact": s.impact_counts(),
            "feeds": {p: s.feed_page(p, None, 10_000) for p in people},
            "missions": s.missions(["handbook"]),
            "parts": s.mission_parts({("handbook", p) for p in people}),
            "contributions": s.contributions({f"a{2 * i}" for i in range(400)}),
        }


def _goals(kit: Kit) -> None:
    for n in range(12):
        kit.goals.create(f"user{n}", "Answers", {"event": "answer.posted", "count": 5})


def test_processes_writing_at_once_end_in_the_sequential_state(mariadb_url: str) -> None:
    with Kit.open(mariadb_url, rules=_rules(), clock=_clock) as kit:
        _goals(kit)
    workers = 3
    context = multiprocessing.get_context("spawn")
    procs = [context.Process(target=_write, args=(mariadb_url, w)) for w in range(workers)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(180)
    assert [p.exitcode for p in procs] == [0] * workers
    key = Ed25519Signer.generate("example.com/log")
    with Kit.open(mariadb_url, rules=_rules(), signers=[key], clock=_clock) as kit:
        entries = kit.journal.read(0, 100_000)
        size = kit.journal.size()
        assert [e.seq for e in entries] == list(range(1, size + 1))  # gapless, unique
        ids = [e.payload["id"] for e in entries if e.type == "event"]
        unique = {e.id for w in range(workers) for e in _events(_indices(w))}
        assert sorted(ids) == sorted(unique)  # every event once, shared ids included
        kit.audit.checkpoint()
        assert kit.audit.verify().size == size
        assert isinstance(kit.store, SqlStore)
        concurrent = _state(kit.store)
    # The same events one at a time, in the order the journal holds them.
    by_id = {e.id: e for w in range(workers) for e in _events(_indices(w))}
    memory = MemoryStore()
    with Kit(memory, rules=_rules(), clock=_clock) as sequential:
        _goals(sequential)
        for event_id in ids:
            sequential.record(by_id[event_id])
        assert sequential.journal.size() == size
        expected = _state(memory)
    assert concurrent["goals"] == expected["goals"]
    assert sum(t for _, _, t in concurrent["goals"]) == len(
        [i for i in ids if i.startswith("post")]
    )
    assert concurrent == expected


# --- the record path ------------------------------------------------------------------


@pytest.fixture
def kit(mariadb_url: str) -> Iterator[Kit]:
    with Kit.open(mariadb_url, rules=community(), clock=_clock) as opened:
        for n in range(20):
            opened.goals.create(f"user{n}", "Answers", {"event": "answer.posted", "count": 5})
        yield opened


def test_every_batched_lookup_searches_an_index(kit: Kit) -> None:
    for n in range(20, 400):  # enough rows that an index is worth using
        kit.goals.create(f"user{n}", "Answers", {"event": "answer.posted", "count": 5})
    kit.record_many(batch(0, 2000, people=400))
    store = kit.store
    assert isinstance(store, SqlStore)
    with store.writing() as session:
        for n in range(400):
            session.set_consent(f"user{n}", "nudges", n % 2 == 0, START)
    names = [t.name for t in metadata.sorted_tables]
    with store.engine.connect() as conn:
        conn.exec_driver_sql("ANALYZE TABLE " + ", ".join(names))
        counts = {n: conn.exec_driver_sql(f"SELECT COUNT(*) FROM {n}").scalar() for n in names}
    # The optimizer rightly reads a table of a few rows whole; every table a batch's keys
    # are looked up in that grows with use must be searched through an index.
    large = {name for name, count in counts.items() if count >= 100}
    looked_up = {"journal", "goals", "consents", "skills", "impact_contributions"}
    assert {PREFIX + t for t in looked_up | {"impact_feed", "impact_items"}} <= large
    lookups = {}
    for name, statement in vars(store._statements).items():
        if isinstance(statement, sa.sql.Executable):
            sql = _execute.prepared(statement, store.engine.dialect).sql
            if "JSON_TABLE" in sql:
                lookups[name] = statement
    assert {"known_events", "active_goals", "consents", "skills", "contributions"} <= set(lookups)
    assert {"feed_groups", "seen_beneficiaries", "mission_parts", "forgotten"} <= set(lookups)
    with store.engine.connect() as conn:
        driver = conn.connection.driver_connection
        assert driver is not None
        for name, statement in lookups.items():
            p = _execute.prepared(statement, conn.dialect)
            params = p.params({KEYS: '["a", "b"]', "kinds": '["k"]', TENANT: ""} | _dates())
            cursor = driver.cursor()
            cursor.execute(f"EXPLAIN {p.sql}", params)
            plan = cursor.fetchall()
            cursor.close()
            assert any(row[2] == "jt" for row in plan), plan  # the keys drive the join
            scans = [row for row in plan if row[2] in large and row[3] in ("ALL", "index")]
            assert scans == [], f"{name} scans a table: {plan}"


def _dates() -> dict[str, Any]:
    return {"start": datetime(2026, 1, 1).date(), "end": datetime(2026, 2, 1).date()}


def test_recording_runs_nothing_through_sqlalchemy(kit: Kit) -> None:
    kit.record_many(batch(0, 40))
    [kit.record(e) for e in batch(40, 10)]
    compiled = _execute.prepared.cache_info().misses
    store = kit.store
    assert isinstance(store, SqlStore)
    through: list[str] = []
    sa.event.listen(store.engine, "before_cursor_execute", lambda *a: through.append(a[2]))
    outcomes = kit.record_many(batch(50, 40)) + [kit.record(e) for e in batch(90, 10)]
    assert all(o.impact_changes for o in outcomes if o.event_id.startswith("help-"))
    assert through == []
    assert _execute.prepared.cache_info().misses == compiled


def test_a_lookup_takes_any_number_of_keys_with_one_sql_text(kit: Kit) -> None:
    kit.record_many(batch(0, 40))
    store = kit.store
    assert isinstance(store, SqlStore)
    with store.reading() as session:
        few = session.known_events(["post-0", "help-0", "nope"])
        many = session.known_events([f"post-{i}" for i in range(0, 40, 2)] * 300)
        digests = session.forgotten(["someone"])
    assert set(few) == {"post-0", "help-0"}
    assert len(many) == 20
    assert digests == set()
    assert re.search(
        r"JSON_TABLE\(%\(ids\)s",
        _execute.prepared(store._statements.known_events, store.engine.dialect).sql,
    )


@pytest.mark.parametrize("size", [10, 1000])
def test_driver_calls_per_batch_do_not_grow_with_its_size(
    kit: Kit, monkeypatch: pytest.MonkeyPatch, size: int
) -> None:
    store = kit.store
    assert isinstance(store, SqlStore)
    kit.record_many(batch(0, 20))
    calls = DriverCalls(store.engine, monkeypatch)
    kit.record_many(batch(20, size))
    # the log head lock is sent on the driver as it begins, outside these counts
    assert len(calls.on_driver) + len(calls.through_sqlalchemy) <= 40 + 4


def test_every_record_path_insert_goes_as_one_multi_row_statement(store: SqlStore) -> None:
    # PyMySQL sends an executemany as one INSERT of many rows only for INSERT ... VALUES
    # (ON DUPLICATE KEY UPDATE allowed): measured two to three times faster than one
    # INSERT ... SELECT ... FROM JSON_TABLE of the same rows, so the record path keeps it.
    from pymysql.cursors import RE_INSERT_VALUES

    q = store._statements
    inserts = [
        q.insert_entry,
        q.insert_tile,
        q.add_day,
        q.save_skills,
        q.save_skill_items,
        q.add_contributions,
        q.add_referrals,
        q.set_identity_groups,
        q.save_feed_groups,
        q.add_impact_items,
        q.save_missions,
        q.add_mission_parts,
    ]
    for statement in inserts:
        sql = _execute.prepared(statement, store.engine.dialect).sql
        assert RE_INSERT_VALUES.match(sql), sql
