"""An in-memory store: for tests and throwaway use (``Kit.open("memory://")``).

It keeps the same guarantees as the SQL store within one process: writers are serialised
by a lock, and a failing unit of work is undone through an undo log, so a batch is
all-or-nothing. The session is one mixin per protocol slice over shared tables (goals read
consent, as on SQL).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from typing import Any

import attrs

from motivekit.goals._model import GoalState, GoalStatus
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
    forgotten_digest,
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
        self.contributions: dict[str, StoredContribution] = {}
        self.referrers: dict[str, str] = {}
        self.identity_groups: dict[str, str] = {}
        self.feed: dict[tuple[str, int], FeedGroup] = {}
        self.feed_keys: dict[tuple[str, str], int] = {}
        self.items: dict[tuple[int, int], ImpactItem] = {}
        self.impact_prefs: dict[str, ImpactPrefs] = {}
        self.missions: dict[str, StoredMission] = {}
        self.mission_parts: dict[tuple[str, str], int] = {}
        self.forgotten: dict[bytes, bool] = {}


class _MemoryBase:
    """The tables, and the undo log that makes a unit of work all-or-nothing."""

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


class _MemoryJournal(_MemoryBase):
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


class _MemoryGoals(_MemoryBase):
    """:class:`~motivekit.store.GoalsSession` in memory."""

    def goal(self, goal_id: str) -> GoalState | None:
        return self._t.goals.get(goal_id)

    def goals(self, owner: str | None = None, status: str | None = None) -> list[GoalState]:
        found = [
            g
            for g in self._t.goals.values()
            if (owner is None or g.owner == owner) and (status is None or g.status == status)
        ]
        return sorted(found, key=lambda g: g.created_seq)

    def active_goals(self, owners: Collection[str], kinds: Collection[str]) -> list[GoalState]:
        owners, kinds = set(owners), set(kinds)
        return [
            g
            for g in self._t.goals.values()
            if g.owner in owners and g.status is GoalStatus.ACTIVE and g.measure.event in kinds
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


class _MemoryConsent(_MemoryBase):
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


class _MemorySkills(_MemoryBase):
    """:class:`~motivekit.store.SkillsSession` in memory."""

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


class _MemoryImpact(_MemoryBase):
    """:class:`~motivekit.store.ImpactSession` in memory (scans are fine here: this store
    is for tests and experiments)."""

    def contributions(self, ids: Collection[str]) -> dict[str, StoredContribution]:
        found = self._t.contributions
        return {i: found[i] for i in ids if i in found}

    def add_contributions(self, contributions: Sequence[StoredContribution]) -> None:
        self._writable()
        for c in contributions:
            if c.id not in self._t.contributions:
                self._put(self._t.contributions, c.id, c)

    def referrers(self, people: Collection[str]) -> dict[str, str]:
        found = self._t.referrers
        return {p: found[p] for p in people if p in found}

    def add_referrals(self, referrals: Mapping[str, str]) -> None:
        self._writable()
        for person, referrer in referrals.items():
            if person not in self._t.referrers:
                self._put(self._t.referrers, person, referrer)

    def identity_groups(self, people: Collection[str]) -> dict[str, str]:
        found = self._t.identity_groups
        return {p: found[p] for p in people if p in found}

    def identity_members(self, group: str) -> list[str]:
        return sorted(p for p, g in self._t.identity_groups.items() if g == group)

    def set_identity_groups(self, groups: Mapping[str, str]) -> None:
        self._writable()
        for person, group in groups.items():
            self._put(self._t.identity_groups, person, group)

    def feed_groups(self, keys: Collection[tuple[str, str]]) -> dict[tuple[str, str], FeedGroup]:
        out = {}
        for recipient, key in keys:
            position = self._t.feed_keys.get((recipient, key))
            if position is not None:
                out[recipient, key] = self._t.feed[recipient, position]
        return out

    def save_feed_groups(self, groups: Sequence[FeedGroup]) -> None:
        self._writable()
        for g in groups:
            self._put(self._t.feed, (g.recipient, g.position), g)
            self._put(self._t.feed_keys, (g.recipient, g.key), g.position)

    def feed_page(self, recipient: str, before: int | None, limit: int) -> list[FeedGroup]:
        mine = sorted(
            (
                g
                for (r, p), g in self._t.feed.items()
                if r == recipient and (before is None or p < before)
            ),
            key=lambda g: g.position,
            reverse=True,
        )
        return mine[:limit]

    def add_impact_items(self, items: Sequence[ImpactItem]) -> None:
        self._writable()
        for item in items:
            self._put(self._t.items, (item.seq, item.n), item)

    def seen_beneficiaries(
        self, keys: Collection[tuple[str, int, str]]
    ) -> set[tuple[str, int, str]]:
        wanted = set(keys)
        return {
            key
            for i in self._t.items.values()
            if i.beneficiary is not None
            and (key := (i.recipient, i.position, i.beneficiary)) in wanted
        }

    def group_items(self, recipient: str, position: int, limit: int) -> list[ImpactItem]:
        found = [
            i for i in self._t.items.values() if (i.recipient, i.position) == (recipient, position)
        ]
        return sorted(found, key=lambda i: (i.seq, i.n))[:limit]

    def event_items(self, seq: int) -> list[ImpactItem]:
        return sorted((i for (s, _), i in self._t.items.items() if s == seq), key=lambda i: i.n)

    def recipient_items(self, recipient: str, after_seq: int, limit: int) -> list[ImpactItem]:
        found = [
            i for i in self._t.items.values() if i.recipient == recipient and i.seq > after_seq
        ]
        return sorted(found, key=lambda i: (i.seq, i.n))[:limit]

    def impact_prefs(self, users: Collection[str]) -> dict[str, ImpactPrefs]:
        found = self._t.impact_prefs
        return {u: found[u] for u in users if u in found}

    def save_impact_prefs(self, prefs: ImpactPrefs) -> None:
        self._writable()
        self._put(self._t.impact_prefs, prefs.user, prefs)

    def digest_people(self, after: str | None, limit: int) -> list[ImpactPrefs]:
        found = sorted(
            (
                p
                for p in self._t.impact_prefs.values()
                if p.digest is not None and (after is None or p.user > after)
            ),
            key=lambda p: p.user,
        )
        return found[:limit]

    def missions(self, ids: Collection[str]) -> dict[str, StoredMission]:
        found = self._t.missions
        return {i: found[i] for i in ids if i in found}

    def save_missions(self, missions: Sequence[StoredMission]) -> None:
        self._writable()
        for m in missions:
            self._put(self._t.missions, m.id, m)

    def mission_parts(self, keys: Collection[tuple[str, str]]) -> dict[tuple[str, str], int]:
        found = self._t.mission_parts
        return {k: found[k] for k in keys if k in found}

    def add_mission_parts(self, parts: Mapping[tuple[str, str], int]) -> None:
        self._writable()
        for key, n in parts.items():
            self._put(self._t.mission_parts, key, self._t.mission_parts.get(key, 0) + n)

    def mission_contributors(
        self, mission: str, after: str | None, limit: int
    ) -> list[tuple[str, int]]:
        found = sorted(
            (u, n)
            for (m, u), n in self._t.mission_parts.items()
            if m == mission and (after is None or u > after)
        )
        return found[:limit]

    def impact_counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for item in self._t.items.values():
            counts[item.recipient] = counts.get(item.recipient, 0) + 1
        return counts

    def forget_impact(self, user: str) -> int:
        self._writable()
        t = self._t
        for place in [k for k, g in t.feed.items() if g.recipient == user]:
            self._pop(t.feed, place)
        for grouping in [k for k in t.feed_keys if k[0] == user]:
            self._pop(t.feed_keys, grouping)
        mine = [k for k, i in t.items.items() if i.recipient == user]
        for item_key in mine:
            self._pop(t.items, item_key)
        touched: set[tuple[str, int]] = set()
        for item_key, item in list(t.items.items()):
            if item.beneficiary == user:
                self._put(t.items, item_key, attrs.evolve(item, beneficiary=None))
                touched.add((item.recipient, item.position))
        for place in touched:
            group = t.feed[place]
            names = tuple(None if n == user else n for n in group.names)
            self._put(t.feed, place, attrs.evolve(group, names=names))
        for cid, c in list(t.contributions.items()):
            if c.owner == user:
                self._put(t.contributions, cid, attrs.evolve(c, owner=None))
        for person, referrer in list(t.referrers.items()):
            if person == user or referrer == user:
                self._pop(t.referrers, person)
        for table in (t.identity_groups, t.impact_prefs):
            if user in table:
                self._pop(table, user)
        for part in [k for k in t.mission_parts if k[1] == user]:
            self._pop(t.mission_parts, part)
        self._put(t.forgotten, forgotten_digest(user), True)
        return len(mine)

    def forgotten(self, people: Collection[str]) -> set[str]:
        return {p for p in people if forgotten_digest(p) in self._t.forgotten}

    def clear_impact(self) -> None:
        t = self._t
        for table in (
            t.contributions,
            t.referrers,
            t.feed,
            t.feed_keys,
            t.items,
            t.missions,
            t.mission_parts,
        ):
            self._clear(table)


class _MemorySession(_MemoryJournal, _MemoryGoals, _MemoryConsent, _MemorySkills, _MemoryImpact):
    """One unit of work on the in-memory tables: every slice of the session protocol."""


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
