"""The JSON Schema of ``motivation.yaml`` and the YAML reference generated from it."""

from __future__ import annotations

import importlib.resources
import json
import re
import typing
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal, get_args, get_origin

import attrs
import jsonschema
import pytest
from click.testing import CliRunner
from ruamel.yaml import YAML

from motivekit.cli import main
from motivekit.rules import (
    RulesError,
    design_schema,
    load_rules,
    reference_markdown,
    schema_text,
    write_schema,
)
from motivekit.rules._load import EXPRESSIONS
from motivekit.rules._model import Design
from motivekit.rules._schema import SCHEMA_ID, _Builder

ROOT = Path(__file__).resolve().parent.parent
SCHEMA_FILE = ROOT / "motivekit" / "rules" / "motivation.schema.json"
REFERENCE = ROOT / "docs" / "yaml-reference.md"
EXAMPLE = ROOT / "examples" / "motivation.yaml"

SCHEMA = design_schema()
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)


def classes(cls: type[Any] = Design) -> Iterator[type[Any]]:
    """Every attrs class the file is read into, the root first, each once."""
    seen: list[type[Any]] = []

    def walk(hint: Any) -> None:
        if attrs.has(hint):
            if hint in seen:
                return
            seen.append(hint)
            for t in typing.get_type_hints(hint).values():
                walk(t)
        for arg in get_args(hint):
            walk(arg)

    walk(cls)
    return iter(seen)


def object_schema(cls: type[Any]) -> dict[str, Any]:
    return SCHEMA if cls is Design else SCHEMA["$defs"][cls.__name__]


def plain(text: str) -> Any:
    """YAML text as plain JSON data."""
    return json.loads(json.dumps(YAML(typ="safe").load(text)))


def problems(document: Any) -> list[str]:
    """The schema's complaints about ``document``, as 'path: validator' (for ``X or null``,
    the complaint inside X)."""

    def leaves(error: jsonschema.ValidationError) -> Iterator[jsonschema.ValidationError]:
        deeper = [e for e in error.context or [] if len(e.absolute_path) > len(error.absolute_path)]
        if error.validator == "anyOf" and deeper:
            for sub in deeper:
                yield from leaves(sub)
        else:
            yield error

    return sorted(
        f"{'.'.join(str(p) for p in leaf.absolute_path)}: {leaf.validator}"
        for error in VALIDATOR.iter_errors(document)
        for leaf in leaves(error)
    )


# -- the committed files ----------------------------------------------------------------------


def test_committed_schema_is_up_to_date() -> None:
    assert SCHEMA_FILE.read_bytes() == schema_text().encode("utf-8"), (
        "motivekit/rules/motivation.schema.json is out of date; regenerate it with "
        "`motivekit rules schema --output motivekit/rules/motivation.schema.json`"
    )


def test_committed_reference_is_up_to_date() -> None:
    assert REFERENCE.read_bytes() == reference_markdown().encode("utf-8"), (
        "docs/yaml-reference.md is out of date; regenerate it with "
        "`motivekit rules schema --markdown --output docs/yaml-reference.md`"
    )


def test_the_schema_ships_in_the_package() -> None:
    shipped = importlib.resources.files("motivekit.rules") / "motivation.schema.json"
    assert json.loads(shipped.read_text(encoding="utf-8")) == SCHEMA


def test_the_text_is_stable_and_ends_with_a_newline() -> None:
    text = schema_text()
    assert text == schema_text()
    assert text.endswith("}\n")
    assert json.loads(text) == SCHEMA
    assert list(SCHEMA)[:3] == ["$schema", "$id", "title"]
    assert SCHEMA["$id"] == SCHEMA_ID


def test_write_schema(tmp_path: Path) -> None:
    write_schema(tmp_path / "s.json")
    assert (tmp_path / "s.json").read_bytes() == SCHEMA_FILE.read_bytes()


# -- the schema follows the classes -----------------------------------------------------------


def test_it_is_a_valid_draft_2020_12_schema() -> None:
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


