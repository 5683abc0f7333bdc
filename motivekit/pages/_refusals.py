"""A refused post as the page shows it: each field's message, in a person's words."""

from __future__ import annotations

import re

from motivekit.api import ApiProblem

__all__ = ["field_errors", "for_people"]


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


_SWITCHED_OFF = (
    "You have switched {what} off in your settings, so nothing was changed. You can switch "
    "{it} back on there whenever you like."
)
_MECHANIC = re.compile(r"switched (\w+) off")


def for_people(problem: ApiProblem) -> ApiProblem:
    """The problem as a person reads it on a page: a consent refusal's detail is written
    for developers (it names the call that switches the mechanic back on)."""
    if problem.code != "ConsentRequired":
        return problem
    found = _MECHANIC.search(problem.detail)
    what, it = (found.group(1), "them") if found else ("this", "it")
    detail = _SWITCHED_OFF.format(what=what, it=it)
    return ApiProblem(problem.status, detail=detail, code=problem.code)
