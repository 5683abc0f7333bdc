"""Recording events: validation, idempotency, atomic batches."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from motivekit import Event, InvalidEvent, InvalidInput, Kit, Outcome

from .conftest import FakeClock


def journal_state(kit: Kit) -> tuple[int, list[bytes]]:
    return kit.journal.size(), [e.raw for e in kit.journal.read(0, 10_000)]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"kind": None}, r"Event.kind is None; it must be a string"),
        ({"kind": ""}, r"Event.kind is ''"),
        ({"kind": "has space"}, r"Event.kind is 'has space'"),
        ({"kind": "x" * 200}, r"at most 128 characters"),
        ({"id": ""}, r"Event.id must be a non-empty string"),
        ({"id": 7}, r"Event.id must be a string, got int"),
        ({"id": " padded"}, r"without surrounding spaces"),
        ({"id": "x" * 201}, r"Event.id is 201 characters long; the limit is 200"),
        ({"actor": None}, r"Event.actor must be a string, got NoneType; use the user's id"),
        ({"actor": "a\nb"}, r"Event.actor contains control characters"),
        (
            {"at": datetime(2026, 11, 21, 12, 0)},
            r"Event.at is a naive datetime \(2026-11-21T12:00:00\)",
        ),
        ({"at": "2026-11-21"}, r"Event.at must be a datetime, got str"),
        ({"at": datetime(5, 1, 1, tzinfo=UTC)}, r"between the years 1000 and 9998"),
        (
            {"at": datetime.max.replace(tzinfo=timezone(timedelta(hours=-5)))},
            r"between the years 1000 and 9998",
        ),
        ({"id": "ev-\ud800"}, r"Event.id contains control characters or invalid Unicode"),
        ({"data": {"score": 0.75}}, r"Event.data\['score'\] is a float \(0.75\).*75"),
        ({"data": {"nested": {"ratio": 1.5}}}, r"Event.data\['nested'\]\['ratio'\] is a float"),
        ({"data": [1, 2]}, r"Event.data must be a dict with string keys, got list"),
    ],
)
def test_invalid_events_name_the_field_and_the_fix(kwargs: dict[str, Any], message: str) -> None:
    fields: dict[str, Any] = {"id": "ev-1", "kind": "review.submitted", "actor": "ada"}
    fields.update(kwargs)
    with pytest.raises(InvalidEvent, match=message):
        Event(**fields)


def test_missing_kind_is_a_type_error_from_python() -> None:
    with pytest.raises(TypeError, match="kind"):
        Event(id="ev-1", actor="ada")  # type: ignore[call-arg]


def test_from_dict_reads_json_bodies() -> None:
    event = Event.from_dict(
        {"id": "ev-1", "kind": "review.submitted", "actor": "ada", "at": "2026-11-21T08:30:00Z"}
    )
    assert event == Event(
        "ev-1", "review.submitted", "ada", datetime(2026, 11, 21, 8, 30, tzinfo=UTC)
    )
    offset = Event.from_dict({"id": "e", "kind": "k", "actor": "a", "at": "2026-11-21T09:30+01:00"})
    assert offset.at == datetime(2026, 11, 21, 8, 30, tzinfo=UTC)
    assert Event.from_dict({"id": "e", "kind": "k", "actor": "a", "data": {"n": 1}}).data == {
        "n": 1
    }


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            {"id": "e", "actor": "ada"},
            r"Event.kind is missing; every event needs id, kind and actor",
        ),
        ({"kind": "k", "actor": "ada"}, r"Event.id is missing"),
        ({"id": "e", "kind": "k", "actor": "a", "score": 1}, r"unknown event key\(s\) \['score'\]"),
        (
            {"id": "e", "kind": "k", "actor": "a", "at": "yesterday"},
            r"Event.at 'yesterday' is not an ISO 8601",
        ),
        (
            {"id": "e", "kind": "k", "actor": "a", "at": "2026-11-21T09:30"},
            r"Event.at is a naive datetime",
        ),
        (
            {"id": "e", "kind": "k", "actor": "a", "data": {"x": 0.1}},
            r"Event.data\['x'\] is a float",
        ),
        (["e", "k", "a"], r"an event must be a dict"),
    ],
)
def test_from_dict_rejects_bad_bodies(body: Any, message: str) -> None:
    with pytest.raises(InvalidEvent, match=message):
        Event.from_dict(body)


def test_event_defaults_and_copies(kit: Kit, clock: FakeClock) -> None:
    data = {"tags": ["a"]}
    event = Event("ev-1", "review.submitted", "ada", data=data)
    data["tags"].append("b")
    assert event.data == {"tags": ["a"]}
    assert event.at is None  # "when it is recorded", by the Kit's clock
    assert Event("ev-2", "k", "ada").data == {}
    kit.record(event)
    assert kit.journal.tail(1)[0].payload["at"] == "2026-11-02T09:00:00.000000Z"


def test_oversized_payload_is_rejected_and_nothing_written(kit: Kit) -> None:
    kit.record(Event("ok", "note.added", "ada"))
    before = journal_state(kit)
    big = Event("big", "note.added", "ada", data={"text": "x" * 1_000_000})
    with pytest.raises(
        InvalidEvent, match=r"Event 'big' encodes to 1,000,\d+ bytes; the limit is 65,536"
    ):
        kit.record(big)
    assert journal_state(kit) == before
    assert kit.record(Event("big", "note.added", "ada")).duplicate is False  # id still free


def test_max_event_bytes_is_configurable(kit_url: str, clock: FakeClock) -> None:
    with Kit.open(kit_url, clock=clock, max_event_bytes=2_000_000) as kit:
        assert kit.record(Event("big", "n", "ada", data={"t": "x" * 1_000_000})).seq == 1


def test_record_rejects_non_events(kit: Kit) -> None:
    with pytest.raises(InvalidEvent, match=r"events\[0\] is a dict; pass motivekit.Event"):
        kit.record({"id": "x"})  # type: ignore[arg-type]


def test_duplicate_ids_change_nothing_and_say_so(kit: Kit) -> None:
    kit.goals.create("ada", "Reviews", {"event": "review.submitted", "count": 5})
    first = kit.record(Event("ev-1", "review.submitted", "ada"))
    before = journal_state(kit)
    again = kit.record(Event("ev-1", "review.submitted", "ada", data={"other": 1}))
    assert again == Outcome("ev-1", duplicate=True, seq=first.seq)
    assert not again.changed
    assert journal_state(kit) == before
    assert kit.goals.list("ada")[0].progress.count == 1


def test_record_many_is_one_transaction_with_outcomes_in_order(kit: Kit) -> None:
    goal = kit.goals.create("ada", "Reviews", {"event": "review.submitted", "count": 2})
    kit.record(Event("old", "review.submitted", "ada"))
    outcomes = kit.record_many(
        [
            Event("a", "review.submitted", "ada"),
            Event("old", "review.submitted", "ada"),
            Event("b", "other.kind", "ada"),
            Event("a", "review.submitted", "ada"),
            Event("c", "review.submitted", "lin"),
        ]
    )
    assert [(o.event_id, o.duplicate, o.seq) for o in outcomes] == [
        ("a", False, 3),
        ("old", True, 2),
        ("b", False, 4),
        ("a", True, 3),
        ("c", False, 5),
    ]
    (change,) = outcomes[0].goal_changes
    assert (change.goal_id, change.count, change.target, change.reached) == (goal.id, 2, 2, True)
    assert kit.goals.get(goal.id).progress.count == 2


def test_a_bad_event_in_a_batch_writes_nothing(kit: Kit) -> None:
    kit.goals.create("ada", "Reviews", {"event": "review.submitted", "count": 2})
    before = journal_state(kit)
    good = [Event(f"e{i}", "review.submitted", "ada") for i in range(3)]
    with pytest.raises(InvalidEvent, match=r"events\[3\] is a str"):
        kit.record_many([*good, "not an event"])  # type: ignore[list-item]
    big = Event("big", "review.submitted", "ada", data={"t": "x" * 70_000})
    with pytest.raises(InvalidEvent, match="Event 'big' encodes to"):
        kit.record_many([*good, big])
    assert journal_state(kit) == before
    assert kit.goals.list("ada")[0].progress.count == 0


def test_journal_entry_bytes_are_canonical_and_commit_to_personal_data(
    kit: Kit, clock: FakeClock
) -> None:
    at = datetime(2026, 11, 21, 23, 30, 0, 5, tzinfo=timezone(timedelta(hours=2)))
    kit.record(Event("ev-1", "review.submitted", "ada", at=at, data={"z": 1, "a": ["ü"]}))
    (entry,) = kit.journal.tail(1)
    assert entry.opening is not None
    salt, personal = entry.opening[:32], entry.opening[32:]
    assert personal == '{"actor":"ada","data":{"a":["ü"],"z":1}}'.encode()
    commitment = hashlib.sha256(salt + personal).hexdigest()
    assert (
        entry.raw
        == (
            '{"at":"2026-11-21T21:30:00.000005Z","id":"ev-1","kind":"review.submitted",'
            f'"personal":"{commitment}","recorded_at":"2026-11-02T09:00:00.000000Z",'
            '"rules":0,"seq":1,"type":"event","v":2}'
        ).encode()
    )
    # Personal data enters the leaf only as a commitment (whose hex may spell "ada").
    assert b"ada" not in entry.raw.replace(commitment.encode(), b"")
    assert (entry.seq, entry.type, entry.name, entry.actor) == (
        1,
        "event",
        "review.submitted",
        "ada",
    )
    assert entry.payload["data"] == {"a": ["ü"], "z": 1}
    assert entry.payload["actor"] == "ada"
    assert not entry.erased
    other = kit.record(Event("ev-2", "review.submitted", "ada", at=at, data={"z": 1, "a": ["ü"]}))
    assert other.seq == 2
    assert kit.journal.tail(1)[0].opening[:32] != salt  # a fresh salt per entry


def test_journal_reads_reject_negative_limits(kit: Kit) -> None:
    kit.record(Event("e1", "k", "ada"))
    for call in (lambda: kit.journal.tail(-1), lambda: kit.journal.read(limit=-1)):
        with pytest.raises(InvalidInput, match=r"must be a whole number >= 0, got -1"):
            call()
    assert kit.journal.tail(0) == []
    assert [e.seq for e in kit.journal.read(after=0, limit=5)] == [1]


def test_commands_are_journaled_too(kit: Kit) -> None:
    goal = kit.goals.create("ada", "Reviews", {"event": "review.submitted", "count": 2})
    kit.goals.pause(goal.id, by="ada")
    kit.consent.set("ada", "nudges", True, by="ada")
    names = [(e.type, e.name, e.actor) for e in kit.journal.read()]
    assert names == [
        ("command", "goal.create", "ada"),
        ("command", "goal.pause", "ada"),
        ("command", "consent.set", "ada"),
    ]
    create = kit.journal.read()[0].payload
    assert create["args"]["goal"] == goal.id
    assert create["args"]["measure"] == {
        "count": 2,
        "event": "review.submitted",
        "per": None,
        "where": {},
    }
