"""The pages' shared view logic (``motivekit.pages``) on its own, without a web framework:
the Flask and Django pages render what it decides (tests/test_flask_pages.py,
tests/django/test_pages.py drive it through each framework)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from motivekit import Kit
from motivekit.api import Api, ApiProblem
from motivekit.pages import Page, PersonPages, Posted, field_errors, for_people

RULES = Path(__file__).parents[1] / "examples" / "flask_demo" / "motivation.yaml"


@pytest.fixture
def api() -> Iterator[Api]:
    with Kit.open("memory://", rules=RULES) as kit:
        yield Api(kit)


def test_a_post_that_works_says_what_it_did_and_writes(api: Api) -> None:
    ada = PersonPages(api, "ada")
    posted = ada.adopt_goal({"template_id": "weekly-answers", "count": "3", "why": " mine "})
    assert posted == Posted("You chose the goal “Answer questions”.")
    (goal,) = ada.goals().context["goals"]
    assert (goal["why"], goal["measure"]["count"]) == ("mine", 3)


def test_a_refused_post_is_the_page_again_with_the_problem_beside_its_form(api: Api) -> None:
    ada = PersonPages(api, "ada")
    page = ada.create_goal({"title": "", "event": "answer.posted", "count": "two"})
    assert isinstance(page, Page)
    assert (page.template, page.status) == ("motivekit/goals.html", 422)
    failed = page.context["failed"]
    assert failed["form"] == "create"
    assert set(failed["fields"]) >= {"title", "count"}
    assert page.context["values"]["count"] == "two"  # kept in the field
    assert ada.goals().context["goals"] == []


def test_a_refusal_of_a_form_not_on_the_page_is_shown_at_the_top(api: Api) -> None:
    page = PersonPages(api, "ada").change_goal("g-nobodys", "pause", {})
    assert isinstance(page, Page)
    assert (page.status, page.context["failed"]["form"]) == (404, "page")


def test_an_action_that_is_not_one_is_not_found(api: Api) -> None:
    with pytest.raises(ApiProblem) as raised:
        PersonPages(api, "ada").change_goal("g-1", "delete", {})
    assert raised.value.status == 404


def test_a_read_that_the_api_refuses_raises_its_problem(api: Api) -> None:
    with pytest.raises(ApiProblem) as raised:
        PersonPages(api, "ada").explain_skill("nope")
    assert raised.value.status == 404


def test_a_band_in_percent_reaches_the_api_as_fractions(api: Api) -> None:
    ada = PersonPages(api, "ada")
    assert isinstance(ada.set_band("helping", {"band_0": "60", "band_1": "80"}), Posted)
    (skill,) = ada.skills().context["skills"]
    assert skill["band"] == [0.6, 0.8]
    refused = ada.set_band("helping", {"band_0": "high", "band_1": "80"})
    assert isinstance(refused, Page)
    assert refused.status == 422


def test_next_challenges_come_from_the_hosts_candidates_with_its_labels(api: Api) -> None:
    ada = PersonPages(
        api,
        "ada",
        candidates=lambda user, track: "q-1:3,q-2:2",
        challenge_link=lambda item: (f"Question {item}", f"/q/{item}"),
    )
    picks = ada.skills().context["challenges"]["helping"]
    assert {(c["label"], c["url"]) for c in picks} <= {
        ("Question q-1", "/q/q-1"),
        ("Question q-2", "/q/q-2"),
    }
    assert picks


def test_settings_write_only_what_changed(api: Api) -> None:
    ada = PersonPages(api, "ada")
    assert isinstance(ada.save_settings({"consent_nudges": "on"}), Posted)
    chosen = {m["mechanic"]: m["enabled"] for m in ada.settings().context["consent"]}
    assert chosen["nudges"] is True
    size = api.kit.journal.size()
    again = {"consent_nudges": "on", "consent_goals": "on", "consent_impact": "off"}
    assert isinstance(ada.save_settings(again), Posted)
    assert api.kit.journal.size() == size + 1  # only impact changed
    refused = ada.save_settings({"visibility": "loud"})
    assert isinstance(refused, Page)
    assert (refused.status, refused.context["failed"]["form"]) == (422, "settings")


def test_a_consent_refusal_reads_as_a_person_would() -> None:
    problem = ApiProblem(
        403,
        detail="ada switched goals off; kit.consent.set(...) turns it on",
        code="ConsentRequired",
    )
    shown = for_people(problem)
    assert shown.detail.startswith("You have switched goals off in your settings")
    assert "kit.consent" not in shown.detail
    other = ApiProblem(409, detail="paused already", code="InvalidTransition")
    assert for_people(other) is other


def test_field_errors_key_each_message_by_its_form_field() -> None:
    problem = ApiProblem(
        422,
        errors=[
            {"pointer": "#/plan/then", "detail": "needs a then"},
            {"pointer": "#/measure/count", "detail": "a whole number"},
            {"pointer": "#/band/0", "detail": "between 0 and 1"},
        ],
    )
    found = field_errors(problem)
    assert found["plan_then"] == "needs a then"
    assert found["count"] == "a whole number"
    assert found["band"] == "between 0 and 1"
