"""Rebuilding one person's goals from the journal, and saying what changed, in words.

Replay writes a fresh fold of the person's entries in place of their stored goals; a dry
run and ``explain`` only compare. Rebuilding replaces everything the person has, so doing
it twice is harmless.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime

import attrs

from motivekit._consent import ConsentState, Mechanic
from motivekit.goals._engine import local_day, period_bounds
from motivekit.goals._fold import Folded, GoalFold, target
from motivekit.goals._menu import Menu
from motivekit.goals._model import GoalState
from motivekit.store._protocol import Session

__all__ = ["GoalDiff", "goal_diff", "rebuild_person"]


@attrs.frozen
class GoalDiff:
    """How one goal's projection differs under the new rules."""

    goal: str
    title: str
    changes: tuple[str, ...]
    """Each change in words, e.g. ``target: 3 per week → 5 per week``."""


def rebuild_person(
    session: Session,
    person: str,
    menu: Menu,
    defaults: Mapping[Mechanic, bool],
    now: datetime,
    *,
    write: bool,
) -> tuple[GoalDiff, ...]:
    """Fold ``person``'s entries under ``menu``; how their stored goals differ from it
    (and, with ``write``, replace them with it when they do)."""
    fold = GoalFold(menu, ConsentState(defaults))
    folded = fold.fold(session.subject_entries(person))
    stored = {g.id: g for g in session.goals(person)}
    stored_days = session.goal_days(list(stored))
    diffs = tuple(
        diff
        for goal_id in sorted(stored.keys() | folded.goals.keys())
        if (diff := goal_diff(goal_id, stored.get(goal_id), stored_days, folded, now))
    )
    if diffs and write:
        session.delete_goals(person)
        session.insert_goals(sorted(folded.goals.values(), key=lambda g: g.created_seq))
        session.add_goal_counts({}, {k: n for k, n in folded.days.items() if n})
    return diffs


def goal_diff(
    goal_id: str,
    before: GoalState | None,
    stored_days: Mapping[tuple[str, date], int],
    folded: Folded,
    now: datetime,
) -> GoalDiff | None:
    """How the stored goal ``goal_id`` differs from the fold (None: not at all)."""
    after = folded.goals.get(goal_id)
    if before is None or after is None:
        title = (before or after).title  # type: ignore[union-attr]
        what = "rebuilt from the journal" if before is None else "not in the journal"
        return GoalDiff(goal_id, title, (what,))
    changes = _goal_changes(before, after)
    days_before = {d: n for (g, d), n in stored_days.items() if g == goal_id}
    days_after = {d: n for (g, d), n in folded.days.items() if g == goal_id and n}
    if not changes and days_before == days_after:
        return None
    changes += _progress_change(before, after, days_before, days_after, now)
    return GoalDiff(goal_id, after.title, tuple(changes))


def _goal_changes(before: GoalState, after: GoalState) -> list[str]:
    changes = []
    if before.measure != after.measure:
        changes.append(f"target: {target(before.measure)} → {target(after.measure)}")
    if before.title != after.title:
        changes.append(f"title: {before.title!r} → {after.title!r}")
    if before.status != after.status:
        changes.append(f"status: {before.status.value} → {after.status.value}")
    if before.total != after.total:
        changes.append(f"counted in all: {before.total} → {after.total}")
    rest = [
        f.name
        for f in attrs.fields(GoalState)
        if f.name not in ("measure", "title", "status", "total")
        and getattr(before, f.name) != getattr(after, f.name)
    ]
    if rest:
        changes.append(f"also differs: {', '.join(rest)}")
    return changes


def _progress_change(
    before: GoalState,
    after: GoalState,
    days_before: Mapping[date, int],
    days_after: Mapping[date, int],
    now: datetime,
) -> list[str]:
    def current(goal: GoalState, days: Mapping[date, int]) -> tuple[str, int]:
        bounds = period_bounds(goal.measure.per, local_day(now, goal.tz))
        if bounds is None:
            return "in total", goal.total
        count = sum(n for d, n in days.items() if bounds[0] <= d < bounds[1])
        return f"this {goal.measure.per}", count

    label, old = current(before, days_before)
    _, new = current(after, days_after)
    out = []
    if (old, before.measure.count) != (new, after.measure.count):
        out.append(f"{label}: {old}/{before.measure.count} → {new}/{after.measure.count}")
    changed_days = sum(
        1
        for d in days_before.keys() | days_after.keys()
        if days_before.get(d, 0) != days_after.get(d, 0)
    )
    if changed_days:
        out.append(f"progress differs on {changed_days} day(s)")
    return out
