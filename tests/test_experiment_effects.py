"""Effect sizes for design experiments: Hedges' g, baseline adjustment, the bootstrap."""

from __future__ import annotations

import random
from math import sqrt

import pytest

from motivekit import InvalidInput
from motivekit.experiments import Observation, effect, hedges_g


def _arm(mean: float, sd: float, n: int) -> list[float]:
    """n values with exactly this mean and sample standard deviation (n even)."""
    step = sd * sqrt((n - 1) / n)
    return [mean + step if i % 2 else mean - step for i in range(n)]


def test_hedges_g_matches_the_textbook_example() -> None:
    # Borenstein, Hedges, Higgins & Rothstein (2009), Introduction to Meta-Analysis,
    # section 4.3: means 103 and 100, SDs 5.5 and 4.5, 50 per group:
    # S_within = 5.0249, d = 0.5970, J = 0.9923, g = 0.5924.
    g = hedges_g(_arm(103, 5.5, 50), _arm(100, 4.5, 50))
    assert g == pytest.approx(0.5924, abs=5e-5)


def test_hedges_g_is_undefined_without_spread_or_people() -> None:
    assert hedges_g([1.0], [1.0, 2.0]) is None
    assert hedges_g([3.0, 3.0], [3.0, 3.0]) is None


def test_the_baseline_adjustment_removes_an_imbalance() -> None:
    # outcome = 2 * baseline + 1 in the treatment arm, 2 * baseline in control; the
    # treatment arm happens to start higher. The arm's own effect is exactly 1.
    t = [Observation(2 * b + 1, baseline=b) for b in (2.0, 3.0, 4.0, 5.0)]
    c = [Observation(2 * b, baseline=b) for b in (0.0, 1.0, 2.0, 3.0)]
    outcomes_t, outcomes_c = [o.outcome for o in t], [o.outcome for o in c]
    # Both arms' outcomes have sample variance 20/3, so the pooled SD is sqrt(20/3).
    j = 1 - 3 / (4 * 6 - 1)
    adjusted = effect(t, c, resamples=200)
    assert adjusted.adjusted
    assert adjusted.g == pytest.approx(1 / sqrt(20 / 3) * j)
    plain = hedges_g(outcomes_t, outcomes_c)  # (5 + 1) / sqrt(20/3) * j: the head start too
    assert plain == pytest.approx(5 / sqrt(20 / 3) * j)


def test_the_interval_is_reproducible_and_holds_the_estimate() -> None:
    rng = random.Random(7)
    t = [Observation(rng.gauss(0.5, 1)) for _ in range(60)]
    c = [Observation(rng.gauss(0.0, 1)) for _ in range(60)]
    first = effect(t, c, seed=3)
    again = effect(t, c, seed=3)
    assert first == again
    assert first.low is not None
    assert first.high is not None
    assert first.g is not None
    assert first.low < first.g < first.high
    assert (first.treatment, first.control, first.adjusted, first.clustered) == (
        60,
        60,
        False,
        False,
    )
    assert effect(t, c, seed=4).low != first.low


def test_teams_are_resampled_whole() -> None:
    # Teammates share a strong team effect: resampling people as if independent would
    # make the interval far too narrow.
    rng = random.Random(11)

    def arm(shift: float, prefix: str) -> list[Observation]:
        out = []
        for team in range(8):
            level = rng.gauss(shift, 1.0)
            out += [
                Observation(level + rng.gauss(0, 0.1), team=f"{prefix}{team}") for _ in range(10)
            ]
        return out

    t, c = arm(0.3, "t"), arm(0.0, "c")
    clustered = effect(t, c, seed=1)
    assert clustered.clustered
    people = effect(
        [Observation(o.outcome) for o in t], [Observation(o.outcome) for o in c], seed=1
    )
    assert clustered.g == people.g
    assert clustered.low is not None
    assert clustered.high is not None
    assert people.low is not None
    assert people.high is not None
    assert clustered.high - clustered.low > 2 * (people.high - people.low)


def test_bad_input_is_named() -> None:
    ok = [Observation(1.0), Observation(2.0)]
    with pytest.raises(InvalidInput, match="level must be between 0 and 1"):
        effect(ok, ok, level=95)
    with pytest.raises(InvalidInput, match="resamples must be a whole number of at least 100"):
        effect(ok, ok, resamples=10)
    with pytest.raises(InvalidInput, match="must be finite numbers"):
        effect([Observation(float("inf")), *ok], ok)
    with pytest.raises(InvalidInput, match="treatment must hold Observation values"):
        effect([1.0], ok)  # type: ignore[list-item]
