"""An in-memory store: for tests and throwaway use (``Kit.open("memory://")``).

It keeps the same guarantees as the SQL store within one process: writers are serialised
by a lock, and a failing unit of work is undone through an undo log, so a batch is
all-or-nothing. The session is one mixin per protocol slice over shared tables
(``_memory_tables``; impact in ``_memory_impact``). Every lookup goes through an index
kept beside its table, so no call scans history: the record path costs the same after a
thousand events as after a million.
"""

from __future__ import annotations

import threading
from bisect import bisect_right
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date, datetime, timedelta

import attrs

from motivekit._tenants import DEFAULT_TENANT, check_tenant
from motivekit.goals._model import GoalState, GoalStatus, Watched
from motivekit.store._memory_impact import MemoryImpact
from motivekit.store._memory_tables import MemoryBase, Tables
from motivekit.store._records import (
    ReplayState,
    SkillBand,
    StoredCheckpoint,
    StoredEntry,
    StoredSkill,
)

__all__ = ["MemoryStore"]


class _MemoryJournal(MemoryBase):
    """:class:`~motivekit.store.JournalSession` in memory."""

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
            if entry.subject is not None:
                if not self._t.subject_entries.get(entry.subject):  # (an undo may leave [])
                    self._insort_list(self._t.subjects, entry.subject)
                self._insort(self._t.subject_entries, entry.subject, entry.seq)

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
        hits = [seq - 1 for seq in self._t.subject_entries.get(subject, ())]
        if subject in self._t.subject_entries:
            self._pop(self._t.subject_entries, subject)
            self._unsort_list(self._t.subjects, subject)
        before = {i: log[i] for i in hits}

        def restore() -> None:
            for i, entry in before.items():
                log[i] = entry

        self._undo_call(restore)
        for i in hits:
            log[i] = log[i]._replace(subject=None, personal=None)
        return len(hits)

    def add_checkpoint(self, checkpoint: StoredCheckpoint) -> None:
        self._put(self._t.checkpoints, checkpoint.size, checkpoint)

    def checkpoints(self) -> list[StoredCheckpoint]:
        return [self._t.checkpoints[size] for size in sorted(self._t.checkpoints)]

    def subjects(self, after: str | None, limit: int) -> list[str]:
        subjects = self._t.subjects
        start = 0 if after is None else bisect_right(subjects, after)
        return subjects[start:][:limit]

    def subject_entries(self, subject: str) -> list[StoredEntry]:
        log = self._t.entries
        return [log[seq - 1] for seq in self._t.subject_entries.get(subject, ())]

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


class _MemoryGoals(MemoryBase):
    """:class:`~motivekit.store.GoalsSession` in memory."""

    def goal(self, goal_id: str) -> GoalState | None:
        return self._t.goals.get(goal_id)

    def goals(self, owner: str | None = None, status: str | None = None) -> list[GoalState]:
        t = self._t
        mine = t.goals.values() if owner is None else self._owned(owner)
        found = [g for g in mine if status is None or g.status == status]
        return sorted(found, key=lambda g: g.created_seq)

    def _owned(self, owner: str) -> list[GoalState]:
        goals = self._t.goals
        return [goals[i] for i in self._t.owner_goals.get(owner, ())]

    def active_goals(self, owners: Collection[str], kinds: Collection[str]) -> list[Watched]:
        kinds = set(kinds)
        return [
            g
            for owner in set(owners)
            for g in self._owned(owner)
            if g.status is GoalStatus.ACTIVE and g.measure.event in kinds
        ]

    def _store_goal(self, goal: GoalState) -> None:
        t = self._t
        old = t.goals.get(goal.id)
        if old is not None and old.owner != goal.owner:
            self._pop(t.owner_goals[old.owner], goal.id)
        self._put(t.goals, goal.id, goal)
        mine = t.owner_goals.get(goal.owner)
        if mine is None:
            mine = t.owner_goals[goal.owner] = {}
        if goal.id not in mine:
            self._put(mine, goal.id, None)

    def save_goal(self, goal: GoalState) -> None:
        self._store_goal(goal)

    def insert_goals(self, new: Sequence[GoalState]) -> None:
        for goal in new:
            if goal.id in self._t.goals:
                raise RuntimeError(f"goal {goal.id!r} already exists")
            self._store_goal(goal)

    def delete_goals(self, owner: str) -> int:
        t = self._t
        doomed = list(t.owner_goals.get(owner, ()))
        for goal_id in doomed:
            self._pop(t.goals, goal_id)
            self._pop(t.owner_goals[owner], goal_id)
            for day in list(t.days_of_goal.get(goal_id, ())):
                self._pop(t.goal_days, (goal_id, day))
                self._discard(t.days_of_goal, goal_id, day)
        return len(doomed)

    def add_goal_counts(
        self, totals: Mapping[str, int], days: Mapping[tuple[str, date], int]
    ) -> None:
        t = self._t
        for goal_id, n in totals.items():
            goal = t.goals[goal_id]
            self._put(t.goals, goal_id, attrs.evolve(goal, total=goal.total + n))
        for key, n in days.items():
            self._put(t.goal_days, key, t.goal_days.get(key, 0) + n)
            self._add(t.days_of_goal, key[0], key[1])

    def day_counts(
        self, goal_ids: Collection[str], start: date, end: date
    ) -> dict[tuple[str, date], int]:
        span = [start + timedelta(days=i) for i in range((end - start).days)]
        days = self._t.goal_days
        return {(g, d): days[g, d] for g in goal_ids for d in span if (g, d) in days}

    def goal_days(self, goal_ids: Collection[str]) -> dict[tuple[str, date], int]:
        t = self._t
        return {
            (g, d): n
            for g in set(goal_ids)
            for d in t.days_of_goal.get(g, ())
            if (n := t.goal_days.get((g, d), 0))
        }


