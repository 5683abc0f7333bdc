"""Which arm of an experiment a person is in: a hash of the experiment and the person.

The arm depends on nothing but the experiment's id, the person's id and the arms, so
every process and every host computes the same one without storing it, and adding
people never moves anyone already assigned. SHA-256 of ``experiment \\0 user`` is read
as a number in [0, 1) and falls into an arm by the arms' weights.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import attrs

from motivekit._errors import InvalidInput
from motivekit._model import check_name

__all__ = ["Arm", "assign"]

_SCALE = float(1 << 64)


@attrs.frozen
class Arm:
    """One arm: the design-file version its people get, and its share of people."""

    version: str
    weight: float = 1.0

    def __attrs_post_init__(self) -> None:
        check_name(self.version, "arm version", InvalidInput, "name a design-file version")
        weight = self.weight
        if isinstance(weight, bool) or not isinstance(weight, int | float) or not weight > 0:
            raise InvalidInput(f"arm {self.version!r}: weight must be above 0, got {weight!r}")


def _check_arms(arms: Sequence[Arm]) -> None:
    if len(arms) < 2:
        raise InvalidInput("an experiment needs at least two arms, e.g. the current version")
    versions = [a.version for a in arms]
    if len(set(versions)) != len(versions):
        raise InvalidInput(f"arms must name different versions, got {versions}")


def assign(experiment: str, user: str, arms: Sequence[Arm]) -> Arm:
    """The arm ``user`` is in for ``experiment`` (the same in every process)."""
    check_name(experiment, "experiment", InvalidInput, "pass the experiment's id")
    check_name(user, "user", InvalidInput, "pass the person's user id")
    _check_arms(arms)
    digest = hashlib.sha256(f"{experiment}\0{user}".encode()).digest()
    point = int.from_bytes(digest[:8], "big") / _SCALE * sum(a.weight for a in arms)
    for arm in arms:
        if point < arm.weight:
            return arm
        point -= arm.weight
    return arms[-1]  # float rounding at the very top of the range
