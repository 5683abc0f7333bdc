"""The indices as one pass over the journal, each entry judged where it stands in it.

The fold keeps what counting needs, as the journal had it when each entry was recorded:
every person's goals as journaled (their measure when created, adopted or renegotiated;
a later change of a menu template does not move history), their day counts, their
``goals`` and ``impact`` consent, each mission's running count and the nudges and digests
each person got. An event is then held, past a target or prompted by what came before it
in the journal. Nothing here reads a store: the input is ``kit.journal``'s entries.

Erased entries (``kit.privacy.forget``) count for no person. An erased event's kind stays
public in its leaf, so it still counts towards a mission's running count, as it did when
it was recorded: forgetting one person leaves everyone else's indices as they were.
"""

from __future__ import annotations

import bisect
from collections.abc import Collection, Mapping
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import attrs

from motivekit import JournalEntry, Measure
from motivekit.indices._values import Windows

__all__ = ["DAYS_PER", "DEFAULT_AIM", "PROMPTS", "IndexFold", "PersonCounts"]

PROMPTS = frozenset({"nudge.sent", "digest.sent"})
"""The commands that prompt their person: a nudge (``kit.nudges.sent``) and a digest
(``kit.impact.digest_sent``)."""
DAYS_PER = {"day": 1, "week": 7, "month": 30}
"""A cadence's length in days, to compare targets of different cadences (a month counts as
30 days: a convention)."""
DEFAULT_AIM = 0.75
"""The predicted success a track aims at when its own default is not given (mastery's)."""


def _instant(text: str) -> datetime:
    return datetime.fromisoformat(text)


def period(per: str | None, day: date) -> tuple[date, date] | None:
    """The local days ``[start, end)`` of the goal period containing ``day`` (ISO weeks,
    calendar months); None for a goal in total. The goals engine's periods."""
    if per is None:
        return None
    if per == "day":
        return day, day + timedelta(days=1)
    if per == "week":
        start = day - timedelta(days=day.weekday())
        return start, start + timedelta(days=7)
    start = day.replace(day=1)
    end = date(start.year + 1, 1, 1) if start.month == 12 else start.replace(month=start.month + 1)
    return start, end


@attrs.define
class _Goal:
    measure: Measure
    tz: ZoneInfo
    created_at: datetime
    active: bool = True
    total: int = 0
    days: dict[date, int] = attrs.Factory(dict)

    def counted_before(self, day: date) -> int:
        bounds = period(self.measure.per, day)
        if bounds is None:
            return self.total
        start, end = bounds
        return sum(self.days.get(start + timedelta(days=i), 0) for i in range((end - start).days))


@attrs.define
class _Release:
    measure: Measure
    at: datetime
    counted: bool
    """Whether it fell in the period (only those are reported)."""
    continued: bool = False
    new_goal: bool = False


@attrs.define
class _Kind:
    events: int = 0
    held: int = 0
    prompted: int = 0
    free_choice: int = 0
    past_target: int = 0


@attrs.define
class PersonCounts:
    """One person's running counts while the fold goes on."""

    kinds: dict[str, _Kind] = attrs.Factory(dict)
    releases: list[_Release] = attrs.Factory(list)
    bands_up: int = 0
    bands_down: int = 0
    renegotiations_up: int = 0
    renegotiations_down: int = 0
    own: int = 0
    adopted: int = 0
    adjusted: int = 0


@attrs.define
class _Person:
    counts: PersonCounts = attrs.Factory(PersonCounts)
    goals: dict[str, _Goal] = attrs.Factory(dict)
    consent: dict[str, bool] = attrs.Factory(dict)
    prompts: list[datetime] = attrs.Factory(list)
    aims: dict[str, float] = attrs.Factory(dict)


