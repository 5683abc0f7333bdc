"""Goals: what a person chose to work towards, and how progress is measured."""

from __future__ import annotations

import enum
from collections.abc import Collection, Mapping
from datetime import date, datetime
from functools import lru_cache
from typing import Any, Literal, Protocol, TypeAlias, cast, get_args
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import attrs

from motivekit._canonical import JSONValue, is_encodable
from motivekit._errors import InvalidGoal
from motivekit._model import check_kind, check_name

__all__ = [
    "Goal",
    "GoalState",
    "GoalStatus",
    "GoalTemplate",
    "Measure",
    "Per",
    "Plan",
    "Progress",
    "Visibility",
    "Watched",
    "WatchedGoal",
    "zone",
]

Per: TypeAlias = Literal["day", "week", "month"]
"""A goal's cadence; ``None`` in its place means "in total", with no period."""

Visibility: TypeAlias = Literal["private", "shared", "public"]

PERS: tuple[str, ...] = get_args(Per)
VISIBILITIES: tuple[str, ...] = get_args(Visibility)
MAX_COUNT = 1_000_000
MAX_TEXT = 2_000
ADJUSTABLE_FIELDS = frozenset({"count", "per"})

Scalar: TypeAlias = str | int | bool | None


class GoalStatus(enum.StrEnum):
    """Where a goal stands. Releasing is a normal, neutral end; nothing ever "fails"."""

    ACTIVE = "active"
    PAUSED = "paused"
    RELEASED = "released"


@lru_cache(maxsize=512)
def zone(name: str) -> ZoneInfo:
    """The IANA time zone ``name``, or :class:`InvalidGoal` saying how to fix it."""
    if not isinstance(name, str) or not name:
        raise InvalidGoal(
            f"tz must be an IANA time zone name such as 'Europe/Berlin', got {name!r}"
        )
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise InvalidGoal(
            f"tz {name!r} is not a known IANA time zone; use a name such as "
            f"'UTC', 'Europe/Berlin' or 'America/New_York'"
        ) from exc


def check_text(value: object, field: str, *, required: bool) -> str | None:
    """Validate a free-text field written by a person (title, why, plan parts)."""
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip():
        raise InvalidGoal(f"{field} must be a non-empty string, got {value!r}")
    if len(value) > MAX_TEXT:
        raise InvalidGoal(f"{field} is {len(value)} characters long; the limit is {MAX_TEXT}")
    if not is_encodable(value):
        raise InvalidGoal(f"{field} contains a lone surrogate code point; send valid Unicode text")
    return value


def check_count(value: object, field: str) -> int:
    """Validate a goal target."""
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_COUNT:
        raise InvalidGoal(f"{field} must be a whole number from 1 to {MAX_COUNT:,}, got {value!r}")
    return value


def check_per(value: object, field: str) -> Per | None:
    """Validate a cadence."""
    if value is not None and value not in PERS:
        raise InvalidGoal(
            f"{field} must be one of 'day', 'week', 'month' or None (in total), got {value!r}"
        )
    return cast("Per | None", value)


def _check_where(value: object) -> dict[str, Scalar]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise InvalidGoal(
            f"measure.where must be a dict of data field to required value, "
            f"e.g. {{'repo': 'core'}}, got {type(value).__name__}"
        )
    out: dict[str, Scalar] = {}
    for key, item in value.items():
        if not isinstance(key, str) or not key:
            raise InvalidGoal(f"measure.where keys must be non-empty strings, got {key!r}")
        if isinstance(item, str) and not is_encodable(item):
            raise InvalidGoal(f"measure.where[{key!r}] contains a lone surrogate code point")
        if isinstance(item, float) or not isinstance(item, (str, int, bool, type(None))):
            raise InvalidGoal(
                f"measure.where[{key!r}] must be a string, integer, boolean or None "
                f"(an equality test on Event.data), got {item!r}"
            )
        out[key] = item
    return out