def test_every_class_is_a_def_and_every_field_is_described() -> None:
    found = list(classes())
    assert len(found) == 26
    assert set(SCHEMA["$defs"]) == {cls.__name__ for cls in found[1:]}
    for cls in found:
        obj = object_schema(cls)
        assert obj["type"] == "object"
        assert obj["additionalProperties"] is False
        assert obj["title"]
        assert obj["description"]
        names = [f.name for f in attrs.fields(cls)]
        assert list(obj["properties"]) == names, cls.__name__  # in the class's order
        for name in names:
            description = obj["properties"][name].get("description", "")
            assert description.strip(), f"{cls.__name__}.{name} has no description"
            assert "\n" not in description
            assert "``" not in description


def test_required_keys_are_the_fields_without_defaults() -> None:
    for cls in classes():
        required = [f.name for f in attrs.fields(cls) if f.default is attrs.NOTHING]
        assert object_schema(cls).get("required", []) == required, cls.__name__
    assert SCHEMA["required"] == ["version"]
    assert SCHEMA["$defs"]["MenuGoal"]["required"] == ["id", "title", "measure"]
    assert "required" not in SCHEMA["$defs"]["GoalsSection"]


def test_defaults_are_the_classes_defaults() -> None:
    for cls in classes():
        properties = object_schema(cls)["properties"]
        for field in attrs.fields(cls):
            if field.default is attrs.NOTHING:
                assert "default" not in properties[field.name]
            else:
                assert "default" in properties[field.name], f"{cls.__name__}.{field.name}"
    defs = SCHEMA["$defs"]
    assert defs["Track"]["properties"]["challenge_band"]["default"] == [0.70, 0.85]
    assert defs["MenuGoal"]["properties"]["adjustable"]["default"] == ["count", "per"]
    assert defs["MenuGoal"]["properties"]["description"]["default"] is None
    assert SCHEMA["properties"]["nudges"]["default"] == {"default": "off", "max_per_week": 2}
    assert defs["EloModel"]["properties"]["k"]["default"] == {"a": 1.0, "b": 0.05}


def test_choices_optionals_and_mappings() -> None:
    defs = SCHEMA["$defs"]
    measure = defs["MeasureSpec"]["properties"]
    assert measure["per"]["anyOf"] == [{"enum": ["day", "week", "month"]}, {"type": "null"}]
    assert measure["where"]["additionalProperties"] == {
        "type": ["string", "integer", "boolean", "null"]
    }
    assert defs["MenuGoal"]["properties"]["description"]["type"] == ["string", "null"]
    assert defs["MenuGoal"]["properties"]["streak"]["anyOf"] == [
        {"$ref": "#/$defs/Streak"},
        {"type": "null"},
    ]
    for cls in classes():
        for name, hint in typing.get_type_hints(cls).items():
            if get_origin(hint) is Literal:
                assert object_schema(cls)["properties"][name]["enum"] == list(get_args(hint))


def test_expression_fields_are_the_loaders() -> None:
    marked = {
        (cls.__name__, name)
        for cls in classes()
        for name, prop in object_schema(cls)["properties"].items()
        if prop["description"].startswith("Expression: ")
    }
    expected = set()
    for path, names in EXPRESSIONS.items():
        obj = SCHEMA
        for key in path:  # each step is a mapping or a list of mappings
            prop = obj["properties"][key]
            obj = SCHEMA["$defs"][prop.get("items", prop)["$ref"].split("/")[-1]]
        expected |= {(obj["title"], name) for name in names}
    assert marked == expected
    assert ("Evidence", "outcome") in marked


def test_unknown_types_and_undocumented_fields_are_refused() -> None:
    @attrs.frozen
    class Undocumented:
        x: int = 0

    @attrs.frozen
    class Odd:
        x: set[int] = attrs.field(factory=set, metadata={"doc": "A set."})

    @attrs.frozen
    class Typo:
        x: int = attrs.field(default=0, metadata={"doc": "X.", "schema": {"minimun": 1}})

    with pytest.raises(ValueError, match=r"Undocumented\.x has no documentation"):
        _Builder().object(Undocumented)
    with pytest.raises(TypeError, match="no JSON Schema for"):
        _Builder().object(Odd)
    with pytest.raises(ValueError, match=r"unknown keywords \['minimun'\]"):
        _Builder().object(Typo)


# -- the schema accepts what the loader accepts, and rejects the broken -----------------------

