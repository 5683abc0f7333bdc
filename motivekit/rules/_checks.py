"""The checks of a design file beyond its types, and of skill tracks defined in code.

:func:`semantic` checks what the classes cannot say (ranges, order, unique ids, event
kinds, story templates); :func:`unsupported` names the mechanics motivekit can describe
but will not run. Every expression is compiled and checked for the kind of value it can
give (a difficulty that can never be a number is a problem). The checks yield
``(path, message)`` pairs rather than raise, so the loader reports every problem at once;
:func:`check_track` raises them together as one :class:`~motivekit.InvalidTrack`.
"""

from __future__ import annotations

import ast
import math
import re
from collections.abc import Callable, Iterator
from datetime import date
from itertools import pairwise
from typing import Any

import attrs

from motivekit._errors import InvalidTrack
from motivekit._model import KIND_PATTERN
from motivekit.rules._expr import Expression, ExpressionError, compile_expression, describe_kinds
from motivekit.rules._model import MAX_DAYS, Design, Retention, Track
from motivekit.rules._story_template import check_story
from motivekit.rules._structure import CONVERTER, structure_problems
from motivekit.rules._yaml import Path_, dotted_path

__all__ = [
    "EVENT_NAMES",
    "EXPRESSIONS",
    "KIND_CHECKS",
    "SILENCE_AT",
    "TRACK_EVIDENCE",
    "UNSUPPORTED_HINT",
    "check_track",
    "compile_field",
    "expression_texts",
    "semantic",
    "unsupported",
]

EVENT_NAMES = ("event", "owner")
"""Names an expression may read: the event, and the person whose state it updates."""


def semantic(design: Design) -> Iterator[tuple[Path_, str]]:
    """What is wrong with a structured design beyond its types (expressions aside)."""
    if design.version < 1:
        yield ("version",), "must be a whole number >= 1"
    yield from _unique([g.id for g in design.goals.menu], ("goals", "menu"))
    for i, goal in enumerate(design.goals.menu):
        here: Path_ = ("goals", "menu", i, "measure")
        yield from _kind(goal.measure.event, (*here, "event"))
        if not 1 <= goal.measure.count <= 1_000_000:
            yield (*here, "count"), "must be from 1 to 1,000,000"
    yield from _unique([t.id for t in design.tracks], ("tracks",))
    for i, track in enumerate(design.tracks):
        yield from _track(track, ("tracks", i))
    for i, rule in enumerate(design.impact.contributions):
        yield from _kind(rule.on, ("impact", "contributions", i, "on"))
    for i, rule in enumerate(design.impact.contributions):
        if not rule.noun.strip():
            yield ("impact", "contributions", i, "noun"), "must not be empty, e.g. 'answer'"
    for i, event_rule in enumerate(design.impact.beneficiary_events):
        yield from _kind(event_rule.on, ("impact", "beneficiary_events", i, "on"))
        wrong = check_story(event_rule.story)
        if wrong is not None:
            yield ("impact", "beneficiary_events", i, "story"), wrong
    attribution = design.impact.attribution
    if not 0 < attribution.decay < 1:
        yield ("impact", "attribution", "decay"), "must be between 0 and 1 (exclusive)"
    if not 1 <= attribution.max_depth <= 20:
        yield ("impact", "attribution", "max_depth"), "must be from 1 to 20"
    yield from _unique([m.id for m in design.missions], ("missions",))
    for i, mission in enumerate(design.missions):
        yield from _kind(mission.target.event, ("missions", i, "target", "event"))
        if mission.target.count < 1:
            yield ("missions", i, "target", "count"), "must be at least 1"
        if not mission.target.unit.strip():
            yield ("missions", i, "target", "unit"), "must not be empty, e.g. 'pages'"
        stones = mission.milestones
        if any(b <= a for a, b in pairwise(stones)):
            yield ("missions", i, "milestones"), "must be in ascending order"
        if any(not 0 < s <= mission.target.count for s in stones):
            yield (
                ("missions", i, "milestones"),
                f"each must be above 0 and at most the target ({mission.target.count})",
            )
    if design.nudges.max_per_week < 0:
        yield ("nudges", "max_per_week"), "must be 0 or more"
    for i, goal in enumerate(design.goals.menu):
        if goal.deadline is not None and not _is_date(goal.deadline):
            yield ("goals", "menu", i, "deadline"), "must be a date written YYYY-MM-DD"
    yield from _unique([b.id for b in design.leaderboards], ("leaderboards",))
    if design.lint.max_nudges_per_week < 0:
        yield ("lint", "max_nudges_per_week"), "must be 0 or more"
    for i, silence in enumerate(design.lint.silence):
        if not silence.reason.strip():
            yield (
                ("lint", "silence", i, "reason"),
                "say why this rule is silenced (reviewers read the reason)",
            )
        if silence.at is not None and not SILENCE_AT.fullmatch(silence.at):
            yield (
                ("lint", "silence", i, "at"),
                f"{silence.at!r} is not a dotted path like goals.menu[0] or nudges.default",
            )


