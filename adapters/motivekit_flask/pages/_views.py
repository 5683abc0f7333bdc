"""The pages' routes: read through ``current_api``, post through ``current_api.invoke``.

A post that the API refuses re-renders the same page with the problem's detail beside
the form (and each field's own message beside the field), answering with the problem's
status: 4xx, never 500, and nothing written.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from werkzeug.wrappers import Response

from motivekit.api import ApiProblem
from motivekit_flask._extension import current_api, current_user_id

__all__ = ["pages"]

pages = Blueprint("motivekit_pages", __name__, template_folder="../templates")
"""The drop-in pages; mount with ``app.register_blueprint(pages, url_prefix="/me")``."""

MECHANICS = ("goals", "mastery", "impact", "nudges")
CandidateSource = Callable[[str, str], str | None]
"""``MOTIVEKIT_PAGES_CANDIDATES``: ``(user, track_id) -> "id:difficulty,..."`` or None:
the items the skills page may suggest as next challenges (unset: it suggests none)."""
ChallengeLink = Callable[[str], tuple[str, str | None]]
"""``MOTIVEKIT_PAGES_CHALLENGE_LINK``: ``item_id -> (label, url or None)``, how a suggested
item is shown (unset: its id, no link)."""


def _user() -> str:
    user = current_user_id()
    if user is None:
        abort(401)
    return user


def _invoke(operation: str, user: str, path: Mapping[str, str] | None = None, **kw: Any) -> Any:
    return current_api.invoke(operation, user, path_params=dict(path or {}), **kw)


def field_errors(problem: ApiProblem) -> dict[str, str]:
    """The problem's field messages keyed by form field name (``#/plan/when`` →
    ``plan_when``)."""
    out: dict[str, str] = {}
    for error in problem.errors:
        where = error.get("pointer", "").removeprefix("#").strip("/") or error.get("parameter", "")
        name = where.replace("/", "_").replace(".", "_")
        detail = error.get("detail", "")
        out.setdefault(name, detail)  # plan_when
        out.setdefault(where.split("/")[-1], detail)  # measure/count: the form's "count"
        out.setdefault(name.split("_")[0], detail)  # band/0: the band's fields
    return out


def _number(text: str | None) -> int | str | None:
    """A form's whole number as an int; anything else is passed on for the API to name."""
    if text is None or not text.strip():
        return None
    text = text.strip()
    return int(text) if text.isdigit() else text


def _float(text: str | None) -> float | str | None:
    if text is None or not text.strip():
        return None
    try:
        return float(text)
    except ValueError:
        return text.strip()


def _text(name: str) -> str | None:
    value = request.form.get(name, "").strip()
    return value or None


def _plan() -> dict[str, str] | None:
    when, then = _text("plan_when"), _text("plan_then")
    if when is None and then is None:
        return None
    return {"when": when or "", "then": then or ""}


def _drop_none(body: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in body.items() if v is not None}


def _layout() -> str:
    return str(current_app.config.get("MOTIVEKIT_PAGES_LAYOUT") or "motivekit/layout.html")


def _render(
    template: str, status: int = 200, forms: set[str] | None = None, **context: Any
) -> tuple[str, int]:
    """Render ``template``; a problem with a form not on the page (an unknown goal or
    template id) is shown at the top of the page instead (form ``"page"``)."""
    failed = context.get("failed")
    if failed and forms is not None and failed["form"] not in forms:
        context["failed"] = {**failed, "form": "page"}
    return render_template(template, motivekit_layout=_layout(), **context), status


_SWITCHED_OFF = (
    "You have switched {what} off in your settings, so nothing was changed. You can switch "
    "{it} back on there whenever you like."
)
_MECHANIC = re.compile(r"switched (\w+) off")


def _for_people(problem: ApiProblem) -> ApiProblem:
    """The problem as a person reads it on a page: a consent refusal's detail is written
    for developers (it names the call that switches the mechanic back on)."""
    if problem.code != "ConsentRequired":
        return problem
    found = _MECHANIC.search(problem.detail)
    what, it = (found.group(1), "them") if found else ("this", "it")
    detail = _SWITCHED_OFF.format(what=what, it=it)
    return ApiProblem(problem.status, detail=detail, code=problem.code)


