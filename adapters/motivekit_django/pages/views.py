"""The pages' views: :class:`motivekit.pages.PersonPages` decides, Django renders.

A read that the API refuses (someone else's goal, an unknown track) renders
``motivekit/problem.html`` with its 4xx status and detail; a refused post renders its page
again with the problem beside its form. Never a 500 for what a person typed.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.conf import settings as django_settings
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render, resolve_url
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from motivekit.api import ApiProblem
from motivekit.pages import Page, PersonPages, Posted
from motivekit_django import get_api, user_id_of
from motivekit_django.conf import get_settings

__all__ = [
    "adopt_goal",
    "change_goal",
    "goal_why",
    "goals",
    "impact",
    "impact_why",
    "missions",
    "set_band",
    "settings",
    "skill_why",
    "skills",
]

PersonView = Callable[..., HttpResponse]
"""A view that gets the signed-in person's :class:`PersonPages` after the request."""


def _render(
    request: HttpRequest, template: str, context: dict[str, Any], status: int
) -> HttpResponse:
    match = request.resolver_match
    context = {
        **context,
        "motivekit_layout": get_settings().pages_layout,
        "motivekit_page": match.url_name if match is not None else None,
        "motivekit_messages": messages.get_messages(request),
    }
    return render(request, template, context, status=status)


def _page(request: HttpRequest, page: Page, **extra: Any) -> HttpResponse:
    return _render(request, page.template, {**page.context, **extra}, page.status)


def _login_url(request: HttpRequest) -> str | None:
    try:
        login = resolve_url(django_settings.LOGIN_URL)
    except NoReverseMatch:
        return None
    return f"{login}?{urlencode({REDIRECT_FIELD_NAME: request.get_full_path()})}"


def _person(view: PersonView) -> Callable[..., HttpResponse]:
    """Run ``view`` for the signed-in person (401 and a sign-in page for nobody); a read
    the API refuses is shown with its status and detail."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = user_id_of(request)
        if user is None:
            context = {"motivekit_login_url": _login_url(request)}
            return _render(request, "motivekit/signed_out.html", context, 401)
        options = get_settings()
        person = PersonPages(
            get_api(),
            user,
            candidates=options.pages_candidates,
            challenge_link=options.pages_challenge_link,
        )
        try:
            return view(request, person, *args, **kwargs)
        except ApiProblem as problem:
            return _render(request, "motivekit/problem.html", {"problem": problem}, problem.status)

    return wrapper


def _posted(request: HttpRequest, outcome: Posted | Page, target: str) -> HttpResponse:
    """POST, then redirect (303), then GET; a refused post is its page again, with its 4xx."""
    if isinstance(outcome, Page):
        return _page(request, outcome)
    messages.success(request, outcome.message, fail_silently=True)  # without the app: no note
    return HttpResponseRedirect(reverse(target), status=303)


# -- goals ----------------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
@_person
def goals(request: HttpRequest, person: PersonPages) -> HttpResponse:
    """My goals, the menu, and a form to write one's own (a POST writes it)."""
    if request.method == "POST":
        return _posted(request, person.create_goal(request.POST), "motivekit_pages:goals")
    return _page(request, person.goals())


@require_POST
@_person
def adopt_goal(request: HttpRequest, person: PersonPages) -> HttpResponse:
    """Adopt a goal from the menu, with an optional why and if-then plan."""
    return _posted(request, person.adopt_goal(request.POST), "motivekit_pages:goals")


@require_POST
@_person
def change_goal(
    request: HttpRequest, person: PersonPages, goal_id: str, action: str
) -> HttpResponse:
    """Pause, resume, release or renegotiate one's own goal."""
    outcome = person.change_goal(goal_id, action, request.POST)
    return _posted(request, outcome, "motivekit_pages:goals")


@require_safe
@_person
def goal_why(request: HttpRequest, person: PersonPages, goal_id: str) -> HttpResponse:
    """Why my goal shows the progress it does: the entries that shaped it."""
    back = reverse("motivekit_pages:goals")
    return _page(request, person.explain_goal(goal_id), back=back)


# -- skills ---------------------------------------------------------------------------------


@require_safe
@_person
def skills(request: HttpRequest, person: PersonPages) -> HttpResponse:
    """My skills: level, evidence, next challenges and the band I set."""
    return _page(request, person.skills())


@require_POST
@_person
def set_band(request: HttpRequest, person: PersonPages, track_id: str) -> HttpResponse:
    """Set (or reset) the band of predicted success one's next challenges aim for."""
    return _posted(request, person.set_band(track_id, request.POST), "motivekit_pages:skills")


@require_safe
@_person
def skill_why(request: HttpRequest, person: PersonPages, track_id: str) -> HttpResponse:
    """Why my skill reads as it does: the evidence behind it."""
    back = reverse("motivekit_pages:skills")
    return _page(request, person.explain_skill(track_id), back=back)


# -- impact, missions -----------------------------------------------------------------------


@require_safe
@_person
def impact(request: HttpRequest, person: PersonPages) -> HttpResponse:
    """My impact: stories of who my contributions helped, older ones a page further."""
    return _page(request, person.impact(request.GET.get("cursor")))


@require_safe
@_person
def impact_why(request: HttpRequest, person: PersonPages, entry_id: str) -> HttpResponse:
    """Why one story is in my feed: the events behind it."""
    return _page(request, person.impact_why(entry_id))


@require_safe
@_person
def missions(request: HttpRequest, person: PersonPages) -> HttpResponse:
    """The collective missions: the group's progress and my part."""
    return _page(request, person.missions())


# -- settings -------------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
@_person
def settings(request: HttpRequest, person: PersonPages) -> HttpResponse:
    """My settings: consent per mechanic, how I am named in others' stories (a POST saves
    the choices that changed, each its own journal entry)."""
    if request.method == "POST":
        return _posted(request, person.save_settings(request.POST), "motivekit_pages:settings")
    return _page(request, person.settings())
