"""The SQL session: one unit of work on one connection, one mixin per protocol slice.

Every statement comes prebuilt from ``_statements.py`` (``self._q``). Everything the
record path runs (the lookups of a batch's keys, bound as one JSON array; appending
entries and moving the head; the projection writes, one ``executemany`` or one set-wise
statement each) skips SQLAlchemy's per-call work and runs on the driver's own cursor,
compiled once per dialect (``_execute.SessionBase``); driver errors there become
``StoreError`` like any other database error. The rest (queries for one person,
replay, erasure) goes through Core.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping, Sequence
from datetime import date, datetime

import sqlalchemy as sa

from motivekit._time import from_micros, to_micros
from motivekit.goals._model import GoalState, GoalStatus, Watched, WatchedGoal
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
from motivekit.store.sql._execute import SessionBase, date_param, json_array
from motivekit.store.sql._rows import (
    CONTRIBUTION_COLUMNS,
    ENTRY_COLUMNS,
    FEED_COLUMNS,
    IDENTITY_COLUMNS,
    IMPACT_ITEM_COLUMNS,
    ITEM_COLUMNS,
    MISSION_COLUMNS,
    PART_COLUMNS,
    REFERRAL_COLUMNS,
    SKILL_COLUMNS,
    contribution_from_row,
    contribution_row,
    entry_from_row,
    feed_from_row,
    feed_row,
    goal_from_row,
    goal_row,
    impact_item_from_row,
    impact_item_row,
    json_list,
    measure_of,
    micros_or_none,
    prefs_from_row,
    skill_from_row,
    skill_row,
)
from motivekit.store.sql._schema import journal
from motivekit.store.sql._statements import Statements
from motivekit.store.sql.dialects import KEYS

__all__ = ["SqlSession"]


class _JournalSession(SessionBase):
    """:class:`~motivekit.store.JournalSession` on SQL."""

    def known_events(self, event_ids: Collection[str]) -> dict[str, int]:
        return dict(self._keyed(self._q.known_events, event_ids))

    def has_head(self) -> bool:
        """Whether this tenant has its log head row (made by :meth:`create_head`)."""
        return bool(self._fetch(self._q.head_size))

    def create_head(self) -> None:
        """Create this tenant's empty log head row unless it exists."""
        self._run(self._q.create_head, id=1, size=0, frontier=b"")

    def head(self) -> tuple[int, bytes]:
        ((size, frontier),) = self._fetch(self._q.head)
        return int(size), bytes(frontier)

    def advance_head(self, old_size: int, new_size: int, frontier: bytes) -> bool:
        # The conditional UPDATE takes the head row's write lock: sequence numbers stay
        # gapless and unique even with several writer processes.
        # On every append: on the driver's cursor, compiled once (as for scan).
        params = {"old": old_size, "new": new_size, "frontier": frontier}
        return self._run(self._q.advance_head, **params) == 1

    def append(self, entries: Sequence[StoredEntry]) -> None:
        if not entries:
            return
        # Every entry ever written passes here: rows go to the driver as plain tuples.
        rows = [
            (
                e.seq,
                e.type,
                e.name,
                e.event_id,
                to_micros(e.recorded_at),
                e.raw,
                e.leaf_hash,
                e.subject,
                e.personal,
            )
            for e in entries
        ]
        if not self._driver_copy(journal, ENTRY_COLUMNS, rows):
            self._driver_many(self._q.insert_entry, ENTRY_COLUMNS, rows)

    def add_tiles(self, nodes: Sequence[tuple[int, int, bytes]]) -> None:
        if nodes:
            self._driver_many(self._q.insert_tile, ("level", "idx", "hash"), list(nodes))

    def node_hashes(self, level: int, start: int, end: int) -> list[bytes]:
        if level == 0:  # leaf i is the entry with seq i + 1
            rows = self._execute(self._q.leaf_hashes, {"start": start, "end": end})
        else:
            rows = self._execute(self._q.tile_hashes, {"level": level, "start": start, "end": end})
        return [bytes(r[0]) for r in rows]

    def erase_personal(self, subject: str) -> int:
        erased = self._execute(self._q.erase_personal, {"b_subject": subject})
        return int(erased.rowcount)

    def subjects(self, after: str | None, limit: int) -> list[str]:
        if after is None:
            rows = self._execute(self._q.subjects_first, {"limit": limit})
        else:
            rows = self._execute(self._q.subjects_after, {"after": after, "limit": limit})
        return [row[0] for row in rows]

    def subject_entries(self, subject: str) -> list[StoredEntry]:
        rows = self._execute(self._q.subject_entries, {"subject": subject})
        return [entry_from_row(r._mapping) for r in rows]

    def replay_state(self) -> ReplayState | None:
        # Read on every record that folds skills or impact: on the driver.
        found = self._fetch_mappings(self._q.last_replay)
        if not found:
            return None
        row = found[0]
        finished = None if row["finished_at"] is None else from_micros(row["finished_at"])
        return ReplayState(
            row["version"],
            row["cursor"],
            row["people_done"],
            from_micros(row["started_at"]),
            finished,
            row["mastery_seq"],
        )

    def save_replay_state(self, state: ReplayState) -> None:
        row = {
            "cursor": state.cursor,
            "people_done": state.people_done,
            "started_at": to_micros(state.started_at),
            "finished_at": None if state.finished_at is None else to_micros(state.finished_at),
            "mastery_seq": state.mastery_seq,
        }
        updated = self._execute(self._q.update_replay, {"b_version": state.version, **row})
        if updated.rowcount == 0:
            self._execute(self._q.insert_replay, {"version": state.version, **row})

    def add_checkpoint(self, checkpoint: StoredCheckpoint) -> None:
        self._execute(self._q.delete_checkpoint, {"size": checkpoint.size})
        row = {
            "size": checkpoint.size,
            "note": checkpoint.note,
            "created_at": to_micros(checkpoint.created_at),
        }
        self._execute(self._q.insert_checkpoint, row)

    def checkpoints(self) -> list[StoredCheckpoint]:
        rows = self._execute(self._q.checkpoints)
        return [StoredCheckpoint(r.size, r.note, from_micros(r.created_at)) for r in rows]

    def entries(self, after: int, limit: int) -> list[StoredEntry]:
        rows = self._execute(self._q.entries_after, {"after": after, "limit": limit})
        return [entry_from_row(r._mapping) for r in rows]

    def scan(self, after: int, limit: int) -> list[tuple[int, bytes, bytes, bytes | None]]:
        # A full verification reads every entry: straight from the driver's cursor, the
        # statement compiled once, rows as the driver's own tuples (half the cost).
        cursor = self._driver(self._q.scan, {"after": after, "limit": limit})
        try:
            rows: list[tuple[int, bytes, bytes, bytes | None]] = cursor.fetchall()
            return rows  # the driver gives BLOBs as bytes already
        finally:
            cursor.close()

    def last_entries(self, limit: int) -> list[StoredEntry]:
        rows = self._execute(self._q.last_entries, {"limit": limit})
        return [entry_from_row(r._mapping) for r in rows][::-1]

    def journal_size(self) -> int:
        return int(self._execute(self._q.head_size).scalar_one())