def _post(
    page: Callable[..., tuple[str, int]],
    form: str,
    action: Callable[[], str],
    target: str,
    **page_kw: Any,
) -> Response | tuple[str, int]:
    """Run ``action`` (one or more invokes); on success flash what it says and redirect to
    ``target``; on a problem re-render ``page`` with the problem beside ``form``."""
    try:
        message = action()
    except ApiProblem as problem:
        problem = _for_people(problem)
        failed = {"form": form, "problem": problem, "fields": field_errors(problem)}
        text, _ = page(failed=failed, values=request.form, **page_kw)
        return text, problem.status
    flash(message)
    return redirect(target, code=303)


# -- goals ----------------------------------------------------------------------------------


def _goals_page(**context: Any) -> tuple[str, int]:
    user = _user()
    goals = _invoke("listGoals", user)["goals"]
    menu = _invoke("goalMenu", user)
    events = sorted({t["measure"]["event"] for t in menu["templates"]})
    forms = {"create", *(f"adopt-{t['id']}" for t in menu["templates"])}
    live = [g for g in goals if g["status"] != "released"]
    forms |= {f"{a}-{g['id']}" for g in live for a in (*_ACTIONS, "renegotiate")}
    return _render(
        "motivekit/goals.html", forms=forms, goals=goals, menu=menu, events=events, **context
    )


@pages.get("/goals")
def goals() -> tuple[str, int]:
    """My goals, the menu, and a form to write one's own."""
    return _goals_page()


@pages.post("/goals/adopt")
def adopt_goal() -> Response | tuple[str, int]:
    """Adopt a goal from the menu, with an optional why and if-then plan."""
    user = _user()

    def act() -> str:
        body = {
            "template_id": request.form.get("template_id", ""),
            "count": _number(request.form.get("count")),
            "why": _text("why"),
            "plan": _plan(),
        }
        goal = _invoke("adoptGoal", user, body=_drop_none(body))
        return f"You chose the goal “{goal['title']}”."

    form = f"adopt-{request.form.get('template_id', '')}"
    return _post(_goals_page, form, act, url_for(".goals"))


@pages.post("/goals")
def create_goal() -> Response | tuple[str, int]:
    """Write one's own goal."""
    user = _user()

    def act() -> str:
        measure = _drop_none(
            {
                "event": request.form.get("event", ""),
                "count": _number(request.form.get("count")) or 1,
                "per": _text("per"),
            }
        )
        body = {
            "title": request.form.get("title", "").strip(),
            "measure": measure,
            "why": _text("why"),
            "plan": _plan(),
        }
        goal = _invoke("createGoal", user, body=_drop_none(body))
        return f"You wrote the goal “{goal['title']}”."

    return _post(_goals_page, "create", act, url_for(".goals"))


_ACTIONS = {
    "pause": ("pauseGoal", "paused"),
    "resume": ("resumeGoal", "resumed"),
    "release": ("releaseGoal", "let go of"),
}


@pages.post("/goals/<goal_id>/<action>")
def change_goal(goal_id: str, action: str) -> Response | tuple[str, int]:
    """Pause, resume, release or renegotiate one's own goal."""
    user = _user()
    if action not in {*_ACTIONS, "renegotiate"}:
        abort(404)

    def act() -> str:
        if action == "renegotiate":
            body = _drop_none({"count": _number(request.form.get("count")), "per": _text("per")})
            goal = _invoke("renegotiateGoal", user, {"goal_id": goal_id}, body=body)
            return f"“{goal['title']}” now asks for what you chose."
        operation, verb = _ACTIONS[action]
        goal = _invoke(operation, user, {"goal_id": goal_id}, body={})
        return f"You {verb} “{goal['title']}”."

    return _post(_goals_page, f"{action}-{goal_id}", act, url_for(".goals"))


# -- skills ---------------------------------------------------------------------------------


def _challenges(user: str, track: str) -> list[dict[str, Any]]:
    source: CandidateSource | None = current_app.config.get("MOTIVEKIT_PAGES_CANDIDATES")
    candidates = None if source is None else source(user, track)
    if not candidates:
        return []
    try:
        found = _invoke(
            "nextChallenges", user, {"track_id": track}, query={"candidates": candidates}
        )
    except ApiProblem as problem:  # the host's candidates: its log says why, the page stays
        current_app.logger.warning("next challenges for %s: %s", track, problem.detail)
        return []
    link: ChallengeLink = current_app.config.get("MOTIVEKIT_PAGES_CHALLENGE_LINK") or (
        lambda item: (item, None)
    )
    return [{**c, "label": link(c["id"])[0], "url": link(c["id"])[1]} for c in found["challenges"]]


def _skills_page(**context: Any) -> tuple[str, int]:
    user = _user()
    skills = _invoke("listSkills", user)["skills"]
    challenges = {s["track"]: _challenges(user, s["track"]) for s in skills}
    forms = {f"band-{s['track']}" for s in skills}
    return _render(
        "motivekit/skills.html", forms=forms, skills=skills, challenges=challenges, **context
    )


