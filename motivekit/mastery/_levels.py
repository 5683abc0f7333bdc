"""Named levels from the team's ladder, and informational feedback sentences.

Feedback says what a person can now do ("You now solve about 4 in 5 medium reviews") and
names a level when one is reached ("You reached Practising"). There are no points and no
scores to chase: informational feedback supports motivation, contingent rewards undermine
it (Deci, Koestner & Ryan 1999).

Feedback is contingent on success: an attempt that failed (outcome below one half) says
nothing, so no level and no phrase follows a failure; and the lowest level of a ladder is
where people start, never announced as "reached".
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from itertools import pairwise
from typing import TYPE_CHECKING

import attrs

from motivekit._errors import InvalidTrack
from motivekit.mastery._protocol import LearnerState, LearnerView, SkillModel

if TYPE_CHECKING:
    from motivekit.rules._model import Level

__all__ = ["SUCCESS", "Ladder", "about", "feedback", "succeeded"]

SUCCESS = 0.5
"""The outcome from which an attempt counts as a success for feedback (a graded outcome
of one half or more); below it the attempt failed and feedback says nothing."""

# Small fractions people read at a glance, ascending.
_FRACTIONS: tuple[tuple[int, int], ...] = (
    (1, 10),
    (1, 5),
    (1, 4),
    (1, 3),
    (1, 2),
    (2, 3),
    (3, 4),
    (4, 5),
    (9, 10),
)


_PHRASES = tuple(f"about {x} in {y}" for x, y in _FRACTIONS)
# Halfway between neighbours: at or below one, the smaller fraction is the nearer (or tied).
_MIDPOINTS = tuple((a / b + c / d) / 2 for (a, b), (c, d) in pairwise(_FRACTIONS))


def about(p: float) -> str:
    """``p`` in words with a small denominator: ``about 4 in 5``.

    Below 0.05 it is ``fewer than 1 in 10``, above 0.95 ``more than 9 in 10``; otherwise
    the nearest of 1 in 10, 1 in 5, 1 in 4, 1 in 3, 1 in 2, 2 in 3, 3 in 4, 4 in 5 and
    9 in 10 (the smaller on a tie).
    """
    if not 0.0 <= p <= 1.0:
        raise InvalidTrack(f"a probability must be from 0 to 1, got {p!r}")
    if p < 0.05:
        return "fewer than 1 in 10"
    if p > 0.95:
        return "more than 9 in 10"
    return _PHRASES[bisect_left(_MIDPOINTS, p)]


def _pairs(pairs: Iterable[tuple[str, float]]) -> tuple[tuple[str, float], ...]:
    return tuple((name, float(at)) for name, at in pairs)


@attrs.frozen
class Ladder:
    """The team's named levels, each reached at an estimate ``at`` (strictly ascending)."""

    levels: tuple[tuple[str, float], ...] = attrs.field(converter=_pairs)

    def __attrs_post_init__(self) -> None:
        if not self.levels:
            raise InvalidTrack("levels must name at least one level")
        previous = -math.inf
        for name, at in self.levels:
            if not name.strip():
                raise InvalidTrack("every level needs a name")
            if not (math.isfinite(at) and at > previous):
                raise InvalidTrack(
                    f"levels must be in strictly ascending order of 'at': {name!r} is at "
                    f"{at!r}, after {previous!r}"
                )
            previous = at
        names = [name for name, _ in self.levels]
        if len(set(names)) != len(names):
            raise InvalidTrack(f"level names must be unique, got {', '.join(names)}")

    @classmethod
    def from_pairs(cls, pairs: Iterable[tuple[str, float]]) -> Ladder:
        """A ladder from ``(name, at)`` pairs."""
        return cls(_pairs(pairs))

    @classmethod
    def from_spec(cls, levels: Sequence[Level]) -> Ladder:
        """The ladder a track's ``levels`` list describes."""
        return cls.from_pairs((level.name, level.at) for level in levels)

    def index_for(self, estimate: float) -> int | None:
        """The position of the highest level with ``at <= estimate``; None below all."""
        found = None
        for i, (_, at) in enumerate(self.levels):
            if at <= estimate:
                found = i
        return found

    def level_for(self, estimate: float) -> str | None:
        """The name of the highest level reached at ``estimate``; None below the first."""
        i = self.index_for(estimate)
        return None if i is None else self.levels[i][0]


def succeeded(before: LearnerView, after: LearnerView) -> bool | None:
    """Whether the one attempt from ``before`` to ``after`` succeeded (its outcome, the
    growth of ``successes``, is at least :data:`SUCCESS`); None when the two states are not
    one piece of evidence apart, so the attempt's outcome is not known."""
    if after.evidence != before.evidence + 1:
        return None
    return after.successes - before.successes >= SUCCESS - 1e-9  # sums of floats


def feedback(
    model: SkillModel,
    before: LearnerState,
    after: LearnerState,
    ladder: Ladder | None = None,
    *,
    difficulty: float = 0.0,
    items: str = "tasks",
    outcome: float | None = None,
) -> list[str]:
    """Informational sentences about what changed from ``before`` to ``after``.

    * ``You reached <level>`` when the estimate climbed into a higher level (never the
      ladder's lowest: that is where people start);
    * ``You now solve about X in Y <items>`` when the predicted success on a
      representative ``difficulty`` rose into a new phrase (see :func:`about`), e.g.
      ``items="medium reviews"``.

    Nothing after a failed attempt: ``outcome`` below :data:`SUCCESS`, or, when
    ``outcome`` is not given and the states are one piece of evidence apart, fewer than
    half a success gained (:func:`succeeded`). A dip says nothing either: the numbers stay
    visible through explain, but a decline is not announced.
    """
    won = succeeded(before, after) if outcome is None else outcome >= SUCCESS
    if won is False:
        return []
    out: list[str] = []
    if ladder is not None:
        was = ladder.index_for(model.estimate(before))
        now = ladder.index_for(model.estimate(after))
        if now is not None and now > 0 and (was is None or now > was):
            out.append(f"You reached {ladder.levels[now][0]}")
    p_before = model.predict(before, difficulty)
    p_after = model.predict(after, difficulty)
    if p_after > p_before and about(p_after) != about(p_before):
        out.append(f"You now solve {about(p_after)} {items}")
    return out
