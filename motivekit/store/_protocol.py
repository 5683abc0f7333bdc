"""The narrow storage protocol every backend implements.

A store offers two kinds of unit of work: ``writing()`` (serialised, all-or-nothing) and
``reading()`` (a consistent snapshot). Both yield a :class:`Session`. Everything the
pipeline needs is a method here, shaped for batches so a 1,000-event ``record_many`` costs a
handful of round trips, not thousands. The contract suite in ``tests/store_contract.py``
is the specification: every store must pass it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from datetime import date, datetime
from typing import NamedTuple, Protocol, TypeVar

import attrs

from motivekit.goals._model import GoalState

__all__ = [
    "FeedGroup",
    "ImpactItem",
    "ImpactPrefs",
    "ReplayState",
    "Session",
    "SkillBand",
    "Store",
    "StoredCheckpoint",
    "StoredContribution",
    "StoredEntry",
    "StoredMission",
    "StoredSkill",
    "forgotten_digest",
]

_T = TypeVar("_T")


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


class Session(Protocol):
    """One unit of work against a store."""

    # journal and Merkle tree
    def known_events(self, event_ids: Collection[str]) -> dict[str, int]:
        """Map each already recorded event id among ``event_ids`` to its entry's seq."""
        ...

    def head(self) -> tuple[int, bytes]:
        """The log's size and frontier (concatenated 32-byte hashes), locking the head
        row against other writers until the unit of work ends."""
        ...

    def advance_head(self, old_size: int, new_size: int, frontier: bytes) -> bool:
        """Move the head from ``old_size``; False (and nothing changed) if it is not there."""
        ...

    def append(self, entries: Sequence[StoredEntry]) -> None:
        """Store entries whose sequence numbers were reserved with :meth:`advance_head`."""
        ...

    def add_tiles(self, nodes: Sequence[tuple[int, int, bytes]]) -> None:
        """Store Merkle nodes ``(level, index, hash)`` (levels that are multiples of 8)."""
        ...

    def node_hashes(self, level: int, start: int, end: int) -> list[bytes]:
        """Stored hashes of nodes ``(level, i)`` for ``start <= i < end``, in order
        (level 0: the entries' leaf hashes)."""
        ...

    def entries(self, after: int, limit: int) -> list[StoredEntry]:
        """Entries with ``seq > after``, ascending, at most ``limit``."""
        ...

    def scan(self, after: int, limit: int) -> list[tuple[int, bytes, bytes, bytes | None]]:
        """``(seq, leaf bytes, leaf hash, personal part)`` of entries with ``seq > after``,
        ascending, at most ``limit``: the lean read a full verification needs."""
        ...

    def last_entries(self, limit: int) -> list[StoredEntry]:
        """The newest ``limit`` entries, ascending."""
        ...

    def journal_size(self) -> int:
        """Number of entries (equal to the highest seq)."""
        ...

    def erase_personal(self, subject: str) -> int:
        """Delete the personal part and subject of every entry about ``subject``."""
        ...

    def subjects(self, after: str | None, limit: int) -> list[str]:
        """Up to ``limit`` distinct people the journal has entries about, in sorted order,
        after ``after`` (None: from the start)."""
        ...

    def subject_entries(self, subject: str) -> list[StoredEntry]:
        """Every entry about ``subject``, oldest first."""
        ...

    def replay_state(self) -> ReplayState | None:
        """The replay with the highest rules version, or None if there never was one."""
        ...

    def save_replay_state(self, state: ReplayState) -> None:
        """Insert or replace the replay row for ``state.version``."""
        ...

    def add_checkpoint(self, checkpoint: StoredCheckpoint) -> None:
        """Store a signed checkpoint (replacing one of the same size)."""
        ...

    def checkpoints(self) -> list[StoredCheckpoint]:
        """Every stored checkpoint, smallest first."""
        ...

    # goals
    def goal(self, goal_id: str) -> GoalState | None:
        """The goal with ``goal_id``, or None."""
        ...

    def goals(self, owner: str | None = None, status: str | None = None) -> list[GoalState]:
        """Goals, filtered by owner and status, oldest first."""
        ...

    def active_goals(
        self, owners: Collection[str], kinds: Collection[str], *, consent_default: bool
    ) -> list[GoalState]:
        """Active goals owned by one of ``owners`` that count one of ``kinds``, leaving out
        owners who switched goals off (``consent_default``: whether goals are on for people
        who never chose)."""
        ...

    def save_goal(self, goal: GoalState) -> None:
        """Insert or replace a goal's state (its ``total`` included)."""
        ...

    def insert_goals(self, new: Sequence[GoalState]) -> None:
        """Insert goals that do not exist yet (in one statement where the store can)."""
        ...

    def delete_goals(self, owner: str) -> int:
        """Delete every goal of ``owner`` with its day counts; return how many."""
        ...

    def add_goal_counts(
        self, totals: Mapping[str, int], days: Mapping[tuple[str, date], int]
    ) -> None:
        """Add to goals' totals and to per-day counts (creating day rows as needed)."""
        ...

    def day_counts(
        self, goal_ids: Collection[str], start: date, end: date
    ) -> dict[tuple[str, date], int]:
        """The non-zero day counts of ``goal_ids`` on local days ``[start, end)``."""
        ...

    def goal_days(self, goal_ids: Collection[str]) -> dict[tuple[str, date], int]:
        """Every non-zero day count of ``goal_ids``."""
        ...

    # consent
    def consents(self, users: Collection[str]) -> dict[str, dict[str, bool]]:
        """The explicit consent choices of each user that has made any."""
        ...

    def set_consent(self, user: str, mechanic: str, enabled: bool, at: datetime) -> None:
        """Record one person's choice for one mechanic."""
        ...

    def delete_consents(self, user: str) -> None:
        """Forget every consent choice of ``user``."""
        ...

    # mastery
    def skills(self, keys: Collection[tuple[str, str]]) -> dict[tuple[str, str], StoredSkill]:
        """The stored states among ``keys`` ``(user, track)``; missing ones are left out."""
        ...

    def user_skills(self, user: str) -> list[StoredSkill]:
        """Every skill state of ``user``, sorted by track."""
        ...

    def all_skills(self, after: tuple[str, str] | None, limit: int) -> list[StoredSkill]:
        """Up to ``limit`` skill states ordered by ``(user, track)``, strictly after
        ``after`` (None: from the start)."""
        ...

    def save_skills(self, skills: Sequence[StoredSkill]) -> None:
        """Insert or replace skill states by ``(user, track)`` (in one statement where the
        store can)."""
        ...

    def skill_items(
        self, keys: Collection[tuple[str, str]]
    ) -> dict[tuple[str, str], tuple[float, int]]:
        """The learned ``(d, n)`` of the items among ``keys`` ``(track, item id)`` that
        exist."""
        ...

    def save_skill_items(self, items: Mapping[tuple[str, str], tuple[float, int]]) -> None:
        """Insert or replace items' ``(d, n)`` by ``(track, item id)``."""
        ...

    def skill_bands(self, keys: Collection[tuple[str, str]]) -> dict[tuple[str, str], SkillBand]:
        """The challenge bands people among ``keys`` ``(user, track)`` chose for
        themselves."""
        ...

    def set_skill_band(self, user: str, track: str, band: SkillBand | None, at: datetime) -> None:
        """Record one person's own band on one track; None: back to the track's default."""
        ...

    def delete_skills(self, user: str) -> int:
        """Delete every skill state and band of ``user``; return how many skill states."""
        ...

    def clear_mastery(self) -> None:
        """Delete every skill state and every item (bands stay: people chose them)."""
        ...

    # impact
    def contributions(self, ids: Collection[str]) -> dict[str, StoredContribution]:
        """The stored contributions among ``ids``."""
        ...

    def add_contributions(self, contributions: Sequence[StoredContribution]) -> None:
        """Insert contributions whose ids are not stored yet."""
        ...

    def referrers(self, people: Collection[str]) -> dict[str, str]:
        """Who referred each of ``people`` (those with a referrer)."""
        ...

    def add_referrals(self, referrals: Mapping[str, str]) -> None:
        """Record ``person → referrer`` for people without a referrer yet."""
        ...

    def identity_groups(self, people: Collection[str]) -> dict[str, str]:
        """The linked-identity group of each of ``people`` that the host linked."""
        ...

    def identity_members(self, group: str) -> list[str]:
        """Everyone in linked-identity group ``group``, sorted."""
        ...

    def set_identity_groups(self, groups: Mapping[str, str]) -> None:
        """Insert or replace ``person → group``."""
        ...

    def feed_groups(self, keys: Collection[tuple[str, str]]) -> dict[tuple[str, str], FeedGroup]:
        """The feed entries among ``keys`` ``(recipient, key)``."""
        ...

    def save_feed_groups(self, groups: Sequence[FeedGroup]) -> None:
        """Insert or replace feed entries by ``(recipient, position)``."""
        ...

    def feed_page(self, recipient: str, before: int | None, limit: int) -> list[FeedGroup]:
        """Up to ``limit`` of ``recipient``'s feed entries with ``position < before``
        (None: from the newest), newest (highest position) first."""
        ...

    def add_impact_items(self, items: Sequence[ImpactItem]) -> None:
        """Insert impact items (new ``(seq, n)`` pairs)."""
        ...

    def seen_beneficiaries(
        self, keys: Collection[tuple[str, int, str]]
    ) -> set[tuple[str, int, str]]:
        """The ``(recipient, position, beneficiary)`` among ``keys`` that have an item."""
        ...

    def group_items(self, recipient: str, position: int, limit: int) -> list[ImpactItem]:
        """Up to ``limit`` items of one feed entry, oldest ``(seq, n)`` first."""
        ...

    def event_items(self, seq: int) -> list[ImpactItem]:
        """Every item of the beneficiary event at journal ``seq``, by ``n``."""
        ...

    def recipient_items(self, recipient: str, after_seq: int, limit: int) -> list[ImpactItem]:
        """Up to ``limit`` of ``recipient``'s items with ``seq > after_seq``, oldest first."""
        ...

    def impact_prefs(self, users: Collection[str]) -> dict[str, ImpactPrefs]:
        """The stored choices of each of ``users`` who made any."""
        ...

    def save_impact_prefs(self, prefs: ImpactPrefs) -> None:
        """Insert or replace one person's choices."""
        ...

    def digest_people(self, after: str | None, limit: int) -> list[ImpactPrefs]:
        """Up to ``limit`` people who asked for a digest, by user id, after ``after``."""
        ...

    def missions(self, ids: Collection[str]) -> dict[str, StoredMission]:
        """The stored progress of the missions among ``ids``."""
        ...

    def save_missions(self, missions: Sequence[StoredMission]) -> None:
        """Insert or replace missions' progress by id."""
        ...

    def mission_parts(self, keys: Collection[tuple[str, str]]) -> dict[tuple[str, str], int]:
        """Each person's count among ``keys`` ``(mission, user)`` that have one."""
        ...

    def add_mission_parts(self, parts: Mapping[tuple[str, str], int]) -> None:
        """Add to people's counts by ``(mission, user)`` (creating rows as needed)."""
        ...

    def mission_contributors(
        self, mission: str, after: str | None, limit: int
    ) -> list[tuple[str, int]]:
        """Up to ``limit`` ``(user, count)`` of one mission, by user id, after ``after``."""
        ...

    def impact_counts(self) -> dict[str, int]:
        """How many impact items each recipient has (for replay reports)."""
        ...

    def forget_impact(self, user: str) -> int:
        """Erase ``user`` from impact: delete their feed, items, choices, referral, identity
        group, mission parts and the referrals they made or received (the people they
        brought in have no referrer any more); make them None as owner of contributions
        and as beneficiary of others' items (and in those entries' names); keep their
        :func:`forgotten_digest` (see :meth:`forgotten`). Returns how many items of
        theirs were deleted."""
        ...

    def forgotten(self, people: Collection[str]) -> set[str]:
        """Those of ``people`` who were forgotten (:func:`forgotten_digest` is kept for
        each, not the id), so ids in other people's event data do not bring them back."""
        ...

    def clear_impact(self) -> None:
        """Delete everything a replay rebuilds: contributions, referrals, feeds, items and
        missions (people's choices and the host's identity links stay)."""
        ...


class Store(Protocol):
    """A storage backend."""

    url: str

    def writing(self) -> AbstractContextManager[Session]:
        """A serialised unit of work: committed when the block ends, rolled back on error."""
        ...

    def reading(self) -> AbstractContextManager[Session]:
        """A consistent read-only snapshot."""
        ...

    def scrub(self) -> None:
        """Make sure deleted data is gone from disk too (e.g. old pages in a WAL file)."""
        ...

    def close(self) -> None:
        """Release connections."""
        ...


def forgotten_digest(user: str) -> bytes:
    """What is kept of a forgotten person: SHA-256 of their id under a fixed label. It
    names no one, but lets a guessed id be matched (that is its purpose)."""
    return hashlib.sha256(b"motivekit forgotten person\x00" + user.encode("utf-8")).digest()


def chunked(items: Sequence[_T], size: int) -> Iterator[Sequence[_T]]:
    """Split a sequence for IN-lists that must stay below a backend's parameter limit."""
    for start in range(0, len(items), size):
        yield items[start : start + size]
