"""The SQLAlchemy 2 store: SQLite (the embedded default); PostgreSQL and MariaDB later.

SQLite runs in WAL mode with ``synchronous=FULL`` (a committed event survives power loss)
unless the host opts out, and every write is a ``BEGIN IMMEDIATE`` transaction, so several
threads and processes can share one file without "database is locked" surprises mid-write.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal, cast

import sqlalchemy as sa
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import make_url
from sqlalchemy.pool import StaticPool

from motivekit._canonical import canonical_bytes
from motivekit._errors import ConfigError, SchemaOutOfDate, StoreError
from motivekit._time import from_micros, to_micros
from motivekit.goals._model import GoalState, GoalStatus, Measure, Plan
from motivekit.store import _migrate
from motivekit.store._protocol import (
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
    chunked,
    forgotten_digest,
)
from motivekit.store._schema import (
    checkpoints,
    consents,
    forgotten,
    goal_days,
    goals,
    identity_groups,
    impact_contributions,
    impact_feed,
    impact_items,
    impact_prefs,
    impact_referrals,
    journal,
    log_head,
    mission_parts,
    missions,
    replays,
    skill_bands,
    skill_items,
    skills,
    tree_tiles,
)

__all__ = ["SqlStore"]

Synchronous = Literal["OFF", "NORMAL", "FULL", "EXTRA"]
_IN_CHUNK = 500
_WRITE = "motivekit_write"


def _json_text(value: Any) -> str:
    return canonical_bytes(value).decode("utf-8")


def _goal_row(goal: GoalState) -> dict[str, Any]:
    return {
        "id": goal.id,
        "owner": goal.owner,
        "status": goal.status.value,
        "event_kind": goal.measure.event,
        "title": goal.title,
        "measure": _json_text(goal.measure.to_json()),
        "why": goal.why,
        "plan": None if goal.plan is None else _json_text(goal.plan.to_json()),
        "visibility": goal.visibility,
        "tz": goal.tz,
        "template_id": goal.template_id,
        "created_at": to_micros(goal.created_at),
        "updated_at": to_micros(goal.updated_at),
        "total": goal.total,
        "created_seq": goal.created_seq,
    }


@lru_cache(maxsize=4096)
def _measure(text: str) -> Measure:
    return Measure.coerce(json.loads(text))


@lru_cache(maxsize=4096)
def _plan(text: str) -> Plan | None:
    return Plan.coerce(json.loads(text))


def _goal_from_row(row: sa.Row[Any]) -> GoalState:
    m = row._mapping
    return GoalState(
        id=m["id"],
        owner=m["owner"],
        title=m["title"],
        measure=_measure(m["measure"]),
        why=m["why"],
        plan=None if m["plan"] is None else _plan(m["plan"]),
        visibility=m["visibility"],
        tz=m["tz"],
        status=GoalStatus(m["status"]),
        template_id=m["template_id"],
        created_at=from_micros(m["created_at"]),
        updated_at=from_micros(m["updated_at"]),
        total=m["total"],
        created_seq=m["created_seq"],
    )


def _skill_row(skill: StoredSkill) -> tuple[Any, ...]:
    """A skill state as a row in ``_SKILL_COLUMNS`` order. ``recent`` is a JSON list:
    ``json`` writes a float as its ``repr``, so it reads back exactly."""
    return (
        skill.user,
        skill.track,
        skill.evidence,
        skill.successes,
        skill.theta,
        skill.p_known,
        skill.at_difficulty,
        None if skill.last_at is None else to_micros(skill.last_at),
        json.dumps([float(x) for x in skill.recent], separators=(",", ":")),
        skill.seq,
        skill.level,
    )


def _skill_from_row(row: sa.Row[Any]) -> StoredSkill:
    m = row._mapping
    last_at = m["last_at"]
    return StoredSkill(
        user=m["user_id"],
        track=m["track"],
        evidence=m["evidence"],
        successes=m["successes"],
        theta=m["theta"],
        p_known=m["p_known"],
        at_difficulty=m["at_difficulty"],
        last_at=None if last_at is None else from_micros(last_at),
        recent=tuple(json.loads(m["recent"])),
        seq=m["seq"],
        level=m["level"],
    )


def _json_list(values: Sequence[Any]) -> str:
    """A tuple as a compact JSON list (``json`` writes floats as their ``repr``)."""
    return json.dumps(list(values), separators=(",", ":"))


def _micros_or_none(instant: datetime | None) -> int | None:
    return None if instant is None else to_micros(instant)


def _contribution_row(c: StoredContribution) -> tuple[Any, ...]:
    """A contribution as a row in ``_CONTRIBUTION_COLUMNS`` order."""
    return (c.id, c.owner, c.kind, c.noun, _json_list(c.parents), c.seq, to_micros(c.at))


def _contribution_from_row(row: sa.Row[Any]) -> StoredContribution:
    m = row._mapping
    return StoredContribution(
        id=m["id"],
        owner=m["owner"],
        kind=m["kind"],
        noun=m["noun"],
        parents=tuple(json.loads(m["parents"])),
        seq=m["seq"],
        at=from_micros(m["at"]),
    )


def _feed_row(g: FeedGroup, week: Callable[[date], Any]) -> tuple[Any, ...]:
    """A feed entry as a row in ``_FEED_COLUMNS`` order; ``week`` makes the driver's date."""
    return (
        g.recipient,
        g.position,
        g.key,
        g.kind,
        g.contribution,
        g.noun,
        g.story,
        week(g.week),
        g.items,
        g.people,
        _json_list(g.names),
        to_micros(g.first_at),
        to_micros(g.last_at),
        g.last_seq,
        g.depth,
    )


def _feed_from_row(row: sa.Row[Any]) -> FeedGroup:
    m = row._mapping
    return FeedGroup(
        recipient=m["recipient"],
        position=m["position"],
        key=m["group_key"],
        kind=m["kind"],
        contribution=m["contribution"],
        noun=m["noun"],
        story=m["story"],
        week=m["week"],
        items=m["items"],
        people=m["people"],
        names=tuple(json.loads(m["names"])),
        first_at=from_micros(m["first_at"]),
        last_at=from_micros(m["last_at"]),
        last_seq=m["last_seq"],
        depth=m["depth"],
    )


def _impact_item_row(i: ImpactItem) -> tuple[Any, ...]:
    """An impact item as a row in ``_IMPACT_ITEM_COLUMNS`` order."""
    return (
        i.seq,
        i.n,
        i.recipient,
        i.position,
        i.root,
        i.node,
        i.beneficiary,
        i.depth,
        i.share,
        to_micros(i.at),
    )


