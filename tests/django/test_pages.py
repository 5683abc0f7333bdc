"""The drop-in pages through Django's test client, on the test project (the same
behaviour tests/test_flask_pages.py asks of the Flask pages)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from pytest_django.fixtures import Settings as SettingsWrapper

from motivekit import Event
from motivekit_django import get_api, get_kit, user_id_of

pytestmark = pytest.mark.django_db

RULES = Path(__file__).parents[2] / "examples" / "flask_demo" / "motivation.yaml"
PAGES = ["/me/goals/", "/me/skills/", "/me/impact/", "/me/missions/", "/me/settings/"]
PRESSURE = re.compile(r"\b(points?|ranks?|ranking|ranked|streaks?|leaderboards?)\b", re.I)


@pytest.fixture(autouse=True)
def motivekit(settings: SettingsWrapper) -> None:
    settings.MOTIVEKIT = {"RULES": RULES}


def person(name: str) -> Any:
    return get_user_model().objects.create_user(username=name, password="a long passphrase")


def signed_in(name: str, **client: Any) -> tuple[Client, str]:
    """A client signed in as a new user ``name``, and that user's motivekit id."""
    user = person(name)
    c = Client(**client)
    c.force_login(user)
    user_id = user_id_of(user)
    assert user_id is not None
    return c, user_id


@pytest.fixture
def ada() -> tuple[Client, str]:
    return signed_in("ada")


def words(html: str) -> str:
    html = re.sub(r"(?s)<style.*?</style>", " ", html)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def goals_of(user: str) -> list[dict[str, Any]]:
    return list(get_api().invoke("listGoals", user)["goals"])


def text(response: Any) -> str:
    return str(response.content.decode())


@pytest.mark.parametrize("path", PAGES)
def test_each_page_renders_for_a_signed_in_person_without_pressure_words(
    ada: tuple[Client, str], path: str
) -> None:
    r = ada[0].get(path)
    assert r.status_code == 200
    html = text(r)
    assert '<html lang="en">' in html
    assert 'href="#main"' in html
    assert '<main id="main"' in html
    assert f'href="{path}" aria-current="page"' in html
    assert not PRESSURE.search(words(html)), PRESSURE.search(words(html))


@pytest.mark.parametrize("path", PAGES)
def test_nobody_signed_in_is_told_to_sign_in(path: str) -> None:
    r = Client().get(path)
    assert r.status_code == 401
    assert "Please sign in" in text(r)
    assert f'href="/accounts/login/?next={path.replace("/", "%2F")}"' in text(r)


def test_adopting_from_the_menu_with_a_why_and_a_plan(ada: tuple[Client, str]) -> None:
    c, user = ada
    r = c.post(
        "/me/goals/adopt/",
        {
            "template_id": "weekly-answers",
            "count": "3",
            "why": "I learned from this forum",
            "plan_when": "I open my laptop on Monday",
            "plan_then": "I answer one question",
        },
    )
    assert (r.status_code, r["Location"]) == (303, "/me/goals/")
    (goal,) = goals_of(user)
    assert goal["why"] == "I learned from this forum"
    assert goal["plan"] == {"when": "I open my laptop on Monday", "then": "I answer one question"}
    page = text(c.get("/me/goals/"))
    assert "You chose the goal “Answer questions”." in page
    assert "0 of 3 this week" in page


def test_a_refused_post_shows_the_problem_beside_the_field_and_writes_nothing(
    ada: tuple[Client, str],
) -> None:
    c, user = ada
    r = c.post("/me/goals/", {"title": "", "event": "answer.posted", "count": "2", "why": "x"})
    assert r.status_code == 422
    html = text(r)
    assert 'id="create-title-error"' in html
    assert 'aria-invalid="true" aria-describedby="create-title-error"' in html
    assert "There is a problem:" in html
    assert 'id="create-why" name="why" type="text" value="x"' in html  # kept
    assert goals_of(user) == []


def test_a_plan_needs_both_halves(ada: tuple[Client, str]) -> None:
    c, user = ada
    r = c.post("/me/goals/adopt/", {"template_id": "weekly-answers", "plan_when": "Monday"})
    assert r.status_code == 422
    assert 'id="adopt-weekly-answers-plan_then-error"' in text(r)
    assert 'value="Monday"' in text(r)
    assert goals_of(user) == []


def test_an_unknown_template_is_a_4xx_with_the_detail(ada: tuple[Client, str]) -> None:
    c, user = ada
    r = c.post("/me/goals/adopt/", {"template_id": "nope"})
    assert 400 <= r.status_code < 500
    assert "nope" in words(text(r))
    assert goals_of(user) == []


