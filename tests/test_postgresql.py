"""PostgreSQL: URLs, the PgBouncer option, how writers serialise, clear errors, scrubbing,
several processes writing at once. Every test runs on the real server (``postgres_url``)."""

from __future__ import annotations

import multiprocessing
import sys
import uuid
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
import sqlalchemy as sa

from motivekit import ConfigError, Ed25519Signer, Event, Kit, SchemaOutOfDate, StoreError
from motivekit.store import MemoryStore, SqlStore
from motivekit.store.sql import _execute
from motivekit.store.sql.dialects import KEYS, TENANT, postgresql

from .test_sql_record_path import community

REVIEWS = {"event": "review.submitted", "count": 3}


def bare(url: str) -> str:
    """``url`` as plain ``postgresql://`` (no driver named)."""
    assert url.startswith("postgresql+psycopg://")
    return "postgresql://" + url.removeprefix("postgresql+psycopg://")


def libpq(url: str) -> str:
    """``url`` for psycopg itself (a second, independent connection)."""
    return bare(url)


@pytest.fixture
def store(postgres_url: str) -> Iterator[SqlStore]:
    opened = SqlStore(postgres_url)
    yield opened
    opened.close()


def test_a_plain_postgresql_url_means_psycopg_3(postgres_url: str) -> None:
    with Kit.open(bare(postgres_url)) as kit:
        goal = kit.goals.create("ada", "Reviews", REVIEWS)
        kit.record(Event("e1", "review.submitted", "ada"))
        assert kit.goals.get(goal.id).total == 1
        store = kit.store
        assert isinstance(store, SqlStore)
        assert store.engine.dialect.driver == "psycopg"
        assert store.url.startswith("postgresql://")  # as the host wrote it


@pytest.mark.parametrize("driver", ["psycopg2", "asyncpg", "pg8000", "psycopg_async"])
def test_other_drivers_are_refused_with_the_fix(driver: str) -> None:
    with pytest.raises(ConfigError) as caught:
        SqlStore(f"postgresql+{driver}://app@db/app")
    assert str(caught.value) == (
        f"'postgresql+{driver}://app@db/app': motivekit talks to PostgreSQL through psycopg 3 "
        f"only; write the URL as 'postgresql+psycopg://...' (or 'postgresql://...') instead "
        f"of 'postgresql+{driver}://...', and pip install 'motivekit[postgres]'"
    )


def test_without_psycopg_the_error_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "psycopg", None)  # `import psycopg` fails
    with pytest.raises(ConfigError, match=r"pip install 'motivekit\[postgres\]'"):
        Kit.open("postgresql://app@db/app")


def test_no_schema_and_migrate_false_is_schema_out_of_date(postgres_url: str) -> None:
    with pytest.raises(SchemaOutOfDate, match="has no motivekit schema") as caught:
        Kit.open(postgres_url, migrate=False)
    assert "run `motivekit db upgrade --url postgresql+psycopg://" in str(caught.value)
    Kit.open(postgres_url).close()  # migrates
    Kit.open(postgres_url, migrate=False).close()


def test_an_unknown_database_is_a_store_error(postgres_url: str) -> None:
    missing = str(sa.make_url(postgres_url).set(database="mk_no_such_database"))
    with pytest.raises(StoreError, match='database "mk_no_such_database" does not exist'):
        Kit.open(missing)


def _prepared_statements(store: SqlStore, runs: int) -> tuple[Any, int]:
    """Run one lookup ``runs`` times on a write connection; its prepare_threshold and how
    many statements the server then holds prepared for it."""
    for _ in range(runs):
        with store.writing() as s:
            s.known_events(["a", "b"])
    with store.writing() as s:
        driver = s._conn.connection.driver_connection
        assert isinstance(driver, psycopg.Connection)
        held = driver.execute("SELECT count(*) FROM pg_prepared_statements").fetchone()
        assert held is not None
        return driver.prepare_threshold, held[0]


def test_pgbouncer_true_prepares_nothing_on_the_server(postgres_url: str) -> None:
    Kit.open(postgres_url).close()
    plain = SqlStore(postgres_url)
    try:
        threshold, held = _prepared_statements(plain, 8)
        assert threshold == 5  # psycopg's default: prepared after 5 runs
        assert held > 0
    finally:
        plain.close()
    pooled = SqlStore(f"{postgres_url}?pgbouncer=true")
    try:
        assert _prepared_statements(pooled, 8) == (None, 0)
        assert pooled.url.endswith("?pgbouncer=true")
    finally:
        pooled.close()
    SqlStore(f"{postgres_url}?pgbouncer=false").close()


