"""The goal operations: list, create, adopt, read, edit, pause, resume, renegotiate,
release, explain, and the menu.

A person acts on their own goals only: a goal id that is not theirs answers 404 exactly as
an unknown id does, so nobody learns whether another person's goal exists.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from motivekit import Goal, UnknownGoal
from motivekit.api._bodies import (
    AdoptGoal,
    CreateGoal,
    EditGoal,
    GoalsQuery,
    PlanIn,
    RenegotiateGoal,
)
from motivekit.api._call import Call
from motivekit.api._views import GoalExplanationOut, GoalListOut, GoalOut, MenuOut, TemplateOut

__all__ = [
    "adopt_goal",
    "create_goal",
    "edit_goal",
    "explain_goal",
    "get_goal",
    "goal_menu",
    "list_goals",
    "pause_goal",
    "release_goal",
    "renegotiate_goal",
    "resume_goal",
]


def _plan(plan: PlanIn | None) -> dict[str, str] | None:
    return None if plan is None else {"when": plan.when, "then": plan.then}


def own_goal(call: Call) -> Goal:
    """The goal in the path if it is the person's own, else :class:`UnknownGoal` (404)."""
    goal_id = call.path["goal_id"]
    try:
        goal = call.kit.goals.get(goal_id)
    except UnknownGoal:
        goal = None
    if goal is None or goal.owner != call.user:
        raise UnknownGoal(f"you have no goal {goal_id!r}; list yours with GET /goals")
    return goal


def list_goals(call: Call) -> BaseModel:
    status = call.query_as(GoalsQuery).status
    return GoalListOut(goals=[GoalOut.of(g) for g in call.kit.goals.list(call.user, status=status)])


def goal_menu(call: Call) -> BaseModel:
    goals = call.kit.goals
    return MenuOut(
        allow_custom=goals.allow_custom, templates=[TemplateOut.of(t) for t in goals.menu]
    )


def create_goal(call: Call) -> BaseModel:
    body = call.body_as(CreateGoal)
    measure: dict[str, Any] = {"event": body.measure.event, "count": body.measure.count}
    measure["per"] = body.measure.per
    if body.measure.where is not None:
        measure["where"] = body.measure.where
    goal = call.kit.goals.create(
        call.user,
        body.title,
        measure,
        why=body.why,
        plan=_plan(body.plan),
        visibility=body.visibility,
        tz=body.tz,
    )
    return GoalOut.of(goal)


def adopt_goal(call: Call) -> BaseModel:
    body = call.body_as(AdoptGoal)
    adjustments: dict[str, Any] = {}
    for field in ("count", "per", "title", "why", "visibility", "tz"):
        if call.given(field):
            value = getattr(body, field)
            if value is not None or field in ("per", "why"):  # null per: in total
                adjustments[field] = value
    if call.given("plan"):
        adjustments["plan"] = _plan(body.plan)
    return GoalOut.of(call.kit.goals.adopt(call.user, body.template_id, **adjustments))


def get_goal(call: Call) -> BaseModel:
    return GoalOut.of(own_goal(call))


def edit_goal(call: Call) -> BaseModel:
    goal = own_goal(call)
    body = call.body_as(EditGoal)
    changes: dict[str, Any] = {}
    for field in ("title", "why", "visibility"):
        if call.given(field):
            changes[field] = getattr(body, field)
    if call.given("plan"):
        changes["plan"] = _plan(body.plan)
    return GoalOut.of(call.kit.goals.edit(goal.id, by=call.user, **changes))


def pause_goal(call: Call) -> BaseModel:
    return GoalOut.of(call.kit.goals.pause(own_goal(call).id, by=call.user))


def resume_goal(call: Call) -> BaseModel:
    return GoalOut.of(call.kit.goals.resume(own_goal(call).id, by=call.user))


def release_goal(call: Call) -> BaseModel:
    return GoalOut.of(call.kit.goals.release(own_goal(call).id, by=call.user))


def renegotiate_goal(call: Call) -> BaseModel:
    goal = own_goal(call)
    body = call.body_as(RenegotiateGoal)
    changes: dict[str, Any] = {}
    if call.given("count"):
        changes["count"] = body.count
    if call.given("per"):
        changes["per"] = body.per
    return GoalOut.of(call.kit.goals.renegotiate(goal.id, by=call.user, **changes))


def explain_goal(call: Call) -> BaseModel:
    return GoalExplanationOut.of(call.kit.explain(call.user, own_goal(call).id))
