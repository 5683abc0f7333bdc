"""A team's own questionnaire: items, what each measures, its scale and its licence.

motivekit ships no item wording. The Center for Self-Determination Theory's
questionnaires (IMI, BPNSFS, PENS) are copyrighted: academic use is allowed, commercial
use needs the Center's permission. So a team declares the items it has the right to use,
with a ``licence`` statement saying on what terms, and motivekit scores them.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Mapping, Sequence

import attrs

from motivekit._errors import InvalidCheckin
from motivekit._model import check_name

__all__ = ["SELF_CONCORDANCE", "Construct", "Instrument", "Item", "check_construct"]


class Construct(enum.StrEnum):
    """What an item measures.

    The six need constructs follow the Basic Psychological Need Satisfaction and
    Frustration Scale (Chen et al. 2015), which scores satisfaction and frustration
    separately; ``interest-enjoyment``, ``pressure-tension`` and ``perceived-choice`` are
    subscales of the Intrinsic Motivation Inventory (Ryan 1982; McAuley, Duncan & Tammen
    1989); the four ``why-`` ratings are the reasons for pursuing a goal of Sheldon &
    Elliot (1999).
    """

    AUTONOMY_SATISFACTION = "autonomy-satisfaction"
    AUTONOMY_FRUSTRATION = "autonomy-frustration"
    COMPETENCE_SATISFACTION = "competence-satisfaction"
    COMPETENCE_FRUSTRATION = "competence-frustration"
    RELATEDNESS_SATISFACTION = "relatedness-satisfaction"
    RELATEDNESS_FRUSTRATION = "relatedness-frustration"
    INTEREST_ENJOYMENT = "interest-enjoyment"
    PRESSURE_TENSION = "pressure-tension"
    PERCEIVED_CHOICE = "perceived-choice"
    WHY_EXTERNAL = "why-external"
    WHY_INTROJECTED = "why-introjected"
    WHY_IDENTIFIED = "why-identified"
    WHY_INTRINSIC = "why-intrinsic"


SELF_CONCORDANCE = (
    (Construct.WHY_IDENTIFIED, Construct.WHY_INTRINSIC),
    (Construct.WHY_EXTERNAL, Construct.WHY_INTROJECTED),
)
"""Goal self-concordance: the autonomous reasons minus the controlled ones (Sheldon &
Elliot 1999)."""


def check_construct(value: object) -> Construct:
    """The Construct named by ``value``, or :class:`InvalidCheckin` listing them all."""
    try:
        if isinstance(value, str):
            return Construct(value)
    except ValueError:
        pass
    names = ", ".join(c.value for c in Construct)
    raise InvalidCheckin(f"construct is {value!r}; choose one of {names}")


@attrs.frozen
class Item:
    """One item of an instrument. Its wording stays with the team (see the module doc)."""

    id: str
    construct: Construct = attrs.field(converter=check_construct)
    reverse: bool = False
    """Reverse-keyed: scored as ``high + low - answer``."""

    def __attrs_post_init__(self) -> None:
        check_name(self.id, "item id", InvalidCheckin, "give each item a short id, e.g. 'ie1'")
        if not isinstance(self.reverse, bool):
            raise InvalidCheckin(f"item {self.id!r}: reverse must be true or false")


@attrs.frozen
class Instrument:
    """A questionnaire: items answered on one scale from ``low`` to ``high``."""

    id: str
    items: tuple[Item, ...] = attrs.field(converter=tuple)
    low: int
    high: int
    licence: str
    """On what terms the team uses the items (e.g. the permission it was given)."""
    min_answered: float = 0.5
    """The share of a construct's items that must be answered for it to get a score."""

    def __attrs_post_init__(self) -> None:
        check_name(self.id, "instrument id", InvalidCheckin, "e.g. 'weekly-needs'")
        if not self.items:
            raise InvalidCheckin(f"instrument {self.id!r} has no items; list at least one")
        seen: set[str] = set()
        for item in self.items:
            if item.id in seen:
                raise InvalidCheckin(f"instrument {self.id!r} lists item {item.id!r} twice")
            seen.add(item.id)
        for name in ("low", "high"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int):
                raise InvalidCheckin(f"instrument {self.id!r}: {name} must be a whole number")
        if self.low >= self.high:
            raise InvalidCheckin(
                f"instrument {self.id!r}: low ({self.low}) must be below high ({self.high}),"
                " e.g. low 1 and high 7"
            )
        if not isinstance(self.licence, str) or not self.licence.strip():
            raise InvalidCheckin(
                f"instrument {self.id!r} has no licence statement; say on what terms you use"
                " its items (e.g. 'IMI items used with the permission of the Center for SDT')"
            )
        share = self.min_answered
        if isinstance(share, bool) or not isinstance(share, int | float) or not 0 < share <= 1:
            raise InvalidCheckin(
                f"instrument {self.id!r}: min_answered must be a share above 0 and at most 1,"
                f" got {share!r}"
            )

    @property
    def constructs(self) -> Mapping[Construct, Sequence[Item]]:
        """The items of each construct the instrument measures, in declared order."""
        out: dict[Construct, list[Item]] = {}
        for item in self.items:
            out.setdefault(item.construct, []).append(item)
        return out

    def needed(self, construct: Construct) -> int:
        """How many of ``construct``'s items must be answered for it to get a score."""
        return max(1, math.ceil(len(self.constructs[construct]) * self.min_answered - 1e-9))