@attrs.frozen(init=False)
class Measure:
    """Counts matching events: ``count`` of ``event`` per ``per`` (or in total).

    ``where`` is an equality filter on the event's data: ``{"repo": "core"}`` counts only
    events whose ``data["repo"] == "core"``.
    """

    event: str
    count: int
    per: Per | None
    where: Mapping[str, Scalar]

    def __init__(
        self,
        event: str,
        count: int,
        per: Per | None = None,
        where: Mapping[str, Scalar] | None = None,
    ) -> None:
        object.__setattr__(self, "event", check_kind(event, "measure.event", InvalidGoal))
        object.__setattr__(self, "count", check_count(count, "measure.count"))
        object.__setattr__(self, "per", check_per(per, "measure.per"))
        object.__setattr__(self, "where", _check_where(where))

    @classmethod
    def coerce(cls, value: Measure | Mapping[str, Any]) -> Measure:
        """Accept a Measure or a dict like ``{"event": ..., "count": 3, "per": "week"}``."""
        if isinstance(value, Measure):
            return value
        if not isinstance(value, Mapping):
            raise InvalidGoal(
                "measure must be a Measure or a dict such as "
                "{'event': 'review.submitted', 'count': 3, 'per': 'week'}"
            )
        unknown = set(value) - {"event", "count", "per", "where"}
        if unknown:
            raise InvalidGoal(
                f"measure has unknown key(s) {sorted(unknown)}; allowed: event, count, per, where"
            )
        for key in ("event", "count"):
            if key not in value:
                raise InvalidGoal(f"measure.{key} is missing")
        return cls(value["event"], value["count"], value.get("per"), value.get("where"))

    def matches(self, kind: str, data: Mapping[str, JSONValue]) -> bool:
        """Whether an event of ``kind`` with ``data`` counts towards this measure."""
        if kind != self.event:
            return False
        if not self.where:  # most measures: no generator to run for every event
            return True
        return all(key in data and _same(data[key], wanted) for key, wanted in self.where.items())

    def to_json(self) -> dict[str, JSONValue]:
        """The measure as a plain dict (as stored and journaled)."""
        return {
            "event": self.event,
            "count": self.count,
            "per": self.per,
            "where": dict(self.where),
        }


def _same(actual: JSONValue, wanted: Scalar) -> bool:
    # True == 1 in Python; in a data filter they are different values.
    return type(actual) is type(wanted) and actual == wanted


@attrs.frozen(init=False)
class Plan:
    """An implementation intention: *if* a situation arises, *then* I do this."""

    when: str
    then: str

    def __init__(self, when: str, then: str) -> None:
        object.__setattr__(self, "when", check_text(when, "plan.when", required=True))
        object.__setattr__(self, "then", check_text(then, "plan.then", required=True))

    @classmethod
    def coerce(cls, value: Plan | Mapping[str, str] | None) -> Plan | None:
        """Accept a Plan, ``{"when": ..., "then": ...}`` (or ``"if"`` for ``"when"``), None."""
        if value is None or isinstance(value, Plan):
            return value
        if isinstance(value, Mapping):
            extra = set(value) - {"when", "if", "then"}
            if extra or "then" not in value or ("when" in value) == ("if" in value):
                raise InvalidGoal(
                    "plan must look like {'when': 'I open my laptop on Monday', "
                    f"'then': 'I review one pull request'}}, got keys {sorted(value)}"
                )
            return cls(value.get("when", value.get("if", "")), value["then"])
        raise InvalidGoal(f"plan must be a Plan or a dict with 'when' and 'then', got {value!r}")

    def to_json(self) -> dict[str, JSONValue]:
        """The plan as a plain dict."""
        return {"when": self.when, "then": self.then}


def check_visibility(value: object) -> Visibility:
    """Validate who may see a goal."""
    if value not in VISIBILITIES:
        raise InvalidGoal(f"visibility must be one of {', '.join(VISIBILITIES)}; got {value!r}")
    return cast("Visibility", value)


