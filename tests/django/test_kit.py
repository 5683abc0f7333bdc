"""The project's Kit: one per process, opened lazily under a lock on the ORM store, with
the settings' design file and signer; a new one when MOTIVEKIT changes."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from django.test import override_settings

from motivekit import Event, Kit
from motivekit_django import DjangoStore, close_kit, get_api, get_kit
from tests.django._design import RULES, key_file


@pytest.fixture(autouse=True)
def _fresh_kit() -> None:
    close_kit()


def test_every_thread_gets_the_same_kit_opened_once() -> None:
    found: list[Kit] = []
    start = threading.Barrier(8)

    def use() -> None:
        start.wait()
        found.append(get_kit())

    threads = [threading.Thread(target=use) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(found) == 8
    assert all(kit is found[0] for kit in found)
    assert get_kit() is found[0]
    assert get_api().kit is found[0]


def test_the_kit_runs_on_the_django_store_of_the_configured_alias() -> None:
    kit = get_kit()
    assert isinstance(kit.store, DjangoStore)
    assert kit.store.url == "django://default"
    with override_settings(MOTIVEKIT={"DATABASE": "postgres", "TENANT": "acme"}):
        other = get_kit()
        assert other is not kit
        assert (other.store.url, other.store.tenant) == ("django://postgres", "acme")


@pytest.mark.django_db
def test_the_kit_uses_the_design_file_and_the_api_the_settings(tmp_path: Path) -> None:
    with override_settings(
        MOTIVEKIT={"RULES": RULES, "MAX_BODY_BYTES": 2048, "NAMES": "tests.django.hooks.shouted"}
    ):
        kit = get_kit()
        kit.goals.adopt("ada", "weekly-reviews")
        kit.record(Event("r1", "review.submitted", "ada", data={"approved": True, "complexity": 3}))
        (goal,) = kit.goals.list("ada")
        assert (goal.template_id, goal.progress.count) == ("weekly-reviews", 1)
        api = get_api()
        assert api.max_body_bytes == 2048
        assert api.names is not None
        assert api.names("ada") == "ADA"


@pytest.mark.django_db
def test_a_signing_key_in_the_settings_signs_checkpoints(tmp_path: Path) -> None:
    with override_settings(MOTIVEKIT={"SIGNING_KEY_FILE": key_file(tmp_path), "ORIGIN": "t/mk"}):
        kit = get_kit()
        kit.consent.set("ada", "nudges", True, by="ada")
        signed = kit.audit.checkpoint()
        assert signed.note.startswith("t/mk\n1\n")
        assert "test-log" in signed.note


def test_close_kit_closes_it_and_the_next_use_opens_another() -> None:
    kit = get_kit()
    close_kit()
    assert get_kit() is not kit


@pytest.mark.django_db(transaction=True)
def test_checkpoints_due_inside_the_hosts_atomic_block_are_signed_by_the_next_write_outside(
    tmp_path: Path,
) -> None:
    from django.db import transaction

    with override_settings(
        MOTIVEKIT={"SIGNING_KEY_FILE": key_file(tmp_path), "CHECKPOINT_EVERY": 2}
    ):
        kit = get_kit()
        with transaction.atomic():  # as every view with ATOMIC_REQUESTS
            kit.consent.set("ada", "nudges", True, by="ada")
            kit.consent.set("bob", "nudges", True, by="bob")
        assert kit.audit.latest() is None  # the host's block could still have rolled back
        kit.consent.set("cy", "nudges", True, by="cy")
        latest = kit.audit.latest()
        assert latest is not None
        assert latest.checkpoint.size == 3
