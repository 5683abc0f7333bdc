"""The goals slice: people's goals and their per-day counts.

Counts move with atomic ``F()`` updates computed on the locked rows, a batch in one
statement: ``total = total + CASE id WHEN ... THEN n END`` for every goal a batch moved,
and the same for the day rows that exist; the day rows that do not are inserted in one
statement. Writers of a tenant hold its log head lock, so no other writer can insert a day
row between the lookup and the insert.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import date

from django.db.models import BigIntegerField, Case, F, Value, When

from motivekit.goals._model import GoalState, GoalStatus
from motivekit_django import models as m
from motivekit_django.store._base import SessionBase, slices
from motivekit_django.store._rows import GOAL_FIELDS, goal_from, goal_model, goal_values

__all__ = ["GoalsSlice"]


def _added(cases: list[When]) -> Case:
    return Case(*cases, default=Value(0), output_field=BigIntegerField())


class GoalsSlice(SessionBase):
    """:class:`~motivekit.store.GoalsSession` on the Django ORM."""

    def goal(self, goal_id: str) -> GoalState | None:
        found = list(self.rows(m.Goal).filter(goal_id=goal_id).values_list(*GOAL_FIELDS))
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
            rows = self.rows(m.Goal).filter(
                owner__in=chunk, status=GoalStatus.ACTIVE.value, event_kind__in=list(set(kinds))
            )
            found.extend(goal_from(r) for r in rows.values_list(*GOAL_FIELDS))
        return found

    def save_goal(self, goal: GoalState) -> None:
        values = goal_values(goal)
        del values["goal_id"]
        if not self.rows(m.Goal).filter(goal_id=goal.id).update(**values):
            self.create(m.Goal, [goal_model(self._tenant, goal)])

    def insert_goals(self, new: Sequence[GoalState]) -> None:
        self.create(m.Goal, [goal_model(self._tenant, g) for g in new])

    def delete_goals(self, owner: str) -> int:
        theirs = self.rows(m.Goal).filter(owner=owner)
        self.rows(m.GoalDay).filter(goal_id__in=theirs.values("goal_id")).delete()
        deleted, _ = theirs.delete()
        return deleted

    def add_goal_counts(
        self, totals: Mapping[str, int], days: Mapping[tuple[str, date], int]
    ) -> None:
        if totals:
            cases = [When(goal_id=g, then=Value(n)) for g, n in totals.items()]
            self.rows(m.Goal).filter(goal_id__in=list(totals)).update(
                total=F("total") + _added(cases)
            )
        if not days:
            return
        existing: set[tuple[str, date]] = set()
        for keys in self.pk_keys(days):
            existing.update(self.rows(m.GoalDay).filter(pk__in=keys).values_list("goal_id", "day"))
        for chunk in slices(existing):
            cases = [When(goal_id=g, day=d, then=Value(days[g, d])) for g, d in chunk]
            keys = [(self._tenant, g, d) for g, d in chunk]
            self.rows(m.GoalDay).filter(pk__in=keys).update(count=F("count") + _added(cases))
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
            rows = self.rows(m.GoalDay).filter(goal_id__in=chunk, day__gte=start, day__lt=end)
            found.update(
                ((g, d), int(n)) for g, d, n in rows.values_list("goal_id", "day", "count")
            )
        return found

    def goal_days(self, goal_ids: Collection[str]) -> dict[tuple[str, date], int]:
        found: dict[tuple[str, date], int] = {}
        for chunk in slices(goal_ids):
            rows = self.rows(m.GoalDay).filter(goal_id__in=chunk).exclude(count=0)
            found.update(
                ((g, d), int(n)) for g, d, n in rows.values_list("goal_id", "day", "count")
            )
        return found
