"""The JSON Schema of ``motivation.yaml`` and its YAML reference, generated from the classes.

:func:`design_schema` walks :class:`~motivekit.rules._model.Design` with ``attrs.fields``
and ``typing.get_type_hints``: every other attrs class becomes an entry of ``$defs`` (named by
the class), every field a property with the description, bounds and expression flag from
its metadata (``_model.doc``) and its default (factories are called). Editors use the
schema for completion and hover help; :func:`reference_markdown` turns the same schema
into ``docs/yaml-reference.md``. Both are committed and a test keeps them up to date.

The schema describes the shape of the file; ``motivekit rules check`` checks more (ids
used twice, order of levels and milestones, exactly one model, expressions compile and can
give what their field needs).
"""

from __future__ import annotations

import contextlib
import inspect
import json
import os
import re
import types
import typing
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, Literal, Union, get_args, get_origin

import attrs

from motivekit.rules._expr import MAX_LENGTH
from motivekit.rules._model import KIND, MODEL_NAMES, Design, TrackModel

__all__ = [
    "SCHEMA_ID",
    "design_schema",
    "reference_markdown",
    "schema_text",
    "write_schema",
]

SCHEMA_ID = "https://motivekit.dev/schema/motivation.schema.json"
"""The schema's ``$id``."""
DIALECT = "https://json-schema.org/draft/2020-12/schema"
TITLE = "motivekit design file (motivation.yaml)"
EXPRESSION = "Expression: "
"""How an expression field's description starts."""

_SCALARS: dict[Any, str] = {str: "string", int: "integer", float: "number", bool: "boolean"}
_KEYWORDS = frozenset(
    {
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "minItems",
        "maxItems",
        "uniqueItems",
        "pattern",
        "format",
        "items",
    }
)
"""The JSON Schema keywords a field's metadata may add."""


def _text(doc: str) -> str:
    """A docstring as one line, reST double backquotes made Markdown's single ones."""
    return " ".join(inspect.cleandoc(doc).split()).replace("``", "`")


class _Builder:
    def __init__(self) -> None:
        self.defs: dict[str, dict[str, Any]] = {}

    def object(self, cls: type[Any]) -> dict[str, Any]:
        hints = typing.get_type_hints(cls)
        properties: dict[str, Any] = {}
        required: list[str] = []
        for field in attrs.fields(cls):
            properties[field.name] = self.field(cls, field, hints[field.name])
            if field.default is attrs.NOTHING:
                required.append(field.name)
        schema: dict[str, Any] = {
            "title": cls.__name__,
            "description": _text(cls.__doc__ or ""),
            "type": "object",
            "properties": properties,
        }
        if required:
            schema["required"] = required
        schema["additionalProperties"] = False
        return schema

    def field(self, cls: type[Any], field: attrs.Attribute[Any], hint: Any) -> dict[str, Any]:
        doc = field.metadata.get("doc")
        if not doc:
            raise ValueError(f"{cls.__name__}.{field.name} has no documentation (use doc(...))")
        expression = bool(field.metadata.get("expression"))
        schema: dict[str, Any] = {"description": (EXPRESSION if expression else "") + _text(doc)}
        schema.update(self.schema_of(hint))
        if expression:
            schema["maxLength"] = MAX_LENGTH
        extra: Mapping[str, Any] = field.metadata.get("schema", {})
        unknown = set(extra) - _KEYWORDS
        if unknown:
            raise ValueError(f"{cls.__name__}.{field.name}: unknown keywords {sorted(unknown)}")
        for key, value in extra.items():
            if key == "items":
                schema["items"] = {**schema["items"], **value}
            else:
                schema[key] = value
        if field.default is not attrs.NOTHING:
            default: Any = field.default
            if isinstance(default, attrs.Factory):  # type: ignore[arg-type]
                default = default.factory()
            with contextlib.suppress(TypeError):  # not JSON data: no default shown
                schema["default"] = _json(default)
        return schema

    def schema_of(self, hint: Any) -> dict[str, Any]:
        if hint is type(None):
            return {"type": "null"}
        if hint in _SCALARS:
            return {"type": _SCALARS[hint]}
        if attrs.has(hint):
            name = hint.__name__
            if name not in self.defs:
                self.defs[name] = {}  # taken before recursing: $defs in order of first use
                self.defs[name] = self.object(hint)
            if hint is TrackModel:  # or just a model's name (``model: elo``)
                return {"anyOf": [{"enum": list(MODEL_NAMES)}, {"$ref": f"#/$defs/{name}"}]}
            return {"$ref": f"#/$defs/{name}"}
        origin, args = get_origin(hint), get_args(hint)
        if origin is Literal:
            return {"enum": list(args)}
        if origin is list:
            return {"type": "array", "items": self.schema_of(args[0])}
        if origin is dict and args[0] is str:
            return {"type": "object", "additionalProperties": self.schema_of(args[1])}
        if origin in (Union, types.UnionType):
            options = [self.schema_of(arg) for arg in args]
            if all(list(option) == ["type"] for option in options):
                return {"type": [option["type"] for option in options]}
            return {"anyOf": options}
        raise TypeError(f"no JSON Schema for {hint!r}")


