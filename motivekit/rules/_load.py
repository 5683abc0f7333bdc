"""Loading ``motivation.yaml``: YAML → checked classes, every problem with file:line:col.

ruamel.yaml reads the file (YAML 1.2: ``NO`` stays a string; a duplicate key is an error)
and keeps each node's position; cattrs structures it into the classes of ``_model.py``
with unknown keys forbidden and no silent conversions (``3`` is not a string). Then the
semantic checks run and every expression is compiled (and checked for the kind of value
it can give: a difficulty that can never be a number is a problem). All problems are
collected and reported together, each as ``motivation.yaml:LINE:COL: path.to.field: message``.

A skill track defined in code goes through the same checks with :func:`check_track`.
"""

from __future__ import annotations

import ast
import math
import os
import re
from collections.abc import Callable, Iterator, Sequence
from datetime import date
from itertools import pairwise
from pathlib import Path
from typing import Any, Literal, TypeVar, get_args, get_origin

import attrs
from cattrs import Converter
from cattrs.cols import list_structure_factory, mapping_structure_factory
from cattrs.errors import (
    AttributeValidationNote,
    ForbiddenExtraKeysError,
    IterableValidationNote,
)
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from motivekit._errors import ConfigError, InvalidGoal, InvalidTrack
from motivekit._model import KIND_PATTERN
from motivekit.goals._model import GoalTemplate
from motivekit.impact._stories import check_story
from motivekit.rules._expr import Expression, ExpressionError, compile_expression, describe_kinds
from motivekit.rules._model import MAX_DAYS, Design, MenuGoal, Retention, Scalar, Track

__all__ = ["Problem", "Rules", "RulesError", "check_track", "load_rules"]

Path_ = tuple[str | int, ...]
T = TypeVar("T")

EVENT_NAMES = ("event", "owner")
"""Names an expression may read: the event, and the person whose state it updates."""


@attrs.frozen
class Problem:
    """One thing wrong in a design file, with where it is."""

    file: str
    line: int
    column: int
    path: str
    message: str

    def __str__(self) -> str:
        where = f" {self.path}:" if self.path else ""
        return f"{self.file}:{self.line}:{self.column}:{where} {self.message}"


class RulesError(ConfigError):
    """A design file has problems; ``problems`` lists every one of them."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    def report(self, file: object) -> str:
        """Every problem on its own line, then how many there are in ``file``."""
        noun = "problem" if len(self.problems) == 1 else "problems"
        return "\n".join(
            [*(str(p) for p in self.problems), f"{len(self.problems)} {noun} in {file}"]
        )


@attrs.frozen
class Rules:
    """A checked design file."""

    design: Design
    source: str
    """Where it was read from (a file name)."""
    expressions: dict[Path_, Expression] = attrs.field(repr=False)
    """Every compiled expression, by its path in the file."""
    positions: dict[Path_, tuple[int, int]] = attrs.field(repr=False, factory=dict, eq=False)
    """1-based (line, column) of every node of the file, by its path."""

    def where(self, path: Path_) -> tuple[int, int]:
        """(line, column) of ``path`` in the file, or of its nearest parent that exists."""
        for end in range(len(path), -1, -1):
            if path[:end] in self.positions:
                return self.positions[path[:end]]
        return 1, 1

    @property
    def version(self) -> int:
        """The rules version, recorded on every journal entry evaluated under them."""
        return self.design.version

    def track_expressions(self, index: int) -> dict[Path_, Expression]:
        """The compiled expressions of ``tracks[index]``, keyed by their path within the track
        (``("evidence", 0, "outcome")``), as :func:`check_track` returns them."""
        return {
            path[2:]: expression
            for path, expression in self.expressions.items()
            if path[:2] == ("tracks", index)
        }

    def goal_templates(self) -> list[GoalTemplate]:
        """The goal menu as templates people can adopt."""
        return [self.goal_template(g) for g in self.design.goals.menu]

    @staticmethod
    def goal_template(goal: MenuGoal) -> GoalTemplate:
        """One menu goal as a template (:class:`InvalidGoal` if the engine rejects it)."""
        measure = goal.measure
        return GoalTemplate(
            goal.id,
            goal.title,
            {
                "event": measure.event,
                "count": measure.count,
                "per": measure.per,
                "where": measure.where,
            },
            adjustable=goal.adjustable,
            description=goal.description,
            visibility=goal.visibility,
        )


# -- strict structuring -----------------------------------------------------------------------


_LITERAL: Any = Literal


def _converter() -> Converter:
    converter = Converter(forbid_extra_keys=True)

    def strict(kind: type[Any], name: str) -> None:
        def hook(value: Any, _: Any) -> Any:
            if kind is float and isinstance(value, int) and not isinstance(value, bool):
                return float(value)
            if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
                raise TypeError(f"must be {name}, got {_shown(value)}")
            return value

        converter.register_structure_hook(kind, hook)

    strict(str, "a string")
    strict(int, "a whole number")
    strict(float, "a number")
    strict(bool, "true or false")

    def scalar(value: Any, _: Any) -> Any:
        if isinstance(value, float) or not isinstance(value, (str, int, bool, type(None))):
            raise TypeError(
                f"must be a string, whole number, true/false or null, got {_shown(value)}"
            )
        return value

    converter.register_structure_hook(Scalar, scalar)

    def literal(value: Any, kind: Any) -> Any:
        choices = get_args(kind)
        if value not in choices or isinstance(value, bool) != isinstance(choices[0], bool):
            allowed = ", ".join(repr(c) for c in choices)
            raise ValueError(f"must be one of {allowed}, got {_shown(value)}")
        return value

    converter.register_structure_hook_func(lambda t: get_origin(t) is _LITERAL, literal)

    def checked(container: Any, name: str, factory: Any) -> None:
        """Structure ``container[...]`` types with cattrs' own factory, but only from a
        value of that container (cattrs alone reads a mapping's keys as a list)."""

        def make(kind: Any, conv: Converter) -> Callable[[Any, Any], Any]:
            items = factory(kind, conv)

            def hook(value: Any, _: Any) -> Any:
                if not isinstance(value, container):
                    raise TypeError(f"must be {name}, got {_shown(value)}")
                return items(value, kind)

            return hook

        converter.register_structure_hook_factory(lambda t: get_origin(t) is container, make)

    checked(list, "a list", list_structure_factory)
    checked(dict, "a mapping", mapping_structure_factory)
    return converter


_CONVERTER = _converter()


def _shown(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, CommentedMap)):
        return "a mapping"
    if isinstance(value, (list, CommentedSeq)):
        return "a list"
    for kind in (str, int, float):  # ruamel's ScalarFloat etc. by their plain names
        if isinstance(value, kind):
            return f"{kind.__name__} {kind(value)!r}"
    return f"{type(value).__name__} {value!r}"


