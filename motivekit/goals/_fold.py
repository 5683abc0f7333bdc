"""Goals as a fold of the journal: one fold for live recording, replay, dry runs and explain.

:class:`GoalFold` holds goal states and day counts and applies journal entries to them in
order. Live, the record pipeline loads the active goals a batch's events can count for and
the counts of the periods those events fall in (:meth:`GoalFold.watch`), applies the
events (:meth:`GoalFold.count`, which says how each goal moved) and writes the counts it
added (:meth:`GoalFold.save`). Goal commands are made by ``kit.goals`` with the same
engine. Replay, dry runs and explain fold one person's entries from nothing
(:meth:`GoalFold.fold`): goal commands under the current menu (an adopted goal follows its
template), consent choices and events, in journal order, optionally keeping a trace of
what each entry did.

A person's goals depend only on entries about that person, so people fold independently.
Live, a batch costs one query for its goals and one per stretch of overlapping periods,
whatever the goals' history.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from datetime import date, datetime
from typing import Any, Literal

import attrs

from motivekit._consent import ConsentState, Mechanic
from motivekit._evidence import Command, ConsentChoice, EvidenceEvent, decode, open_command
from motivekit._model import GoalChange
from motivekit.goals._engine import (
    GOAL_COMMANDS,
    apply_goal_command,
    counted_day,
    counts_for,
    local_day,
    period_bounds,
)
from motivekit.goals._menu import Menu, template_args
from motivekit.goals._model import GoalState, Measure, Watched
from motivekit.goals._periods import Period, period_counts
from motivekit.store._protocol import GoalsSession, StoredEntry

__all__ = ["Folded", "GoalFold", "Step", "target"]

GOALS = Mechanic.GOALS

StepKind = Literal["created", "counted", "changed", "not counted"]


@attrs.frozen
class Step:
    """What one journal entry did to one goal."""

    seq: int
    goal: str
    kind: StepKind
    at: datetime
    """When it happened (an event's ``at``; a command's time)."""
    name: str
    """The event kind or command name."""
    rules: int
    """The rules version the entry was recorded under."""
    day: date | None = None
    """For ``counted``: the goal's local day the unit of progress belongs to."""
    detail: str = ""


@attrs.frozen
class Folded:
    """One person's goals as folded from the journal."""

    goals: Mapping[str, GoalState]
    """Their goals, each with the events counted in ``total``."""
    days: Mapping[tuple[str, date], int]
    """Their goals' day counts."""
    steps: tuple[Step, ...] = ()
    """What each entry did (when folded with ``trace=True``)."""


