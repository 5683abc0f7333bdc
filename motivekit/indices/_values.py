"""What the indices are: frozen values, per person and summed per group.

Every index is a set of counts a reader can check by hand against the journal; the
shares are those counts divided, and None where the divisor is 0 (no activity, no goal
released) rather than a 0 that would read as a finding. Group values are the members'
counts summed, so a group's share is pooled over its members' counts, not a mean of
their shares. ``docs/measuring.md`` defines each count.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Self, TypeVar

import attrs

from motivekit import InvalidInput

__all__ = [
    "Activity",
    "Autonomy",
    "Challenge",
    "GroupIndices",
    "Indices",
    "Persistence",
    "PersonIndices",
    "Windows",
]


def _positive(instance: object, attribute: attrs.Attribute[timedelta], value: object) -> None:
    if not isinstance(value, timedelta) or value <= timedelta(0):
        raise InvalidInput(
            f"Windows.{attribute.name} must be a positive timedelta, e.g. timedelta(hours=24), "
            f"got {value!r}"
        )


@attrs.frozen
class Windows:
    """The time windows the indices use. The defaults are conventions, not findings:
    change them to fit how often your app prompts and how fast its people move on."""

    prompt: timedelta = attrs.field(default=timedelta(hours=24), validator=_positive)
    """An event up to this long after a nudge or digest to its actor is *prompted*."""
    continued: timedelta = attrs.field(default=timedelta(days=14), validator=_positive)
    """A released goal is *continued* when its owner does what it measured within this
    long after releasing it."""
    new_goal: timedelta = attrs.field(default=timedelta(days=14), validator=_positive)
    """A released goal is *followed by a new goal* when its owner creates or adopts one
    within this long (two weeks, after Wrosch et al. 2003's goal re-engagement)."""


def _share(part: int, whole: int) -> float | None:
    return None if whole == 0 else part / whole


_Counts = TypeVar("_Counts", "Activity", "Persistence", "Challenge", "Autonomy")


def _summed(cls: type[_Counts], values: Iterable[_Counts]) -> _Counts:
    names = [f.name for f in attrs.fields(cls)]
    totals = dict.fromkeys(names, 0)
    for value in values:
        for name in names:
            totals[name] += getattr(value, name)
    return cls(**totals)


@attrs.frozen
class Activity:
    """Events and how many of them came of their own accord (the free-choice analogue)
    or soon after a prompt."""

    events: int = 0
    """Events of the person (of the kinds counted) in the period."""
    held: int = 0
    """Of these, events an active goal or mission of theirs counted while its target for
    that period was not yet reached."""
    prompted: int = 0
    """Of these, events that came within ``Windows.prompt`` after a nudge or digest."""
    free_choice: int = 0
    """Events neither held nor prompted: the free-choice analogue (after Deci 1971)."""
    past_target: int = 0
    """Events a goal or mission counted only past its reached target (these are not
    held, so they are free choice unless prompted)."""

    @property
    def free_choice_share(self) -> float | None:
        """``free_choice / events``."""
        return _share(self.free_choice, self.events)

    @property
    def prompted_share(self) -> float | None:
        """``prompted / events``."""
        return _share(self.prompted, self.events)


@attrs.frozen
class Persistence:
    """What people did after letting a goal go (after Wrosch et al. 2003)."""

    released: int = 0
    """Goals released in the period."""
    continued: int = 0
    """Of these, goals whose measured activity went on within ``Windows.continued``."""
    new_goal: int = 0
    """Of these, releases followed by a new goal within ``Windows.new_goal``."""

    @property
    def continued_share(self) -> float | None:
        """``continued / released``."""
        return _share(self.continued, self.released)

    @property
    def new_goal_share(self) -> float | None:
        """``new_goal / released``."""
        return _share(self.new_goal, self.released)


@attrs.frozen
class Challenge:
    """Moves towards harder or easier challenges people chose themselves."""

    bands_up: int = 0
    """Own challenge bands set to aim at a lower predicted success (harder)."""
    bands_down: int = 0
    """Own challenge bands set to aim at a higher predicted success (easier)."""
    renegotiations_up: int = 0
    """Goals renegotiated to more per day (or more in total)."""
    renegotiations_down: int = 0
    """Goals renegotiated to less per day (or less in total)."""

    @property
    def bands_up_share(self) -> float | None:
        """``bands_up / (bands_up + bands_down)``."""
        return _share(self.bands_up, self.bands_up + self.bands_down)

    @property
    def renegotiations_up_share(self) -> float | None:
        """``renegotiations_up / (renegotiations_up + renegotiations_down)``."""
        return _share(self.renegotiations_up, self.renegotiations_up + self.renegotiations_down)


@attrs.frozen
class Autonomy:
    """Whose goals people pursue: their own, or the menu's as offered or adjusted."""

    own: int = 0
    """Goals people wrote themselves in the period."""
    adopted: int = 0
    """Goals adopted from the menu in the period."""
    adjusted: int = 0
    """Of the adopted, those whose adopter set the count, cadence or title themselves."""

    @property
    def own_share(self) -> float | None:
        """``own / (own + adopted)``."""
        return _share(self.own, self.own + self.adopted)

    @property
    def adjusted_share(self) -> float | None:
        """``adjusted / adopted``."""
        return _share(self.adjusted, self.adopted)


@attrs.frozen
class PersonIndices:
    """One person's indices over the period."""

    person: str
    activity: Activity
    kinds: Mapping[str, Activity]
    """The activity per event kind (kinds with no event in the period are left out)."""
    persistence: Persistence
    challenge: Challenge
    autonomy: Autonomy


@attrs.frozen
class GroupIndices:
    """A group's indices: its members' counts summed."""

    people: int
    """Members, with or without activity in the period."""
    activity: Activity
    kinds: Mapping[str, Activity]
    persistence: Persistence
    challenge: Challenge
    autonomy: Autonomy

    @classmethod
    def of(cls, members: Iterable[PersonIndices]) -> Self:
        """The sums over ``members``."""
        people = list(members)
        kinds: dict[str, list[Activity]] = {}
        for person in people:
            for kind, activity in person.kinds.items():
                kinds.setdefault(kind, []).append(activity)
        return cls(
            len(people),
            _summed(Activity, (p.activity for p in people)),
            {k: _summed(Activity, v) for k, v in sorted(kinds.items())},
            _summed(Persistence, (p.persistence for p in people)),
            _summed(Challenge, (p.challenge for p in people)),
            _summed(Autonomy, (p.autonomy for p in people)),
        )


@attrs.frozen
class Indices:
    """The indices of a period: per person, per group and for everyone."""

    since: datetime | None
    """The period's start (inclusive; None: from the first entry)."""
    until: datetime | None
    """The period's end (exclusive; None: to the last entry)."""
    windows: Windows
    people: Mapping[str, PersonIndices]
    """Each person's indices, by user id, sorted."""
    groups: Mapping[str, GroupIndices]
    """Each group's sums, by group name, sorted (only groups that were given)."""
    everyone: GroupIndices
    """The sums over every person."""
    membership: Mapping[str, str] = attrs.field(factory=dict, repr=False)
    """The group of each person who was given one."""

    def of_group(self, group: str) -> Indices:
        """The same period with only the members of ``group`` (e.g. one design version's
        arm), to compare two groups with :func:`motivekit.indices.divergence`."""
        if group not in self.groups:
            known = ", ".join(sorted(self.groups)) or "none were given"
            raise InvalidInput(f"no group {group!r} in these indices; groups: {known}")
        people = {p: v for p, v in self.people.items() if self.membership.get(p) == group}
        membership = dict.fromkeys(people, group)
        return Indices(
            self.since,
            self.until,
            self.windows,
            people,
            {group: self.groups[group]},
            GroupIndices.of(people.values()),
            membership,
        )
