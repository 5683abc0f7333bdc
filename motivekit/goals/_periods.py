"""Summing goals' per-day counts into period counts, with few queries."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from motivekit.store._protocol import GoalsSession

__all__ = ["Period", "period_counts"]

Period = tuple[date, date]
"""Local days ``[start, end)``."""


def period_counts(
    session: GoalsSession, wanted: Iterable[tuple[str, Period]]
) -> dict[tuple[str, Period], int]:
    """Each (goal id, period)'s count, reading each stretch of overlapping periods once.

    Periods are merged into windows of overlapping days, so a batch whose day, week and
    month goals all touch the current month costs one query, and the rows read are only
    those inside periods asked about: the cost does not grow with a goal's history.
    """
    goals_of: dict[Period, set[str]] = defaultdict(set)
    for goal_id, period in wanted:
        goals_of[period].add(goal_id)
    counts: dict[tuple[str, Period], int] = {}
    for window, periods in _windows(sorted(goals_of)):
        ids = set().union(*(goals_of[p] for p in periods))
        days: dict[str, list[tuple[date, int]]] = defaultdict(list)
        for (goal_id, day), n in session.day_counts(ids, *window).items():
            days[goal_id].append((day, n))
        for period in periods:
            start, end = period
            for goal_id in goals_of[period]:
                counts[goal_id, period] = sum(n for d, n in days[goal_id] if start <= d < end)
    return counts


def _windows(periods: list[Period]) -> list[tuple[Period, list[Period]]]:
    windows: list[tuple[Period, list[Period]]] = []
    for period in periods:  # sorted by start
        if windows and period[0] < windows[-1][0][1]:
            (start, end), members = windows[-1]
            windows[-1] = ((start, max(end, period[1])), [*members, period])
        else:
            windows.append((period, [period]))
    return windows