FULL = """\
version: 2
goals:
  allow_custom: false
  menu:
    - id: weekly-reviews
      title: Review pull requests
      measure: {event: review.submitted, count: 3, per: week, where: {repo: core, big: true, n: 2, x: null}}
      adjustable: [count]
      description: Three reviews a week.
      visibility: shared
      assigned: true
      deadline: "2026-12-31"
      streak: {reset_on_miss: false, repairs_per_month: 1}
tracks:
  - id: elo
    title: Elo
    model: {elo: {guess: 0.25, k: {a: 2, b: 0.1}}}
    evidence: [{on: quiz.answered, outcome: "event.data.correct", item: "event.data.quiz"}]
    scale: {typical: 3, step: 0.5, typical_tasks: medium quizzes}
    min_evidence: 3
    retention: {half_life_days: 2, cap_days: 100, refresh_below: 0.6}
  - id: bkt
    title: BKT
    model: {bkt: {prior: 0.2, learn: 0.3, guess: 0.1, slip: 0.05, mastered: 0.9}}
    evidence: [{on: quiz.answered, outcome: "event.data.correct", when: "true", difficulty: "1"}]
    levels: [{name: One, at: 0}, {name: Two, at: 0.5}]
    challenge_band: [0.6, 0.9]
  - id: criteria
    title: Criteria
    model: {criteria: {evidence: 5, min_difficulty: 0.5, at_difficulty: 2, success: 0.75}}
    evidence: []
impact:
  contributions:
    - {on: answer.posted, id: "event.data.id", builds_on: "event.data.cites", referred_by: "owner", noun: answer}
  beneficiary_events:
    - {on: answer.used, credits: "event.data.id", story: "{beneficiary} used it", beneficiary: "event.actor"}
  attribution: {decay: 0.25, max_depth: 20, mode: direct}
missions:
  - id: handbook
    title: Translate the handbook
    target: {event: page.translated, count: 10, unit: pages}
    milestones: [1, 5, 10]
    show: ranking
nudges: {default: "on", max_per_week: 0}
rewards:
  - {on: review.submitted, give: 10 points, when: "event.data.lines > 10"}
leaderboards:
  - {id: top, title: Top reviewers, ranks: review.submitted, visibility: private}
lint:
  max_nudges_per_week: 0
  silence:
    - {rule: no-ranking, reason: We asked the team first., at: "missions[0]"}
"""


@pytest.mark.parametrize("name", ["example", "full"])
def test_documents_the_loader_accepts_are_valid(name: str) -> None:
    text = EXAMPLE.read_text(encoding="utf-8") if name == "example" else FULL
    load_rules(f"{name}.yaml", text=text, runnable=False)
    assert problems(plain(text)) == []


def test_the_full_document_sets_every_key() -> None:
    document = plain(FULL)

    def keys(obj: dict[str, Any], value: Any) -> Iterator[tuple[str, str]]:
        for key, prop in obj["properties"].items():
            here = value.get(key) if isinstance(value, dict) else None
            if here is None:
                continue
            yield obj["title"], key
            for ref in [prop.get("$ref"), prop.get("items", {}).get("$ref")] + [
                o.get("$ref") for o in prop.get("anyOf", [])
            ]:
                if ref:
                    sub = SCHEMA["$defs"][ref.split("/")[-1]]
                    for item in here if isinstance(here, list) else [here]:
                        yield from keys(sub, item)

    covered = set(keys(SCHEMA, document))
    everything = {(object_schema(c)["title"], f.name) for c in classes() for f in attrs.fields(c)}
    assert everything - covered == set()


def changed(change: str) -> Any:
    """The full document with one change: ``path=json`` sets a value, ``path!`` deletes it."""
    document = plain(FULL)
    path, _, value = change.partition("=")
    steps: list[Any] = [int(s) if s.isdigit() else s for s in path.rstrip("!").split(".")]
    parent = document
    for step in steps[:-1]:
        parent = parent[step]
    if path.endswith("!"):
        del parent[steps[-1]]
    else:
        parent[steps[-1]] = json.loads(value)
    return document


def loads(document: Any) -> bool:
    try:
        load_rules("motivation.yaml", text=json.dumps(document), runnable=False)
    except RulesError:
        return False
    return True


