"""The values a store keeps and returns: one class per kind of stored record.

They are plain values (frozen attrs classes, or a named tuple where one is built per entry
appended), free of any storage detail, so every backend maps its rows to the same types and
the contract suite (:mod:`motivekit.testing`) compares them with ``==``.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from typing import NamedTuple

import attrs

__all__ = [
    "FeedGroup",
    "ImpactItem",
    "ImpactPrefs",
    "ReplayState",
    "SkillBand",
    "StoredCheckpoint",
    "StoredContribution",
    "StoredEntry",
    "StoredMission",
    "StoredSkill",
    "forgotten_digest",
]


class StoredEntry(NamedTuple):
    """A journal entry as stored: its leaf bytes and, unless erased, its personal part.

    A named tuple rather than an attrs class: one is built for every entry appended.
    """

    seq: int
    type: str
    name: str
    event_id: str | None
    recorded_at: datetime
    raw: bytes
    """The canonical leaf bytes (what the Merkle tree hashes)."""
    leaf_hash: bytes
    subject: str | None
    """The person the entry is about (None once erased, or for log-level entries)."""
    personal: bytes | None
    """The salt (32 bytes) followed by the canonical personal part; None once erased."""


@attrs.frozen
class StoredCheckpoint:
    """A signed checkpoint as stored."""

    size: int
    note: str
    created_at: datetime


@attrs.frozen
class ReplayState:
    """How far rebuilding the projections under rules ``version`` has come."""

    version: int
    cursor: str | None
    """The last person whose projections were rebuilt (people go in sorted order)."""
    people_done: int
    started_at: datetime
    finished_at: datetime | None
    mastery_seq: int | None = None
    """How far (journal seq) the rebuild of skill states has come; None: not started."""


@attrs.frozen
class StoredSkill:
    """One person's state on one skill track, as stored."""

    user: str
    track: str
    evidence: int
    successes: float
    theta: float
    p_known: float
    at_difficulty: int
    last_at: datetime | None
    """When the last piece of evidence happened (None: no evidence yet)."""
    recent: tuple[float, ...]
    """The estimates after each of the last (at most 10) pieces of evidence, oldest first."""
    seq: int
    """The journal seq of the last evidence applied."""
    level: str | None = None
    """The level reached under the rules it was folded with (None: none yet); kept so a
    replay under a changed ladder reports who moves."""


@attrs.frozen
class SkillBand:
    """A person's own challenge band on one track."""

    low: float
    high: float
    target: float


@attrs.frozen
class StoredContribution:
    """A contribution (an answer, a fix, a translation) and what it builds on."""

    id: str
    owner: str | None
    """The person who made it (None once they were forgotten)."""
    kind: str
    """The event kind that created it."""
    noun: str
    """What people call it in stories (``answer``)."""
    parents: tuple[str, ...]
    """The ids of the contributions it builds on, as the event named them."""
    seq: int
    """The journal seq of the event that created it."""
    at: datetime


@attrs.frozen
class FeedGroup:
    """One entry of a person's impact feed: impact items of one kind, on one contribution,
    in one week, told as one story."""

    recipient: str
    position: int
    """Where it sits in the feed (newest first): ``seq * 1024 + n`` of the item that
    opened it. Unique per recipient and never changes, so keyset pages are stable."""
    key: str
    """What groups items (kind, contribution, week); unique per recipient."""
    kind: str
    """``direct`` (your contribution helped), ``built-on`` (work built on yours helped) or
    ``referral`` (work by people you brought in helped)."""
    contribution: str | None
    """The recipient's contribution the items credit (None for ``referral``)."""
    noun: str
    story: str | None
    """The story template of a ``direct`` entry (``{beneficiary} found your answer
    helpful``); None for the others."""
    week: date
    """The Monday (UTC) of the week the items happened in."""
    items: int
    people: int
    """How many different people were helped (a forgotten beneficiary counts once each)."""
    names: tuple[str | None, ...]
    """The newest (at most two) different beneficiaries, newest first; None: forgotten."""
    first_at: datetime
    last_at: datetime
    last_seq: int
    """The journal seq of the newest item's event."""
    depth: int
    """The fewest steps between the recipient's work and the help (0: direct)."""


@attrs.frozen
class ImpactItem:
    """One person credited for one beneficiary event."""

    recipient: str
    seq: int
    """The journal seq of the beneficiary event."""
    n: int
    """Its index among the items of that event (``position = seq * 1024 + n``)."""
    position: int
    """The position of the feed entry it belongs to."""
    root: str
    """The contribution the beneficiary event credited."""
    node: str | None
    """The recipient's contribution the credit reached them through (None: as a referrer)."""
    beneficiary: str | None
    """Who was helped (None once they were forgotten)."""
    depth: int
    share: float
    """The recipient's share of the event's value V = 1: (1 - rho) * rho**depth, split
    among parents where a contribution builds on several."""
    at: datetime


@attrs.frozen
class ImpactPrefs:
    """One person's own choices about impact stories."""

    user: str
    visibility: str = "named"
    """``named``: others' stories may name them as beneficiary; ``anonymous``: "someone"."""
    digest: str | None = None
    """``day`` or ``week``: they asked for a digest of new impact; None: no digest."""
    digest_seq: int = 0
    """Items of events up to this journal seq were in a digest already."""
    digest_at: datetime | None = None
    """When the last digest was sent."""


@attrs.frozen
class StoredMission:
    """A collective mission's progress."""

    id: str
    total: int
    announced: tuple[int, ...]
    """The milestones whose journal entry was written, ascending."""


def forgotten_digest(user: str) -> bytes:
    """What is kept of a forgotten person: SHA-256 of their id under a fixed label. It
    names no one, but lets a guessed id be matched (that is its purpose)."""
    return hashlib.sha256(b"motivekit forgotten person\x00" + user.encode("utf-8")).digest()
