"""Structuring the YAML tree into the classes of ``_model.py``, strictly.

cattrs does the walking; the hooks here make it refuse what it would otherwise accept:
unknown keys, and silent conversions (``3`` is not a string, ``"3"`` not a number, ``yes``
not true/false, a mapping not a list). An error tree from cattrs becomes one problem per
leaf, each with the path it is at, so every type problem of a file is reported at once.

Every section is checked to be a mapping before cattrs reads it, so a wrong shape is told
as the shape expected with an example (``must be a mapping like {name: Fluent, at: 0.8},
got a list``), never as the Python error cattrs would meet. A track's ``model`` may be a
bare model name (``model: elo``): that model with its defaults.
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
from cattrs.gen import make_dict_structure_fn
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from motivekit.rules._model import MODEL_NAMES, Scalar, TrackModel
from motivekit.rules._yaml import Path_

__all__ = ["CONVERTER", "EXAMPLES", "structure_problems"]

_LITERAL: Any = Literal

EXAMPLES: dict[str, str] = {
    "Design": "{version: 1, goals: {menu: []}}",
    "GoalsSection": "{allow_custom: true, menu: [...]}",
    "MenuGoal": "{id: weekly-reviews, title: Review pull requests, "
    "measure: {event: review.submitted, count: 3, per: week}}",
    "MeasureSpec": "{event: review.submitted, count: 3, per: week}",
    "Streak": "{reset_on_miss: false}",
    "Track": "{id: code-review, title: Code review, model: elo, "
    "evidence: [{on: review.submitted, outcome: event.data.approved}]}",
    "TrackModel": "{elo: {guess: 0.0}}",
    "EloModel": "{guess: 0.0, k: {a: 1.0, b: 0.05}}",
    "EloK": "{a: 1.0, b: 0.05}",
    "BktModel": "{prior: 0.1, learn: 0.1, guess: 0.2, slip: 0.1}",
    "CriteriaModel": "{evidence: 20, min_difficulty: 3, at_difficulty: 5, success: 0.8}",
    "Evidence": "{on: review.submitted, outcome: event.data.approved}",
    "Level": "{name: Fluent, at: 0.8}",
    "Scale": "{typical: 3, step: 1, typical_tasks: medium reviews}",
    "Retention": "{half_life_days: 1, cap_days: 365, refresh_below: 0.5}",
    "ImpactSection": "{contributions: [...], beneficiary_events: [...]}",
    "Contribution": "{on: answer.posted, id: event.data.answer_id}",
    "BeneficiaryEvent": "{on: answer.marked_helpful, credits: event.data.answer_id, "
    "story: '{beneficiary} found your answer helpful'}",
    "Attribution": "{decay: 0.5, max_depth: 4, mode: recursive}",
    "Mission": "{id: handbook, title: Translate the handbook, "
    "target: {event: page.translated, count: 500}}",
    "MissionTarget": "{event: page.translated, count: 500, unit: pages}",
    "NudgesSection": "{default: off, max_per_week: 2}",
    "Reward": "{on: review.submitted, give: 10 points}",
    "Leaderboard": "{id: top, title: Top reviewers, ranks: review.submitted}",
    "LintSettings": "{silence: [{rule: contingent-reward, reason: ...}]}",
    "Silence": "{rule: contingent-reward, reason: why it is fine here}",
}
"""An example of each section, shown when a value of the wrong shape stands for it."""


_ITEMS: dict[Any, tuple[str, str]] = {
    str: ("strings", "[count, per]"),
    int: ("whole numbers", "[100, 250, 500]"),
    float: ("numbers", "[0.70, 0.85]"),
}


def _container_shape(kind: Any) -> str:
    """What a ``list[...]`` or ``dict[str, ...]`` value must be, with an example."""
    args = get_args(kind)
    if get_origin(kind) is dict:
        return "a mapping of names to values, e.g. {team: core, language: en}"
    item = args[0] if args else Any
    if attrs.has(item):
        example = EXAMPLES.get(item.__name__, "{...}")
        return f"a list of mappings, e.g. [{example}]"
    if get_origin(item) is _LITERAL:
        choices = get_args(item)
        names = ", ".join(map(str, choices))
        return f"a list of any of {names}, e.g. [{names}]"
    words, example = _ITEMS.get(item, ("values", "[...]"))
    return f"a list of {words}, e.g. {example}"


def _shape(cls: type[Any]) -> str:
    """What a value of ``cls`` must be, in words with an example."""
    example = EXAMPLES.get(cls.__name__)
    if example is not None:
        return f"a mapping like {example}"
    keys = ", ".join(f.name for f in attrs.fields(cls))
    return f"a mapping with the keys {keys}"


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
            shape = _container_shape(kind)

            def hook(value: Any, _: Any) -> Any:
                if not isinstance(value, container):
                    raise TypeError(f"must be {shape}, got {_shown(value)}")
                return items(value, kind)

            return hook

        converter.register_structure_hook_factory(lambda t: get_origin(t) is container, make)

    checked(list, "a list", list_structure_factory)
    checked(dict, "a mapping", mapping_structure_factory)

    def section(cls: type[Any], conv: Converter) -> Callable[[Any, Any], Any]:
        """An attrs class, read only from a mapping (cattrs alone would meet a string's
        or a list's missing ``keys``)."""
        fields = make_dict_structure_fn(cls, conv, _cattrs_forbid_extra_keys=True)
        shape = _shape(cls)

        def hook(value: Any, _: Any) -> Any:
            if cls is TrackModel and isinstance(value, str) and value in MODEL_NAMES:
                value = {value: {}}  # a bare model name: that model with its defaults
            if not isinstance(value, dict):
                if cls is TrackModel:
                    names = ", ".join(MODEL_NAMES[:-1]) + " or " + MODEL_NAMES[-1]
                    raise TypeError(
                        f"must be a model's name ({names}), e.g. elo for Elo with its "
                        f"defaults, or {shape}, got {_shown(value)}"
                    )
                raise TypeError(f"must be {shape}, got {_shown(value)}")
            return fields(value)

        return hook

    converter.register_structure_hook_factory(attrs.has, section)
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
