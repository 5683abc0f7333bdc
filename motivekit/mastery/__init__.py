"""Mastery: skill models behind one protocol, next challenges, levels and retention.

Every model is pure: ``(learner state, item, outcome) -> (new learner state, new item
state)``, with no storage, clock or I/O. Pick one per track::

    from motivekit.mastery import EloSkill, ItemState, next_challenges

    elo = EloSkill(guess=0.0, a=1.0, b=0.05)
    ada, item = elo.update(elo.initial(), ItemState(d=0.3), outcome=1.0)
    next_challenges(elo, ada, [("easy", -1.0), ("medium", 0.0), ("hard", 1.5)])
"""

from __future__ import annotations

from motivekit._errors import InvalidEvidence, InvalidTrack
from motivekit.mastery._bkt import BktSkill
from motivekit.mastery._challenge import (
    DEFAULT_BAND,
    DEFAULT_TARGET,
    Challenge,
    check_band,
    next_challenges,
)
from motivekit.mastery._criteria import CriteriaSkill, Criterion
from motivekit.mastery._elo import EloSkill, sigmoid
from motivekit.mastery._levels import Ladder, about, feedback
from motivekit.mastery._protocol import Evidence, Item, ItemState, LearnerState, SkillModel
from motivekit.mastery._retention import half_life, recall, refresh_at, refresh_due

__all__ = [
    "DEFAULT_BAND",
    "DEFAULT_TARGET",
    "BktSkill",
    "Challenge",
    "CriteriaSkill",
    "Criterion",
    "EloSkill",
    "Evidence",
    "InvalidEvidence",
    "InvalidTrack",
    "Item",
    "ItemState",
    "Ladder",
    "LearnerState",
    "SkillModel",
    "about",
    "check_band",
    "feedback",
    "half_life",
    "next_challenges",
    "recall",
    "refresh_at",
    "refresh_due",
    "sigmoid",
]
