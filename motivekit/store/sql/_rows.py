"""Mapping between the stored records (``_records.py``) and SQL rows; the column orders.

Rows for the hot inserts (journal entries, skill states, impact) are plain tuples in the
order of the ``*_COLUMNS`` below, which is also the order of the bound parameters of their
prebuilt statements, so ``executemany`` on the driver's cursor takes them as they are.
Times are stored as microseconds since the epoch (UTC); tuples as compact JSON lists
(``json`` writes a float as its ``repr``, so it reads back exactly).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from functools import lru_cache
from typing import Any

import sqlalchemy as sa

from motivekit._canonical import canonical_bytes
from motivekit._time import from_micros, to_micros
from motivekit.goals._model import GoalState, GoalStatus, Measure, Plan
from motivekit.store._records import (
    FeedGroup,
    ImpactItem,
    ImpactPrefs,
    StoredContribution,
    StoredEntry,
    StoredSkill,
)

__all__ = [
    "CONTRIBUTION_COLUMNS",
    "ENTRY_COLUMNS",
    "FEED_COLUMNS",
    "IDENTITY_COLUMNS",
    "IMPACT_ITEM_COLUMNS",
    "ITEM_COLUMNS",
    "MISSION_COLUMNS",
    "PART_COLUMNS",
    "REFERRAL_COLUMNS",
    "SKILL_COLUMNS",
    "contribution_from_row",
    "contribution_row",
    "entry_from_row",
    "feed_from_row",
    "feed_row",
    "goal_from_row",
    "goal_row",
    "impact_item_from_row",
    "impact_item_row",
    "json_list",
    "measure_of",
    "micros_or_none",
    "prefs_from_row",
    "skill_from_row",
    "skill_row",
]

ENTRY_COLUMNS = (
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

SKILL_COLUMNS = (
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

ITEM_COLUMNS = ("track", "item", "d", "n")

CONTRIBUTION_COLUMNS = ("id", "owner", "kind", "noun", "parents", "seq", "at")

REFERRAL_COLUMNS = ("user_id", "referrer")

IDENTITY_COLUMNS = ("user_id", "group_id")

FEED_COLUMNS = (
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

IMPACT_ITEM_COLUMNS = (
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

MISSION_COLUMNS = ("id", "total", "announced")

PART_COLUMNS = ("mission", "user_id", "count")


_Row = Mapping[str, Any] | sa.RowMapping

_compact = json.JSONEncoder(separators=(",", ":")).encode
"""``json.dumps(value, separators=(",", ":"))`` without building an encoder per call."""
"""A row by column name: from SQLAlchemy, or from the driver (``_execute.Prepared``)."""


def _json_text(value: Any) -> str:
    return canonical_bytes(value).decode("utf-8")


def goal_row(goal: GoalState) -> dict[str, Any]:
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
@lru_cache(maxsize=4096)
def measure_of(text: str) -> Measure:
    """A stored measure (a frozen value: goals with the same text share one)."""
    return Measure.coerce(json.loads(text))


@lru_cache(maxsize=4096)
def _plan(text: str) -> Plan | None:
    return Plan.coerce(json.loads(text))


def goal_from_row(m: _Row) -> GoalState:
    return GoalState(
        id=m["id"],
        owner=m["owner"],
        title=m["title"],
        measure=measure_of(m["measure"]),
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


def skill_row(skill: StoredSkill) -> tuple[Any, ...]:
    """A skill state as a row in ``SKILL_COLUMNS`` order. ``recent`` is a JSON list:
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
        _compact([float(x) for x in skill.recent]),
        skill.seq,
        skill.level,
    )


def skill_from_row(m: _Row) -> StoredSkill:
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


def json_list(values: Sequence[Any]) -> str:
    """A tuple as a compact JSON list (``json`` writes floats as their ``repr``)."""
    return _compact(list(values))


def micros_or_none(instant: datetime | None) -> int | None:
    return None if instant is None else to_micros(instant)


def contribution_row(c: StoredContribution) -> tuple[Any, ...]:
    """A contribution as a row in ``CONTRIBUTION_COLUMNS`` order."""
    return (c.id, c.owner, c.kind, c.noun, json_list(c.parents), c.seq, to_micros(c.at))


def contribution_from_row(m: _Row) -> StoredContribution:
    return StoredContribution(
        id=m["id"],
        owner=m["owner"],
        kind=m["kind"],
        noun=m["noun"],
        parents=tuple(json.loads(m["parents"])),
        seq=m["seq"],
        at=from_micros(m["at"]),
    )


def feed_row(g: FeedGroup, week: Callable[[date], Any]) -> tuple[Any, ...]:
    """A feed entry as a row in ``FEED_COLUMNS`` order; ``week`` makes the driver's date."""
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
        json_list(g.names),
        to_micros(g.first_at),
        to_micros(g.last_at),
        g.last_seq,
        g.depth,
    )


def feed_from_row(m: _Row) -> FeedGroup:
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


def impact_item_row(i: ImpactItem) -> tuple[Any, ...]:
    """An impact item as a row in ``IMPACT_ITEM_COLUMNS`` order."""
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


def impact_item_from_row(m: _Row) -> ImpactItem:
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


def prefs_from_row(m: _Row) -> ImpactPrefs:
    digest_at = m["digest_at"]
    return ImpactPrefs(
        user=m["user_id"],
        visibility=m["visibility"],
        digest=m["digest"],
        digest_seq=m["digest_seq"],
        digest_at=None if digest_at is None else from_micros(digest_at),
    )


def entry_from_row(m: _Row) -> StoredEntry:
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
