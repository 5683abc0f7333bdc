"""The value classes every skill model shares, and the :class:`SkillModel` protocol.

A model is a pure function of (learner state, item state, outcome) → new states: it never
touches storage, time or a framework. The pipeline reads the states, calls the model and
persists what it returns.
"""

from __future__ import annotations

import math
from typing import Protocol, TypeAlias

import attrs

from motivekit._errors import InvalidEvidence

__all__ = [
    "Evidence",
    "Item",
    "ItemState",
    "LearnedItem",
    "Learner",
    "LearnerState",
    "LearnerView",
    "SkillModel",
    "check_outcome",
    "difficulty_of",
]


@attrs.frozen
class LearnerState:
    """What a model knows about one person on one track.

    One class serves every model; each reads and writes only its own fields (the others
    keep their defaults):

    * every model: ``evidence`` (pieces of evidence seen) and ``successes`` (the sum of the
      outcomes, so a graded 0.5 counts half);
    * Elo: ``theta``, the ability on the logit scale (its *n* is ``evidence``);
    * BKT: ``p_known``, the probability the skill is known (its *n* is ``evidence``);
    * criteria: ``at_difficulty``, the pieces of evidence at least as hard as required.
    """

    evidence: int = 0
    successes: float = 0.0
    theta: float = 0.0
    p_known: float = 0.0
    at_difficulty: int = 0


class LearnerView(Protocol):
    """What the models read of a learner: a :class:`LearnerState` or a :class:`Learner`."""

    @property
    def evidence(self) -> int: ...
    @property
    def successes(self) -> float: ...
    @property
    def theta(self) -> float: ...
    @property
    def p_known(self) -> float: ...
    @property
    def at_difficulty(self) -> int: ...


class Learner:
    """A learner state being folded: the fields of :class:`LearnerState`, mutable.

    A fold moves one of these in place for every piece of evidence (each model's
    ``advance``) and builds frozen values only at its edge; ``update`` is ``advance`` on
    a copy, so both give the same numbers.
    """

    __slots__ = ("at_difficulty", "evidence", "p_known", "successes", "theta")

    def __init__(
        self,
        evidence: int = 0,
        successes: float = 0.0,
        theta: float = 0.0,
        p_known: float = 0.0,
        at_difficulty: int = 0,
    ) -> None:
        self.evidence = evidence
        self.successes = successes
        self.theta = theta
        self.p_known = p_known
        self.at_difficulty = at_difficulty

    @classmethod
    def of(cls, state: LearnerView) -> Learner:
        """A working copy of ``state``."""
        return cls(state.evidence, state.successes, state.theta, state.p_known, state.at_difficulty)

    def frozen(self) -> LearnerState:
        """The state now, as a frozen value."""
        return LearnerState(
            self.evidence, self.successes, self.theta, self.p_known, self.at_difficulty
        )

    def fields(self) -> tuple[int, float, float, float, int]:
        """The state now as a plain tuple (``LearnerState(*fields)`` rebuilds it)."""
        return self.evidence, self.successes, self.theta, self.p_known, self.at_difficulty


@attrs.frozen
class ItemState:
    """An Elo item: its learned difficulty ``d`` (logit scale) and its attempt count ``n``."""

    d: float = 0.0
    n: int = 0


class LearnedItem:
    """An Elo item being folded: :class:`ItemState`'s ``d`` and ``n``, mutable (a fold
    moves it in place for every attempt, see :class:`Learner`)."""

    __slots__ = ("d", "n")

    def __init__(self, d: float = 0.0, n: int = 0) -> None:
        self.d = d
        self.n = n


Item: TypeAlias = ItemState | float | None
"""What a model is asked about: a learned item, a fixed difficulty, or nothing known."""


def check_outcome(outcome: float) -> float:
    """``outcome`` as a float in [0, 1] (1 success, 0 failure, between: graded), or raise."""
    if isinstance(outcome, bool):
        return float(outcome)
    if not isinstance(outcome, int | float) or not 0.0 <= outcome <= 1.0:
        raise InvalidEvidence(
            f"outcome must be a number from 0 (failure) to 1 (success), got {outcome!r}"
        )
    return float(outcome)


def _check_difficulty(_: object, __: object, value: float | str | None) -> None:
    if isinstance(value, str):
        if not value.strip():
            raise InvalidEvidence("difficulty must be a number or a non-empty item id, got ''")
    elif value is not None and (
        isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value)
    ):
        raise InvalidEvidence(f"difficulty must be a finite number or an item id, got {value!r}")


def difficulty_of(item: Item | LearnedItem) -> float | None:
    """The difficulty ``item`` stands for: a learned item's ``d``, a number, or None."""
    if isinstance(item, ItemState | LearnedItem):
        return item.d
    if item is None:
        return None
    if isinstance(item, bool) or not math.isfinite(item):
        raise InvalidEvidence(f"difficulty must be a finite number, got {item!r}")
    return float(item)


@attrs.frozen
class Evidence:
    """One piece of evidence: an outcome in [0, 1] and how hard it was.

    ``difficulty`` is a number (the team's scale), an item id (whose difficulty Elo
    learns from everyone's attempts) or None (not known).
    """

    outcome: float = attrs.field(converter=check_outcome)
    difficulty: float | str | None = attrs.field(default=None, validator=_check_difficulty)


class SkillModel(Protocol):
    """A skill model: Elo, Bayesian Knowledge Tracing or a criteria ladder.

    ``estimate`` is the 0..1 number levels are compared against; ``uncertainty`` is 1 when
    nothing is known yet and falls towards 0 as evidence accumulates; each model's
    docstring says exactly what both mean for it.
    """

    def initial(self) -> LearnerState:
        """The state of a person with no evidence yet."""
        ...

    def predict(self, learner: LearnerState, item: Item) -> float:
        """The probability that ``learner`` succeeds on ``item``."""
        ...

    def update(
        self, learner: LearnerState, item: Item, outcome: float
    ) -> tuple[LearnerState, ItemState | None]:
        """The states after ``learner`` met ``item`` with ``outcome``.

        The second value is the updated item when the model learns items, else None.
        """
        ...

    def estimate(self, learner: LearnerState) -> float:
        """The 0..1 number levels are compared against."""
        ...

    def uncertainty(self, learner: LearnerState) -> float:
        """How unsure the estimate is, from 1 (no evidence) towards 0."""
        ...

    def mastered(self, learner: LearnerState) -> bool:
        """Whether the skill counts as mastered."""
        ...
