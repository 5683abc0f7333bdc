"""The demo: the help forum of an open-source project, on motivekit's Flask adapter.

Run it with ``make demo`` (http://127.0.0.1:5000), or ``python examples/flask_demo/app.py``.
Everything it keeps lives in its instance folder (``examples/flask_demo/instance/``, never
committed): the forum's tables (``forum.db``), motivekit's (``motivekit.db``) and the key
that signs the audit log (``demo-log.key``, made on first run).
"""

from __future__ import annotations

import os
import sys
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from flask import Flask, abort, flash, g, redirect, render_template, request, session, url_for
from flask_wtf import CSRFProtect
from werkzeug.wrappers import Response

if __package__ in (None, ""):  # run as a script: make the package importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from examples.flask_demo.forum import Forum
from examples.flask_demo.seed import seed
from motivekit import Ed25519Signer, Event, MotivekitError
from motivekit_flask import Motivekit, api, current_api, current_kit
from motivekit_flask.pages import pages

NAMES = {"ada": "Ada", "bruno": "Bruno", "chidi": "Chidi"}
"""How stories name the demo people."""
PEOPLE = {
    "ada": "Ada, who maintains the parser",
    "bruno": "Bruno, new to the project",
    "chidi": "Chidi, who writes the docs",
}
"""The demo people one may sign in as (no passwords: a picker)."""
HERE = Path(__file__).resolve().parent
INSTANCE = HERE / "instance"
"""The demo's data folder (git-ignored), wherever it is started from."""
MISSION = "release-faq"
KEY_FILE = "demo-log.key"


def _signing_key(instance: Path) -> None:
    """Make the demo's signing key on first run (kept in the instance folder only)."""
    path = instance / KEY_FILE
    if not path.exists():
        path.write_text(Ed25519Signer.generate("demo.motivekit.local").private_key)
        path.chmod(0o600)


def create_app(instance_path: str | None = None, **config: Any) -> Flask:
    """The demo app; ``instance_path`` holds its data (tests pass a temporary folder)."""
    app = Flask(__name__, root_path=str(HERE), instance_path=instance_path or str(INSTANCE))
    instance = Path(app.instance_path)
    instance.mkdir(parents=True, exist_ok=True)
    _signing_key(instance)
    secret = instance / "secret.txt"
    if not secret.exists():
        secret.write_text(uuid.uuid4().hex + uuid.uuid4().hex)
    app.config.update(
        SECRET_KEY=secret.read_text(),
        MOTIVEKIT_DATABASE_URL="sqlite:///motivekit.db",
        MOTIVEKIT_RULES="motivation.yaml",
        MOTIVEKIT_SIGNING_KEY_FILE=KEY_FILE,
        MOTIVEKIT_ORIGIN="demo.motivekit.local/forum",
        MOTIVEKIT_PAGES_LAYOUT="base.html",
        MOTIVEKIT_PAGES_CANDIDATES=_candidates,
        MOTIVEKIT_PAGES_CHALLENGE_LINK=_challenge_link,
    )
    app.config.update(config)
    CSRFProtect(app)
    mk = Motivekit(app, names=lambda user: NAMES.get(user, user))
    mk.user_loader(lambda: session.get("user"))
    app.register_blueprint(pages, url_prefix="/me")
    app.register_blueprint(api, url_prefix="/motivekit/api")  # the JSON API, same session
    app.extensions["forum"] = Forum(instance / "forum.db")
    with app.app_context():
        seed(app.extensions["forum"], current_kit, PEOPLE)
    _routes(app)
    return app


def _forum() -> Forum:
    from flask import current_app

    forum: Forum = current_app.extensions["forum"]
    return forum


def _candidates(user: str, track: str) -> str | None:
    """Next challenges on the skills page: open questions, each with its difficulty."""
    rows = _forum().open_questions(user)[:20]
    return ",".join(f"{r['id']}:{r['difficulty']}" for r in rows) or None


def _challenge_link(question_id: str) -> tuple[str, str | None]:
    q = _forum().row("SELECT title FROM questions WHERE id = ?", question_id)
    title = question_id if q is None else str(q["title"])
    return title, url_for("question", question_id=question_id)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _me() -> str:
    user = session.get("user")
    if user not in PEOPLE:
        abort(401)
    return str(user)


