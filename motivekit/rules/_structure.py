"""Structuring the YAML tree into the classes of ``_model.py``, strictly.

cattrs does the walking; the hooks here make it refuse what it would otherwise accept:
unknown keys, and silent conversions (``3`` is not a string, ``"3"`` not a number, ``yes``
not true/false, a mapping not a list). An error tree from cattrs becomes one problem per
leaf, each with the path it is at, so every type problem of a file is reported at once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, Literal, get_args, get_origin

import attrs
from cattrs import Converter
from cattrs.cols import list_structure_factory, mapping_structure_factory
from cattrs.errors import (
    AttributeValidationNote,
    ForbiddenExtraKeysError,
    IterableValidationNote,
)
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from motivekit.rules._model import Scalar
from motivekit.rules._yaml import Path_

__all__ = ["CONVERTER", "structure_problems"]

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


CONVERTER = _converter()
"""The one converter of design files and of tracks defined in code (built once: cattrs
caches the structuring functions it generates per class)."""


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


def structure_problems(exc: BaseException, path: Path_) -> Iterator[tuple[Path_, str, bool]]:
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
            yield from structure_problems(sub, (*path, *step))
        return
    if isinstance(exc, KeyError):
        yield path, "is required but missing", False
        return
    yield path, str(exc), False
