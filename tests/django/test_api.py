"""The JSON API as Django views: nobody acts on another person's data, bad bodies are 4xx
problems that write nothing, and everything under the mount answers problem+json (never
HTML, never 500); the same routes and document as the Flask blueprint."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from motivekit import GoalStatus, StoreUnavailable
from motivekit.api import ROUTES
from motivekit.api._api import shipped_document
from motivekit_django import close_kit, get_kit
from tests.django._api import GOAL, PREFIX, csrf_token, person, problem, signed_in
from tests.django._design import RULES

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _design() -> Any:
    with override_settings(MOTIVEKIT={"RULES": RULES}):
        yield
    close_kit()


@pytest.fixture
def ada() -> tuple[Any, str]:
    return person("ada")


@pytest.fixture
def client(ada: tuple[Any, str]) -> Client:
    return signed_in(ada[0])


def test_a_person_creates_lists_and_pauses_their_own_goal(
    client: Client, ada: tuple[Any, str]
) -> None:
    made = client.post(
        f"{PREFIX}/goals",
        {"title": "Review pull requests", "measure": GOAL, "why": "I learn the code"},
        content_type="application/json",
    )
    assert made.status_code == 201, made.content
    goal_id = made.json()["id"]
    assert get_kit().goals.get(goal_id).owner == ada[1]  # the custom user's UUID
    listed = client.get(f"{PREFIX}/goals")
    assert [g["id"] for g in listed.json()["goals"]] == [goal_id]
    paused = client.post(f"{PREFIX}/goals/{goal_id}/pause", {}, content_type="application/json")
    assert paused.status_code == 200, paused.content
    assert paused.json()["status"] == "paused"


def test_user_a_cannot_pause_or_read_user_bs_goal_and_nothing_changes(client: Client) -> None:
    _, bob = person("bob")
    goal_id = get_kit().goals.create(bob, "Bob's private goal", GOAL).id
    before = get_kit().journal.size()
    for method, path, body in [
        ("get", f"/goals/{goal_id}", None),
        ("get", f"/goals/{goal_id}/explain", None),
        ("post", f"/goals/{goal_id}/pause", {}),
        ("post", f"/goals/{goal_id}/release", {}),
        ("post", f"/goals/{goal_id}/renegotiate", {"count": 1}),
        ("patch", f"/goals/{goal_id}", {"title": "Mine now"}),
    ]:
        send = getattr(client, method)
        answer = (
            send(PREFIX + path)
            if body is None
            else send(PREFIX + path, json.dumps(body), content_type="application/json")
        )
        assert answer.status_code in (403, 404), (method, path, answer.status_code)
        found = problem(answer, answer.status_code)
        assert "Bob's private goal" not in json.dumps(found)
    assert get_kit().journal.size() == before
    assert get_kit().goals.get(goal_id).status is GoalStatus.ACTIVE
    assert goal_id not in client.get(f"{PREFIX}/goals").content.decode()


def test_setting_consent_changes_the_callers_own_and_never_bobs(
    client: Client, ada: tuple[Any, str]
) -> None:
    _, bob = person("bob")
    answer = client.put(
        f"{PREFIX}/consent/impact", {"enabled": False}, content_type="application/json"
    )
    assert answer.status_code == 200, answer.content
    before = get_kit().journal.size()
    sneaky = client.put(
        f"{PREFIX}/consent/goals", {"enabled": False, "user": bob}, content_type="application/json"
    )
    problem(sneaky, 422)  # there is no field naming whose consent
    assert get_kit().journal.size() == before
    assert not get_kit().consent.get(ada[1]).allows("impact")
    assert get_kit().consent.get(bob).allows("impact")


def test_anonymous_requests_get_401_problems() -> None:
    client = Client()
    for path in ("/goals", "/skills", "/impact/feed", "/missions", "/consent"):
        problem(client.get(PREFIX + path), 401)
    problem(
        client.post(
            f"{PREFIX}/goals", {"title": "x", "measure": GOAL}, content_type="application/json"
        ),
        401,
    )


@pytest.mark.parametrize(
    ("data", "content_type", "status"),
    [
        (b'{"title": "Review", "measure": ', "application/json", 400),
        (b"\xff\xfe not utf-8", "application/json", 400),
        (b"[1, 2]", "application/json", 422),
        (b'{"title": "Review", "measure": {"event": "x", "count": 1}}', "text/plain", 415),
        (b'{"title": "Review", "measure": {"event": "x", "count": 1}}', "", 415),
        (
            b'{"title": "Review", "measure": {"event": "x", "count": 1}, "points": 5}',
            "application/json",
            422,
        ),
        (b'{"title": 5, "measure": {"event": "x", "count": 1}}', "application/json", 422),
        (b'{"title": "' + b"x" * (70 * 1024) + b'"}', "application/json", 413),
        (b"title=Review&measure=x", "application/x-www-form-urlencoded", 415),
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
        "a-form",
    ],
)
def test_bad_bodies_are_4xx_problems_that_write_nothing(
    client: Client, ada: tuple[Any, str], data: bytes, content_type: str, status: int
) -> None:
    before = get_kit().journal.size()
    problem(client.generic("POST", f"{PREFIX}/goals", data, content_type), status)
    assert get_kit().journal.size() == before
    assert get_kit().goals.list(ada[1]) == []


def test_a_body_over_data_upload_max_memory_size_is_a_413_problem(
    client: Client, ada: tuple[Any, str]
) -> None:
    body = json.dumps({"title": "x" * 2000, "measure": GOAL})
    with override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1024):
        found = problem(client.post(f"{PREFIX}/goals", body, content_type="application/json"), 413)
    assert found["detail"] == "the body is more than 1024 bytes; the limit is 1024"
    assert get_kit().goals.list(ada[1]) == []


def test_a_huge_form_body_is_a_413_problem_not_djangos_400_page(ada: tuple[Any, str]) -> None:
    client = signed_in(ada[0], csrf=True)  # the CSRF check reads a form's fields
    csrf_token(client)
    body = "title=" + "x" * 3_000_000
    found = problem(
        client.generic("POST", f"{PREFIX}/goals", body, "application/x-www-form-urlencoded"), 413
    )
    assert found["detail"] == "Request body exceeded settings.DATA_UPLOAD_MAX_MEMORY_SIZE."


def test_unknown_paths_and_methods_under_the_mount_are_problems_not_pages(client: Client) -> None:
    problem(client.get(f"{PREFIX}/no/such/thing"), 404)
    problem(client.get(f"{PREFIX}/"), 404)
    problem(client.get(f"{PREFIX}/goals/"), 404)
    not_allowed = client.delete(f"{PREFIX}/goals")
    problem(not_allowed, 405)
    assert not_allowed["Allow"] == "GET, POST"
    put_menu = client.put(f"{PREFIX}/goals/menu")
    problem(put_menu, 405)
    assert put_menu["Allow"] == "GET, PATCH"  # goals/menu is also goals/{goal_id}
    outside = client.get("/elsewhere")
    assert outside.status_code == 404
    assert outside["Content-Type"].startswith("text/html")  # the project's own, untouched


def test_a_static_path_that_is_also_a_goal_id_reads_as_the_document_does(client: Client) -> None:
    assert client.get(f"{PREFIX}/goals/menu").status_code == 200  # goalMenu
    found = problem(client.get(f"{PREFIX}/goals/adopt"), 404)  # getGoal of goal 'adopt'
    assert "adopt" in found["detail"]


def test_options_answers_the_allowed_methods(client: Client) -> None:
    answer = client.options(f"{PREFIX}/goals")
    assert (answer.status_code, answer["Allow"]) == (200, "GET, POST")


def test_openapi_json_is_the_shipped_document_with_the_mount_as_its_server() -> None:
    answer = Client().get(f"{PREFIX}/openapi.json")
    assert answer.status_code == 200
    assert answer["Content-Type"] == "application/json"
    document = answer.json()
    assert document["servers"] == [{"url": PREFIX}]
    assert {k: v for k, v in document.items() if k != "servers"} == {
        k: v for k, v in shipped_document().items() if k != "servers"
    }


def test_every_route_of_the_core_api_has_a_url_name() -> None:
    for route in ROUTES:
        names = {p.strip("{}"): "x-1" for p in route.path.split("/") if p.startswith("{")}
        expected = route.path
        for name in names:
            expected = expected.replace("{" + name + "}", "x-1")
        assert reverse(f"motivekit_api:{route.operation_id}", kwargs=names) == PREFIX + expected
    assert reverse("motivekit_api:pauseGoal", args=["g-1"]) == f"{PREFIX}/goals/g-1/pause"


def test_the_store_being_away_is_a_503_problem(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    from motivekit_django.api import views

    def away() -> Any:
        raise StoreUnavailable("the database cannot be reached; nothing was written")

    monkeypatch.setattr(views, "get_api", away)
    answer = client.get(f"{PREFIX}/goals")
    problem(answer, 503)
    assert answer["Retry-After"] == "5"


def test_bad_settings_are_a_503_problem_and_the_log_says_why(
    client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    with override_settings(MOTIVEKIT={"TENANT": "Acme Corp"}):
        found = problem(client.get(f"{PREFIX}/goals"), 503)
    assert "not configured correctly" in found["detail"]
    assert "Acme Corp" not in found["detail"]  # the log has it, the client does not
    assert 'MOTIVEKIT["TENANT"]' in caplog.text


def test_a_multipart_body_the_csrf_check_cannot_parse_is_a_415_problem(
    ada: tuple[Any, str],
) -> None:
    client = signed_in(ada[0], csrf=True)  # found by Schemathesis: a 500 before
    csrf_token(client)
    found = problem(client.generic("POST", f"{PREFIX}/goals", b"x", "multipart/form-data"), 415)
    assert found["detail"].startswith("send the body as application/json (UTF-8), not a form")


@pytest.mark.django_db(databases=["default", "postgres"])
def test_the_api_writes_to_the_configured_alias_as_the_user_id_hook_names_people(
    client: Client,
) -> None:
    motivekit = {
        "RULES": RULES,
        "DATABASE": "postgres",
        "USER_ID": "tests.django.hooks.by_username",
    }
    with override_settings(MOTIVEKIT=motivekit):
        made = client.post(
            f"{PREFIX}/goals/adopt",
            {"template_id": "weekly-reviews"},
            content_type="application/json",
        )
        assert made.status_code == 201, made.content
        kit = get_kit()
        assert kit.store.url == "django://postgres"
        (goal,) = kit.goals.list("u-ada")
        assert goal.id == made.json()["id"]
    assert get_kit().goals.list("u-ada") == []  # nothing in the default database


def test_a_repeated_query_parameter_counts_once_as_in_flask(client: Client) -> None:
    answer = client.get(f"{PREFIX}/goals?status=paused&status=nonsense")
    assert answer.status_code == 200, answer.content  # the first value: a valid status
    assert answer.json()["goals"] == []


@pytest.mark.urls("tests.django.urls_html_errors")
def test_the_projects_html_error_pages_stay_outside_the_mount(client: Client) -> None:
    mount = "/api/v1/motivation"
    problem(client.get(f"{mount}/no/such/thing"), 404)
    problem(client.delete(f"{mount}/goals"), 405)
    assert client.get(f"{mount}/openapi.json").json()["servers"] == [{"url": mount}]
    assert reverse("motivekit_api:listGoals") == f"{mount}/goals"
    outside = client.get("/elsewhere")
    assert (outside.status_code, outside.content) == (404, b"<h1>host page</h1>")