class GoalFold:
    """Applies journal entries to goals and their day counts (see the module docstring)."""

    def __init__(self, menu: Menu, consent: ConsentState, *, trace: bool = False) -> None:
        self.menu = menu
        self.consent = consent
        self.trace = trace
        self.goals: dict[str, GoalState] = {}
        """Goal states by id, when folding a person's entries (live, :meth:`watch` keeps what
        counting reads of the goals an event counts for with the event)."""
        # Plain dicts, not Counters: a live fold is built for every recorded event.
        self.days: dict[tuple[str, date], int] = {}
        """Day counts this fold added (folding from nothing: all of them)."""
        self.totals: dict[str, int] = {}
        """Events this fold counted, per goal."""
        self.steps: list[Step] = []
        self._hits: dict[int, list[tuple[Watched, date, Period | None]]] = {}
        """Live: per event seq, the watched goals it counts for, the local day and the
        period it falls in (each worked out once per event, in :meth:`watch`)."""
        self._periods: dict[tuple[str, Period], int] | None = None
        """Live: each touched (goal, period)'s count so far; None when folding."""
        self._allowed: dict[str, bool] = {}
        """Live: whether goals are on for each actor counted so far."""

    # -- live -------------------------------------------------------------------------------

    def watch(self, session: GoalsSession, events: Collection[EvidenceEvent]) -> set[str]:
        """Load the active goals ``events`` can count for and the counts of the periods
        they fall in; return the owners of those goals (whose consent counting needs)."""
        self._periods = {}
        found = session.active_goals({e.actor for e in events}, {e.kind for e in events})
        if not found:
            return set()
        watching: dict[tuple[str, str], list[Watched]] = {}
        for goal in found:
            watching.setdefault((goal.owner, goal.measure.event), []).append(goal)
        wanted: set[tuple[str, Period]] = set()
        for event in events:
            hits = []
            tz, day = None, None  # an event's local day, once per time zone in a row
            for goal in watching.get((event.actor, event.kind), ()):
                if not counts_for(goal, event.kind, event.at, event.data):
                    continue
                if goal.tz != tz or day is None:
                    tz, day = goal.tz, local_day(event.at, goal.tz)
                period = period_bounds(goal.measure.per, day)
                hits.append((goal, day, period))
                if period is not None:
                    wanted.add((goal.id, period))
            if hits:
                self._hits[event.seq] = hits
        self._periods = period_counts(session, wanted)
        return {goal.owner for hits in self._hits.values() for goal, _, _ in hits}

    def save(self, session: GoalsSession) -> None:
        """Write the counts added since the last save."""
        if self.totals or self.days:
            session.add_goal_counts(self.totals, self.days)
            self.totals, self.days = {}, {}

    # -- applying entries -------------------------------------------------------------------

    def count(self, event: EvidenceEvent) -> list[GoalChange]:
        """Count ``event`` towards the goals it counts for; live, how each goal moved."""
        if self._periods is not None:  # live: the goals it counts for were found by watch
            return self._count_live(event)
        allowed: bool | None = None
        for goal in self.goals.values():
            if goal.measure.event != event.kind:
                continue
            if allowed is None:
                allowed = self.consent.allows(event.actor, Mechanic.GOALS)
            on = counted_day(goal, event.kind, event.at, event.data) if allowed else None
            if on is not None:
                self._add(goal, on)
                if self.trace:
                    self._event_step(event, goal.id, "counted", day=on)
            elif self.trace and goal.measure.matches(event.kind, event.data):
                why = _not_counted(goal, event.at, allowed)
                self._event_step(event, goal.id, "not counted", detail=why)
        return []

    def _count_live(self, event: EvidenceEvent) -> list[GoalChange]:
        """:meth:`count` live: add the event to the goals :meth:`watch` found it counts for
        (every event of a batch passes here, so it is one loop with the counts at hand)."""
        hits = self._hits.pop(event.seq, None)
        if hits is None:
            return []
        allowed = self._allowed.get(event.actor)
        if allowed is None:  # consent does not change within a batch of events
            allowed = self._allowed[event.actor] = self.consent.allows(event.actor, GOALS)
        if not allowed:
            return []
        totals, days, periods = self.totals, self.days, self._periods
        assert periods is not None
        changes = []
        for goal, day, period in hits:
            goal_id = goal.id
            totals[goal_id] = total = totals.get(goal_id, 0) + 1
            days[goal_id, day] = days.get((goal_id, day), 0) + 1
            if period is None:
                count, start, end = goal.total + total, None, None
            else:
                count = periods[goal_id, period] = periods.get((goal_id, period), 0) + 1
                start, end = period
            target = goal.measure.count
            changes.append(
                GoalChange(goal_id, goal.owner, start, end, count, target, count == target)
            )
        return changes

    def _add(self, goal: GoalState, day: date) -> None:
        self.totals[goal.id] = self.totals.get(goal.id, 0) + 1
        self.days[goal.id, day] = self.days.get((goal.id, day), 0) + 1

    def command(self, command: Command) -> None:
        """Apply one of the person's goal commands (folding: adopted goals follow the
        current menu's template)."""
        name = command.name
        if name == "goal.create":
            current = template_args(command.args, self.menu)
            goal = apply_goal_command(None, name, command.by, current, command.at, command.seq)
            self.goals[goal.id] = goal
            if self.trace:
                detail = _created(goal)
                if current["measure"] != command.args["measure"]:
                    recorded = Measure.coerce(command.args["measure"])
                    detail += f" (the template's current target; {target(recorded)} when adopted)"
                self._command_step(command, goal.id, "created", detail)
        elif name in GOAL_COMMANDS:
            before = self.goals[command.args["goal"]]
            goal = apply_goal_command(before, name, command.by, command.args, command.at)
            self.goals[goal.id] = goal
            if self.trace:
                detail = _changed(name, command.args)
                self._command_step(command, goal.id, "changed", detail)

    def fold(self, entries: Iterable[StoredEntry]) -> Folded:
        """Fold one person's entries (oldest first) from nothing; the result."""
        for entry in entries:
            if entry.type == "event":
                event = decode(entry)
                if isinstance(event, EvidenceEvent):
                    self.count(event)
            elif entry.type == "command" and entry.personal is not None:
                if entry.name == "consent.set":
                    choice = decode(entry)
                    assert isinstance(choice, ConsentChoice)
                    self.consent.note(choice)
                elif entry.name in GOAL_COMMANDS:
                    command = open_command(entry)
                    assert command is not None
                    self.command(command)
        goals = {
            goal_id: attrs.evolve(goal, total=goal.total + n)
            if (n := self.totals.get(goal_id, 0))
            else goal
            for goal_id, goal in self.goals.items()
        }
        return Folded(goals, dict(self.days), tuple(self.steps))

    def _event_step(
        self,
        event: EvidenceEvent,
        goal: str,
        kind: StepKind,
        *,
        day: date | None = None,
        detail: str = "",
    ) -> None:
        self.steps.append(
            Step(event.seq, goal, kind, event.at, event.kind, event.rules, day, detail)
        )

    def _command_step(self, command: Command, goal: str, kind: StepKind, detail: str) -> None:
        self.steps.append(
            Step(command.seq, goal, kind, command.at, command.name, command.rules, None, detail)
        )


def _not_counted(goal: GoalState, at: datetime, allowed: bool) -> str:
    if not allowed:
        return "goals were switched off by their owner"
    if at < goal.created_at:
        return "it happened before the goal was made"
    return f"the goal was {goal.status.value}"


def _created(goal: GoalState) -> str:
    origin = f"adopted from {goal.template_id!r}" if goal.template_id else "own goal"
    return f"{origin}: {target(goal.measure)}"


def target(measure: Measure) -> str:
    """A measure in words: ``3 review.submitted per week``."""
    where = f" where {measure.where}" if measure.where else ""
    cadence = f" per {measure.per}" if measure.per else " in total"
    return f"{measure.count} {measure.event}{where}{cadence}"


def _changed(name: str, args: Mapping[str, Any]) -> str:
    verb = name.removeprefix("goal.")
    fields = ", ".join(f"{k} → {v}" for k, v in sorted(args.items()) if k in ("count", "per"))
    return f"{verb} ({fields})" if fields else verb
