"""The goals engine: pure functions from (goal state, entry) to new state.

Nothing here touches storage, the clock or a framework; the pipeline reads state, calls
these functions and persists the result. That keeps replay and every store simple.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any

import attrs

from motivekit._canonical import JSONValue
from motivekit._errors import InvalidTransition, NotPermitted
from motivekit.goals._model import (
    GoalState,
    GoalStatus,
    Measure,
    Per,
    Plan,
    Progress,
    Watched,
    zone,
)

__all__ = [
    "GOAL_COMMANDS",
    "apply_goal_command",
    "counted_day",
    "local_day",
    "period_bounds",
    "progress_from_days",
]

GOAL_COMMANDS = frozenset(
    {"goal.create", "goal.edit", "goal.pause", "goal.resume", "goal.renegotiate", "goal.release"}
)


@lru_cache(maxsize=8192)
def local_day(instant: datetime, tz: str) -> date:
    """The calendar day ``instant`` falls on in time zone ``tz``."""
    return instant.astimezone(zone(tz)).date()


@lru_cache(maxsize=8192)
def period_bounds(per: Per | None, day: date) -> tuple[date, date] | None:
    """The local days ``[start, end)`` of the period containing ``day``; None in total.

    Weeks are ISO weeks (Monday to Sunday); months are calendar months.
    """
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


def counts_for(goal: Watched, kind: str, at: datetime, data: Mapping[str, JSONValue]) -> bool:
    """Whether an event counts for ``goal``: the goal is active, the measure matches, and
    the event did not happen before the goal was made (a goal starts when its owner
    chooses it)."""
    return (
        goal.status is GoalStatus.ACTIVE
        and at >= goal.created_at
        and goal.measure.matches(kind, data)
    )


def counted_day(
    goal: GoalState, kind: str, at: datetime, data: Mapping[str, JSONValue]
) -> date | None:
    """The local day an event counts on for ``goal``, or None if it does not count
    (:func:`counts_for`)."""
    return local_day(at, goal.tz) if counts_for(goal, kind, at, data) else None


def progress_from_days(
    goal: GoalState, bounds: tuple[date, date] | None, days_sum: int
) -> Progress:
    """Progress for a period given the sum of the goal's day counts inside it."""
    measure = goal.measure
    if bounds is None:
        return Progress(goal.total, measure.count, None, None, None)
    return Progress(days_sum, measure.count, measure.per, bounds[0], bounds[1])


def apply_goal_command(
    goal: GoalState | None,
    name: str,
    by: str,
    args: Mapping[str, Any],
    at: datetime,
    seq: int = 0,
) -> GoalState:
    """Fold one goal command (as journaled) into the goal's state.

    Returns ``goal`` itself when the command changes nothing (pausing a paused goal), so
    callers can skip journaling a no-op. Raises :class:`NotPermitted` when ``by`` is not
    the owner and :class:`InvalidTransition` when the goal's status does not allow it.
    ``seq`` is the command's journal sequence number (recorded on creation).
    """
    if name == "goal.create":
        if goal is not None:
            raise InvalidTransition(f"goal {args['goal']!r} already exists")
        return GoalState(
            id=args["goal"],
            owner=by,
            title=args["title"],
            measure=Measure.coerce(args["measure"]),
            why=args.get("why"),
            plan=Plan.coerce(args.get("plan")),
            visibility=args["visibility"],
            tz=args["tz"],
            status=GoalStatus.ACTIVE,
            template_id=args.get("template"),
            created_at=at,
            updated_at=at,
            created_seq=seq,
        )
    assert goal is not None, "the pipeline loads the goal before folding a command"
    if by != goal.owner:
        raise NotPermitted(
            f"only the goal's owner may {name.removeprefix('goal.')} goal {goal.id!r}; "
            f"{by!r} is not its owner"
        )
    if goal.status is GoalStatus.RELEASED:
        raise InvalidTransition(
            f"goal {goal.id!r} was released; a released goal stays released "
            f"(create or adopt a new goal instead)"
        )
    if name == "goal.pause":
        return _with_status(goal, GoalStatus.PAUSED, at)
    if name == "goal.resume":
        return _with_status(goal, GoalStatus.ACTIVE, at)
    if name == "goal.release":
        return _with_status(goal, GoalStatus.RELEASED, at)
    if name == "goal.edit":
        changes: dict[str, Any] = {k: args[k] for k in ("title", "why", "visibility") if k in args}
        if "plan" in args:
            changes["plan"] = Plan.coerce(args["plan"])
        if all(getattr(goal, k) == v for k, v in changes.items()):
            return goal
        return attrs.evolve(goal, **changes, updated_at=at)
    if name == "goal.renegotiate":
        measure = goal.measure
        changed = Measure(
            measure.event,
            args.get("count", measure.count),
            args.get("per", measure.per),
            measure.where,
        )
        if changed == measure:
            return goal
        return attrs.evolve(goal, measure=changed, updated_at=at)
    raise ValueError(f"unknown goal command {name!r}")


def _with_status(goal: GoalState, status: GoalStatus, at: datetime) -> GoalState:
    if goal.status is status:
        return goal
    return attrs.evolve(goal, status=status, updated_at=at)
