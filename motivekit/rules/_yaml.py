"""The design file as YAML: the flavour it is read in, and where each node of it is.

ruamel.yaml reads it as round-trip YAML 1.2 (``NO`` stays a string; a duplicate key is an
error), which keeps every node's line and column, so a problem found in the classes can be
reported where it was written. A path into the file is a tuple of keys and list indices,
``("goals", "menu", 0, "id")``, shown as ``goals.menu[0].id``.
"""

from __future__ import annotations

from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import RoundTripConstructor

__all__ = ["Path_", "dotted_path", "position", "positions", "yaml_loader"]

Path_ = tuple[str | int, ...]


class _Constructor(RoundTripConstructor):
    """Round-trip YAML 1.2 that keeps dates as the text they were written as (YAML 1.2's
    core schema has no timestamps; ``2026-02-30`` must be a problem with a position, not a
    crash in the date constructor). A subclass, so other users of ruamel are unaffected."""

    def construct_yaml_timestamp(self, node: Any, values: Any = None) -> Any:
        return self.construct_scalar(node)


_Constructor.add_constructor("tag:yaml.org,2002:timestamp", _Constructor.construct_yaml_timestamp)


def yaml_loader() -> YAML:
    """A YAML reader of design files: round-trip YAML 1.2 with dates kept as text."""
    yaml = YAML(typ="rt")
    yaml.Constructor = _Constructor
    return yaml


def position(root: Any, path: Path_, at_key: bool = False) -> tuple[int, int]:
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


def positions(root: Any) -> dict[Path_, tuple[int, int]]:
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
