"""``motivekit.api`` keeps people's data their own and turns bad requests into 4xx
problems that write nothing; the shipped OpenAPI document is current and valid."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openapi_spec_validator import validate

from motivekit import StoreUnavailable
from motivekit.api import Api, ApiRequest
from motivekit.api._api import shipped_document
from motivekit.api._openapi import build_document
from motivekit.api._routes import OPERATIONS
from motivekit.api.openapi_build import main as build_main
from tests._api_helpers import call, conforms, open_api, payload
from tests.conftest import FakeClock

GOAL = {"title": "Review", "measure": {"event": "review.submitted", "count": 2, "per": "week"}}
WRITES = [op for op in OPERATIONS.values() if op.body is not None]
_START = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


@pytest.fixture(params=["memory", "sqlite"])
def api(request: pytest.FixtureRequest, tmp_path: Path, clock: Any) -> Iterator[Api]:
    with open_api(request.param, tmp_path, clock) as opened:
        yield opened


def _snapshot(api: Api) -> tuple[int, Any, Any, Any]:
    kit = api.kit
    return (
        kit.journal.size(),
        [g.status for g in kit.goals.list("bob")],
        kit.consent.get("bob").choices,
        kit.impact.preferences("bob"),
    )


def test_nobody_acts_on_another_persons_goal(api: Api) -> None:
    goal = payload(call(api, "createGoal", user="bob", body=GOAL))
    before = _snapshot(api)
    path = {"goal_id": goal["id"]}
    attempts = [
        ("getGoal", None),
        ("explainGoal", None),
        ("pauseGoal", {}),
        ("resumeGoal", {}),
        ("releaseGoal", {}),
        ("editGoal", {"title": "mine now"}),
        ("renegotiateGoal", {"count": 9}),
    ]
    for operation_id, body in attempts:
        response = call(api, operation_id, "ada", body, **path)
        assert response.status == 404, operation_id
        assert (
            payload(response)["detail"]
            == f"you have no goal {goal['id']!r}; list yours with GET /goals"
        )
    assert goal["id"] not in [g["id"] for g in payload(call(api, "listGoals"))["goals"]]
    assert _snapshot(api) == before


def test_consent_and_choices_are_ones_own(api: Api) -> None:
    before = _snapshot(api)
    assert call(api, "setConsent", "ada", {"enabled": True}, mechanic="nudges").status == 200
    assert call(api, "setImpactPreferences", "ada", {"visibility": "anonymous"}).status == 200
    assert _snapshot(api)[1:] == before[1:]  # bob's consent and choices are as they were
    assert api.kit.consent.get("ada").allows("nudges")


def test_nobody_signed_in_is_401_everywhere_but_the_document(api: Api) -> None:
    before = _snapshot(api)
    for op in OPERATIONS.values():
        if not op.route.needs_user:
            continue
        params = {n[1:-1]: "x" for n in op.route.path.split("/") if n.startswith("{")}
        response = call(api, op.route.operation_id, None, {} if op.body else None, **params)
        assert response.status == 401, op.route.operation_id
    assert _snapshot(api) == before


@pytest.mark.parametrize(
    ("raw", "content_type", "status"),
    [
        (b'{"title": "x",', "application/json", 400),
        (b"\xff\xfe{}", "application/json", 400),
        (b'{"title": "a", "title": "b"}', "application/json", 400),
        (b'{"count": NaN}', "application/json", 400),
        (b'{"count": 1e999}', "application/json", 400),
        (b"[" * 5000 + b"]" * 5000, "application/json", 400),
        (json.dumps(GOAL).encode(), "text/plain", 415),
        (json.dumps(GOAL).encode(), None, 415),
        (json.dumps(GOAL).encode(), "application/json; charset=latin-1", 415),
        (json.dumps({**GOAL, "points": 10}).encode(), "application/json", 422),
        (json.dumps({**GOAL, "title": 5}).encode(), "application/json", 422),
        (b"[]", "application/json", 422),
        (json.dumps({**GOAL, "why": "x" * 70_000}).encode(), "application/json", 413),
    ],
)
def test_bad_bodies_are_problems_and_write_nothing(
    api: Api, raw: bytes, content_type: str | None, status: int
) -> None:
    before = _snapshot(api), api.kit.journal.size()
    response = call(api, "createGoal", "ada", raw=raw, content_type=content_type)
    assert response.status == status
    assert response.content_type == "application/problem+json"
    problem = payload(response)
    assert problem["status"] == status
    assert problem["type"] == "about:blank"
    assert problem["detail"]
    assert (_snapshot(api), api.kit.journal.size()) == before
    assert api.kit.goals.list("ada") == []


def test_validation_errors_point_at_each_field(api: Api) -> None:
    body = {"title": "", "measure": {"event": "x", "count": 0}, "colour": "red"}
    problem = payload(call(api, "createGoal", "ada", body))
    assert {e["pointer"]: e["detail"] for e in problem["errors"]} == {
        "#/title": "String should have at least 1 character",
        "#/measure/count": "Input should be greater than or equal to 1",
        "#/colour": "unknown field; remove it",
    }
    query = payload(call(api, "impactFeed", limit="many"))
    assert [e["parameter"] for e in query["errors"]] == ["limit"]


def test_meaning_errors_from_the_kit_are_422(api: Api) -> None:
    response = call(api, "createGoal", "ada", {**GOAL, "tz": "Mars/Olympus"})
    assert response.status == 422
    assert payload(response)["code"] == "InvalidGoal"
    assert "IANA time zone" in payload(response)["detail"]


def test_an_unknown_operation_a_store_outage_and_a_bug_are_problems(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    missing = api.handle(ApiRequest("dropTables", "ada"))
    assert missing.status == 404
    assert missing.content_type == "application/problem+json"

    def down(*args: object, **kwargs: object) -> None:
        raise StoreUnavailable("the database cannot be reached")

    monkeypatch.setattr(api.kit.goals, "list", down)
    response = call(api, "listGoals", "ada")
    assert response.status == 503
    assert response.headers == {"Retry-After": "5"}
    assert payload(response)["code"] == "StoreUnavailable"

    def bug(*args: object, **kwargs: object) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(api.kit.goals, "list", bug)
    response = api.handle(ApiRequest("listGoals", "ada"))  # never raises
    assert response.status == 500
    assert payload(response)["detail"] == "the server could not answer"


def test_the_shipped_document_is_what_the_code_generates_and_valid() -> None:
    document = shipped_document()
    assert document == build_document()
    assert build_main(["--check"]) == 0
    validate(document)
    ids = {op["operationId"] for path in document["paths"].values() for op in path.values()}
    assert ids == set(OPERATIONS)
    for op in WRITES:
        route = op.route
        spec = document["paths"][route.path][route.method.lower()]
        schema = spec["requestBody"]["content"]["application/json"]["schema"]
        assert (
            document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]][
                "additionalProperties"
            ]
            is False
        )


def test_the_document_ships_in_the_package() -> None:
    pyproject = (Path(__file__).resolve().parent.parent / "pyproject.toml").read_text()
    assert 'packages = ["motivekit"' in pyproject  # hatch ships every file of the package
    assert (Path(shipped_document.__code__.co_filename).parent / "openapi.json").is_file()


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=5)
    ),
    max_leaves=12,
)
FIELDS = st.sampled_from(
    ["title", "measure", "count", "per", "band", "target", "enabled", "visibility", "digest",
     "template_id", "why", "plan", "tz", "event", "when", "then"]
)  # fmt: skip
BODIES = JSON | st.dictionaries(FIELDS, JSON, max_size=5)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(op=st.sampled_from(WRITES), body=BODIES)
def test_no_body_makes_a_write_answer_500(op: Any, body: Any) -> None:
    with open_api("memory", Path("."), FakeClock(_START)) as api:
        goal = api.kit.goals.create("ada", "Review", GOAL["measure"])
        params = {
            "goal_id": goal.id,
            "track_id": "code-review",
            "mechanic": "goals",
        }
        names = [n[1:-1] for n in op.route.path.split("/") if n.startswith("{")]
        request = ApiRequest(
            op.route.operation_id,
            "ada",
            {n: params[n] for n in names},
            {},
            json.dumps(body).encode(),
            "application/json",
        )
        response = api.handle(request)
        assert response.status < 500, response.body
        conforms(op.route.operation_id, response)
