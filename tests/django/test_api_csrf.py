"""CSRF is Django's: a write without the token is refused with a problem (never the HTML
failure page) and writes nothing; the csrftoken cookie's value in X-CSRFToken passes;
reads need no token; without CsrfViewMiddleware nothing is checked."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import override_settings

from motivekit_django import close_kit, get_kit
from motivekit_django.api import views
from tests.django._api import GOAL, PREFIX, csrf_token, person, problem, signed_in

pytestmark = pytest.mark.django_db
BODY = {"title": "Review pull requests", "measure": GOAL}


@pytest.fixture(autouse=True)
def _fresh() -> Any:
    yield
    close_kit()


def test_a_write_without_the_token_is_a_403_problem_and_writes_nothing() -> None:
    user, ada = person("ada")
    client = signed_in(user, csrf=True)
    found = problem(client.post(f"{PREFIX}/goals", BODY, content_type="application/json"), 403)
    assert found["detail"].startswith("CSRF cookie not set. Send the csrftoken cookie's value")
    assert get_kit().goals.list(ada) == []
    assert client.get(f"{PREFIX}/goals").status_code == 200  # reads pass


def test_the_cookies_token_in_an_x_csrftoken_header_passes_a_wrong_one_does_not() -> None:
    user, ada = person("ada")
    client = signed_in(user, csrf=True)
    token = csrf_token(client)
    wrong = client.post(
        f"{PREFIX}/goals", BODY, content_type="application/json", headers={"X-CSRFToken": "x" * 32}
    )
    problem(wrong, 403)
    made = client.post(
        f"{PREFIX}/goals", BODY, content_type="application/json", headers={"X-CSRFToken": token}
    )
    assert made.status_code == 201, made.content
    assert len(get_kit().goals.list(ada)) == 1


def test_without_the_csrf_middleware_writes_are_not_checked() -> None:
    user, ada = person("ada")
    client = signed_in(user, csrf=True)
    middleware = [m for m in settings.MIDDLEWARE if "csrf" not in m.lower()]
    with override_settings(MIDDLEWARE=middleware):
        made = client.post(f"{PREFIX}/goals", BODY, content_type="application/json")
        assert not views.csrf_enabled()
    assert made.status_code == 201, made.content
    assert len(get_kit().goals.list(ada)) == 1
    assert views.csrf_enabled()  # checked again once the middleware is back
