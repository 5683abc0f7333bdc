"""What the Django store says when it cannot work: an unknown alias or a database it does
not support (``ConfigError``), tables that were never migrated (``SchemaOutOfDate``, naming
``manage.py migrate``), a server out of reach (``StoreUnavailable``), a lost race on a lock
(``WriteConflict``); and that ``joined`` follows the host's ``atomic()`` block."""

from __future__ import annotations

import io
from collections.abc import Iterator

import psycopg
import pymysql
import pytest
from django.core.management import call_command
from django.db import connections, transaction

from motivekit import ConfigError, Event, Kit, SchemaOutOfDate, StoreUnavailable
from motivekit.store._protocol import WriteConflict
from motivekit_django.store import DjangoStore
from tests._servers import SERVERS

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "postgres", "mariadb"])


def test_an_unknown_alias_is_named_with_the_known_ones() -> None:
    with pytest.raises(ConfigError, match=r"no database 'replica' in settings.DATABASES \(known: "):
        DjangoStore(using="replica")
    with pytest.raises(ConfigError, match="using must be a database alias"):
        DjangoStore(using=3)  # type: ignore[arg-type]


def test_an_unsupported_database_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(connections["default"], "vendor", "oracle")
    with pytest.raises(ConfigError, match="'default' is 'oracle', which motivekit's Django"):
        DjangoStore()


def test_the_url_names_the_alias_the_routers_chose() -> None:
    assert DjangoStore().url == "django://default"
    assert DjangoStore(using="postgres").url == "django://postgres"


@pytest.fixture
def unmigrated() -> Iterator[str]:
    """The default database without motivekit's tables (put back afterwards)."""
    out = io.StringIO()
    call_command("migrate", "motivekit", "zero", stdout=out, verbosity=0)
    try:
        yield "default"
    finally:
        call_command("migrate", "motivekit", stdout=out, verbosity=0)


def test_missing_tables_say_to_run_migrate(unmigrated: str) -> None:
    store = DjangoStore(using=unmigrated)
    missing = r"run `python manage\.py migrate motivekit`"
    with pytest.raises(SchemaOutOfDate, match=missing), store.reading() as s:
        s.journal_size()
    with pytest.raises(SchemaOutOfDate, match="motivekit's tables are missing"):
        Kit(store).record(Event("e1", "review.submitted", "ada"))


def test_a_server_out_of_reach_is_unavailable_and_the_kit_works_once_it_is_back() -> None:
    connection = connections["postgres"]
    store = DjangoStore(using="postgres")
    kit = Kit(store)
    port = connection.settings_dict["PORT"]
    connection.close()
    connection.settings_dict["PORT"] = "1"  # nothing listens there
    try:
        with pytest.raises(StoreUnavailable, match="cannot be reached, nothing was written"):
            kit.record(Event("e1", "review.submitted", "ada"))
    finally:
        connection.settings_dict["PORT"] = port
    assert not kit.record(Event("e1", "review.submitted", "ada")).duplicate
    assert kit.journal.size() == 1


def test_a_lock_wait_that_times_out_is_a_write_conflict_on_postgresql() -> None:
    store = DjangoStore(using="postgres")
    Kit(store).record(Event("e1", "review.submitted", "ada"))  # the head row exists
    url = SERVERS["postgresql"].admin_url.set(
        database=connections["postgres"].settings_dict["NAME"]
    )
    other = psycopg.connect(url.set(drivername="postgresql").render_as_string(hide_password=False))
    try:
        other.execute("SELECT 1 FROM motivekit_log_head WHERE tenant = '' FOR UPDATE")
        with transaction.atomic(using="postgres"):
            with connections["postgres"].cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '200ms'")
            assert store.joined
            with pytest.raises(WriteConflict, match="LockNotAvailable"), store.writing():
                pass
    finally:
        other.close()
    assert not store.joined
    with store.reading() as s:
        assert s.journal_size() == 1


def test_a_lock_wait_that_times_out_is_a_write_conflict_on_mariadb() -> None:
    store = DjangoStore(using="mariadb")
    Kit(store).record(Event("e1", "review.submitted", "ada"))
    settings = connections["mariadb"].settings_dict
    admin = SERVERS["mariadb"].admin_url
    other = pymysql.connect(
        host=admin.host,
        port=admin.port or 3306,
        user=admin.username,
        password=admin.password or "",
        database=settings["NAME"],
    )
    try:
        with other.cursor() as held:
            held.execute("BEGIN")
            held.execute("SELECT 1 FROM motivekit_log_head WHERE tenant = '' FOR UPDATE")
        with transaction.atomic(using="mariadb"):
            with connections["mariadb"].cursor() as cursor:
                cursor.execute("SET SESSION innodb_lock_wait_timeout = 1")
            with pytest.raises(WriteConflict, match="1205"), store.writing():
                pass
    finally:
        other.close()
        connections["mariadb"].close()


def test_a_connection_the_server_dropped_is_replaced_after_one_unavailable_call() -> None:
    store = DjangoStore(using="postgres")
    kit = Kit(store)
    kit.record(Event("e1", "review.submitted", "ada"))
    with connections["postgres"].cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    admin = psycopg.connect(
        SERVERS["postgresql"]
        .admin_url.set(drivername="postgresql")
        .render_as_string(hide_password=False),
        autocommit=True,
    )
    try:
        admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
    finally:
        admin.close()
    # The held connection is gone: that call fails, wrote nothing, and says so ...
    with pytest.raises(StoreUnavailable, match="nothing was written"):
        kit.record(Event("e2", "review.submitted", "ada"))
    # ... and the next one runs on a new connection.
    assert not kit.record(Event("e2", "review.submitted", "ada")).duplicate
    assert kit.journal.size() == 2
