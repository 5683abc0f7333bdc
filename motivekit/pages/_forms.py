"""Form fields as the API's JSON values: a whole number as an int, an empty field as absent.

Anything that does not parse is passed on unchanged, so the API's validation names it
beside its field (one set of messages for the JSON API and the pages).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["drop_none", "number", "percent", "plan", "text"]

Form = Mapping[str, str]
"""A posted form: Werkzeug's ``request.form``, Django's ``request.POST``, a dict."""


def number(value: str | None) -> int | str | None:
    """A whole number as an int; empty is None; anything else is passed on as it is."""
    if value is None or not value.strip():
        return None
    value = value.strip()
    return int(value) if value.isdigit() else value


def percent(value: str | None) -> float | str | None:
    """A percentage field (``"75"``) as a fraction (0.75); anything else passed on."""
    if value is None or not value.strip():
        return None
    try:
        return float(value) / 100
    except ValueError:
        return value.strip()


def text(form: Form, name: str) -> str | None:
    """The field's text, stripped; empty is None."""
    value = (form.get(name) or "").strip()
    return value or None


def plan(form: Form) -> dict[str, str] | None:
    """The if-then plan from ``plan_when``/``plan_then``; one half alone is passed on for
    the API to say the other is missing."""
    when, then = text(form, "plan_when"), text(form, "plan_then")
    if when is None and then is None:
        return None
    return {"when": when or "", "then": then or ""}


def drop_none(body: Mapping[str, Any]) -> dict[str, Any]:
    """``body`` without its absent (None) values."""
    return {k: v for k, v in body.items() if v is not None}
