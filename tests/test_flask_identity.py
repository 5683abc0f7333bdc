"""Who is signed in: a custom loader, Flask-Login by default, anonymous requests."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from flask_login import LoginManager, UserMixin, login_user, logout_user

from motivekit import ConfigError
from motivekit_flask import Motivekit, api, current_kit, current_user_id
from tests._flask_apps import PREFIX, RULES

GOAL = {"event": "review.submitted", "count": 3, "per": "week"}


class Member(UserMixin):
    def __init__(self, user_id: str) -> None:
        self.id = user_id


def host(tmp_path: Path, mk: Motivekit) -> Flask:
    app = Flask("host", instance_path=str(tmp_path))
    app.config.update(TESTING=True, MOTIVEKIT_RULES=str(RULES), SECRET_KEY="test")
    mk.init_app(app)
    app.register_blueprint(api, url_prefix=PREFIX)

    @app.get("/whoami")
    def whoami() -> dict[str, str | None]:
        return {"user": current_user_id()}

    return app


def flask_login_host(tmp_path: Path) -> Flask:
    app = host(tmp_path, Motivekit())
    login = LoginManager(app)
    login.user_loader(Member)

    @app.post("/login/<name>")
    def sign_in(name: str) -> str:
        login_user(Member(f"member-{name}"))
        return "ok"

    @app.post("/logout")
    def sign_out() -> str:
        logout_user()
        return "ok"

    return app


def test_a_custom_loader_maps_the_hosts_user(tmp_path: Path) -> None:
    mk = Motivekit()
    app = host(tmp_path, mk)
    signed_in = {"who": None}

    @mk.user_loader
    def motivekit_user() -> str | None:
        return signed_in["who"]

    client = app.test_client()
    assert client.get("/whoami").json == {"user": None}
    signed_in["who"] = "user-17"
    assert client.get("/whoami").json == {"user": "user-17"}


def test_flask_login_is_the_default_and_anonymous_is_nobody(tmp_path: Path) -> None:
    app = flask_login_host(tmp_path)
    with app.app_context():
        goal = current_kit.goals.create("member-ada", "Review", GOAL)
    client = app.test_client()
    assert client.get("/whoami").json == {"user": None}
    anonymous = client.get(f"{PREFIX}/goals")
    assert anonymous.status_code == 401
    assert anonymous.mimetype == "application/problem+json"
    assert anonymous.json is not None
    assert anonymous.json["status"] == 401

    client.post("/login/ada")
    assert client.get("/whoami").json == {"user": "member-ada"}
    mine = client.get(f"{PREFIX}/goals")
    assert mine.status_code == 200
    assert goal.id in mine.get_data(as_text=True)

    client.post("/logout")
    assert client.get("/whoami").json == {"user": None}
    assert client.get(f"{PREFIX}/goals").status_code == 401


def test_without_a_login_manager_nobody_is_signed_in(tmp_path: Path) -> None:
    app = host(tmp_path, Motivekit())
    client = app.test_client()
    assert client.get("/whoami").json == {"user": None}
    assert client.get(f"{PREFIX}/goals").status_code == 401


@pytest.mark.parametrize("returned", [42, "", b"ada"])
def test_a_loader_returning_something_else_says_what_to_return(
    tmp_path: Path, returned: object
) -> None:
    app = host(tmp_path, Motivekit(user_loader=lambda: returned))  # type: ignore[arg-type,return-value]
    with (
        app.test_request_context(),
        pytest.raises(
            ConfigError,
            match=r"returned .* return the signed-in person's motivekit id as a non-empty str "
            r"\(e\.g\. str\(user\.id\)\), or None when nobody is signed in$",
        ),
    ):
        current_user_id()
    app.testing = False  # as in production: the API answers a problem body, not a page
    answer = app.test_client().get(f"{PREFIX}/goals")
    assert answer.status_code == 500
    assert answer.mimetype == "application/problem+json"
    assert answer.json is not None
    assert answer.json["status"] == 500
