"""The shipped Alembic migrations and the store's table definitions agree."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from motivekit.store import SqlStore
from motivekit.store.sql import _migrate
from motivekit.store.sql._schema import PREFIX, VERSION_TABLE, metadata
from motivekit.store.sql.dialects import WRITE


def test_migrated_schema_matches_the_table_definitions(tmp_path: Path) -> None:
    store = SqlStore(f"sqlite:///{tmp_path / 'm.db'}")
    try:
        with store.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"version_table": VERSION_TABLE})
            diff = compare_metadata(context, metadata)
            tables = set(sa.inspect(conn).get_table_names())
    finally:
        store.close()
    assert diff == []
    assert tables == {t.name for t in metadata.sorted_tables} | {VERSION_TABLE}
    assert all(name.startswith(PREFIX) for name in tables)


def test_downgrade_and_upgrade_round_trip(tmp_path: Path) -> None:
    store = SqlStore(f"sqlite:///{tmp_path / 'm.db'}")
    try:
        with store.engine.connect() as conn, conn.begin():
            command.downgrade(_migrate._config(conn), "base")
            assert _migrate.current_revision(conn) is None
            assert set(sa.inspect(conn).get_table_names()) == {VERSION_TABLE}
        assert store.upgrade() == _migrate.head_revision()
        with store.writing() as s:
            assert s.head() == (0, b"")
            assert s.journal_size() == 0
    finally:
        store.close()


def test_migrations_leave_foreign_tables_alone(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'host.db'}"
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)")
        conn.exec_driver_sql("INSERT INTO alembic_version VALUES ('hostapp1')")
    engine.dispose()
    SqlStore(url).close()
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        assert (
            conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == "hostapp1"
        )
    engine.dispose()


def test_mastery_revision_upgrades_and_downgrades_keeping_replays(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'm.db'}"
    engine = sa.create_engine(url)
    mastery = {PREFIX + "skills", PREFIX + "skill_items", PREFIX + "skill_bands"}
    replay_row = "INSERT INTO motivekit_replays VALUES (7, 'bo', 2, 1000, NULL)"
    try:
        with engine.begin() as conn:
            _migrate.upgrade(conn, "0002")
            assert _migrate.current_revision(conn) == "0002"
            assert not mastery & set(sa.inspect(conn).get_table_names())
            conn.exec_driver_sql(replay_row)
        with engine.begin() as conn:
            _migrate.upgrade(conn, "0003")
            assert _migrate.current_revision(conn) == "0003"
            assert mastery <= set(sa.inspect(conn).get_table_names())
            rows = conn.exec_driver_sql(
                "SELECT version, cursor, mastery_seq FROM motivekit_replays"
            )
            assert rows.all() == [(7, "bo", None)]
            conn.exec_driver_sql("UPDATE motivekit_replays SET mastery_seq = 9")
        with engine.begin() as conn:
            command.downgrade(_migrate._config(conn), "0002")
            assert _migrate.current_revision(conn) == "0002"
            assert not mastery & set(sa.inspect(conn).get_table_names())
            columns = [c["name"] for c in sa.inspect(conn).get_columns(PREFIX + "replays")]
            assert columns == ["version", "cursor", "people_done", "started_at", "finished_at"]
            rows = conn.exec_driver_sql("SELECT * FROM motivekit_replays")
            assert rows.all() == [(7, "bo", 2, 1000, None)]
    finally:
        engine.dispose()
    store = SqlStore(url)  # and a store opened on it migrates it again
    try:
        with store.reading() as s:
            state = s.replay_state()
        assert state is not None
        assert (state.version, state.cursor, state.mastery_seq) == (7, "bo", None)
    finally:
        store.close()


IMPACT_TABLES = {
    PREFIX + name
    for name in (
        "impact_contributions",
        "impact_referrals",
        "identity_groups",
        "impact_feed",
        "impact_items",
        "impact_prefs",
        "missions",
        "mission_parts",
    )
}


def test_revisions_form_one_line_up_to_tenants() -> None:
    assert _migrate.known_revisions() == {"0001", "0002", "0003", "0004", "0005"}
    assert _migrate.head_revision() == "0005"
    assert IMPACT_TABLES.issubset(t.name for t in metadata.sorted_tables)


def test_impact_revision_upgrades_and_downgrades_keeping_mastery(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'm.db'}"
    engine = sa.create_engine(url)
    skill_row = (
        "INSERT INTO motivekit_skills VALUES "
        "('ada', 'reviews', 3, 2.5, 0.25, 0.5, 1, 1000, '[0.25]', 4, 'Practising')"
    )
    try:
        with engine.begin() as conn:
            _migrate.upgrade(conn, "0003")
            assert not IMPACT_TABLES & set(sa.inspect(conn).get_table_names())
            conn.exec_driver_sql(skill_row)
        with engine.begin() as conn:
            _migrate.upgrade(conn, "0004")
            assert _migrate.current_revision(conn) == "0004"
            inspector = sa.inspect(conn)
            assert IMPACT_TABLES.issubset(inspector.get_table_names())
            items = {
                i["name"]: i["column_names"] for i in inspector.get_indexes(PREFIX + "impact_items")
            }
            assert items == {
                PREFIX + "impact_items_group": ["recipient", "position", "beneficiary"],
                PREFIX + "impact_items_recipient": ["recipient", "seq", "n"],
                PREFIX + "impact_items_beneficiary": ["beneficiary"],
            }
            unique = inspector.get_unique_constraints(PREFIX + "impact_feed")
            assert [(u["name"], u["column_names"]) for u in unique] == [
                (PREFIX + "impact_feed_key", ["recipient", "group_key"])
            ]
            feed_key = inspector.get_pk_constraint(PREFIX + "impact_feed")["constrained_columns"]
            assert feed_key == ["recipient", "position"]
        with engine.begin() as conn:
            command.downgrade(_migrate._config(conn), "0003")
            assert _migrate.current_revision(conn) == "0003"
            assert not IMPACT_TABLES & set(sa.inspect(conn).get_table_names())
            rows = conn.exec_driver_sql("SELECT user_id, track, seq FROM motivekit_skills")
            assert rows.all() == [("ada", "reviews", 4)]
    finally:
        engine.dispose()
    store = SqlStore(url)  # and a store opened on it migrates it again
    try:
        with store.writing() as s:
            s.add_referrals({"bo": "ada"})
        with store.reading() as s:
            assert s.referrers(["bo"]) == {"bo": "ada"}
            assert [k.track for k in s.user_skills("ada")] == ["reviews"]
    finally:
        store.close()


def test_migrated_postgresql_schema_matches_the_table_definitions(postgres_url: str) -> None:
    store = SqlStore(postgres_url)
    try:
        with store.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"version_table": VERSION_TABLE})
            diff = compare_metadata(context, metadata)
            tables = set(sa.inspect(conn).get_table_names())
        down = store.engine.connect().execution_options(**{WRITE: True})
        with down as conn, conn.begin():  # and it goes down and up again
            command.downgrade(_migrate._config(conn), "base")
            assert set(sa.inspect(conn).get_table_names()) == {VERSION_TABLE}
        assert store.upgrade() == _migrate.head_revision()
        with store.writing() as s:
            assert s.head() == (0, b"")
    finally:
        store.close()
    assert diff == []
    assert tables == {t.name for t in metadata.sorted_tables} | {VERSION_TABLE}
