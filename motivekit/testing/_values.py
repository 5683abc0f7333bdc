"""The values the contract tests build: awkward on purpose, so that any rounding, truncation
or type change on the way through a store shows in an ``==``."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta

from motivekit.goals._model import GoalState, GoalStatus, Measure, Plan
from motivekit.store import Session, SkillBand, Store, StoredEntry, StoredSkill
from motivekit.store._protocol import FeedGroup, ImpactItem, StoredContribution
from motivekit.testing._capabilities import StoreOpener

__all__ = [
    "AT",
    "BAND",
    "WEEK",
    "append",
    "contribution",
    "entry",
    "feed_group",
    "goal",
    "impact_item",
    "opened",
    "skill",
]

AT = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)


def entry(seq: int, event_id: str | None = None, subject: str | None = "ada") -> StoredEntry:
    raw = f'{{"seq":{seq}}}'.encode()
    return StoredEntry(
        seq,
        "event" if event_id else "command",
        "review.submitted",
        event_id,
        AT,
        raw,
        hashlib.sha256(raw).digest(),
        subject,
        None if subject is None else b"s" * 32 + f'{{"actor":"{subject}"}}'.encode(),
    )


def append(s: Session, *entries: StoredEntry) -> None:
    """Reserve sequence numbers the way the log writer does, then append."""
    size, frontier = s.head()
    assert s.advance_head(size, size + len(entries), frontier + b"f" * 32)
    s.append(list(entries))


def goal(
    goal_id: str, owner: str = "ada", kind: str = "review.submitted", **kw: object
) -> GoalState:
    fields: dict[str, object] = {
        "id": goal_id,
        "owner": owner,
        "title": "Review pull requests",
        "measure": Measure(kind, 3, "week", {"repo": "core"}),
        "why": "I learn from other people's code",
        "plan": Plan("I open my laptop on Monday", "I review one pull request"),
        "visibility": "private",
        "tz": "Europe/Berlin",
        "status": GoalStatus.ACTIVE,
        "template_id": None,
        "created_at": AT,
        "updated_at": AT,
    }
    fields.update(kw)
    return GoalState(**fields)  # type: ignore[arg-type]


def skill(user: str = "ada", track: str = "reviews", **kw: object) -> StoredSkill:
    fields: dict[str, object] = {
        "user": user,
        "track": track,
        "evidence": 12,
        "successes": 8.5,
        "theta": 0.1 + 0.2,  # 0.30000000000000004: any rounding on the way shows
        "p_known": 1e-300,
        "at_difficulty": 3,
        "last_at": AT + timedelta(microseconds=123_457),
        "recent": (0.1 + 0.2, 5e-324, 1 / 3, 0.75, 2.0**-1074 * 3, 1.7976931348623157e308),
        "seq": 41,
        "level": "Practising",
    }
    fields.update(kw)
    return StoredSkill(**fields)  # type: ignore[arg-type]


BAND = SkillBand(0.6, 0.8, 0.7)
WEEK = date(2026, 11, 16)  # a Monday


def contribution(cid: str, owner: str | None = "ada", **kw: object) -> StoredContribution:
    fields: dict[str, object] = {
        "id": cid,
        "owner": owner,
        "kind": "answer.posted",
        "noun": "answer",
        "parents": ("q-1", "a-0"),
        "seq": 7,
        "at": AT + timedelta(microseconds=123_457),
    }
    fields.update(kw)
    return StoredContribution(**fields)  # type: ignore[arg-type]


def feed_group(recipient: str, position: int, **kw: object) -> FeedGroup:
    fields: dict[str, object] = {
        "recipient": recipient,
        "position": position,
        "key": f"direct:c-{position}:{WEEK.isoformat()}",
        "kind": "direct",
        "contribution": f"c-{position}",
        "noun": "answer",
        "story": "{beneficiary} found your answer helpful",
        "week": WEEK,
        "items": 2,
        "people": 2,
        "names": ("kim", "bo"),
        "first_at": AT,
        "last_at": AT + timedelta(hours=2, microseconds=1),
        "last_seq": position // 1024,
        "depth": 0,
    }
    fields.update(kw)
    return FeedGroup(**fields)  # type: ignore[arg-type]


def impact_item(recipient: str, seq: int, n: int = 0, **kw: object) -> ImpactItem:
    fields: dict[str, object] = {
        "recipient": recipient,
        "seq": seq,
        "n": n,
        "position": seq * 1024 + n,
        "root": "c-1",
        "node": "c-1",
        "beneficiary": "bo",
        "depth": 0,
        "share": 1 / 3,
        "at": AT + timedelta(microseconds=seq),
    }
    fields.update(kw)
    return ImpactItem(**fields)  # type: ignore[arg-type]


@contextmanager
def opened(opener: StoreOpener) -> Iterator[Store]:
    """A store opened with ``opener``, closed when the block ends."""
    store = opener()
    try:
        yield store
    finally:
        store.close()