class _GoalsSession(SessionBase):
    """:class:`~motivekit.store.GoalsSession` on SQL."""

    def goal(self, goal_id: str) -> GoalState | None:
        row = self._execute(self._q.goal, {"goal": goal_id}).first()
        return None if row is None else goal_from_row(row._mapping)

    def goals(self, owner: str | None = None, status: str | None = None) -> list[GoalState]:
        if owner is not None and status is None:
            rows = self._execute(self._q.owner_goals, {"owner": owner})
            return [goal_from_row(r._mapping) for r in rows]
        if owner is None and status is None:
            rows = self._execute(self._q.all_goals)
        elif owner is None:
            rows = self._execute(self._q.goals_by_status, {"status": status})
        else:
            params = {"owner": owner, "status": status}
            rows = self._execute(self._q.owner_goals_by_status, params)
        return [goal_from_row(r._mapping) for r in rows]

    def active_goals(self, owners: Collection[str], kinds: Collection[str]) -> list[Watched]:
        if not owners or not kinds:
            return []
        keys = {KEYS: json_array(set(owners)), "kinds": json_array(set(kinds))}
        active = GoalStatus.ACTIVE
        return [
            WatchedGoal(goal, owner, measure_of(measure), tz, active, from_micros(at), total)
            for goal, owner, measure, tz, at, total in self._fetch(self._q.active_goals, **keys)
        ]

    def save_goal(self, goal: GoalState) -> None:
        row = goal_row(goal)
        if self._execute(self._q.update_goal, {"b_id": goal.id, **row}).rowcount == 0:
            self._execute(self._q.insert_goal, row)

    def insert_goals(self, new: Sequence[GoalState]) -> None:
        if new:
            self._execute(self._q.insert_goal, [goal_row(g) for g in new])

    def delete_goals(self, owner: str) -> int:
        self._execute(self._q.delete_goal_days, {"owner": owner})
        return int(self._execute(self._q.delete_goals, {"owner": owner}).rowcount)

    def add_goal_counts(
        self, totals: Mapping[str, int], days: Mapping[tuple[str, date], int]
    ) -> None:
        # Every counted event passes here, on the driver: the totals in one statement
        # (a goal is one row of the JSON array), the days in one too where the dialect
        # does that faster than an executemany.
        if totals:
            self._run(self._q.add_totals, **{KEYS: json_array(list(totals.items()))})
        if days and self._q.dialect.set_wise_upserts:
            counted = [(g, d.isoformat(), n) for (g, d), n in days.items()]
            self._run(self._q.add_days, **{KEYS: json_array(counted)})
        elif days:
            day = date_param(self._conn.dialect)
            rows = [(g, day(d), n) for (g, d), n in days.items()]
            self._driver_many(self._q.add_day, ("goal_id", "day", "count"), rows)

    def day_counts(
        self, goal_ids: Collection[str], start: date, end: date
    ) -> dict[tuple[str, date], int]:
        if not goal_ids:
            return {}
        rows = self._fetch(
            self._q.day_counts, **{KEYS: json_array(set(goal_ids))}, start=start, end=end
        )
        return {(goal, day): int(n) for goal, day, n in rows}

    def goal_days(self, goal_ids: Collection[str]) -> dict[tuple[str, date], int]:
        rows = self._keyed(self._q.goal_days, set(goal_ids))
        return {(goal, day): int(n) for goal, day, n in rows}