def _structure_problems(exc: BaseException, path: Path_) -> Iterator[tuple[Path_, str, bool]]:
    """(path, message, at_key) for every leaf of a cattrs error tree."""
    if isinstance(exc, ForbiddenExtraKeysError):
        allowed = ", ".join(f.name for f in attrs.fields(exc.cl))
        for key in sorted(exc.extra_fields):
            yield (*path, key), f"unknown key {key!r}; allowed here: {allowed}", True
        return
    if isinstance(exc, BaseExceptionGroup):
        for sub in exc.exceptions:
            step: list[str | int] = []
            for note in getattr(sub, "__notes__", []):
                if isinstance(note, AttributeValidationNote):
                    step = [note.name]
                elif isinstance(note, IterableValidationNote):
                    step = [note.index]
            yield from _structure_problems(sub, (*path, *step))
        return
    if isinstance(exc, KeyError):
        yield path, "is required but missing", False
        return
    yield path, str(exc), False


class _Constructor(RoundTripConstructor):
    """Round-trip YAML 1.2 that keeps dates as the text they were written as (YAML 1.2's
    core schema has no timestamps; ``2026-02-30`` must be a problem with a position, not a
    crash in the date constructor). A subclass, so other users of ruamel are unaffected."""

    def construct_yaml_timestamp(self, node: Any, values: Any = None) -> Any:
        return self.construct_scalar(node)


_Constructor.add_constructor("tag:yaml.org,2002:timestamp", _Constructor.construct_yaml_timestamp)


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.Constructor = _Constructor
    return yaml


# -- positions --------------------------------------------------------------------------------


def _position(root: Any, path: Path_, at_key: bool = False) -> tuple[int, int]:
    """1-based (line, column) of the node at ``path`` (or of the nearest existing parent)."""
    node, where = root, (getattr(root, "lc", None) and (root.lc.line, root.lc.col)) or (0, 0)
    for i, step in enumerate(path):
        last = i == len(path) - 1
        if isinstance(node, CommentedMap) and step in node:
            where = node.lc.key(step) if (last and at_key) else node.lc.value(step)
            node = node[step]
        elif isinstance(node, CommentedSeq) and isinstance(step, int) and 0 <= step < len(node):
            where = node.lc.item(step)
            node = node[step]
        else:
            break
    return where[0] + 1, where[1] + 1


