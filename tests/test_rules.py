"""The design file: loading, file:line:col errors (all at once), wiring into the Kit."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from motivekit import ConfigError, Event, InvalidTrack, Kit, NotPermitted, RulesError, load_rules
from motivekit.cli import main
from motivekit.rules import (
    EloModel,
    Evidence,
    Level,
    Retention,
    Scale,
    Track,
    TrackModel,
    check_track,
    lint,
)

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "motivation.yaml"

MINIMAL = "version: 1\n"


def problems(text: str) -> list[str]:
    with pytest.raises(RulesError) as caught:
        load_rules("motivation.yaml", text=text)
    return [str(p) for p in caught.value.problems]


def test_the_example_design_loads() -> None:
    rules = load_rules(EXAMPLE)
    design = rules.design
    assert rules.version == 3
    assert [g.id for g in design.goals.menu] == ["weekly-reviews"]
    assert design.tracks[0].challenge_band == [0.70, 0.85]
    assert design.tracks[0].model.elo is not None
    assert design.impact.attribution.mode == "recursive"
    assert design.missions[0].milestones == [100, 250, 500]
    assert design.nudges.default == "off"  # YAML 1.2: `off` is a string, never False
    when = rules.expressions["tracks", 0, "evidence", 0, "when"]
    assert when.evaluate({"event": {"data": {"lines": 12}}}) is True
    track = design.tracks[0]
    assert track.scale == Scale(typical=3, step=1, typical_tasks="medium reviews")
    assert (track.min_evidence, track.retention) == (5, None)
    assert rules.track_expressions(0) == {
        ("evidence", 0, field): rules.expressions["tracks", 0, "evidence", 0, field]
        for field in ("when", "outcome", "difficulty")
    }
    assert rules.track_expressions(1) == {}


def test_defaults_and_no_surprise_booleans() -> None:
    rules = load_rules(
        "m.yaml",
        text="version: 1\ngoals:\n  menu:\n    - {id: no, title: NO, measure: {event: k, count: 1}}\n",
    )
    goal = rules.design.goals.menu[0]
    assert (goal.id, goal.title) == ("no", "NO")
    assert goal.adjustable == ["count", "per"]
    assert rules.design.goals.allow_custom is True


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("version: '3'\n", ["motivation.yaml:1:10: version: must be a whole number, got str '3'"]),
        (
            "version: 1\nversion: 2\n",
            [
                'motivation.yaml:2:1: found duplicate key "version" with value "2" (original value: "1")'
            ],
        ),
        (
            "version: 1\ncolour: blue\n",
            [
                "motivation.yaml:2:1: colour: unknown key 'colour'; allowed here: version, goals, tracks, impact, missions, nudges, rewards, leaderboards, lint"
            ],
        ),
        ("goals: {}\n", ["motivation.yaml:1:1: version: is required but missing"]),
        (
            "version: 1\ngoals:\n  menu: {}\n",
            [
                "motivation.yaml:3:9: goals.menu: must be a list of mappings, e.g. [{id: weekly-reviews, "
                "title: Review pull requests, measure: {event: review.submitted, count: 3, "
                "per: week}}], got a mapping"
            ],
        ),
        (
            "version: 1\ntracks:\n  - {id: t, title: T, model: {elo: {}}, evidence: [], challenge_band: 'ab'}\n",
            [
                "motivation.yaml:3:71: tracks[0].challenge_band: must be a list of numbers, "
                "e.g. [0.70, 0.85], got str 'ab'"
            ],
        ),
        (
            "version: 1\ngoals:\n  menu:\n    - {id: a, title: A, measure: {event: x, count: 1, where: [1, 2]}}\n",
            [
                "motivation.yaml:4:62: goals.menu[0].measure.where: must be a mapping of names to "
                "values, e.g. {team: core, language: en}, got a list"
            ],
        ),
        (
            "version: 1\ngoals:\n  menu:\n    - {id: ' a ', title: A, measure: {event: x, count: 1}}\n",
            [
                "motivation.yaml:4:7: goals.menu[0]: GoalTemplate.id must be a non-empty string without surrounding spaces; e.g. 'weekly-reviews'"
            ],
        ),
        (
            "version: 1\ngoals:\n  menu:\n    - {id: a, title: A, measure: {event: x, count: 1, where: {'': 1}}}\n",
            [
                "motivation.yaml:4:7: goals.menu[0]: measure.where keys must be non-empty strings, got ''"
            ],
        ),
        ("- a\n- b\n", ["motivation.yaml:1:1: the file must be a mapping with a 'version' key"]),
        ("version: [1\n", None),  # a YAML syntax error: reported with its position
        (
            "version: 1\nnudges: {default: maybe, max_per_week: 1.5}\n",
            [
                "motivation.yaml:2:19: nudges.default: must be one of 'on', 'off', got str 'maybe'",
                "motivation.yaml:2:40: nudges.max_per_week: must be a whole number, got float 1.5",
            ],
        ),
        (
            "version: 1\ngoals:\n  allow_custom: yes\n  menu:\n    - id: a\n      title: A\n      measure: {event: k, count: 2, where: {score: 0.5}}\n",
            [
                "motivation.yaml:3:17: goals.allow_custom: must be true or false, got str 'yes'",
                "motivation.yaml:7:52: goals.menu[0].measure.where.score: must be a string, whole number, true/false or null, got float 0.5",
            ],
        ),
    ],
)
def test_structural_problems(text: str, expected: list[str] | None) -> None:
    found = problems(text)
    if expected is None:
        assert len(found) == 1
        assert found[0].startswith("motivation.yaml:2:1: expected ',' or ']'")
    else:
        assert found == expected


TRACK = """version: 1
tracks:
  - id: review
    title: Review
    model: {elo: {}}
    evidence:
      - on: review.submitted
        outcome: {outcome}
