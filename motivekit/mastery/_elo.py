"""Elo for learner and item (Pelánek 2016, *Applications of the Elo rating system in
adaptive educational systems*, Computers & Education 98).

The probability of success is ``P = g + (1 - g) * sigmoid(theta - d)``. After an outcome
``r`` in [0, 1] (graded outcomes allowed) the learner moves by ``K(n) * (r - P)`` and the
item by ``-K(n_item) * (r - P)``: a success makes the learner stronger and the item easier.
``K(n) = a / (1 + b * n)`` shrinks with each side's own experience ``n``, so early
estimates move fast and settled ones stay put. Item difficulties are learned from
everyone's attempts; theta and d share one scale, fixed only up to a common offset.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import attrs

from motivekit._errors import InvalidTrack
from motivekit.mastery._protocol import (
    Item,
    ItemState,
    LearnedItem,
    Learner,
    LearnerState,
    LearnerView,
    check_outcome,
    difficulty_of,
)

if TYPE_CHECKING:
    from motivekit.rules._model import EloModel

__all__ = ["EloSkill", "sigmoid"]


def sigmoid(x: float) -> float:
    """The logistic function ``1 / (1 + e**-x)``, without overflow for any finite ``x``."""
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    z = math.exp(x)
    return z / (1.0 + z)


def _positive(_: object, attribute: attrs.Attribute[float], value: float) -> None:
    if not (math.isfinite(value) and value > 0):
        raise InvalidTrack(f"elo.k.{attribute.name} must be a positive number, got {value!r}")


def _not_negative(_: object, attribute: attrs.Attribute[float], value: float) -> None:
    if not (math.isfinite(value) and value >= 0):
        raise InvalidTrack(f"elo.k.{attribute.name} must be 0 or more, got {value!r}")


def _guess(_: object, __: object, value: float) -> None:
    if not 0.0 <= value < 1.0:
        raise InvalidTrack(f"elo.guess must be at least 0 and below 1, got {value!r}")


def _threshold(_: object, __: object, value: float) -> None:
    if not 0.0 < value <= 1.0:
        raise InvalidTrack(f"mastered_at must be above 0 and at most 1, got {value!r}")


@attrs.frozen
class EloSkill:
    """Elo for learner and item: ``P = g + (1 - g) * sigmoid(theta - d)``.

    * ``estimate``: the predicted success on an item of difficulty 0,
      ``g + (1 - g) * sigmoid(theta)``.
    * ``uncertainty``: ``K(n) / a = 1 / (1 + b * n)``, the share of the first step size
      still left — 1 before any evidence, shrinking as evidence accumulates (with
      ``b = 0`` it stays 1: the model never settles).
    * ``mastered``: ``estimate >= mastered_at`` (default 0.95, the BKT convention).
    """

    guess: float = attrs.field(default=0.0, validator=_guess)
    a: float = attrs.field(default=1.0, validator=_positive)
    b: float = attrs.field(default=0.05, validator=_not_negative)
    mastered_at: float = attrs.field(default=0.95, validator=_threshold)

    @classmethod
    def from_spec(cls, spec: EloModel, *, mastered_at: float = 0.95) -> EloSkill:
        """The model a track's ``model: {elo: ...}`` section describes."""
        return cls(guess=spec.guess, a=spec.k.a, b=spec.k.b, mastered_at=mastered_at)

    def k(self, n: int) -> float:
        """The step size after ``n`` pieces of evidence: ``a / (1 + b * n)``."""
        return self.a / (1.0 + self.b * n)

    def probability(self, theta: float, d: float) -> float:
        """``g + (1 - g) * sigmoid(theta - d)``."""
        return self.guess + (1.0 - self.guess) * sigmoid(theta - d)

    def initial(self) -> LearnerState:
        """Ability 0 (an item of difficulty 0 is a coin flip above guessing)."""
        return LearnerState()

    def predict(self, learner: LearnerView, item: Item) -> float:
        """The probability of success; an unknown difficulty counts as 0."""
        return self.probability(learner.theta, difficulty_of(item) or 0.0)

    def update(
        self, learner: LearnerState, item: Item, outcome: float
    ) -> tuple[LearnerState, ItemState | None]:
        """Move learner and item (if it is a learned item) by ``K(n) * (r - P)``.

        A fixed difficulty (a number) or None is not learned: the second value is None.
        """
        work = Learner.of(learner)
        item_after = self.advance(work, item, check_outcome(outcome))
        return work.frozen(), item_after

    def advance(
        self, learner: Learner, item: Item | LearnedItem, outcome: float
    ) -> ItemState | None:
        """:meth:`update` in place: move ``learner`` for a checked ``outcome`` (a float in
        [0, 1]), and a :class:`LearnedItem` too; the item after it for an
        :class:`ItemState`, else None."""
        d = difficulty_of(item) or 0.0
        surprise = outcome - self.probability(learner.theta, d)
        learner.theta = learner.theta + self.k(learner.evidence) * surprise
        learner.evidence += 1
        learner.successes = learner.successes + outcome
        if isinstance(item, LearnedItem):
            item.d = item.d - self.k(item.n) * surprise
            item.n += 1
        elif isinstance(item, ItemState):
            return ItemState(d=item.d - self.k(item.n) * surprise, n=item.n + 1)
        return None

    def estimate(self, learner: LearnerView) -> float:
        """The predicted success on an item of difficulty 0."""
        return self.probability(learner.theta, 0.0)

    def uncertainty(self, learner: LearnerView) -> float:
        """``1 / (1 + b * n)``: 1 with no evidence, falling as evidence accumulates."""
        return 1.0 / (1.0 + self.b * learner.evidence)

    def mastered(self, learner: LearnerView) -> bool:
        """Whether the estimate has reached ``mastered_at``."""
        return self.estimate(learner) >= self.mastered_at
