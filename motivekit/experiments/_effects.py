"""Effect sizes for comparing two design versions: Hedges' g with a bootstrap interval.

* Hedges' g is Cohen's d with the small-sample correction
  ``J = 1 - 3 / (4 * (n1 + n2 - 2) - 1)`` (Hedges 1981; Borenstein et al. 2009, ch. 4).
* With a baseline, the difference is the one an ordinary least squares model
  ``outcome ~ arm + baseline`` gives the arm (an ANCOVA), divided by the pooled
  within-arm standard deviation of the outcome, then corrected by ``J``.
* The interval is a percentile bootstrap. Where people belong to teams, whole teams are
  resampled within each arm (a cluster bootstrap), because teammates' answers are not
  independent of each other.

The random draws come from a seeded generator, so the same data give the same interval
in every process.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence

import attrs

from motivekit._errors import InvalidInput

__all__ = ["Effect", "Observation", "effect", "hedges_g"]


@attrs.frozen
class Observation:
    """One person's outcome in one arm, with their baseline and team where known."""

    outcome: float
    baseline: float | None = None
    team: str | None = None


@attrs.frozen
class Effect:
    """The effect of ``treatment`` against ``control`` on one outcome."""

    g: float | None
    """Hedges' g; None when an arm has fewer than 2 people or no variance."""
    low: float | None
    high: float | None
    """The bootstrap interval's bounds (``level``, e.g. 0.95); None without one."""
    level: float
    treatment: int
    control: int
    """People in each arm."""
    adjusted: bool
    """Adjusted for the baseline."""
    clustered: bool
    """Resampled by team."""


def _variance(values: Sequence[float]) -> float:
    mean = sum(values) / len(values)
    return sum((v - mean) ** 2 for v in values) / (len(values) - 1)


def _pooled_sd(a: Sequence[float], b: Sequence[float]) -> float:
    df = len(a) + len(b) - 2
    return math.sqrt(((len(a) - 1) * _variance(a) + (len(b) - 1) * _variance(b)) / df)


def _correction(n1: int, n2: int) -> float:
    return 1 - 3 / (4 * (n1 + n2 - 2) - 1)


def hedges_g(treatment: Sequence[float], control: Sequence[float]) -> float | None:
    """Hedges' g of ``treatment`` over ``control`` (positive: treatment higher)."""
    if len(treatment) < 2 or len(control) < 2:
        return None
    sd = _pooled_sd(treatment, control)
    if sd == 0:
        return None
    diff = sum(treatment) / len(treatment) - sum(control) / len(control)
    return diff / sd * _correction(len(treatment), len(control))


def _adjusted_difference(t: Sequence[Observation], c: Sequence[Observation]) -> float | None:
    """The arm coefficient of ``outcome ~ arm + baseline`` by least squares."""
    people = [(1.0, o) for o in t] + [(0.0, o) for o in c]
    n = len(people)
    mx = sum(a for a, _ in people) / n
    mz = sum(o.baseline or 0.0 for _, o in people) / n
    my = sum(o.outcome for _, o in people) / n
    sxx = sum((a - mx) ** 2 for a, _ in people)
    szz = sum(((o.baseline or 0.0) - mz) ** 2 for _, o in people)
    sxz = sum((a - mx) * ((o.baseline or 0.0) - mz) for a, o in people)
    sxy = sum((a - mx) * (o.outcome - my) for a, o in people)
    szy = sum(((o.baseline or 0.0) - mz) * (o.outcome - my) for _, o in people)
    det = sxx * szz - sxz**2
    if det <= 1e-12 * max(sxx * szz, 1e-300):
        return None  # the baseline tells the arms apart completely
    return (szz * sxy - sxz * szy) / det


def _g(t: Sequence[Observation], c: Sequence[Observation], adjust: bool) -> float | None:
    if len(t) < 2 or len(c) < 2:
        return None
    outcomes_t, outcomes_c = [o.outcome for o in t], [o.outcome for o in c]
    if not adjust:
        return hedges_g(outcomes_t, outcomes_c)
    sd = _pooled_sd(outcomes_t, outcomes_c)
    diff = _adjusted_difference(t, c)
    if sd == 0 or diff is None:
        return None
    return diff / sd * _correction(len(t), len(c))


def _resample(rng: random.Random, arm: Sequence[Observation], clustered: bool) -> list[Observation]:
    if not clustered:
        return rng.choices(arm, k=len(arm))
    teams: dict[str | None, list[Observation]] = {}
    for o in arm:
        teams.setdefault(o.team, []).append(o)
    groups = list(teams.values())
    return [o for group in rng.choices(groups, k=len(groups)) for o in group]


def _check(arm: Sequence[Observation], name: str) -> None:
    for o in arm:
        if not isinstance(o, Observation):
            raise InvalidInput(f"{name} must hold Observation values, got {o!r}")
        for value in (o.outcome, o.baseline):
            if value is not None and (isinstance(value, bool) or not math.isfinite(value)):
                raise InvalidInput(f"{name}: outcomes and baselines must be finite numbers")


def effect(
    treatment: Sequence[Observation],
    control: Sequence[Observation],
    *,
    level: float = 0.95,
    resamples: int = 2000,
    seed: int = 0,
) -> Effect:
    """Hedges' g with a percentile bootstrap interval; adjusted for the baseline when
    every person has one, and resampled by team when every person has one."""
    _check(treatment, "treatment")
    _check(control, "control")
    if not 0 < level < 1:
        raise InvalidInput(f"level must be between 0 and 1, e.g. 0.95; got {level!r}")
    if isinstance(resamples, bool) or not isinstance(resamples, int) or resamples < 100:
        raise InvalidInput(f"resamples must be a whole number of at least 100; got {resamples!r}")
    everyone = [*treatment, *control]
    adjust = bool(everyone) and all(o.baseline is not None for o in everyone)
    clustered = bool(everyone) and all(o.team is not None for o in everyone)
    g = _g(treatment, control, adjust)
    low = high = None
    if g is not None:
        rng = random.Random(seed)
        draws = sorted(
            d
            for _ in range(resamples)
            if (
                d := _g(
                    _resample(rng, treatment, clustered), _resample(rng, control, clustered), adjust
                )
            )
            is not None
        )
        if len(draws) >= resamples // 2:
            tail = (1 - level) / 2
            low = draws[int(tail * (len(draws) - 1))]
            high = draws[math.ceil((1 - tail) * (len(draws) - 1))]
    return Effect(g, low, high, level, len(treatment), len(control), adjust, clustered)
