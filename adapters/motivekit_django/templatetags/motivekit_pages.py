"""The pieces the page templates are made of, for host templates too::

    {% load motivekit_pages %}
    {% mk_nav %}  {% mk_problem "create" %}  {% mk_field "create" "title" "My goal" required=True %}

Each tag renders a template of its own (``motivekit/_field.html`` …), so a host restyles a
piece by shipping a template of that name. The form tags read ``failed`` (the refusal the
view put in the context: its form, problem and field messages) and ``values`` (the posted
fields, kept when a post is refused) from the page's context.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString, mark_safe

from motivekit.pages import STYLESHEET

register = template.Library()

NAV = (
    ("goals", "My goals"),
    ("skills", "My skills"),
    ("impact", "My impact"),
    ("missions", "My missions"),
    ("settings", "My settings"),
)
"""The pages' navigation: URL name (in the ``motivekit_pages`` namespace) and link text."""
PERIODS = (("", "In total"), ("day", "Each day"), ("week", "Each week"), ("month", "Each month"))


@register.simple_tag
def mk_stylesheet() -> SafeString:
    """The pages' shared CSS (``motivekit.pages.STYLESHEET``), inside ``_styles.html``."""
    return mark_safe(STYLESHEET)  # shipped with the package, not user input


def _failed_here(context: template.Context, form: str) -> dict[str, Any] | None:
    failed = context.get("failed")
    return failed if failed and failed.get("form") == form else None


@register.inclusion_tag("motivekit/_problem.html", takes_context=True)
def mk_problem(context: template.Context, form: str) -> dict[str, Any]:
    """The refusal of ``form`` (a ``role="alert"`` box), if that form was refused."""
    failed = _failed_here(context, form)
    return {"form": form, "problem": failed["problem"] if failed else None}


@register.inclusion_tag("motivekit/_field.html", takes_context=True)
def mk_field(
    context: template.Context,
    form: str,
    name: str,
    label: str,
    type: str = "text",
    value: object = "",
    hint: str | None = None,
    required: bool = False,
    min: object = None,
    max: object = None,
) -> dict[str, Any]:
    """A labelled input with its hint and, when its form was refused, its own message
    (``aria-invalid``, ``aria-describedby``) and the value that was posted."""
    failed = _failed_here(context, form)
    error = failed["fields"].get(name) if failed else None
    if failed and context.get("values") is not None:
        value = context["values"].get(name, value)
    fid = f"{form}-{name}"
    described = " ".join(
        part for part, shown in ((f"{fid}-hint", hint), (f"{fid}-error", error)) if shown
    )
    return {
        "fid": fid,
        "name": name,
        "label": label,
        "type": type,
        "value": "" if value is None else value,
        "hint": hint,
        "error": error,
        "required": required,
        "min": min,
        "max": max,
        "described": described,
    }


@register.inclusion_tag("motivekit/_per_select.html", takes_context=True)
def mk_per_select(
    context: template.Context, form: str, selected: str | None = None, name: str = "per"
) -> dict[str, Any]:
    """How often a goal counts: in total, each day, week or month."""
    failed = _failed_here(context, form)
    if failed and context.get("values") is not None:
        selected = context["values"].get(name, selected)
    return {
        "fid": f"{form}-{name}",
        "name": name,
        "error": failed["fields"].get(name) if failed else None,
        "options": [(value, text, value == (selected or "")) for value, text in PERIODS],
    }


@register.inclusion_tag("motivekit/_plan_fields.html", takes_context=True)
def mk_plan_fields(context: template.Context, form: str) -> dict[str, Any]:
    """The optional if-then plan: "When…" and "then I will…"."""
    return {"form": form, "failed": context.get("failed"), "values": context.get("values")}


@register.inclusion_tag("motivekit/_nav.html", takes_context=True)
def mk_nav(context: template.Context) -> dict[str, Any]:
    """The links between the pages; the current one has ``aria-current="page"``."""
    current = context.get("motivekit_page")
    return {"links": [(f"motivekit_pages:{name}", text, name == current) for name, text in NAV]}


@register.filter
def mk_percent(fraction: float | None) -> int | None:
    """0.755 → 76 (a share shown in whole percent)."""
    return None if fraction is None else round(fraction * 100)


MECHANIC_NAMES = {
    "goals": "Goals I choose",
    "mastery": "Skill tracking",
    "impact": "Impact stories",
    "nudges": "Gentle reminders",
}
"""How the settings page names each mechanic one may switch on or off."""


@register.filter
def mk_mechanic(mechanic: str) -> str:
    """A mechanic's name as a person reads it ("nudges" → "Gentle reminders")."""
    return MECHANIC_NAMES.get(mechanic, mechanic)


@register.filter
def mk_get(mapping: dict[str, Any] | None, key: str) -> Any:
    """``mapping[key]``, or an empty list when it is not there (the skills' challenges)."""
    return (mapping or {}).get(key, [])
