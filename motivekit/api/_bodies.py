"""The JSON request bodies and query parameters, as pydantic models.

Bodies are strict (JSON types only: ``"3"`` is not a count) and closed (an unknown field is
a 422 naming it), so a typo never passes silently. They check shape only; motivekit's own
services check meaning (a known time zone, a count in range) and answer with typed errors.
The OpenAPI document's request schemas are generated from these same classes.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "AdoptGoal",
    "ChallengesQuery",
    "CreateGoal",
    "EditGoal",
    "Empty",
    "FeedQuery",
    "GoalsQuery",
    "MeasureIn",
    "PlanIn",
    "RenegotiateGoal",
    "SetBand",
    "SetConsent",
    "SetImpactPreferences",
]

Per = Literal["day", "week", "month"]
Visibility = Literal["private", "shared", "public"]
Text = Annotated[str, Field(min_length=1, max_length=2000, pattern=r"\S")]
"""Free text a person writes: not blank."""
Kind = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:/-]{0,127}$")]
"""An event kind, e.g. ``review.submitted``."""
Id = Annotated[str, Field(min_length=1, max_length=200, pattern=r"^\S(.*\S)?$")]
Zone = Annotated[
    str, Field(max_length=100, pattern=r"^[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+)*$")
]
"""An IANA time zone name, e.g. ``Europe/Berlin``."""
Count = Annotated[int, Field(ge=1, le=1_000_000)]
Scalar = str | int | bool | None


def _leave_out(schema: dict[str, Any]) -> None:
    schema.pop("default", None)


def absent(**kwargs: Any) -> Any:
    """A field that may be left out but is never null (``None`` only marks "left out")."""
    return Field(None, json_schema_extra=_leave_out, **kwargs)


def _one_or_more(schema: dict[str, Any]) -> None:
    schema["minProperties"] = 1


class Body(BaseModel):
    """A request body: strict JSON types, unknown fields rejected."""

    model_config = ConfigDict(strict=True, extra="forbid", use_attribute_docstrings=True)


class Empty(Body):
    """An empty JSON object (``{}``): the action needs nothing more than its path."""


class MeasureIn(Body):
    """What counts towards a goal: ``count`` events of kind ``event`` per ``per``."""

    event: Kind
    count: Count
    per: Per | None = None
    """``day``, ``week``, ``month``, or null: in total."""
    where: dict[str, Scalar] | None = None
    """Equality filter on the event's data, e.g. ``{"repo": "core"}``."""


class PlanIn(Body):
    """An if-then plan: *when* a situation arises, *then* I do this."""

    when: Text
    then: Text


class CreateGoal(Body):
    """A goal of the person's own making."""

    title: Text
    measure: MeasureIn
    why: Text | None = None
    plan: PlanIn | None = None
    visibility: Visibility = "private"
    tz: Zone = "UTC"


class AdoptGoal(Body):
    """Adopt a template from the menu, adjusting what it allows."""

    template_id: Id
    count: Count = absent()
    """Only where the template lists ``count`` as adjustable."""
    per: Per | None = None
    """Only where the template lists ``per`` as adjustable; null: in total."""
    title: Text = absent()
    why: Text | None = None
    plan: PlanIn | None = None
    visibility: Visibility = absent()
    tz: Zone = absent()


class EditGoal(Body):
    """How the owner describes and shares a goal; null clears ``why`` or ``plan``."""

    model_config = ConfigDict(json_schema_extra=_one_or_more)

    title: Text = absent()
    why: Text | None = None
    plan: PlanIn | None = None
    visibility: Visibility = absent()


class RenegotiateGoal(Body):
    """A new target and/or cadence (null ``per``: in total); progress made is kept."""

    model_config = ConfigDict(json_schema_extra=_one_or_more)

    count: Count = absent()
    per: Per | None = None


class SetBand(Body):
    """The predicted-success band next challenges aim for; null: the track's default."""

    band: (
        Annotated[list[Annotated[float, Field(gt=0, lt=1)]], Field(min_length=2, max_length=2)]
        | None
    )
    """``[low, high]`` with 0 < low < high < 1; null: back to the track's band."""
    target: Annotated[float, Field(gt=0, lt=1)] | None = None
    """Where in the band to aim (default: 0.75 clipped into it)."""


class SetImpactPreferences(Body):
    """Whether others' stories may name the person, and whether they want a digest."""

    model_config = ConfigDict(json_schema_extra=_one_or_more)

    visibility: Literal["named", "anonymous"] = absent()
    digest: Literal["day", "week"] | None = None
    """``day`` or ``week``; null: no digest."""


class SetConsent(Body):
    """Switch one mechanic on or off for oneself."""

    enabled: bool


class Query(BaseModel):
    """Query parameters: text converted to numbers where the parameter is one; other
    parameters are ignored."""

    model_config = ConfigDict(extra="ignore", use_attribute_docstrings=True)


class GoalsQuery(Query):
    """Filter the goals by status."""

    status: Literal["active", "paused", "released"] | None = None


class FeedQuery(Query):
    """A page of the impact feed."""

    cursor: Annotated[str, Field(pattern=r"^f1\.(0|[1-9][0-9]{0,18})$")] | None = None
    """The previous page's ``next_cursor``; left out: the first page."""
    limit: Annotated[int, Field(ge=1, le=200)] = 20


class ChallengesQuery(Query):
    """The candidates to choose next challenges from."""

    candidates: Annotated[str, Field(min_length=1, max_length=4000)]
    """Comma-separated item ids, each optionally ``id:difficulty`` (a number on the
    track's scale), e.g. ``r-1,r-2:4.5``."""
    k: Annotated[int, Field(ge=2, le=50)] = 3