"""


@pytest.mark.parametrize(
    ("outcome", "message"),
    [
        (
            "\"__import__('os').system('rm')\"",
            "8:19: tracks[0].evidence[0].outcome: a function call is not allowed in expressions",
        ),
        (
            '"event.__class__.__mro__"',
            "8:19: tracks[0].evidence[0].outcome: attribute '__mro__' is not allowed",
        ),
        (
            "event.data.ok and ().__class__",
            "8:36: tracks[0].evidence[0].outcome: attribute '__class__' is not allowed",
        ),
        (
            '"actor == 1"',
            "8:19: tracks[0].evidence[0].outcome: unknown name 'actor'; available here: event, owner",
        ),
        (
            '"' + "-" * 30 + '1"',
            "8:40: tracks[0].evidence[0].outcome: the expression nests more than 20 levels deep",
        ),
    ],
)
def test_expression_problems_name_the_column(outcome: str, message: str) -> None:
    found = problems(TRACK.replace("{outcome}", outcome))
    assert len(found) == 1
    assert message in found[0]


def test_all_problems_at_once_structural_semantic_and_expressions() -> None:
    text = """version: 1
goals:
  menu:
    - {id: a, title: A, measure: {event: k, count: 1}}
    - {id: a, title: B, measure: {event: "bad kind", count: 0}}
tracks:
  - id: t
    title: T
    model: {elo: {}, bkt: {}}
    evidence:
      - {on: k, outcome: "event.f()"}
    levels: [{name: Fluent, at: 0.8}, {name: Exploring, at: 0.1}]
    challenge_band: [0.9, 0.2]
missions:
  - {id: m, title: M, target: {event: k, count: 10}, milestones: [5, 3, 50]}
impact:
  attribution: {decay: 1.5, max_depth: 99}
"""
    found = problems(text)
    assert found == [
        "motivation.yaml:5:12: goals.menu[1].id: id 'a' is used twice",
        "motivation.yaml:5:42: goals.menu[1].measure.event: 'bad kind' is not an event kind (letters, digits and . _ : / -)",
        "motivation.yaml:5:61: goals.menu[1].measure.count: must be from 1 to 1,000,000",
        "motivation.yaml:9:12: tracks[0].model: choose exactly one model of elo, bkt, criteria (got 2)",
        "motivation.yaml:11:27: tracks[0].evidence[0].outcome: a function call is not allowed in expressions",
        "motivation.yaml:12:61: tracks[0].levels[1].at: must be above 0.8 (level 'Fluent' before it): levels go in ascending order of 'at'",
        "motivation.yaml:13:21: tracks[0].challenge_band: must be [low, high] with 0 < low < high < 1, e.g. [0.70, 0.85]",
        "motivation.yaml:15:66: missions[0].milestones: must be in ascending order",
        "motivation.yaml:15:66: missions[0].milestones: each must be above 0 and at most the target (10)",
        "motivation.yaml:17:24: impact.attribution.decay: must be between 0 and 1 (exclusive)",
        "motivation.yaml:17:40: impact.attribution.max_depth: must be from 1 to 20",
    ]


EVIDENCE = """version: 1
tracks:
  - id: review
    title: Review
    model: {elo: {}}
    evidence:
      - on: review.submitted
        outcome: {outcome}
        {key}: {value}