BROKEN = {
    # unknown keys
    "gaols={}": [": additionalProperties"],
    'goals.menu.0.titel="x"': ["goals.menu.0: additionalProperties"],
    "nudges.max_per_day=1": ["nudges: additionalProperties"],
    # wrong types
    'version="3"': ["version: type"],
    "version=3.5": ["version: type"],
    'goals.allow_custom="yes"': ["goals.allow_custom: type"],
    "goals.menu.0.measure.count=true": ["goals.menu.0.measure.count: type"],
    "nudges.max_per_week=1.5": ["nudges.max_per_week: type"],
    'goals.menu.0.measure.where={"score": 0.5}': ["goals.menu.0.measure.where.score: type"],
    'goals.menu="weekly-reviews"': ["goals.menu: type"],
    "tracks.0.evidence.0.outcome=true": ["tracks.0.evidence.0.outcome: type"],
    'tracks.1.levels.0.at="low"': ["tracks.1.levels.0.at: type"],
    # choices
    'goals.menu.0.measure.per="fortnight"': ["goals.menu.0.measure.per: anyOf"],
    'nudges.default="maybe"': ["nudges.default: enum"],
    'impact.attribution.mode="both"': ["impact.attribution.mode: enum"],
    'goals.menu.0.adjustable=["title"]': ["goals.menu.0.adjustable.0: enum"],
    'missions.0.show="top-ten"': ["missions.0.show: enum"],
    # required keys
    "version!": [": required"],
    "goals.menu.0.measure!": ["goals.menu.0: required"],
    "tracks.0.evidence!": ["tracks.0: required"],
    "impact.beneficiary_events.0.story!": ["impact.beneficiary_events.0: required"],
    # bounds the loader checks too
    "version=0": ["version: minimum"],
    "goals.menu.0.measure.count=0": ["goals.menu.0.measure.count: minimum"],
    "goals.menu.0.measure.count=1000001": ["goals.menu.0.measure.count: maximum"],
    'goals.menu.0.measure.event="review submitted"': ["goals.menu.0.measure.event: pattern"],
    "tracks.0.model.elo.guess=1": ["tracks.0.model.elo.guess: exclusiveMaximum"],
    "tracks.1.model.bkt.slip=0": ["tracks.1.model.bkt.slip: exclusiveMinimum"],
    "tracks.1.challenge_band=[0.7]": ["tracks.1.challenge_band: minItems"],
    "tracks.1.challenge_band=[0.7, 1]": ["tracks.1.challenge_band.1: exclusiveMaximum"],
    "tracks.1.levels.0.at=-0.5": ["tracks.1.levels.0.at: minimum"],
    "tracks.1.levels.1.at=1.5": ["tracks.1.levels.1.at: maximum"],
    "tracks.0.scale.step=0": ["tracks.0.scale.step: exclusiveMinimum"],
    'tracks.0.scale.typical_tasks=" "': ["tracks.0.scale.typical_tasks: pattern"],
    "tracks.0.min_evidence=0": ["tracks.0.min_evidence: minimum"],
    "tracks.0.retention.half_life_days=0": ["tracks.0.retention.half_life_days: exclusiveMinimum"],
    "tracks.0.retention.cap_days=36501": ["tracks.0.retention.cap_days: maximum"],
    "tracks.0.retention.refresh_below=1": ["tracks.0.retention.refresh_below: exclusiveMaximum"],
    'tracks.0.evidence.0.when="' + "x" * 501 + '"': ["tracks.0.evidence.0.when: maxLength"],
    "impact.attribution.decay=1": ["impact.attribution.decay: exclusiveMaximum"],
    "impact.attribution.max_depth=21": ["impact.attribution.max_depth: maximum"],
    "missions.0.target.count=0": ["missions.0.target.count: minimum"],
    "missions.0.milestones=[0, 5]": ["missions.0.milestones.0: minimum"],
    "missions.0.milestones=[5, 5]": ["missions.0.milestones: uniqueItems"],
    "nudges.max_per_week=-1": ["nudges.max_per_week: minimum"],
    "lint.max_nudges_per_week=-1": ["lint.max_nudges_per_week: minimum"],
    'lint.silence.0.reason=" "': ["lint.silence.0.reason: pattern"],
}


