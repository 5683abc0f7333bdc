"""The error tree drawn in docs/errors.md and in ``motivekit._errors``' docstring is the
code's: every error in ``_errors.__all__`` under its nearest base among them, nothing more.

Readers catch errors by the tree they see, so a missing or misplaced name is a wrong
promise. Bases outside the tree (``ValueError``, ``LookupError``) are notes on a line,
``(also ValueError)``, and are checked as such. The box drawing is checked too: it is what
shows the nesting.
"""

from __future__ import annotations

import re
from pathlib import Path

import attrs
import pytest

from motivekit import _errors

DOC = Path(__file__).resolve().parent.parent / "docs" / "errors.md"
LINE = re.compile(r"(?P<prefix>(?:│   |    )*(?:├── |└── )?)(?P<name>[A-Za-z]\w*)(?P<note>.*)")


@attrs.frozen
class Node:
    name: str
    parent: str | None
    note: str
    line: int
    prefix: str


def doc_lines() -> tuple[int, list[str]]:
    """The first ```text block of docs/errors.md, and the file's line number of its first."""
    text = DOC.read_text(encoding="utf-8")
    found = re.search(r"^```text\n(.*?)^```", text, re.S | re.M)
    assert found, "docs/errors.md has no ```text block"
    return text.count("\n", 0, found.start(1)) + 1, found.group(1).splitlines()


def docstring_lines() -> tuple[int, list[str]]:
    """The indented tree in the docstring, from its root line to the first blank line (the
    docstring opens the file, so its line numbers are the file's)."""
    lines = (_errors.__doc__ or "").splitlines()
    start = next((i for i, line in enumerate(lines) if line.strip() == "MotivekitError"), None)
    assert start is not None, "motivekit._errors' docstring has no tree rooted at MotivekitError"
    indent = len(lines[start]) - len(lines[start].lstrip())
    tree = []
    for line in lines[start:]:
        if not line.strip():
            break
        assert line[:indent].isspace(), f"docstring tree line {line!r} is indented less"
        tree.append(line[indent:])
    return start + 1, tree


SOURCES = {"docs/errors.md": doc_lines, "motivekit._errors docstring": docstring_lines}


def parse(lines: list[str], first: int = 1) -> tuple[list[Node], list[str]]:
    """The drawn nodes in order, and what cannot be read as a tree (``first`` is the line
    number of ``lines[0]``)."""
    nodes: list[Node] = []
    problems: list[str] = []
    ancestors: list[str] = []  # ancestors[d] is the last node seen at depth d
    for number, text in enumerate(lines, start=first):
        match = LINE.fullmatch(text)
        if match is None:
            problems.append(f"line {number} {text!r} is not a tree line")
            continue
        prefix, name = match["prefix"], match["name"]
        depth = len(prefix) // 4
        if (depth == 0) != (number == first) or depth > len(ancestors):
            problems.append(f"line {number}: {name} is not nested under the line above it")
            continue
        del ancestors[depth:]
        parent = ancestors[-1] if ancestors else None
        nodes.append(Node(name, parent, match["note"], number, prefix))
        ancestors.append(name)
    return nodes, problems


