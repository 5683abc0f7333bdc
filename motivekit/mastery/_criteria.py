"""A plain criteria ladder, for teams who want transparent rules.

"20 reviews, 5 at difficulty ≥ 3, success ≥ 80%": the skill is mastered when there are at
least ``evidence`` pieces of evidence, at least ``at_difficulty`` of them at difficulty
``min_difficulty`` or more, and the success rate (the mean outcome, so graded outcomes
count in part) is at least ``success``. Nothing is predicted from items: the ladder only
counts.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import attrs

from motivekit._errors import InvalidTrack
from motivekit.mastery._protocol import (
    Item,
    ItemState,
    Learner,
    LearnerState,
    LearnerView,
    check_outcome,
    difficulty_of,
)

if TYPE_CHECKING:
    from motivekit.rules._model import CriteriaModel

__all__ = ["CriteriaSkill", "Criterion"]


def _count(_: object, attribute: attrs.Attribute[int], value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InvalidTrack(f"criteria.{attribute.name} must be a whole number ≥ 0, got {value!r}")


def _share(_: object, __: object, value: float) -> None:
    if not (isinstance(value, int | float) and 0.0 <= value <= 1.0):
        raise InvalidTrack(f"criteria.success must be from 0 to 1, got {value!r}")


def _difficulty(_: object, __: object, value: float | None) -> None:
    if value is not None and not (isinstance(value, int | float) and math.isfinite(value)):
        raise InvalidTrack(f"criteria.min_difficulty must be a number or none, got {value!r}")


def _percent(share: float) -> int:
    """``share`` as a whole percentage, rounded down (79.6% never shows as a met 80%)."""
    return math.floor(share * 100.0 + 1e-9)


@attrs.frozen
class Criterion:
    """One rule of the ladder and where a person stands on it."""

    text: str
    """What it says, e.g. ``12 of 20 reviews (8 to go)``."""
    met: bool
    progress: float
    """How far along, from 0 to 1 (1 when met)."""


@attrs.frozen
class CriteriaSkill:
    """A transparent criteria ladder: enough evidence, hard enough, successful enough.

    * ``estimate``: the mean progress over the ladder's criteria, each capped at 1:
      ``n / evidence``, ``n_hard / at_difficulty`` (if required) and
      ``success_rate / success`` (if required; 0 before any evidence). It is 1 exactly
      when every criterion is met.
    * ``uncertainty``: the share of the required evidence still missing,
      ``1 - min(1, n / evidence)``.
    * ``predict``: the success rate so far with one imagined success and one imagined
      failure (Laplace's rule, ``(successes + 1) / (n + 2)``); items are ignored.
    * ``mastered``: every criterion is met.
    """

    evidence: int = attrs.field(default=20, validator=_count)
    min_difficulty: float | None = attrs.field(default=None, validator=_difficulty)
    at_difficulty: int = attrs.field(default=0, validator=_count)
    success: float = attrs.field(default=0.8, validator=_share)

    @classmethod
    def from_spec(cls, spec: CriteriaModel) -> CriteriaSkill:
        """The model a track's ``model: {criteria: ...}`` section describes."""
        return cls(
            evidence=spec.evidence,
            min_difficulty=spec.min_difficulty,
            at_difficulty=spec.at_difficulty,
            success=spec.success,
        )

    def initial(self) -> LearnerState:
        """No evidence, nothing counted."""
        return LearnerState()

    def predict(self, learner: LearnerView, item: Item) -> float:
        """``(successes + 1) / (n + 2)``; ``item`` is ignored."""
        return (learner.successes + 1.0) / (learner.evidence + 2.0)

    def hard_enough(self, item: Item) -> bool:
        """Whether evidence on ``item`` counts towards ``at_difficulty``.

        Every piece counts when ``min_difficulty`` is none; otherwise only those with a
        known difficulty (a number, or a learned item's ``d``) of at least it.
        """
        if self.min_difficulty is None:
            return True
        d = difficulty_of(item)
        return d is not None and d >= self.min_difficulty

    def update(
        self, learner: LearnerState, item: Item, outcome: float
    ) -> tuple[LearnerState, ItemState | None]:
        """Count the evidence, whether it was hard enough, and its outcome."""
        work = Learner.of(learner)
        self.advance(work, item, check_outcome(outcome))
        return work.frozen(), None

    def advance(self, learner: Learner, item: Item, outcome: float) -> None:
        """:meth:`update` in place, for a checked ``outcome`` (a float in [0, 1])."""
        hard = self.hard_enough(item)
        learner.evidence += 1
        learner.successes = learner.successes + outcome
        if hard:
            learner.at_difficulty += 1

    def success_rate(self, learner: LearnerView) -> float:
        """The mean outcome so far; 0 before any evidence."""
        return learner.successes / learner.evidence if learner.evidence else 0.0

    def criteria(self, learner: LearnerView, noun: str = "pieces of evidence") -> list[Criterion]:
        """Each criterion of the ladder, what it says and whether it is met."""
        out = [self._count(learner.evidence, self.evidence, noun)]
        if self.at_difficulty > 0:
            where = (
                "at any difficulty"
                if self.min_difficulty is None
                else f"at difficulty ≥ {self.min_difficulty:g}"
            )
            out.append(self._count(learner.at_difficulty, self.at_difficulty, where))
        if self.success > 0:
            out.append(self._rate(learner))
        return out

    @staticmethod
    def _count(have: int, need: int, what: str) -> Criterion:
        if have >= need:
            return Criterion(f"{have} of {need} {what} (met)", True, 1.0)
        return Criterion(f"{have} of {need} {what} ({need - have} to go)", False, have / need)

    def _rate(self, learner: LearnerView) -> Criterion:
        needs = f"needs {_percent(self.success)}%"
        if not learner.evidence:
            return Criterion(f"success not measured yet ({needs})", False, 0.0)
        rate = self.success_rate(learner)
        if rate >= self.success:
            return Criterion(f"success {_percent(rate)}% ({needs}; met)", True, 1.0)
        return Criterion(f"success {_percent(rate)}% ({needs})", False, rate / self.success)

    def progress_text(self, learner: LearnerView, noun: str = "pieces of evidence") -> str:
        """What is met and what remains, e.g.
        ``12 of 20 reviews (8 to go); 3 of 5 at difficulty ≥ 3 (2 to go); success 83%
        (needs 80%; met)``."""
        return "; ".join(c.text for c in self.criteria(learner, noun))

    def _progress(self, learner: LearnerView) -> list[float]:
        # What criteria() says as numbers, without building its texts (this runs for every
        # piece of evidence).
        def share(have: float, need: float) -> float:
            return 1.0 if have >= need else have / need

        parts = [share(learner.evidence, self.evidence)]
        if self.at_difficulty > 0:
            parts.append(share(learner.at_difficulty, self.at_difficulty))
        if self.success > 0:
            rate = self.success_rate(learner)
            parts.append(share(rate, self.success) if learner.evidence else 0.0)
        return parts

    def estimate(self, learner: LearnerView) -> float:
        """The mean progress over the criteria (1 exactly when all are met)."""
        parts = self._progress(learner)
        return sum(parts) / len(parts)

    def uncertainty(self, learner: LearnerView) -> float:
        """The share of the required evidence still missing."""
        if self.evidence == 0:
            return 0.0
        return 1.0 - min(1.0, learner.evidence / self.evidence)

    def mastered(self, learner: LearnerView) -> bool:
        """Whether every criterion is met."""
        return (
            learner.evidence >= self.evidence
            and (self.at_difficulty <= 0 or learner.at_difficulty >= self.at_difficulty)
            and (
                self.success <= 0
                or (learner.evidence > 0 and self.success_rate(learner) >= self.success)
            )
        )
