"""A group's results on an instrument, hidden below a minimum number of respondents.

A group's mean of a handful of people can be traced back to each of them, so a
construct's group result is shown only when at least ``min_respondents`` people (10 by
default) have a score for it; below that, only the count is given. Reliability is hidden
with it, since it is computed from the same answers.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping

import attrs

from motivekit._errors import InvalidCheckin
from motivekit.checkins._instrument import Construct, Instrument
from motivekit.checkins._reliability import reliability
from motivekit.checkins._scoring import Answer, score

__all__ = ["MIN_RESPONDENTS", "GroupResult", "group_results"]

MIN_RESPONDENTS = 10


@attrs.frozen
class GroupResult:
    """One construct's result for a group."""

    construct: Construct
    respondents: int
    """People with a score for the construct."""
    hidden: bool
    """Fewer respondents than the minimum: everything below is None."""
    mean: float | None
    sd: float | None
    """The sample standard deviation of the people's scores."""
    alpha: float | None
    omega: float | None


def group_results(
    instrument: Instrument,
    answer_sets: Iterable[Mapping[str, Answer]],
    *,
    min_respondents: int = MIN_RESPONDENTS,
) -> dict[Construct, GroupResult]:
    """Each construct's mean, spread and reliability over a group's answers (one mapping
    per person), hidden where fewer than ``min_respondents`` people have a score."""
    if isinstance(min_respondents, bool) or not isinstance(min_respondents, int):
        raise InvalidCheckin(f"min_respondents must be a whole number, got {min_respondents!r}")
    if min_respondents < 1:
        raise InvalidCheckin(f"min_respondents must be at least 1, got {min_respondents}")
    answers = list(answer_sets)
    people = [score(instrument, a) for a in answers]
    consistency = reliability(instrument, answers)
    out: dict[Construct, GroupResult] = {}
    for construct in instrument.constructs:
        values = [v for s in people if (v := s.mean(construct)) is not None]
        n = len(values)
        if n < min_respondents:
            out[construct] = GroupResult(construct, n, True, None, None, None, None)
            continue
        found = consistency[construct]
        sd = statistics.stdev(values) if n >= 2 else None
        mean = statistics.fmean(values)
        out[construct] = GroupResult(construct, n, False, mean, sd, found.alpha, found.omega)
    return out