SILENCE_AT = re.compile(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*|\[(?:0|[1-9][0-9]*)\])*", re.ASCII)
"""A dotted path as findings give it, e.g. ``goals.menu[0].assigned``."""


def _is_date(text: str) -> bool:
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return False  # fromisoformat alone also reads week dates such as 2024-W01-1
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


UNSUPPORTED_HINT = "see 'motivekit rules lint' and docs/designing.md"


def unsupported(design: Design) -> Iterator[tuple[Path_, str]]:
    """Controlling mechanics the file can describe (so designs brought from points engines
    are reviewed, not just rejected) but motivekit will not run."""
    for i, goal in enumerate(design.goals.menu):
        here: Path_ = ("goals", "menu", i)
        if goal.assigned:
            yield (
                (*here, "assigned"),
                "motivekit never creates a goal for someone: goals are offered and adopted "
                f"(set assigned: false; {UNSUPPORTED_HINT})",
            )
        if goal.deadline is not None:
            yield (
                (*here, "deadline"),
                "motivekit does not run fixed deadlines; a cadence (measure.per) the adopter "
                f"may adjust gives a rhythm instead ({UNSUPPORTED_HINT})",
            )
        if goal.streak is not None:
            yield (
                (*here, "streak"),
                "motivekit does not run streaks; progress is never taken away "
                f"({UNSUPPORTED_HINT})",
            )
    for i, _ in enumerate(design.rewards):
        yield (
            ("rewards", i),
            f"motivekit does not give points or badges for doing a task ({UNSUPPORTED_HINT})",
        )
    for i, _ in enumerate(design.leaderboards):
        yield (("leaderboards", i), f"motivekit does not rank people ({UNSUPPORTED_HINT})")
    if design.nudges.default == "on":
        yield (
            ("nudges", "default"),
            "motivekit does not nudge people who never chose nudges: they are opt-in (set "
            f"default: off and let each person switch them on; {UNSUPPORTED_HINT})",
        )
    for i, mission in enumerate(design.missions):
        if mission.show == "ranking":
            yield (
                ("missions", i, "show"),
                f"motivekit does not rank mission members; use own-part or contributors "
                f"({UNSUPPORTED_HINT})",
            )


def _track(track: Track, here: Path_) -> Iterator[tuple[Path_, str]]:
    """What is wrong with one track (its expressions aside: see :func:`compile_field`)."""
    chosen = [n for n in ("elo", "bkt", "criteria") if getattr(track.model, n) is not None]
    if len(chosen) != 1:
        yield (
            (*here, "model"),
            f"choose exactly one model of elo, bkt, criteria (got {len(chosen)})",
        )
    if track.model.bkt is not None:
        for name in ("prior", "learn", "guess", "slip", "mastered"):
            if not 0 < getattr(track.model.bkt, name) < 1:
                yield (*here, "model", "bkt", name), "must be between 0 and 1 (exclusive)"
    if track.model.elo is not None and not 0 <= track.model.elo.guess < 1:
        yield (*here, "model", "elo", "guess"), "must be from 0 up to (not including) 1"
    for i, evidence in enumerate(track.evidence):
        yield from _kind(evidence.on, (*here, "evidence", i, "on"))
    yield from _levels(track, (*here, "levels"))
    band = track.challenge_band
    if len(band) != 2 or not 0 < band[0] < band[1] < 1:
        yield (
            (*here, "challenge_band"),
            "must be [low, high] with 0 < low < high < 1, e.g. [0.70, 0.85]",
        )
    scale = track.scale
    if not math.isfinite(scale.typical):
        yield (*here, "scale", "typical"), "must be a finite number"
    if not 0 < scale.step < math.inf:
        yield (*here, "scale", "step"), "must be above 0 (the difficulty of one logit step)"
    if not scale.typical_tasks.strip():
        yield (
            (*here, "scale", "typical_tasks"),
            "name the typical tasks feedback speaks of, e.g. 'medium reviews'",
        )
    if track.min_evidence < 1:
        yield (*here, "min_evidence"), "must be at least 1"
    if track.retention is not None:
        yield from _retention(track.retention, (*here, "retention"))