def _impact_item_from_row(row: sa.Row[Any]) -> ImpactItem:
    m = row._mapping
    return ImpactItem(
        recipient=m["recipient"],
        seq=m["seq"],
        n=m["n"],
        position=m["position"],
        root=m["root"],
        node=m["node"],
        beneficiary=m["beneficiary"],
        depth=m["depth"],
        share=m["share"],
        at=from_micros(m["at"]),
    )


def _prefs_from_row(row: sa.Row[Any]) -> ImpactPrefs:
    m = row._mapping
    digest_at = m["digest_at"]
    return ImpactPrefs(
        user=m["user_id"],
        visibility=m["visibility"],
        digest=m["digest"],
        digest_seq=m["digest_seq"],
        digest_at=None if digest_at is None else from_micros(digest_at),
    )


def _entry_from_row(row: sa.Row[Any]) -> StoredEntry:
    m = row._mapping
    personal = m["personal"]
    return StoredEntry(
        seq=m["seq"],
        type=m["type"],
        name=m["name"],
        event_id=m["event_id"],
        recorded_at=from_micros(m["recorded_at"]),
        raw=bytes(m["entry"]),
        leaf_hash=bytes(m["leaf_hash"]),
        subject=m["subject"],
        personal=None if personal is None else bytes(personal),
    )


# Statements are built once: building and cache-keying a Core statement costs more than
# SQLite takes to run it. IN-lists use expanding bind parameters.
_ids: sa.BindParameter[Any] = sa.bindparam("ids", expanding=True)
_KNOWN_EVENTS = sa.select(journal.c.event_id, journal.c.seq).where(journal.c.event_id.in_(_ids))
_HEAD = sa.select(log_head.c.size, log_head.c.frontier).where(log_head.c.id == 1)
_HEAD_SIZE = sa.select(log_head.c.size).where(log_head.c.id == 1)
_ADVANCE_HEAD = (
    log_head.update()
    .where(log_head.c.id == 1, log_head.c.size == sa.bindparam("old", type_=sa.BigInteger))
    .values(
        size=sa.bindparam("new", type_=sa.BigInteger),
        frontier=sa.bindparam("frontier", type_=sa.LargeBinary),
    )
)
_ENTRY_COLUMNS = (
    "seq",
    "type",
    "name",
    "event_id",
    "recorded_at",
    "entry",
    "leaf_hash",
    "subject",
    "personal",
)
_INSERT_ENTRY = journal.insert().values({c: sa.bindparam(c) for c in _ENTRY_COLUMNS})
_INSERT_TILE = tree_tiles.insert()
_LEAF_HASHES = (
    sa.select(journal.c.leaf_hash)
    .where(journal.c.seq > sa.bindparam("start"), journal.c.seq <= sa.bindparam("end"))
    .order_by(journal.c.seq)
)
_TILE_HASHES = (
    sa.select(tree_tiles.c.hash)
    .where(
        tree_tiles.c.level == sa.bindparam("level"),
        tree_tiles.c.idx >= sa.bindparam("start"),
        tree_tiles.c.idx < sa.bindparam("end"),
    )
    .order_by(tree_tiles.c.idx)
)
_ENTRIES_AFTER = (
    sa.select(journal)
    .where(journal.c.seq > sa.bindparam("after"))
    .order_by(journal.c.seq)
    .limit(sa.bindparam("limit"))
)
_SCAN = (
    sa.select(journal.c.seq, journal.c.entry, journal.c.leaf_hash, journal.c.personal)
    .where(journal.c.seq > sa.bindparam("after"))
    .order_by(journal.c.seq)
    .limit(sa.bindparam("limit"))
)
_LAST_ENTRIES = sa.select(journal).order_by(journal.c.seq.desc()).limit(sa.bindparam("limit"))
_GOAL = sa.select(goals).where(goals.c.id == sa.bindparam("goal"))
_goals_consent = consents.alias("goals_consent")
_ACTIVE_GOALS = (
    sa.select(goals)
    .outerjoin(
        _goals_consent,
        sa.and_(_goals_consent.c.user_id == goals.c.owner, _goals_consent.c.mechanic == "goals"),
    )
    .where(
        goals.c.owner.in_(_ids),
        goals.c.status == GoalStatus.ACTIVE.value,
        goals.c.event_kind.in_(sa.bindparam("kinds", expanding=True)),
        sa.func.coalesce(_goals_consent.c.enabled, sa.bindparam("default", type_=sa.Boolean))
        == sa.true(),
    )
)
_ADD_TOTAL = (
    goals.update()
    .where(goals.c.id == sa.bindparam("goal"))
    .values(total=goals.c.total + sa.bindparam("n", type_=sa.BigInteger))
)
_day_insert = sqlite_insert(goal_days)
_ADD_DAY = _day_insert.on_conflict_do_update(
    index_elements=[goal_days.c.goal_id, goal_days.c.day],
    set_={"count": goal_days.c.count + _day_insert.excluded.count},
)
_DAY_COUNTS = sa.select(goal_days.c.goal_id, goal_days.c.day, goal_days.c.count).where(
    goal_days.c.goal_id.in_(_ids),
    goal_days.c.day >= sa.bindparam("start", type_=sa.Date),
    goal_days.c.day < sa.bindparam("end", type_=sa.Date),
)
_GOAL_DAYS = sa.select(goal_days.c.goal_id, goal_days.c.day, goal_days.c.count).where(
    goal_days.c.goal_id.in_(_ids), goal_days.c.count != 0
)
_SUBJECT_ENTRIES = (
    sa.select(journal).where(journal.c.subject == sa.bindparam("subject")).order_by(journal.c.seq)
)
_OWNER_GOALS = (
    sa.select(goals).where(goals.c.owner == sa.bindparam("owner")).order_by(goals.c.created_seq)
)
_UPDATE_GOAL = goals.update().where(goals.c.id == sa.bindparam("b_id"))
_INSERT_GOAL = goals.insert()
_DELETE_GOAL_DAYS = goal_days.delete().where(
    goal_days.c.goal_id.in_(
        sa.select(goals.c.id).where(goals.c.owner == sa.bindparam("owner")).scalar_subquery()
    )
)
_DELETE_GOALS = goals.delete().where(goals.c.owner == sa.bindparam("owner"))
_CONSENTS = sa.select(consents.c.user_id, consents.c.mechanic, consents.c.enabled).where(
    consents.c.user_id.in_(_ids)
)
# mastery: (user, track) and (track, item) keys go in as row values
_SKILL_COLUMNS = (
    "user_id",
    "track",
    "evidence",
    "successes",
    "theta",
    "p_known",
    "at_difficulty",
    "last_at",
    "recent",
    "seq",
    "level",
)
_LAST_REPLAY = sa.select(replays).order_by(replays.c.version.desc()).limit(1)


