"""CSRF is the host's: Flask-WTF's CSRFProtect guards the blueprint's writes, a token in an
``X-CSRFToken`` header passes, and ``csrf.exempt(api)`` opts the blueprint out."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from flask_wtf.csrf import CSRFProtect, generate_csrf

from motivekit_flask import api, current_kit
from tests._flask_apps import PREFIX, as_user, make_app

GOAL = {"title": "Review pull requests", "measure": {"event": "review.submitted", "count": 3}}


def protected(tmp_path: Path) -> tuple[Flask, CSRFProtect]:
    app = make_app(tmp_path, SECRET_KEY="test secret")
    csrf = CSRFProtect(app)

    @app.get("/token")
    def token() -> str:
        return generate_csrf()  # a host page would put it in <meta name="csrf-token">

    return app, csrf


def goals_of(app: Flask, owner: str) -> int:
    with app.app_context():
        return len(current_kit.goals.list(owner))


def test_a_write_without_the_token_is_refused_with_a_problem_and_writes_nothing(
    tmp_path: Path,
) -> None:
    app, _ = protected(tmp_path)
    client = app.test_client()
    refused = client.post(f"{PREFIX}/goals", json=GOAL, headers=as_user("ada"))
    assert refused.status_code == 400
    assert refused.mimetype == "application/problem+json"
    assert refused.json is not None
    assert refused.json["detail"] == "The CSRF token is missing."
    assert goals_of(app, "ada") == 0
    assert client.get(f"{PREFIX}/goals", headers=as_user("ada")).status_code == 200  # reads pass


def test_the_token_in_an_x_csrftoken_header_passes(tmp_path: Path) -> None:
    app, _ = protected(tmp_path)
    client = app.test_client()
    token = client.get("/token").get_data(as_text=True)
    wrong = client.post(
        f"{PREFIX}/goals", json=GOAL, headers={**as_user("ada"), "X-CSRFToken": token[:-2] + "xx"}
    )
    assert wrong.status_code == 400
    assert wrong.mimetype == "application/problem+json"
    made = client.post(
        f"{PREFIX}/goals", json=GOAL, headers={**as_user("ada"), "X-CSRFToken": token}
    )
    assert made.status_code == 201, made.get_data(as_text=True)
    assert goals_of(app, "ada") == 1


def test_an_exempted_blueprint_takes_writes_without_a_token(tmp_path: Path) -> None:
    app, csrf = protected(tmp_path)
    csrf.exempt(api)  # for clients that authenticate without cookies (a bearer token)
    made = app.test_client().post(f"{PREFIX}/goals", json=GOAL, headers=as_user("ada"))
    assert made.status_code == 201, made.get_data(as_text=True)
    assert goals_of(app, "ada") == 1
