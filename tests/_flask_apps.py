"""Small Flask apps for the adapter's tests: one per test, on SQLite in ``tmp_path``.

The user loader reads an ``X-User`` header, so a test acts as anyone by setting it (a
real host maps its own session instead).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask, request

from motivekit_flask import Motivekit, api

RULES = Path(__file__).resolve().parent / "fixtures" / "flask.yaml"
PREFIX = "/motivekit/api"


def header_user() -> str | None:
    return request.headers.get("X-User") or None


def make_app(instance: Path, *, blueprint: bool = True, **config: Any) -> Flask:
    """A Flask app with motivekit on a SQLite file in ``instance`` (the test's tmp_path),
    the test design file, and the API blueprint at ``/motivekit/api``."""
    app = Flask("host", instance_path=str(instance))
    app.config.update(TESTING=True, MOTIVEKIT_RULES=str(RULES), **config)
    Motivekit(app, user_loader=header_user)
    if blueprint:
        app.register_blueprint(api, url_prefix=PREFIX)
    return app


def as_user(user: str) -> dict[str, str]:
    return {"X-User": user}