def _key_rows(width: int) -> sa.Subquery:
    """The row-value keys bound as ``:ids`` as a derived table ``k`` (columns ``column1``
    to ``column<width>``), to join on.

    ``tuple_(...).in_(:ids)`` renders ``(a, b) IN (VALUES ...)``, which SQLite (3.40)
    answers by scanning the whole table; joined, the keys are looked up in the index one by
    one, so a batch costs what its keys cost, however large the table grows.
    """
    columns: list[sa.ColumnClause[Any]] = [sa.column(f"column{i}") for i in range(1, width + 1)]
    return sa.text("SELECT * FROM :ids").bindparams(_ids).columns(*columns).subquery("k")


def _pair_lookup(table: sa.Table, first: sa.Column[Any], second: sa.Column[Any]) -> sa.Select[Any]:
    """Rows of ``table`` whose ``(first, second)`` is among the keys bound as ``:ids``."""
    keys = _key_rows(2)
    return sa.select(table).join(keys, sa.and_(first == keys.c.column1, second == keys.c.column2))


_SKILLS = _pair_lookup(skills, skills.c.user_id, skills.c.track)
_USER_SKILLS = (
    sa.select(skills).where(skills.c.user_id == sa.bindparam("user")).order_by(skills.c.track)
)
_skills_page = sa.select(skills).order_by(skills.c.user_id, skills.c.track)
_SKILLS_FIRST = _skills_page.limit(sa.bindparam("limit"))
_after_user: sa.BindParameter[Any] = sa.bindparam("user")
_SKILLS_AFTER = _skills_page.where(
    sa.or_(
        skills.c.user_id > _after_user,
        sa.and_(skills.c.user_id == _after_user, skills.c.track > sa.bindparam("track")),
    )
).limit(sa.bindparam("limit"))
_skill_insert = sqlite_insert(skills).values({c: sa.bindparam(c) for c in _SKILL_COLUMNS})
_SAVE_SKILLS = _skill_insert.on_conflict_do_update(
    index_elements=[skills.c.user_id, skills.c.track],
    set_={c: _skill_insert.excluded[c] for c in _SKILL_COLUMNS[2:]},
)
_ITEM_COLUMNS = ("track", "item", "d", "n")
_SKILL_ITEMS = _pair_lookup(skill_items, skill_items.c.track, skill_items.c.item)
_item_insert = sqlite_insert(skill_items).values({c: sa.bindparam(c) for c in _ITEM_COLUMNS})
_SAVE_SKILL_ITEMS = _item_insert.on_conflict_do_update(
    index_elements=[skill_items.c.track, skill_items.c.item],
    set_={"d": _item_insert.excluded.d, "n": _item_insert.excluded.n},
)
_SKILL_BANDS = _pair_lookup(skill_bands, skill_bands.c.user_id, skill_bands.c.track)
_DELETE_SKILL_BAND = skill_bands.delete().where(
    skill_bands.c.user_id == sa.bindparam("user"), skill_bands.c.track == sa.bindparam("track")
)
_INSERT_SKILL_BAND = skill_bands.insert()
_DELETE_USER_BANDS = skill_bands.delete().where(skill_bands.c.user_id == sa.bindparam("user"))
_DELETE_USER_SKILLS = skills.delete().where(skills.c.user_id == sa.bindparam("user"))


