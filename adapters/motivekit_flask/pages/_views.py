"""The pages' routes: :class:`motivekit.pages.PersonPages` decides, Flask renders.

A post that the API refuses re-renders the same page with the problem's detail beside
the form (and each field's own message beside the field), answering with the problem's
status: 4xx, never 500, and nothing written.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from markupsafe import Markup
from werkzeug.wrappers import Response

from motivekit.api import ApiProblem
from motivekit.pages import STYLESHEET, CandidateSource, ChallengeLink, Page, PersonPages, Posted
from motivekit_flask._extension import current_api, current_user_id

__all__ = ["pages"]

pages = Blueprint("motivekit_pages", __name__, template_folder="../templates")
"""The drop-in pages; mount with ``app.register_blueprint(pages, url_prefix="/me")``."""


@pages.app_template_global("motivekit_stylesheet")
def _stylesheet() -> Markup:
    """The pages' shared CSS (``motivekit.pages.STYLESHEET``), for ``mk.styles()``."""
    return Markup(STYLESHEET)  # shipped with the package, not user input


def _person() -> PersonPages:
    """The signed-in person's pages (401 for nobody), with the host's
    ``MOTIVEKIT_PAGES_CANDIDATES`` (a :data:`~motivekit.pages.CandidateSource`) and
    ``MOTIVEKIT_PAGES_CHALLENGE_LINK`` (a :data:`~motivekit.pages.ChallengeLink`)."""
    user = current_user_id()
    if user is None:
        abort(401)
    candidates: CandidateSource | None = current_app.config.get("MOTIVEKIT_PAGES_CANDIDATES")
    link: ChallengeLink | None = current_app.config.get("MOTIVEKIT_PAGES_CHALLENGE_LINK")
    return PersonPages(current_api, user, candidates=candidates, challenge_link=link)


def _layout() -> str:
    return str(current_app.config.get("MOTIVEKIT_PAGES_LAYOUT") or "motivekit/layout.html")


def _render(page: Page, **extra: object) -> tuple[str, int]:
    html = render_template(page.template, motivekit_layout=_layout(), **page.context, **extra)
    return html, page.status


def _read(read: Callable[[], Page], **extra: object) -> tuple[str, int]:
    """Render a page whose read the API may refuse (an unknown id: its 4xx)."""
    try:
        page = read()
    except ApiProblem as problem:
        abort(problem.status, problem.detail)
    return _render(page, **extra)


def _posted(outcome: Posted | Page, target: str) -> Response | tuple[str, int]:
    """POST, then redirect, then GET; a refused post is its page again, with its 4xx."""
    if isinstance(outcome, Page):
        return _render(outcome)
    flash(outcome.message)
    return redirect(target, code=303)


# -- goals ----------------------------------------------------------------------------------


@pages.get("/goals")
def goals() -> tuple[str, int]:
    """My goals, the menu, and a form to write one's own."""
    return _render(_person().goals())


@pages.post("/goals/adopt")
def adopt_goal() -> Response | tuple[str, int]:
    """Adopt a goal from the menu, with an optional why and if-then plan."""
    return _posted(_person().adopt_goal(request.form), url_for(".goals"))


@pages.post("/goals")
def create_goal() -> Response | tuple[str, int]:
    """Write one's own goal."""
    return _posted(_person().create_goal(request.form), url_for(".goals"))


@pages.post("/goals/<goal_id>/<action>")
def change_goal(goal_id: str, action: str) -> Response | tuple[str, int]:
    """Pause, resume, release or renegotiate one's own goal."""
    person = _person()
    try:
        outcome = person.change_goal(goal_id, action, request.form)
    except ApiProblem as problem:  # not an action
        abort(problem.status, problem.detail)
    return _posted(outcome, url_for(".goals"))


@pages.get("/goals/<goal_id>/why")
def goal_why(goal_id: str) -> tuple[str, int]:
    """Why my goal shows the progress it does: the entries that shaped it."""
    return _read(lambda: _person().explain_goal(goal_id), back=url_for(".goals"))


# -- skills ---------------------------------------------------------------------------------


@pages.get("/skills")
def skills() -> tuple[str, int]:
    """My skills: level, evidence, next challenges and the band I set."""
    return _render(_person().skills())


@pages.post("/skills/<track_id>/band")
def set_band(track_id: str) -> Response | tuple[str, int]:
    """Set (or reset) the band of predicted success one's next challenges aim for."""
    return _posted(_person().set_band(track_id, request.form), url_for(".skills"))


@pages.get("/skills/<track_id>/why")
def skill_why(track_id: str) -> tuple[str, int]:
    """Why my skill reads as it does: the evidence behind it."""
    return _read(lambda: _person().explain_skill(track_id), back=url_for(".skills"))


# -- impact, missions -----------------------------------------------------------------------


@pages.get("/impact")
def impact() -> tuple[str, int]:
    """My impact: stories of who my contributions helped."""
    return _read(lambda: _person().impact(request.args.get("cursor")))


@pages.get("/impact/<entry_id>/why")
def impact_why(entry_id: str) -> tuple[str, int]:
    """Why one story is in my feed: the events behind it."""
    return _read(lambda: _person().impact_why(entry_id))


@pages.get("/missions")
def missions() -> tuple[str, int]:
    """The collective missions: the group's progress and my part."""
    return _render(_person().missions())


# -- settings -------------------------------------------------------------------------------


@pages.get("/settings")
def settings() -> tuple[str, int]:
    """My settings: consent per mechanic, how I am named in others' stories."""
    return _render(_person().settings())


@pages.post("/settings")
def save_settings() -> Response | tuple[str, int]:
    """Save the choices that changed (each is its own journal entry)."""
    return _posted(_person().save_settings(request.form), url_for(".settings"))


@pages.errorhandler(401)
def _not_signed_in(error: Exception) -> tuple[str, int]:
    html = render_template("motivekit/signed_out.html", motivekit_layout=_layout())
    return html, 401
