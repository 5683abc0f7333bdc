"""Impact stories: the sentences a feed tells, in words rather than numbers to climb.

A story names who was helped (``bob found your answer helpful``); several people helped
by the same contribution in the same week are told as one story (``12 people found your
answer helpful this week``). A beneficiary who chose to stay anonymous, or who was
forgotten, is "someone". Templates come from a checked design file, so they use only the
placeholders ``motivekit.rules._story_template`` allows.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

__all__ = ["SOMEONE", "tell", "who"]

SOMEONE = "someone"


def who(people: int, names: Sequence[str]) -> str:
    """Who was helped, in words: one or two names, else how many people."""
    if people <= 1:
        return names[0] if names else SOMEONE
    if people == 2 and len(names) == 2 and names.count(SOMEONE) < 2:
        return f"{names[0]} and {names[1]}"
    return f"{people} people"


def tell(
    kind: str,
    template: str | None,
    noun: str,
    people: int,
    names: Sequence[str],
    week: date,
    this_week: date,
) -> str:
    """The story of one feed entry (see :class:`motivekit.FeedEntry`)."""
    helped = who(people, names)
    if kind == "direct" and template is not None:
        text = template.format(beneficiary=helped, noun=noun)
    elif kind == "built-on":
        text = f"Work built on your {noun} helped {helped}"
    else:
        text = f"Work by people you brought in helped {helped}"
    if text.startswith(SOMEONE):
        text = text[0].upper() + text[1:]
    if people > 1:
        text += " this week" if week == this_week else f" in the week of {_day(week)}"
    return text


def _day(day: date) -> str:
    return f"{day.day} {day:%b %Y}"
