"""The in-memory store's tables, their indexes, and the undo log that makes a unit of
work all-or-nothing.

Every lookup the record path, a replay or a query makes is a dict access or a bisection
on an index kept beside its table, so its cost does not grow with history. An index is
changed only through the helpers here, which log how to undo the change.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar

from motivekit.goals._model import GoalState
from motivekit.store._records import (
    FeedGroup,
    ImpactItem,
    ImpactPrefs,
    ReplayState,
    SkillBand,
    StoredCheckpoint,
    StoredContribution,
    StoredEntry,
    StoredMission,
    StoredSkill,
)

__all__ = ["MemoryBase", "Tables"]

_MISSING: Any = object()
K = TypeVar("K")
V = TypeVar("V")


class Tables:
    """Every table of the memory store, with its indexes."""

    def __init__(self) -> None:
        self.entries: list[StoredEntry] = []
        self.event_seq: dict[str, int] = {}
        self.subject_entries: dict[str, list[int]] = {}
        """subject → the seqs of their entries (ascending)."""
        self.subjects: list[str] = []
        """Every subject with entries, sorted."""
        self.head: dict[str, tuple[int, bytes]] = {"head": (0, b"")}
        self.tiles: dict[tuple[int, int], bytes] = {}
        self.checkpoints: dict[int, StoredCheckpoint] = {}
        self.goals: dict[str, GoalState] = {}
        self.owner_goals: dict[str, dict[str, None]] = {}
        """owner → ids of their goals, in the order first saved (as ``goals``)."""
        self.goal_days: dict[tuple[str, date], int] = {}
        self.days_of_goal: dict[str, set[date]] = {}
        self.consents: dict[str, dict[str, bool]] = {}
        self.replays: dict[int, ReplayState] = {}
        self.skills: dict[tuple[str, str], StoredSkill] = {}
        self.skill_keys: list[tuple[str, str]] = []
        """Every ``(user, track)`` with a skill, sorted (replay pages through them)."""
        self.user_tracks: dict[str, set[str]] = {}
        self.skill_items: dict[tuple[str, str], tuple[float, int]] = {}
        self.skill_bands: dict[tuple[str, str], SkillBand] = {}
        self.band_tracks: dict[str, set[str]] = {}
        self.contributions: dict[str, StoredContribution] = {}
        self.owned: dict[str, set[str]] = {}
        """owner → ids of their contributions."""
        self.referrers: dict[str, str] = {}
        self.referred: dict[str, set[str]] = {}
        """referrer → the people they referred."""
        self.identity_groups: dict[str, str] = {}
        self.group_members: dict[str, set[str]] = {}
        self.feed: dict[tuple[str, int], FeedGroup] = {}
        self.feed_keys: dict[tuple[str, str], int] = {}
        self.feed_positions: dict[str, list[int]] = {}
        """recipient → positions of their feed entries, ascending."""
        self.recipient_keys: dict[str, set[str]] = {}
        """recipient → the keys of their feed entries."""
        self.items: dict[tuple[int, int], ImpactItem] = {}
        self.seen: dict[tuple[str, int, str], int] = {}
        """``(recipient, position, beneficiary)`` → how many items name them."""
        self.group_items: dict[tuple[str, int], list[tuple[int, int]]] = {}
        self.event_items: dict[int, list[int]] = {}
        self.recipient_items: dict[str, list[tuple[int, int]]] = {}
        self.beneficiary_items: dict[str, set[tuple[int, int]]] = {}
        self.item_counts: dict[str, int] = {}
        self.impact_prefs: dict[str, ImpactPrefs] = {}
        self.digest_users: list[str] = []
        """People who asked for a digest, sorted."""
        self.missions: dict[str, StoredMission] = {}
        self.mission_parts: dict[tuple[str, str], int] = {}
        self.mission_users: dict[str, list[str]] = {}
        """mission → people with a part, sorted."""
        self.user_missions: dict[str, set[str]] = {}
        self.forgotten: dict[bytes, bool] = {}


class MemoryBase:
    """The tables, and the undo log that makes a unit of work all-or-nothing."""

    def __init__(self, tables: Tables, undo: list[Callable[[], None]] | None) -> None:
        self._t = tables
        self._undo = undo

    def _writable(self) -> list[Callable[[], None]]:
        if self._undo is None:
            raise RuntimeError("this unit of work is read-only; use store.writing()")
        return self._undo

    def _put(self, table: dict[Any, Any], key: Any, value: Any) -> None:
        undo = self._writable()
        old = table.get(key, _MISSING)
        if old is _MISSING:
            undo.append(lambda: table.pop(key, None))
        else:
            undo.append(lambda: table.__setitem__(key, old))
        table[key] = value

    def _undo_call(self, step: Callable[[], None]) -> None:
        self._writable().append(step)

    def _pop(self, table: dict[Any, Any], key: Any) -> None:
        old = table.pop(key)
        self._undo_call(lambda: table.__setitem__(key, old))

    def _clear(self, table: dict[Any, Any]) -> None:
        old = dict(table)

        def restore() -> None:
            table.clear()
            table.update(old)

        self._undo_call(restore)
        table.clear()

    def _clear_list(self, table: list[Any]) -> None:
        old = list(table)

        def restore() -> None:
            table[:] = old

        self._undo_call(restore)
        table.clear()

    # -- indexes: a set or a sorted list per key -------------------------------------------

    def _add(self, index: dict[K, set[V]], key: K, value: V) -> None:
        bucket = index.get(key)
        if bucket is None:
            bucket = index[key] = set()
        if value not in bucket:
            bucket.add(value)
            self._undo_call(lambda: bucket.discard(value))

    def _discard(self, index: dict[K, set[V]], key: K, value: V) -> None:
        bucket = index.get(key)
        if bucket is not None and value in bucket:
            bucket.discard(value)
            self._undo_call(lambda: bucket.add(value))

    def _insort(self, index: dict[K, list[Any]], key: K, value: Any) -> None:
        bucket = index.get(key)
        if bucket is None:
            bucket = index[key] = []
        self._insort_list(bucket, value)

    def _insort_list(self, bucket: list[Any], value: Any) -> None:
        at = bisect_left(bucket, value)
        if at < len(bucket) and bucket[at] == value:
            return
        bucket.insert(at, value)
        self._undo_call(lambda: bucket.pop(bisect_left(bucket, value)))

    def _unsort(self, index: dict[K, list[Any]], key: K, value: Any) -> None:
        bucket = index.get(key)
        if bucket is not None:
            self._unsort_list(bucket, value)

    def _unsort_list(self, bucket: list[Any], value: Any) -> None:
        at = bisect_left(bucket, value)
        if at < len(bucket) and bucket[at] == value:
            del bucket[at]
            self._undo_call(lambda: bucket.insert(bisect_left(bucket, value), value))
