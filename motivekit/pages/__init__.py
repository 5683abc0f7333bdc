"""The drop-in pages' view logic, free of any web framework: what each page reads and what
each form post sends, through :meth:`motivekit.api.Api.invoke`.

The Flask and Django adapters only route, render and redirect; everything a page decides
(which operations it calls, how a form becomes an API body, where a refusal is shown and in
which words) is here, once::

    person = PersonPages(api, "ada")
    page = person.goals()                       # Page: template name + context
    outcome = person.adopt_goal(request.form)   # Posted(message) or a refused Page

Invariants:

* A read that the API refuses raises :class:`motivekit.api.ApiProblem` (the adapter shows
  its status and detail); a post that the API refuses never raises: it gives the same page
  again with the problem beside its form (``context["failed"]``) and the problem's 4xx
  ``status``, and nothing was written.
* A :class:`Page` names its template (``motivekit/goals.html`` …); both adapters ship
  templates of those names with the same context keys.
"""

from __future__ import annotations

from motivekit.pages._person import (
    GOAL_ACTIONS,
    MECHANICS,
    CandidateSource,
    ChallengeLink,
    Page,
    PersonPages,
    Posted,
)
from motivekit.pages._refusals import field_errors, for_people
from motivekit.pages._styles import STYLESHEET

__all__ = [
    "GOAL_ACTIONS",
    "MECHANICS",
    "STYLESHEET",
    "CandidateSource",
    "ChallengeLink",
    "Page",
    "PersonPages",
    "Posted",
    "field_errors",
    "for_people",
]
