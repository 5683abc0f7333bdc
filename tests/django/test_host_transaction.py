"""A ``record`` inside the host's ``transaction.atomic()`` commits or rolls back with the
host's own writes, on every database the store supports, and the audit log verifies
either way."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import transaction

from motivekit import ConsentRequired, Ed25519Signer, Event, InvalidEvent, Kit
from motivekit_django.store import DjangoStore

REVIEWS = {"event": "review.submitted", "count": 3, "per": "week"}
pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "postgres", "mariadb"])


@pytest.fixture(params=["default", "postgres", "mariadb"])
def alias(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def key() -> Ed25519Signer:
    return Ed25519Signer.generate("example.com/host")


@pytest.fixture
def kit(alias: str, key: Ed25519Signer) -> Iterator[Kit]:
    # A checkpoint after every entry: one made inside the host's block would sign a head
    # the host may still roll back.
    store = DjangoStore(using=alias)
    with Kit(store, origin="example.com/host", signers=[key], checkpoint_every=1) as kit:
        yield kit


def _users(alias: str) -> list[str]:
    return sorted(get_user_model().objects.using(alias).values_list("username", flat=True))


def _traces(alias: str) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every motivekit table."""
    return {
        model._meta.db_table: sorted(
            (
                tuple(str(v) for v in row)
                for row in model._default_manager.using(alias).values_list()
            ),
        )
        for model in apps.get_app_config("motivekit").get_models()
        if model._meta.managed
    }


def test_a_host_rollback_leaves_no_motivekit_trace(kit: Kit, alias: str) -> None:
    goal = kit.goals.create("ada", "Review", REVIEWS)
    before = _traces(alias)
    store = kit.store
    assert isinstance(store, DjangoStore)

    def host_request() -> None:
        with transaction.atomic(using=alias):
            get_user_model().objects.db_manager(alias).create_user("ada", password="pw")
            assert store.joined
            outcome = kit.record(Event("answer:a-1", "review.submitted", "ada"))
            assert outcome.seq == 2  # after the goal's entry
            kit.goals.pause(goal.id, by="ada")
            # Reads in the block see what it wrote before the host commits.
            assert kit.goals.get(goal.id).progress.count == 1
            raise RuntimeError("the host changed its mind")

    with pytest.raises(RuntimeError, match="the host changed its mind"):
        host_request()
    assert not store.joined
    assert _users(alias) == []
    assert _traces(alias) == before
    assert kit.goals.get(goal.id).progress.count == 0
    assert kit.goals.get(goal.id).status.value == "active"
    # The log goes on from the committed head, and verifies.
    again = kit.record(Event("answer:a-1", "review.submitted", "ada"))
    assert not again.duplicate
    assert kit.audit.verify().size == kit.journal.size() == again.seq


def test_a_host_commit_keeps_both(kit: Kit, alias: str, key: Ed25519Signer) -> None:
    goal = kit.goals.create("ada", "Review", REVIEWS)
    signed = len(kit.audit.checkpoints())
    with transaction.atomic(using=alias):
        get_user_model().objects.db_manager(alias).create_user("ada", password="pw")
        outcome = kit.record(Event("answer:a-1", "review.submitted", "ada"))
        # No checkpoint is signed inside the host's block (it could still roll back).
        assert len(kit.audit.checkpoints()) == signed
    assert [c.count for c in outcome.goal_changes] == [1]
    assert _users(alias) == ["ada"]
    assert kit.goals.get(goal.id).progress.count == 1
    assert kit.record(Event("answer:a-1", "review.submitted", "ada")).duplicate
    kit.record(Event("answer:a-2", "review.submitted", "ada"))  # a write of its own signs
    assert kit.audit.checkpoints()[-1].checkpoint.size == kit.journal.size()
    assert kit.audit.verify([key.verifier()]).size == kit.journal.size()


def test_a_write_motivekit_refuses_leaves_the_host_transaction_usable(kit: Kit, alias: str) -> None:
    kit.consent.set("bo", "goals", False, by="bo")
    with transaction.atomic(using=alias):
        get_user_model().objects.db_manager(alias).create_user("bo", password="pw")
        with pytest.raises(ConsentRequired):
            kit.goals.create("bo", "Review", REVIEWS)
        with pytest.raises(InvalidEvent):
            kit.record(Event("", "review.submitted", "bo"))
        kit.record(Event("answer:a-1", "review.submitted", "bo"))
        get_user_model().objects.db_manager(alias).create_user("cy", password="pw")
    assert _users(alias) == ["bo", "cy"]
    assert kit.goals.list("bo") == []
    assert kit.journal.size() == 2  # the consent choice and the event
    assert kit.audit.verify().size == 2
