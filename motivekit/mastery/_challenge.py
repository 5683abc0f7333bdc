"""Next challenges: a few candidates whose predicted success sits in the flow band.

Practice where success is likely but not certain; the default band is 0.70 to 0.85 with
target 0.75, a design choice rather than a tested optimum: adaptive practice systems aim
at about 75% success (Klinkenberg, Straatemeier & van der Maas 2011, Computers & Education
57), children there practised more with easier items (Jansen et al. 2013, Learning and
Individual Differences 24), and learning by gradient descent is fastest at about 85%
success (Wilson et al. 2019, Nature Communications 10). None of them tested which rate is
most engaging. The person may move band and target; motivekit offers choices, it never
assigns one.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

import attrs

from motivekit._errors import InvalidInput, InvalidTrack
from motivekit.mastery._protocol import Item, LearnerState, SkillModel

__all__ = ["DEFAULT_BAND", "DEFAULT_TARGET", "Challenge", "check_band", "next_challenges"]

DEFAULT_BAND = (0.70, 0.85)
DEFAULT_TARGET = 0.75
MIN_CHOICES = 2


@attrs.frozen
class Challenge:
    """A suggested next challenge and the learner's predicted success on it."""

    id: str
    predicted: float
    in_band: bool
    """False for a candidate added from outside the band so there is still a choice."""


def check_band(band: Sequence[float], target: float | None = None) -> tuple[float, float, float]:
    """``(low, high, target)`` after checking ``0 < low < high < 1`` and the target.

    Without a target: 0.75 clipped into the band.
    """
    if len(band) != 2:
        raise InvalidTrack(f"challenge_band must be [low, high], got {list(band)!r}")
    low, high = (float(x) for x in band)
    if not 0.0 < low < high < 1.0:
        raise InvalidTrack(
            f"challenge_band must satisfy 0 < low < high < 1, got [{low:g}, {high:g}]"
        )
    if target is None:
        target = min(high, max(low, DEFAULT_TARGET))
    elif not (math.isfinite(target) and low <= target <= high):
        raise InvalidTrack(
            f"the challenge target must lie inside the band [{low:g}, {high:g}], got {target!r}"
        )
    return low, high, float(target)


def next_challenges(
    model: SkillModel,
    learner: LearnerState,
    candidates: Sequence[tuple[str, Item]],
    band: Sequence[float] = DEFAULT_BAND,
    target: float | None = None,
    k: int = 3,
) -> list[Challenge]:
    """Up to ``k`` (at least 2) candidates, those predicted inside the band first.

    In-band candidates come nearest the target first. If fewer than two are inside, the
    candidates nearest the band (then nearest the target) fill up to two, flagged
    ``in_band=False``, so there is a choice whenever there are two candidates or more.
    Ties are broken by id, so the answer is deterministic.
    """
    low, high, aim = check_band(band, target)
    if isinstance(k, bool) or not isinstance(k, int) or k < MIN_CHOICES:
        raise InvalidInput(f"k must be a whole number of at least {MIN_CHOICES}, got {k!r}")
    counts = Counter(cid for cid, _ in candidates)
    if len(counts) != len(candidates):
        dupes = sorted(cid for cid, n in counts.items() if n > 1)
        raise InvalidInput(f"candidate ids must be unique; repeated: {', '.join(dupes)}")

    inside: list[tuple[float, str, float]] = []
    outside: list[tuple[float, float, str, float]] = []
    for cid, item in candidates:
        p = model.predict(learner, item)
        if low <= p <= high:
            inside.append((abs(p - aim), cid, p))
        else:
            outside.append((max(low - p, p - high), abs(p - aim), cid, p))
    inside.sort()
    outside.sort()
    chosen = [Challenge(cid, p, True) for _, cid, p in inside[:k]]
    for _, _, cid, p in outside[: max(0, MIN_CHOICES - len(chosen))]:
        chosen.append(Challenge(cid, p, False))
    return chosen
