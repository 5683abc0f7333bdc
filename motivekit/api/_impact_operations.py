"""The impact operations: the feed and why an entry is there, the person's impact
choices, collective missions with their own part, and consent per mechanic."""

from __future__ import annotations

from pydantic import BaseModel

from motivekit import InvalidInput, Mechanic, NotFound
from motivekit.api._bodies import FeedQuery, SetConsent, SetImpactPreferences
from motivekit.api._call import Call
from motivekit.api._views import (
    ConsentOut,
    FeedPageOut,
    ImpactExplanationOut,
    ImpactPreferencesOut,
    MissionListOut,
    MissionOut,
)

__all__ = [
    "explain_impact",
    "get_consent",
    "get_impact_preferences",
    "get_mission",
    "impact_feed",
    "list_missions",
    "set_consent",
    "set_impact_preferences",
]


def impact_feed(call: Call) -> BaseModel:
    query = call.query_as(FeedQuery)
    page = call.kit.impact.feed(call.user, query.limit, query.cursor, names=call.names)
    return FeedPageOut.of(page)


def explain_impact(call: Call) -> BaseModel:
    return ImpactExplanationOut.of(
        call.kit.impact.explain(call.user, call.path["entry_id"], names=call.names)
    )


def get_impact_preferences(call: Call) -> BaseModel:
    return ImpactPreferencesOut.of(call.kit.impact.preferences(call.user))


def set_impact_preferences(call: Call) -> BaseModel:
    body = call.body_as(SetImpactPreferences)
    if not (call.given("visibility") or call.given("digest")):
        raise InvalidInput("send visibility and/or digest to change")
    impact = call.kit.impact
    if call.given("digest"):
        prefs = impact.set_preferences(
            call.user, visibility=body.visibility, digest=body.digest, by=call.user
        )
    else:
        prefs = impact.set_preferences(call.user, visibility=body.visibility, by=call.user)
    return ImpactPreferencesOut.of(prefs)


def list_missions(call: Call) -> BaseModel:
    missions = call.kit.impact.missions(call.user)
    return MissionListOut(missions=[MissionOut.of(m) for m in missions])


def get_mission(call: Call) -> BaseModel:
    return MissionOut.of(call.kit.impact.mission(call.path["mission_id"], call.user))


def get_consent(call: Call) -> BaseModel:
    return ConsentOut.of(call.kit.consent.get(call.user))


def set_consent(call: Call) -> BaseModel:
    name = call.path["mechanic"]
    if name not in {m.value for m in Mechanic}:
        names = ", ".join(m.value for m in Mechanic)
        raise NotFound(f"there is no mechanic {name!r}; choose one of {names}")
    enabled = call.body_as(SetConsent).enabled
    return ConsentOut.of(call.kit.consent.set(call.user, name, enabled, by=call.user))