def _positions(root: Any) -> dict[Path_, tuple[int, int]]:
    """Every node's 1-based (line, column) by path (for findings made after loading)."""
    found: dict[Path_, tuple[int, int]] = {(): (1, 1)}

    def walk(node: Any, path: Path_) -> None:
        if isinstance(node, CommentedMap):
            for key, value in node.items():
                line, column = node.lc.value(key)
                found[(*path, key)] = (line + 1, column + 1)
                walk(value, (*path, key))
        elif isinstance(node, CommentedSeq):
            for i, value in enumerate(node):
                line, column = node.lc.item(i)
                found[(*path, i)] = (line + 1, column + 1)
                walk(value, (*path, i))

    walk(root, ())
    return found


def dotted_path(path: Path_) -> str:
    """``("goals", "menu", 0, "id")`` as ``goals.menu[0].id``."""
    out = ""
    for step in path:
        out += f"[{step}]" if isinstance(step, int) else (f".{step}" if out else str(step))
    return out


# -- semantic checks --------------------------------------------------------------------------


def _semantic(design: Design) -> Iterator[tuple[Path_, str]]:
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
    for i, mission in enumerate(design.missions):
        if mission.show == "ranking":
            yield (
                ("missions", i, "show"),
                f"motivekit does not rank mission members; use own-part or contributors "
                f"({UNSUPPORTED_HINT})",
            )


def _track(track: Track, here: Path_) -> Iterator[tuple[Path_, str]]:
    """What is wrong with one track (its expressions aside: see :func:`_expression`)."""
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


def _expressions(root: Any) -> Iterator[tuple[Path_, str]]:
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


def _expression(path: Path_, text: str) -> tuple[Expression | None, list[tuple[int, str]]]:
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
        checked = _CONVERTER.structure(raw, Track)
    except Exception as exc:
        problems += [(p, m) for p, m, _ in _structure_problems(exc, here)]
    else:
        problems += _track(checked, here)
    evidence = raw.get("evidence") if isinstance(raw, dict) else None
    for path, text in _items(evidence, ("evidence",), EXPRESSIONS[TRACK_EVIDENCE]):
        expression, found = _expression((*here, *path), text)
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


# -- the loader -------------------------------------------------------------------------------


def load_rules(
    source: str | os.PathLike[str], *, text: str | None = None, runnable: bool = True
) -> Rules:
    """Read and check a design file; :class:`RulesError` lists every problem in it.

    ``source`` is the file to read (or, with ``text``, the name to report it under).
    With ``runnable=False`` a well-formed file loads even when it describes mechanics
    motivekit will not run (assigned goals, rewards, rankings …), so the linter can
    review it.
    """
    name = os.fspath(source)
    if text is None:
        try:
            text = Path(source).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise RulesError([Problem(name, 1, 1, "", f"cannot read the file: {exc}")]) from None
    lines = text.splitlines()

    def problem(path: Path_, message: str, at_key: bool = False, shift: int = 0) -> Problem:
        line, column = _position(root, path, at_key)
        return Problem(name, line, column + shift, dotted_path(path), message)

    try:
        root = _yaml().load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        message = " ".join(str(exc.problem or exc.context or exc).split())
        raise RulesError([Problem(name, line, column, "", message)]) from None
    except YAMLError as exc:
        raise RulesError([Problem(name, 1, 1, "", " ".join(str(exc).split()))]) from None
    if not isinstance(root, CommentedMap):
        raise RulesError(
            [Problem(name, 1, 1, "", "the file must be a mapping with a 'version' key")]
        )

    problems: list[Problem] = []
    expressions: dict[Path_, Expression] = {}
    for path, expr_text in _expressions(root):
        expression, found = _expression(path, expr_text)
        if expression is not None:
            expressions[path] = expression
        for at, message in found:
            line, column = _position(root, path)
            opening = lines[line - 1][column - 1 : column] if line <= len(lines) else ""
            inside = column + (1 if opening in ("'", '"') else 0)  # the text's first column
            problems.append(Problem(name, line, inside + at - 1, dotted_path(path), message))
    design: Design | None = None
    try:
        design = _CONVERTER.structure(root, Design)
    except Exception as exc:
        problems += [problem(p, m, k) for p, m, k in _structure_problems(exc, ())]
    if design is not None:
        problems += [problem(p, m) for p, m in _semantic(design)]
        if runnable:
            problems += [problem(p, m) for p, m in unsupported(design)]
    if problems or design is None:
        raise RulesError(sorted(problems, key=lambda p: (p.line, p.column)))
    rules = Rules(design, name, expressions, _positions(root))
    for i, goal in enumerate(design.goals.menu):
        try:
            rules.goal_template(goal)
        except InvalidGoal as exc:  # what the goals engine checks beyond the format
            problems.append(problem(("goals", "menu", i), str(exc)))
    if problems:
        raise RulesError(problems)
    return rules
