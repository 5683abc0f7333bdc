"""Behavioural indices of motivation, computed from the journal with no new tracking.

:func:`compute` folds journal entries into each person's and each group's indices for a
period: the free-choice analogue (activity nothing counted and nothing prompted), the
prompted share, persistence after a goal is released, challenge seeking and autonomy in
use. :func:`divergence` flags activity that rose while free-choice activity or interest
did not. ``docs/measuring.md`` defines every count precisely enough to check it by hand.

An analysis layer over motivekit's public names (like ``motivekit.api``): it reads
:class:`~motivekit.JournalEntry` values and the design file, and nothing in the core
imports it.
"""

from __future__ import annotations

from motivekit.indices._compute import compute, from_kit, journal_entries
from motivekit.indices._divergence import MIN_EFFECT, Change, Divergence, divergence
from motivekit.indices._fold import DAYS_PER, DEFAULT_AIM, PROMPTS
from motivekit.indices._values import (
    Activity,
    Autonomy,
    Challenge,
    GroupIndices,
    Indices,
    Persistence,
    PersonIndices,
    Windows,
)

__all__ = [
    "DAYS_PER",
    "DEFAULT_AIM",
    "MIN_EFFECT",
    "PROMPTS",
    "Activity",
    "Autonomy",
    "Challenge",
    "Change",
    "Divergence",
    "GroupIndices",
    "Indices",
    "Persistence",
    "PersonIndices",
    "Windows",
    "compute",
    "divergence",
    "from_kit",
    "journal_entries",
]
