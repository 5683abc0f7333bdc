"""Every operation of ``motivekit.api`` on its happy path, on the memory store and SQLite;
every answer is checked against the shipped OpenAPI document (tests/_api_helpers.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from motivekit.api import Api, ApiProblem
from tests._api_helpers import call, open_api, payload


@pytest.fixture(params=["memory", "sqlite"])
def api(request: pytest.FixtureRequest, tmp_path: Path, clock: Any) -> Iterator[Api]:
    with open_api(request.param, tmp_path, clock) as opened:
        yield opened


def test_routes_list_every_operation_once(api: Api) -> None:
    ids = [r.operation_id for r in api.routes]
    assert len(ids) == len(set(ids)) == 25
    assert {(r.method, r.path) for r in api.routes} >= {
        ("POST", "/goals/{goal_id}/pause"),
        ("PUT", "/consent/{mechanic}"),
        ("GET", "/impact/feed"),
    }
    assert [r.operation_id for r in api.routes if not r.needs_user] == ["openapi"]


def test_goal_life_cycle(api: Api) -> None:
    made = call(api, "createGoal", body={
        "title": "Review pull requests",
        "measure": {"event": "review.submitted", "count": 2, "per": "week"},
        "why": "I learn from others' code",
        "plan": {"when": "I open my laptop on Monday", "then": "I review one pull request"},
    })  # fmt: skip
    assert made.status == 201
    goal = payload(made)
    assert goal["status"] == "active"
    assert goal["progress"]["target"] == 2
    assert goal["created_at"].endswith("Z")
    gid = goal["id"]
    assert payload(call(api, "getGoal", goal_id=gid))["title"] == "Review pull requests"
    assert [g["id"] for g in payload(call(api, "listGoals"))["goals"]] == [gid]
    assert payload(call(api, "pauseGoal", body={}, goal_id=gid))["status"] == "paused"
    assert [g["id"] for g in payload(call(api, "listGoals", status="paused"))["goals"]] == [gid]
    assert payload(call(api, "listGoals", status="active"))["goals"] == []
    assert payload(call(api, "resumeGoal", body={}, goal_id=gid))["status"] == "active"
    edited = payload(call(api, "editGoal", body={"title": "Review", "why": None}, goal_id=gid))
    assert (edited["title"], edited["why"], edited["plan"]["then"]) == (
        "Review",
        None,
        "I review one pull request",
    )
    # 5.0 is the integer 5 to JSON Schema, so to the API too
    raw = b'{"count": 5.0, "per": null}'
    changed = payload(call(api, "renegotiateGoal", raw=raw, goal_id=gid))
    assert changed["measure"]["count"] == 5
    assert changed["measure"]["per"] is None
    why = payload(call(api, "explainGoal", goal_id=gid))
    assert why["steps"][0]["kind"] == "created"
    assert why["lines"]
    assert payload(call(api, "releaseGoal", body={}, goal_id=gid))["status"] == "released"
    again = call(api, "resumeGoal", body={}, goal_id=gid)
    assert again.status == 409
    assert payload(again)["code"] == "InvalidTransition"


def test_menu_and_adopting(api: Api) -> None:
    menu = payload(call(api, "goalMenu"))
    assert menu["allow_custom"] is True
    assert [t["id"] for t in menu["templates"]] == ["weekly-reviews"]
    adopted = call(api, "adoptGoal", body={"template_id": "weekly-reviews", "count": 1})
    assert adopted.status == 201
    goal = payload(adopted)
    assert (goal["template_id"], goal["measure"]["count"]) == ("weekly-reviews", 1)
    unknown = call(api, "adoptGoal", body={"template_id": "nope"})
    assert unknown.status == 404
    assert payload(unknown)["code"] == "UnknownTemplate"


def test_skills_explain_challenges_and_band(api: Api) -> None:
    (skill,) = payload(call(api, "listSkills"))["skills"]
    assert skill["track"] == "code-review"
    assert skill["evidence"] == 3
    assert payload(call(api, "getSkill", track_id="code-review"))["summary"]
    why = payload(call(api, "explainSkill", track_id="code-review"))
    assert len([s for s in why["steps"] if s["counted"]]) == 3
    picked = payload(
        call(api, "nextChallenges", track_id="code-review", candidates="a:1,b:3,c:5", k="2")
    )
    assert len(picked["challenges"]) == 2
    assert picked["band"] == [0.7, 0.85]
    band = payload(call(api, "setBand", body={"band": [0.6, 0.8]}, track_id="code-review"))
    assert band["band"] == [0.6, 0.8]
    assert band["own_band"] is True
    back = payload(call(api, "setBand", body={"band": None}, track_id="code-review"))
    assert back["own_band"] is False
    assert call(api, "getSkill", track_id="nope").status == 404
    bad = call(api, "nextChallenges", track_id="code-review", candidates="a:x,b")
    assert bad.status == 422


def test_impact_feed_explain_and_preferences(api: Api) -> None:
    page = payload(call(api, "impactFeed", limit="1"))
    (entry,) = page["entries"]
    assert entry["story"] == "bob found your answer helpful"
    assert page["next_cursor"] is None
    why = payload(call(api, "explainImpact", entry_id=entry["id"]))
    assert why["items"][0]["event_id"] == "h1"
    assert payload(call(api, "impactFeed", user="bob"))["entries"] == []
    assert call(api, "explainImpact", user="bob", entry_id=entry["id"]).status == 404
    assert payload(call(api, "getImpactPreferences")) == {"visibility": "named", "digest": None}
    chosen = call(api, "setImpactPreferences", body={"visibility": "anonymous", "digest": "week"})
    assert payload(chosen) == {"visibility": "anonymous", "digest": "week"}
    kit = api.kit
    names = [e.name for e in kit.journal.tail(2)]
    assert names == ["impact.visibility", "impact.digest"]
    cleared = payload(call(api, "setImpactPreferences", body={"digest": None}))
    assert cleared == {"visibility": "anonymous", "digest": None}
    assert call(api, "setImpactPreferences", body={}).status == 422
    assert call(api, "impactFeed", cursor="nope").status == 422


def test_missions_show_my_part_only(api: Api) -> None:
    (mission,) = payload(call(api, "listMissions"))["missions"]
    assert (mission["id"], mission["total"], mission["part"]) == ("handbook", 1, 1)
    assert payload(call(api, "getMission", user="bob", mission_id="handbook"))["part"] == 0
    assert call(api, "getMission", mission_id="nope").status == 404


def test_consent(api: Api) -> None:
    mechanics = {m["mechanic"]: m for m in payload(call(api, "getConsent"))["mechanics"]}
    assert mechanics["nudges"] == {
        "mechanic": "nudges",
        "enabled": False,
        "choice": None,
        "default": False,
    }
    off = payload(call(api, "setConsent", body={"enabled": False}, mechanic="goals"))
    assert {m["mechanic"]: m["enabled"] for m in off["mechanics"]}["goals"] is False
    refused = call(api, "createGoal", body={"title": "t", "measure": {"event": "x", "count": 1}})
    assert refused.status == 403
    assert payload(refused)["code"] == "ConsentRequired"
    assert call(api, "setConsent", body={"enabled": True}, mechanic="points").status == 404


def test_openapi_is_served_without_a_person(api: Api) -> None:
    document = payload(call(api, "openapi", user=None))
    assert document["openapi"] == "3.1.0"
    assert document["servers"] == [{"url": "."}]
    assert api.openapi("/motivekit/api")["servers"] == [{"url": "/motivekit/api"}]


def test_invoke_returns_json_and_raises_problems(api: Api) -> None:
    goal = api.invoke(
        "createGoal", "ada", body={"title": "Write", "measure": {"event": "x", "count": 1}}
    )
    assert api.invoke("getGoal", "ada", path_params={"goal_id": goal["id"]}) == goal
    with pytest.raises(ApiProblem) as caught:
        api.invoke("pauseGoal", "bob", path_params={"goal_id": goal["id"]}, body={})
    assert caught.value.status == 404
    assert caught.value.to_json()["title"] == "Not Found"
    with pytest.raises(ApiProblem) as caught:
        api.invoke("createGoal", "ada", body={"title": "Write", "measure": {"count": "1"}})
    problem = caught.value.to_json()
    assert problem["status"] == 422
    assert {e["pointer"] for e in problem["errors"]} == {"#/measure/event", "#/measure/count"}
    with pytest.raises(ApiProblem) as caught:
        api.invoke("listGoals", None)
    assert caught.value.status == 401


def test_stories_name_people_as_the_host_does(api: Api) -> None:
    named = Api(api.kit, names=lambda user: user.title())
    (entry,) = payload(call(named, "impactFeed"))["entries"]
    assert entry["story"] == "Bob found your answer helpful"
    why = payload(call(named, "explainImpact", entry_id=entry["id"]))
    assert why["lines"][0].startswith("Bob found your answer helpful")
    call(named, "setImpactPreferences", user="bob", body={"visibility": "anonymous"})
    (entry,) = payload(call(named, "impactFeed"))["entries"]
    assert entry["story"] == "Someone found your answer helpful"  # bob's choice wins
    with pytest.raises(TypeError, match="names must be a callable"):
        Api(api.kit, names="Bob")  # type: ignore[arg-type]