class _ConsentSession(SessionBase):
    """:class:`~motivekit.store.ConsentSession` on SQL."""

    def consents(self, users: Collection[str]) -> dict[str, dict[str, bool]]:
        found: dict[str, dict[str, bool]] = {}
        for user_id, mechanic, enabled in self._keyed(self._q.consents, set(users)):
            found.setdefault(user_id, {})[mechanic] = bool(enabled)
        return found

    def delete_consents(self, user: str) -> None:
        self._execute(self._q.delete_consents, {"user": user})

    def set_consent(self, user: str, mechanic: str, enabled: bool, at: datetime) -> None:
        self._execute(self._q.delete_consent, {"user": user, "mechanic": mechanic})
        row = {"user_id": user, "mechanic": mechanic, "enabled": enabled}
        self._execute(self._q.insert_consent, {**row, "updated_at": to_micros(at)})


class _SkillsSession(SessionBase):
    """:class:`~motivekit.store.SkillsSession` on SQL."""

    def skills(self, keys: Collection[tuple[str, str]]) -> dict[tuple[str, str], StoredSkill]:
        found = (skill_from_row(m) for m in self._keyed_mappings(self._q.skills, set(keys)))
        return {(s.user, s.track): s for s in found}

    def user_skills(self, user: str) -> list[StoredSkill]:
        rows = self._execute(self._q.user_skills, {"user": user})
        return [skill_from_row(r._mapping) for r in rows]

    def all_skills(self, after: tuple[str, str] | None, limit: int) -> list[StoredSkill]:
        if after is None:
            rows = self._execute(self._q.skills_first, {"limit": limit})
        else:
            params = {"user": after[0], "track": after[1], "limit": limit}
            rows = self._execute(self._q.skills_after, params)
        return [skill_from_row(r._mapping) for r in rows]

    def save_skills(self, skills: Sequence[StoredSkill]) -> None:
        # Every piece of evidence passes here: one upsert, rows to the driver as tuples.
        if skills:
            self._driver_many(self._q.save_skills, SKILL_COLUMNS, [skill_row(s) for s in skills])

    def skill_items(
        self, keys: Collection[tuple[str, str]]
    ) -> dict[tuple[str, str], tuple[float, int]]:
        rows = self._keyed_mappings(self._q.skill_items, set(keys))
        return {(r["track"], r["item"]): (r["d"], r["n"]) for r in rows}

    def save_skill_items(self, items: Mapping[tuple[str, str], tuple[float, int]]) -> None:
        if items:
            rows = [(track, item, d, n) for (track, item), (d, n) in items.items()]
            self._driver_many(self._q.save_skill_items, ITEM_COLUMNS, rows)

    def skill_bands(self, keys: Collection[tuple[str, str]]) -> dict[tuple[str, str], SkillBand]:
        rows = self._keyed_mappings(self._q.skill_bands, set(keys))
        return {
            (r["user_id"], r["track"]): SkillBand(r["low"], r["high"], r["target"]) for r in rows
        }

    def set_skill_band(self, user: str, track: str, band: SkillBand | None, at: datetime) -> None:
        self._execute(self._q.delete_skill_band, {"user": user, "track": track})
        if band is not None:
            row = {"low": band.low, "high": band.high, "target": band.target}
            self._execute(
                self._q.insert_skill_band,
                {"user_id": user, "track": track, **row, "updated_at": to_micros(at)},
            )

    def user_bands(self, user: str) -> dict[str, SkillBand]:
        rows = self._execute(self._q.user_bands, {"user": user})
        return {track: SkillBand(low, high, target) for track, low, high, target in rows}

    def delete_skills(self, user: str) -> int:
        self._execute(self._q.delete_user_bands, {"user": user})
        return int(self._execute(self._q.delete_user_skills, {"user": user}).rowcount)

    def clear_mastery(self) -> None:
        for statement in self._q.clear_mastery:
            self._execute(statement)