"""
DIFFICULTY = (
    "must give a number (the team's difficulty scale), but this expression gives {}; "
    "for an item's id use 'item'"
)
OUTCOME = "must give true/false or a number from 0 to 1, but this expression gives {}"
ITEM = "must give the item's id (a string or a number), but this expression gives {}"


def evidence(key: str, value: str, outcome: str = '"event.data.ok"') -> str:
    return EVIDENCE.replace("{outcome}", outcome).replace("{key}", key).replace("{value}", value)


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        (
            "difficulty",
            "\"'hard'\"",
            "9:22: tracks[0].evidence[0].difficulty: " + DIFFICULTY.format("a string"),
        ),
        (
            "difficulty",
            '"event.data.x > 3"',
            "9:22: tracks[0].evidence[0].difficulty: " + DIFFICULTY.format("true/false"),
        ),
        (
            "difficulty",
            "\"'a' + 'b'\"",
            "9:22: tracks[0].evidence[0].difficulty: " + DIFFICULTY.format("a string"),
        ),
        (
            "difficulty",
            "event.data.x > 3",
            "9:21: tracks[0].evidence[0].difficulty: " + DIFFICULTY.format("true/false"),
        ),
        (
            "difficulty",
            "'  null'",
            "9:24: tracks[0].evidence[0].difficulty: " + DIFFICULTY.format("null"),
        ),
        (
            "difficulty",
            "\"-'x'\"",
            "9:22: tracks[0].evidence[0].difficulty: " + DIFFICULTY.format("null"),
        ),
        (
            "item",
            '"event.data.x > 3"',
            "9:16: tracks[0].evidence[0].item: " + ITEM.format("true/false"),
        ),
        (
            "item",
            '"[event.data.a, 1]"',
            "9:16: tracks[0].evidence[0].item: " + ITEM.format("a list"),
        ),
        (
            "item",
            '"not event.data.a or []"',
            "9:16: tracks[0].evidence[0].item: " + ITEM.format("true/false"),
        ),
        (
            "when",
            '"event.data.x f"',
            "9:29: tracks[0].evidence[0].when: not a valid expression: invalid syntax",
        ),
    ],
)
def test_evidence_expressions_must_give_what_their_key_needs(
    key: str, value: str, message: str
) -> None:
    assert problems(evidence(key, value)) == ["motivation.yaml:" + message]


@pytest.mark.parametrize(
    ("outcome", "message"),
    [
        ("\"'yes'\"", "8:19: tracks[0].evidence[0].outcome: " + OUTCOME.format("a string")),
        ('"[1]"', "8:19: tracks[0].evidence[0].outcome: " + OUTCOME.format("a list")),
        ('"null"', "8:19: tracks[0].evidence[0].outcome: " + OUTCOME.format("null")),
        (
            "\"event.data.verdict + '!'\"",
            "8:19: tracks[0].evidence[0].outcome: " + OUTCOME.format("a string or null"),
        ),
        ('"1.5"', "8:19: tracks[0].evidence[0].outcome: " + OUTCOME.format("1.5")),
        ("' -0.5'", "8:20: tracks[0].evidence[0].outcome: " + OUTCOME.format("-0.5")),
        ("'100'", "8:19: tracks[0].evidence[0].outcome: " + OUTCOME.format("100")),
        ("1.5", "8:18: tracks[0].evidence[0].outcome: must be a string, got float 1.5"),
    ],
)
def test_an_outcome_is_true_false_or_a_number_from_0_to_1(outcome: str, message: str) -> None:
    assert problems(evidence("when", '"true"', outcome)) == ["motivation.yaml:" + message]


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("difficulty", '"event.data.complexity"'),
        ("difficulty", '"3"'),
        ("difficulty", '"-1.5"'),
        ("difficulty", '"event.data.lines / 100"'),
        ("difficulty", "\"2 if event.data.big else 'x'\""),  # may be a number: checked as it runs
        ("item", '"event.data.exercise"'),
        ("item", '"42"'),
        ("item", "\"'quiz-' + event.data.id\""),
        ("when", '"event.data.lines"'),
    ],
)
def test_evidence_expressions_that_may_give_the_right_kind_load(key: str, value: str) -> None:
    for outcome in ('"event.data.ok"', '"true"', '"0"', '"1"', '"0.5"', '"event.data.score / 100"'):
        rules = load_rules("motivation.yaml", text=evidence(key, value, outcome))
        assert ("tracks", 0, "evidence", 0, key) in rules.expressions


def test_difficulty_and_item_together() -> None:
    rules = load_rules(
        "motivation.yaml", text=evidence("item", '"event.data.id"') + '        difficulty: "2"\n'
    )
    assert set(rules.track_expressions(0)) == {
        ("evidence", 0, "outcome"),
        ("evidence", 0, "item"),
        ("evidence", 0, "difficulty"),
    }
    assert rules.design.tracks[0].evidence[0].item == "event.data.id"


TRACK_WITH = """version: 1
tracks:
  - id: review
    title: Review
    model: {elo: {}}
    evidence: [{on: review.submitted, outcome: "event.data.ok"}]
    {key}: {value}
