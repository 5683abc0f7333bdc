"""The design file: loading, file:line:col errors (all at once), wiring into the Kit."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from motivekit import Event, Kit, NotPermitted, RulesError, load_rules
from motivekit.cli import main

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
            ["motivation.yaml:3:9: goals.menu: must be a list, got a mapping"],
        ),
        (
            "version: 1\ntracks:\n  - {id: t, title: T, model: {elo: {}}, evidence: [], challenge_band: 'ab'}\n",
            ["motivation.yaml:3:71: tracks[0].challenge_band: must be a list, got str 'ab'"],
        ),
        (
            "version: 1\ngoals:\n  menu:\n    - {id: a, title: A, measure: {event: x, count: 1, where: [1, 2]}}\n",
            ["motivation.yaml:4:62: goals.menu[0].measure.where: must be a mapping, got a list"],
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
        "motivation.yaml:12:13: tracks[0].levels: must be in ascending order of 'at'",
        "motivation.yaml:13:21: tracks[0].challenge_band: must be [low, high] with 0 < low < high < 1, e.g. [0.70, 0.85]",
        "motivation.yaml:15:66: missions[0].milestones: must be in ascending order",
        "motivation.yaml:15:66: missions[0].milestones: each must be above 0 and at most the target (10)",
        "motivation.yaml:17:24: impact.attribution.decay: must be between 0 and 1 (exclusive)",
        "motivation.yaml:17:40: impact.attribution.max_depth: must be from 1 to 20",
    ]


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
