"""The drop-in pages through Flask's test client, on a bare host app (no demo)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask, session
from flask.testing import FlaskClient
from flask_wtf import CSRFProtect

from motivekit_flask import Motivekit
from motivekit_flask.pages import pages

RULES = Path(__file__).parents[1] / "examples" / "flask_demo" / "motivation.yaml"
PAGES = ["/me/goals", "/me/skills", "/me/impact", "/me/missions", "/me/settings"]
PRESSURE = re.compile(r"\b(points?|ranks?|ranking|ranked|streaks?|leaderboards?)\b", re.I)


def host(templates: Path | None = None, **config: object) -> Flask:
    app = Flask(__name__, template_folder=str(templates) if templates else None)
    app.config.update(
        {
            "SECRET_KEY": "test",
            "MOTIVEKIT_DATABASE_URL": "memory://",
            "MOTIVEKIT_RULES": str(RULES),
            "WTF_CSRF_ENABLED": False,
            **config,
        }
    )
    CSRFProtect(app)
    Motivekit(app, user_loader=lambda: session.get("user"))
    app.register_blueprint(pages, url_prefix="/me")

    @app.post("/login/<user>")
    def login(user: str) -> str:
        session["user"] = user
        return "ok"

    return app


@pytest.fixture
def client() -> FlaskClient:
    c = host().test_client()
    c.post("/login/ada")
    return c


def words(html: str) -> str:
    html = re.sub(r"(?s)<style.*?</style>", " ", html)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def goals_of(client: FlaskClient) -> list[dict[str, object]]:
    with client.application.test_request_context():
        from motivekit_flask import current_api

        return list(current_api.invoke("listGoals", "ada")["goals"])


@pytest.mark.parametrize("path", PAGES)
def test_each_page_renders_for_a_signed_in_person_without_pressure_words(
    client: FlaskClient, path: str
) -> None:
    r = client.get(path)
    assert r.status_code == 200
    html = r.text
    assert '<html lang="en">' in html
    assert 'href="#main"' in html
    assert '<main id="main"' in html
    assert not PRESSURE.search(words(html)), PRESSURE.search(words(html))


@pytest.mark.parametrize("path", PAGES)
def test_nobody_signed_in_is_told_to_sign_in(path: str) -> None:
    r = host().test_client().get(path)
    assert r.status_code == 401
    assert "Please sign in" in r.text


def test_adopting_from_the_menu_with_a_why_and_a_plan(client: FlaskClient) -> None:
    r = client.post(
        "/me/goals/adopt",
        data={
            "template_id": "weekly-answers",
            "count": "3",
            "why": "I learned from this forum",
            "plan_when": "I open my laptop on Monday",
            "plan_then": "I answer one question",
        },
    )
    assert r.status_code == 303
    (goal,) = goals_of(client)
    assert goal["why"] == "I learned from this forum"
    assert goal["plan"] == {"when": "I open my laptop on Monday", "then": "I answer one question"}
    page = client.get("/me/goals").text
    assert "You chose the goal" in page
    assert "0 of 3 this week" in page


def test_a_refused_post_shows_the_problem_beside_the_field_and_writes_nothing(
    client: FlaskClient,
) -> None:
    r = client.post("/me/goals", data={"title": "", "event": "answer.posted", "count": "2"})
    assert r.status_code == 422
    assert 'id="create-title-error"' in r.text
    assert 'aria-invalid="true"' in r.text
    assert "There is a problem:" in r.text
    assert goals_of(client) == []


def test_a_plan_needs_both_halves(client: FlaskClient) -> None:
    r = client.post(
        "/me/goals/adopt", data={"template_id": "weekly-answers", "plan_when": "Monday"}
    )
    assert r.status_code == 422
    assert 'id="adopt-weekly-answers-plan_then-error"' in r.text
    assert goals_of(client) == []


def test_an_unknown_template_is_a_4xx_with_the_detail(client: FlaskClient) -> None:
    r = client.post("/me/goals/adopt", data={"template_id": "nope"})
    assert 400 <= r.status_code < 500
    assert "nope" in words(r.text)
    assert goals_of(client) == []


def test_pause_resume_renegotiate_release(client: FlaskClient) -> None:
    client.post("/me/goals/adopt", data={"template_id": "weekly-answers"})
    (goal,) = goals_of(client)
    gid = goal["id"]
    assert client.post(f"/me/goals/{gid}/pause").status_code == 303
    assert goals_of(client)[0]["status"] == "paused"
    assert client.post(f"/me/goals/{gid}/resume").status_code == 303
    assert client.post(f"/me/goals/{gid}/renegotiate", data={"count": "5"}).status_code == 303
    assert goals_of(client)[0]["measure"]["count"] == 5  # type: ignore[index]
    assert client.post(f"/me/goals/{gid}/release").status_code == 303
    assert goals_of(client)[0]["status"] == "released"
    again = client.post(f"/me/goals/{gid}/pause")
    assert again.status_code == 409
    assert "There is a problem:" in again.text


def test_another_persons_goal_is_not_found(client: FlaskClient) -> None:
    client.post("/me/goals/adopt", data={"template_id": "weekly-answers"})
    gid = goals_of(client)[0]["id"]
    other = client.application.test_client()
    other.post("/login/bruno")
    assert other.post(f"/me/goals/{gid}/pause").status_code == 404
    assert other.post(f"/me/goals/{gid}/nonsense").status_code == 404
    assert goals_of(client)[0]["status"] == "active"


def test_the_band_is_the_learners_own(client: FlaskClient) -> None:
    r = client.post("/me/skills/helping/band", data={"band_0": "60", "band_1": "80"})
    assert r.status_code == 303
    page = client.get("/me/skills").text
    assert "60% to 80% predicted success (your own)" in words(page)
    bad = client.post("/me/skills/helping/band", data={"band_0": "90", "band_1": "20"})
    assert bad.status_code == 422
    assert 'id="band-helping-band_0-error"' in bad.text or "There is a problem:" in bad.text
    assert "60% to 80%" in words(bad.text)
    assert client.post("/me/skills/helping/band", data={"reset": "1"}).status_code == 303
    assert "(the default)" in client.get("/me/skills").text


def test_consent_per_mechanic_and_how_i_am_named(client: FlaskClient) -> None:
    r = client.post(
        "/me/settings",
        data={"consent_nudges": "on", "consent_impact": "off", "visibility": "anonymous"},
    )
    assert r.status_code == 303
    page = client.get("/me/settings").text
    assert re.search(r'id="consent-nudges-on"[^>]*checked', page)
    assert re.search(r'id="consent-impact-off"[^>]*checked', page)
    assert re.search(r'id="visibility-anonymous"[^>]*checked', page)
    bad = client.post("/me/settings", data={"visibility": "loud"})
    assert bad.status_code == 422
    assert "There is a problem:" in bad.text


def test_impact_explain_of_an_unknown_entry_is_404(client: FlaskClient) -> None:
    assert client.get("/me/impact/no-such-entry/why").status_code == 404


def test_forms_carry_the_csrf_token_and_a_post_without_it_is_refused() -> None:
    app = host(WTF_CSRF_ENABLED=True)
    c = app.test_client()
    c.post("/login/ada")  # refused: no token
    with c.session_transaction() as s:
        s["user"] = "ada"
    page = c.get("/me/goals").text
    assert page.count('name="csrf_token"') >= 3
    r = c.post("/me/goals/adopt", data={"template_id": "weekly-answers"})
    assert r.status_code == 400
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token is not None
    ok = c.post("/me/goals/adopt", data={"template_id": "weekly-answers", "csrf_token": token[1]})
    assert ok.status_code == 303


def test_a_hosts_template_of_the_same_name_wins(tmp_path: Path) -> None:
    (tmp_path / "motivekit").mkdir()
    (tmp_path / "motivekit" / "missions.html").write_text(
        "<p>Our missions: {% for m in missions %}{{ m.title }}{% endfor %}</p>"
    )
    c = host(tmp_path).test_client()
    c.post("/login/ada")
    r = c.get("/me/missions")
    assert r.text == "<p>Our missions: Answer every question about the 2.0 release</p>"


def test_why_a_goal_and_a_skill_read_as_they_do(client: FlaskClient) -> None:
    client.post("/me/goals/adopt", data={"template_id": "weekly-answers"})
    gid = goals_of(client)[0]["id"]
    assert f"/me/goals/{gid}/why" in client.get("/me/goals").text
    r = client.get(f"/me/goals/{gid}/why")
    assert r.status_code == 200
    assert "adopted from &#39;weekly-answers&#39;" in r.text
    assert client.get("/me/skills/helping/why").status_code == 200
    assert client.get("/me/skills/nope/why").status_code == 404
    other = client.application.test_client()
    other.post("/login/bruno")
    assert other.get(f"/me/goals/{gid}/why").status_code == 404


def test_a_mechanic_switched_off_refuses_with_the_reason(client: FlaskClient) -> None:
    client.post("/me/settings", data={"consent_goals": "off"})
    r = client.post("/me/goals/adopt", data={"template_id": "weekly-answers"})
    assert r.status_code == 403
    assert "You have switched goals off in your settings, so nothing was changed" in r.text
    assert "kit.consent" not in r.text  # the developer's hint stays in the API's detail
    assert goals_of(client) == []


def test_candidates_the_api_refuses_leave_the_skills_page_working() -> None:
    c = host(MOTIVEKIT_PAGES_CANDIDATES=lambda user, track: "bad:notanumber").test_client()
    c.post("/login/ada")
    r = c.get("/me/skills")
    assert r.status_code == 200
    assert "Next challenges" not in r.text
