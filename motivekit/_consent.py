"""Per-person consent: which mechanics each person has switched on, decided in one place.

A person's explicit choice wins; without one, the Kit's default for that mechanic holds
(:func:`decide`). Stores keep only the explicit choices. :class:`ConsentState` answers
"is this on for them?" for every pipeline: live it loads the choices of the people a unit
of work touches from the store; a replay or an explanation starts with none and takes each
``consent.set`` entry into account in journal order. ``kit.consent`` (:class:`ConsentBook`)
is where people make their choices.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping

import attrs

from motivekit._entries import command_draft
from motivekit._errors import ConfigError, InvalidConsent, NotPermitted
from motivekit._evidence import ConsentChoice
from motivekit._model import check_name
from motivekit._runtime import Core
from motivekit.store._protocol import ConsentSession, Session

__all__ = [
    "DEFAULT_CONSENT",
    "NUDGES_OPT_IN",
    "Consent",
    "ConsentBook",
    "ConsentState",
    "Mechanic",
    "check_mechanic",
    "consent_defaults",
    "decide",
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


def decide(choice: bool | None, mechanic: Mechanic, defaults: Mapping[Mechanic, bool]) -> bool:
    """Whether a mechanic is on: the person's explicit ``choice``, else the default."""
    return defaults[mechanic] if choice is None else choice


def check_mechanic(value: object) -> Mechanic:
    """The Mechanic named by ``value``, or :class:`InvalidConsent`."""
    try:
        if isinstance(value, str):
            return Mechanic(value)
    except ValueError:
        pass
    names = ", ".join(m.value for m in Mechanic)
    raise InvalidConsent(f"unknown mechanic {value!r}; choose one of {names}")


NUDGES_OPT_IN = (
    "consent_defaults cannot switch nudges on for people who never chose them: nudges are "
    "opt-in (drop 'nudges' from consent_defaults, or set it to False, and let each person "
    "switch them on with kit.consent.set(user, 'nudges', True, by=user))"
)
"""Why a default of nudges on is refused, and the fix (docs/designing.md, nudges-on-by-default)."""


def consent_defaults(overrides: Mapping[str, bool] | None) -> dict[Mechanic, bool]:
    """The Kit's defaults for people who have not chosen, with ``overrides`` applied.

    Nudges stay off for them: a default of nudges on is a :class:`ConfigError`, as
    ``nudges: {default: on}`` is in a design file, because reminders nobody asked for are
    pressure from outside (docs/designing.md, nudges-on-by-default).
    """
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
        if mechanic is Mechanic.NUDGES and value:
            raise ConfigError(NUDGES_OPT_IN)
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
        return decide(self.choices.get(m), m, self.defaults)

    @property
    def enabled(self) -> frozenset[Mechanic]:
        """Every mechanic that is on for this person."""
        return frozenset(m for m in Mechanic if self.allows(m))


class ConsentState:
    """Who has which mechanic on, for one unit of work (see the module docstring).

    With a ``session``, choices are loaded on first need, one query per batch of people
    (:meth:`load`); without one, only the choices :meth:`note`\\ d so far count.
    """

    def __init__(
        self, defaults: Mapping[Mechanic, bool], session: ConsentSession | None = None
    ) -> None:
        self.defaults = defaults
        self._session = session
        self._choices: dict[str, dict[str, bool]] = {}
        self._loaded: set[str] = set()

    def load(self, users: Iterable[str]) -> None:
        """Read the stored choices of those of ``users`` not read yet, in one query."""
        if self._session is None:
            return
        missing = {u for u in users if u not in self._loaded}
        if missing:
            self._choices.update(self._session.consents(missing))
            self._loaded |= missing

    def note(self, choice: ConsentChoice) -> None:
        """Take a ``consent.set`` into account (folding the journal in order)."""
        self._choices.setdefault(choice.user, {})[choice.mechanic] = choice.enabled

    def allows(self, user: str, mechanic: Mechanic) -> bool:
        """Whether ``mechanic`` is on for ``user``."""
        if self._session is not None and user not in self._loaded:
            self.load([user])
        choices = self._choices.get(user)
        choice = None if choices is None else choices.get(mechanic.value)
        return decide(choice, mechanic, self.defaults)

    def switched_on(self, users: Iterable[str], mechanic: Mechanic) -> dict[str, bool]:
        """Whether ``mechanic`` is on for each of ``users`` (loaded in one query)."""
        wanted = list(users)
        self.load(wanted)
        return {u: self.allows(u, mechanic) for u in wanted}

    def consent(self, user: str) -> Consent:
        """``user``'s :class:`Consent`."""
        self.load([user])
        return Consent.of(user, self._choices.get(user, {}), self.defaults)


def _user(value: object, field: str) -> str:
    return check_name(value, field, InvalidConsent, "pass the person's user id")


class ConsentBook:
    """``kit.consent``: each person's own on/off choice per mechanic."""

    def __init__(self, core: Core) -> None:
        self._core = core

    @property
    def defaults(self) -> Mapping[Mechanic, bool]:
        """The Kit's default per mechanic, for people who have not chosen."""
        return self._core.runtime.consent

    def get(self, user: str) -> Consent:
        """The person's consent: their choices over the Kit's defaults."""
        _user(user, "user")
        with self._core.store.reading() as session:
            return ConsentState(self.defaults, session).consent(user)

    def set(self, user: str, mechanic: Mechanic | str, enabled: bool, *, by: str) -> Consent:
        """Switch a mechanic on or off for ``user``; only the person themselves may."""
        _user(user, "user")
        _user(by, "by")
        m = check_mechanic(mechanic)
        if not isinstance(enabled, bool):
            raise InvalidConsent(f"enabled must be True or False, got {enabled!r}")
        if by != user:
            raise NotPermitted(f"only {user!r} may change their own consent; {by!r} may not")
        runtime = self._core.runtime
        at = runtime.clock()
        args = {"user": user, "mechanic": m.value, "enabled": enabled}
        writer = self._core.writer

        def work(session: Session) -> Consent:
            state = ConsentState(runtime.consent, session)
            if state.consent(user).choices.get(m) is not enabled:
                draft = command_draft("consent.set", by, dict(args), at, runtime.version)
                writer.append(session, [draft])
                session.set_consent(user, m.value, enabled, at)
                state.note(ConsentChoice(user, m.value, enabled))
            return state.consent(user)

        return writer.run(work)
