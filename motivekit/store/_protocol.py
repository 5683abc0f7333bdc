"""The narrow storage protocol every backend implements, in five slices.

A store offers two kinds of unit of work: ``writing()`` (serialised, all-or-nothing) and
``reading()`` (a consistent snapshot). Both yield a :class:`Session`. Everything the
pipeline needs is a method here, shaped for batches so a 1,000-event ``record_many`` costs a
handful of round trips, not thousands.

:class:`Session` is the union of five slices, one per kind of state: :class:`JournalSession`
(the journal, its Merkle tiles and head, checkpoints, erasure, the people it is about, replay
progress), :class:`GoalsSession`, :class:`ConsentSession`, :class:`SkillsSession` and
:class:`ImpactSession`. A slice's methods touch only its own state; a store keeps people's
consent choices but never decides with them (``motivekit._consent`` does). A new backend can
therefore be built and checked one slice at a time: implement the journal, run
:class:`motivekit.testing.JournalContract` against it, then consent, goals (whose contract
also writes journal entries and consent), skills (whose contract also saves replay
progress) and impact, each with its own contract class; once all five pass, so does
:class:`motivekit.testing.StoreContract`, the specification every store must meet.

The stored values themselves live in ``_records.py`` and are re-exported here.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from contextlib import AbstractContextManager
from datetime import date, datetime
from typing import Protocol

from motivekit._errors import StoreError
from motivekit.goals._model import GoalState, Watched
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

__all__ = [
    "ConsentSession",
    "FeedGroup",
    "GoalsSession",
    "ImpactItem",
    "ImpactPrefs",
    "ImpactSession",
    "JournalSession",
    "ReplayState",
    "Session",
    "SkillBand",
    "SkillsSession",
    "Store",
    "StoredCheckpoint",
    "StoredContribution",
    "StoredEntry",
    "StoredMission",
    "StoredSkill",
    "WriteConflict",
    "forgotten_digest",
]


class JournalSession(Protocol):
    """The journal, its Merkle tree and head, checkpoints, erasure and replay progress."""

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


class GoalsSession(Protocol):
    """People's goals and their per-day counts."""

    def goal(self, goal_id: str) -> GoalState | None:
        """The goal with ``goal_id``, or None."""
        ...

    def goals(self, owner: str | None = None, status: str | None = None) -> list[GoalState]:
        """Goals, filtered by owner and status, oldest first."""
        ...

    def active_goals(self, owners: Collection[str], kinds: Collection[str]) -> Sequence[Watched]:
        """Active goals owned by one of ``owners`` that count one of ``kinds`` (whatever
        their owners' consent: the record pipeline decides whether they count), with
        what counting reads of them (a ``GoalState`` will do)."""
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


class ConsentSession(Protocol):
    """Each person's consent choice per mechanic."""

    def consents(self, users: Collection[str]) -> dict[str, dict[str, bool]]:
        """The explicit consent choices of each user that has made any."""
        ...

    def set_consent(self, user: str, mechanic: str, enabled: bool, at: datetime) -> None:
        """Record one person's choice for one mechanic."""
        ...

    def delete_consents(self, user: str) -> None:
        """Forget every consent choice of ``user``."""
        ...


class SkillsSession(Protocol):
    """Skill states, learned item difficulties and people's own challenge bands."""

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

    def user_bands(self, user: str) -> dict[str, SkillBand]:
        """Every challenge band ``user`` chose for themselves, by track (also on tracks
        without a skill state, or no longer in the rules)."""
        ...

    def delete_skills(self, user: str) -> int:
        """Delete every skill state and band of ``user``; return how many skill states."""
        ...

    def clear_mastery(self) -> None:
        """Delete every skill state and every item (bands stay: people chose them)."""
        ...


class ImpactSession(Protocol):
    """Contributions, referrals, identity links, impact feeds and items, people's choices,
    missions, and forgetting a person."""

    def contributions(self, ids: Collection[str]) -> dict[str, StoredContribution]:
        """The stored contributions among ``ids``."""
        ...

    def add_contributions(self, contributions: Sequence[StoredContribution]) -> None:
        """Insert contributions whose ids are not stored yet."""
        ...

    def owned_contributions(self, owner: str) -> list[StoredContribution]:
        """Every contribution ``owner`` made, by journal seq, then id."""
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

    def beneficiary_items(self, beneficiary: str) -> list[ImpactItem]:
        """Every item, whoever's, that names ``beneficiary`` as the one helped, oldest
        ``(seq, n)`` first (the help they received)."""
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

    def user_mission_parts(self, user: str) -> dict[str, int]:
        """``user``'s count in every mission they have a part in, by mission id."""
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


class Session(JournalSession, GoalsSession, ConsentSession, SkillsSession, ImpactSession, Protocol):
    """One unit of work against a store."""


class WriteConflict(StoreError):
    """A unit of work lost a race with another writer (a deadlock, a serialization
    failure) and was rolled back whole: run it again unchanged. The services do, a few
    times (``LogWriter.attempts``); a host sees it only if every attempt lost."""


class Store(Protocol):
    """A storage backend, holding one tenant's data (``""``: the default tenant)."""

    url: str
    tenant: str
    """Whose data every unit of work reads and writes: a store never reaches another
    tenant's rows."""

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
