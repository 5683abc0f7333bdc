"""The divergence flag: activity rose, but interest or free-choice activity did not.

Counting output is what gamification engines do, and output can rise while intrinsic
motivation stays flat (Mekler et al. 2017). The flag compares two periods, or two groups
such as the arms of a design experiment, and fires when the activity counts rose but a
sign of intrinsic motivation did not: the free-choice analogue, and interest when
check-in scores are given.

"Rose" is a standardized rise, not any uptick: Hedges' g of the per-person values after
over those before is at least ``min_effect`` (0.2 by default, Cohen's conventional "small"
effect, a convention and not a finding). When every person has the same value on each
side (no spread to standardize by), any rise of the mean counts. With fewer than two
people on a side nothing can be said (``rose`` is None) and the flag stays down.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import attrs

from motivekit import InvalidInput
from motivekit.experiments import hedges_g
from motivekit.indices._values import Indices

__all__ = ["MIN_EFFECT", "Change", "Divergence", "change", "divergence"]

MIN_EFFECT = 0.2
"""The smallest Hedges' g that counts as a rise (Cohen's "small"; a convention)."""


@attrs.frozen
class Change:
    """How one measure moved from before to after."""

    before: float | None
    """The mean per person before (None: nobody)."""
    after: float | None
    """The mean per person after."""
    g: float | None
    """Hedges' g of after over before (None: fewer than two people on a side, or no
    spread at all)."""
    rose: bool | None
    """Whether it rose by at least the threshold; None when it cannot be told."""


@attrs.frozen
class Divergence:
    """Whether activity rose while free-choice activity or interest did not."""

    flagged: bool
    activity: Change
    """Events per person."""
    free_choice: Change
    """Free-choice events per person."""
    interest: Change | None
    """The interest scores given (None: none were given)."""
    reasons: tuple[str, ...]
    """Why it is flagged, one sentence per measure that did not rise."""


def _mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


def change(before: Sequence[float], after: Sequence[float], min_effect: float) -> Change:
    """How the per-person values ``before`` moved to ``after`` (see the module docstring)."""
    b, a = _mean(before), _mean(after)
    if b is None or a is None or len(before) < 2 or len(after) < 2:
        return Change(b, a, None, None)
    g = hedges_g(list(after), list(before))
    rose = (a > b) if g is None else g >= min_effect  # g is None here: no spread at all
    return Change(b, a, g, rose)


def _scores(given: Mapping[str, float | None] | None, people: Indices, field: str) -> list[float]:
    if given is None:
        return []
    if not isinstance(given, Mapping):
        raise InvalidInput(f"{field} must map user ids to scores, got {type(given).__name__}")
    out = []
    for user, value in given.items():
        if value is None or user not in people.people:
            continue  # not scored (too few items answered), or not in these indices
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise InvalidInput(f"{field}[{user!r}] must be a number or None, got {value!r}")
        out.append(float(value))
    return out


def _said(name: str, moved: Change) -> str:
    how = "" if moved.g is None else f" (g = {moved.g:.2f})"
    return f"{name}{how}"


def divergence(
    before: Indices,
    after: Indices,
    *,
    interest_before: Mapping[str, float | None] | None = None,
    interest_after: Mapping[str, float | None] | None = None,
    min_effect: float = MIN_EFFECT,
) -> Divergence:
    """Compare two periods (or two groups, e.g. ``indices.of_group("v8")``): flagged when
    activity rose but free-choice activity, or interest (per-person check-in scores such
    as ``Scores.mean("interest-enjoyment")``, when given), did not."""
    if not isinstance(before, Indices) or not isinstance(after, Indices):
        raise InvalidInput("before and after must be Indices from motivekit.indices.compute")
    if (interest_before is None) != (interest_after is None):
        raise InvalidInput("give interest scores for both sides, or for neither")
    if isinstance(min_effect, bool) or not isinstance(min_effect, int | float) or min_effect <= 0:
        raise InvalidInput(f"min_effect must be a number above 0, got {min_effect!r}")
    was, now = before.people.values(), after.people.values()
    activity = change(
        [float(p.activity.events) for p in was], [float(p.activity.events) for p in now], min_effect
    )
    free = change(
        [float(p.activity.free_choice) for p in was],
        [float(p.activity.free_choice) for p in now],
        min_effect,
    )
    interest = None
    if interest_before is not None:
        interest = change(
            _scores(interest_before, before, "interest_before"),
            _scores(interest_after, after, "interest_after"),
            min_effect,
        )
    reasons: list[str] = []
    if activity.rose:
        rise = _said("activity rose", activity)
        if free.rose is False:
            reasons.append(f"{rise} but free-choice activity did not{_said('', free)}")
        if interest is not None and interest.rose is False:
            reasons.append(f"{rise} but interest did not{_said('', interest)}")
    return Divergence(bool(reasons), activity, free, interest, tuple(reasons))