def _levels(track: Track, here: Path_) -> Iterator[tuple[Path_, str]]:
    levels = track.levels
    for i, level in enumerate(levels):
        if not 0 <= level.at <= 1:
            yield (*here, i, "at"), "must be from 0 to 1 (every model's estimate is)"
    for i, (before, level) in enumerate(pairwise(levels), start=1):
        if level.at <= before.at:  # only the first: the ones after may be in order again
            yield (
                (*here, i, "at"),
                f"must be above {before.at:g} (level {before.name!r} before it): levels go "
                "in ascending order of 'at'",
            )
            break
    yield from _unique([level.name for level in levels], here, "name")


def _retention(retention: Retention, here: Path_) -> Iterator[tuple[Path_, str]]:
    days = f"must be a number of days above 0 and at most {MAX_DAYS:,}"
    half_life_ok = 0 < retention.half_life_days <= MAX_DAYS
    if not half_life_ok:
        yield (*here, "half_life_days"), days
    if not 0 < retention.cap_days <= MAX_DAYS:
        yield (*here, "cap_days"), days
    elif half_life_ok and retention.cap_days < retention.half_life_days:
        yield (
            (*here, "cap_days"),
            f"must be at least half_life_days ({retention.half_life_days:g})",
        )
    if not 0 < retention.refresh_below < 1:
        yield (*here, "refresh_below"), "must be between 0 and 1 (exclusive)"


def _kind(value: str, path: Path_) -> Iterator[tuple[Path_, str]]:
    if not KIND_PATTERN.fullmatch(value):
        yield path, f"{value!r} is not an event kind (letters, digits and . _ : / -)"


def _unique(ids: list[str], path: Path_, key: str = "id") -> Iterator[tuple[Path_, str]]:
    seen: set[str] = set()
    for i, value in enumerate(ids):
        if value in seen:
            yield (*path, i, key), f"{key} {value!r} is used twice"
        seen.add(value)


TRACK_EVIDENCE = ("tracks", "evidence")

EXPRESSIONS: dict[tuple[str, ...], tuple[str, ...]] = {
    TRACK_EVIDENCE: ("when", "outcome", "difficulty", "item"),
    ("impact", "contributions"): ("id", "builds_on", "referred_by"),
    ("impact", "beneficiary_events"): ("credits", "beneficiary"),
    ("rewards",): ("when",),
}
"""Where expressions live: (section, list) → the expression fields of each item."""


def expression_texts(root: Any) -> Iterator[tuple[Path_, str]]:
    """Every expression string in the raw tree, so they are checked even when other parts
    of the file do not structure."""
    tracks = root.get("tracks")
    if isinstance(tracks, list):
        for t, track in enumerate(tracks):
            if isinstance(track, dict):
                yield from _items(
                    track.get("evidence"),
                    ("tracks", t, "evidence"),
                    EXPRESSIONS[TRACK_EVIDENCE],
                )
    yield from _items(root.get("rewards"), ("rewards",), EXPRESSIONS[("rewards",)])
    impact = root.get("impact")
    if isinstance(impact, dict):
        for section in ("contributions", "beneficiary_events"):
            yield from _items(
                impact.get(section), ("impact", section), EXPRESSIONS[("impact", section)]
            )


def _items(items: Any, path: Path_, fields: tuple[str, ...]) -> Iterator[tuple[Path_, str]]:
    if isinstance(items, list):
        for i, item in enumerate(items):
            if isinstance(item, dict):
                for name in fields:
                    if isinstance(item.get(name), str):
                        yield (*path, i, name), item[name]


def compile_field(path: Path_, text: str) -> tuple[Expression | None, list[tuple[int, str]]]:
    """Compile the expression at ``path`` and check the kinds of value it can give for its
    field: the expression (None if it does not compile) and its problems, each with its
    1-based column within ``text``."""
    try:
        expression = compile_expression(text, EVENT_NAMES)
    except ExpressionError as exc:
        return None, [(exc.column, str(exc))]
    check = KIND_CHECKS.get(tuple(step for step in path if isinstance(step, str)))
    message = check(expression) if check is not None else None
    start = len(text) - len(text.lstrip()) + 1
    return expression, [] if message is None else [(start, message)]