def test_a_bad_pgbouncer_value_is_a_config_error(postgres_url: str) -> None:
    with pytest.raises(ConfigError, match=r"pgbouncer must be 'true' .* or 'false', got 'yes'"):
        SqlStore(f"{postgres_url}?pgbouncer=yes")


def test_a_write_locks_the_log_head_when_it_begins_and_a_read_does_not(
    store: SqlStore, postgres_url: str
) -> None:
    with psycopg.connect(libpq(postgres_url), autocommit=True) as other:
        lock = "SELECT 1 FROM motivekit_log_head WHERE id = 1 FOR UPDATE NOWAIT"
        with store.reading() as s:
            s.journal_size()
            settings = s._conn.exec_driver_sql(
                "SELECT current_setting('transaction_isolation'), "
                "current_setting('transaction_read_only')"
            )
            assert settings.one() == ("repeatable read", "on")
            other.execute(lock)  # free
        with store.writing() as s:
            s.journal_size()  # only a read so far, yet the writers' lock is held
            with pytest.raises(psycopg.errors.LockNotAvailable):
                other.execute(lock)
            level = s._conn.exec_driver_sql("SELECT current_setting('transaction_isolation')")
            assert level.scalar() == "read committed"
        other.execute(lock)  # released at commit


def test_a_writer_waiting_too_long_gets_a_store_error(
    store: SqlStore, postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(postgresql, "LOCK_TIMEOUT", "200ms")
    with psycopg.connect(libpq(postgres_url)) as other:
        other.execute("SELECT 1 FROM motivekit_log_head WHERE id = 1 FOR UPDATE")
        waiting = pytest.raises(
            StoreError, match="LockNotAvailable: canceling statement due to lock"
        )
        with waiting, store.writing() as s:
            s.journal_size()
        other.rollback()
    with store.writing() as s:  # the next write gets a fresh connection and the lock
        assert s.journal_size() == 0


def test_lost_races_are_retryable_and_other_errors_are_not(
    store: SqlStore, postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(postgresql, "LOCK_TIMEOUT", "100ms")
    with psycopg.connect(libpq(postgres_url)) as other:
        other.execute("SELECT 1 FROM motivekit_log_head WHERE id = 1 FOR UPDATE")
        with pytest.raises(StoreError) as timed_out, store.writing():
            pass
        other.rollback()
    assert postgresql.retryable(timed_out.value)
    with pytest.raises(StoreError) as refused, store.writing() as s:
        s._conn.exec_driver_sql("SELECT 1 / 0")
    assert not postgresql.retryable(refused.value)
    assert postgresql.retryable(psycopg.errors.DeadlockDetected())
    assert postgresql.retryable(psycopg.errors.SerializationFailure())


def test_join_takes_the_writers_lock_on_a_host_connection(
    store: SqlStore, postgres_url: str
) -> None:
    host = sa.create_engine(postgres_url)
    try:
        with host.connect() as conn, conn.begin():
            postgresql.join(conn, "")
            other = psycopg.connect(libpq(postgres_url), autocommit=True)
            with other, pytest.raises(psycopg.errors.LockNotAvailable):
                other.execute("SELECT 1 FROM motivekit_log_head WHERE id = 1 FOR UPDATE NOWAIT")
    finally:
        host.dispose()


def test_a_connection_the_server_dropped_is_replaced_before_anything_is_written(
    postgres_url: str,
) -> None:
    with Kit.open(postgres_url) as kit:
        goal = kit.goals.create("ada", "Reviews", REVIEWS)
        kit.record(Event("e1", "review.submitted", "ada"))
        with psycopg.connect(libpq(postgres_url), autocommit=True) as admin:
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        # The held write connection is gone: the transaction finds out as it begins,
        # before anything is written, and begins again on a new connection.
        assert not kit.record(Event("e2", "review.submitted", "ada")).duplicate
        assert kit.goals.get(goal.id).total == 2  # reads: the pool pinged and replaced
        assert kit.journal.size() == 3


def test_a_database_error_mid_append_is_a_store_error_and_writes_nothing(
    postgres_url: str,
) -> None:
    with Kit.open(postgres_url) as kit:
        goal = kit.goals.create("ada", "Reviews", REVIEWS)
        kit.record(Event("e1", "review.submitted", "ada"))
        with psycopg.connect(libpq(postgres_url), autocommit=True) as other:
            other.execute(  # someone plants a row where the next entry must go
                "INSERT INTO motivekit_journal (seq, type, name, recorded_at, entry, leaf_hash) "
                "VALUES (3, 'event', 'x', 0, '\\x00', '\\x00')"
            )
        with pytest.raises(StoreError, match="UniqueViolation: duplicate key value"):
            kit.record(Event("e2", "review.submitted", "ada"))
        assert kit.journal.size() == 2
        assert kit.goals.get(goal.id).total == 1
        assert kit.record(Event("e1", "review.submitted", "ada")).duplicate  # still usable


# -- scrubbing ------------------------------------------------------------------------------


def _pages_holding(url: str, needle: bytes) -> list[str]:
    """Every motivekit table and index whose pages (as PostgreSQL holds them, in shared
    buffers or the data files) contain ``needle``."""
    with psycopg.connect(libpq(url), autocommit=True) as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS pageinspect")
        relations = conn.execute(
            "SELECT c.oid::regclass::text FROM pg_class c "
            "WHERE c.relname LIKE 'motivekit%' AND c.relkind IN ('r', 'i', 't') "
            "UNION SELECT t.oid::regclass::text FROM pg_class c JOIN pg_class t "
            "ON t.oid = c.reltoastrelid WHERE c.relname LIKE 'motivekit%'"
        ).fetchall()
        found = []
        for (relation,) in relations:
            hit = conn.execute(
                "SELECT bool_or(position(%s::bytea IN get_raw_page(%s, b)) > 0) "
                "FROM generate_series(0, pg_relation_size(%s::regclass) / 8192 - 1) b",
                (needle, relation, relation),
            ).fetchone()
            if hit is not None and hit[0]:
                found.append(relation)
        return found


def test_scrub_removes_erased_personal_data_from_every_page(postgres_url: str) -> None:
    secret = f"secret-{uuid.uuid4().hex}"
    with Kit.open(postgres_url) as kit:
        _no_autovacuum(postgres_url)
        kit.goals.create("ada", "Reviews", REVIEWS)
        kit.record_many(
            Event(f"e{i}", "review.submitted", "ada", data={"note": secret}) for i in range(30)
        )
        kit.record_many(Event(f"o{i}", "review.submitted", "bo") for i in range(300))
        store = kit.store
        assert isinstance(store, SqlStore)
        with store.writing() as s:
            assert s.erase_personal("ada") == 31  # the goal and 30 events; not yet scrubbed
        # The replaced row versions still hold it: the check can see what it looks for.
        assert _pages_holding(postgres_url, secret.encode()) == ["motivekit_journal"]
        with psycopg.connect(libpq(postgres_url), autocommit=True) as other:
            other.execute("VACUUM (INDEX_CLEANUP ON) motivekit_journal")
        # A plain VACUUM forgets the dead row versions but leaves their bytes in the pages.
        assert _pages_holding(postgres_url, secret.encode()) == ["motivekit_journal"]
        store.scrub()
        assert _pages_holding(postgres_url, secret.encode()) == []
        kit.record(Event("late", "review.submitted", "ada", data={"note": secret}))
        kit.privacy.forget("ada")  # forget scrubs too: the person's id goes from indexes
        assert _pages_holding(postgres_url, secret.encode()) == []
        assert _pages_holding(postgres_url, b'"ada"') == []


def _no_autovacuum(url: str) -> None:
    """Keep autovacuum's ANALYZE off these tables: while it runs, its snapshot keeps the
    erased row versions alive, and VACUUM (FULL) must copy them (a real limit of scrub,
    documented in docs/storage.md; here it would make the check depend on timing)."""
    with psycopg.connect(libpq(url), autocommit=True) as conn:
        for (table,) in conn.execute(
            "SELECT tablename FROM pg_tables WHERE tablename LIKE 'motivekit_%'"
        ).fetchall():
            conn.execute(f"ALTER TABLE {table} SET (autovacuum_enabled = false)")


def test_scrub_by_a_role_that_cannot_vacuum_is_a_store_error(postgres_url: str) -> None:
    Kit.open(postgres_url).close()  # the tables belong to the admin role
    role = f"mk_app_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(libpq(postgres_url), autocommit=True) as admin:
        admin.execute(f"CREATE ROLE {role} LOGIN")
        admin.execute(f"GRANT ALL ON ALL TABLES IN SCHEMA public TO {role}")
    try:
        with Kit.open(str(sa.make_url(postgres_url).set(username=role))) as kit:
            kit.record(Event("e1", "review.submitted", "ada"))
            with pytest.raises(StoreError, match=r"could not remove erased data .* owns its"):
                kit.privacy.forget("ada")
            assert kit.journal.size() == 2  # the erasure itself was committed
    finally:
        with psycopg.connect(libpq(postgres_url), autocommit=True) as admin:
            admin.execute(f"DROP OWNED BY {role}")
            admin.execute(f"DROP ROLE {role}")


# -- several processes ----------------------------------------------------------------------

_WORKERS = 3
_EACH = 200  # events per worker, plus the shared ones
_SHARED = 60
_PEOPLE = 6


def _events(worker: int) -> list[Event]:
    """A worker's events: answers by overlapping people, each citing the one before and
    marked helpful by someone else, then events every worker records (same ids)."""
    events = []
    for i in range(0, _EACH, 2):
        author = f"user{(i + worker) % _PEOPLE}"
        data: dict[str, Any] = {"answer_id": f"w{worker}-a{i}", "accepted": i % 3 != 0}
        if i:
            data["cites"] = f"w{worker}-a{i - 2}"
        events.append(Event(f"w{worker}-post-{i}", "answer.posted", author, data=data))
        helper = f"user{(i + worker + 1) % _PEOPLE}"
        credited = {"answer_id": f"w{worker}-a{i}"}
        events.append(Event(f"w{worker}-help-{i}", "answer.marked_helpful", helper, data=credited))
    shared = [
        Event(f"shared-{i}", "answer.posted", f"user{i % _PEOPLE}", data={"answer_id": f"s{i}"})
        for i in range(_SHARED)
    ]
    return events + shared


def _write(url: str, worker: int, ready: Any) -> None:
    with Kit.open(url, rules=community()) as kit:
        ready.wait(60)
        events = _events(worker)
        for start in range(0, len(events), 20):
            chunk = events[start : start + 20]
            if (start // 20) % 2:
                kit.record_many(chunk)
            else:
                for event in chunk:
                    kit.record(event)


def _state(session: Any) -> dict[str, Any]:
    """Every projection the community design moves, as comparable values."""
    people = [f"user{n}" for n in range(_PEOPLE)]
    skills = session.all_skills(None, 10_000)
    return {
        "goals": sorted((g.owner, g.total, g.status.value) for g in session.goals()),
        "skills": sorted((s.user, s.evidence, s.successes, s.p_known, s.seq) for s in skills),
        "missions": {k: (m.total, m.announced) for k, m in session.missions(["handbook"]).items()},
        "parts": session.mission_parts([("handbook", p) for p in people]),
        "feeds": {p: session.feed_page(p, None, 10_000) for p in people},
        "impact": session.impact_counts(),
    }


def test_processes_writing_at_once_end_as_one_sequential_run(postgres_url: str) -> None:
    with Kit.open(postgres_url, rules=community()) as kit:
        for n in range(_PEOPLE):
            kit.goals.create(f"user{n}", "Answers", {"event": "answer.posted", "count": 50})
    spawn = multiprocessing.get_context("spawn")
    ready = spawn.Barrier(_WORKERS)
    procs = [spawn.Process(target=_write, args=(postgres_url, w, ready)) for w in range(_WORKERS)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(300)
    for p in procs:
        if p.exitcode is None:
            p.kill()
    assert [p.exitcode for p in procs] == [0] * _WORKERS

    distinct = _WORKERS * _EACH + _SHARED
    key = Ed25519Signer.generate("example.com/log")
    with Kit.open(postgres_url, rules=community(), signers=[key]) as kit:
        entries = kit.journal.read(0, 100_000)
        assert [e.seq for e in entries] == list(range(1, len(entries) + 1))  # gapless
        recorded = [e.payload["id"] for e in entries if e.type == "event"]
        assert len(recorded) == len(set(recorded)) == distinct  # each event once
        interleaved = {r.split("-")[0] for r in recorded[: len(recorded) // 2]}
        assert len(interleaved) > 2  # the writers did run at once
        kit.audit.checkpoint()
        assert kit.audit.verify().size == len(entries)
        store = kit.store
        assert isinstance(store, SqlStore)
        with store.reading() as s:
            concurrent = _state(s)

    # The same events, one at a time in the journal's order, on one in-memory Kit.
    by_id = {e.id: e for w in range(_WORKERS) for e in _events(w)}
    reference = MemoryStore()
    with Kit(reference, rules=community()) as kit:
        for n in range(_PEOPLE):
            kit.goals.create(f"user{n}", "Answers", {"event": "answer.posted", "count": 50})
        for event_id in recorded:
            kit.record(by_id[event_id])
        with reference.reading() as s:
            sequential = _state(s)
    assert concurrent["goals"] == sequential["goals"]
    assert concurrent["goals"][0][1] > 0
    for part in ("skills", "missions", "parts", "impact"):
        assert concurrent[part] == sequential[part], part
    strip = {
        p: [(g.key, g.items, g.people, g.names) for g in f] for p, f in sequential["feeds"].items()
    }
    assert {
        p: [(g.key, g.items, g.people, g.names) for g in f] for p, f in concurrent["feeds"].items()
    } == strip


def _plan_nodes(plan: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield plan
    for child in plan.get("Plans", []):
        yield from _plan_nodes(child)


def _record(kit: Kit, prefix: str, count: int) -> None:
    for start in range(0, count, 500):
        size = min(500, count - start)
        kit.record_many(
            [
                Event(f"{prefix}{i}", "review.submitted", f"u{i % 40}")
                for i in range(start, start + size)
            ]
        )


@pytest.mark.parametrize(
    ("analysed", "entries"),
    [(0, 500), (0, 10_000), (5_000, 3_000)],
    ids=["new database", "new database, many entries", "new tenant"],
)
def test_the_event_id_lookup_reads_each_entry_once_at_most_without_statistics(
    postgres_url: str, analysed: int, entries: int
) -> None:
    # Before autovacuum has analysed the journal (a new database), or while its statistics
    # do not know a tenant yet, the planner takes the tenant's entries for a handful. The
    # lookup must still never loop over the keys for each entry (nor over the entries for
    # each key): one pass, each entry checked against the keys once.
    with (
        Kit.open(postgres_url, tenant="old") as old,
        Kit.open(postgres_url) as kit,
        psycopg.connect(libpq(postgres_url), autocommit=True) as conn,
    ):
        conn.execute("ALTER TABLE motivekit_journal SET (autovacuum_enabled = false)")
        if analysed:
            _record(old, "old-", analysed)
            conn.execute("ANALYZE motivekit_journal")
        _record(kit, "e", entries)
        if not analysed:
            ((tuples,),) = conn.execute(
                "SELECT reltuples FROM pg_class WHERE relname = 'motivekit_journal'"
            ).fetchall()
            assert tuples < 0  # never analysed
        store = kit.store
        assert isinstance(store, SqlStore)
        with store.engine.connect() as sa_conn:
            p = _execute.prepared(store._statements.known_events, sa_conn.dialect)
        ids = [f"e{i}" for i in range(entries - 250, entries + 250)]  # half recorded
        params = p.params({KEYS: _execute.json_array(ids), TENANT: ""})
        ((plan,),) = conn.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {p.sql}", params).fetchall()
        nodes = list(_plan_nodes(plan[0]["Plan"]))
        assert all(n["Actual Loops"] == 1 for n in nodes), plan  # one pass
        journal = [n for n in nodes if n.get("Relation Name") == "motivekit_journal"]
        assert len(journal) == 1, plan
        read = journal[0]["Actual Rows"] + journal[0].get("Rows Removed by Filter", 0)
        assert read <= entries, plan  # the tenant's entries at most
        assert "tenant" in journal[0].get("Index Cond", journal[0].get("Recheck Cond", ""))
        found = conn.execute(p.sql, params).fetchall()
        assert sorted(e for e, _ in found) == sorted(ids[:250])


def test_event_ids_with_quotes_brackets_and_commas_are_found_as_they_are(
    postgres_url: str,
) -> None:
    odd = ['a"b', "c\\d", "x]", "[y", "p,q", "{z}", "NULL", "ü ß", '"', "\\"]
    with Kit.open(postgres_url) as kit:
        kit.record_many([Event(i, "review.submitted", "u1") for i in odd])
        store = kit.store
        assert isinstance(store, SqlStore)
        with store.reading() as s:
            assert set(s.known_events([*odd, "a", "b", "z", "ab", "a\\b"])) == set(odd)
        again = kit.record_many([Event(i, "review.submitted", "u1") for i in odd])
        assert all(o.duplicate for o in again)
