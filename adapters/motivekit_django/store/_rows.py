"""Between the stored records (``motivekit.store``) and this app's models.

The values are the SQL store's, converted by its own row functions
(``motivekit.store.sql._rows``): instants are microseconds since the epoch and tuples
compact JSON lists, so both stores hold the same values. Only the names differ where
Django reserves one: a table's own ``id`` column is the field ``goal_id`` or
``contribution_id`` here. Reads take plain tuples (``values_list`` of the ``*_FIELDS``
below, in that order): no model instance is built per row. Writes build model instances,
which ``bulk_create`` needs.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from motivekit._time import to_micros
from motivekit.goals._model import GoalState
from motivekit.store._records import (
    FeedGroup,
    ImpactItem,
    ImpactPrefs,
    StoredContribution,
    StoredEntry,
    StoredSkill,
)
from motivekit.store.sql import _rows as sql
from motivekit_django import models as m

__all__ = [
    "CONTRIBUTION_FIELDS",
    "ENTRY_FIELDS",
    "FEED_FIELDS",
    "GOAL_FIELDS",
    "ITEM_FIELDS",
    "PREFS_FIELDS",
    "SKILL_FIELDS",
    "as_bytes",
    "contribution_from",
    "contribution_model",
    "entry_from",
    "entry_model",
    "feed_from",
    "feed_model",
    "goal_from",
    "goal_model",
    "goal_values",
    "item_from",
    "item_model",
    "json_list",
    "micros",
    "prefs_from",
    "skill_from",
    "skill_model",
]

json_list = sql.json_list


def as_bytes(value: Any) -> bytes:
    """A binary column's value as ``bytes`` (psycopg returns ``memoryview``)."""
    return value if isinstance(value, bytes) else bytes(value)


def micros(instant: datetime | None) -> int | None:
    return sql.micros_or_none(instant)


def _named(columns: Sequence[str], own_id: str) -> tuple[str, ...]:
    """``columns`` with the table's ``id`` column under its field name ``own_id``."""
    return tuple(own_id if c == "id" else c for c in columns)


ENTRY_FIELDS = sql.ENTRY_COLUMNS


def entry_model(tenant: str, e: StoredEntry) -> m.Entry:
    return m.Entry(
        tenant=tenant,
        seq=e.seq,
        type=e.type,
        name=e.name,
        event_id=e.event_id,
        recorded_at=to_micros(e.recorded_at),
        entry=e.raw,
        leaf_hash=e.leaf_hash,
        subject=e.subject,
        personal=e.personal,
    )


def entry_from(row: Sequence[Any]) -> StoredEntry:
    return sql.entry_from_row(dict(zip(ENTRY_FIELDS, row, strict=True)))


_GOAL_COLUMNS = (
    "id",
    "owner",
    "title",
    "measure",
    "why",
    "plan",
    "visibility",
    "tz",
    "status",
    "template_id",
    "created_at",
    "updated_at",
    "total",
    "created_seq",
)
GOAL_FIELDS = _named(_GOAL_COLUMNS, "goal_id")


def goal_values(goal: GoalState) -> dict[str, Any]:
    """A goal's columns but the tenant, by field name."""
    return {("goal_id" if k == "id" else k): v for k, v in sql.goal_row(goal).items()}


def goal_model(tenant: str, goal: GoalState) -> m.Goal:
    return m.Goal(tenant=tenant, **goal_values(goal))


def goal_from(row: Sequence[Any]) -> GoalState:
    return sql.goal_from_row(dict(zip(_GOAL_COLUMNS, row, strict=True)))


SKILL_FIELDS = sql.SKILL_COLUMNS


def skill_model(tenant: str, s: StoredSkill) -> m.Skill:
    return m.Skill(tenant=tenant, **dict(zip(SKILL_FIELDS, sql.skill_row(s), strict=True)))


def skill_from(row: Sequence[Any]) -> StoredSkill:
    return sql.skill_from_row(dict(zip(SKILL_FIELDS, row, strict=True)))


CONTRIBUTION_FIELDS = _named(sql.CONTRIBUTION_COLUMNS, "contribution_id")


def contribution_model(tenant: str, c: StoredContribution) -> m.Contribution:
    values = zip(CONTRIBUTION_FIELDS, sql.contribution_row(c), strict=True)
    return m.Contribution(tenant=tenant, **dict(values))


def contribution_from(row: Sequence[Any]) -> StoredContribution:
    return sql.contribution_from_row(dict(zip(sql.CONTRIBUTION_COLUMNS, row, strict=True)))


FEED_FIELDS = sql.FEED_COLUMNS


def _same_day(week: date) -> date:
    return week  # the ORM takes a date as it is


def feed_model(tenant: str, g: FeedGroup) -> m.FeedEntry:
    values = zip(FEED_FIELDS, sql.feed_row(g, _same_day), strict=True)
    return m.FeedEntry(tenant=tenant, **dict(values))


def feed_from(row: Sequence[Any]) -> FeedGroup:
    return sql.feed_from_row(dict(zip(FEED_FIELDS, row, strict=True)))


ITEM_FIELDS = sql.IMPACT_ITEM_COLUMNS


def item_model(tenant: str, i: ImpactItem) -> m.ImpactItem:
    values = zip(ITEM_FIELDS, sql.impact_item_row(i), strict=True)
    return m.ImpactItem(tenant=tenant, **dict(values))


def item_from(row: Sequence[Any]) -> ImpactItem:
    return sql.impact_item_from_row(dict(zip(ITEM_FIELDS, row, strict=True)))


PREFS_FIELDS = ("user_id", "visibility", "digest", "digest_seq", "digest_at")


def prefs_from(row: Sequence[Any]) -> ImpactPrefs:
    return sql.prefs_from_row(dict(zip(PREFS_FIELDS, row, strict=True)))