"""


def track_with(key: str, value: str) -> str:
    if key == "model":
        return TRACK_WITH.replace("{elo: {}}", value).replace("    {key}: {value}\n", "")
    return TRACK_WITH.replace("{key}", key).replace("{value}", value)


BAND = "must be [low, high] with 0 < low < high < 1, e.g. [0.70, 0.85]"


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        (
            "model",
            "{glicko: {}}",
            [
                "5:13: tracks[0].model.glicko: unknown key 'glicko'; allowed here: elo, bkt, criteria"
            ],
        ),
        (
            "model",
            "{}",
            ["5:12: tracks[0].model: choose exactly one model of elo, bkt, criteria (got 0)"],
        ),
        ("challenge_band", "[0, 0.8]", [f"7:21: tracks[0].challenge_band: {BAND}"]),
        ("challenge_band", "[0.9, 0.7]", [f"7:21: tracks[0].challenge_band: {BAND}"]),
        ("challenge_band", "[0.7, 1.2]", [f"7:21: tracks[0].challenge_band: {BAND}"]),
        ("challenge_band", "[0.7, 0.8, 0.9]", [f"7:21: tracks[0].challenge_band: {BAND}"]),
        (
            "levels",
            "[{name: A, at: 0.2}, {name: B, at: 0.6}, {name: C, at: 0.4}, {name: D, at: 0.5}]",
            [
                "7:68: tracks[0].levels[2].at: must be above 0.6 (level 'B' before it): levels go in ascending order of 'at'"
            ],
        ),
        (
            "levels",
            "[{name: A, at: 0.5}, {name: B, at: 0.5}]",
            [
                "7:48: tracks[0].levels[1].at: must be above 0.5 (level 'A' before it): levels go in ascending order of 'at'"
            ],
        ),
        (
            "levels",
            "[{name: A, at: -0.1}, {name: B, at: 1.5}, {name: B, at: .nan}]",
            [
                "7:28: tracks[0].levels[0].at: must be from 0 to 1 (every model's estimate is)",
                "7:49: tracks[0].levels[1].at: must be from 0 to 1 (every model's estimate is)",
                "7:62: tracks[0].levels[2].name: name 'B' is used twice",
                "7:69: tracks[0].levels[2].at: must be from 0 to 1 (every model's estimate is)",
            ],
        ),
        (
            "scale",
            "{step: 0}",
            ["7:19: tracks[0].scale.step: must be above 0 (the difficulty of one logit step)"],
        ),
        (
            "scale",
            "{step: -1.5}",
            ["7:19: tracks[0].scale.step: must be above 0 (the difficulty of one logit step)"],
        ),
        ("scale", "{typical: .inf}", ["7:22: tracks[0].scale.typical: must be a finite number"]),
        (
            "scale",
            "{typical_tasks: ''}",
            [
                "7:28: tracks[0].scale.typical_tasks: name the typical tasks feedback speaks of, e.g. 'medium reviews'"
            ],
        ),
        (
            "scale",
            "{typical_tasks: '  '}",
            [
                "7:28: tracks[0].scale.typical_tasks: name the typical tasks feedback speaks of, e.g. 'medium reviews'"
            ],
        ),
        (
            "scale",
            "{typical: hard}",
            ["7:22: tracks[0].scale.typical: must be a number, got str 'hard'"],
        ),
        (
            "scale",
            "{steps: 2}",
            [
                "7:13: tracks[0].scale.steps: unknown key 'steps'; allowed here: typical, step, typical_tasks"
            ],
        ),
        ("min_evidence", "0", ["7:19: tracks[0].min_evidence: must be at least 1"]),
        (
            "min_evidence",
            "2.5",
            ["7:19: tracks[0].min_evidence: must be a whole number, got float 2.5"],
        ),
        (
            "retention",
            "{half_life_days: 10, cap_days: 5}",
            ["7:47: tracks[0].retention.cap_days: must be at least half_life_days (10)"],
        ),
        (
            "retention",
            "{half_life_days: 0, cap_days: 40000, refresh_below: 1}",
            [
                "7:33: tracks[0].retention.half_life_days: must be a number of days above 0 and at most 36,500",
                "7:46: tracks[0].retention.cap_days: must be a number of days above 0 and at most 36,500",
                "7:68: tracks[0].retention.refresh_below: must be between 0 and 1 (exclusive)",
            ],
        ),
        (
            "retention",
            "{refresh_below: 0}",
            ["7:32: tracks[0].retention.refresh_below: must be between 0 and 1 (exclusive)"],
        ),
    ],
)
def test_bad_track_definitions(key: str, value: str, expected: list[str]) -> None:
    assert problems(track_with(key, value)) == ["motivation.yaml:" + e for e in expected]


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("challenge_band", "[0.01, 0.99]"),
        ("levels", "[{name: A, at: 0}, {name: B, at: 1}]"),
        ("scale", "{typical: -3, step: 0.25, typical_tasks: hard katas}"),
        ("min_evidence", "1"),
        ("retention", "{}"),
        ("retention", "{half_life_days: 2, cap_days: 2, refresh_below: 0.9}"),
        ("retention", "{half_life_days: 36500, cap_days: 36500}"),
    ],
)
def test_track_definitions_at_the_bounds_load(key: str, value: str) -> None:
    load_rules("motivation.yaml", text=track_with(key, value))


def good_track(**changes: object) -> Track:
    fields: dict[str, object] = {
        "id": "code-review",
        "title": "Code review",
        "model": TrackModel(elo=EloModel()),
        "evidence": [
            Evidence(
                "review.submitted",
                "event.data.approved",
                difficulty="event.data.complexity",
                item="event.data.pr",
                when="event.data.lines >= 10",
            )
        ],
        "levels": [Level("Exploring", 0.0), Level("Fluent", 0.8)],
        "scale": Scale(typical=3, typical_tasks="medium reviews"),
        "retention": Retention(half_life_days=2),
    }
    return Track(**{**fields, **changes})  # type: ignore[arg-type]


def test_check_track_returns_the_compiled_expressions_by_path_within_the_track() -> None:
    expressions = check_track(good_track())
    assert {path: e.text for path, e in expressions.items()} == {
        ("evidence", 0, "outcome"): "event.data.approved",
        ("evidence", 0, "difficulty"): "event.data.complexity",
        ("evidence", 0, "item"): "event.data.pr",
        ("evidence", 0, "when"): "event.data.lines >= 10",
    }
    context = {"event": {"data": {"lines": 12, "approved": True}}}
    assert expressions["evidence", 0, "when"].evaluate(context) is True
    # The same as the loader's, for the same track written in a file.
    rules = load_rules(
        "motivation.yaml",
        text="""version: 1
