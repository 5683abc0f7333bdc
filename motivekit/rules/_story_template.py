"""What a story template in ``impact.beneficiary_events[].story`` may contain.

That is part of the design-file format, so the loader checks it here; the impact feature
only fills checked templates in (``motivekit.impact._stories``).
"""

from __future__ import annotations

import string

__all__ = ["FIELDS", "check_story"]

FIELDS = ("beneficiary", "noun")
"""The placeholders a story template may use."""


def check_story(template: str) -> str | None:
    """What is wrong with a story template, if anything."""
    try:
        parts = list(string.Formatter().parse(template))
    except ValueError as exc:
        return f"is not a valid story template ({exc}); write placeholders as {{beneficiary}}"
    used = set()
    for _, field, spec, conversion in parts:
        if field is None:
            continue
        if field not in FIELDS or spec or conversion:
            shown = (
                "{"
                + field
                + (f"!{conversion}" if conversion else "")
                + (f":{spec}" if spec else "")
                + "}"
            )
            return f"uses {shown}; a story may use only " + " and ".join(
                "{" + f + "}" for f in FIELDS
            )
        used.add(field)
    if "beneficiary" not in used:
        return "must name who was helped with {beneficiary}, e.g. '{beneficiary} used your fix'"
    return None