def test_pause_resume_renegotiate_release(ada: tuple[Client, str]) -> None:
    c, user = ada
    c.post("/me/goals/adopt/", {"template_id": "weekly-answers"})
    (goal,) = goals_of(user)
    gid = goal["id"]
    assert c.post(f"/me/goals/{gid}/pause/").status_code == 303
    assert goals_of(user)[0]["status"] == "paused"
    assert f"Resume “{goal['title']}”" in text(c.get("/me/goals/"))
    assert c.post(f"/me/goals/{gid}/resume/").status_code == 303
    r = c.post(f"/me/goals/{gid}/renegotiate/", {"count": "5", "per": "month"})
    assert r.status_code == 303
    assert goals_of(user)[0]["measure"] == {**goal["measure"], "count": 5, "per": "month"}
    bad = c.post(f"/me/goals/{gid}/renegotiate/", {"count": "0"})
    assert bad.status_code == 422
    assert f'id="renegotiate-{gid}-count-error"' in text(bad)
    assert f'id="problem-renegotiate-{gid}"' in text(bad)  # beside that goal's form
    assert 'id="problem-page"' not in text(bad)
    assert "<details open>" in text(bad)
    assert c.post(f"/me/goals/{gid}/release/").status_code == 303
    assert goals_of(user)[0]["status"] == "released"
    again = c.post(f"/me/goals/{gid}/pause/")
    assert again.status_code == 409
    assert "There is a problem:" in text(again)


def test_one_person_cannot_see_or_touch_anothers_goal(ada: tuple[Client, str]) -> None:
    c, user = ada
    c.post("/me/goals/adopt/", {"template_id": "weekly-answers"})
    gid = goals_of(user)[0]["id"]
    bruno, bruno_id = signed_in("bruno")
    for action in ("pause", "release", "renegotiate"):
        r = bruno.post(f"/me/goals/{gid}/{action}/", {"count": "9"})
        assert r.status_code == 404, action
    assert bruno.post(f"/me/goals/{gid}/nonsense/").status_code == 404
    assert bruno.get(f"/me/goals/{gid}/why/").status_code == 404
    assert gid not in text(bruno.get("/me/goals/"))
    assert goals_of(bruno_id) == []
    assert goals_of(user)[0]["status"] == "active"
    assert goals_of(user)[0]["measure"]["count"] == 2


def test_pages_answer_only_their_methods(ada: tuple[Client, str]) -> None:
    c, _ = ada
    assert c.get("/me/goals/adopt/").status_code == 405
    assert c.post("/me/skills/").status_code == 405
    assert c.get("/me/skills/helping/band/").status_code == 405


def test_the_band_is_the_learners_own(ada: tuple[Client, str]) -> None:
    c, _ = ada
    r = c.post("/me/skills/helping/band/", {"band_0": "60", "band_1": "80"})
    assert r.status_code == 303
    page = text(c.get("/me/skills/"))
    assert "60% to 80% predicted success (your own)" in words(page)
    bad = c.post("/me/skills/helping/band/", {"band_0": "90", "band_1": "20"})
    assert bad.status_code == 422
    assert "There is a problem:" in text(bad)
    assert 'value="90"' in text(bad)  # what was typed stays in the field
    assert "60% to 80%" in words(text(bad))
    assert c.post("/me/skills/helping/band/", {"reset": "1"}).status_code == 303
    assert "(the default)" in text(c.get("/me/skills/"))


def test_consent_per_mechanic_and_how_i_am_named(ada: tuple[Client, str]) -> None:
    c, _ = ada
    r = c.post(
        "/me/settings/",
        {"consent_nudges": "on", "consent_impact": "off", "visibility": "anonymous"},
    )
    assert r.status_code == 303
    page = text(c.get("/me/settings/"))
    assert "Your settings are saved." in page
    assert re.search(r'id="consent-nudges-on"[^>]*checked', page)
    assert re.search(r'id="consent-impact-off"[^>]*checked', page)
    assert re.search(r'id="visibility-anonymous"[^>]*checked', page)
    bad = c.post("/me/settings/", {"visibility": "loud"})
    assert bad.status_code == 422
    assert "There is a problem:" in text(bad)


def test_a_mechanic_switched_off_refuses_with_the_reason(ada: tuple[Client, str]) -> None:
    c, user = ada
    c.post("/me/settings/", {"consent_goals": "off"})
    r = c.post("/me/goals/adopt/", {"template_id": "weekly-answers"})
    assert r.status_code == 403
    assert "You have switched goals off in your settings, so nothing was changed" in text(r)
    assert "kit.consent" not in text(r)
    assert goals_of(user) == []


def test_why_a_goal_and_a_skill_read_as_they_do(ada: tuple[Client, str]) -> None:
    c, user = ada
    c.post("/me/goals/adopt/", {"template_id": "weekly-answers"})
    gid = goals_of(user)[0]["id"]
    assert f"/me/goals/{gid}/why/" in text(c.get("/me/goals/"))
    r = c.get(f"/me/goals/{gid}/why/")
    assert r.status_code == 200
    assert "adopted from &#x27;weekly-answers&#x27;" in text(r)
    assert 'href="/me/goals/">Back to my goals' in text(r)
    assert c.get("/me/skills/helping/why/").status_code == 200
    missing = c.get("/me/skills/nope/why/")
    assert missing.status_code == 404
    assert "nope" in words(text(missing))


