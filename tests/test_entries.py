"""Sealed journal entries are exactly canonical, whatever the event or command."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from motivekit import Event, TamperedEntry
from motivekit._canonical import MAX_SAFE_INTEGER, canonical_bytes
from motivekit._entries import command_draft, erasure_draft, event_draft, seal
from motivekit._time import format_instant
from motivekit.audit._verify import _located, _logged

text = st.text(st.characters(codec="utf-8"), max_size=12)
values = st.recursive(
    st.none() | st.booleans() | st.integers(-MAX_SAFE_INTEGER, MAX_SAFE_INTEGER) | text,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(text, children, max_size=3),
    max_leaves=12,
)
names = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9_.:/-]{0,20}", fullmatch=True)
people = text.filter(lambda t: t.strip() == t and t.isprintable() and bool(t))
instants = st.datetimes(
    min_value=datetime(1000, 1, 2), max_value=datetime(9998, 12, 30), timezones=st.just(UTC)
).map(lambda d: d + timedelta(0))


def assert_canonical(raw: bytes) -> None:
    assert canonical_bytes(json.loads(raw)) == raw


@settings(max_examples=300)
@given(
    names, names, people, instants, st.dictionaries(text, values, max_size=4), st.integers(1, 2**40)
)
def test_event_entries_are_canonical(
    event_id: str,
    kind: str,
    actor: str,
    at: datetime,
    data: dict,
    seq: int,  # type: ignore[type-arg]
) -> None:
    draft = event_draft(Event(event_id, kind, actor, at, data), at, 3, 10**9)
    entry = seal(draft, seq)
    assert_canonical(entry.raw)
    assert json.loads(entry.raw)["seq"] == seq
    # The personal part is hashed into the commitment, so it must be canonical too.
    assert draft.personal == canonical_bytes({"actor": actor, "data": data})


@settings(max_examples=100)
@given(names, instants, instants)
def test_a_batchs_instant_text_drafts_the_same_entry(
    event_id: str, at: datetime, recorded_at: datetime
) -> None:
    timed = Event(event_id, "k", "ada", at)
    recorded = format_instant(recorded_at)
    assert event_draft(timed, recorded_at, 0, 10**9, recorded) == event_draft(
        timed, recorded_at, 0, 10**9
    )
    # An event without a time happened when it was recorded.
    untimed = json.loads(
        seal(event_draft(Event(event_id, "k", "ada"), recorded_at, 0, 10**9), 1).raw
    )
    assert untimed["at"] == untimed["recorded_at"] == recorded


@settings(max_examples=200)
@given(names, people, st.dictionaries(text, values, max_size=4), instants, st.integers(0, 10**6))
def test_command_and_erasure_entries_are_canonical(
    name: str,
    by: str,
    args: dict,
    at: datetime,
    n: int,  # type: ignore[type-arg]
) -> None:
    assert_canonical(seal(command_draft(name, by, args, at, 0), n + 1).raw)
    assert_canonical(seal(erasure_draft(at, 0, n), n + 1).raw)


# The verifier recognises canonical entries with a regex before falling back to a full
# parse and re-encode; both paths must agree.


def slow_path(raw: bytes) -> tuple[object, object]:
    payload = json.loads(raw)
    assert canonical_bytes(payload) == raw
    return payload.get("seq"), payload.get("personal")


@settings(max_examples=300)
@given(
    names,
    text.filter(lambda t: bool(t.strip()) and t.strip() == t),
    people,
    instants,
    st.integers(1, 2**40),
)
def test_fast_canonical_check_agrees_with_the_slow_one(
    kind: str, event_id: str, actor: str, at: datetime, seq: int
) -> None:
    if not event_id.isprintable():
        return
    for entry in (
        seal(event_draft(Event(event_id, kind, actor, at, {"x": event_id}), at, 0, 10**9), seq),
        seal(command_draft(kind, actor, {"goal": event_id}, at, 0), seq),
        seal(erasure_draft(at, 0, seq), seq),
    ):
        assert _logged(seq, entry.raw) == slow_path(entry.raw)
        assert _located(seq, entry.raw) == slow_path(entry.raw)


@pytest.mark.parametrize(
    "mutation",
    [
        lambda raw: raw.replace(b'"rules":0', b'"rules":-0'),
        lambda raw: raw.replace(b'"rules":0', b'"rules":00'),
        lambda raw: raw.replace(b'"rules":0', b'"rules":0.0'),
        lambda raw: raw.replace(b'"kind":', b'"kind": '),
        lambda raw: raw.replace(b'"id":"ev', b'"id":"\\u0065v'),
        lambda raw: raw.replace(b'{"at"', b'{"v":2,"at"').replace(b',"v":2}', b"}"),
        lambda raw: raw + b"\n",
        lambda raw: raw.replace(b"ev-1", b"ev\x001"),
    ],
)
def test_non_canonical_spellings_are_tampering(mutation: object) -> None:
    at = datetime(2026, 11, 21, tzinfo=UTC)
    raw = seal(event_draft(Event("ev-1", "k", "ada", at), at, 0, 10**9), 7).raw
    changed = mutation(raw)  # type: ignore[operator]
    assert changed != raw
    with pytest.raises(TamperedEntry, match=r"not a canonical journal entry|not valid UTF-8"):
        _logged(7, changed)
