"""The narrow storage protocol every backend implements.

A store offers two kinds of unit of work: ``writing()`` (serialised, all-or-nothing) and
``reading()`` (a consistent snapshot). Both yield a :class:`Session`. Everything the
pipeline needs is a method here, shaped for batches so a 1,000-event ``record_many`` costs a
handful of round trips, not thousands. The contract suite in ``tests/store_contract.py``
is the specification: every store must pass it.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from datetime import date, datetime
from typing import Literal, Protocol

import attrs

from motivekit.goals._model import GoalState

__all__ = ["NewEntry", "Session", "Store", "StoredEntry"]


@attrs.frozen
class NewEntry:
    """A journal entry about to be appended (the store assigns its sequence number)."""

    type: Literal["event", "command"]
    name: str
    actor: str
    event_id: str | None
    recorded_at: datetime
    raw: bytes


@attrs.frozen
class StoredEntry:
    """A journal entry as read back."""

    seq: int
    type: Literal["event", "command"]
    name: str
    actor: str
    event_id: str | None
    recorded_at: datetime
    raw: bytes


class Session(Protocol):
    """One unit of work against a store."""

    # journal
    def known_events(self, event_ids: Collection[str]) -> dict[str, int]:
        """Map each already recorded event id among ``event_ids`` to its entry's seq."""
        ...

    def append(self, entries: Sequence[NewEntry]) -> list[int]:
        """Append entries in order; return their gapless sequence numbers (from 1)."""
        ...

    def entries(self, after: int, limit: int) -> list[StoredEntry]:
        """Entries with ``seq > after``, ascending, at most ``limit``."""
        ...

    def last_entries(self, limit: int) -> list[StoredEntry]:
        """The newest ``limit`` entries, ascending."""
        ...

    def journal_size(self) -> int:
        """Number of entries (equal to the highest seq)."""
        ...

    # goals
    def goal(self, goal_id: str) -> GoalState | None:
        """The goal with ``goal_id``, or None."""
        ...

    def goals(self, owner: str | None = None, status: str | None = None) -> list[GoalState]:
        """Goals, filtered by owner and status, oldest first."""
        ...

    def active_goals(
        self, owners: Collection[str], kinds: Collection[str], *, consent_default: bool
    ) -> list[GoalState]:
        """Active goals owned by one of ``owners`` that count one of ``kinds``, leaving out
        owners who switched goals off (``consent_default``: whether goals are on for people
        who never chose)."""
        ...

    def save_goal(self, goal: GoalState) -> None:
        """Insert or replace a goal's state (its ``total`` included)."""
        ...

    def add_goal_counts(
        self, totals: Mapping[str, int], days: Mapping[tuple[str, date], int]
    ) -> None:
        """Add to goals' totals and to per-day counts (creating day rows as needed)."""
        ...

    def day_counts(
        self, goal_ids: Collection[str], start: date, end: date
    ) -> dict[tuple[str, date], int]:
        """The non-zero day counts of ``goal_ids`` on local days ``[start, end)``."""
        ...

    # consent
    def consents(self, users: Collection[str]) -> dict[str, dict[str, bool]]:
        """The explicit consent choices of each user that has made any."""
        ...

    def set_consent(self, user: str, mechanic: str, enabled: bool, at: datetime) -> None:
        """Record one person's choice for one mechanic."""
        ...


class Store(Protocol):
    """A storage backend."""

    url: str

    def writing(self) -> AbstractContextManager[Session]:
        """A serialised unit of work: committed when the block ends, rolled back on error."""
        ...

    def reading(self) -> AbstractContextManager[Session]:
        """A consistent read-only snapshot."""
        ...

    def close(self) -> None:
        """Release connections."""
        ...


def chunked(items: Sequence[str], size: int) -> Iterator[Sequence[str]]:
    """Split a sequence for IN-lists that must stay below a backend's parameter limit."""
    for start in range(0, len(items), size):
        yield items[start : start + size]
