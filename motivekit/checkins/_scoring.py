"""One person's answers to an instrument, scored: reverse keys, then a mean per construct.

A construct's score is the mean of its answered items, reverse-keyed ones as
``high + low - answer``, when at least ``min_answered`` of its items were answered (a
person-mean rule); otherwise it has no score. Satisfaction and frustration of a need are
separate constructs and are never netted against each other (Chen et al. 2015).
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import attrs

from motivekit._errors import InvalidCheckin
from motivekit.checkins._instrument import (
    SELF_CONCORDANCE,
    Construct,
    Instrument,
    Item,
    check_construct,
)

__all__ = ["ConstructScore", "Scores", "keyed", "score"]

Answer = int | float | None


@attrs.frozen
class ConstructScore:
    """One construct's score for one person."""

    construct: Construct
    mean: float | None
    """The mean of the answered items after reverse keying; None when too few answered."""
    answered: int
    items: int


@attrs.frozen
class Scores:
    """A person's scores on an instrument."""

    instrument: str
    constructs: Mapping[Construct, ConstructScore]

    def mean(self, construct: Construct | str) -> float | None:
        """The construct's score, or None when it was not measured or too few answered."""
        found = self.constructs.get(check_construct(construct))
        return None if found is None else found.mean

    @property
    def self_concordance(self) -> float | None:
        """Identified + intrinsic minus external + introjected (Sheldon & Elliot 1999);
        None unless all four reasons were scored."""
        (gain, loss) = SELF_CONCORDANCE
        values = [self.mean(c) for c in (*gain, *loss)]
        if any(v is None for v in values):
            return None
        g1, g2, l1, l2 = (v for v in values if v is not None)
        return g1 + g2 - l1 - l2


def keyed(instrument: Instrument, item: Item, answer: float) -> float:
    """The answer as scored: reversed for a reverse-keyed item."""
    return instrument.high + instrument.low - answer if item.reverse else answer


def check_answers(instrument: Instrument, answers: Mapping[str, Answer]) -> dict[str, float]:
    """The answered items' values, or :class:`InvalidCheckin` naming the first bad one."""
    if not isinstance(answers, Mapping):
        raise InvalidCheckin("answers must be a mapping of item id to a number (or None)")
    known = {item.id for item in instrument.items}
    out: dict[str, float] = {}
    for item_id, value in answers.items():
        if item_id not in known:
            raise InvalidCheckin(
                f"{instrument.id!r} has no item {item_id!r}; its items are "
                + ", ".join(sorted(known))
            )
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int | float) or math.isnan(value):
            raise InvalidCheckin(f"answer to {item_id!r} must be a number, got {value!r}")
        if not instrument.low <= value <= instrument.high:
            raise InvalidCheckin(
                f"answer to {item_id!r} is {value}; the scale runs from {instrument.low}"
                f" to {instrument.high}"
            )
        out[item_id] = float(value)
    return out


def score(instrument: Instrument, answers: Mapping[str, Answer]) -> Scores:
    """Score one person's ``answers`` (item id to a number on the scale; None or absent:
    skipped). Every item may be skipped."""
    given = check_answers(instrument, answers)
    out: dict[Construct, ConstructScore] = {}
    for construct, items in instrument.constructs.items():
        values = [keyed(instrument, i, given[i.id]) for i in items if i.id in given]
        enough = len(values) >= instrument.needed(construct)
        mean = sum(values) / len(values) if enough else None
        out[construct] = ConstructScore(construct, mean, len(values), len(items))
    return Scores(instrument.id, out)
