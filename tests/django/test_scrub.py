"""``scrub()`` leaves no copy of erased data in the database's files, as the SQL store's
dialects do it (SQLite: the WAL copied in and truncated; PostgreSQL: ``VACUUM (FULL)``;
MariaDB: ``OPTIMIZE TABLE``); ``kit.privacy.forget`` runs it, and in the host's
``atomic()`` block it runs once the host commits."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db import connections, transaction

from motivekit import Ed25519Signer, Event, Kit
from motivekit_django.store import DjangoStore

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "postgres", "mariadb"])


def _kit(store: DjangoStore) -> tuple[Kit, Ed25519Signer]:
    key = Ed25519Signer.generate("example.com/scrub")
    return Kit(store, origin="example.com/scrub", signers=[key]), key


@pytest.mark.parametrize("alias", ["default", "postgres", "mariadb"])
def test_forgetting_a_person_scrubs_and_the_log_still_verifies(alias: str) -> None:
    store = DjangoStore(using=alias)
    kit, key = _kit(store)
    with kit:
        kit.record(Event("e1", "review.submitted", "ada", data={"secret": "s3cr3t-value"}))
        kit.audit.checkpoint()
        kit.privacy.forget("ada")  # scrubs
        store.scrub()  # and again, on its own
        with store.reading() as s:
            entries = s.entries(0, 10)
        assert entries[0].personal is None
        assert entries[0].subject is None
        assert kit.audit.verify([key.verifier()]).size == len(entries)


def test_scrub_on_sqlite_leaves_the_wal_empty() -> None:
    connection = connections["default"]
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode=WAL")
        assert cursor.fetchone() == ("wal",)
    wal = Path(f"{connection.settings_dict['NAME']}-wal")
    store = DjangoStore()
    kit, _ = _kit(store)
    with kit:
        kit.record(Event("e1", "review.submitted", "ada", data={"secret": "s3cr3t-value"}))
        assert wal.stat().st_size > 0
        store.scrub()
        assert wal.stat().st_size == 0


def test_forgetting_in_the_hosts_atomic_block_scrubs_once_it_commits() -> None:
    connection = connections["default"]
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode=WAL")
    wal = Path(f"{connection.settings_dict['NAME']}-wal")
    store = DjangoStore()
    kit, key = _kit(store)
    with kit:
        kit.record(Event("e1", "review.submitted", "ada", data={"secret": "s3cr3t-value"}))
        with transaction.atomic():
            kit.privacy.forget("ada")
            assert wal.stat().st_size > 0  # not yet: the host has not committed
        assert wal.stat().st_size == 0
        with store.reading() as s:
            assert s.entries(0, 10)[0].personal is None
        assert kit.audit.verify([key.verifier()]).size == 2