@pages.get("/skills")
def skills() -> tuple[str, int]:
    """My skills: level, evidence, next challenges and the band I set."""
    return _skills_page()


@pages.post("/skills/<track_id>/band")
def set_band(track_id: str) -> Response | tuple[str, int]:
    """Set (or reset) the band of predicted success one's next challenges aim for."""
    user = _user()

    def act() -> str:
        if request.form.get("reset"):
            body: dict[str, Any] = {"band": None}
        else:
            low, high = _float(request.form.get("band_0")), _float(request.form.get("band_1"))
            band = [low, high]
            body = {"band": [x / 100 if isinstance(x, float) else x for x in band]}
        _invoke("setBand", user, {"track_id": track_id}, body=body)
        return "Your challenge band is saved."

    return _post(_skills_page, f"band-{track_id}", act, url_for(".skills"))


# -- impact, missions -----------------------------------------------------------------------


@pages.get("/impact")
def impact() -> tuple[str, int]:
    """My impact: stories of who my contributions helped."""
    user = _user()
    query = _drop_none({"cursor": request.args.get("cursor")})
    try:
        feed = _invoke("impactFeed", user, query=query)
    except ApiProblem as problem:
        abort(problem.status, problem.detail)
    return _render("motivekit/impact.html", feed=feed, explained=None)


@pages.get("/impact/<entry_id>/why")
def impact_why(entry_id: str) -> tuple[str, int]:
    """Why one story is in my feed: the events behind it."""
    user = _user()
    try:
        explained = _invoke("explainImpact", user, {"entry_id": entry_id})
    except ApiProblem as problem:
        abort(problem.status, problem.detail)
    return _render("motivekit/impact.html", feed=None, explained=explained)


@pages.get("/missions")
def missions() -> tuple[str, int]:
    """The collective missions: the group's progress and my part."""
    user = _user()
    return _render("motivekit/missions.html", missions=_invoke("listMissions", user)["missions"])


# -- settings -------------------------------------------------------------------------------


def _settings_page(**context: Any) -> tuple[str, int]:
    user = _user()
    consent = _invoke("getConsent", user)["mechanics"]
    preferences = _invoke("getImpactPreferences", user)
    return _render("motivekit/settings.html", consent=consent, preferences=preferences, **context)


@pages.get("/settings")
def settings() -> tuple[str, int]:
    """My settings: consent per mechanic, how I am named in others' stories."""
    return _settings_page()


@pages.post("/settings")
def save_settings() -> Response | tuple[str, int]:
    """Save the choices that changed (each is its own journal entry)."""
    user = _user()

    def act() -> str:
        current = {m["mechanic"]: m["enabled"] for m in _invoke("getConsent", user)["mechanics"]}
        for mechanic in MECHANICS:
            chosen = request.form.get(f"consent_{mechanic}")
            if chosen is None:
                continue
            enabled: Any = {"on": True, "off": False}.get(chosen, chosen)
            if enabled != current.get(mechanic):
                _invoke("setConsent", user, {"mechanic": mechanic}, body={"enabled": enabled})
        visibility = _text("visibility")
        if visibility is not None:
            _invoke("setImpactPreferences", user, body={"visibility": visibility})
        return "Your settings are saved."

    return _post(_settings_page, "settings", act, url_for(".settings"))


@pages.errorhandler(401)
def _not_signed_in(error: Exception) -> tuple[str, int]:
    return _render("motivekit/signed_out.html", status=401)


# -- explain --------------------------------------------------------------------------------


def _explain(operation: str, path: Mapping[str, str], what: str, back: str) -> tuple[str, int]:
    user = _user()
    try:
        found = _invoke(operation, user, path)
    except ApiProblem as problem:
        abort(problem.status, problem.detail)
    return _render("motivekit/explain.html", what=what, lines=found["lines"], back=back)


@pages.get("/goals/<goal_id>/why")
def goal_why(goal_id: str) -> tuple[str, int]:
    """Why my goal shows the progress it does: the entries that shaped it."""
    return _explain("explainGoal", {"goal_id": goal_id}, "goal", url_for(".goals"))


@pages.get("/skills/<track_id>/why")
def skill_why(track_id: str) -> tuple[str, int]:
    """Why my skill reads as it does: the evidence behind it."""
    return _explain("explainSkill", {"track_id": track_id}, "skill", url_for(".skills"))
