"""``kit.journal``: read the append-only record of every event and command."""

from __future__ import annotations

from typing import Literal, cast

from motivekit._errors import InvalidInput
from motivekit._model import JournalEntry
from motivekit.store import Store
from motivekit.store._protocol import StoredEntry

__all__ = ["Journal"]


class Journal:
    """``kit.journal``: read the append-only record of every event and command."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def read(self, after: int = 0, limit: int = 100) -> list[JournalEntry]:
        """Entries with sequence numbers above ``after``, oldest first."""
        _count(after, "after")
        _count(limit, "limit")
        with self._store.reading() as session:
            return [_public(e) for e in session.entries(after, limit)]

    def tail(self, n: int = 10) -> list[JournalEntry]:
        """The newest ``n`` entries, oldest first."""
        _count(n, "n")
        with self._store.reading() as session:
            return [_public(e) for e in session.last_entries(n)]

    def size(self) -> int:
        """How many entries the journal holds."""
        with self._store.reading() as session:
            return session.journal_size()


def _count(value: object, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InvalidInput(f"{field} must be a whole number >= 0, got {value!r}")
    return value


def _public(entry: StoredEntry) -> JournalEntry:
    kind = cast('Literal["event", "command", "erasure", "milestone"]', entry.type)
    return JournalEntry(
        entry.seq, kind, entry.name, entry.subject, entry.recorded_at, entry.raw, entry.personal
    )