class IndexFold:
    """Folds journal entries, oldest first, into each person's counts."""

    def __init__(
        self,
        *,
        missions: Mapping[str, list[tuple[str, int]]],
        since: datetime | None,
        until: datetime | None,
        windows: Windows,
        kinds: Collection[str] | None,
        consent_defaults: Mapping[str, bool],
        aims: Mapping[str, float],
    ) -> None:
        self._missions = missions
        """Event kind → ``(mission id, target count)`` of the missions counting it."""
        self._totals: dict[str, int] = {}
        self._since, self._until = since, until
        self.windows = windows
        self._kinds = None if kinds is None else frozenset(kinds)
        self._defaults = consent_defaults
        self._aims = aims
        self.people: dict[str, _Person] = {}

    def _in_period(self, at: datetime) -> bool:
        return (self._since is None or at >= self._since) and (
            self._until is None or at < self._until
        )

    def _person(self, user: str) -> _Person:
        person = self.people.get(user)
        if person is None:
            person = self.people[user] = _Person()
        return person

    def _allows(self, person: _Person, mechanic: str) -> bool:
        return person.consent.get(mechanic, self._defaults.get(mechanic, True))

    def add(self, entry: JournalEntry) -> None:
        """Fold one entry (they come oldest first)."""
        payload = entry.payload
        if entry.type == "event":
            self._event(entry.erased, payload)
        elif entry.type == "command" and not entry.erased:
            self._command(entry.name, payload["by"], payload["args"], _instant(payload["at"]))

    # -- events -----------------------------------------------------------------------------

    def _event(self, erased: bool, payload: Mapping[str, Any]) -> None:
        kind = payload["kind"]
        person = None if erased else self._person(payload["actor"])
        held = past = False
        for mission in self._missions.get(kind, ()):
            before = self._totals.get(mission[0], 0)
            self._totals[mission[0]] = before + 1
            if person is not None and self._allows(person, "impact"):
                reached = before >= mission[1]
                held, past = held or not reached, past or reached
        if person is None:
            return
        at, data = _instant(payload["at"]), payload["data"]
        if self._allows(person, "goals"):
            for goal in person.goals.values():
                if not goal.active or at < goal.created_at or not goal.measure.matches(kind, data):
                    continue
                day = at.astimezone(goal.tz).date()
                reached = goal.counted_before(day) >= goal.measure.count
                held, past = held or not reached, past or reached
                goal.days[day] = goal.days.get(day, 0) + 1
                goal.total += 1
        for release in person.counts.releases:
            if release.at < at <= release.at + self.windows.continued:
                release.continued = release.continued or release.measure.matches(kind, data)
        if not self._in_period(at) or (self._kinds is not None and kind not in self._kinds):
            return
        prompted = self._prompted(person, at)
        counts = person.counts.kinds.get(kind)
        if counts is None:
            counts = person.counts.kinds[kind] = _Kind()
        counts.events += 1
        counts.held += held
        counts.prompted += prompted
        counts.past_target += past and not held
        counts.free_choice += not held and not prompted

    def _prompted(self, person: _Person, at: datetime) -> bool:
        prompts = person.prompts
        i = bisect.bisect_right(prompts, at)  # the prompts at or before the event
        return i > 0 and prompts[i - 1] >= at - self.windows.prompt

    # -- commands ---------------------------------------------------------------------------

    def _command(self, name: str, by: str, args: Mapping[str, Any], at: datetime) -> None:
        person = self._person(by)
        counting = self._in_period(at)
        if name in PROMPTS:
            bisect.insort(person.prompts, at)
        elif name == "consent.set":
            person.consent[args["mechanic"]] = bool(args["enabled"])
        elif name == "goal.create":
            self._created(person, args, at, counting)
        elif name in ("goal.pause", "goal.resume", "goal.release", "goal.renegotiate"):
            goal = person.goals.get(args["goal"])
            if goal is None:  # journaled by another owner: the engine refuses those
                return
            if name == "goal.renegotiate":
                self._renegotiated(person, goal, args, counting)
            else:
                goal.active = name == "goal.resume"
            if name == "goal.release":
                person.counts.releases.append(_Release(goal.measure, at, counting))
        elif name == "mastery.band":
            track = args["track"]
            default = self._aims.get(track, DEFAULT_AIM)
            before = person.aims.get(track, default)
            after = float(args["target"]) if "target" in args else default
            person.aims[track] = after
            if counting:
                person.counts.bands_up += after < before  # a lower predicted success: harder
                person.counts.bands_down += after > before

    def _created(
        self, person: _Person, args: Mapping[str, Any], at: datetime, counting: bool
    ) -> None:
        measure = Measure.coerce(args["measure"])
        person.goals[args["goal"]] = _Goal(measure, ZoneInfo(args["tz"]), at)
        for release in person.counts.releases:
            if release.at < at <= release.at + self.windows.new_goal:
                release.new_goal = True
        if not counting:
            return
        counts = person.counts
        if args.get("template") is None:
            counts.own += 1
        else:
            counts.adopted += 1
            counts.adjusted += bool(args.get("chosen"))

    def _renegotiated(
        self, person: _Person, goal: _Goal, args: Mapping[str, Any], counting: bool
    ) -> None:
        old = goal.measure
        new = Measure(old.event, args.get("count", old.count), args.get("per", old.per), old.where)
        goal.measure = new
        if not counting:
            return
        if old.per is None and new.per is None:
            before, after = float(old.count), float(new.count)
        elif old.per is None or new.per is None:
            return  # in total against per period: neither harder nor easier
        else:
            before, after = old.count / DAYS_PER[old.per], new.count / DAYS_PER[new.per]
        person.counts.renegotiations_up += after > before
        person.counts.renegotiations_down += after < before
