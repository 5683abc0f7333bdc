"""The JSON API blueprint through Flask's test client: nobody acts on another person's
data, bad bodies are 4xx problems that write nothing, and everything under the mount point
answers problem+json (never HTML, never 500)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from motivekit import GoalStatus
from motivekit_flask import current_api, current_kit
from tests._flask_apps import PREFIX, as_user, make_app

GOAL = {"event": "review.submitted", "count": 3, "per": "week"}
PROBLEM = "application/problem+json"


@pytest.fixture
def app(tmp_path: Path) -> Flask:
    return make_app(tmp_path)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def journal_size(app: Flask) -> int:
    with app.app_context():
        return current_kit.journal.size()


def problem(response: Any, status: int) -> dict[str, Any]:
    """The response's RFC 9457 body, checked to be one with ``status``."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == PROBLEM
    body: dict[str, Any] = json.loads(response.get_data())
    assert body["status"] == status
    assert isinstance(body["title"], str)
    assert body["title"]
    assert isinstance(body["detail"], str)
    return body


def bobs_goal(app: Flask) -> str:
    with app.app_context():
        return current_kit.goals.create("bob", "Bob's private goal", GOAL).id


def test_a_person_creates_lists_and_pauses_their_own_goal(client: FlaskClient) -> None:
    made = client.post(
        f"{PREFIX}/goals",
        json={"title": "Review pull requests", "measure": GOAL, "why": "I learn the code"},
        headers=as_user("ada"),
    )
    assert made.status_code == 201, made.get_data(as_text=True)
    goal_id = made.json["id"]  # type: ignore[index]
    listed = client.get(f"{PREFIX}/goals", headers=as_user("ada"))
    assert [g["id"] for g in listed.json["goals"]] == [goal_id]  # type: ignore[index]
    paused = client.post(f"{PREFIX}/goals/{goal_id}/pause", json={}, headers=as_user("ada"))
    assert paused.status_code == 200, paused.get_data(as_text=True)
    assert paused.json["status"] == "paused"  # type: ignore[index]


def test_user_a_cannot_pause_or_read_user_bs_goal_and_nothing_changes(
    app: Flask, client: FlaskClient
) -> None:
    goal_id = bobs_goal(app)
    before = journal_size(app)
    for method, path, body in [
        ("GET", f"/goals/{goal_id}", None),
        ("GET", f"/goals/{goal_id}/explain", None),
        ("POST", f"/goals/{goal_id}/pause", {}),
        ("POST", f"/goals/{goal_id}/release", {}),
        ("POST", f"/goals/{goal_id}/renegotiate", {"count": 1}),
        ("PATCH", f"/goals/{goal_id}", {"title": "Mine now"}),
    ]:
        answer = client.open(PREFIX + path, method=method, json=body, headers=as_user("ada"))
        assert answer.status_code in (403, 404), (method, path, answer.status_code)
        found = problem(answer, answer.status_code)
        assert "Bob's private goal" not in json.dumps(found)
    assert journal_size(app) == before
    with app.app_context():
        assert current_kit.goals.get(goal_id).status is GoalStatus.ACTIVE
    assert goal_id not in client.get(f"{PREFIX}/goals", headers=as_user("ada")).get_data(
        as_text=True
    )


def test_setting_consent_changes_the_callers_own_and_never_bobs(
    app: Flask, client: FlaskClient
) -> None:
    answer = client.put(f"{PREFIX}/consent/impact", json={"enabled": False}, headers=as_user("ada"))
    assert answer.status_code == 200, answer.get_data(as_text=True)
    before = journal_size(app)
    sneaky = client.put(
        f"{PREFIX}/consent/goals",
        json={"enabled": False, "user": "bob"},
        headers=as_user("ada"),
    )
    problem(sneaky, 422)  # there is no field naming whose consent
    assert journal_size(app) == before
    with app.app_context():
        assert not current_kit.consent.get("ada").allows("impact")
        assert current_kit.consent.get("bob").allows("impact")
        assert current_kit.consent.get("bob").allows("goals")


def test_anonymous_requests_get_401_problems(client: FlaskClient) -> None:
    for path in ("/goals", "/skills", "/impact/feed", "/missions", "/consent"):
        problem(client.get(PREFIX + path), 401)
    problem(client.post(f"{PREFIX}/goals", json={"title": "x", "measure": GOAL}), 401)