tracks:
  - id: code-review
    title: Code review
    model: {elo: {}}
    evidence:
      - on: review.submitted
        outcome: event.data.approved
        difficulty: event.data.complexity
        item: event.data.pr
        when: event.data.lines >= 10
""",
    )
    from_file = rules.track_expressions(0)
    assert {p: (e.text, e.kinds) for p, e in from_file.items()} == {
        p: (e.text, e.kinds) for p, e in expressions.items()
    }


def test_check_track_names_every_problem_like_the_loader() -> None:
    bad = good_track(
        model=TrackModel(),
        evidence=[
            Evidence("review submitted", "'yes'", difficulty="'hard'", item="event.data.x > 3"),
            Evidence("review.submitted", "event.f()"),
        ],
        levels=[Level("Fluent", 0.8), Level("Exploring", 0.1)],
        challenge_band=[0.9, 0.2],
        scale=Scale(step=0),
        min_evidence=0,
        retention=Retention(half_life_days=10, cap_days=5),
    )
    with pytest.raises(InvalidTrack) as caught:
        check_track(bad, 2)
    assert str(caught.value).splitlines() == [
        "tracks[2].model: choose exactly one model of elo, bkt, criteria (got 0)",
        "tracks[2].evidence[0].on: 'review submitted' is not an event kind (letters, digits and . _ : / -)",
        "tracks[2].evidence[0].outcome: " + OUTCOME.format("a string"),
        "tracks[2].evidence[0].difficulty: " + DIFFICULTY.format("a string"),
        "tracks[2].evidence[0].item: " + ITEM.format("true/false"),
        "tracks[2].evidence[1].outcome: a function call is not allowed in expressions",
        "tracks[2].levels[1].at: must be above 0.8 (level 'Fluent' before it): levels go in ascending order of 'at'",
        "tracks[2].challenge_band: " + BAND,
        "tracks[2].scale.step: must be above 0 (the difficulty of one logit step)",
        "tracks[2].min_evidence: must be at least 1",
        "tracks[2].retention.cap_days: must be at least half_life_days (10)",
    ]


def test_check_track_checks_types_as_strictly_as_a_file() -> None:
    bad = good_track(
        evidence=[Evidence("review.submitted", True)],  # type: ignore[arg-type]
        levels=[Level("Fluent", "high")],  # type: ignore[arg-type]
        min_evidence=2.0,
    )
    with pytest.raises(InvalidTrack) as caught:
        check_track(bad)
    assert str(caught.value).splitlines() == [
        "tracks[0].evidence[0].outcome: must be a string, got true",
        "tracks[0].levels[0].at: must be a number, got str 'high'",
        "tracks[0].min_evidence: must be a whole number, got float 2.0",
    ]
    # An int where a float goes is fine; a list must be a list, as in a file.
    assert check_track(good_track(levels=[Level("A", 0)], min_evidence=1))
    with pytest.raises(
        InvalidTrack,
        match=r"^tracks\[0\].challenge_band: must be a list of numbers, e.g. \[0.70, 0.85\], got tuple",
    ):
        check_track(good_track(challenge_band=(0.6, 0.8)))


def test_huge_nesting_is_reported_not_crashed() -> None:
    text = "version: 1\nnudges: " + "[" * 200 + "]" * 200 + "\n"
    found = problems(text)
    assert found
    assert all(p.startswith("motivation.yaml:") for p in found)


def test_unreadable_file(tmp_path: Path) -> None:
    with pytest.raises(RulesError, match=r"missing.yaml:1:1: cannot read the file"):
        load_rules(tmp_path / "missing.yaml")


def test_the_kit_offers_the_menu_and_records_the_rules_version(tmp_path: Path) -> None:
    with Kit.open("memory://", rules=EXAMPLE) as kit:
        assert kit.rules is not None
        assert [t.id for t in kit.goals.menu] == ["weekly-reviews"]
        goal = kit.goals.adopt("ada", "weekly-reviews", count=2)
        kit.record(Event("e1", "review.submitted", "ada"))
        assert kit.goals.get(goal.id).progress.count == 1
        assert {e.payload["rules"] for e in kit.journal.read()} == {3}
    design = tmp_path / "menu-only.yaml"
    design.write_text(EXAMPLE.read_text().replace("allow_custom: true", "allow_custom: false"))
    with Kit.open("memory://", rules=design) as kit:
        with pytest.raises(NotPermitted, match="offers goals from its menu only"):
            kit.goals.create("ada", "Mine", {"event": "k", "count": 1})
        assert kit.goals.adopt("ada", "weekly-reviews").template_id == "weekly-reviews"
    with pytest.raises(RulesError):
        Kit.open("memory://", rules=tmp_path / "nope.yaml")


def test_rules_check_cli(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["rules", "check", str(EXAMPLE)])
    assert result.exit_code == 0
    assert result.stdout.endswith("(version 3): 1 goal on the menu, 1 track, 1 mission\n")
    broken = tmp_path / "motivation.yaml"
    broken.write_text("version: 1\nnudges: {default: maybe}\ncolour: red\n")
    result = CliRunner().invoke(main, ["rules", "check", str(broken)])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"{broken}:2:19: nudges.default: must be one of 'on', 'off', got str 'maybe'",
        f"{broken}:3:1: colour: unknown key 'colour'; allowed here: version, goals, tracks, impact, missions, nudges, rewards, leaderboards, lint",
        f"2 problems in {broken}",
    ]


CONTROLLING = Path(__file__).parent / "fixtures" / "controlling.yaml"
NUDGES_ON = "version: 1\nnudges: {default: on, max_per_week: 14}\n"


def test_a_design_with_nudges_on_by_default_is_refused_by_check_and_kit_open(
    tmp_path: Path,
) -> None:
    design = tmp_path / "motivation.yaml"
    design.write_text(NUDGES_ON, encoding="utf-8")
    result = CliRunner().invoke(main, ["rules", "check", str(design)])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"{design}:2:19: nudges.default: motivekit does not nudge people who never chose "
        "nudges: they are opt-in (set default: off and let each person switch them on; see "
        "'motivekit rules lint' and docs/designing.md)",
        f"1 problem in {design}",
    ]
    with pytest.raises(RulesError, match=r"2:19: nudges.default: motivekit does not nudge"):
        Kit.open("memory://", rules=design)
    off = tmp_path / "off.yaml"
    off.write_text(NUDGES_ON.replace("on,", "off,"), encoding="utf-8")
    assert CliRunner().invoke(main, ["rules", "check", str(off)]).exit_code == 0
    Kit.open("memory://", rules=off).close()
    # The linter still reads it, and says why.
    (finding, _rate) = lint(load_rules(design, runnable=False))
    assert finding.rule == "nudges-on-by-default"


@pytest.mark.parametrize("url", ["memory://", "sqlite"])
def test_consent_defaults_cannot_switch_nudges_on(url: str, tmp_path: Path) -> None:
    where = f"sqlite:///{tmp_path / 'kit.db'}" if url == "sqlite" else url
    with pytest.raises(ConfigError) as caught:
        Kit.open(where, consent_defaults={"nudges": True})
    assert str(caught.value) == (
        "consent_defaults cannot switch nudges on for people who never chose them: nudges "
        "are opt-in (drop 'nudges' from consent_defaults, or set it to False, and let each "
        "person switch them on with kit.consent.set(user, 'nudges', True, by=user))"
    )
    with Kit.open(where, consent_defaults={"nudges": False, "mastery": False}) as kit:
        assert not kit.consent.get("ada").allows("nudges")
        assert kit.consent.set("ada", "nudges", True, by="ada").allows("nudges")  # her choice


def test_check_and_kit_open_refuse_mechanics_motivekit_will_not_run() -> None:
    with pytest.raises(RulesError) as caught:
        load_rules(CONTROLLING)
    where = [(p.line, p.column, p.path) for p in caught.value.problems]
    assert where == [
        (11, 17, "goals.menu[0].assigned"),
        (13, 15, "goals.menu[0].streak"),
        (17, 17, "goals.menu[1].deadline"),
        (19, 9, "goals.menu[1].streak"),
        (24, 11, "missions[0].show"),
        (26, 12, "nudges.default"),
        (29, 5, "rewards[0]"),
        (30, 5, "rewards[1]"),
        (34, 5, "leaderboards[0]"),
        (35, 5, "leaderboards[1]"),
        (36, 5, "leaderboards[2]"),
    ]
    assert all("docs/designing.md" in p.message for p in caught.value.problems)
    assert "motivekit never creates a goal for someone" in caught.value.problems[0].message
    with pytest.raises(RulesError, match="does not give points or badges"):
        Kit.open("memory://", rules=CONTROLLING)
    # The linter still gets to read it.
    assert load_rules(CONTROLLING, runnable=False).design.goals.menu[0].assigned


def test_a_deadline_is_a_calendar_date() -> None:
    text = (
        "version: 1\ngoals:\n  menu:\n"
        "    - {id: a, title: A, measure: {event: x, count: 1}, deadline: %s}\n"
    )
    for bad in ("2024-W01-1", "2026-02-30", "'2026-1-5'", "2026-13-01"):
        with pytest.raises(RulesError, match=r"4:\d+: goals.menu\[0\].deadline: must be a date"):
            load_rules("m.yaml", text=text % bad, runnable=False)
    for good in ("'2026-12-31'", "2026-12-31"):
        menu = load_rules("m.yaml", text=text % good, runnable=False).design.goals.menu
        assert menu[0].deadline == "2026-12-31"
    with pytest.raises(RulesError, match="deadline: must be a string, got int 20261105"):
        load_rules("m.yaml", text=text % "20261105", runnable=False)
    # Other ruamel users in the process still get dates.
    from ruamel.yaml import YAML

    assert str(YAML(typ="rt").load("d: 2026-12-31")["d"]) == "2026-12-31"
    assert not isinstance(YAML(typ="rt").load("d: 2026-12-31")["d"], str)


# -- errors never leak internals ---------------------------------------------------------------

_DESIGNS = [
    EXAMPLE,
    *sorted((Path(__file__).resolve().parent / "fixtures").glob("*.yaml")),
    EXAMPLE.parent / "flask_demo" / "motivation.yaml",
    EXAMPLE.parent / "django_site" / "motivation.yaml",
]
_INTERNALS = re.compile(
    r"object has no attribute|NoneType|Traceback|<class|cattrs|\battrs\b|"
    r"\b[a-z_]+\.[a-z_]+\.[A-Z]\w*|\bmotivekit\.[a-z_]+\.|Error\(|is not iterable|"
    r"unhashable|object is not|takes \d+ positional",
)
_OTHER_VALUES = st.sampled_from(["text", 3, 2.5, [1, "a"], {"k": "v"}, None, True, [], {}])


def _nodes(node: object, path: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    found = [path] if path else []
    if isinstance(node, dict):
        for key, value in node.items():
            found += _nodes(value, (*path, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            found += _nodes(value, (*path, i))
    return found


@settings(max_examples=300, deadline=None)
@given(data=st.data(), design=st.sampled_from(_DESIGNS), runnable=st.booleans())
def test_type_swapped_designs_get_messages_without_python_internals(
    data: st.DataObject, design: Path, runnable: bool
) -> None:
    tree = YAML(typ="safe").load(design.read_text(encoding="utf-8"))
    swaps = data.draw(st.lists(st.sampled_from(_nodes(tree)), min_size=1, max_size=3))
    for path in swaps:
        node = tree
        try:
            for key in path[:-1]:
                node = node[key]
            node[path[-1]] = data.draw(_OTHER_VALUES)
        except (KeyError, IndexError, TypeError):  # an earlier swap replaced a parent
            continue
    out = io.StringIO()
    YAML().dump(tree, out)
    try:
        load_rules("motivation.yaml", text=out.getvalue(), runnable=runnable)
    except RulesError as exc:
        for problem in exc.problems:
            assert not _INTERNALS.search(problem.message), str(problem)
            assert problem.message.strip()


def test_a_bare_model_name_is_that_model_with_its_defaults() -> None:
    text = (
        "version: 1\ntracks:\n  - id: t\n    title: T\n    model: {model}\n"
        "    evidence: [{{on: x.done, outcome: 'event.data.ok'}}]\n"
    )
    for name in ("elo", "bkt", "criteria"):
        (track,) = load_rules("m.yaml", text=text.format(model=name)).design.tracks
        assert getattr(track.model, name) == getattr(
            load_rules("m.yaml", text=text.format(model=f"{{{name}: {{}}}}"))
            .design.tracks[0]
            .model,
            name,
        )
    with pytest.raises(RulesError) as caught:
        load_rules("m.yaml", text=text.format(model="elx"))
    assert str(caught.value) == (
        "m.yaml:5:12: tracks[0].model: must be a model's name (elo, bkt or criteria), e.g. elo "
        "for Elo with its defaults, or a mapping like {elo: {guess: 0.0}}, got str 'elx'"
    )
    with pytest.raises(
        RulesError, match=r"tracks\[0\]\.model: must be a model's name .* got a list"
    ):
        load_rules("m.yaml", text=text.format(model="[elo]"))


def test_a_section_of_the_wrong_shape_names_the_shape_and_an_example() -> None:
    with pytest.raises(RulesError) as caught:
        load_rules("m.yaml", text="version: 1\nimpact: yes please\nmissions: [handbook]\n")
    assert [p.message for p in caught.value.problems] == [
        "must be a mapping like {contributions: [...], beneficiary_events: [...]}, "
        "got str 'yes please'",
        "must be a mapping like {id: handbook, title: Translate the handbook, "
        "target: {event: page.translated, count: 500}}, got str 'handbook'",
    ]
