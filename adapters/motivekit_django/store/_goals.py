"""The goals slice: people's goals and their per-day counts.

Counts move with atomic ``F()`` updates computed on the locked rows: one ``UPDATE ... SET
total = total + n`` for all the goals a batch moved by the same ``n``, one for the day rows
of one day that move by the same ``n`` (a batch has a few of each, whatever its size); the
day rows that do not exist yet are inserted in one statement. Writers of a tenant hold its
log head lock, so no other writer can insert a day row between the lookup and the insert.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import date

from django.db.models import F

from motivekit.goals._model import GoalState, GoalStatus
from motivekit_django import models as m
from motivekit_django.store._base import SessionBase, slices
from motivekit_django.store._rows import GOAL_FIELDS, goal_from, goal_model, goal_values

__all__ = ["GoalsSlice"]


def _by_value(added: Mapping[str, int]) -> dict[int, list[str]]:
    """The keys of ``added`` grouped by what is added to them: one ``UPDATE`` per group."""
    grouped: dict[int, list[str]] = {}
    for key, n in added.items():
        grouped.setdefault(n, []).append(key)
    return grouped


class GoalsSlice(SessionBase):
    """:class:`~motivekit.store.GoalsSession` on the Django ORM."""

    def goal(self, goal_id: str) -> GoalState | None:
        found = list(self.rows(m.Goal, goal_id=goal_id).values_list(*GOAL_FIELDS))
        return goal_from(found[0]) if found else None

    def goals(self, owner: str | None = None, status: str | None = None) -> list[GoalState]:
        goals = self.rows(m.Goal)
        if owner is not None:
            goals = goals.filter(owner=owner)
        if status is not None:
            goals = goals.filter(status=status)
        return [goal_from(r) for r in goals.order_by("created_seq").values_list(*GOAL_FIELDS)]

    def active_goals(self, owners: Collection[str], kinds: Collection[str]) -> list[GoalState]:
        if not owners or not kinds:
            return []
        found: list[GoalState] = []
        for chunk in slices(owners):
            rows = self.rows(
                m.Goal,
                owner__in=chunk,
                status=GoalStatus.ACTIVE.value,
                event_kind__in=list(set(kinds)),
            )
            found.extend(goal_from(r) for r in rows.values_list(*GOAL_FIELDS))
        return found

    def save_goal(self, goal: GoalState) -> None:
        values = goal_values(goal)
        del values["goal_id"]
        if not self.rows(m.Goal, goal_id=goal.id).update(**values):
            self.create(m.Goal, [goal_model(self._tenant, goal)])

    def insert_goals(self, new: Sequence[GoalState]) -> None:
        self.create(m.Goal, [goal_model(self._tenant, g) for g in new])

    def delete_goals(self, owner: str) -> int:
        theirs = self.rows(m.Goal, owner=owner)
        self.rows(m.GoalDay, goal_id__in=theirs.values("goal_id")).delete()
        deleted, _ = theirs.delete()
        return deleted

    def add_goal_counts(
        self, totals: Mapping[str, int], days: Mapping[tuple[str, date], int]
    ) -> None:
        for n, goal_ids in _by_value(totals).items():
            self.rows(m.Goal, goal_id__in=goal_ids).update(total=F("total") + n)
        if not days:
            return
        existing: set[tuple[str, date]] = set()
        for wanted, rows in self.matching(m.GoalDay, ("goal_id", "day"), days):
            existing.update(k for k in rows.values_list("goal_id", "day") if k in wanted)
        grouped: dict[tuple[date, int], list[str]] = {}
        for goal_id, day in existing:
            grouped.setdefault((day, days[goal_id, day]), []).append(goal_id)
        for (day, n), goal_ids in grouped.items():
            rows = self.rows(m.GoalDay, day=day, goal_id__in=goal_ids)
            rows.update(count=F("count") + n)
        new = [
            m.GoalDay(tenant=self._tenant, goal_id=g, day=d, count=n)
            for (g, d), n in days.items()
            if (g, d) not in existing
        ]
        self.create(m.GoalDay, new)

    def day_counts(
        self, goal_ids: Collection[str], start: date, end: date
    ) -> dict[tuple[str, date], int]:
        found: dict[tuple[str, date], int] = {}
        for chunk in slices(goal_ids):
            rows = self.rows(m.GoalDay, goal_id__in=chunk, day__gte=start, day__lt=end)
            found.update(
                ((g, d), int(n)) for g, d, n in rows.values_list("goal_id", "day", "count")
            )
        return found

    def goal_days(self, goal_ids: Collection[str]) -> dict[tuple[str, date], int]:
        found: dict[tuple[str, date], int] = {}
        for chunk in slices(goal_ids):
            rows = self.rows(m.GoalDay, goal_id__in=chunk).exclude(count=0)
            found.update(
                ((g, d), int(n)) for g, d, n in rows.values_list("goal_id", "day", "count")
            )
        return found
