"""``kit.nudges`` and journaled digests: what prompts people is in the journal, within
consent and the weekly limit, and replay, explain, export, forget and verify take it."""

from __future__ import annotations

import textwrap
from collections.abc import Iterator
from datetime import datetime, timedelta

import jsonschema
import pytest

from motivekit import (
    ConsentRequired,
    Ed25519Signer,
    Event,
    InvalidInput,
    Kit,
    NotPermitted,
    PrivacyExport,
    load_rules,
)

from .conftest import FakeClock

DESIGN = """\
version: 1
impact:
  contributions:
    - {on: answer.posted, id: "event.data.answer_id", noun: answer}
  beneficiary_events:
    - on: answer.marked_helpful
      credits: "event.data.answer_id"
      story: "{beneficiary} found your answer helpful"
nudges: {max_per_week: %d}
"""


def design(per_week: int = 2) -> object:
    return load_rules("motivation.yaml", text=textwrap.dedent(DESIGN % per_week))


@pytest.fixture
def nkit(kit_url: str, clock: FakeClock) -> Iterator[Kit]:
    key = Ed25519Signer.generate("example.com/log")
    with Kit.open(
        kit_url, clock=clock, rules=design(), origin="example.com/log", signers=[key]
    ) as kit:
        yield kit


def test_nudges_need_the_persons_consent(nkit: Kit) -> None:
    with pytest.raises(ConsentRequired, match=r"kit.consent.set\('ada', 'nudges', True"):
        nkit.nudges.sent("ada", "reminder")
    assert nkit.journal.size() == 0
    assert nkit.nudges.remaining("ada") == 0
    nkit.consent.set("ada", "nudges", True, by="ada")
    assert nkit.nudges.remaining("ada") == 2
    assert nkit.nudges.sent("ada", "reminder") == 1
    (entry,) = nkit.journal.tail(1)
    assert (entry.type, entry.name, entry.actor) == ("command", "nudge.sent", "ada")
    assert entry.payload["args"] == {"user": "ada", "what": "reminder"}
    nkit.consent.set("ada", "nudges", False, by="ada")
    with pytest.raises(ConsentRequired):
        nkit.nudges.sent("ada", "reminder")


def test_the_weekly_limit_counts_the_last_seven_days(nkit: Kit, clock: FakeClock) -> None:
    nkit.consent.set("ada", "nudges", True, by="ada")
    assert nkit.nudges.per_week == 2
    assert nkit.nudges.sent("ada", "reminder") == 1
    clock.advance(days=3)
    assert nkit.nudges.sent("ada", "suggestion") == 0
    size = nkit.journal.size()
    with pytest.raises(NotPermitted, match=r"nudges.max_per_week is 2") as refused:
        nkit.nudges.sent("ada", "reminder")
    assert not isinstance(refused.value, ConsentRequired)
    assert nkit.journal.size() == size  # nothing written
    assert nkit.nudges.remaining("ada") == 0
    clock.advance(days=4)  # the first nudge is seven days old now
    assert nkit.nudges.remaining("ada") == 1
    assert nkit.nudges.remaining("ada", at=clock.now - timedelta(seconds=1)) == 0
    assert nkit.nudges.sent("ada", "reminder") == 0
    # A nudge sent earlier is counted where it belongs.
    nkit.consent.set("bob", "nudges", True, by="bob")
    nkit.nudges.sent("bob", "reminder", at=clock.now - timedelta(days=10))
    assert nkit.nudges.remaining("bob") == 2


def test_the_limit_comes_from_the_design_file(kit_url: str, clock: FakeClock) -> None:
    with Kit.open(kit_url, clock=clock, rules=design(1)) as kit:  # type: ignore[arg-type]
        kit.consent.set("ada", "nudges", True, by="ada")
        assert kit.nudges.sent("ada", "reminder") == 0
        with pytest.raises(NotPermitted, match="max_per_week is 1"):
            kit.nudges.sent("ada", "reminder")
    with Kit.open("memory://", clock=clock) as kit:
        kit.consent.set("ada", "nudges", True, by="ada")
        assert kit.nudges.per_week == 2  # no design file: its default
        assert kit.nudges.remaining("ada") == 2


def test_bad_nudges_are_named(nkit: Kit) -> None:
    nkit.consent.set("ada", "nudges", True, by="ada")
    with pytest.raises(InvalidInput, match="what"):
        nkit.nudges.sent("ada", "")
    with pytest.raises(InvalidInput, match="user"):
        nkit.nudges.sent(" ada", "reminder")
    with pytest.raises(InvalidInput, match="at"):
        nkit.nudges.sent("ada", "reminder", at=datetime(2026, 11, 2))  # naive
    with pytest.raises(InvalidInput, match="at"):
        nkit.nudges.remaining("ada", at="now")  # type: ignore[arg-type]
    assert nkit.nudges.remaining("ada") == 2


def _digest(kit: Kit, clock: FakeClock) -> None:
    kit.impact.set_digest("ada", "day", by="ada")
    kit.record(Event("a-1", "answer.posted", "ada", data={"answer_id": "a-1"}))
    kit.record(Event("h-1", "answer.marked_helpful", "bob", data={"answer_id": "a-1"}))


def test_a_sent_digest_is_journaled_once(nkit: Kit, clock: FakeClock) -> None:
    _digest(nkit, clock)
    (digest,) = nkit.impact.digests()
    clock.advance(hours=1)
    nkit.impact.digest_sent(digest)
    (entry,) = nkit.journal.tail(1)
    assert (entry.name, entry.actor) == ("digest.sent", "ada")
    assert entry.payload["at"] == "2026-11-02T10:00:00.000000Z"
    assert entry.payload["args"] == {"user": "ada", "items": 1, "up_to": digest.up_to_seq}
    size = nkit.journal.size()
    nkit.impact.digest_sent(digest)  # marked again: nothing new was sent
    assert nkit.journal.size() == size


def test_replay_explain_export_forget_and_verify_take_the_new_entries(
    nkit: Kit, clock: FakeClock
) -> None:
    goal = nkit.goals.create("ada", "Answer", {"event": "answer.posted", "count": 2})
    _digest(nkit, clock)
    (digest,) = nkit.impact.digests()
    nkit.impact.digest_sent(digest)
    nkit.consent.set("ada", "nudges", True, by="ada")
    nkit.nudges.sent("ada", "reminder")
    assert nkit.replay(dry_run=True).changed == ()
    assert nkit.replay().changed == ()
    steps = nkit.explain("ada", goal.id).steps
    assert [s.kind for s in steps] == ["created", "counted"]
    assert not nkit.explain("ada", goal.id).stale
    exported = nkit.privacy.export("ada").as_dict()
    jsonschema.validate(exported, PrivacyExport.schema())
    names = [e["name"] for e in exported["journal"]]
    assert names[-3:] == ["digest.sent", "consent.set", "nudge.sent"]
    assert exported["journal"][-1]["personal"]["args"] == {"user": "ada", "what": "reminder"}
    erased = nkit.privacy.forget("ada")
    assert erased.entries == 6  # goal, set_digest, answer, digest, consent, nudge
    assert nkit.privacy.export("ada").empty
    assert all(e.actor is None for e in nkit.journal.read(0, 100) if e.name == "nudge.sent")
    assert nkit.audit.verify().size == nkit.journal.size()
    assert nkit.nudges.remaining("ada") == 0  # her consent went with her