def _json(value: Any) -> Any:
    """``value`` as JSON data (attrs instances as mappings); TypeError if it has none."""
    if attrs.has(type(value)):
        return {f.name: _json(getattr(value, f.name)) for f in attrs.fields(type(value))}
    if isinstance(value, list | tuple):
        return [_json(v) for v in value]
    if isinstance(value, dict) and all(isinstance(k, str) for k in value):
        return {k: _json(v) for k, v in value.items()}
    if value is None or isinstance(value, str | int | float | bool):
        return value
    raise TypeError(f"{value!r} is not JSON data")


def design_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of ``motivation.yaml``, from the classes."""
    builder = _Builder()
    root = builder.object(Design)
    root["title"] = TITLE
    return {
        "$schema": DIALECT,
        "$id": SCHEMA_ID,
        **root,
        "$defs": builder.defs,
    }


def schema_text() -> str:
    """The schema as stable JSON text (field order, two-space indent, final newline)."""
    return json.dumps(design_schema(), indent=2, sort_keys=False) + "\n"


def write_schema(path: str | os.PathLike[str]) -> None:
    """Write :func:`schema_text` to ``path`` (UTF-8, ``\\n`` line ends)."""
    Path(path).write_text(schema_text(), encoding="utf-8", newline="\n")


# -- the YAML reference -----------------------------------------------------------------------

_INTRO = """\
# `motivation.yaml` reference

<!-- Generated from the JSON Schema by `motivekit rules schema --markdown`; do not edit.
     Regenerate: motivekit rules schema --markdown --output docs/yaml-reference.md -->

`motivation.yaml` is an app's motivation design: the goals it offers, its skill tracks,
how contributions and their impact are credited, collective missions and nudges. Product
teams write it; `Kit.open(rules="motivation.yaml")` reads it, offers its goal menu and
records its `version` on every journal entry.

The only key every file needs is `version`, the rules version: a whole number, 1 or more.
Below, each table marks the keys an entry must have; every other key has the default
shown. A key that is not listed is an error, and values are never converted (`3` is not
a string, `yes` is not `true`). `examples/motivation.yaml` is a complete example.

```yaml
version: 1
goals:
  menu:
    - id: weekly-reviews
      title: Review pull requests
      measure: {event: review.submitted, count: 3, per: week}
```

## Checking a file

```console
$ motivekit rules check motivation.yaml
ok: motivation.yaml (version 1): 1 goal on the menu, 0 tracks, 0 missions
```

`motivekit rules check` reports every problem at once, each as
`FILE:LINE:COL: path: message`, and exits 1 if there is any. It checks more than the
schema below can say: ids used twice, levels and milestones out of order, a track with
other than exactly one model, a retention cap below its half-life, expressions that do
not compile or can never give what their key needs (a `difficulty` that is never a
number, an `outcome` that is never true/false or a number), and mechanics motivekit does
not run (assigned goals, deadlines, streaks, rewards, leaderboards, mission rankings),
which `motivekit rules lint` reviews instead.

## Editor support: the JSON Schema

`motivekit rules schema` prints the file's JSON Schema (draft 2020-12) and
`motivekit rules schema --output motivation.schema.json` writes it; the same file ships
in the package as `motivekit/rules/motivation.schema.json`. Point your editor at it for
completion, hover help and checking as you type. In VS Code, with the YAML extension
(Red Hat), put this comment on the first line of `motivation.yaml`:

```yaml
# yaml-language-server: $schema=./motivation.schema.json
version: 1
```

or map the file to the schema in `.vscode/settings.json`:

```json
{"yaml.schemas": {"./motivation.schema.json": "motivation.yaml"}}
```

## Expressions

Fields marked **expression** hold an expression of motivekit's small, safe expression
language, written as a YAML string, e.g. `"event.data.lines >= 10"`. It reads the event
(`event.actor`, `event.data.KEY` …) and `owner`, compares, combines with
`and`/`or`/`not` and does arithmetic; it never calls anything. Each expression is
compiled when the file is loaded, and an error names its line and column. The loader also
knows which kinds of value each can give: `"'hard'"` only gives a string and
`"event.data.lines > 3"` only true/false, so either is refused as a `difficulty` (a
number); `"event.data.complexity"` may give anything and is taken. At run time an
expression never fails: a missing key is `null`, so a rule that does not apply does not
fire.

## Keys

