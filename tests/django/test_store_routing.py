"""``DjangoStore(using=None)`` asks the project's routers on every unit of work: writes go
where ``db_for_write`` says, reads where ``db_for_read`` says, except inside the host's
``atomic()`` block on the write database, where reads stay with the writes they must see."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction
from django.test import override_settings

from motivekit import Event, Kit
from motivekit_django import models as m
from motivekit_django.store import DjangoStore

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "postgres"])
HERE = "tests.django.test_store_routing"


class WritesToPostgres:
    """motivekit's models are written on ``postgres`` and read there too."""

    def db_for_write(self, model: type[Any], **hints: Any) -> str | None:
        return "postgres" if model._meta.app_label == "motivekit" else None

    db_for_read = db_for_write


class ReadsFromDefault(WritesToPostgres):
    """Writes on ``postgres``, reads from ``default`` (as from a replica that lags)."""

    def db_for_read(self, model: type[Any], **hints: Any) -> str | None:
        return "default" if model._meta.app_label == "motivekit" else None


def test_the_routers_choose_where_the_store_writes() -> None:
    with override_settings(DATABASE_ROUTERS=[f"{HERE}.WritesToPostgres"]):
        store = DjangoStore()
        assert store.url == "django://postgres"
        with Kit(store) as kit:
            kit.record(Event("e1", "review.submitted", "ada"))
            assert kit.journal.size() == 1
    assert m.Entry.objects.using("postgres").count() == 1
    assert m.Entry.objects.using("default").count() == 0


def test_reads_go_where_db_for_read_says_but_see_the_hosts_own_writes() -> None:
    with override_settings(DATABASE_ROUTERS=[f"{HERE}.ReadsFromDefault"]):
        store = DjangoStore()
        with Kit(store) as kit:
            kit.record(Event("e1", "review.submitted", "ada"))
            assert kit.journal.size() == 0  # read from "default", which has nothing
            with transaction.atomic(using="postgres"):
                kit.record(Event("e2", "review.submitted", "ada"))
                assert kit.journal.size() == 2  # in the host's block: where it writes