@pytest.mark.parametrize(("change", "expected"), BROKEN.items(), ids=[b[:60] for b in BROKEN])
def test_broken_documents_are_rejected_by_the_schema_and_the_loader(
    change: str, expected: list[str]
) -> None:
    document = changed(change)
    assert problems(document) == expected
    assert not loads(document)


EDGES = [
    "version=1",
    "goals.menu.0.measure.count=1",
    "goals.menu.0.measure.count=1000000",
    'goals.menu.0.measure.event="a:b/c-d_e.f"',
    "tracks.0.model.elo.guess=0",
    "tracks.0.model.elo.guess=0.999",
    "tracks.1.challenge_band=[0.01, 0.99]",
    "tracks.1.levels.1.at=1",
    "tracks.0.scale.step=0.001",
    "tracks.0.min_evidence=1",
    "tracks.0.retention.cap_days=2",  # the half-life itself
    "tracks.0.retention.cap_days=36500",
    "tracks.0.retention.refresh_below=0.999",
    "tracks.0.evidence.0.when=" + json.dumps('"' + "x" * 498 + '"'),  # 500 characters
    "impact.attribution.max_depth=1",
    "impact.attribution.decay=0.999",
    "missions.0.milestones=[1]",
    "nudges.max_per_week=0",
    "lint.max_nudges_per_week=0",
]


@pytest.mark.parametrize("change", EDGES, ids=[e[:60] for e in EDGES])
def test_values_at_the_bounds_are_accepted_by_both(change: str) -> None:
    document = changed(change)
    assert problems(document) == []
    assert loads(document)


# -- the command line -------------------------------------------------------------------------


def test_cli_prints_the_schema() -> None:
    result = CliRunner().invoke(main, ["rules", "schema"])
    assert result.exit_code == 0, result.output
    assert result.stdout == schema_text()


def test_cli_writes_the_schema_and_the_reference(tmp_path: Path) -> None:
    out = tmp_path / "motivation.schema.json"
    result = CliRunner().invoke(main, ["rules", "schema", "--output", str(out)])
    assert (result.exit_code, result.stdout) == (0, "")
    assert out.read_bytes() == SCHEMA_FILE.read_bytes()
    md = tmp_path / "reference.md"
    result = CliRunner().invoke(main, ["rules", "schema", "--markdown", "-o", str(md)])
    assert (result.exit_code, result.stdout) == (0, "")
    assert md.read_bytes() == REFERENCE.read_bytes()
    result = CliRunner().invoke(main, ["rules", "schema", "--markdown"])
    assert result.stdout == reference_markdown()


def test_cli_reports_a_file_it_cannot_write(tmp_path: Path) -> None:
    out = tmp_path / "missing" / "schema.json"
    result = CliRunner().invoke(main, ["rules", "schema", "--output", str(out)])
    assert result.exit_code == 1
    assert f"Error: cannot write {out}" in result.output


# -- the reference ----------------------------------------------------------------------------


def test_the_reference_has_a_table_per_mapping_and_a_row_per_key() -> None:
    text = reference_markdown()
    assert "```python" not in text  # tests/test_docs.py would run it
    headings = re.findall(r"^### (.+)$", text, re.M)
    assert len(headings) == len(list(classes()))
    assert headings[:3] == ["The top level", "`goals`", "`goals.menu[]`"]
    assert "`tracks[].model.elo.k`" in headings
    for cls in classes():
        for field in attrs.fields(cls):
            assert f"| `{field.name}` |" in text, f"{cls.__name__}.{field.name}"
    assert (
        "| `outcome` | **expression** (string, at most 500 characters) | **required** | "
        "Success (true/false) or a graded outcome between 0 and 1. |"
    ) in text
    assert "| `count` | whole number, ≥ 1 and ≤ 1,000,000 | **required** |" in text
    assert '| `default` | one of `"on"`, `"off"` | `"off"` |' in text
    assert "# yaml-language-server: $schema=" in text


def test_the_references_links_lead_to_its_headings() -> None:
    text = reference_markdown()
    slugs = {
        re.sub(r"[^\w\- ]", "", h.lower()).replace(" ", "-")
        for h in re.findall(r"^#+ (.+)$", text, re.M)
    }
    links = set(re.findall(r"\]\(#([^)]+)\)", text))
    assert links
    assert links <= slugs
