"""Projections as a fold of the journal: one person's entries → their goals and progress.

The record pipeline updates projections incrementally; this module computes the same
projections from scratch, entry by entry, under a given goal menu. Replay writes the
result, a dry run compares it with what is stored, and ``explain`` keeps the trace of which
entry did what. ``tests/test_replay.py`` checks the fold agrees with the live pipeline.

A person's goal projections depend only on entries about that person (their events,
their goal commands, their consent choices), so people fold independently.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any, Literal

import attrs

from motivekit._consent import Mechanic
from motivekit._entries import open_entry
from motivekit._time import parse_instant
from motivekit.goals._engine import GOAL_COMMANDS, apply_goal_command, counted_day
from motivekit.goals._model import GoalState, GoalTemplate, Measure
from motivekit.store._protocol import StoredEntry

__all__ = ["ADOPTED_FIELDS", "Folded", "Step", "fold_person", "target", "template_args"]

ADOPTED_FIELDS = ("count", "per", "title")
"""What an adopter may set that would otherwise follow the template (recorded as
``chosen`` on ``goal.create``, so a replay under a changed template keeps their choices)."""

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


@attrs.define
class Folded:
    """One person's projections as folded from the journal."""

    goals: dict[str, GoalState] = attrs.field(factory=dict)
    days: Counter[tuple[str, date]] = attrs.field(factory=Counter)
    steps: list[Step] = attrs.field(factory=list)
    """Filled only when folding with ``trace=True``."""


def template_args(args: Mapping[str, Any], templates: Mapping[str, GoalTemplate]) -> dict[str, Any]:
    """A ``goal.create`` command's arguments under the current menu.

    An adopted goal follows its template (what it counts, the target and cadence, the
    title) except for what the adopter chose themselves. Goals of a person's own making,
    and goals whose template is no longer on the menu, keep what was recorded. Visibility
    is never changed by a new template: who sees a goal stays the owner's choice.
    """
    template = templates.get(args.get("template") or "")
    if template is None:
        return dict(args)
    chosen = set(args.get("chosen", ADOPTED_FIELDS))
    recorded = args["measure"]
    measure = template.measure.to_json()
    for field in ("count", "per"):
        if field in chosen:
            measure[field] = recorded.get(field)
    title = args["title"] if "title" in chosen else template.title
    return {**args, "measure": measure, "title": title}


def fold_person(
    entries: Iterable[StoredEntry],
    templates: Mapping[str, GoalTemplate],
    defaults: Mapping[Mechanic, bool],
    *,
    trace: bool = False,
) -> Folded:
    """Fold one person's entries (oldest first) into their goals and day counts."""
    folded = Folded()
    goals = folded.goals
    totals: Counter[str] = Counter()
    choices: dict[str, bool] = {}
    for entry in entries:
        if entry.personal is None:  # erased: nothing of it is left to fold
            continue
        payload = open_entry(entry.raw, entry.personal)
        at = parse_instant(payload["at"])
        rules = int(payload["rules"])
        if entry.type == "event":
            allowed = choices.get(Mechanic.GOALS.value, defaults[Mechanic.GOALS])
            kind, data = payload["kind"], payload["data"]
            for goal in goals.values():
                if goal.measure.event != kind:
                    continue
                day = counted_day(goal, kind, at, data) if allowed else None
                if day is not None:
                    totals[goal.id] += 1
                    folded.days[goal.id, day] += 1
                    if trace:
                        folded.steps.append(
                            Step(entry.seq, goal.id, "counted", at, kind, rules, day)
                        )
                elif trace and goal.measure.matches(kind, data):
                    why = _not_counted(goal, at, allowed)
                    folded.steps.append(
                        Step(entry.seq, goal.id, "not counted", at, kind, rules, None, why)
                    )
            continue
        if entry.type != "command":
            continue
        name, by, args = entry.name, payload["by"], payload["args"]
        if name == "consent.set":
            choices[args["mechanic"]] = args["enabled"]
        elif name == "goal.create":
            current = template_args(args, templates)
            goal = apply_goal_command(None, name, by, current, at, entry.seq)
            goals[goal.id] = goal
            if trace:
                detail = _created(goal)
                if current["measure"] != args["measure"]:
                    recorded = Measure.coerce(args["measure"])
                    detail += f" (the template's current target; {target(recorded)} when adopted)"
                folded.steps.append(
                    Step(entry.seq, goal.id, "created", at, name, rules, None, detail)
                )
        elif name in GOAL_COMMANDS:
            goal = apply_goal_command(goals[args["goal"]], name, by, args, at)
            goals[goal.id] = goal
            if trace:
                detail = _changed(name, args)
                folded.steps.append(
                    Step(entry.seq, goal.id, "changed", at, name, rules, None, detail)
                )
    for goal_id, total in totals.items():
        goals[goal_id] = attrs.evolve(goals[goal_id], total=total)
    return folded


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
