"""Loading ``motivation.yaml``: YAML → checked classes, every problem with file:line:col.

The file is read as YAML 1.2 with positions (``_yaml.py``), structured strictly into the
classes of ``_model.py`` (``_structure.py``), then checked beyond its types and its
expressions compiled (``_checks.py``). All problems are collected and reported together,
each as ``motivation.yaml:LINE:COL: path.to.field: message``, in one :class:`RulesError`.

A skill track defined in code goes through the same checks with :func:`check_track`.
"""

from __future__ import annotations

import os
from pathlib import Path

import attrs
from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from motivekit._errors import InvalidGoal, RulesError
from motivekit.goals import GoalTemplate
from motivekit.rules._checks import (
    EXPRESSIONS,
    check_track,
    compile_field,
    expression_texts,
    semantic,
    unsupported,
)
from motivekit.rules._expr import Expression
from motivekit.rules._model import Design, MenuGoal
from motivekit.rules._structure import CONVERTER, structure_problems
from motivekit.rules._yaml import Path_, dotted_path, position, positions, yaml_loader

__all__ = [
    "EXPRESSIONS",
    "Path_",
    "Problem",
    "Rules",
    "RulesError",
    "check_track",
    "dotted_path",
    "load_rules",
    "unsupported",
]
"""The loader's own names, and the paths and checks it uses, still importable from here."""


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
    lines: tuple[str, ...] = attrs.field(repr=False, default=(), eq=False)
    """The file's text, line by line (the linter points inside a text value with it)."""

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
        line, column = position(root, path, at_key)
        return Problem(name, line, column + shift, dotted_path(path), message)

    try:
        root = yaml_loader().load(text)
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
    for path, expr_text in expression_texts(root):
        expression, found = compile_field(path, expr_text)
        if expression is not None:
            expressions[path] = expression
        for at, message in found:
            line, column = position(root, path)
            opening = lines[line - 1][column - 1 : column] if line <= len(lines) else ""
            inside = column + (1 if opening in ("'", '"') else 0)  # the text's first column
            problems.append(Problem(name, line, inside + at - 1, dotted_path(path), message))
    design: Design | None = None
    try:
        design = CONVERTER.structure(root, Design)
    except Exception as exc:
        problems += [problem(p, m, k) for p, m, k in structure_problems(exc, ())]
    if design is not None:
        problems += [problem(p, m) for p, m in semantic(design)]
        if runnable:
            problems += [problem(p, m) for p, m in unsupported(design)]
    if problems or design is None:
        raise RulesError(sorted(problems, key=lambda p: (p.line, p.column)))
    rules = Rules(design, name, expressions, positions(root), tuple(lines))
    for i, goal in enumerate(design.goals.menu):
        try:
            rules.goal_template(goal)
        except InvalidGoal as exc:  # what the goals engine checks beyond the format
            problems.append(problem(("goals", "menu", i), str(exc)))
    if problems:
        raise RulesError(problems)
    return rules