class _MemoryConsent(MemoryBase):
    """:class:`~motivekit.store.ConsentSession` in memory."""

    def consents(self, users: Collection[str]) -> dict[str, dict[str, bool]]:
        return {u: dict(self._t.consents[u]) for u in users if u in self._t.consents}

    def set_consent(self, user: str, mechanic: str, enabled: bool, at: datetime) -> None:
        choices = dict(self._t.consents.get(user, {}))
        choices[mechanic] = enabled
        self._put(self._t.consents, user, choices)

    def delete_consents(self, user: str) -> None:
        if user in self._t.consents:
            self._pop(self._t.consents, user)


class _MemorySkills(MemoryBase):
    """:class:`~motivekit.store.SkillsSession` in memory."""

    def skills(self, keys: Collection[tuple[str, str]]) -> dict[tuple[str, str], StoredSkill]:
        found = self._t.skills
        return {k: found[k] for k in keys if k in found}

    def user_skills(self, user: str) -> list[StoredSkill]:
        found = self._t.skills
        return [found[user, track] for track in sorted(self._t.user_tracks.get(user, ()))]

    def all_skills(self, after: tuple[str, str] | None, limit: int) -> list[StoredSkill]:
        keys = self._t.skill_keys
        start = 0 if after is None else bisect_right(keys, after)
        return [self._t.skills[k] for k in keys[start : start + max(limit, 0)]]

    def save_skills(self, skills: Sequence[StoredSkill]) -> None:
        self._writable()
        t = self._t
        for skill in skills:
            key = (skill.user, skill.track)
            if key not in t.skills:
                self._insort_list(t.skill_keys, key)
                self._add(t.user_tracks, skill.user, skill.track)
            self._put(t.skills, key, skill)

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
        t = self._t
        if band is not None:
            self._put(t.skill_bands, (user, track), band)
            self._add(t.band_tracks, user, track)
        elif (user, track) in t.skill_bands:
            self._pop(t.skill_bands, (user, track))
            self._discard(t.band_tracks, user, track)

    def user_bands(self, user: str) -> dict[str, SkillBand]:
        found = self._t.skill_bands
        return {track: found[user, track] for track in sorted(self._t.band_tracks.get(user, ()))}

    def delete_skills(self, user: str) -> int:
        self._writable()
        t = self._t
        for track in list(t.band_tracks.get(user, ())):
            self._pop(t.skill_bands, (user, track))
            self._discard(t.band_tracks, user, track)
        doomed = list(t.user_tracks.get(user, ()))
        for track in doomed:
            self._pop(t.skills, (user, track))
            self._unsort_list(t.skill_keys, (user, track))
            self._discard(t.user_tracks, user, track)
        return len(doomed)

    def clear_mastery(self) -> None:
        t = self._t
        for table in (t.skills, t.user_tracks, t.skill_items):
            self._clear(table)
        self._clear_list(t.skill_keys)


class _MemorySession(_MemoryJournal, _MemoryGoals, _MemoryConsent, _MemorySkills, MemoryImpact):
    """One unit of work on the in-memory tables: every slice of the session protocol."""


class _Database:
    """What the stores of one in-memory database share: one writers' lock (like one SQLite
    file) and each tenant's tables."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.tenants: dict[str, Tables] = {}


class MemoryStore:
    """Keeps one tenant's data in this process's memory; gone when the process ends.

    Each ``MemoryStore()`` is a database of its own, so two of them never see each other's
    data whatever their tenants. :meth:`tenant_store` opens another tenant of the same
    database: its tables are its own, as on a SQL database shared by tenants.
    """

    url = "memory://"

    def __init__(self, tenant: str = DEFAULT_TENANT, *, _database: _Database | None = None) -> None:
        self.tenant = check_tenant(tenant)
        """The tenant this store reads and writes."""
        self._database = _Database() if _database is None else _database
        self._tables = self._database.tenants.setdefault(self.tenant, Tables())
        self._lock = self._database.lock

    def tenant_store(self, tenant: str) -> MemoryStore:
        """The store of ``tenant`` in the same in-memory database."""
        return MemoryStore(tenant, _database=self._database)

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
