"""Building journal entries: the canonical payloads of events and commands.

Entry format, version 1 (keys sorted in the stored bytes)::

    {"v": 1, "type": "event", "id": ..., "kind": ..., "actor": ..., "at": ...,
     "data": {...}, "recorded_at": ..., "rules": 0}
    {"v": 1, "type": "command", "name": "goal.create", "by": ..., "args": {...},
     "at": ..., "rules": 0}

Instants are UTC text with microseconds (``2026-11-21T20:27:38.000123Z``). ``rules`` is the
rules version the entry was evaluated under (0: rules registered in code).
"""

from __future__ import annotations

from datetime import datetime

from motivekit._canonical import JSONValue, canonical_bytes
from motivekit._errors import InvalidEvent
from motivekit._model import Event
from motivekit._time import format_instant
from motivekit.store._protocol import NewEntry

__all__ = ["ENTRY_VERSION", "command_entry", "event_entry"]

ENTRY_VERSION = 1


def event_entry(event: Event, recorded_at: datetime, rules: int, max_bytes: int) -> NewEntry:
    """The journal entry for a host event; :class:`InvalidEvent` if it is too large."""
    payload: dict[str, JSONValue] = {
        "v": ENTRY_VERSION,
        "type": "event",
        "id": event.id,
        "kind": event.kind,
        "actor": event.actor,
        "at": format_instant(event.at or recorded_at),
        "data": dict(event.data),
        "recorded_at": format_instant(recorded_at),
        "rules": rules,
    }
    raw = canonical_bytes(payload)
    if len(raw) > max_bytes:
        raise InvalidEvent(
            f"Event {event.id!r} encodes to {len(raw):,} bytes; the limit is {max_bytes:,} "
            f"(Kit.open(max_event_bytes=...)). Keep large content in your app and send "
            f"an id or URL that refers to it"
        )
    return NewEntry("event", event.kind, event.actor, event.id, recorded_at, raw)


def command_entry(
    name: str, by: str, args: dict[str, JSONValue], at: datetime, rules: int
) -> NewEntry:
    """The journal entry for a person's command such as ``goal.pause``."""
    payload: dict[str, JSONValue] = {
        "v": ENTRY_VERSION,
        "type": "command",
        "name": name,
        "by": by,
        "args": args,
        "at": format_instant(at),
        "rules": rules,
    }
    return NewEntry("command", name, by, None, at, canonical_bytes(payload))
