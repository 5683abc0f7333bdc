"""Where the linter finds the words a team writes, and how it points at a phrase in them.

Menu titles and descriptions, level names, story templates and mission titles are what
people read; a finding names the text and points at the phrase's own line and column
when the file writes the text plainly on the value's first line.
"""

from __future__ import annotations

from collections.abc import Iterator

from motivekit.rules._load import Rules
from motivekit.rules._yaml import Path_

__all__ = ["inside", "says", "texts"]


def texts(rules: Rules) -> Iterator[tuple[Path_, str, str]]:
    """(path, what it is, text) of every text people read: menu titles and descriptions,
    level names, story templates and mission titles."""
    design = rules.design
    for i, goal in enumerate(design.goals.menu):
        yield ("goals", "menu", i, "title"), f"the title of goal {goal.id!r}", goal.title
        if goal.description is not None:
            here: Path_ = ("goals", "menu", i, "description")
            yield here, f"the description of goal {goal.id!r}", goal.description
    for i, track in enumerate(design.tracks):
        for j, level in enumerate(track.levels):
            what = f"level {level.name!r} of track {track.id!r}"
            yield ("tracks", i, "levels", j, "name"), what, level.name
    for i, event in enumerate(design.impact.beneficiary_events):
        what = f"the story told on {event.on}"
        yield ("impact", "beneficiary_events", i, "story"), what, event.story
    for i, mission in enumerate(design.missions):
        yield ("missions", i, "title"), f"the title of mission {mission.id!r}", mission.title


def says(what: str, phrase: str) -> str:
    return (
        f"{what} says {phrase!r}, which tells people what they must do or rushes them; say "
        "what the work does and for whom, and leave the choice to them (you could, if you "
        "like, when it suits you)"
    )


def inside(rules: Rules, path: Path_, text: str, offset: int, length: int) -> tuple[int, int]:
    """(line, column) of ``text[offset:]`` where the file writes it on the value's first
    line (after an opening quote); the value's own position when the text is written
    differently there (escapes, a block scalar, a later line)."""
    line, column = rules.where(path)
    if not 0 < line <= len(rules.lines):
        return line, column
    written = rules.lines[line - 1]
    start = column - 1
    if written[start : start + 1] in ("'", '"'):
        start += 1
    end = offset + length
    if written[start : start + end] == text[:end]:
        return line, start + offset + 1
    return line, column