# impact: (recipient, key), (recipient, position, beneficiary) and (mission, user) keys
# are joined as derived tables (see _key_rows)
_user: sa.BindParameter[Any] = sa.bindparam("user")
_CONTRIBUTION_COLUMNS = ("id", "owner", "kind", "noun", "parents", "seq", "at")
_CONTRIBUTIONS = sa.select(impact_contributions).where(impact_contributions.c.id.in_(_ids))
_ADD_CONTRIBUTIONS = (
    sqlite_insert(impact_contributions)
    .values({c: sa.bindparam(c) for c in _CONTRIBUTION_COLUMNS})
    .on_conflict_do_nothing(index_elements=[impact_contributions.c.id])
)
_REFERRERS = sa.select(impact_referrals.c.user_id, impact_referrals.c.referrer).where(
    impact_referrals.c.user_id.in_(_ids)
)
_REFERRAL_COLUMNS = ("user_id", "referrer")
_ADD_REFERRALS = (
    sqlite_insert(impact_referrals)
    .values({c: sa.bindparam(c) for c in _REFERRAL_COLUMNS})
    .on_conflict_do_nothing(index_elements=[impact_referrals.c.user_id])
)
_FORGOTTEN = sa.select(forgotten.c.digest).where(forgotten.c.digest.in_(_ids))
_ADD_FORGOTTEN = (
    sqlite_insert(forgotten)
    .values(digest=sa.bindparam("digest"))
    .on_conflict_do_nothing(index_elements=[forgotten.c.digest])
)
_IDENTITY_GROUPS = sa.select(identity_groups.c.user_id, identity_groups.c.group_id).where(
    identity_groups.c.user_id.in_(_ids)
)
_IDENTITY_MEMBERS = (
    sa.select(identity_groups.c.user_id)
    .where(identity_groups.c.group_id == sa.bindparam("group"))
    .order_by(identity_groups.c.user_id)
)
_IDENTITY_COLUMNS = ("user_id", "group_id")
_identity_insert = sqlite_insert(identity_groups).values(
    {c: sa.bindparam(c) for c in _IDENTITY_COLUMNS}
)
_SET_IDENTITY_GROUPS = _identity_insert.on_conflict_do_update(
    index_elements=[identity_groups.c.user_id],
    set_={"group_id": _identity_insert.excluded.group_id},
)
_FEED_COLUMNS = (
    "recipient",
    "position",
    "group_key",
    "kind",
    "contribution",
    "noun",
    "story",
    "week",
    "items",
    "people",
    "names",
    "first_at",
    "last_at",
    "last_seq",
    "depth",
)
_FEED_GROUPS = _pair_lookup(impact_feed, impact_feed.c.recipient, impact_feed.c.group_key)
_feed_insert = sqlite_insert(impact_feed).values({c: sa.bindparam(c) for c in _FEED_COLUMNS})
_SAVE_FEED_GROUPS = _feed_insert.on_conflict_do_update(
    index_elements=[impact_feed.c.recipient, impact_feed.c.position],
    set_={c: _feed_insert.excluded[c] for c in _FEED_COLUMNS[2:]},
)
# One range scan of the primary key, newest first: the cost of a page does not depend on
# how long the feed is.
_feed_page = (
    sa.select(impact_feed)
    .where(impact_feed.c.recipient == sa.bindparam("recipient"))
    .order_by(impact_feed.c.position.desc())
    .limit(sa.bindparam("limit"))
)
_FEED_FIRST = _feed_page
_FEED_BEFORE = _feed_page.where(impact_feed.c.position < sa.bindparam("before"))
_IMPACT_ITEM_COLUMNS = (
    "seq",
    "n",
    "recipient",
    "position",
    "root",
    "node",
    "beneficiary",
    "depth",
    "share",
    "at",
)
_ADD_IMPACT_ITEMS = impact_items.insert().values({c: sa.bindparam(c) for c in _IMPACT_ITEM_COLUMNS})
_seen_keys = _key_rows(3)
_SEEN_BENEFICIARIES = sa.select(
    impact_items.c.recipient, impact_items.c.position, impact_items.c.beneficiary
).join(
    _seen_keys,
    sa.and_(
        impact_items.c.recipient == _seen_keys.c.column1,
        impact_items.c.position == _seen_keys.c.column2,
        impact_items.c.beneficiary == _seen_keys.c.column3,
    ),
)
_GROUP_ITEMS = (
    sa.select(impact_items)
    .where(
        impact_items.c.recipient == sa.bindparam("recipient"),
        impact_items.c.position == sa.bindparam("position"),
    )
    .order_by(impact_items.c.seq, impact_items.c.n)
    .limit(sa.bindparam("limit"))
)
_EVENT_ITEMS = (
    sa.select(impact_items)
    .where(impact_items.c.seq == sa.bindparam("seq"))
    .order_by(impact_items.c.n)
)
_RECIPIENT_ITEMS = (
    sa.select(impact_items)
    .where(
        impact_items.c.recipient == sa.bindparam("recipient"),
        impact_items.c.seq > sa.bindparam("after"),
    )
    .order_by(impact_items.c.seq, impact_items.c.n)
    .limit(sa.bindparam("limit"))
)
_IMPACT_PREFS = sa.select(impact_prefs).where(impact_prefs.c.user_id.in_(_ids))
_prefs_insert = sqlite_insert(impact_prefs)
_SAVE_IMPACT_PREFS = _prefs_insert.on_conflict_do_update(
    index_elements=[impact_prefs.c.user_id],
    set_={
        c: _prefs_insert.excluded[c] for c in ("visibility", "digest", "digest_seq", "digest_at")
    },
)
_digest_page = (
    sa.select(impact_prefs)
    .where(impact_prefs.c.digest.is_not(None))
    .order_by(impact_prefs.c.user_id)
    .limit(sa.bindparam("limit"))
)
_DIGEST_FIRST = _digest_page
_DIGEST_AFTER = _digest_page.where(impact_prefs.c.user_id > sa.bindparam("after"))
_MISSIONS = sa.select(missions).where(missions.c.id.in_(_ids))
_MISSION_COLUMNS = ("id", "total", "announced")
_mission_insert = sqlite_insert(missions).values({c: sa.bindparam(c) for c in _MISSION_COLUMNS})
_SAVE_MISSIONS = _mission_insert.on_conflict_do_update(
    index_elements=[missions.c.id],
    set_={"total": _mission_insert.excluded.total, "announced": _mission_insert.excluded.announced},
)
_MISSION_PARTS = _pair_lookup(mission_parts, mission_parts.c.mission, mission_parts.c.user_id)
_PART_COLUMNS = ("mission", "user_id", "count")
_part_insert = sqlite_insert(mission_parts).values({c: sa.bindparam(c) for c in _PART_COLUMNS})
_ADD_MISSION_PARTS = _part_insert.on_conflict_do_update(
    index_elements=[mission_parts.c.mission, mission_parts.c.user_id],
    set_={"count": mission_parts.c.count + _part_insert.excluded.count},
)
_contributors_page = (
    sa.select(mission_parts.c.user_id, mission_parts.c.count)
    .where(mission_parts.c.mission == sa.bindparam("mission"))
    .order_by(mission_parts.c.user_id)
    .limit(sa.bindparam("limit"))
)
_CONTRIBUTORS_FIRST = _contributors_page
_CONTRIBUTORS_AFTER = _contributors_page.where(mission_parts.c.user_id > sa.bindparam("after"))
_IMPACT_COUNTS = sa.select(impact_items.c.recipient, sa.func.count()).group_by(
    impact_items.c.recipient
)
# forgetting a person
_DELETE_USER_ITEMS = impact_items.delete().where(impact_items.c.recipient == _user)
_DELETE_USER_FEED = impact_feed.delete().where(impact_feed.c.recipient == _user)
_NAMED_IN_FEED = sa.select(
    impact_feed.c.recipient, impact_feed.c.position, impact_feed.c.names
).where(
    sa.tuple_(impact_feed.c.recipient, impact_feed.c.position).in_(
        sa.select(impact_items.c.recipient, impact_items.c.position)
        .where(impact_items.c.beneficiary == _user)
        .distinct()
    )
)
_SET_FEED_NAMES = (
    impact_feed.update()
    .where(
        impact_feed.c.recipient == sa.bindparam("b_recipient"),
        impact_feed.c.position == sa.bindparam("b_position"),
    )
    .values(names=sa.bindparam("names"))
)
_FORGET_BENEFICIARY = (
    impact_items.update().where(impact_items.c.beneficiary == _user).values(beneficiary=None)
)
_FORGET_OWNER = (
    impact_contributions.update().where(impact_contributions.c.owner == _user).values(owner=None)
)
_DELETE_USER_REFERRALS = impact_referrals.delete().where(
    sa.or_(impact_referrals.c.user_id == _user, impact_referrals.c.referrer == _user)
)
_DELETE_USER_IDENTITY = identity_groups.delete().where(identity_groups.c.user_id == _user)
_DELETE_USER_PREFS = impact_prefs.delete().where(impact_prefs.c.user_id == _user)
_DELETE_USER_PARTS = mission_parts.delete().where(mission_parts.c.user_id == _user)


@lru_cache(maxsize=32)
def _driver_sql(statement: sa.Executable, dialect: sa.Dialect) -> sa.Compiled:
    """``statement`` compiled once for ``dialect``, to run on the driver's cursor."""
    return statement.compile(dialect=dialect)  # type: ignore[attr-defined,no-any-return]


@lru_cache(maxsize=8)
def _date_param(dialect: sa.Dialect) -> Callable[[date], Any]:
    """How ``dialect`` hands a date to its driver (for rows sent with ``_driver_many``)."""
    processor = sa.Date().dialect_impl(dialect).bind_processor(dialect)
    return processor if processor is not None else _same


def _same(value: Any) -> Any:
    return value


def _driver_params(compiled: sa.Compiled, params: dict[str, Any]) -> Any:
    """Parameters in the form the driver takes: positional or named."""
    full = compiled.construct_params(params) or {}
    order = getattr(compiled, "positiontup", None)
    return full if order is None else [full[k] for k in order]


