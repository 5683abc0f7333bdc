"""The host app ``flask_api.py`` serves with gunicorn: a bare endpoint, an endpoint that
records an event through ``current_kit``, and motivekit's JSON API blueprint.

Configured from the environment (set by ``flask_api.py``): ``BENCH_INSTANCE`` (the
instance folder holding ``motivekit.db``) and ``BENCH_RULES`` (the design file). The
person is the ``X-User`` header, as a host's session would say.
"""

from __future__ import annotations

import os
import uuid

from flask import Flask, request

from motivekit import Event
from motivekit_flask import Motivekit, api, current_kit


def _user() -> str | None:
    return request.headers.get("X-User") or None


def create_app() -> Flask:
    app = Flask("bench", instance_path=os.environ["BENCH_INSTANCE"])
    app.config["MOTIVEKIT_RULES"] = os.environ["BENCH_RULES"]
    Motivekit(app, user_loader=_user)
    app.register_blueprint(api, url_prefix="/motivekit/api")

    @app.get("/bare")
    def bare() -> dict[str, bool]:
        return {"ok": True}

    @app.post("/answers")
    def answer() -> tuple[dict[str, object], int]:
        answer_id = uuid.uuid4().hex
        outcome = current_kit.record(
            Event(
                f"p-{answer_id}", "answer.posted", _user() or "anon", data={"answer_id": answer_id}
            )
        )
        return {"answer_id": answer_id, "duplicate": outcome.duplicate}, 201

    return app