def record_helped(author: str, helper: str, n: int) -> None:
    kit = get_kit()
    kit.record(Event(f"a-{n}", "answer.posted", author, data={"answer_id": f"ans-{n}"}))
    kit.record(Event(f"h-{n}", "answer.marked_helpful", helper, data={"answer_id": f"ans-{n}"}))


def test_impact_stories_their_why_and_older_pages(ada: tuple[Client, str]) -> None:
    c, user = ada
    _, bruno = signed_in("bruno")
    for n in range(21):  # a page holds 20
        record_helped(user, bruno, n)
    first = text(c.get("/me/impact/"))
    story = re.compile(r'<li class="mk-card"><p>[^<]* found your answer helpful</p>')
    assert len(story.findall(first)) == 20
    older = re.search(r'href="(/me/impact/\?cursor=[^"]+)">Older stories', first)
    assert older is not None
    second = text(c.get(older[1].replace("&amp;", "&")))
    assert len(story.findall(second)) == 1
    assert "Older stories" not in second
    why = re.search(r'href="(/me/impact/[^"/]+/why/)"', first)
    assert why is not None
    explained = c.get(why[1])
    assert explained.status_code == 200
    assert "Why this story is here" in text(explained)
    assert c.get("/me/impact/no-such-entry/why/").status_code == 404
    assert c.get("/me/impact/?cursor=bogus").status_code == 422


def test_forms_carry_the_csrf_token_and_a_post_without_it_is_refused() -> None:
    c, user = signed_in("ada", enforce_csrf_checks=True)
    page = text(c.get("/me/goals/"))
    assert page.count('name="csrfmiddlewaretoken"') >= 3
    assert c.post("/me/goals/adopt/", {"template_id": "weekly-answers"}).status_code == 403
    assert goals_of(user) == []
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token is not None
    ok = c.post(
        "/me/goals/adopt/", {"template_id": "weekly-answers", "csrfmiddlewaretoken": token[1]}
    )
    assert ok.status_code == 303
    assert len(goals_of(user)) == 1


def test_a_hosts_template_of_the_same_name_wins(
    ada: tuple[Client, str], settings: SettingsWrapper, tmp_path: Path
) -> None:
    (tmp_path / "motivekit").mkdir()
    (tmp_path / "motivekit" / "missions.html").write_text(
        "<p>Our missions: {% for m in missions %}{{ m.title }}{% endfor %}</p>"
    )
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path]}]
    r = ada[0].get("/me/missions/")
    assert text(r) == "<p>Our missions: Answer every question about the 2.0 release</p>"


def test_the_hosts_layout_and_next_challenges(
    ada: tuple[Client, str], settings: SettingsWrapper, tmp_path: Path
) -> None:
    (tmp_path / "site.html").write_text(
        "{% load motivekit_pages %}<title>{% block title %}{% endblock %} · Our site</title>"
        "{% mk_nav %}{% block content %}{% endblock %}"
    )
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path]}]
    settings.MOTIVEKIT = {
        **settings.MOTIVEKIT,
        "PAGES_LAYOUT": "site.html",
        "PAGES_CANDIDATES": lambda user, track: "q-1:3,q-2:2",
        "PAGES_CHALLENGE_LINK": "tests.django.test_pages.question_link",
    }
    html = text(ada[0].get("/me/skills/"))
    assert "<title>My skills · Our site</title>" in html
    assert 'href="/me/skills/" aria-current="page"' in html
    assert "Next challenges you might take on" in html
    assert re.search(r'<a href="/questions/q-[12]">Question q-[12]</a>: about \d+% predicted', html)


def question_link(item: str) -> tuple[str, str | None]:
    return f"Question {item}", f"/questions/{item}"


def test_candidates_the_api_refuses_leave_the_skills_page_working(
    ada: tuple[Client, str], settings: SettingsWrapper
) -> None:
    settings.MOTIVEKIT = {**settings.MOTIVEKIT, "PAGES_CANDIDATES": lambda u, t: "bad:notanumber"}
    r = ada[0].get("/me/skills/")
    assert r.status_code == 200
    assert "Next challenges" not in text(r)


def test_a_wrong_pages_setting_names_the_key(
    ada: tuple[Client, str], settings: SettingsWrapper
) -> None:
    from django.core.exceptions import ImproperlyConfigured

    settings.MOTIVEKIT = {**settings.MOTIVEKIT, "PAGES_CANDIDATES": "no.such.function"}
    with pytest.raises(ImproperlyConfigured, match=r'MOTIVEKIT\["PAGES_CANDIDATES"\]'):
        ada[0].get("/me/skills/")