def _difficulty(expression: Expression) -> str | None:
    if "number" in expression.kinds:
        return None
    return (
        "must give a number (the team's difficulty scale), but this expression gives "
        f"{describe_kinds(expression.kinds)}; for an item's id use 'item'"
    )


def _outcome(expression: Expression) -> str | None:
    wanted = "must give true/false or a number from 0 to 1, but this expression gives"
    if not expression.kinds & {"boolean", "number"}:
        return f"{wanted} {describe_kinds(expression.kinds)}"
    number = _number_literal(expression.text)
    if number is not None and not 0 <= number <= 1:
        return f"{wanted} {number!r}"
    return None


def _item(expression: Expression) -> str | None:
    if expression.kinds & {"string", "number"}:
        return None
    return (
        "must give the item's id (a string or a number), but this expression gives "
        f"{describe_kinds(expression.kinds)}"
    )


def _number_literal(text: str) -> int | float | None:
    """The number ``text`` is written as (``0.5``, ``-2``), if it is just a number."""
    try:
        value = ast.literal_eval(text.strip())
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    return None


def _gives(wanted: frozenset[str], what: str) -> Callable[[Expression], str | None]:
    def check(expression: Expression) -> str | None:
        if expression.kinds & wanted:
            return None
        return f"must give {what}, but this expression gives {describe_kinds(expression.kinds)}"

    return check


_ID = _gives(frozenset({"string", "number"}), "an id (a string or a number)")
_IDS = _gives(frozenset({"string", "number", "list"}), "an id or a list of ids")
_PERSON = _gives(frozenset({"string"}), "a person's user id")

KIND_CHECKS: dict[tuple[str, ...], Callable[[Expression], str | None]] = {
    ("tracks", "evidence", "outcome"): _outcome,
    ("tracks", "evidence", "difficulty"): _difficulty,
    ("tracks", "evidence", "item"): _item,
    ("impact", "contributions", "id"): _ID,
    ("impact", "contributions", "builds_on"): _IDS,
    ("impact", "contributions", "referred_by"): _PERSON,
    ("impact", "beneficiary_events", "credits"): _IDS,
    ("impact", "beneficiary_events", "beneficiary"): _PERSON,
}
"""Expressions whose kind of value matters, by field: each check says what is wrong, if
anything (see :attr:`Expression.kinds`)."""


# -- tracks defined in code -------------------------------------------------------------------


def check_track(track: Track, index: int = 0) -> dict[Path_, Expression]:
    """Check a track defined in code as the loader checks a file's ``tracks[index]``.

    Returns its compiled expressions keyed by their path within the track, e.g.
    ``("evidence", 0, "outcome")`` (the form of :meth:`Rules.track_expressions`). On any
    problem raises :class:`~motivekit.InvalidTrack`, whose message lists every one as
    ``tracks[INDEX].evidence[0].difficulty: message``, one per line.
    """
    here: Path_ = ("tracks", index)
    raw: Any = attrs.asdict(track) if attrs.has(type(track)) else track
    problems: list[tuple[Path_, str]] = []
    expressions: dict[Path_, Expression] = {}
    try:  # the types, as strictly as from a file (``"3"`` is not a number)
        checked = CONVERTER.structure(raw, Track)
    except Exception as exc:
        problems += [(p, m) for p, m, _ in structure_problems(exc, here)]
    else:
        problems += _track(checked, here)
    evidence = raw.get("evidence") if isinstance(raw, dict) else None
    for path, text in _items(evidence, ("evidence",), EXPRESSIONS[TRACK_EVIDENCE]):
        expression, found = compile_field((*here, *path), text)
        problems += [((*here, *path), message) for _, message in found]
        if expression is not None:
            expressions[path] = expression
    if problems:
        order = _order(raw, here)
        problems.sort(key=lambda problem: order(problem[0]))
        raise InvalidTrack("\n".join(f"{dotted_path(p)}: {m}" for p, m in problems))
    return expressions


def _order(value: Any, root: Path_) -> Callable[[Path_], int]:
    """Where a path (or its nearest parent) comes in ``value``, as the loader orders
    problems by line and column."""
    found: dict[Path_, int] = {}

    def walk(node: Any, here: Path_) -> None:
        found[here] = len(found)
        if isinstance(node, dict):
            for key, item in node.items():
                walk(item, (*here, key))
        elif isinstance(node, list):
            for i, item in enumerate(node):
                walk(item, (*here, i))

    walk(value, root)

    def order(path: Path_) -> int:
        for end in range(len(path), -1, -1):
            if path[:end] in found:
                return found[path[:end]]
        return -1

    return order
