"""Autonomy: self-chosen goals — the pure engine and its value classes."""

from __future__ import annotations

from motivekit.goals._model import (
    Goal,
    GoalStatus,
    GoalTemplate,
    Measure,
    Per,
    Plan,
    Progress,
    Visibility,
)

__all__ = [
    "Goal",
    "GoalStatus",
    "GoalTemplate",
    "Measure",
    "Per",
    "Plan",
    "Progress",
    "Visibility",
]
