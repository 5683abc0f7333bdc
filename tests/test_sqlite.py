"""SQLite: durability settings, several processes and threads on one file, clear errors."""

from __future__ import annotations

import json
import multiprocessing
import sqlite3
import subprocess
import sys
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from motivekit import ConfigError, Ed25519Signer, Event, Kit, SchemaOutOfDate, StoreError
from motivekit.store import SqlStore

REVIEWS = {"event": "review.submitted", "count": 3, "per": "week"}


def url_for(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'shared.db'}"


def test_a_second_process_sees_the_same_goals_and_progress(tmp_path: Path) -> None:
    url = url_for(tmp_path)
    with Kit.open(url) as kit:
        goal = kit.goals.create("ada", "Review pull requests", REVIEWS, tz="Europe/Berlin")
        kit.record_many(Event(f"e{i}", "review.submitted", "ada") for i in range(2))
    script = (
        "import json, sys\n"
        "from motivekit import Kit, Event\n"
        "with Kit.open(sys.argv[1]) as kit:\n"
        "    again = kit.record(Event('e1', 'review.submitted', 'ada'))\n"
        "    g = kit.goals.list('ada')[0]\n"
        "    print(json.dumps([g.id, g.title, g.tz, g.progress.count, again.duplicate]))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script, url], capture_output=True, text=True, check=True
    )
    assert json.loads(out.stdout) == [goal.id, "Review pull requests", "Europe/Berlin", 2, True]


def _writer(url: str, worker: int, n: int, shared: int) -> None:
    with Kit.open(url) as kit:
        for i in range(n):
            kit.record(Event(f"w{worker}-{i}", "review.submitted", "ada"))
        # Every worker also records the same shared ids: each must count exactly once.
        kit.record_many(Event(f"shared-{i}", "review.submitted", "ada") for i in range(shared))


def test_several_processes_write_one_file_without_gaps_or_double_counts(tmp_path: Path) -> None:
    url = url_for(tmp_path)
    with Kit.open(url) as kit:
        goal = kit.goals.create("ada", "Reviews", {"event": "review.submitted", "count": 10})
    workers, n, shared = 4, 60, 25
    context = multiprocessing.get_context("spawn")
    procs = [context.Process(target=_writer, args=(url, w, n, shared)) for w in range(workers)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
        assert p.exitcode == 0
    with Kit.open(url) as kit:
        expected = 1 + workers * n + shared
        assert kit.journal.size() == expected
        entries = kit.journal.read(0, 10_000)
        assert [e.seq for e in entries] == list(range(1, expected + 1))
        ids = [e.payload["id"] for e in entries if e.type == "event"]
        assert len(ids) == len(set(ids))
        assert kit.goals.get(goal.id).total == workers * n + shared
    # The Merkle tree the processes grew together is the tree of the stored entries.
    key = Ed25519Signer.generate("example.com/log")
    with Kit.open(url, signers=[key]) as kit:
        kit.audit.checkpoint()
        assert kit.audit.verify().size == expected


def test_threads_can_share_one_kit(tmp_path: Path) -> None:
    with Kit.open(url_for(tmp_path)) as kit:
        goal = kit.goals.create("ada", "Reviews", {"event": "review.submitted", "count": 10})
        errors: list[BaseException] = []

        def work(t: int) -> None:
            try:
                for i in range(40):
                    kit.record(Event(f"t{t}-{i}", "review.submitted", "ada"))
                    kit.goals.get(goal.id)
            except BaseException as exc:  # pragma: no cover - reported below
                errors.append(exc)

        threads = [threading.Thread(target=work, args=(t,)) for t in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []
        assert kit.goals.get(goal.id).total == 240
        assert kit.journal.size() == 241


def pragma(store: SqlStore, name: str) -> object:
    with store.engine.connect() as conn:
        return conn.exec_driver_sql(f"PRAGMA {name}").scalar()


def test_wal_and_full_synchronous_by_default(tmp_path: Path) -> None:
    store = SqlStore(url_for(tmp_path))
    try:
        assert pragma(store, "journal_mode") == "wal"
        assert pragma(store, "synchronous") == 2  # FULL
        assert pragma(store, "busy_timeout") == 30000
    finally:
        store.close()
    relaxed = SqlStore(f"sqlite:///{tmp_path / 'relaxed.db'}", synchronous="NORMAL")
    try:
        assert pragma(relaxed, "synchronous") == 1
    finally:
        relaxed.close()


def test_writes_take_the_lock_at_begin_and_reads_do_not(tmp_path: Path) -> None:
    store = SqlStore(url_for(tmp_path))
    other = sqlite3.connect(tmp_path / "shared.db", timeout=0, isolation_level=None)
    try:
        with store.writing() as s:
            s.journal_size()  # only a read so far, yet the write lock is held
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
        with store.reading() as s:
            s.journal_size()
            other.execute("BEGIN IMMEDIATE")  # a reader does not block writers
            other.execute("ROLLBACK")
    finally:
        other.close()
        store.close()


def test_default_url_is_a_file_in_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("MOTIVEKIT_URL", raising=False)
    with Kit.open() as kit:
        kit.record(Event("e1", "k", "ada", at=datetime(2026, 1, 1, tzinfo=UTC)))
    assert (tmp_path / "motivekit.db").is_file()
    monkeypatch.setenv("MOTIVEKIT_URL", f"sqlite:///{tmp_path / 'env.db'}")
    with Kit.open() as kit:
        assert kit.journal.size() == 0
    assert (tmp_path / "env.db").is_file()


def test_without_migrate_nothing_is_created_and_the_message_says_how(tmp_path: Path) -> None:
    url = url_for(tmp_path)
    with pytest.raises(
        SchemaOutOfDate,
        match=r"no database at '.*shared.db'; create it with `motivekit db upgrade --url",
    ):
        Kit.open(url, migrate=False)
    assert list(tmp_path.iterdir()) == []
    sa.create_engine(url).connect().close()  # an empty SQLite file, e.g. made by the host app
    with pytest.raises(
        SchemaOutOfDate,
        match=r"the database has no motivekit schema, motivekit needs revision '0005'; "
        r"run `motivekit db upgrade --url",
    ):
        Kit.open(url, migrate=False)
    Kit.open(url).close()
    Kit.open(url, migrate=False).close()


def test_sqlite_paths_are_taken_literally(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "~").mkdir()
    Kit.open("sqlite:///~/x.db").close()  # like SQLite itself: a folder named "~"
    assert (tmp_path / "~" / "x.db").is_file()


def test_a_schema_from_a_newer_motivekit_is_refused(tmp_path: Path) -> None:
    url = url_for(tmp_path)
    Kit.open(url).close()
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql("UPDATE motivekit_alembic_version SET version_num = '9999'")
    engine.dispose()
    with pytest.raises(
        SchemaOutOfDate, match="revision '9999', which this version of motivekit does not know"
    ):
        Kit.open(url)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("mssql://localhost/test", r"this release stores data in SQLite"),
        ("not a url", r"'not a url' is not a database URL"),
        ("", r"url must be a non-empty string"),
    ],
)
def test_unusable_urls_raise_config_error(
    url: str, message: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MOTIVEKIT_URL", raising=False)
    with pytest.raises(ConfigError, match=message):
        Kit.open(url)


def test_missing_directory_and_bad_options(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"directory '.*nowhere' does not exist"):
        Kit.open(f"sqlite:///{tmp_path / 'nowhere' / 'x.db'}")
    for url in (url_for(tmp_path), "memory://"):
        with pytest.raises(ConfigError, match="synchronous must be"):
            Kit.open(url, synchronous="SOMETIMES")
    with pytest.raises(ConfigError, match="max_event_bytes must be an integer >= 256"):
        Kit.open("memory://", max_event_bytes=10)
    with pytest.raises(ConfigError, match="consent_defaults has unknown mechanic 'points'"):
        Kit.open("memory://", consent_defaults={"points": True})


def test_a_file_that_is_not_a_database_is_a_store_error(tmp_path: Path) -> None:
    path = tmp_path / "junk.db"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError, match=r"junk.db: DatabaseError: file is not a database"):
        Kit.open(f"sqlite:///{path}")