def _routes(app: Flask) -> None:
    @app.context_processor
    def people() -> dict[str, Any]:
        return {"people": PEOPLE, "me": session.get("user")}

    @app.errorhandler(401)
    def signed_out(error: Exception) -> tuple[str, int]:
        return render_template("signin.html", needed=True), 401

    @app.get("/")
    def index() -> str:
        return render_template("index.html", questions=_forum().questions())

    @app.get("/signin")
    def signin() -> str:
        return render_template("signin.html", needed=False)

    @app.post("/signin")
    def do_signin() -> Response:
        person = request.form.get("person", "")
        if person not in PEOPLE:
            abort(400, "choose one of the demo people")
        session["user"] = person
        flash(f"You are signed in as {PEOPLE[person].split(',')[0]}.")
        return redirect(url_for("index"), code=303)

    @app.post("/signout")
    def signout() -> Response:
        session.pop("user", None)
        return redirect(url_for("index"), code=303)

    @app.post("/questions")
    def ask() -> Response | tuple[str, int]:
        me = _me()
        title = request.form.get("title", "").strip()
        body = request.form.get("body", "").strip()
        if not title or not body:
            error = "Give your question a title and say what you tried."
            page = render_template("index.html", questions=_forum().questions(), error=error)
            return page, 422
        qid = uuid.uuid4().hex[:12]
        with _forum().connect() as db:
            db.execute(
                "INSERT INTO questions (id, author, title, body, at) VALUES (?, ?, ?, ?, ?)",
                (qid, me, title, body, _now()),
            )
        current_kit.record(
            Event(f"question:{qid}", "question.asked", me, data={"question_id": qid})
        )
        flash("Your question is posted.")
        return redirect(url_for("question", question_id=qid), code=303)

    @app.get("/questions/<question_id>")
    def question(question_id: str) -> str:
        q = _forum().row("SELECT * FROM questions WHERE id = ?", question_id)
        if q is None:
            abort(404)
        me = session.get("user")
        marked = _forum().marked(me) if me else set()
        return render_template(
            "question.html", q=q, answers=_forum().answers(question_id), marked=marked
        )

    @app.post("/questions/<question_id>/answers")
    def answer(question_id: str) -> Response | tuple[str, int]:
        me = _me()
        q = _forum().row("SELECT * FROM questions WHERE id = ?", question_id)
        if q is None:
            abort(404)
        body = request.form.get("body", "").strip()
        if not body:
            page = render_template(
                "question.html",
                q=q,
                answers=_forum().answers(question_id),
                marked=_forum().marked(me),
                error="Write your answer before posting it.",
            )
            return page, 422
        aid = uuid.uuid4().hex[:12]
        with _forum().connect() as db:
            db.execute(
                "INSERT INTO answers (id, question_id, author, body, at) VALUES (?, ?, ?, ?, ?)",
                (aid, question_id, me, body, _now()),
            )
        events = [Event(f"answer:{aid}", "answer.posted", me, data={"answer_id": aid})]
        if me in _forum().members(MISSION):  # the forum decides who is in the mission
            events.append(
                Event(
                    f"mission:{MISSION}:{aid}",
                    f"mission.{MISSION}.answered",
                    me,
                    data={"answer_id": aid},
                )
            )
        current_kit.record_many(events)
        flash("Your answer is posted. Thank you for helping.")
        return redirect(url_for("question", question_id=question_id), code=303)

    @app.post("/answers/<answer_id>/helpful")
    def helpful(answer_id: str) -> Response:
        me = _me()
        a = _forum().row(
            "SELECT a.*, q.difficulty FROM answers a JOIN questions q ON q.id = a.question_id"
            " WHERE a.id = ?",
            answer_id,
        )
        if a is None:
            abort(404)
        if a["author"] == me:
            abort(403, "you cannot mark your own answer helpful")
        with _forum().connect() as db:
            db.execute(
                "INSERT OR IGNORE INTO helpful (answer_id, person) VALUES (?, ?)", (answer_id, me)
            )
        current_kit.record_many(helpful_events(answer_id, me, a["author"], a["difficulty"]))
        flash("Thank you: the author will see that their answer helped you.")
        return redirect(url_for("question", question_id=a["question_id"]), code=303)

    @app.get("/missions")
    def missions() -> str:
        me = _me()
        found = current_api.invoke("listMissions", me)["missions"]
        members = {m["id"]: _forum().members(m["id"]) for m in found}
        return render_template("missions.html", missions=found, members=members)

    @app.post("/missions/<mission_id>/<action>")
    def membership(mission_id: str, action: str) -> Response:
        me = _me()
        ids = {m["id"] for m in current_api.invoke("listMissions", me)["missions"]}
        if mission_id not in ids or action not in ("join", "leave"):
            abort(404)
        with _forum().connect() as db:
            if action == "join":
                db.execute("INSERT OR IGNORE INTO mission_members VALUES (?, ?)", (mission_id, me))
            else:
                db.execute(
                    "DELETE FROM mission_members WHERE mission_id = ? AND person = ?",
                    (mission_id, me),
                )
        flash("You joined the mission." if action == "join" else "You left the mission.")
        return redirect(url_for("missions"), code=303)

    @app.get("/audit")
    def audit() -> str:
        return render_template("audit.html", **_audit_facts(verify=False))

    @app.post("/audit/verify")
    def verify() -> str:
        return render_template("audit.html", **_audit_facts(verify=True))

    @app.post("/audit/checkpoint")
    def checkpoint() -> Response:
        current_kit.audit.checkpoint()
        flash("The log is signed as it is now.")
        return redirect(url_for("audit"), code=303)

    @app.before_request
    def remember() -> None:
        g.me = session.get("user")


def helpful_events(answer_id: str, by: str, author: str, difficulty: int) -> list[Event]:
    """What marking an answer helpful tells motivekit: the asker was helped (the author's
    impact story), and the answer is evidence of the author's skill."""
    return [
        Event(
            f"helpful:{answer_id}:{by}", "answer.marked_helpful", by, data={"answer_id": answer_id}
        ),
        Event(
            f"reviewed:{answer_id}:{by}",
            "answer.reviewed",
            author,
            data={"helpful": True, "difficulty": difficulty},
        ),
    ]


def _audit_facts(*, verify: bool) -> dict[str, Any]:
    kit = current_kit
    latest = kit.audit.latest()
    keys = [str(v) for v in kit.audit.verifiers]
    size, _ = kit.audit.head()
    facts: dict[str, Any] = {"latest": latest, "keys": keys, "size": size, "report": None}
    if verify:
        try:
            facts["report"] = kit.audit.verify()
        except MotivekitError as exc:
            facts["failure"] = str(exc)
    return facts


def main() -> None:
    """Serve the demo on http://127.0.0.1:5000 (PORT to change the port)."""
    from werkzeug.serving import run_simple

    port = int(os.environ.get("PORT", "5000"))
    app = create_app(os.environ.get("DEMO_INSTANCE") or None)
    print(f"motivekit demo: open http://127.0.0.1:{port} (Ctrl-C stops it)", flush=True)
    run_simple("127.0.0.1", port, app, threaded=True)


if __name__ == "__main__":
    main()
