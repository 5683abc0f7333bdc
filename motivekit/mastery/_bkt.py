"""Bayesian Knowledge Tracing (Corbett & Anderson 1995, *Knowledge tracing: modeling the
acquisition of procedural knowledge*, User Modeling and User-Adapted Interaction 4).

A skill is known or not. Each opportunity first conditions ``P(L)`` on the answer::

    P(L | correct) = P(L)(1 - s) / (P(L)(1 - s) + (1 - P(L)) g)
    P(L | wrong)   = P(L) s      / (P(L) s      + (1 - P(L)) (1 - g))

then allows for learning: ``P(L_next) = post + (1 - post) * learn``. The chance of a
correct answer is ``P(L)(1 - s) + (1 - P(L)) g``. There is no forgetting (see
``motivekit.mastery`` retention for "time to refresh").

Graded outcomes ``r`` in [0, 1] use the convex combination of the two posteriors,
``r * P(L | correct) + (1 - r) * P(L | wrong)``, which is exact for 0 and 1 and
continuous in between. Difficulty is ignored: BKT models one skill, not items.
"""

from __future__ import annotations

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
)

if TYPE_CHECKING:
    from motivekit.rules._model import BktModel

__all__ = ["BktSkill"]


def _probability(_: object, attribute: attrs.Attribute[float], value: float) -> None:
    if not (isinstance(value, int | float) and 0.0 <= value <= 1.0):
        name = "mastered" if attribute.name == "mastered_at" else attribute.name
        raise InvalidTrack(f"bkt.{name} must be from 0 to 1, got {value!r}")


@attrs.frozen
class BktSkill:
    """Bayesian Knowledge Tracing with prior, learn, guess and slip.

    * ``estimate``: ``p_known``, the probability the skill is known.
    * ``uncertainty``: ``4 * p_known * (1 - p_known)``, the variance of the known/unknown
      state scaled to [0, 1] — 1 at 0.5, 0 when the model is sure either way.
    * ``mastered``: ``p_known >= mastered`` (default 0.95).

    ``guess + slip`` must be below 1, or a correct answer would be evidence of *not*
    knowing.
    """

    prior: float = attrs.field(default=0.1, validator=_probability)
    learn: float = attrs.field(default=0.1, validator=_probability)
    guess: float = attrs.field(default=0.2, validator=_probability)
    slip: float = attrs.field(default=0.1, validator=_probability)
    mastered_at: float = attrs.field(default=0.95, validator=_probability)

    def __attrs_post_init__(self) -> None:
        if self.guess + self.slip >= 1.0:
            raise InvalidTrack(
                f"bkt.guess + bkt.slip must be below 1 (got {self.guess!r} + {self.slip!r}); "
                "otherwise a correct answer counts against knowing the skill"
            )

    @classmethod
    def from_spec(cls, spec: BktModel) -> BktSkill:
        """The model a track's ``model: {bkt: ...}`` section describes."""
        return cls(
            prior=spec.prior,
            learn=spec.learn,
            guess=spec.guess,
            slip=spec.slip,
            mastered_at=spec.mastered,
        )

    def initial(self) -> LearnerState:
        """``p_known`` is the prior."""
        return LearnerState(p_known=self.prior)

    def predict(self, learner: LearnerView, item: Item) -> float:
        """``P(L)(1 - s) + (1 - P(L)) g``; ``item`` is ignored."""
        p = learner.p_known
        return p * (1.0 - self.slip) + (1.0 - p) * self.guess

    def posterior(self, p_known: float, correct: bool) -> float:
        """``P(L | answer)`` before learning; unchanged if the answer was impossible."""
        if correct:
            num = p_known * (1.0 - self.slip)
            den = num + (1.0 - p_known) * self.guess
        else:
            num = p_known * self.slip
            den = num + (1.0 - p_known) * (1.0 - self.guess)
        if den <= 0.0:  # the model says this answer cannot happen: learn nothing from it
            return p_known
        return min(1.0, num / den)

    def update(
        self, learner: LearnerState, item: Item, outcome: float
    ) -> tuple[LearnerState, ItemState | None]:
        """Condition on the outcome, then apply the learning step; items are not learned."""
        work = Learner.of(learner)
        self.advance(work, item, check_outcome(outcome))
        return work.frozen(), None

    def advance(self, learner: Learner, item: Item, outcome: float) -> None:
        """:meth:`update` in place, for a checked ``outcome`` (a float in [0, 1])."""
        r = outcome
        post = r * self.posterior(learner.p_known, True) + (1.0 - r) * self.posterior(
            learner.p_known, False
        )
        p_next = post + (1.0 - post) * self.learn
        learner.evidence += 1
        learner.successes = learner.successes + r
        learner.p_known = min(1.0, max(0.0, p_next))

    def estimate(self, learner: LearnerView) -> float:
        """``p_known``."""
        return learner.p_known

    def uncertainty(self, learner: LearnerView) -> float:
        """``4 * p * (1 - p)``: 1 at p = 0.5, 0 when sure either way."""
        p = learner.p_known
        return 4.0 * p * (1.0 - p)

    def mastered(self, learner: LearnerView) -> bool:
        """Whether ``p_known`` has reached the mastery threshold."""
        return learner.p_known >= self.mastered_at