def drawing(nodes: list[Node]) -> list[str]:
    """Lines whose box drawing differs from what their place in the tree draws."""
    depth = {node.name: len(node.prefix) // 4 for node in nodes}
    parent = {node.name: node.parent for node in nodes}

    def has_later_sibling(i: int) -> bool:
        node = nodes[i]
        for later in nodes[i + 1 :]:
            if depth[later.name] < depth[node.name]:
                return False
            if depth[later.name] == depth[node.name]:
                return later.parent == node.parent
        return False

    later = {node.name: has_later_sibling(i) for i, node in enumerate(nodes)}
    wrong = []
    for node in nodes[1:]:
        chain = []
        above = parent[node.name]
        while above is not None and parent[above] is not None:
            chain.append("│   " if later[above] else "    ")
            above = parent[above]
        expected = "".join(reversed(chain)) + ("├── " if later[node.name] else "└── ")
        if node.prefix != expected:
            wrong.append(
                f"line {node.line}: {node.name} is drawn {node.prefix!r}, its place draws "
                f"{expected!r}"
            )
    return wrong


def code_tree() -> dict[str, type[BaseException]]:
    """Every error class the tree must show, by name."""
    return {name: getattr(_errors, name) for name in _errors.__all__}


def tree_parent(error: type[BaseException], errors: set[type[BaseException]]) -> str | None:
    """The nearest base of ``error`` that is itself in the tree."""
    return next((base.__name__ for base in error.__mro__[1:] if base in errors), None)


def differences(nodes: list[Node]) -> list[str]:
    """What is missing, extra, drawn twice or misplaced, compared with the classes."""
    errors = code_tree()
    classes = set(errors.values())
    drawn: dict[str, Node] = {}
    problems = []
    for node in nodes:
        if node.name in drawn:
            problems.append(
                f"{node.name} is drawn twice (lines {drawn[node.name].line} and {node.line})"
            )
        drawn.setdefault(node.name, node)
    for name, error in sorted(errors.items()):
        parent = tree_parent(error, classes)
        under = f"under {parent}" if parent else "as the root"
        if name not in drawn:
            problems.append(f"{name} is missing (it belongs {under})")
            continue
        node = drawn[name]
        if node.parent != parent:
            placed = f"under {node.parent}" if node.parent else "as the root"
            problems.append(f"{name} (line {node.line}) is drawn {placed} but belongs {under}")
        others = {b.__name__ for b in error.__bases__ if b not in classes and b is not Exception}
        noted = set(re.findall(r"\balso (\w+)", node.note))
        for base in sorted(others - noted):
            problems.append(f"{name}'s line does not note that it is also a {base}")
        for base in sorted(noted - others):
            problems.append(f"{name}'s line notes 'also {base}' but {name} does not derive from it")
    problems += [
        f"{name} (line {node.line}) is not an error in motivekit._errors.__all__"
        for name, node in drawn.items()
        if name not in errors
    ]
    return problems


@pytest.mark.parametrize("source", SOURCES)
def test_the_drawn_tree_is_the_class_hierarchy(source: str) -> None:
    first, lines = SOURCES[source]()
    nodes, unreadable = parse(lines, first)
    problems = unreadable + differences(nodes)
    assert not problems, (
        f"the error tree in {source} does not match the classes:\n  " + "\n  ".join(problems)
    )


@pytest.mark.parametrize("source", SOURCES)
def test_the_box_drawing_shows_the_nesting(source: str) -> None:
    first, lines = SOURCES[source]()
    nodes, unreadable = parse(lines, first)
    problems = unreadable + drawing(nodes)
    assert not problems, f"the error tree in {source} is drawn wrongly:\n  " + "\n  ".join(problems)


def edited(lines: list[str], name: str, new: str | None) -> list[str]:
    """``lines`` with the line drawing ``name`` replaced by ``new`` (or removed)."""
    (at,) = [i for i, line in enumerate(lines) if re.search(rf"\b{name}\b", line)]
    return [*lines[:at], *([] if new is None else [new]), *lines[at + 1 :]]


def test_a_wrong_tree_is_reported_by_name() -> None:
    _, lines = doc_lines()
    wrong = edited(lines, "UnknownMission", None)
    wrong = edited(wrong, "UnknownTrack", None)
    track = "│   ├── UnknownTrack"
    wrong = edited(wrong, "InvalidEvent", track)
    wrong = edited(wrong, "InvalidInput", "├── InvalidInput            bad argument")
    badge = "│   ├── UnknownBadge        (also LookupError)"
    wrong = edited(wrong, "UnknownGoal", badge)
    assert set(differences(parse(wrong)[0])) == {
        "InvalidInput's line does not note that it is also a ValueError",
        "InvalidEvent is missing (it belongs under InvalidInput)",
        "UnknownGoal is missing (it belongs under NotFound)",
        f"UnknownTrack (line {wrong.index(track) + 1}) is drawn under InvalidInput but belongs "
        "under NotFound",
        "UnknownMission is missing (it belongs under NotFound)",
        f"UnknownBadge (line {wrong.index(badge) + 1}) is not an error in "
        "motivekit._errors.__all__",
    }
    assert drawing(parse(edited(lines, "InvalidProof", "    ├── InvalidProof"))[0]) == [
        f"line {len(lines)}: InvalidProof is drawn '    ├── ', its place draws '    └── '"
    ]
    assert parse([*lines[:3], "│   │   │   ├── Deeper", *lines[3:]])[1] == [
        "line 4: Deeper is not nested under the line above it"
    ]
