"""Every operation of the API in one table: route, body, query, answer, errors.

The adapters mount :data:`ROUTES`; :class:`Api` runs :data:`OPERATIONS`; the OpenAPI
document is generated from the same table, so the three cannot disagree.
"""

from __future__ import annotations

from collections.abc import Callable

from pydantic import BaseModel

from motivekit.api import _goal_operations as goals
from motivekit.api import _impact_operations as impact
from motivekit.api import _skill_operations as skills
from motivekit.api._bodies import (
    AdoptGoal,
    ChallengesQuery,
    CreateGoal,
    EditGoal,
    Empty,
    FeedQuery,
    GoalsQuery,
    RenegotiateGoal,
    SetBand,
    SetConsent,
    SetImpactPreferences,
)
from motivekit.api._call import Call, Operation
from motivekit.api._messages import Route
from motivekit.api._views import (
    ChallengesOut,
    ConsentOut,
    FeedPageOut,
    GoalExplanationOut,
    GoalListOut,
    GoalOut,
    ImpactExplanationOut,
    ImpactPreferencesOut,
    MenuOut,
    MissionListOut,
    MissionOut,
    OpenApiOut,
    SkillExplanationOut,
    SkillListOut,
    SkillOut,
)

__all__ = ["OPERATIONS", "ROUTES", "WRITE_METHODS"]

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH"})
READ = (401, 503)
WRITE = (400, 401, 413, 415, 422, 503)


def _openapi(call: Call) -> BaseModel:  # answered by Api itself (it holds the document)
    raise AssertionError("the openapi operation is answered by Api")


def _op(
    method: str,
    path: str,
    operation_id: str,
    run: Callable[[Call], BaseModel],
    response: type[BaseModel],
    summary: str,
    *,
    body: type[BaseModel] | None = None,
    query: type[BaseModel] | None = None,
    status: int = 200,
    errors: tuple[int, ...] = (),
    needs_user: bool = True,
) -> Operation:
    base = WRITE if method in WRITE_METHODS else READ if needs_user else ()
    if query is not None:
        errors += (422,)
    return Operation(
        Route(method, path, operation_id, needs_user),
        run,
        response,
        summary,
        body,
        query,
        status,
        tuple(sorted(set(base + errors))),
    )


_GOAL_CHANGE = (404, 409)

OPERATIONS: dict[str, Operation] = {
    op.route.operation_id: op
    for op in (
        _op("GET", "/openapi.json", "openapi", _openapi, OpenApiOut,
            "This API's OpenAPI 3.1 document", needs_user=False),
        _op("GET", "/goals", "listGoals", goals.list_goals, GoalListOut,
            "My goals, oldest first, each with its progress", query=GoalsQuery),
        _op("POST", "/goals", "createGoal", goals.create_goal, GoalOut,
            "Write a goal of my own", body=CreateGoal, status=201, errors=(403,)),
        _op("GET", "/goals/menu", "goalMenu", goals.goal_menu, MenuOut,
            "The goals on offer (adopting one is my choice)"),
        _op("POST", "/goals/adopt", "adoptGoal", goals.adopt_goal, GoalOut,
            "Adopt a goal from the menu", body=AdoptGoal, status=201, errors=(403, 404)),
        _op("GET", "/goals/{goal_id}", "getGoal", goals.get_goal, GoalOut,
            "One of my goals with its progress", errors=(404,)),
        _op("PATCH", "/goals/{goal_id}", "editGoal", goals.edit_goal, GoalOut,
            "Change a goal's title, why, plan or visibility", body=EditGoal,
            errors=_GOAL_CHANGE),
        _op("POST", "/goals/{goal_id}/pause", "pauseGoal", goals.pause_goal, GoalOut,
            "Pause a goal: nothing counts until I resume it", body=Empty, errors=_GOAL_CHANGE),
        _op("POST", "/goals/{goal_id}/resume", "resumeGoal", goals.resume_goal, GoalOut,
            "Resume a paused goal", body=Empty, errors=_GOAL_CHANGE),
        _op("POST", "/goals/{goal_id}/renegotiate", "renegotiateGoal", goals.renegotiate_goal,
            GoalOut, "Change a goal's target or cadence; progress made is kept",
            body=RenegotiateGoal, errors=_GOAL_CHANGE),
        _op("POST", "/goals/{goal_id}/release", "releaseGoal", goals.release_goal, GoalOut,
            "Let a goal go: a neutral end, nothing failed", body=Empty, errors=_GOAL_CHANGE),
        _op("GET", "/goals/{goal_id}/explain", "explainGoal", goals.explain_goal,
            GoalExplanationOut, "Why a goal shows the progress it does", errors=(404,)),
        _op("GET", "/skills", "listSkills", skills.list_skills, SkillListOut,
            "My skill on every track"),
        _op("GET", "/skills/{track_id}", "getSkill", skills.get_skill, SkillOut,
            "My skill on one track", errors=(404,)),
        _op("GET", "/skills/{track_id}/explain", "explainSkill", skills.explain_skill,
            SkillExplanationOut, "The evidence behind my skill on a track", errors=(404,)),
        _op("GET", "/skills/{track_id}/challenges", "nextChallenges", skills.next_challenges,
            ChallengesOut, "Next challenges to choose from, in my band", query=ChallengesQuery,
            errors=(404,)),
        _op("PUT", "/skills/{track_id}/band", "setBand", skills.set_band, SkillOut,
            "Choose the band my next challenges aim for", body=SetBand, errors=(404,)),
        _op("GET", "/impact/feed", "impactFeed", impact.impact_feed, FeedPageOut,
            "A page of stories of whom my work helped, newest first", query=FeedQuery),
        _op("GET", "/impact/feed/{entry_id}/explain", "explainImpact", impact.explain_impact,
            ImpactExplanationOut, "Why a story is in my feed", errors=(404,)),
        _op("GET", "/impact/preferences", "getImpactPreferences",
            impact.get_impact_preferences, ImpactPreferencesOut,
            "My choices about impact stories"),
        _op("PUT", "/impact/preferences", "setImpactPreferences",
            impact.set_impact_preferences, ImpactPreferencesOut,
            "Choose whether stories name me, and whether I get a digest",
            body=SetImpactPreferences),
        _op("GET", "/missions", "listMissions", impact.list_missions, MissionListOut,
            "Every collective mission, each with my part"),
        _op("GET", "/missions/{mission_id}", "getMission", impact.get_mission, MissionOut,
            "One mission and my part in it", errors=(404,)),
        _op("GET", "/consent", "getConsent", impact.get_consent, ConsentOut,
            "Which mechanics are on for me"),
        _op("PUT", "/consent/{mechanic}", "setConsent", impact.set_consent, ConsentOut,
            "Switch a mechanic on or off for me", body=SetConsent, errors=(404,)),
    )
}  # fmt: skip

ROUTES: tuple[Route, ...] = tuple(op.route for op in OPERATIONS.values())
