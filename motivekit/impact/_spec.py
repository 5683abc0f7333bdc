"""The impact rules of a design file in runnable form, and what an event says under them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, Literal

import attrs

from motivekit._model import MAX_ID_LENGTH
from motivekit._time import format_instant
from motivekit.impact._attribution import MAX_PARENTS
from motivekit.rules._expr import Expression
from motivekit.rules._model import Design, Mission

__all__ = [
    "BeneficiaryRule",
    "ContributionRule",
    "Created",
    "Helped",
    "ImpactSpec",
    "Reading",
]

Path = tuple[str | int, ...]


@attrs.frozen
class ContributionRule:
    """``impact.contributions[index]`` with its expressions compiled."""

    index: int
    on: str
    id: Expression
    builds_on: Expression | None
    referred_by: Expression | None
    noun: str


@attrs.frozen
class BeneficiaryRule:
    """``impact.beneficiary_events[index]`` with its expressions compiled."""

    index: int
    on: str
    credits: Expression
    beneficiary: Expression | None
    story: str


@attrs.frozen
class Created:
    """A contribution an event creates."""

    rule: ContributionRule
    id: str
    builds_on: tuple[str, ...]
    referred_by: str | None


@attrs.frozen
class Helped:
    """Help an event shows: ``beneficiary`` was helped by the contributions ``credits``."""

    rule: BeneficiaryRule
    credits: tuple[str, ...]
    beneficiary: str
    named: bool = False
    """Whether the beneficiary was named in the event's data (not its actor)."""


@attrs.frozen
class Reading:
    """What one event says under the impact rules and missions."""

    created: tuple[Created, ...] = ()
    helped: tuple[Helped, ...] = ()
    missions: tuple[Mission, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.created or self.helped or self.missions)


@attrs.frozen
class ImpactSpec:
    """Contribution and beneficiary rules, attribution settings and missions."""

    contributions: tuple[ContributionRule, ...] = ()
    beneficiary_events: tuple[BeneficiaryRule, ...] = ()
    decay: float = 0.5
    max_depth: int = 4
    mode: Literal["recursive", "direct"] = "recursive"
    missions: tuple[Mission, ...] = ()
    kinds: frozenset[str] = attrs.field(init=False)
    """Every event kind the rules read."""

    @kinds.default
    def _kinds(self) -> frozenset[str]:
        return frozenset(
            [r.on for r in self.contributions]
            + [r.on for r in self.beneficiary_events]
            + [m.target.event for m in self.missions]
        )

    @classmethod
    def from_design(cls, design: Design, expressions: Mapping[Path, Expression]) -> ImpactSpec:
        """The runnable form of a checked design's ``impact`` and ``missions``."""

        def expr(path: Path) -> Expression | None:
            return expressions.get(path)

        contributions = []
        for i, c in enumerate(design.impact.contributions):
            here = ("impact", "contributions", i)
            made = expr((*here, "id"))
            assert made is not None, "a checked design has every expression compiled"
            contributions.append(
                ContributionRule(
                    i, c.on, made, expr((*here, "builds_on")), expr((*here, "referred_by")), c.noun
                )
            )
        helped = []
        for i, b in enumerate(design.impact.beneficiary_events):
            here = ("impact", "beneficiary_events", i)
            credits = expr((*here, "credits"))
            assert credits is not None, "a checked design has every expression compiled"
            helped.append(BeneficiaryRule(i, b.on, credits, expr((*here, "beneficiary")), b.story))
        a = design.impact.attribution
        return cls(
            tuple(contributions),
            tuple(helped),
            a.decay,
            a.max_depth,
            a.mode,
            tuple(design.missions),
        )

    def noun(self, kind: str) -> str:
        """The noun of contributions created by ``kind`` events."""
        for rule in self.contributions:
            if rule.on == kind:
                return rule.noun
        return "contribution"

    def read(self, kind: str, actor: str, at: datetime, data: Mapping[str, Any]) -> Reading:
        """What an event says: contributions it creates, help it shows, missions it adds to."""
        if kind not in self.kinds:
            return Reading()
        context = {
            "event": {"kind": kind, "actor": actor, "at": format_instant(at), "data": data},
            "owner": actor,
        }
        created: list[Created] = []
        helped: list[Helped] = []
        # A rule whose expressions give no usable id or person does not apply.
        for c in self.contributions:
            if c.on != kind:
                continue
            made = _id(c.id.evaluate(context))
            if made is None:
                continue
            parents: tuple[str, ...] = ()
            if c.builds_on is not None:
                parents = _ids(c.builds_on.evaluate(context))
            referrer = None
            if c.referred_by is not None:
                referrer = _person(c.referred_by.evaluate(context))
            created.append(Created(c, made, tuple(p for p in parents if p != made), referrer))
        for b in self.beneficiary_events:
            if b.on != kind:
                continue
            credits = _ids(b.credits.evaluate(context))
            if not credits:
                continue
            who = actor
            if b.beneficiary is not None:
                named = _person(b.beneficiary.evaluate(context))
                if named is None:
                    continue
                who = named
            helped.append(Helped(b, credits, who, b.beneficiary is not None))
        missions = tuple(m for m in self.missions if m.target.event == kind)
        return Reading(tuple(created), tuple(helped), missions)


def _id(value: Any) -> str | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        value = str(value)
    if isinstance(value, str) and value.strip() and len(value) <= MAX_ID_LENGTH:
        return value
    return None


def _ids(value: Any) -> tuple[str, ...]:
    """The ids ``value`` names: one, or a list (duplicates and non-ids left out)."""
    values: Sequence[Any] = value if isinstance(value, list) else [value]
    out: list[str] = []
    for v in values:
        i = _id(v)
        if i is not None and i not in out:
            out.append(i)
        if len(out) == MAX_PARENTS:
            break
    return tuple(out)


def _person(value: Any) -> str | None:
    if isinstance(value, str) and value.strip() and len(value) <= MAX_ID_LENGTH:
        return value
    return None
