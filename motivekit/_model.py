"""Value classes crossing the public API: events in, outcomes and journal entries out."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime
from typing import Any, Literal

import attrs

from motivekit._canonical import JSONValue, check_json, is_encodable, loads
from motivekit._errors import InvalidEvent

__all__ = [
    "Event",
    "GoalChange",
    "ImpactChange",
    "JournalEntry",
    "MissionChange",
    "Outcome",
    "SkillChange",
    "skill_change_later",
]

KIND_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:/-]{0,127}")
"""Event kinds: ``review.submitted``, ``answer:marked_helpful`` ... up to 128 characters."""

_EVENT_KEYS = frozenset({"id", "kind", "actor", "at", "data"})
MAX_ID_LENGTH = 200
SALT_BYTES = 32
"""Length of the random salt in front of an entry's personal part."""
MIN_YEAR, MAX_YEAR = 1000, 9998
"""Instants outside these years have no fixed-width journal form (or overflow in UTC)."""


def check_name(value: object, field: str, error: type[Exception], hint: str) -> str:
    """Validate a short identifying string (ids, actors, owners)."""
    if not isinstance(value, str):
        raise error(f"{field} must be a string, got {type(value).__name__}; {hint}")
    if not value or value.strip() != value:
        raise error(f"{field} must be a non-empty string without surrounding spaces; {hint}")
    if len(value) > MAX_ID_LENGTH:
        raise error(f"{field} is {len(value)} characters long; the limit is {MAX_ID_LENGTH}")
    if not value.isprintable() or not is_encodable(value):
        raise error(f"{field} contains control characters or invalid Unicode; {hint}")
    return value


def check_kind(value: object, field: str, error: type[Exception]) -> str:
    """Validate an event kind such as ``review.submitted``."""
    if not isinstance(value, str) or not KIND_PATTERN.fullmatch(value):
        raise error(
            f"{field} is {value!r}; it must be a string of letters, digits and . _ : / - "
            f"(starting with a letter or digit, at most 128 characters), "
            f"e.g. 'review.submitted'"
        )
    return value


def check_instant(value: object, field: str, error: type[Exception]) -> datetime:
    """Validate a timezone-aware datetime."""
    if not isinstance(value, datetime):
        raise error(f"{field} must be a datetime, got {type(value).__name__}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise error(
            f"{field} is a naive datetime ({value.isoformat()}); pass a timezone-aware one, "
            f"e.g. datetime.now(timezone.utc) or value.replace(tzinfo=ZoneInfo('Europe/Berlin'))"
        )
    try:
        year = value.astimezone(UTC).year
    except OverflowError:
        year = 0
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise error(
            f"{field} is {value.isoformat()}; instants must lie between the years "
            f"{MIN_YEAR} and {MAX_YEAR} (UTC)"
        )
    return value


def _event_data(value: object) -> dict[str, JSONValue]:
    if not isinstance(value, Mapping):
        raise InvalidEvent(
            f"Event.data must be a dict with string keys, got {type(value).__name__}"
        )
    checked = check_json(value, "Event.data", InvalidEvent)
    assert isinstance(checked, dict)
    return checked


