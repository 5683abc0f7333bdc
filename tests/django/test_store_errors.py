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


@pytest.fixture
def postgres_elsewhere() -> Iterator[str]:
    """The ``postgres`` alias pointed at a port nothing listens on."""
    connection = connections["postgres"]
    connection.close()
    port = connection.settings_dict["PORT"]
    connection.settings_dict["PORT"] = "1"
    try:
        yield "postgres"
    finally:
        connection.close()
        connection.settings_dict["PORT"] = port


def test_a_server_out_of_reach_is_unavailable_and_nothing_is_written(
    postgres_elsewhere: str,
) -> None:
    store = DjangoStore(using=postgres_elsewhere)
    with pytest.raises(StoreUnavailable, match="cannot be reached, nothing was written"):
        Kit(store).record(Event("e1", "review.submitted", "ada"))


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
