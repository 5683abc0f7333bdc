"""Journal entries: their canonical leaf bytes and their erasable personal part.

Entry format, version 2. The *leaf bytes* are what the Merkle tree hashes and never change::

    {"v": 2, "seq": 7, "type": "event", "id": ..., "kind": ..., "at": ...,
     "recorded_at": ..., "rules": 0, "personal": "<hex commitment>"}
    {"v": 2, "seq": 8, "type": "command", "name": "goal.create", "at": ..., "rules": 0,
     "personal": "<hex commitment>"}
    {"v": 2, "seq": 9, "type": "erasure", "at": ..., "rules": 0, "erased": 12}

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

from motivekit._canonical import JSONValue, canonical_bytes, loads
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
    public: tuple[tuple[str, str], ...]
    """The public fields as (key, canonical JSON of the value), encoded once."""
    personal: bytes | None
    """The canonical personal part, or None for entries about no one."""
    subject: str | None


def _fields(values: dict[str, JSONValue]) -> tuple[tuple[str, str], ...]:
    # Keys are plain ASCII names, so '"key":' is their canonical form.
    return tuple((key, _json(value)) for key, value in values.items())


def _json(value: JSONValue) -> str:
    """Canonical JSON text of a value; plain strings and integers without the encoder."""
    if isinstance(value, str) and value.isprintable() and '"' not in value and "\\" not in value:
        return f'"{value}"'  # nothing in it needs escaping
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return canonical_bytes(value).decode("utf-8")


def _assemble(fields: list[tuple[str, str]]) -> bytes:
    """Canonical bytes of an object given its (key, canonical value) pairs.

    Equal to ``canonical_bytes`` of the decoded object: keys sorted by code point, no
    whitespace (``tests/test_entries.py`` checks this property).
    """
    fields.sort()
    return ("{" + ",".join(f'"{key}":{value}' for key, value in fields) + "}").encode("utf-8")


def commitment(opening: bytes) -> str:
    """The hex commitment to ``salt ‖ personal part``."""
    return hashlib.sha256(opening).hexdigest()


def event_draft(event: Event, recorded_at: datetime, rules: int, max_bytes: int) -> Draft:
    """The draft entry for a host event; :class:`InvalidEvent` if it is too large."""
    personal = canonical_bytes({"actor": event.actor, "data": dict(event.data)})
    public = _fields(
        {
            "id": event.id,
            "kind": event.kind,
            "at": format_instant(event.at or recorded_at),
            "recorded_at": format_instant(recorded_at),
            "rules": rules,
        }
    )
    size = len(personal) + sum(len(key) + len(value) + 4 for key, value in public)
    if size > max_bytes:
        raise InvalidEvent(
            f"Event {event.id!r} encodes to {size:,} bytes; the limit is {max_bytes:,} "
            f"(Kit.open(max_event_bytes=...)). Keep large content in your app and send "
            f"an id or URL that refers to it"
        )
    return Draft("event", event.kind, event.id, recorded_at, public, personal, event.actor)


def command_draft(
    name: str, by: str, args: dict[str, JSONValue], at: datetime, rules: int
) -> Draft:
    """The draft entry for a person's command such as ``goal.pause``."""
    public = _fields({"name": name, "at": format_instant(at), "rules": rules})
    personal = canonical_bytes({"by": by, "args": args})
    return Draft("command", name, None, at, public, personal, by)


def erasure_draft(at: datetime, rules: int, erased: int) -> Draft:
    """The entry that records an erasure (it names no one)."""
    public = _fields({"at": format_instant(at), "rules": rules, "erased": erased})
    return Draft("erasure", "privacy.forget", None, at, public, None, None)


def seal(draft: Draft, seq: int, salt: bytes | None = None) -> StoredEntry:
    """Give a draft its sequence number, salt and commitment: the entry as stored.

    ``salt`` (32 random bytes) is drawn here unless given.
    """
    fields = [
        *draft.public,
        ("seq", str(seq)),
        ("type", f'"{draft.type}"'),
        ("v", str(ENTRY_VERSION)),
    ]
    opening = None
    if draft.personal is not None:
        opening = (salt or os.urandom(SALT_BYTES)) + draft.personal
        fields.append(("personal", f'"{commitment(opening)}"'))
    raw = _assemble(fields)
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
