"""Optional retention: how much of a skill is likely still fresh, and when to refresh it.

Estimated recall decays with the time since practice, ``recall = 2 ** (-elapsed / h)``,
the half-life form of Settles & Meeder (2016, *A trainable spaced repetition model for
language learning*, ACL). The half-life ``h`` grows with successful practice; motivekit
uses a fixed, untrained instance of their model: ``h = base * 2 ** (successes - 1)`` for
one success or more (``base`` before any), capped at ``cap``. Each success doubles it.

Retention only *suggests* a refresh. It never lowers a level: levels come from the skill
model's estimate, which decay does not touch.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from motivekit._errors import InvalidTrack

__all__ = ["half_life", "recall", "refresh_at", "refresh_due"]


def _check_half_life(h: timedelta) -> None:
    if h <= timedelta(0):
        raise InvalidTrack(f"a half-life must be longer than zero, got {h!r}")


def _check_threshold(threshold: float) -> None:
    if not 0.0 < threshold < 1.0:
        raise InvalidTrack(f"the refresh threshold must be between 0 and 1, got {threshold!r}")


def half_life(
    successes: float,
    base: timedelta = timedelta(days=1),
    cap: timedelta = timedelta(days=365),
) -> timedelta:
    """``base * 2 ** (successes - 1)`` (``base`` for fewer than one success), at most ``cap``.

    ``successes`` may be fractional (the sum of graded outcomes).
    """
    _check_half_life(base)
    _check_half_life(cap)
    doublings = max(0.0, successes - 1.0)
    if doublings >= math.log2(cap / base):  # also avoids overflow for huge counts
        return cap
    scaled: timedelta = base * 2.0**doublings
    return scaled


def recall(elapsed: timedelta, h: timedelta) -> float:
    """``2 ** (-elapsed / h)``: 1 just after practice, 1/2 after one half-life.

    A negative ``elapsed`` (a clock that went backwards) counts as 0.
    """
    _check_half_life(h)
    ratio: float = max(timedelta(0), elapsed) / h
    return float(2.0**-ratio)


def refresh_at(last_practice: datetime, h: timedelta, threshold: float = 0.5) -> datetime:
    """When recall falls to ``threshold``: ``last_practice + h * log2(1 / threshold)``."""
    _check_half_life(h)
    _check_threshold(threshold)
    return last_practice + h * math.log2(1.0 / threshold)


def refresh_due(
    last_practice: datetime, now: datetime, half_life: timedelta, threshold: float = 0.5
) -> bool:
    """Whether recall at ``now`` has fallen to ``threshold`` or below ("time to refresh")."""
    _check_threshold(threshold)
    return recall(now - last_practice, half_life) <= threshold