Each table lists a mapping's keys: its type, its default (**required** if it has none)
and what it means. `[]` in a heading stands for every item of a list.
"""

_YAML_WORDS = frozenset({"true", "false", "null", "yes", "no", "on", "off", "y", "n", "~"})
_PATTERNS = {KIND: "an event kind", r"\S": "not blank"}


def reference_markdown() -> str:
    """``docs/yaml-reference.md``: the YAML reference, generated from :func:`design_schema`."""
    schema = design_schema()
    defs: dict[str, Any] = schema["$defs"]
    anchors: dict[str, str] = {}  # def name -> anchor of its first section
    sections: list[tuple[str, dict[str, Any]]] = []  # (heading, object schema)
    for path, name, obj in _sections(schema, defs, set()):
        heading = f"`{path}`" if path else "The top level"
        anchors[name] = _slug(heading)
        sections.append((heading, obj))
    out = [_INTRO]
    for heading, obj in sections:
        out.append(f"\n### {heading}\n\n{obj['description']}\n\n")
        out.append("| key | type | default | description |\n|---|---|---|---|\n")
        required = set(obj.get("required", []))
        for key, prop in obj["properties"].items():
            description = prop["description"]
            kind = _kind(prop, anchors)
            if description.startswith(EXPRESSION):
                description = description[len(EXPRESSION) :]
                kind = f"**expression** ({kind})"
            if key in required:
                default = "**required**"
            elif _all_defaults(prop, defs):
                default = "each key's default"
            else:
                default = f"`{_yaml(prop['default'])}`" if "default" in prop else ""
            cells = (f"`{key}`", kind, default, description)
            out.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |\n")
    return "".join(out)


def _sections(
    obj: dict[str, Any], defs: dict[str, Any], seen: set[str], path: str = "", name: str = ""
) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(YAML path, def name, object schema) of every mapping, depth first in key order, each
    at the first path it appears at."""
    if name in seen:
        return
    seen.add(name)
    yield path, name, obj
    for key, prop in obj["properties"].items():
        here = f"{path}.{key}" if path else key
        for ref, suffix in _refs(prop):
            ref_name = ref.removeprefix("#/$defs/")
            yield from _sections(defs[ref_name], defs, seen, here + suffix, ref_name)


def _refs(prop: Mapping[str, Any], suffix: str = "") -> Iterator[tuple[str, str]]:
    if "$ref" in prop:
        yield prop["$ref"], suffix
    for option in prop.get("anyOf", []):
        yield from _refs(option, suffix)
    if "items" in prop:
        yield from _refs(prop["items"], suffix + "[]")


def _slug(heading: str) -> str:
    """The anchor GitHub (and Python-Markdown's toc) give a heading."""
    return re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-")


def _kind(prop: Mapping[str, Any], anchors: Mapping[str, str], plural: bool = False) -> str:
    """A property's type in words, with its bounds."""
    s = "s" if plural else ""
    if "$ref" in prop:
        words = f"[mapping{s}](#{anchors[prop['$ref'].removeprefix('#/$defs/')]})"
    elif "enum" in prop:
        choices = ", ".join(f"`{_yaml(v)}`" for v in prop["enum"])
        words = f"any of {choices}" if plural else f"one of {choices}"
    elif "anyOf" in prop:
        words = _or([_kind(option, anchors, plural) for option in prop["anyOf"]])
    elif prop.get("type") == "array":
        size = prop.get("minItems")
        count = f"{size} " if size is not None and size == prop.get("maxItems") else ""
        words = f"list of {count}{_kind(prop['items'], anchors, plural=True)}"
        if prop.get("uniqueItems"):
            words += ", no repeats"
    elif prop.get("type") == "object":
        values = _kind(prop["additionalProperties"], anchors)
        words = f"mapping of keys to {values}"
    else:
        kinds = prop["type"] if isinstance(prop["type"], list) else [prop["type"]]
        names = {
            "string": f"string{s}",
            "integer": f"whole number{s}",
            "number": f"number{s}",
            "boolean": "true/false",
            "null": "null",
        }
        words = _or([names[k] for k in kinds])
    bounds = [
        f"{op} {prop[key]:,}"
        for key, op in (
            ("minimum", "≥"),
            ("exclusiveMinimum", ">"),
            ("maximum", "≤"),
            ("exclusiveMaximum", "<"),
        )
        if key in prop
    ]
    if "pattern" in prop:
        bounds.append(_PATTERNS.get(prop["pattern"], f"matching `{prop['pattern']}`"))
    if "format" in prop:
        bounds.append(f"format {prop['format']}")
    if "maxLength" in prop:
        bounds.append(f"at most {prop['maxLength']} characters")
    if bounds:
        words += (", each " if plural else ", ") + " and ".join(bounds)
    return words


def _or(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


def _all_defaults(prop: Mapping[str, Any], defs: Mapping[str, Any]) -> bool:
    """Whether ``prop`` is a mapping whose default is the default of each of its keys."""
    if "$ref" not in prop or "default" not in prop:
        return False
    obj = defs[prop["$ref"].removeprefix("#/$defs/")]
    if obj.get("required") or not all("default" in p for p in obj["properties"].values()):
        return False
    return bool(prop["default"] == {k: p["default"] for k, p in obj["properties"].items()})


def _yaml(value: Any) -> str:
    """``value`` in YAML flow style (strings quoted where a YAML reader might misread them)."""
    if isinstance(value, str):
        plain = re.fullmatch(r"[A-Za-z][\w.-]*", value) and value.lower() not in _YAML_WORDS
        return value if plain else json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(_yaml(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_yaml(v)}" for k, v in value.items()) + "}"
    return json.dumps(value)