@pytest.mark.parametrize(
    ("data", "content_type", "status"),
    [
        (b'{"title": "Review", "measure": ', "application/json", 400),
        (b"\xff\xfe not utf-8", "application/json", 400),
        (b"[1, 2]", "application/json", 422),
        (b'{"title": "Review", "measure": {"event": "x", "count": 1}}', "text/plain", 415),
        (b'{"title": "Review", "measure": {"event": "x", "count": 1}}', None, 415),
        (
            b'{"title": "Review", "measure": {"event": "x", "count": 1}, "points": 5}',
            "application/json",
            422,
        ),
        (b'{"title": 5, "measure": {"event": "x", "count": 1}}', "application/json", 422),
        (b'{"title": "' + b"x" * (70 * 1024) + b'"}', "application/json", 413),
    ],
    ids=[
        "malformed",
        "not-utf8",
        "not-object",
        "text-plain",
        "no-type",
        "unknown-field",
        "wrong-type",
        "huge",
    ],
)
def test_bad_bodies_are_4xx_problems_that_write_nothing(
    app: Flask, client: FlaskClient, data: bytes, content_type: str | None, status: int
) -> None:
    before = journal_size(app)
    headers = as_user("ada")
    if content_type is not None:
        headers["Content-Type"] = content_type
    problem(client.post(f"{PREFIX}/goals", data=data, headers=headers), status)
    assert journal_size(app) == before
    with app.app_context():
        assert current_kit.goals.list("ada") == []


def test_a_body_over_max_content_length_is_werkzeugs_413_as_a_problem(tmp_path: Path) -> None:
    app = make_app(tmp_path, MAX_CONTENT_LENGTH=1024)
    client = app.test_client()
    body = {"title": "x" * 2000, "measure": GOAL}
    problem(client.post(f"{PREFIX}/goals", json=body, headers=as_user("ada")), 413)
    assert journal_size(app) == 0


def test_unknown_paths_and_methods_under_the_mount_are_problems_not_pages(
    app: Flask, client: FlaskClient
) -> None:
    @app.errorhandler(404)
    def html_404(error: Exception) -> tuple[str, int]:
        return "<h1>host page</h1>", 404

    @app.errorhandler(405)
    def html_405(error: Exception) -> tuple[str, int]:
        return "<h1>host page</h1>", 405

    problem(client.get(f"{PREFIX}/no/such/thing", headers=as_user("ada")), 404)
    problem(client.get(f"{PREFIX}", headers=as_user("ada")), 404)
    not_allowed = client.delete(f"{PREFIX}/goals", headers=as_user("ada"))
    problem(not_allowed, 405)
    assert {"GET", "POST"} <= set(not_allowed.headers["Allow"].split(", "))
    outside = client.get("/elsewhere")
    assert outside.status_code == 404
    assert outside.get_data(as_text=True) == "<h1>host page</h1>"  # the host's own, untouched


def test_a_host_error_handler_for_all_http_errors_does_not_turn_the_api_into_html(
    app: Flask, client: FlaskClient
) -> None:
    from werkzeug.exceptions import HTTPException

    @app.errorhandler(HTTPException)
    def html(error: HTTPException) -> tuple[str, int]:
        return "<h1>host page</h1>", error.code or 500

    problem(client.put(f"{PREFIX}/goals/menu", headers=as_user("ada")), 405)


def test_openapi_json_names_the_mount_point_as_its_server(tmp_path: Path) -> None:
    for prefix in (PREFIX, "/api/v1/motivation"):
        app = make_app(tmp_path / prefix.strip("/").replace("/", "-"), blueprint=False)
        from motivekit_flask import api

        app.register_blueprint(api, url_prefix=prefix)
        answer = app.test_client().get(f"{prefix}/openapi.json")
        assert answer.status_code == 200
        assert answer.mimetype == "application/json"
        document = answer.json
        assert document is not None
        assert document["servers"] == [{"url": prefix}]
        assert document["openapi"].startswith("3.1")


def test_every_route_of_the_core_api_is_registered(app: Flask) -> None:
    with app.app_context():
        routes = current_api.routes
    rules = {
        (rule.rule, method)
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("motivekit_api.")
        for method in rule.methods or ()
    }
    for route in routes:
        path = PREFIX + route.path.replace("{", "<").replace("}", ">")
        assert (path, route.method) in rules, route


def test_the_store_being_away_is_a_503_problem(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from motivekit import StoreUnavailable
    from motivekit_flask._extension import State

    app = make_app(tmp_path)

    def away(self: State) -> Any:
        raise StoreUnavailable("the database cannot be reached; nothing was written")

    monkeypatch.setattr(State, "_open", away)
    answer = app.test_client().get(f"{PREFIX}/goals", headers=as_user("ada"))
    problem(answer, 503)
    assert answer.headers["Retry-After"] == "5"


def test_each_operation_is_an_endpoint_for_url_for(app: Flask) -> None:
    from flask import url_for

    with app.test_request_context():
        assert url_for("motivekit_api.listGoals") == f"{PREFIX}/goals"
        assert url_for("motivekit_api.pauseGoal", goal_id="g-1") == f"{PREFIX}/goals/g-1/pause"