class _ImpactSession(SessionBase):
    """:class:`~motivekit.store.ImpactSession` on SQL."""

    def __init__(self, conn: sa.Connection, statements: Statements, tenant: str) -> None:
        super().__init__(conn, statements, tenant)
        self._referred: dict[str, str | None] = {}
        """Referrers read with contributions in this unit of work (None: no referrer), by
        owner: :meth:`referrers` answers them without a read. Forgotten whenever this
        session writes referrals (:meth:`add_referrals`, :meth:`forget_impact`,
        :meth:`clear_impact`)."""

    def contributions(self, ids: Collection[str]) -> dict[str, StoredContribution]:
        found = {}
        referred = self._referred
        for row in self._keyed_mappings(self._q.contributions, set(ids)):
            c = contribution_from_row(row)
            found[c.id] = c
            if c.owner is not None:
                referred[c.owner] = row["referrer"]
        return found

    def add_contributions(self, contributions: Sequence[StoredContribution]) -> None:
        if contributions:
            rows = [contribution_row(c) for c in contributions]
            self._driver_many(self._q.add_contributions, CONTRIBUTION_COLUMNS, rows)

    def owned_contributions(self, owner: str) -> list[StoredContribution]:
        rows = self._execute(self._q.owned_contributions, {"user": owner})
        return [contribution_from_row(r._mapping) for r in rows]

    def referrers(self, people: Collection[str]) -> dict[str, str]:
        referred = self._referred
        missing = {p for p in people if p not in referred}
        found = dict(self._keyed(self._q.referrers, missing))
        for p in people:
            if p not in missing and (r := referred[p]) is not None:
                found[p] = r
        return found

    def add_referrals(self, referrals: Mapping[str, str]) -> None:
        self._referred.clear()
        if referrals:
            self._driver_many(self._q.add_referrals, REFERRAL_COLUMNS, list(referrals.items()))

    def identity_groups(self, people: Collection[str]) -> dict[str, str]:
        return dict(self._keyed(self._q.identity_groups, set(people)))

    def identity_members(self, group: str) -> list[str]:
        return [r[0] for r in self._execute(self._q.identity_members, {"group": group})]

    def set_identity_groups(self, groups: Mapping[str, str]) -> None:
        if groups:
            self._driver_many(self._q.set_identity_groups, IDENTITY_COLUMNS, list(groups.items()))

    def feed_groups(self, keys: Collection[tuple[str, str]]) -> dict[tuple[str, str], FeedGroup]:
        found = map(feed_from_row, self._keyed_mappings(self._q.feed_groups, set(keys)))
        return {(g.recipient, g.key): g for g in found}

    def save_feed_groups(self, groups: Sequence[FeedGroup]) -> None:
        if groups:
            week = date_param(self._conn.dialect)
            rows = [feed_row(g, week) for g in groups]
            self._driver_many(self._q.save_feed_groups, FEED_COLUMNS, rows)

    def feed_page(self, recipient: str, before: int | None, limit: int) -> list[FeedGroup]:
        if before is None:
            rows = self._execute(self._q.feed_first, {"recipient": recipient, "limit": limit})
        else:
            params = {"recipient": recipient, "before": before, "limit": limit}
            rows = self._execute(self._q.feed_before, params)
        return [feed_from_row(r._mapping) for r in rows]

    def add_impact_items(self, items: Sequence[ImpactItem]) -> None:
        if items:
            rows = [impact_item_row(i) for i in items]
            self._driver_many(self._q.add_impact_items, IMPACT_ITEM_COLUMNS, rows)

    def seen_beneficiaries(
        self, keys: Collection[tuple[str, int, str]]
    ) -> set[tuple[str, int, str]]:
        return {(r, p, b) for r, p, b in self._keyed(self._q.seen_beneficiaries, set(keys))}

    def group_items(self, recipient: str, position: int, limit: int) -> list[ImpactItem]:
        params = {"recipient": recipient, "position": position, "limit": limit}
        rows = self._execute(self._q.group_items, params)
        return [impact_item_from_row(r._mapping) for r in rows]

    def event_items(self, seq: int) -> list[ImpactItem]:
        rows = self._execute(self._q.event_items, {"seq": seq})
        return [impact_item_from_row(r._mapping) for r in rows]

    def recipient_items(self, recipient: str, after_seq: int, limit: int) -> list[ImpactItem]:
        params = {"recipient": recipient, "after": after_seq, "limit": limit}
        rows = self._execute(self._q.recipient_items, params)
        return [impact_item_from_row(r._mapping) for r in rows]

    def beneficiary_items(self, beneficiary: str) -> list[ImpactItem]:
        rows = self._execute(self._q.beneficiary_items, {"user": beneficiary})
        return [impact_item_from_row(r._mapping) for r in rows]

    def impact_prefs(self, users: Collection[str]) -> dict[str, ImpactPrefs]:
        found = map(prefs_from_row, self._keyed_mappings(self._q.impact_prefs, set(users)))
        return {p.user: p for p in found}

    def save_impact_prefs(self, prefs: ImpactPrefs) -> None:
        row = {
            "user_id": prefs.user,
            "visibility": prefs.visibility,
            "digest": prefs.digest,
            "digest_seq": prefs.digest_seq,
            "digest_at": micros_or_none(prefs.digest_at),
        }
        self._execute(self._q.save_impact_prefs, row)

    def digest_people(self, after: str | None, limit: int) -> list[ImpactPrefs]:
        if after is None:
            rows = self._execute(self._q.digest_first, {"limit": limit})
        else:
            rows = self._execute(self._q.digest_after, {"after": after, "limit": limit})
        return [prefs_from_row(r._mapping) for r in rows]

    def missions(self, ids: Collection[str]) -> dict[str, StoredMission]:
        return {
            mission: StoredMission(mission, total, tuple(json.loads(announced)))
            for mission, total, announced in self._keyed(self._q.missions, set(ids))
        }

    def save_missions(self, missions: Sequence[StoredMission]) -> None:
        if missions:
            rows = [(m.id, m.total, json_list(m.announced)) for m in missions]
            self._driver_many(self._q.save_missions, MISSION_COLUMNS, rows)

    def mission_parts(self, keys: Collection[tuple[str, str]]) -> dict[tuple[str, str], int]:
        rows = self._keyed(self._q.mission_parts, set(keys))
        return {(mission, user): count for mission, user, count in rows}

    def add_mission_parts(self, parts: Mapping[tuple[str, str], int]) -> None:
        if parts:
            rows = [(mission, user, n) for (mission, user), n in parts.items()]
            self._driver_many(self._q.add_mission_parts, PART_COLUMNS, rows)

    def mission_contributors(
        self, mission: str, after: str | None, limit: int
    ) -> list[tuple[str, int]]:
        if after is None:
            rows = self._execute(self._q.contributors_first, {"mission": mission, "limit": limit})
        else:
            params = {"mission": mission, "after": after, "limit": limit}
            rows = self._execute(self._q.contributors_after, params)
        return [(r[0], int(r[1])) for r in rows]

    def user_mission_parts(self, user: str) -> dict[str, int]:
        rows = self._execute(self._q.user_mission_parts, {"user": user})
        return {mission: int(count) for mission, count in rows}

    def impact_counts(self) -> dict[str, int]:
        return {r[0]: int(r[1]) for r in self._execute(self._q.impact_counts)}

    def forget_impact(self, user: str) -> int:
        self._referred.clear()
        by_user = {"user": user}
        deleted = int(self._execute(self._q.delete_user_items, by_user).rowcount)
        self._execute(self._q.delete_user_feed, by_user)
        # Others' feed entries that name them: read them, put None in their place, write.
        renamed = []
        for recipient, position, text in self._execute(self._q.named_in_feed, by_user):
            names = json.loads(text)
            if user in names:
                forgotten = [None if n == user else n for n in names]
                row = {"b_recipient": recipient, "b_position": position}
                renamed.append({**row, "names": json_list(forgotten)})
        if renamed:
            self._execute(self._q.set_feed_names, renamed)
        self._execute(self._q.forget_beneficiary, by_user)
        self._execute(self._q.forget_owner, by_user)
        for statement in self._q.forget_person:
            self._execute(statement, by_user)
        self._execute(self._q.add_forgotten, {"digest": forgotten_digest(user)})
        return deleted

    def forgotten(self, people: Collection[str]) -> set[str]:
        digests = {forgotten_digest(p): p for p in people}
        rows = self._keyed(self._q.forgotten, [d.hex() for d in digests])
        return {digests[bytes(digest)] for (digest,) in rows}

    def clear_impact(self) -> None:
        self._referred.clear()
        for statement in self._q.clear_impact:
            self._execute(statement)


class SqlSession(_JournalSession, _GoalsSession, _ConsentSession, _SkillsSession, _ImpactSession):
    """One unit of work on a SQL database: every slice of :class:`~motivekit.store.Session`."""