class _SqlSession:
    def __init__(self, conn: sa.Connection) -> None:
        self._conn = conn

    def _driver(self, statement: sa.Executable, params: dict[str, Any]) -> Any:
        """Run ``statement`` on the driver's own cursor, skipping SQLAlchemy's per-call
        work; for the statements on hot paths only."""
        compiled = _driver_sql(statement, self._conn.dialect)
        cursor = self._conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
        with self._driver_errors(cursor):
            cursor.execute(compiled.string, _driver_params(compiled, params))
        return cursor

    def _driver_many(
        self, statement: sa.Executable, columns: Sequence[str], rows: list[tuple[Any, ...]]
    ) -> None:
        """``executemany`` on the driver's cursor; ``rows`` hold values in ``columns`` order."""
        compiled = _driver_sql(statement, self._conn.dialect)
        order = getattr(compiled, "positiontup", None)
        params: list[Any]
        if order is None:  # a driver with named parameters
            params = [dict(zip(columns, row, strict=True)) for row in rows]
        elif tuple(order) == tuple(columns):
            params = rows
        else:
            index = [columns.index(name) for name in order]
            params = [tuple(row[i] for i in index) for row in rows]
        cursor = self._conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
        try:
            with self._driver_errors(cursor):
                cursor.executemany(compiled.string, params)
        finally:
            cursor.close()

    @contextmanager
    def _driver_errors(self, cursor: Any) -> Iterator[None]:
        try:
            yield
        except self._conn.dialect.loaded_dbapi.Error as exc:
            cursor.close()
            raise StoreError(f"{type(exc).__name__}: {exc}") from exc

    def _in_chunks(
        self,
        statement: sa.Executable,
        ids: Collection[str] | Collection[bytes] | Collection[tuple[Any, ...]],
        *,
        size: int = _IN_CHUNK,
        **params: Any,
    ) -> Iterator[Any]:
        """Rows of ``statement`` run once per slice of ``ids`` (bound as ``:ids``)."""
        for chunk in chunked(list(ids), size):
            yield from self._conn.execute(statement, {"ids": chunk, **params})

    def _pairs_in_chunks(
        self, statement: sa.Executable, keys: Collection[tuple[str, str]]
    ) -> Iterator[Any]:
        """Rows of ``statement`` for row-value keys: two parameters each, half the slice."""
        return self._in_chunks(statement, [(a, b) for a, b in keys], size=_IN_CHUNK // 2)

    # journal
    def known_events(self, event_ids: Collection[str]) -> dict[str, int]:
        return {row.event_id: row.seq for row in self._in_chunks(_KNOWN_EVENTS, event_ids)}

    def head(self) -> tuple[int, bytes]:
        row = self._conn.execute(_HEAD).one()
        return int(row[0]), bytes(row[1])

    def advance_head(self, old_size: int, new_size: int, frontier: bytes) -> bool:
        # The conditional UPDATE takes the head row's write lock: sequence numbers stay
        # gapless and unique even with several writer processes.
        # On every append: on the driver's cursor, compiled once (as for scan).
        params = {"old": old_size, "new": new_size, "frontier": frontier}
        cursor = self._driver(_ADVANCE_HEAD, params)
        try:
            return bool(cursor.rowcount == 1)
        finally:
            cursor.close()

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
        self._driver_many(_INSERT_ENTRY, _ENTRY_COLUMNS, rows)

    def add_tiles(self, nodes: Sequence[tuple[int, int, bytes]]) -> None:
        if nodes:
            self._conn.execute(
                _INSERT_TILE, [{"level": lv, "idx": i, "hash": h} for lv, i, h in nodes]
            )

    def node_hashes(self, level: int, start: int, end: int) -> list[bytes]:
        if level == 0:  # leaf i is the entry with seq i + 1
            rows = self._conn.execute(_LEAF_HASHES, {"start": start, "end": end})
        else:
            rows = self._conn.execute(_TILE_HASHES, {"level": level, "start": start, "end": end})
        return [bytes(r[0]) for r in rows]

    def erase_personal(self, subject: str) -> int:
        erased = self._conn.execute(
            journal.update().where(journal.c.subject == subject).values(subject=None, personal=None)
        )
        return int(erased.rowcount)

    def subjects(self, after: str | None, limit: int) -> list[str]:
        query = sa.select(journal.c.subject).where(journal.c.subject.is_not(None)).distinct()
        if after is not None:
            query = query.where(journal.c.subject > after)
        query = query.order_by(journal.c.subject).limit(limit)
        return [row[0] for row in self._conn.execute(query)]

    def subject_entries(self, subject: str) -> list[StoredEntry]:
        rows = self._conn.execute(_SUBJECT_ENTRIES, {"subject": subject})
        return [_entry_from_row(r) for r in rows]

    def replay_state(self) -> ReplayState | None:
        row = self._conn.execute(_LAST_REPLAY).first()
        if row is None:
            return None
        finished = None if row.finished_at is None else from_micros(row.finished_at)
        return ReplayState(
            row.version,
            row.cursor,
            row.people_done,
            from_micros(row.started_at),
            finished,
            row.mastery_seq,
        )

    def save_replay_state(self, state: ReplayState) -> None:
        row = {
            "cursor": state.cursor,
            "people_done": state.people_done,
            "started_at": to_micros(state.started_at),
            "finished_at": None if state.finished_at is None else to_micros(state.finished_at),
            "mastery_seq": state.mastery_seq,
        }
        where = replays.c.version == state.version
        if self._conn.execute(replays.update().where(where).values(row)).rowcount == 0:
            self._conn.execute(replays.insert().values(version=state.version, **row))

    def add_checkpoint(self, checkpoint: StoredCheckpoint) -> None:
        self._conn.execute(checkpoints.delete().where(checkpoints.c.size == checkpoint.size))
        self._conn.execute(
            checkpoints.insert().values(
                size=checkpoint.size,
                note=checkpoint.note,
                created_at=to_micros(checkpoint.created_at),
            )
        )

    def checkpoints(self) -> list[StoredCheckpoint]:
        rows = self._conn.execute(sa.select(checkpoints).order_by(checkpoints.c.size))
        return [StoredCheckpoint(r.size, r.note, from_micros(r.created_at)) for r in rows]

    def entries(self, after: int, limit: int) -> list[StoredEntry]:
        rows = self._conn.execute(_ENTRIES_AFTER, {"after": after, "limit": limit})
        return [_entry_from_row(r) for r in rows]

    def scan(self, after: int, limit: int) -> list[tuple[int, bytes, bytes, bytes | None]]:
        # A full verification reads every entry: straight from the driver's cursor, the
        # statement compiled once, rows as the driver's own tuples (half the cost).
        cursor = self._driver(_SCAN, {"after": after, "limit": limit})
        try:
            rows: list[tuple[int, bytes, bytes, bytes | None]] = cursor.fetchall()
            return rows  # the driver gives BLOBs as bytes already
        finally:
            cursor.close()

    def last_entries(self, limit: int) -> list[StoredEntry]:
        rows = self._conn.execute(_LAST_ENTRIES, {"limit": limit})
        return [_entry_from_row(r) for r in rows][::-1]

    def journal_size(self) -> int:
        return int(self._conn.execute(_HEAD_SIZE).scalar_one())

    # goals
    def goal(self, goal_id: str) -> GoalState | None:
        row = self._conn.execute(_GOAL, {"goal": goal_id}).first()
        return None if row is None else _goal_from_row(row)

    def goals(self, owner: str | None = None, status: str | None = None) -> list[GoalState]:
        if owner is not None and status is None:
            return [_goal_from_row(r) for r in self._conn.execute(_OWNER_GOALS, {"owner": owner})]
        query = sa.select(goals).order_by(goals.c.created_seq)
        if owner is not None:
            query = query.where(goals.c.owner == owner)
        if status is not None:
            query = query.where(goals.c.status == status)
        return [_goal_from_row(r) for r in self._conn.execute(query)]

    def active_goals(
        self, owners: Collection[str], kinds: Collection[str], *, consent_default: bool
    ) -> list[GoalState]:
        rows = self._in_chunks(_ACTIVE_GOALS, owners, kinds=list(kinds), default=consent_default)
        return [_goal_from_row(r) for r in rows]

    def save_goal(self, goal: GoalState) -> None:
        row = _goal_row(goal)
        if self._conn.execute(_UPDATE_GOAL, {"b_id": goal.id, **row}).rowcount == 0:
            self._conn.execute(_INSERT_GOAL, row)

    def insert_goals(self, new: Sequence[GoalState]) -> None:
        if new:
            self._conn.execute(_INSERT_GOAL, [_goal_row(g) for g in new])

    def delete_goals(self, owner: str) -> int:
        self._conn.execute(_DELETE_GOAL_DAYS, {"owner": owner})
        return int(self._conn.execute(_DELETE_GOALS, {"owner": owner}).rowcount)

    def add_goal_counts(
        self, totals: Mapping[str, int], days: Mapping[tuple[str, date], int]
    ) -> None:
        if totals:
            self._conn.execute(_ADD_TOTAL, [{"goal": g, "n": n} for g, n in totals.items()])
        if days:
            rows = [{"goal_id": g, "day": d, "count": n} for (g, d), n in days.items()]
            self._conn.execute(_ADD_DAY, rows)

    def day_counts(
        self, goal_ids: Collection[str], start: date, end: date
    ) -> dict[tuple[str, date], int]:
        rows = self._in_chunks(_DAY_COUNTS, goal_ids, start=start, end=end)
        return {(r[0], r[1]): int(r[2]) for r in rows}  # (goal_id, day, count)

    # consent
    def goal_days(self, goal_ids: Collection[str]) -> dict[tuple[str, date], int]:
        return {(r[0], r[1]): int(r[2]) for r in self._in_chunks(_GOAL_DAYS, goal_ids)}

    def consents(self, users: Collection[str]) -> dict[str, dict[str, bool]]:
        found: dict[str, dict[str, bool]] = {}
        for row in self._in_chunks(_CONSENTS, users):
            found.setdefault(row.user_id, {})[row.mechanic] = bool(row.enabled)
        return found

    def delete_consents(self, user: str) -> None:
        self._conn.execute(consents.delete().where(consents.c.user_id == user))

    def set_consent(self, user: str, mechanic: str, enabled: bool, at: datetime) -> None:
        self._conn.execute(
            consents.delete().where(consents.c.user_id == user, consents.c.mechanic == mechanic)
        )
        self._conn.execute(
            consents.insert().values(
                user_id=user, mechanic=mechanic, enabled=enabled, updated_at=to_micros(at)
            )
        )

    # mastery
    def skills(self, keys: Collection[tuple[str, str]]) -> dict[tuple[str, str], StoredSkill]:
        found = (_skill_from_row(r) for r in self._pairs_in_chunks(_SKILLS, keys))
        return {(s.user, s.track): s for s in found}

    def user_skills(self, user: str) -> list[StoredSkill]:
        return [_skill_from_row(r) for r in self._conn.execute(_USER_SKILLS, {"user": user})]

    def all_skills(self, after: tuple[str, str] | None, limit: int) -> list[StoredSkill]:
        if after is None:
            rows = self._conn.execute(_SKILLS_FIRST, {"limit": limit})
        else:
            params = {"user": after[0], "track": after[1], "limit": limit}
            rows = self._conn.execute(_SKILLS_AFTER, params)
        return [_skill_from_row(r) for r in rows]

    def save_skills(self, skills: Sequence[StoredSkill]) -> None:
        # Every piece of evidence passes here: one upsert, rows to the driver as tuples.
        if skills:
            self._driver_many(_SAVE_SKILLS, _SKILL_COLUMNS, [_skill_row(s) for s in skills])

    def skill_items(
        self, keys: Collection[tuple[str, str]]
    ) -> dict[tuple[str, str], tuple[float, int]]:
        rows = self._pairs_in_chunks(_SKILL_ITEMS, keys)
        return {(r.track, r.item): (r.d, r.n) for r in rows}

    def save_skill_items(self, items: Mapping[tuple[str, str], tuple[float, int]]) -> None:
        if items:
            rows = [(track, item, d, n) for (track, item), (d, n) in items.items()]
            self._driver_many(_SAVE_SKILL_ITEMS, _ITEM_COLUMNS, rows)

    def skill_bands(self, keys: Collection[tuple[str, str]]) -> dict[tuple[str, str], SkillBand]:
        rows = self._pairs_in_chunks(_SKILL_BANDS, keys)
        return {(r.user_id, r.track): SkillBand(r.low, r.high, r.target) for r in rows}

    def set_skill_band(self, user: str, track: str, band: SkillBand | None, at: datetime) -> None:
        self._conn.execute(_DELETE_SKILL_BAND, {"user": user, "track": track})
        if band is not None:
            row = {"low": band.low, "high": band.high, "target": band.target}
            self._conn.execute(
                _INSERT_SKILL_BAND,
                {"user_id": user, "track": track, **row, "updated_at": to_micros(at)},
            )

    def delete_skills(self, user: str) -> int:
        self._conn.execute(_DELETE_USER_BANDS, {"user": user})
        return int(self._conn.execute(_DELETE_USER_SKILLS, {"user": user}).rowcount)

    def clear_mastery(self) -> None:
        self._conn.execute(skills.delete())
        self._conn.execute(skill_items.delete())

    # impact
    def contributions(self, ids: Collection[str]) -> dict[str, StoredContribution]:
        found = (_contribution_from_row(r) for r in self._in_chunks(_CONTRIBUTIONS, ids))
        return {c.id: c for c in found}

    def add_contributions(self, contributions: Sequence[StoredContribution]) -> None:
        if contributions:
            rows = [_contribution_row(c) for c in contributions]
            self._driver_many(_ADD_CONTRIBUTIONS, _CONTRIBUTION_COLUMNS, rows)

    def referrers(self, people: Collection[str]) -> dict[str, str]:
        return {r.user_id: r.referrer for r in self._in_chunks(_REFERRERS, people)}

    def add_referrals(self, referrals: Mapping[str, str]) -> None:
        if referrals:
            self._driver_many(_ADD_REFERRALS, _REFERRAL_COLUMNS, list(referrals.items()))

    def identity_groups(self, people: Collection[str]) -> dict[str, str]:
        return {r.user_id: r.group_id for r in self._in_chunks(_IDENTITY_GROUPS, people)}

    def identity_members(self, group: str) -> list[str]:
        return [r[0] for r in self._conn.execute(_IDENTITY_MEMBERS, {"group": group})]

    def set_identity_groups(self, groups: Mapping[str, str]) -> None:
        if groups:
            self._driver_many(_SET_IDENTITY_GROUPS, _IDENTITY_COLUMNS, list(groups.items()))

    def feed_groups(self, keys: Collection[tuple[str, str]]) -> dict[tuple[str, str], FeedGroup]:
        found = (_feed_from_row(r) for r in self._pairs_in_chunks(_FEED_GROUPS, keys))
        return {(g.recipient, g.key): g for g in found}

    def save_feed_groups(self, groups: Sequence[FeedGroup]) -> None:
        if groups:
            week = _date_param(self._conn.dialect)
            rows = [_feed_row(g, week) for g in groups]
            self._driver_many(_SAVE_FEED_GROUPS, _FEED_COLUMNS, rows)

    def feed_page(self, recipient: str, before: int | None, limit: int) -> list[FeedGroup]:
        if before is None:
            rows = self._conn.execute(_FEED_FIRST, {"recipient": recipient, "limit": limit})
        else:
            params = {"recipient": recipient, "before": before, "limit": limit}
            rows = self._conn.execute(_FEED_BEFORE, params)
        return [_feed_from_row(r) for r in rows]

    def add_impact_items(self, items: Sequence[ImpactItem]) -> None:
        if items:
            rows = [_impact_item_row(i) for i in items]
            self._driver_many(_ADD_IMPACT_ITEMS, _IMPACT_ITEM_COLUMNS, rows)

    def seen_beneficiaries(
        self, keys: Collection[tuple[str, int, str]]
    ) -> set[tuple[str, int, str]]:
        triples = [(r, p, b) for r, p, b in keys]
        rows = self._in_chunks(_SEEN_BENEFICIARIES, triples, size=_IN_CHUNK // 3)
        return {(r[0], r[1], r[2]) for r in rows}

    def group_items(self, recipient: str, position: int, limit: int) -> list[ImpactItem]:
        params = {"recipient": recipient, "position": position, "limit": limit}
        return [_impact_item_from_row(r) for r in self._conn.execute(_GROUP_ITEMS, params)]

    def event_items(self, seq: int) -> list[ImpactItem]:
        return [_impact_item_from_row(r) for r in self._conn.execute(_EVENT_ITEMS, {"seq": seq})]

    def recipient_items(self, recipient: str, after_seq: int, limit: int) -> list[ImpactItem]:
        params = {"recipient": recipient, "after": after_seq, "limit": limit}
        return [_impact_item_from_row(r) for r in self._conn.execute(_RECIPIENT_ITEMS, params)]

    def impact_prefs(self, users: Collection[str]) -> dict[str, ImpactPrefs]:
        found = (_prefs_from_row(r) for r in self._in_chunks(_IMPACT_PREFS, users))
        return {p.user: p for p in found}

    def save_impact_prefs(self, prefs: ImpactPrefs) -> None:
        row = {
            "user_id": prefs.user,
            "visibility": prefs.visibility,
            "digest": prefs.digest,
            "digest_seq": prefs.digest_seq,
            "digest_at": _micros_or_none(prefs.digest_at),
        }
        self._conn.execute(_SAVE_IMPACT_PREFS, row)

    def digest_people(self, after: str | None, limit: int) -> list[ImpactPrefs]:
        if after is None:
            rows = self._conn.execute(_DIGEST_FIRST, {"limit": limit})
        else:
            rows = self._conn.execute(_DIGEST_AFTER, {"after": after, "limit": limit})
        return [_prefs_from_row(r) for r in rows]

    def missions(self, ids: Collection[str]) -> dict[str, StoredMission]:
        rows = self._in_chunks(_MISSIONS, ids)
        return {r.id: StoredMission(r.id, r.total, tuple(json.loads(r.announced))) for r in rows}

    def save_missions(self, missions: Sequence[StoredMission]) -> None:
        if missions:
            rows = [(m.id, m.total, _json_list(m.announced)) for m in missions]
            self._driver_many(_SAVE_MISSIONS, _MISSION_COLUMNS, rows)

    def mission_parts(self, keys: Collection[tuple[str, str]]) -> dict[tuple[str, str], int]:
        rows = self._pairs_in_chunks(_MISSION_PARTS, keys)
        return {(r.mission, r.user_id): r.count for r in rows}

    def add_mission_parts(self, parts: Mapping[tuple[str, str], int]) -> None:
        if parts:
            rows = [(mission, user, n) for (mission, user), n in parts.items()]
            self._driver_many(_ADD_MISSION_PARTS, _PART_COLUMNS, rows)

    def mission_contributors(
        self, mission: str, after: str | None, limit: int
    ) -> list[tuple[str, int]]:
        if after is None:
            rows = self._conn.execute(_CONTRIBUTORS_FIRST, {"mission": mission, "limit": limit})
        else:
            params = {"mission": mission, "after": after, "limit": limit}
            rows = self._conn.execute(_CONTRIBUTORS_AFTER, params)
        return [(r[0], int(r[1])) for r in rows]

    def impact_counts(self) -> dict[str, int]:
        return {r[0]: int(r[1]) for r in self._conn.execute(_IMPACT_COUNTS)}

    def forget_impact(self, user: str) -> int:
        by_user = {"user": user}
        deleted = int(self._conn.execute(_DELETE_USER_ITEMS, by_user).rowcount)
        self._conn.execute(_DELETE_USER_FEED, by_user)
        # Others' feed entries that name them: read them, put None in their place, write.
        renamed = []
        for recipient, position, text in self._conn.execute(_NAMED_IN_FEED, by_user):
            names = json.loads(text)
            if user in names:
                forgotten = [None if n == user else n for n in names]
                row = {"b_recipient": recipient, "b_position": position}
                renamed.append({**row, "names": _json_list(forgotten)})
        if renamed:
            self._conn.execute(_SET_FEED_NAMES, renamed)
        self._conn.execute(_FORGET_BENEFICIARY, by_user)
        self._conn.execute(_FORGET_OWNER, by_user)
        for statement in (
            _DELETE_USER_REFERRALS,
            _DELETE_USER_IDENTITY,
            _DELETE_USER_PREFS,
            _DELETE_USER_PARTS,
        ):
            self._conn.execute(statement, by_user)
        self._conn.execute(_ADD_FORGOTTEN, {"digest": forgotten_digest(user)})
        return deleted

    def forgotten(self, people: Collection[str]) -> set[str]:
        digests = {forgotten_digest(p): p for p in people}
        return {digests[bytes(r[0])] for r in self._in_chunks(_FORGOTTEN, list(digests))}

    def clear_impact(self) -> None:
        for table in (
            impact_contributions,
            impact_referrals,
            impact_feed,
            impact_items,
            missions,
            mission_parts,
        ):
            self._conn.execute(table.delete())


def _sqlite_engine(url: sa.URL, synchronous: Synchronous, *, create: bool) -> sa.Engine:
    database = url.database or ""
    in_memory = database in ("", ":memory:")
    if not in_memory:
        path = Path(database).resolve()  # SQLite takes the path literally: no ~ expansion
        if not path.parent.is_dir():
            raise ConfigError(
                f"cannot open SQLite file {database!r}: directory {str(path.parent)!r} does "
                f"not exist; create it first or choose another path"
            )
        if not create and not path.exists():
            raise SchemaOutOfDate(
                f"no database at {database!r}; create it with "
                f"`motivekit db upgrade --url {url.render_as_string()}` (or open it with "
                f"migrate=True)"
            )
    engine = sa.create_engine(
        url,
        connect_args={"check_same_thread": False, "timeout": 30},
        **({"poolclass": StaticPool} if in_memory else {}),
    )

    @sa.event.listens_for(engine, "connect")
    def _configure(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event, not the driver, start transactions.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        if not in_memory:
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA synchronous={synchronous}")
        # Erased personal data is overwritten, not left in free pages.
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _begin(conn: sa.Connection) -> None:
        immediate = conn.get_execution_options().get(_WRITE, False)
        # Straight to the driver: a BEGIN needs no statement compilation.
        conn.connection.driver_connection.execute(  # type: ignore[union-attr]
            "BEGIN IMMEDIATE" if immediate else "BEGIN"
        )

    return engine


class SqlStore:
    """Stores everything in a SQL database through SQLAlchemy 2."""

    def __init__(
        self, url: str, *, synchronous: Synchronous = "FULL", migrate: bool = True
    ) -> None:
        try:
            parsed = make_url(url)
        except sa.exc.ArgumentError as exc:
            raise ConfigError(f"{url!r} is not a database URL: {exc}") from exc
        if parsed.get_backend_name() != "sqlite":
            raise ConfigError(
                f"{url!r}: this release stores data in SQLite ('sqlite:///path/to/file.db') "
                f"or in memory ('memory://'); PostgreSQL and MariaDB support is planned"
            )
        if synchronous not in ("OFF", "NORMAL", "FULL", "EXTRA"):
            raise ConfigError(
                f"synchronous must be 'OFF', 'NORMAL', 'FULL' or 'EXTRA', got {synchronous!r}"
            )
        self.url = parsed.render_as_string(hide_password=True)
        self.engine = _sqlite_engine(parsed, synchronous, create=migrate)
        self._writers = threading.local()
        self._held: list[sa.Connection] = []
        self._held_lock = threading.Lock()
        self._check_schema(migrate)

    def _check_schema(self, migrate: bool) -> None:
        head = _migrate.head_revision()
        with self._wrapped(), self.engine.connect() as conn:
            current = _migrate.current_revision(conn)
        self.revision_at_open = current
        """The schema revision found when the store was opened (None: no schema yet)."""
        if current == head:
            return
        if current is not None and current not in _migrate.known_revisions():
            raise SchemaOutOfDate(
                f"{self.url}: the database schema is at revision {current!r}, which this "
                f"version of motivekit does not know; upgrade motivekit"
            )
        if not migrate:
            found = "has no motivekit schema" if current is None else f"is at revision {current!r}"
            raise SchemaOutOfDate(
                f"{self.url}: the database {found}, motivekit needs revision {head!r}; "
                f"run `motivekit db upgrade --url {self.url}`"
            )
        self.upgrade()

    def upgrade(self) -> str:
        """Bring the schema to the newest revision; return that revision."""
        with self._wrapped(), self.engine.connect() as conn:
            conn.execution_options(**{_WRITE: True})
            with conn.begin():
                _migrate.upgrade(conn)
                revision = _migrate.current_revision(conn)
        return cast(str, revision)

    @contextmanager
    def _wrapped(self) -> Iterator[None]:
        try:
            yield
        except sa.exc.SQLAlchemyError as exc:
            detail = getattr(exc, "orig", None) or exc
            raise StoreError(f"{self.url}: {type(detail).__name__}: {detail}") from exc

    def _write_connection(self) -> sa.Connection:
        # Each thread keeps its own write connection: a pool checkout, reset and return
        # per transaction cost as much as the statements of a small write.
        conn: sa.Connection | None = getattr(self._writers, "conn", None)
        if conn is None or conn.closed or conn.invalidated:
            conn = self.engine.connect()
            conn.execution_options(**{_WRITE: True})
            self._writers.conn = conn
            with self._held_lock:
                self._held.append(conn)
        return conn

    @contextmanager
    def writing(self) -> Iterator[_SqlSession]:
        with self._wrapped():
            conn = self._write_connection()
            try:
                with conn.begin():
                    yield _SqlSession(conn)
            except sa.exc.IntegrityError:
                raise  # a refused row: the transaction rolled back, the connection is fine
            except (sa.exc.DBAPIError, StoreError):
                # After a database error, start afresh next time; an in-memory database
                # lives in its one connection, so it is kept.
                if not isinstance(self.engine.pool, StaticPool):
                    conn.invalidate()
                raise

    @contextmanager
    def reading(self) -> Iterator[_SqlSession]:
        with self._wrapped(), self.engine.connect() as conn, conn.begin():
            yield _SqlSession(conn)

    def scrub(self) -> None:
        """Copy the WAL into the database and truncate it, so erased data leaves no copy.

        Deleted rows are overwritten in place (``secure_delete``); this removes the older
        page images the write-ahead log still holds.
        """
        with self._wrapped(), self.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")

    def close(self) -> None:
        """Close every connection, the threads' write connections included."""
        with self._held_lock:
            held, self._held = self._held, []
        for conn in held:
            conn.close()
        self.engine.dispose()
