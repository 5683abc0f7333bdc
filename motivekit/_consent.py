"""Per-person consent: which mechanics each person has switched on."""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping

import attrs

from motivekit._errors import ConfigError, InvalidConsent

__all__ = [
    "DEFAULT_CONSENT",
    "Consent",
    "Mechanic",
    "check_mechanic",
    "consent_defaults",
    "switched_on",
]


class Mechanic(enum.StrEnum):
    """A mechanic a person can switch on or off for themselves."""

    GOALS = "goals"
    MASTERY = "mastery"
    IMPACT = "impact"
    NUDGES = "nudges"


DEFAULT_CONSENT: Mapping[Mechanic, bool] = {
    Mechanic.GOALS: True,
    Mechanic.MASTERY: True,
    Mechanic.IMPACT: True,
    Mechanic.NUDGES: False,  # nudges are opt-in only
}


def switched_on(
    choices: Mapping[str, Mapping[str, bool]],
    users: Iterable[str],
    mechanic: Mechanic,
    default: bool,
) -> dict[str, bool]:
    """Whether each of ``users`` has ``mechanic`` on, given the explicit ``choices`` of
    those who made any (as ``Session.consents`` returns them) and the Kit's default."""
    return {u: choices.get(u, {}).get(mechanic.value, default) for u in users}


def check_mechanic(value: object) -> Mechanic:
    """The Mechanic named by ``value``, or :class:`InvalidConsent`."""
    try:
        if isinstance(value, str):
            return Mechanic(value)
    except ValueError:
        pass
    names = ", ".join(m.value for m in Mechanic)
    raise InvalidConsent(f"unknown mechanic {value!r}; choose one of {names}")


def consent_defaults(overrides: Mapping[str, bool] | None) -> dict[Mechanic, bool]:
    """The Kit's defaults for people who have not chosen, with ``overrides`` applied."""
    merged = dict(DEFAULT_CONSENT)
    for key, value in (overrides or {}).items():
        try:
            mechanic = Mechanic(key)
        except ValueError:
            names = ", ".join(m.value for m in Mechanic)
            raise ConfigError(
                f"consent_defaults has unknown mechanic {key!r}; choose from {names}"
            ) from None
        if not isinstance(value, bool):
            raise ConfigError(f"consent_defaults[{key!r}] must be True or False, got {value!r}")
        merged[mechanic] = value
    return merged


@attrs.frozen
class Consent:
    """One person's consent: their own choices over the Kit's defaults."""

    user: str
    choices: Mapping[Mechanic, bool]
    """What the person chose explicitly."""
    defaults: Mapping[Mechanic, bool] = attrs.field(repr=False)

    @classmethod
    def of(
        cls, user: str, choices: Mapping[str, bool], defaults: Mapping[Mechanic, bool]
    ) -> Consent:
        """Build from stored choices keyed by mechanic name."""
        return cls(user, {Mechanic(k): v for k, v in choices.items()}, defaults)

    def allows(self, mechanic: Mechanic | str) -> bool:
        """Whether the mechanic is on for this person."""
        m = check_mechanic(mechanic)
        return self.choices.get(m, self.defaults[m])

    @property
    def enabled(self) -> frozenset[Mechanic]:
        """Every mechanic that is on for this person."""
        return frozenset(m for m in Mechanic if self.allows(m))