@attrs.frozen(init=False)
class Event:
    """A fact from the host app, e.g. ``Event("ev-1", "review.submitted", "ada")``.

    ``id`` makes recording idempotent: recording the same id again changes nothing.
    ``at`` is when it happened, timezone-aware; ``None`` means "when it is recorded"
    (by the Kit's clock). ``data`` holds JSON-like values without floats. Invalid
    arguments raise :class:`InvalidEvent` at once.
    """

    id: str
    kind: str
    actor: str
    at: datetime | None
    data: Mapping[str, JSONValue]

    def __init__(
        self,
        id: str,
        kind: str,
        actor: str,
        at: datetime | None = None,
        data: Mapping[str, Any] | None = None,
    ) -> None:
        hint = "use the host app's stable identifier"
        object.__setattr__(self, "id", check_name(id, "Event.id", InvalidEvent, hint))
        object.__setattr__(self, "kind", check_kind(kind, "Event.kind", InvalidEvent))
        object.__setattr__(
            self, "actor", check_name(actor, "Event.actor", InvalidEvent, "use the user's id")
        )
        instant = None if at is None else check_instant(at, "Event.at", InvalidEvent)
        object.__setattr__(self, "at", instant)
        object.__setattr__(self, "data", _event_data({} if data is None else data))

    @classmethod
    def from_dict(cls, value: Mapping[str, Any]) -> Event:
        """Build an event from a JSON-like dict, e.g. a webhook body.

        Keys: ``id``, ``kind``, ``actor`` (required), ``at`` (an ISO 8601 string with a UTC
        offset, or a datetime) and ``data``. Missing or unknown keys raise
        :class:`InvalidEvent` naming them.
        """
        if not isinstance(value, Mapping):
            raise InvalidEvent(
                f"an event must be a dict with keys id, kind, actor (and optionally at, "
                f"data), got {type(value).__name__}"
            )
        unknown = sorted(set(value) - _EVENT_KEYS)
        if unknown:
            raise InvalidEvent(
                f"unknown event key(s) {unknown}; allowed: id, kind, actor, at, data "
                f"(put your own fields inside data)"
            )
        for key in ("id", "kind", "actor"):
            if key not in value:
                raise InvalidEvent(f"Event.{key} is missing; every event needs id, kind and actor")
        at = value.get("at")
        if isinstance(at, str):
            try:
                at = datetime.fromisoformat(at)
            except ValueError:
                raise InvalidEvent(
                    f"Event.at {at!r} is not an ISO 8601 timestamp; send e.g. "
                    f"'2026-11-21T09:30:00+01:00' or '2026-11-21T08:30:00Z'"
                ) from None
        return cls(value["id"], value["kind"], value["actor"], at, value.get("data"))


@attrs.frozen
class GoalChange:
    """How one event moved one goal: the period it counted in and the count now."""

    goal_id: str
    owner: str
    period_start: date | None
    period_end: date | None
    count: int
    target: int
    reached: bool
    """True when this event brought the period's count up to the target."""


@attrs.frozen
class SkillChange:
    """How one event, as evidence, moved one person's skill on one track."""

    track: str
    user: str
    evidence: int
    """Pieces of evidence on the track now."""
    estimate: float
    """The model's 0..1 estimate now (see :class:`motivekit.mastery.SkillModel`)."""
    level: str | None
    """The level reached; None below the first or before the track's ``min_evidence``."""
    feedback: tuple[str, ...]
    """Informational sentences, e.g. ``You now solve about 4 in 5 medium reviews``; only
    gains are announced, and nothing before ``min_evidence``. The record pipeline writes
    them when they are first read (most callers never read them)."""


class _Later:
    """A field's value not built yet: ``make(*args)``, called when the field is first read."""

    __slots__ = ("args", "make")

    def __init__(self, make: Callable[..., Any], args: tuple[Any, ...]) -> None:
        self.make = make
        self.args = args


class _Deferrable:
    """Stands in front of a slotted attrs field so that it may hold a :class:`_Later`: the
    first read builds the value and keeps it. Every reader (the attribute, ``==``,
    ``hash``, ``repr``, ``attrs.asdict``, pickling) goes through the attribute, so none
    sees the difference."""

    __slots__ = ("slot",)

    def __init__(self, slot: Any) -> None:
        self.slot = slot

    def __get__(self, instance: object, owner: type | None = None) -> Any:
        if instance is None:
            return self.slot
        value = self.slot.__get__(instance, owner)
        if type(value) is _Later:
            value = value.make(*value.args)
            self.slot.__set__(instance, value)
        return value

    def __set__(self, instance: object, value: Any) -> None:
        self.slot.__set__(instance, value)

    def __delete__(self, instance: object) -> None:
        self.slot.__delete__(instance)


def _deferrable(cls: type, name: str) -> None:
    setattr(cls, name, _Deferrable(cls.__dict__[name]))


_deferrable(SkillChange, "feedback")

# The slots of a SkillChange, written straight (what attrs' own __init__ does through
# object.__setattr__, without its per-field calls): a record_many builds one per track and
# event.
_new = object.__new__
_set_track, _set_user, _set_evidence, _set_estimate, _set_level = (
    SkillChange.__dict__[name].__set__
    for name in ("track", "user", "evidence", "estimate", "level")
)
_set_feedback = SkillChange.__dict__["feedback"].slot.__set__


