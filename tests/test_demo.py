"""The demo forum through Flask's test client: seeded pages, the helpful mark's two events,
mission membership, the audit page, and a restart that seeds nothing twice."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from examples.flask_demo.app import KEY_FILE, create_app
from motivekit_flask import current_kit

DEMO = Path(__file__).parents[1] / "examples" / "flask_demo"


@pytest.fixture
def app(tmp_path: Path) -> Flask:
    return create_app(str(tmp_path), WTF_CSRF_ENABLED=False)


def signed_in(app: Flask, who: str) -> FlaskClient:
    c = app.test_client()
    assert c.post("/signin", data={"person": who}).status_code == 303
    return c


def text(html: str) -> str:
    html = re.sub(r"(?s)<style.*?</style>", " ", html)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_design_file_checks_and_lints_clean() -> None:
    cli = [sys.executable, "-m", "motivekit", "rules"]
    for command in ("check", "lint"):
        run = subprocess.run([*cli, command, str(DEMO / "motivation.yaml")], capture_output=True)
        assert run.returncode == 0, run.stdout + run.stderr


def test_no_page_starts_empty(app: Flask) -> None:
    ada = signed_in(app, "ada")
    assert "pip install fails" in ada.get("/").text
    assert "found your answer helpful" in ada.get("/me/impact").text
    assert "Practising" in ada.get("/me/skills").text
    assert "Answer questions (active)" in text(ada.get("/me/goals").text)
    assert "My part:" in ada.get("/me/missions").text
    assert "It covers the first" in ada.get("/audit").text


def test_a_restart_seeds_nothing_twice(tmp_path: Path) -> None:
    first = create_app(str(tmp_path))
    with first.app_context():
        size = first.extensions["motivekit"].kit.audit.head()[0]
        key = (tmp_path / KEY_FILE).read_text()
    first.extensions["motivekit"].close()
    again = create_app(str(tmp_path))
    with again.app_context():
        assert again.extensions["motivekit"].kit.audit.head()[0] == size
    assert (tmp_path / KEY_FILE).read_text() == key  # the key is made once, then kept
    assert len(again.extensions["forum"].questions()) == 4


def test_marking_an_answer_helpful_tells_its_story_and_grows_the_skill(app: Flask) -> None:
    bruno = signed_in(app, "bruno")
    assert "No stories yet" in bruno.get("/me/impact").text
    r = bruno.post("/questions/q-release/answers", data={"body": "See the upgrade guide."})
    assert r.status_code == 303
    aid = app.extensions["forum"].answers("q-release")[0]["id"]
    chidi = signed_in(app, "chidi")
    assert chidi.post(f"/answers/{aid}/helpful").status_code == 303
    assert chidi.post(f"/answers/{aid}/helpful").status_code == 303  # twice: once counted
    page = text(bruno.get("/me/impact").text)
    assert page.count("Chidi found your answer helpful") == 2  # the story, and the link's name
    assert "1 piece" in text(bruno.get("/me/skills").text)


def test_nobody_marks_their_own_answer_helpful(app: Flask) -> None:
    ada = signed_in(app, "ada")
    assert ada.post("/answers/a-install/helpful").status_code == 403
    assert ada.post("/answers/no-such/helpful").status_code == 404


def test_only_members_answers_count_towards_the_mission(app: Flask) -> None:
    bruno = signed_in(app, "bruno")
    bruno.post("/questions/q-config/answers", data={"body": "In pyproject.toml."})
    page = text(bruno.get("/me/missions").text)
    assert "6 of 40" in page
    assert "You have not taken part yet." in page
    assert bruno.post("/missions/release-faq/join").status_code == 303
    assert "You are part of this mission." in bruno.get("/missions").text
    bruno.post("/questions/q-release/answers", data={"body": "See the upgrade guide."})
    assert "One of the 7 contributions was yours" in text(bruno.get("/me/missions").text)
    assert bruno.post("/missions/nope/join").status_code == 404


def test_the_audit_page_verifies_the_log_with_the_public_key(app: Flask) -> None:
    c = signed_in(app, "ada")
    c.post("/questions/q-release/answers", data={"body": "See the upgrade guide."})
    page = text(c.get("/audit").text)
    assert "demo.motivekit.local+" in page  # the verifier key
    assert c.post("/audit/checkpoint").status_code == 303
    verified = text(c.post("/audit/verify").text)
    assert re.search(r"Verified: \d+ entries and 2 signed checkpoints", verified), verified


def test_empty_question_or_answer_is_a_422_with_the_message(app: Flask) -> None:
    ada = signed_in(app, "ada")
    r = ada.post("/questions", data={"title": "", "body": ""})
    assert r.status_code == 422
    assert "Give your question a title" in r.text
    r = ada.post("/questions/q-release/answers", data={"body": " "})
    assert r.status_code == 422
    assert app.extensions["forum"].answers("q-release") == []


def test_signed_out_people_are_asked_to_sign_in(app: Flask) -> None:
    c = app.test_client()
    assert c.get("/me/goals").status_code == 401
    assert c.post("/questions", data={"title": "t", "body": "b"}).status_code == 401
    assert c.post("/signin", data={"person": "mallory"}).status_code == 400


def test_the_json_api_serves_the_signed_in_person(app: Flask) -> None:
    ada = signed_in(app, "ada")
    assert ada.get("/motivekit/api/openapi.json").json["openapi"].startswith("3.1")
    goals = {g["id"] for g in ada.get("/motivekit/api/goals").json["goals"]}
    with app.app_context():
        assert goals
        assert goals == {g.id for g in current_kit.goals.list("ada")}
    assert app.test_client().get("/motivekit/api/goals").status_code == 401
    stories = [e["story"] for e in ada.get("/motivekit/api/impact/feed").json["entries"]]
    assert stories
    assert all(s.split()[0] in {"Ada", "Bruno", "Chidi", "Someone"} for s in stories)