@attrs.frozen(init=False)
class GoalTemplate:
    """A goal on the menu: offered to people, adopted only by their own choice."""

    id: str
    title: str
    measure: Measure
    adjustable: frozenset[str]
    """Which measure fields adopters may change: a subset of ``{"count", "per"}``."""
    description: str | None
    visibility: Visibility
    """Who sees an adopted goal unless the adopter chooses otherwise (they always may)."""

    def __init__(
        self,
        id: str,
        title: str,
        measure: Measure | Mapping[str, Any],
        adjustable: Collection[str] = ("count", "per"),
        description: str | None = None,
        visibility: Visibility = "private",
    ) -> None:
        object.__setattr__(
            self, "id", check_name(id, "GoalTemplate.id", InvalidGoal, "e.g. 'weekly-reviews'")
        )
        object.__setattr__(self, "title", check_text(title, "GoalTemplate.title", required=True))
        object.__setattr__(self, "measure", Measure.coerce(measure))
        if isinstance(adjustable, str) or not set(adjustable) <= ADJUSTABLE_FIELDS:
            raise InvalidGoal(
                f"GoalTemplate.adjustable must be a subset of ['count', 'per'], got {adjustable!r}"
            )
        object.__setattr__(self, "adjustable", frozenset(adjustable))
        object.__setattr__(
            self, "description", check_text(description, "GoalTemplate.description", required=False)
        )
        object.__setattr__(self, "visibility", check_visibility(visibility))


@attrs.frozen
class Progress:
    """Progress of a goal in one period (or in total when the goal has no cadence)."""

    count: int
    target: int
    per: Per | None
    period_start: date | None
    """First local day of the period in the goal's time zone (None: in total)."""
    period_end: date | None
    """First local day *after* the period (None: in total)."""

    @property
    def reached(self) -> bool:
        """Whether the period's count has reached the target."""
        return self.count >= self.target

    @property
    def remaining(self) -> int:
        """How many more matching events reach the target (0 once reached)."""
        return max(0, self.target - self.count)


@attrs.frozen
class GoalState:
    """A goal as stored: everything but its progress (see :class:`Goal`)."""

    id: str
    owner: str
    title: str
    measure: Measure
    why: str | None
    plan: Plan | None
    visibility: Visibility
    tz: str
    status: GoalStatus
    template_id: str | None
    created_at: datetime
    updated_at: datetime
    total: int = 0
    """Matching events counted since the goal was made (used when ``per`` is None)."""
    created_seq: int = 0
    """Sequence number of the journal entry that created the goal (orders goals)."""


class Watched(Protocol):
    """What counting an event for a goal reads of it: a :class:`GoalState` has it all,
    and a store may read no more than this for the goals a batch of events can move
    (``GoalsSession.active_goals``, read on every record)."""

    @property
    def id(self) -> str: ...
    @property
    def owner(self) -> str: ...
    @property
    def measure(self) -> Measure: ...
    @property
    def tz(self) -> str: ...
    @property
    def status(self) -> GoalStatus: ...
    @property
    def created_at(self) -> datetime: ...
    @property
    def total(self) -> int: ...


@attrs.frozen(slots=True)
class WatchedGoal:
    """A goal as counting reads it (:class:`Watched`), for stores that read only that."""

    id: str
    owner: str
    measure: Measure
    tz: str
    status: GoalStatus
    created_at: datetime
    total: int


@attrs.frozen
class Goal:
    """A self-chosen goal with its progress in the current period."""

    id: str
    owner: str
    title: str
    measure: Measure
    why: str | None
    plan: Plan | None
    visibility: Visibility
    tz: str
    status: GoalStatus
    template_id: str | None
    created_at: datetime
    updated_at: datetime
    total: int
    created_seq: int
    progress: Progress

    @classmethod
    def from_state(cls, state: GoalState, progress: Progress) -> Goal:
        """Combine a stored goal with its computed progress."""
        return cls(**attrs.asdict(state, recurse=False), progress=progress)