def test_a_database_error_mid_append_is_a_store_error_and_writes_nothing(tmp_path: Path) -> None:
    url = url_for(tmp_path)
    with Kit.open(url) as kit:
        goal = kit.goals.create("ada", "Reviews", REVIEWS)
        kit.record(Event("e1", "review.submitted", "ada"))
        # Someone plants a row where the next entry must go.
        raw = sqlite3.connect(tmp_path / "shared.db")
        raw.execute(
            "INSERT INTO motivekit_journal (seq, type, name, recorded_at, entry, leaf_hash) "
            "VALUES (3, 'event', 'x', 0, x'00', x'00')"
        )
        raw.commit()
        raw.close()
        with pytest.raises(StoreError, match="IntegrityError: UNIQUE constraint failed"):
            kit.record(Event("e2", "review.submitted", "ada"))
        assert kit.journal.size() == 2
        assert kit.goals.get(goal.id).total == 1
        assert kit.record(Event("e1", "review.submitted", "ada")).duplicate  # still usable


def test_a_write_lock_held_past_the_busy_wait_is_a_store_error(tmp_path: Path) -> None:
    url = url_for(tmp_path)
    with Kit.open(url) as kit:
        kit.record(Event("e0", "review.submitted", "ada"))
        store = kit.store
        assert isinstance(store, SqlStore)
        # Wait 0.1 s instead of 30 s for the lock another process holds.
        driver = store._write_connection().connection.driver_connection
        driver.execute("PRAGMA busy_timeout=100")  # type: ignore[union-attr]
        other = sqlite3.connect(tmp_path / "shared.db", isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        try:
            with pytest.raises(
                StoreError, match=r"shared\.db: OperationalError: database is locked"
            ):
                kit.record(Event("e1", "review.submitted", "ada"))
        finally:
            other.execute("ROLLBACK")
            other.close()
        assert not kit.record(Event("e1", "review.submitted", "ada")).duplicate
        assert kit.journal.size() == 2
