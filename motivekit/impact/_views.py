"""What people read of impact: feed entries and pages, explanations, digests, missions."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime

import attrs

__all__ = [
    "Digest",
    "ExplainedItem",
    "FeedEntry",
    "FeedPage",
    "ImpactExplanation",
    "ImpactPreferences",
    "MissionProgress",
    "part_story_of",
    "percent",
]


@attrs.frozen
class FeedEntry:
    """One story in a person's impact feed: impact items of one kind, on one of their
    contributions, in one week."""

    id: str
    """Stable id of the entry (pass it to :meth:`Impact.explain`)."""
    kind: str
    """``direct`` (your contribution helped), ``built-on`` (work built on yours helped)
    or ``referral`` (work by people you brought in helped)."""
    story: str
    """The story, e.g. ``bob found your answer helpful`` or ``12 people found your answer
    helpful this week``."""
    people: int
    """How many different people were helped."""
    items: int
    """How many impact items the story groups."""
    beneficiaries: tuple[str, ...]
    """The newest people helped who may be named (at most two), newest first."""
    contribution: str | None
    """Your contribution it is about (None for ``referral``)."""
    noun: str
    week: date
    """The Monday (UTC) of the week it happened in."""
    first_at: datetime
    last_at: datetime
    depth: int
    """Steps between your work and the help (0: your own contribution helped)."""


@attrs.frozen
class FeedPage:
    """A page of a feed, newest first; ``cursor`` fetches the next page (None: the end)."""

    entries: tuple[FeedEntry, ...]
    cursor: str | None

    def __iter__(self) -> Iterator[FeedEntry]:
        return iter(self.entries)

    def __len__(self) -> int:
        return len(self.entries)


@attrs.frozen
class ExplainedItem:
    """One impact item behind a feed entry, with the journal entry it comes from."""

    seq: int
    """The journal seq of the beneficiary event."""
    event_id: str | None
    """The event's id (None if the journal no longer holds the entry)."""
    event_kind: str | None
    at: datetime
    beneficiary: str
    """Who was helped, as stories show them (``someone`` if anonymous or forgotten)."""
    root: str
    """The contribution the event credited."""
    contribution: str | None
    """Your contribution the credit reached you through (None: as a referrer)."""
    depth: int
    share: float
    """Your share of the event's value V = 1."""


@attrs.frozen
class ImpactExplanation:
    """Where a feed entry comes from: its impact items and their journal entries."""

    user: str
    entry: FeedEntry
    items: tuple[ExplainedItem, ...]
    more: int
    """Items left out of ``items`` (an entry explains its first 500)."""

    def lines(self) -> list[str]:
        """The explanation as text, one line per item."""
        if self.entry.items == 1:
            out = [f"{self.entry.story}: this impact item comes from:"]
        else:
            out = [f"{self.entry.story}: these {self.entry.items} impact items come from:"]
        for item in self.items:
            steps = f"{item.depth} step{'s' if item.depth > 1 else ''}"
            if item.depth == 0:
                path = "your own"
            elif item.contribution is None:
                path = f"by someone you brought in, {steps} away"
            else:
                path = f"built on yours, {steps} away"
            event = (
                f"{item.event_kind} {item.event_id!r}"
                if item.event_id is not None
                else "an entry the journal no longer holds"
            )
            out.append(
                f"  #{item.seq} {event}: {item.beneficiary} was helped by {item.root!r} "
                f"({path}; share {item.share:g})"
            )
        if self.more:
            out.append(f"  … and {self.more} more")
        return out


@attrs.frozen
class ImpactPreferences:
    """A person's own choices about impact stories."""

    user: str
    visibility: str
    """``named``: others' stories may name them; ``anonymous``: they are "someone"."""
    digest: str | None
    """``day`` or ``week`` if they asked for a digest of new impact; None otherwise."""


@attrs.frozen
class Digest:
    """New impact since a person's last digest, told in stories (opt-in)."""

    user: str
    every: str
    lines: tuple[str, ...]
    items: int
    up_to_seq: int
    """Items of events up to this journal seq are in it (see :meth:`Impact.digest_sent`)."""

    @property
    def text(self) -> str:
        """The digest as one text, a story per line."""
        return "\n".join(self.lines)


@attrs.frozen
class MissionProgress:
    """A collective mission: the group's progress and, if asked, one person's part."""

    id: str
    title: str
    unit: str
    target: int
    total: int
    """Everyone's count so far."""
    milestones: tuple[int, ...]
    """Milestones with the target as the last one."""
    reached: tuple[int, ...]
    next_milestone: int | None
    done: bool
    story: str
    """E.g. ``Translate the handbook: 120 of 500 pages (24%)``."""
    user: str | None = None
    part: int | None = None
    """The person's own count (None when not asked, or their impact consent is off)."""
    part_story: str | None = None
    """What the person's part did, e.g. ``Your 14 pages are among the 120 so far``: never
    a percentage or a share (see :func:`part_story_of`)."""


def part_story_of(part: int, total: int, unit: str) -> str:
    """What a person's ``part`` of a mission's ``total`` did, in words, e.g. ``Your 14
    pages are among the 120 so far``.

    It says what the part is in, never how small it is: no percentage and no share,
    which would tell someone their effort barely matters (Karau & Williams 1993 on social
    loafing) and invite comparison, against the rule that stories carry no number to
    compare.
    """
    if part >= total:
        return (
            f"The first of the {unit} is yours"
            if total <= 1
            else f"All {total} {unit} so far are yours"
        )
    if part == 1:
        return f"One of the {total} {unit} was yours"
    return f"Your {part} {unit} are among the {total} so far"


def percent(part: int, whole: int) -> str:
    """``part`` of ``whole`` as a whole percentage ("less than 1%" rather than 0%): a
    mission's own progress towards its target, never a person's part."""
    if whole <= 0:
        return "0%"
    share = 100 * part / whole
    if 0 < share < 1:
        return "less than 1%"
    return f"{round(share)}%"
