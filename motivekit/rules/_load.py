"""Loading ``motivation.yaml``: YAML → checked classes, every problem with file:line:col.

ruamel.yaml reads the file (YAML 1.2: ``NO`` stays a string; a duplicate key is an error)
and keeps each node's position; cattrs structures it into the classes of ``_model.py``
with unknown keys forbidden and no silent conversions (``3`` is not a string). Then the
semantic checks run and every expression is compiled. All problems are collected and
reported together, each as ``motivation.yaml:LINE:COL: path.to.field: message``.
"""

from __future__ import annotations

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

from motivekit._errors import ConfigError, InvalidGoal
from motivekit._model import KIND_PATTERN
from motivekit.goals._model import GoalTemplate
from motivekit.rules._expr import Expression, ExpressionError, compile_expression
from motivekit.rules._model import Design, MenuGoal, Scalar, Track

__all__ = ["Problem", "Rules", "RulesError", "load_rules"]

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
    for i, event_rule in enumerate(design.impact.beneficiary_events):
        yield from _kind(event_rule.on, ("impact", "beneficiary_events", i, "on"))
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
    band = track.challenge_band
    if len(band) != 2 or not 0 < band[0] < band[1] < 1:
        yield (
            (*here, "challenge_band"),
            "must be [low, high] with 0 < low < high < 1, e.g. [0.70, 0.85]",
        )
    levels = [level.at for level in track.levels]
    if any(b <= a for a, b in pairwise(levels)):
        yield (*here, "levels"), "must be in ascending order of 'at'"
    yield from _unique([level.name for level in track.levels], (*here, "levels"), "name")
    for i, evidence in enumerate(track.evidence):
        yield from _kind(evidence.on, (*here, "evidence", i, "on"))


def _kind(value: str, path: Path_) -> Iterator[tuple[Path_, str]]:
    if not KIND_PATTERN.fullmatch(value):
        yield path, f"{value!r} is not an event kind (letters, digits and . _ : / -)"


def _unique(ids: list[str], path: Path_, key: str = "id") -> Iterator[tuple[Path_, str]]:
    seen: set[str] = set()
    for i, value in enumerate(ids):
        if value in seen:
            yield (*path, i, key), f"{key} {value!r} is used twice"
        seen.add(value)


EXPRESSIONS: dict[tuple[str, ...], tuple[str, ...]] = {
    ("tracks", "evidence"): ("when", "outcome", "difficulty"),
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
                    EXPRESSIONS[("tracks", "evidence")],
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
        try:
            expressions[path] = compile_expression(expr_text, EVENT_NAMES)
        except ExpressionError as exc:
            line, column = _position(root, path)
            opening = lines[line - 1][column - 1 : column] if line <= len(lines) else ""
            inside = column + (1 if opening in ("'", '"') else 0)  # the text's first column
            column = inside + exc.column - 1
            problems.append(Problem(name, line, column, dotted_path(path), str(exc)))
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
