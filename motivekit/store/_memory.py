"""An in-memory store: for tests and throwaway use (``Kit.open("memory://")``).

It keeps the same guarantees as the SQL store within one process: writers are serialised
by a lock, and a failing unit of work is undone through an undo log, so a batch is
all-or-nothing.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from typing import Any

import attrs

from motivekit.goals._model import GoalState, GoalStatus
from motivekit.store._protocol import (
    ReplayState,
    SkillBand,
    StoredCheckpoint,
    StoredEntry,
    StoredSkill,
)

__all__ = ["MemoryStore"]

_MISSING: Any = object()


class _Tables:
    def __init__(self) -> None:
        self.entries: list[StoredEntry] = []
        self.event_seq: dict[str, int] = {}
        self.head: dict[str, tuple[int, bytes]] = {"head": (0, b"")}
        self.tiles: dict[tuple[int, int], bytes] = {}
        self.checkpoints: dict[int, StoredCheckpoint] = {}
        self.goals: dict[str, GoalState] = {}
        self.goal_days: dict[tuple[str, date], int] = {}
        self.consents: dict[str, dict[str, bool]] = {}
        self.replays: dict[int, ReplayState] = {}
        self.skills: dict[tuple[str, str], StoredSkill] = {}
        self.skill_items: dict[tuple[str, str], tuple[float, int]] = {}
        self.skill_bands: dict[tuple[str, str], SkillBand] = {}


class _MemorySession:
    def __init__(self, tables: _Tables, undo: list[Callable[[], None]] | None) -> None:
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

    # journal
    def known_events(self, event_ids: Collection[str]) -> dict[str, int]:
        seqs = self._t.event_seq
        return {i: seqs[i] for i in event_ids if i in seqs}

    def head(self) -> tuple[int, bytes]:
        return self._t.head["head"]

    def advance_head(self, old_size: int, new_size: int, frontier: bytes) -> bool:
        if self._t.head["head"][0] != old_size:
            return False
        self._put(self._t.head, "head", (new_size, frontier))
        return True

    def append(self, entries: Sequence[StoredEntry]) -> None:
        if self._undo is None:
            raise RuntimeError("this unit of work is read-only; use store.writing()")
        log = self._t.entries
        size = len(log)
        self._undo.append(lambda: log.__delitem__(slice(size, None)))
        for entry in entries:
            if entry.seq != len(log) + 1:
                raise RuntimeError(f"entry {entry.seq} does not follow entry {len(log)}")
            log.append(entry)
            if entry.event_id is not None:
                self._put(self._t.event_seq, entry.event_id, entry.seq)

    def add_tiles(self, nodes: Sequence[tuple[int, int, bytes]]) -> None:
        for level, index, digest in nodes:
            self._put(self._t.tiles, (level, index), digest)

    def node_hashes(self, level: int, start: int, end: int) -> list[bytes]:
        if level == 0:
            return [e.leaf_hash for e in self._t.entries[start:end]]
        tiles = self._t.tiles
        return [tiles[level, i] for i in range(start, end) if (level, i) in tiles]

    def erase_personal(self, subject: str) -> int:
        log = self._t.entries
        hits = [i for i, entry in enumerate(log) if entry.subject == subject]
        before = {i: log[i] for i in hits}

        def restore() -> None:
            for i, entry in before.items():
                log[i] = entry

        self._undo_call(restore)
        for i in hits:
            log[i] = log[i]._replace(subject=None, personal=None)
        return len(hits)

    def _undo_call(self, step: Callable[[], None]) -> None:
        self._writable().append(step)

    def add_checkpoint(self, checkpoint: StoredCheckpoint) -> None:
        self._put(self._t.checkpoints, checkpoint.size, checkpoint)

    def checkpoints(self) -> list[StoredCheckpoint]:
        return [self._t.checkpoints[size] for size in sorted(self._t.checkpoints)]

    def subjects(self, after: str | None, limit: int) -> list[str]:
        found = {e.subject for e in self._t.entries if e.subject is not None}
        return sorted(s for s in found if after is None or s > after)[:limit]

    def subject_entries(self, subject: str) -> list[StoredEntry]:
        return [e for e in self._t.entries if e.subject == subject]

    def replay_state(self) -> ReplayState | None:
        replays = self._t.replays
        return replays[max(replays)] if replays else None

    def save_replay_state(self, state: ReplayState) -> None:
        self._put(self._t.replays, state.version, state)

    def entries(self, after: int, limit: int) -> list[StoredEntry]:
        return self._t.entries[max(after, 0) : max(after, 0) + limit]

    def scan(self, after: int, limit: int) -> list[tuple[int, bytes, bytes, bytes | None]]:
        return [(e.seq, e.raw, e.leaf_hash, e.personal) for e in self.entries(after, limit)]

    def last_entries(self, limit: int) -> list[StoredEntry]:
        return self._t.entries[-limit:] if limit > 0 else []

    def journal_size(self) -> int:
        return self._t.head["head"][0]

    # goals
    def goal(self, goal_id: str) -> GoalState | None:
        return self._t.goals.get(goal_id)

    def goals(self, owner: str | None = None, status: str | None = None) -> list[GoalState]:
        found = [
            g
            for g in self._t.goals.values()
            if (owner is None or g.owner == owner) and (status is None or g.status == status)
        ]
        return sorted(found, key=lambda g: g.created_seq)

    def active_goals(
        self, owners: Collection[str], kinds: Collection[str], *, consent_default: bool
    ) -> list[GoalState]:
        owners, kinds = set(owners), set(kinds)
        consents = self._t.consents
        return [
            g
            for g in self._t.goals.values()
            if g.owner in owners
            and g.status is GoalStatus.ACTIVE
            and g.measure.event in kinds
            and consents.get(g.owner, {}).get("goals", consent_default)
        ]

    def save_goal(self, goal: GoalState) -> None:
        self._put(self._t.goals, goal.id, goal)

    def insert_goals(self, new: Sequence[GoalState]) -> None:
        for goal in new:
            if goal.id in self._t.goals:
                raise RuntimeError(f"goal {goal.id!r} already exists")
            self._put(self._t.goals, goal.id, goal)

    def delete_goals(self, owner: str) -> int:
        doomed = [g.id for g in self._t.goals.values() if g.owner == owner]
        for goal_id in doomed:
            self._pop(self._t.goals, goal_id)
        for key in [k for k in self._t.goal_days if k[0] in set(doomed)]:
            self._pop(self._t.goal_days, key)
        return len(doomed)

    def _pop(self, table: dict[Any, Any], key: Any) -> None:
        old = table.pop(key)
        self._undo_call(lambda: table.__setitem__(key, old))

    def add_goal_counts(
        self, totals: Mapping[str, int], days: Mapping[tuple[str, date], int]
    ) -> None:
        for goal_id, n in totals.items():
            goal = self._t.goals[goal_id]
            self._put(self._t.goals, goal_id, attrs.evolve(goal, total=goal.total + n))
        for key, n in days.items():
            self._put(self._t.goal_days, key, self._t.goal_days.get(key, 0) + n)

    def day_counts(
        self, goal_ids: Collection[str], start: date, end: date
    ) -> dict[tuple[str, date], int]:
        span = [start + timedelta(days=i) for i in range((end - start).days)]
        days = self._t.goal_days
        return {(g, d): days[g, d] for g in goal_ids for d in span if (g, d) in days}

    def goal_days(self, goal_ids: Collection[str]) -> dict[tuple[str, date], int]:
        wanted = set(goal_ids)
        return {k: n for k, n in self._t.goal_days.items() if k[0] in wanted and n}

    # consent
    def consents(self, users: Collection[str]) -> dict[str, dict[str, bool]]:
        return {u: dict(self._t.consents[u]) for u in users if u in self._t.consents}

    def set_consent(self, user: str, mechanic: str, enabled: bool, at: datetime) -> None:
        choices = dict(self._t.consents.get(user, {}))
        choices[mechanic] = enabled
        self._put(self._t.consents, user, choices)

    def delete_consents(self, user: str) -> None:
        if user in self._t.consents:
            self._pop(self._t.consents, user)

    # mastery
    def skills(self, keys: Collection[tuple[str, str]]) -> dict[tuple[str, str], StoredSkill]:
        found = self._t.skills
        return {k: found[k] for k in keys if k in found}

    def user_skills(self, user: str) -> list[StoredSkill]:
        found = [s for (u, _), s in self._t.skills.items() if u == user]
        return sorted(found, key=lambda s: s.track)

    def all_skills(self, after: tuple[str, str] | None, limit: int) -> list[StoredSkill]:
        found = self._t.skills
        keys = sorted(k for k in found if after is None or k > after)[: max(limit, 0)]
        return [found[k] for k in keys]

    def save_skills(self, skills: Sequence[StoredSkill]) -> None:
        self._writable()
        for skill in skills:
            self._put(self._t.skills, (skill.user, skill.track), skill)

    def skill_items(
        self, keys: Collection[tuple[str, str]]
    ) -> dict[tuple[str, str], tuple[float, int]]:
        found = self._t.skill_items
        return {k: found[k] for k in keys if k in found}

    def save_skill_items(self, items: Mapping[tuple[str, str], tuple[float, int]]) -> None:
        self._writable()
        for key, (d, n) in items.items():
            self._put(self._t.skill_items, key, (d, n))

    def skill_bands(self, keys: Collection[tuple[str, str]]) -> dict[tuple[str, str], SkillBand]:
        found = self._t.skill_bands
        return {k: found[k] for k in keys if k in found}

    def set_skill_band(self, user: str, track: str, band: SkillBand | None, at: datetime) -> None:
        self._writable()
        if band is not None:
            self._put(self._t.skill_bands, (user, track), band)
        elif (user, track) in self._t.skill_bands:
            self._pop(self._t.skill_bands, (user, track))

    def delete_skills(self, user: str) -> int:
        self._writable()
        for key in [k for k in self._t.skill_bands if k[0] == user]:
            self._pop(self._t.skill_bands, key)
        doomed = [k for k in self._t.skills if k[0] == user]
        for key in doomed:
            self._pop(self._t.skills, key)
        return len(doomed)

    def clear_mastery(self) -> None:
        for table in (self._t.skills, self._t.skill_items):
            self._clear(table)

    def _clear(self, table: dict[Any, Any]) -> None:
        old = dict(table)

        def restore() -> None:
            table.clear()
            table.update(old)

        self._undo_call(restore)
        table.clear()


class MemoryStore:
    """Keeps everything in this process's memory; gone when the process ends."""

    url = "memory://"

    def __init__(self) -> None:
        self._tables = _Tables()
        self._lock = threading.RLock()

    @contextmanager
    def writing(self) -> Iterator[_MemorySession]:
        with self._lock:
            undo: list[Callable[[], None]] = []
            try:
                yield _MemorySession(self._tables, undo)
            except BaseException:
                for step in reversed(undo):
                    step()
                raise

    @contextmanager
    def reading(self) -> Iterator[_MemorySession]:
        with self._lock:
            yield _MemorySession(self._tables, None)

    def scrub(self) -> None:
        """Nothing is kept on disk."""

    def close(self) -> None:
        """Nothing to release."""
