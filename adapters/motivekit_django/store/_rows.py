"""Between the stored records (``motivekit.store``) and this app's models.

Reads take plain tuples (``values_list`` of the ``*_FIELDS`` below, in that order): no
model instance is built per row. Writes build model instances, which ``bulk_create``
needs. Instants are microseconds since the epoch and tuples compact JSON lists, exactly
as the SQL store writes them, so both stores hold the same values.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from functools import lru_cache
from typing import Any

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


def as_bytes(value: Any) -> bytes:
    """A binary column's value as ``bytes`` (psycopg returns ``memoryview``)."""
    return value if isinstance(value, bytes) else bytes(value)


def micros(instant: datetime | None) -> int | None:
    return None if instant is None else to_micros(instant)


def _instant(value: int | None) -> datetime | None:
    return None if value is None else from_micros(value)


def json_list(values: Sequence[Any]) -> str:
    """A tuple as a compact JSON list (``json`` writes a float as its ``repr``, so it
    reads back exactly)."""
    return json.dumps(list(values), separators=(",", ":"))


ENTRY_FIELDS = (
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
    seq, type_, name, event_id, recorded_at, raw, leaf_hash, subject, personal = row
    return StoredEntry(
        seq,
        type_,
        name,
        event_id,
        from_micros(recorded_at),
        as_bytes(raw),
        as_bytes(leaf_hash),
        subject,
        None if personal is None else as_bytes(personal),
    )


GOAL_FIELDS = (
    "goal_id",
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


def _json_text(value: Any) -> str:
    return canonical_bytes(value).decode("utf-8")


@lru_cache(maxsize=4096)
def _measure(text: str) -> Measure:
    return Measure.coerce(json.loads(text))


@lru_cache(maxsize=4096)
def _plan(text: str) -> Plan | None:
    return Plan.coerce(json.loads(text))


def goal_values(goal: GoalState) -> dict[str, Any]:
    """A goal's columns but the tenant, by field name."""
    return {
        "goal_id": goal.id,
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


def goal_model(tenant: str, goal: GoalState) -> m.Goal:
    return m.Goal(tenant=tenant, **goal_values(goal))


def goal_from(row: Sequence[Any]) -> GoalState:
    (goal_id, owner, title, measure, why, plan, visibility, tz, status, template_id) = row[:10]
    created_at, updated_at, total, created_seq = row[10:]
    return GoalState(
        id=goal_id,
        owner=owner,
        title=title,
        measure=_measure(measure),
        why=why,
        plan=None if plan is None else _plan(plan),
        visibility=visibility,
        tz=tz,
        status=GoalStatus(status),
        template_id=template_id,
        created_at=from_micros(created_at),
        updated_at=from_micros(updated_at),
        total=total,
        created_seq=created_seq,
    )


SKILL_FIELDS = (
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


def skill_model(tenant: str, s: StoredSkill) -> m.Skill:
    return m.Skill(
        tenant=tenant,
        user_id=s.user,
        track=s.track,
        evidence=s.evidence,
        successes=s.successes,
        theta=s.theta,
        p_known=s.p_known,
        at_difficulty=s.at_difficulty,
        last_at=micros(s.last_at),
        recent=json_list([float(x) for x in s.recent]),
        seq=s.seq,
        level=s.level,
    )


def skill_from(row: Sequence[Any]) -> StoredSkill:
    user, track, evidence, successes, theta, p_known, at_difficulty, last_at = row[:8]
    recent, seq, level = row[8:]
    return StoredSkill(
        user=user,
        track=track,
        evidence=evidence,
        successes=successes,
        theta=theta,
        p_known=p_known,
        at_difficulty=at_difficulty,
        last_at=_instant(last_at),
        recent=tuple(json.loads(recent)),
        seq=seq,
        level=level,
    )


CONTRIBUTION_FIELDS = ("contribution_id", "owner", "kind", "noun", "parents", "seq", "at")


def contribution_model(tenant: str, c: StoredContribution) -> m.Contribution:
    return m.Contribution(
        tenant=tenant,
        contribution_id=c.id,
        owner=c.owner,
        kind=c.kind,
        noun=c.noun,
        parents=json_list(c.parents),
        seq=c.seq,
        at=to_micros(c.at),
    )


def contribution_from(row: Sequence[Any]) -> StoredContribution:
    id_, owner, kind, noun, parents, seq, at = row
    return StoredContribution(
        id=id_,
        owner=owner,
        kind=kind,
        noun=noun,
        parents=tuple(json.loads(parents)),
        seq=seq,
        at=from_micros(at),
    )


FEED_FIELDS = (
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


def feed_model(tenant: str, g: FeedGroup) -> m.FeedEntry:
    return m.FeedEntry(
        tenant=tenant,
        recipient=g.recipient,
        position=g.position,
        group_key=g.key,
        kind=g.kind,
        contribution=g.contribution,
        noun=g.noun,
        story=g.story,
        week=g.week,
        items=g.items,
        people=g.people,
        names=json_list(g.names),
        first_at=to_micros(g.first_at),
        last_at=to_micros(g.last_at),
        last_seq=g.last_seq,
        depth=g.depth,
    )


def feed_from(row: Sequence[Any]) -> FeedGroup:
    recipient, position, key, kind, contribution, noun, story, week = row[:8]
    items, people, names, first_at, last_at, last_seq, depth = row[8:]
    return FeedGroup(
        recipient=recipient,
        position=position,
        key=key,
        kind=kind,
        contribution=contribution,
        noun=noun,
        story=story,
        week=week,
        items=items,
        people=people,
        names=tuple(json.loads(names)),
        first_at=from_micros(first_at),
        last_at=from_micros(last_at),
        last_seq=last_seq,
        depth=depth,
    )


ITEM_FIELDS = (
    "recipient",
    "seq",
    "n",
    "position",
    "root",
    "node",
    "beneficiary",
    "depth",
    "share",
    "at",
)


def item_model(tenant: str, i: ImpactItem) -> m.ImpactItem:
    return m.ImpactItem(
        tenant=tenant,
        seq=i.seq,
        n=i.n,
        recipient=i.recipient,
        position=i.position,
        root=i.root,
        node=i.node,
        beneficiary=i.beneficiary,
        depth=i.depth,
        share=i.share,
        at=to_micros(i.at),
    )


def item_from(row: Sequence[Any]) -> ImpactItem:
    recipient, seq, n, position, root, node, beneficiary, depth, share, at = row
    return ImpactItem(
        recipient=recipient,
        seq=seq,
        n=n,
        position=position,
        root=root,
        node=node,
        beneficiary=beneficiary,
        depth=depth,
        share=share,
        at=from_micros(at),
    )


PREFS_FIELDS = ("user_id", "visibility", "digest", "digest_seq", "digest_at")


def prefs_from(row: Sequence[Any]) -> ImpactPrefs:
    user, visibility, digest, digest_seq, digest_at = row
    return ImpactPrefs(
        user=user,
        visibility=visibility,
        digest=digest,
        digest_seq=digest_seq,
        digest_at=_instant(digest_at),
    )
