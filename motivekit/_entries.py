"""Journal entries: their canonical leaf bytes and their erasable personal part.

Entry format, version 2. The *leaf bytes* are what the Merkle tree hashes and never change::

    {"v": 2, "seq": 7, "type": "event", "id": ..., "kind": ..., "at": ...,
     "recorded_at": ..., "rules": 0, "personal": "<hex commitment>"}
    {"v": 2, "seq": 8, "type": "command", "name": "goal.create", "at": ..., "rules": 0,
     "personal": "<hex commitment>"}
    {"v": 2, "seq": 9, "type": "erasure", "at": ..., "rules": 0, "erased": 12}
    {"v": 2, "seq": 10, "type": "milestone", "at": ..., "rules": 3, "mission": "handbook",
     "milestone": 250}

Personal data (an event's actor and data; a command's person and arguments) enters the leaf
only as ``SHA-256(salt ‖ canonical personal part)`` with a random 32-byte salt. Salt and
personal part are stored beside the entry; erasing them (``kit.privacy.forget``) leaves
every leaf, and so every checkpoint, intact, and the commitment can no longer be matched to
a guessed value. Instants are UTC text with microseconds. ``rules`` is the rules version the
entry was evaluated under (0: rules registered in code). ``seq`` inside the bytes makes a
moved entry detectable.
"""

from __future__ import annotations

import hashlib
import os
from datetime import datetime
from typing import Any

import attrs

from motivekit._canonical import JSONValue, canonical_bytes, canonical_text, loads
from motivekit._errors import InvalidEvent
from motivekit._hashing import leaf_hash
from motivekit._model import SALT_BYTES, Event
from motivekit._time import format_instant
from motivekit.store._protocol import StoredEntry

__all__ = [
    "ENTRY_VERSION",
    "SALT_BYTES",
    "Draft",
    "command_draft",
    "commitment",
    "erasure_draft",
    "event_draft",
    "milestone_draft",
    "open_entry",
    "seal",
]

ENTRY_VERSION = 2


@attrs.frozen
class Draft:
    """An entry before its sequence number is known."""

    type: str
    name: str
    event_id: str | None
    recorded_at: datetime
    head: str
    """Canonical text of the public fields that sort before ``personal`` (from ``{``)."""
    tail: str
    """Canonical text of the public fields that sort after it (all sort before ``seq``)."""
    personal: bytes | None
    """The canonical personal part, or None for entries about no one."""
    subject: str | None


def _texts(values: dict[str, JSONValue]) -> tuple[str, str]:
    """The draft's ``head`` and ``tail``: its public fields in canonical order, split where
    the commitment goes. Every public key sorts before ``seq``, ``type`` and ``v``, so
    sealing only appends (``tests/test_entries.py`` checks the result is canonical)."""
    fields = sorted(values.items())
    assert fields[-1][0] < "seq", "public keys must sort before seq, type and v"
    # Keys are plain ASCII names, so '"key":' is their canonical form.
    before = [f'"{k}":{_json(v)}' for k, v in fields if k < "personal"]
    after = [f'"{k}":{_json(v)}' for k, v in fields if k > "personal"]
    assert before, "every entry has an 'at', which sorts before 'personal'"
    return "{" + ",".join(before), "".join("," + text for text in after)


def _json(value: JSONValue) -> str:
    """Canonical JSON text of a value; plain strings and integers without the encoder."""
    if isinstance(value, str) and value.isprintable() and '"' not in value and "\\" not in value:
        return f'"{value}"'  # nothing in it needs escaping
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return canonical_text(value)


def commitment(opening: bytes) -> str:
    """The hex commitment to ``salt ‖ personal part``."""
    return hashlib.sha256(opening).hexdigest()


def event_draft(
    event: Event, recorded_at: datetime, rules: int, max_bytes: int, recorded: str | None = None
) -> Draft:
    """The draft entry for a host event; :class:`InvalidEvent` if it is too large.

    ``recorded``: ``format_instant(recorded_at)``, when the caller drafts a whole batch
    recorded at one instant. An event's fields are always the same five, so their canonical
    text is written out in key order (at, id, kind | personal | recorded_at, rules) instead
    of sorted per event: this runs for every event recorded (``tests/test_entries.py``
    checks the result against the canonical encoder).
    """
    recorded = recorded or format_instant(recorded_at)
    at = recorded if event.at is None else format_instant(event.at)
    data = canonical_text(dict(event.data)) if event.data else "{}"
    personal = f'{{"actor":{_json(event.actor)},"data":{data}}}'.encode()
    head = f'{{"at":"{at}","id":{_json(event.id)},"kind":{_json(event.kind)}'
    tail = f',"recorded_at":"{recorded}","rules":{rules}'
    size = len(personal) + len(head.encode("utf-8")) + len(tail)
    if size > max_bytes:
        raise InvalidEvent(
            f"Event {event.id!r} encodes to {size:,} bytes; the limit is {max_bytes:,} "
            f"(Kit.open(max_event_bytes=...)). Keep large content in your app and send "
            f"an id or URL that refers to it"
        )
    return Draft("event", event.kind, event.id, recorded_at, head, tail, personal, event.actor)


def command_draft(
    name: str, by: str, args: dict[str, JSONValue], at: datetime, rules: int
) -> Draft:
    """The draft entry for a person's command such as ``goal.pause``."""
    head, tail = _texts({"name": name, "at": format_instant(at), "rules": rules})
    personal = canonical_bytes({"by": by, "args": args})
    return Draft("command", name, None, at, head, tail, personal, by)


def erasure_draft(at: datetime, rules: int, erased: int) -> Draft:
    """The entry that records an erasure (it names no one)."""
    head, tail = _texts({"at": format_instant(at), "rules": rules, "erased": erased})
    return Draft("erasure", "privacy.forget", None, at, head, tail, None, None)


def milestone_draft(mission: str, milestone: int, at: datetime, rules: int) -> Draft:
    """The entry that records a collective mission reaching a milestone (about no one)."""
    head, tail = _texts(
        {"at": format_instant(at), "rules": rules, "mission": mission, "milestone": milestone}
    )
    return Draft("milestone", "mission.milestone", None, at, head, tail, None, None)


def seal(draft: Draft, seq: int, salt: bytes | None = None) -> StoredEntry:
    """Give a draft its sequence number, salt and commitment: the entry as stored.

    ``salt`` (32 random bytes) is drawn here unless given.
    """
    end = f',"seq":{seq},"type":"{draft.type}","v":{ENTRY_VERSION}}}'
    opening = None
    if draft.personal is None:
        text = draft.head + draft.tail + end
    else:
        opening = (salt or os.urandom(SALT_BYTES)) + draft.personal
        text = f'{draft.head},"personal":"{commitment(opening)}"{draft.tail}{end}'
    raw = text.encode("utf-8")
    return StoredEntry(
        seq,
        draft.type,
        draft.name,
        draft.event_id,
        draft.recorded_at,
        raw,
        leaf_hash(raw),
        draft.subject,
        opening,
    )


def open_entry(raw: bytes, opening: bytes | None) -> dict[str, Any]:
    """The entry's fields with its personal part merged in (when not erased)."""
    payload = loads(raw)
    assert isinstance(payload, dict)
    if opening is not None:
        payload.update(loads(opening[SALT_BYTES:]))
    return payload
