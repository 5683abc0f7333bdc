"""The goal menu: templates people may adopt, and what an adopted goal follows.

A menu offers; it never assigns. It is part of the Kit's runtime (see
``motivekit._runtime``), so a new design file replaces it whole.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from motivekit._errors import InvalidGoal, UnknownTemplate
from motivekit.goals._model import GoalTemplate

__all__ = ["ADOPTED_FIELDS", "Menu", "template_args"]

ADOPTED_FIELDS = ("count", "per", "title")
"""What an adopter may set that would otherwise follow the template (recorded as
``chosen`` on ``goal.create``, so a replay under a changed template keeps their choices)."""


@attrs.frozen
class Menu:
    """The templates on offer, in the order they were offered."""

    templates: Mapping[str, GoalTemplate] = attrs.field(factory=dict)
    allow_custom: bool = True
    """Whether people may write goals of their own (the design file decides)."""

    @classmethod
    def of(cls, templates: Iterable[GoalTemplate], *, allow_custom: bool = True) -> Menu:
        """A menu of ``templates``; :class:`InvalidGoal` for a non-template or a repeated id."""
        menu = cls(allow_custom=allow_custom)
        for template in templates:
            menu = menu.offer(template)
        return menu

    def offer(self, template: GoalTemplate) -> Menu:
        """This menu with ``template`` added. Offering never creates a goal for anyone."""
        if not isinstance(template, GoalTemplate):
            raise InvalidGoal(f"offer() takes a GoalTemplate, got {type(template).__name__}")
        if template.id in self.templates:
            raise InvalidGoal(f"a template with id {template.id!r} is already on the menu")
        return attrs.evolve(self, templates={**self.templates, template.id: template})

    def template(self, template_id: str) -> GoalTemplate:
        """The template with ``template_id``, or :class:`UnknownTemplate`."""
        try:
            return self.templates[template_id]
        except (KeyError, TypeError):
            offered = ", ".join(map(repr, self.templates)) or "none"
            raise UnknownTemplate(
                f"no goal template {template_id!r} on the menu; offered: {offered}"
            ) from None


def template_args(args: Mapping[str, Any], menu: Menu) -> dict[str, Any]:
    """A ``goal.create`` command's arguments under ``menu``.

    An adopted goal follows its template (what it counts, the target and cadence, the
    title) except for what the adopter chose themselves. Goals of a person's own making,
    and goals whose template is no longer on the menu, keep what was recorded. Visibility
    is never changed by a new template: who sees a goal stays the owner's choice.
    """
    template = menu.templates.get(args.get("template") or "")
    if template is None:
        return dict(args)
    chosen = set(args.get("chosen", ADOPTED_FIELDS))
    recorded = args["measure"]
    measure = template.measure.to_json()
    for field in ("count", "per"):
        if field in chosen:
            measure[field] = recorded.get(field)
    title = args["title"] if "title" in chosen else template.title
    return {**args, "measure": measure, "title": title}
