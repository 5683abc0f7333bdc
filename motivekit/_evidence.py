"""Journal entries as the folds read them: events, consent choices and goal commands.

Every feature's fold (goals, mastery, impact) reads the same journal. An entry is decoded
here once, into plain values that name no store and no feature, so the folds can share
them without importing each other. Erased entries (``kit.privacy.forget``) decode to
nothing: what was erased is not folded.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import Any, NamedTuple

import attrs

from motivekit._entries import open_entry
from motivekit._time import parse_instant
from motivekit.store._protocol import JournalSession, StoredEntry

__all__ = [
    "PAGE",
    "Command",
    "ConsentChoice",
    "EvidenceEvent",
    "decode",
    "journal_pages",
    "open_command",
]

PAGE = 5_000
"""Journal entries read per query when a fold pages through the whole journal."""


class EvidenceEvent(NamedTuple):
    """A host event as the folds read it (a named tuple: one is built per event)."""

    seq: int
    kind: str
    actor: str
    at: datetime
    data: Mapping[str, Any]
    rules: int = 0
    """The rules version the entry was recorded under."""


class ConsentChoice(NamedTuple):
    """A ``consent.set`` entry: ``user`` switched ``mechanic`` on or off."""

    user: str
    mechanic: str
    enabled: bool


@attrs.frozen
class Command:
    """A person's command (``goal.create``, ``goal.pause`` ...) as journaled."""

    seq: int
    name: str
    by: str
    args: Mapping[str, Any]
    at: datetime
    rules: int


def decode(entry: StoredEntry) -> EvidenceEvent | ConsentChoice | None:
    """An event entry as :class:`EvidenceEvent`, a ``consent.set`` as
    :class:`ConsentChoice`; None for anything else (and for erased entries)."""
    if entry.personal is None:
        return None
    if entry.type == "event":
        payload = open_entry(entry.raw, entry.personal)
        return EvidenceEvent(
            entry.seq,
            payload["kind"],
            payload["actor"],
            parse_instant(payload["at"]),
            payload["data"],
            int(payload["rules"]),
        )
    if entry.type == "command" and entry.name == "consent.set":
        args = open_entry(entry.raw, entry.personal)["args"]
        return ConsentChoice(args["user"], args["mechanic"], bool(args["enabled"]))
    return None


def open_command(entry: StoredEntry) -> Command | None:
    """A command entry as :class:`Command` (None for other entries and erased ones)."""
    if entry.personal is None or entry.type != "command":
        return None
    payload = open_entry(entry.raw, entry.personal)
    return Command(
        entry.seq,
        entry.name,
        payload["by"],
        payload["args"],
        parse_instant(payload["at"]),
        int(payload["rules"]),
    )


def journal_pages(
    session: JournalSession, until: int | None = None, page: int = PAGE
) -> Iterator[list[StoredEntry]]:
    """The journal in pages of ``page`` entries, oldest first (up to seq ``until``)."""
    after = 0
    while (until is None or after < until) and (entries := session.entries(after, page)):
        if until is not None:
            entries = [e for e in entries if e.seq <= until]
        yield entries
        after = entries[-1].seq