def skill_change_later(
    track: str,
    user: str,
    evidence: int,
    estimate: float,
    level: str | None,
    feedback: Callable[..., tuple[str, ...]],
    *args: Any,
) -> SkillChange:
    """A :class:`SkillChange` whose ``feedback`` is ``feedback(*args)``, built when first
    read (exactly the same value; a caller who never reads it never pays for it)."""
    change: SkillChange = _new(SkillChange)
    _set_track(change, track)
    _set_user(change, user)
    _set_evidence(change, evidence)
    _set_estimate(change, estimate)
    _set_level(change, level)
    _set_feedback(change, _Later(feedback, args))
    return change


@attrs.frozen
class ImpactChange:
    """One person credited for help an event shows."""

    recipient: str
    kind: str
    """``direct`` (their contribution helped), ``built-on`` (work built on theirs helped)
    or ``referral`` (work by someone they brought in helped)."""
    contribution: str | None
    """Their contribution the credit reached them through (None for ``referral``)."""
    root: str
    """The contribution the event credited."""
    beneficiary: str | None
    """Who was helped (None: someone who was forgotten)."""
    depth: int
    """Steps between the credited contribution and theirs (0: it is theirs)."""
    share: float
    """Their share of the event's value V = 1 (see :func:`motivekit.impact.attribute`)."""


@attrs.frozen
class MissionChange:
    """How one event moved a collective mission."""

    mission: str
    user: str
    total: int
    """Everyone's count now."""
    target: int
    part: int | None
    """The person's own count now (None: their impact consent is off, so it is not kept)."""
    milestone: int | None
    """The milestone (or target) this event reached, if any."""


@attrs.frozen
class Outcome:
    """What recording one event did."""

    event_id: str
    duplicate: bool
    """True when an event with this id was already recorded; nothing changed."""
    seq: int | None
    """The journal sequence number of the entry (the earlier one for a duplicate)."""
    goal_changes: tuple[GoalChange, ...] = ()
    skill_changes: tuple[SkillChange, ...] = ()
    """Skill tracks the event was evidence for (empty while a replay rebuilds skills)."""
    impact_changes: tuple[ImpactChange, ...] = ()
    """People credited for the help the event shows (empty while a replay rebuilds)."""
    mission_changes: tuple[MissionChange, ...] = ()
    """Missions the event counted towards (empty while a replay rebuilds)."""

    @property
    def changed(self) -> bool:
        """Whether any goal's progress, skill, impact feed or mission moved."""
        return bool(
            self.goal_changes or self.skill_changes or self.impact_changes or self.mission_changes
        )

    @property
    def feedback(self) -> tuple[str, ...]:
        """Every feedback sentence of :attr:`skill_changes`, in order."""
        return tuple(s for change in self.skill_changes for s in change.feedback)


@attrs.frozen
class JournalEntry:
    """One appended record: a host event, a person's command, an erasure, or a mission
    milestone."""

    seq: int
    type: Literal["event", "command", "erasure", "milestone"]
    name: str
    """The event kind, the command name such as ``goal.create``, ``privacy.forget``, or
    ``mission.milestone``."""
    actor: str | None
    """The person it is about; None once they were forgotten (or for an erasure)."""
    recorded_at: datetime
    raw: bytes = attrs.field(repr=False)
    """The exact canonical leaf bytes, as hashed by the audit log."""
    opening: bytes | None = attrs.field(default=None, repr=False)
    """Salt and personal part that open the leaf's commitment; None once erased."""

    @property
    def payload(self) -> dict[str, Any]:
        """The entry's fields, with its personal part (actor and data, or person and
        arguments) merged in unless it was erased."""
        payload = loads(self.raw)
        assert isinstance(payload, dict)
        if self.opening is not None:
            payload.update(loads(self.opening[SALT_BYTES:]))
        return payload

    @property
    def erased(self) -> bool:
        """Whether the entry's personal part was erased (``kit.privacy.forget``)."""
        return self.opening is None and self.type in ("event", "command")
