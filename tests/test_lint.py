"""The autonomy-support linter: every rule, silencing, the command and its docs."""

from __future__ import annotations

import json
import re
from pathlib import Path

import attrs
import click
import pytest
from click.testing import CliRunner

from motivekit.cli._lint import lint as lint_command
from motivekit.rules import LINT_RULES, Finding, RulesError, lint, load_rules
from motivekit.rules._lint import EVIDENCE, SILENCE_RULES, _covers, counts, failing
from motivekit.rules._wording import CONTROLLING_PHRASES

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
CONTROLLING = FIXTURES / "controlling.yaml"
CLEAN = FIXTURES / "clean.yaml"
EXAMPLE = ROOT / "examples" / "motivation.yaml"
DESIGNING = ROOT / "docs" / "designing.md"


def findings(text: str) -> list[Finding]:
    return lint(load_rules("motivation.yaml", text=text, runnable=False))


def found(text: str) -> list[tuple[str, int, int]]:
    return [(f.rule, f.line, f.column) for f in findings(text)]


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(lint_command, list(args))
    return result.exit_code, result.stdout, result.stderr


# -- whole files ------------------------------------------------------------------------------


def test_the_controlling_fixture_yields_exactly_these_findings() -> None:
    result = lint(load_rules(CONTROLLING, runnable=False))
    assert [(f.rule, f.line, f.column, f.path) for f in result] == [
        ("menu-only", 5, 17, "goals.allow_custom"),
        ("missing-rationale", 7, 7, "goals.menu[0]"),
        ("controlling-language", 8, 18, "goals.menu[0].title"),
        ("fixed-target", 9, 47, "goals.menu[0].measure.count"),
        ("fixed-cadence", 9, 55, "goals.menu[0].measure.per"),
        ("assigned-goal", 11, 17, "goals.menu[0].assigned"),
        ("public-by-default", 12, 19, "goals.menu[0].visibility"),
        ("streak-loss", 13, 15, "goals.menu[0].streak"),
        ("missing-rationale", 14, 7, "goals.menu[1]"),
        ("fixed-deadline", 17, 17, "goals.menu[1].deadline"),
        ("streak-repair", 19, 9, "goals.menu[1].streak"),
        ("controlling-language", 22, 36, "missions[0].title"),
        ("public-ranking", 24, 11, "missions[0].show"),
        ("nudges-on-by-default", 26, 12, "nudges.default"),
        ("nudge-rate", 27, 17, "nudges.max_per_week"),
        ("contingent-reward", 29, 5, "rewards[0]"),
        ("contingent-reward", 30, 5, "rewards[1]"),
        ("public-ranking", 34, 5, "leaderboards[0].visibility"),
        ("public-ranking", 35, 75, "leaderboards[1].visibility"),
        ("private-ranking", 36, 77, "leaderboards[2].visibility"),
        ("unused-silence", 42, 7, "lint.silence[1]"),
        ("unknown-silence", 43, 14, "lint.silence[2].rule"),
    ]
    silenced = {f.rule: f.silenced for f in result if f.silenced is not None}
    assert silenced == {
        "private-ranking": "Shown only to the person, who turned it on in settings "
        "(pilot until 2027-01)."
    }
    assert {f.rule for f in result} == set(LINT_RULES) | set(SILENCE_RULES)  # all covered
    assert all(f.file == str(CONTROLLING) for f in result)


def test_the_controlling_fixture_is_refused_by_check() -> None:
    with pytest.raises(RulesError):
        load_rules(CONTROLLING)


@pytest.mark.parametrize("path", [CLEAN, EXAMPLE], ids=["clean", "example"])
def test_clean_designs_have_no_findings(path: Path) -> None:
    assert lint(load_rules(path, runnable=False)) == []
    assert lint(load_rules(path)) == []  # and motivekit runs them


def test_findings_carry_their_rule_and_read_as_file_line_col() -> None:
    (finding,) = findings(
        "version: 1\ngoals:\n  menu:\n"
        "    - {id: standup, title: S, measure: {event: k, count: 1}, assigned: true, description: D}\n"
    )
    rule = LINT_RULES["assigned-goal"]
    assert (finding.severity, finding.reason, finding.source) == (
        rule.severity,
        rule.reason,
        rule.source,
    )
    assert finding.silenced is None
    assert str(finding) == (
        "motivation.yaml:4:72: error[assigned-goal]: goal 'standup' is created for everyone "
        "without asking; offer it on the menu and let people adopt it (remove assigned: true)"
    )


# -- each rule --------------------------------------------------------------------------------

GOAL = "version: 1\ngoals:\n  menu:\n    - id: g\n      title: G\n      description: D.\n"
"""A menu goal whose remaining lines (from line 7, indented 6) each test adds."""
MENU_ONLY = "version: 1\ngoals:\n  allow_custom: false\n  menu:\n"


def menu(n: int) -> str:
    return "".join(
        f"    - {{id: g{i}, title: G, measure: {{event: k, count: 1}}, description: D}}\n"
        for i in range(n)
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            GOAL + "      measure: {event: k, count: 1}\n      assigned: true\n",
            [("assigned-goal", 8, 17)],
            id="assigned-goal",
        ),
        pytest.param(
            GOAL + "      measure: {event: k, count: 1}\n      assigned: false\n",
            [],
            id="assigned-false",
        ),
        pytest.param(
            GOAL + "      measure: {event: k, count: 1}\n      deadline: '2026-12-31'\n",
            [("fixed-deadline", 8, 17)],
            id="fixed-deadline",
        ),
        pytest.param(
            GOAL + "      measure: {event: k, count: 1, per: week}\n      adjustable: [count]\n",
            [("fixed-cadence", 7, 42)],
            id="fixed-cadence",
        ),
        pytest.param(
            GOAL + "      measure: {event: k, count: 1}\n      adjustable: [count]\n",
            [],
            id="no-cadence-to-fix",
        ),
        pytest.param(
            GOAL + "      measure: {event: k, count: 4, per: week}\n      adjustable: [per]\n",
            [("fixed-target", 7, 34)],
            id="fixed-target",
        ),
        pytest.param(
            GOAL + "      measure: {event: k, count: 4, per: day}\n      adjustable: []\n",
            [("fixed-target", 7, 34), ("fixed-cadence", 7, 42)],
            id="fixed-both",
        ),
        pytest.param(
            GOAL + "      measure: {event: k, count: 1}\n      visibility: public\n",
            [("public-by-default", 8, 19)],
            id="public-by-default",
        ),
        pytest.param(
            GOAL + "      measure: {event: k, count: 1}\n      visibility: shared\n",
            [],
            id="shared-is-not-public",
        ),
        pytest.param(
            GOAL + "      measure: {event: k, count: 1, per: day}\n      streak: {}\n",
            [("streak-loss", 8, 15)],
            id="streak-loss-by-default",
        ),
        pytest.param(
            GOAL + "      measure: {event: k, count: 1}\n"
            "      streak: {reset_on_miss: true, repairs_per_month: 1}\n",
            [("streak-repair", 8, 15)],
            id="streak-repair",
        ),
        pytest.param(
            GOAL + "      measure: {event: k, count: 1}\n      streak: {reset_on_miss: false}\n",
            [("streak-repair", 8, 15)],
            id="streak-without-reset",
        ),
        pytest.param(
            "version: 1\nnudges: {default: on}\n",
            [("nudges-on-by-default", 2, 19)],
            id="nudges-on-by-default",
        ),
        pytest.param("version: 1\nnudges: {default: off}\n", [], id="nudges-off"),
        pytest.param(
            "version: 1\nnudges: {max_per_week: 3}\n",
            [("nudge-rate", 2, 24)],
            id="nudge-rate",
        ),
        pytest.param("version: 1\nnudges: {max_per_week: 2}\n", [], id="nudge-rate-at-limit"),
        pytest.param(
            "version: 1\nnudges: {max_per_week: 7}\nlint: {max_nudges_per_week: 7}\n",
            [],
            id="nudge-rate-own-limit",
        ),
        pytest.param(
            "version: 1\nnudges: {max_per_week: 1}\nlint: {max_nudges_per_week: 0}\n",
            [("nudge-rate", 2, 24)],
            id="nudge-rate-stricter-limit",
        ),
        pytest.param(
            "version: 1\nleaderboards:\n  - {id: b, title: B, ranks: k}\n",
            [("public-ranking", 3, 5)],
            id="public-ranking-by-default",
        ),
        pytest.param(
            "version: 1\nleaderboards:\n  - {id: b, title: B, ranks: k, visibility: shared}\n",
            [("public-ranking", 3, 45)],
            id="public-ranking-shared",
        ),
        pytest.param(
            "version: 1\nmissions:\n"
            "  - {id: m, title: M, target: {event: k, count: 9}, show: ranking}\n",
            [("public-ranking", 3, 59)],
            id="public-ranking-mission",
        ),
        pytest.param(
            "version: 1\nmissions:\n"
            "  - {id: m, title: M, target: {event: k, count: 9}, show: contributors}\n",
            [],
            id="mission-contributors",
        ),
        pytest.param(
            "version: 1\nleaderboards:\n  - {id: b, title: B, ranks: k, visibility: private}\n",
            [("private-ranking", 3, 45)],
            id="private-ranking",
        ),
        pytest.param(
            "version: 1\nrewards:\n  - on: k\n    give: 5 points\n",
            [("contingent-reward", 3, 5)],
            id="contingent-reward",
        ),
        pytest.param(
            "version: 1\ngoals: {allow_custom: false}\n",
            [("menu-only", 2, 23)],
            id="menu-only-empty",
        ),
        pytest.param(
            MENU_ONLY + menu(2),
            [("menu-only", 3, 17)],
            id="menu-only-two",
        ),
        pytest.param(
            MENU_ONLY + menu(3),
            [],
            id="menu-of-three",
        ),
        pytest.param("version: 1\ngoals: {allow_custom: true}\n", [], id="custom-goals"),
    ],
)
def test_each_rule(text: str, expected: list[tuple[str, int, int]]) -> None:
    assert found(text) == expected


def test_messages_are_about_the_item() -> None:
    by_rule = {
        f.rule: f.message
        for f in findings(
            "version: 1\n"
            "goals:\n  allow_custom: false\n  menu:\n"
            "    - {id: daily, title: D, measure: {event: k, count: 2, per: day}, adjustable: []}\n"
            "    - {id: q4, title: Q, measure: {event: k, count: 40}, deadline: '2026-12-31'}\n"
            "nudges: {max_per_week: 9}\n"
            "rewards: [{on: review.submitted, give: 10 points, when: event.data.ok}]\n"
            "leaderboards: [{id: top, title: T, ranks: review.submitted}]\n"
        )
    }
    assert "goal 'daily' is due every day" in by_rule["fixed-cadence"]
    assert "goal 'daily' asks for 2 k a day" in by_rule["fixed-target"]
    assert "goal 'q4' ends on 2026-12-31" in by_rule["fixed-deadline"]
    assert "up to 9 nudges a week is above this file's limit of 2" in by_rule["nudge-rate"]
    rewarded, ranked = by_rule["contingent-reward"], by_rule["public-ranking"]
    assert "'10 points' is given for every review.submitted when event.data.ok" in rewarded
    assert "leaderboard 'top' ranks people by review.submitted where everyone can see" in ranked
    assert "(public is the default)" in ranked
    assert "a menu of 2 goals" in by_rule["menu-only"]


def test_every_rule_cites_a_dated_source_and_gives_one_sentence() -> None:
    for rule in LINT_RULES.values():
        assert re.search(r"\b(19|20)\d\d\b", rule.source), rule.id
        assert rule.reason.endswith("."), rule.id
        assert ". " not in rule.reason, rule.id  # one sentence
        assert rule.severity in ("error", "warning", "info")
    assert not set(LINT_RULES) & set(SILENCE_RULES)


# -- silencing --------------------------------------------------------------------------------

TWO_DEADLINES = (
    "version: 1\ngoals:\n  menu:\n"
    "    - {id: a, title: A, measure: {event: k, count: 1}, deadline: '2026-12-31', description: D}\n"
    "    - {id: b, title: B, measure: {event: k, count: 1}, deadline: '2026-12-31', description: D}\n"
    "lint:\n  silence:\n"
)


def test_a_silence_without_at_covers_every_finding_of_its_rule() -> None:
    result = findings(TWO_DEADLINES + "    - {rule: fixed-deadline, reason: Dates are real.}\n")
    assert [(f.rule, f.path, f.silenced) for f in result] == [
        ("fixed-deadline", "goals.menu[0].deadline", "Dates are real."),
        ("fixed-deadline", "goals.menu[1].deadline", "Dates are real."),
    ]
    assert failing(result, "info") == []
    assert counts(result) == {"error": 0, "warning": 0, "info": 0, "silenced": 2}


def test_a_silence_with_at_covers_that_path_and_under_it_only() -> None:
    result = findings(
        TWO_DEADLINES
        + "    - {rule: fixed-deadline, reason: A talk date., at: 'goals.menu[1]'}\n"
        + "    - {rule: assigned-goal, reason: Other rule., at: 'goals.menu[1]'}\n"
    )
    assert [(f.rule, f.path, f.silenced) for f in result] == [
        ("fixed-deadline", "goals.menu[0].deadline", None),
        ("fixed-deadline", "goals.menu[1].deadline", "A talk date."),
        ("unused-silence", "lint.silence[1]", None),  # the rule must match too
    ]
    exact = findings(
        TWO_DEADLINES + "    - {rule: fixed-deadline, reason: R., at: 'goals.menu[0].deadline'}\n"
    )
    assert [f.silenced for f in exact] == ["R.", None]


def test_at_matches_only_at_a_path_boundary() -> None:
    result = findings(
        TWO_DEADLINES + "    - {rule: fixed-deadline, reason: R., at: 'goals.menu[0].dead'}\n"
    )
    assert [(f.rule, f.line, f.column, f.silenced) for f in result] == [
        ("fixed-deadline", 4, 66, None),
        ("fixed-deadline", 5, 66, None),
        ("unused-silence", 8, 7, None),
    ]
    assert "the silence of fixed-deadline at goals.menu[0].dead matches no finding" in (
        result[2].message
    )


@pytest.mark.parametrize(
    ("at", "path", "covers"),
    [
        (None, "goals.menu[0].assigned", True),
        ("goals.menu[0]", "goals.menu[0].assigned", True),
        ("goals.menu[0]", "goals.menu[0]", True),
        ("goals", "goals.menu[0].assigned", True),
        ("goals.menu", "goals.menu[0].assigned", True),
        ("goals.menu[0]", "goals.menu[01]", False),
        ("goals.menu[1]", "goals.menu[10].deadline", False),
        ("goals.menu[0].dead", "goals.menu[0].deadline", False),
        ("nudges", "nudges_extra", False),
        ("goals.menu[0].assigned", "goals.menu[0]", False),
    ],
)
def test_covers(at: str | None, path: str, covers: bool) -> None:
    assert _covers(at, path) is covers


def test_unknown_and_unsilenceable_rules_are_findings() -> None:
    result = findings(
        "version: 1\nlint:\n  silence:\n"
        "    - {rule: fixed-deadlines, reason: Typo.}\n"
        "    - {rule: unused-silence, reason: Meta.}\n"
        "    - {rule: gold-stars, reason: Nothing like it.}\n"
    )
    assert [(f.rule, f.severity, f.line, f.column, f.path) for f in result] == [
        ("unknown-silence", "error", 4, 14, "lint.silence[0].rule"),
        ("unknown-silence", "error", 5, 14, "lint.silence[1].rule"),
        ("unknown-silence", "error", 6, 14, "lint.silence[2].rule"),
    ]
    assert result[0].message == (
        "'fixed-deadlines' is not a lint rule; did you mean 'fixed-deadline'?"
    )
    assert result[1].message == (
        "'unused-silence' cannot be silenced; fix the silence it reports instead"
    )
    assert result[2].message.startswith(
        "'gold-stars' is not a lint rule; the rules are assigned-goal, fixed-deadline, "
    )
    assert failing(result, "error") == result


def test_an_unused_silence_is_info() -> None:
    (finding,) = findings(
        "version: 1\nlint:\n  silence:\n    - rule: streak-loss\n      reason: Old.\n"
    )
    assert (finding.rule, finding.severity, finding.line, finding.column) == (
        "unused-silence",
        "info",
        4,
        7,
    )
    assert finding.message == "the silence of streak-loss matches no finding; remove it"


@pytest.mark.parametrize(
    ("silence", "problem"),
    [
        (
            "    - {rule: fixed-deadline, reason: '  '}",
            "motivation.yaml:8:38: lint.silence[0].reason: say why this rule is silenced (reviewers read the reason)",
        ),
        (
            "    - {rule: fixed-deadline, reason: R, at: goals.menu.0}",
            "motivation.yaml:8:45: lint.silence[0].at: 'goals.menu.0' is not a dotted path like goals.menu[0] or nudges.default",
        ),
        (
            "    - {rule: fixed-deadline, reason: R, at: 'goals.menu[01]'}",
            "motivation.yaml:8:45: lint.silence[0].at: 'goals.menu[01]' is not a dotted path like goals.menu[0] or nudges.default",
        ),
        (
            "    - {rule: fixed-deadline, reason: R, at: ''}",
            "motivation.yaml:8:45: lint.silence[0].at: '' is not a dotted path like goals.menu[0] or nudges.default",
        ),
    ],
)
def test_a_blank_reason_or_a_malformed_at_is_a_problem_in_the_file(
    silence: str, problem: str
) -> None:
    for runnable in (True, False):
        with pytest.raises(RulesError) as caught:
            load_rules("motivation.yaml", text=TWO_DEADLINES + silence + "\n", runnable=runnable)
        messages = [str(p) for p in caught.value.problems]
        assert problem in messages
        if not runnable:
            assert messages == [problem]


def test_failing_and_counts() -> None:
    result = lint(load_rules(CONTROLLING, runnable=False))
    assert counts(result) == {"error": 8, "warning": 6, "info": 7, "silenced": 1}
    assert {f.severity for f in failing(result, "error")} == {"error"}
    assert len(failing(result, "error")) == 8
    assert len(failing(result, "warning")) == 14
    assert len(failing(result, "info")) == 21
    assert failing(result, "never") == []
    with pytest.raises(ValueError, match="fail_on must be one of"):
        failing(result, "fatal")


# -- the command ------------------------------------------------------------------------------

INFO_ONLY = "version: 1\ngoals: {allow_custom: false}\n"
WARNING = "version: 1\nnudges: {max_per_week: 5}\n" + "goals: {allow_custom: false}\n"
ERROR_SILENCED = (
    "version: 1\nnudges: {default: on}\n"
    "lint:\n  silence: [{rule: nudges-on-by-default, reason: Opted in at sign-up.}]\n"
)


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        pytest.param(CONTROLLING.read_text(), (1, 1, 1, 0), id="controlling"),
        pytest.param(WARNING, (0, 1, 1, 0), id="warning"),
        pytest.param(INFO_ONLY, (0, 0, 1, 0), id="info"),
        pytest.param(ERROR_SILENCED, (0, 0, 0, 0), id="silenced-error"),
        pytest.param(CLEAN.read_text(), (0, 0, 0, 0), id="clean"),
    ],
)
def test_exit_codes_for_each_fail_on(
    text: str, codes: tuple[int, int, int, int], tmp_path: Path
) -> None:
    design = tmp_path / "motivation.yaml"
    design.write_text(text, encoding="utf-8")
    got = tuple(
        run("--fail-on", level, str(design))[0] for level in ("error", "warning", "info", "never")
    )
    assert got == codes
    assert run(str(design))[0] == codes[1]  # the default is --fail-on warning


def test_text_output(tmp_path: Path) -> None:
    design = tmp_path / "motivation.yaml"
    design.write_text(ERROR_SILENCED + "rewards: [{on: k, give: 1 point}]\n", encoding="utf-8")
    code, out, err = run(str(design))
    assert (code, err) == (1, "")
    rewarded, silenced = (LINT_RULES["contingent-reward"], LINT_RULES["nudges-on-by-default"])
    assert out.splitlines() == [
        f"{design}:2:19: error[nudges-on-by-default]: people who never chose get nudges; set "
        "default: off and let each person switch nudges on (silenced: Opted in at sign-up.)",
        f"    why: {silenced.reason}",
        "    evidence: value-choice",
        f"    source: {silenced.source}",
        f"{design}:5:11: error[contingent-reward]: '1 point' is given for every k; drop the "
        "reward and give informational feedback instead (what the person can now do, whom "
        "their work helped)",
        f"    why: {rewarded.reason}",
        "    evidence: value-choice",
        f"    source: {rewarded.source}",
        f"{design}: 1 error, 0 warnings, 0 info, 1 silenced",
    ]
    assert run(str(CLEAN)) == (0, f"ok: {CLEAN}: no findings\n", "")


def test_json_output_matches_the_findings() -> None:
    code, out, err = run("--format", "json", "--fail-on", "never", str(CONTROLLING))
    assert (code, err) == (0, "")
    document = json.loads(out)
    expected = lint(load_rules(CONTROLLING, runnable=False))
    assert document == {
        "file": str(CONTROLLING),
        "findings": [attrs.asdict(f) for f in expected],
        "counts": {"error": 8, "warning": 6, "info": 7, "silenced": 1},
    }
    assert set(document["findings"][0]) == {
        "rule",
        "severity",
        "evidence",
        "file",
        "line",
        "column",
        "path",
        "message",
        "reason",
        "source",
        "silenced",
    }
    assert run("--format", "json", str(CONTROLLING))[0] == 1
    assert json.loads(run("--format", "json", str(CLEAN))[1]) == {
        "file": str(CLEAN),
        "findings": [],
        "counts": {"error": 0, "warning": 0, "info": 0, "silenced": 0},
    }


def test_a_file_that_does_not_load_exits_2(tmp_path: Path) -> None:
    broken = tmp_path / "motivation.yaml"
    broken.write_text("version: 1\nnudges: {default: maybe}\ncolour: red\n", encoding="utf-8")
    for output in ("text", "json"):
        code, out, err = run("--format", output, "--fail-on", "never", str(broken))
        assert (code, out) == (2, "")
        assert err.splitlines() == [
            f"{broken}:2:19: nudges.default: must be one of 'on', 'off', got str 'maybe'",
            f"{broken}:3:1: colour: unknown key 'colour'; allowed here: version, goals, tracks, impact, missions, nudges, rewards, leaderboards, lint",
            f"2 problems in {broken} (it must load to be linted)",
        ]
    code, out, err = run(str(tmp_path / "missing.yaml"))
    assert (code, out) == (2, "")
    assert "missing.yaml:1:1: cannot read the file" in err


def test_the_command_is_named_lint_and_fits_in_a_group() -> None:
    assert lint_command.name == "lint"
    group = click.Group("rules", commands=[lint_command])
    result = CliRunner().invoke(group, ["lint", "--fail-on", "never", str(CONTROLLING)])
    assert result.exit_code == 0
    assert result.stdout.endswith(f"{CONTROLLING}: 8 errors, 6 warnings, 7 info, 1 silenced\n")
    result = CliRunner().invoke(group, ["lint", "--fail-on", "sometimes", str(CLEAN)])
    assert result.exit_code == 2  # click's usage error


# -- docs/designing.md ------------------------------------------------------------------------


def sections() -> dict[str, str]:
    text = DESIGNING.read_text(encoding="utf-8")
    parts = re.split(r"^#{2,3} (.+)$", text, flags=re.M)
    return {parts[i].strip(): parts[i + 1] for i in range(1, len(parts), 2)}


def test_every_rule_has_a_section_citing_its_first_author() -> None:
    docs = sections()
    for rule in (*LINT_RULES.values(), *SILENCE_RULES.values()):
        assert rule.id in docs, f"docs/designing.md has no section '{rule.id}'"
        assert f"**Severity:** {rule.severity}." in docs[rule.id], rule.id
    for rule in LINT_RULES.values():
        reference = docs[rule.id].split("**Reference.**", 1)
        assert len(reference) == 2, f"section {rule.id} has no **Reference.**"
        first_author = re.split(r"[ ,]", rule.source, maxsplit=1)[0]
        assert f"{first_author}, " in reference[1], (rule.id, first_author)
        year = re.search(r"\b(?:19|20)\d\d\b", rule.source)
        assert year is not None
        assert f"({year.group()})" in reference[1], (rule.id, year.group())


def test_each_rule_section_shows_a_trigger_and_a_clean_alternative() -> None:
    docs = sections()
    for rule in LINT_RULES:
        blocks = re.findall(r"```yaml\n(.*?)```", docs[rule], re.S)
        assert len(blocks) == 2, rule
        trigger, instead = blocks
        assert rule in {f.rule for f in findings(trigger)}, rule
        assert findings(instead) == [], rule
        load_rules("motivation.yaml", text=instead)  # and motivekit runs it


def test_the_silencing_example_silences_its_finding() -> None:
    (block,) = re.findall(r"```yaml\n(.*?)```", sections()["Silencing a rule"], re.S)
    (finding,) = findings(block)
    assert finding.rule == "fixed-deadline"
    assert finding.silenced is not None


def test_the_documented_output_is_the_real_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    docs = sections()
    (design,) = re.findall(r"```yaml\n(.*?)```", docs["Reading the output"], re.S)
    (console,) = re.findall(r"```console\n(.*?)```", docs["Reading the output"], re.S)
    (tail,) = [s for name, s in docs.items() if name.startswith("In CI")]
    monkeypatch.chdir(tmp_path)
    Path("motivation.yaml").write_text(design, encoding="utf-8")
    command, *shown = console.splitlines()
    assert command == "$ motivekit rules lint motivation.yaml"
    code, out, _ = run("motivation.yaml")
    assert (code, out.splitlines()) == (1, shown)

    code, out, _ = run("--format", "json", "--fail-on", "never", "motivation.yaml")
    document = json.loads(out)
    json_console = re.findall(r"```console\n(.*?)```", tail, re.S)[-1]
    outputs = re.split(r"^\$ .*\n", json_console, flags=re.M)[1:]
    assert [json.loads(o) for o in outputs] == [document["findings"][1], document["counts"]]


# -- evidence labels --------------------------------------------------------------------------


def test_every_finding_carries_its_rules_evidence_label_in_the_json() -> None:
    code, out, _ = run("--format", "json", "--fail-on", "never", str(CONTROLLING))
    assert code == 0
    every = {**LINT_RULES, **SILENCE_RULES}
    document = json.loads(out)["findings"]
    assert {f["rule"] for f in document} == set(every)  # the fixture has every rule
    for f in document:
        assert f["evidence"] == every[f["rule"]].evidence, f["rule"]
        assert f["evidence"] in EVIDENCE


def test_the_text_output_names_the_evidence_of_every_finding() -> None:
    _, out, _ = run("--fail-on", "never", str(CONTROLLING))
    lines = out.splitlines()
    heads = [i for i, line in enumerate(lines) if not line.startswith("    ")][:-1]
    assert len(heads) == len(lint(load_rules(CONTROLLING, runnable=False)))
    for i in heads:
        rule = re.search(r"\[([a-z-]+)\]", lines[i])
        assert rule is not None
        evidence = {**LINT_RULES, **SILENCE_RULES}[rule.group(1)].evidence
        assert lines[i + 2] == f"    evidence: {evidence}", lines[i]


def test_severity_follows_the_evidence() -> None:
    for rule in LINT_RULES.values():
        assert rule.evidence in EVIDENCE, rule.id
        if rule.severity == "error":
            assert rule.evidence in ("strong", "value-choice"), rule.id
        if rule.evidence == "value-choice" and rule.severity == "error":
            assert "(a stance" in rule.reason, rule.id  # a value choice says so


def test_the_claims_the_sources_do_not_make_are_gone() -> None:
    reasons = " ".join(r.reason for r in LINT_RULES.values())
    docs = DESIGNING.read_text(encoding="utf-8")
    for text in (reasons, docs):
        assert "less effort, less attainment" not in text
        assert "controlled goals do none of this" not in text
        assert "harm shrinks when the streak can be repaired" not in text
        assert "Letting people repair a broken streak weakened" not in text
    rewarded = LINT_RULES["contingent-reward"]
    assert "tangible" in rewarded.reason
    assert "-0.15" in rewarded.reason
    assert "Mekler" in rewarded.source
    assert "a convention, not a finding" in LINT_RULES["nudge-rate"].reason


# -- the words a team writes ------------------------------------------------------------------

STORY = (
    "version: 1\nimpact:\n  contributions:\n    - {on: answer.posted, id: event.data.id}\n"
    "  beneficiary_events:\n    - on: answer.marked_helpful\n      credits: event.data.id\n"
)


def test_a_you_must_help_story_is_flagged_at_the_word() -> None:
    (finding,) = findings(STORY + '      story: "You must help {beneficiary}"\n')
    assert (finding.rule, finding.severity, finding.evidence) == (
        "controlling-language",
        "warning",
        "strong",
    )
    assert (finding.line, finding.column, finding.path) == (
        8,
        19,
        "impact.beneficiary_events[0].story",
    )
    assert finding.message.startswith(
        "the story told on answer.marked_helpful says 'must', which tells people what they "
        "must do or rushes them"
    )
    assert "Vansteenkiste" in finding.source


@pytest.mark.parametrize(
    ("story", "phrases", "columns"),
    [
        ("{beneficiary} used it", [], []),
        ("Hurry: {beneficiary} is waiting", ["Hurry"], [15]),
        ("{beneficiary} says you SHOULD keep going", ["SHOULD"], [38]),
        ("Don\u2019t miss {beneficiary}'s thanks", ["Don\u2019t miss"], [15]),
        ("Last   chance to help {beneficiary}", ["Last   chance"], [15]),
        ("{beneficiary} has to thank you, no excuses", ["has to", "no excuses"], [29, 47]),
        # whole words only
        ("{beneficiary} liked your mustard and shoulders", [], []),
        ("{beneficiary} was hurrying to ship; mustn't-miss fix", ["mustn't"], [51]),
    ],
)
def test_controlling_phrases_are_matched_as_whole_words_in_any_case(
    story: str, phrases: list[str], columns: list[int]
) -> None:
    got = findings(STORY + f'      story: "{story}"\n')
    assert [f.message.split(" says ", 1)[1].split(", which", 1)[0] for f in got] == [
        repr(p) for p in phrases
    ]
    assert [f.column for f in got] == columns
    assert all(f.line == 8 for f in got)


def test_every_text_people_read_is_checked() -> None:
    result = findings(
        "version: 1\n"
        "goals:\n  menu:\n"
        "    - id: g\n"
        "      title: You must review\n"
        "      description: 'Reviews should happen daily.'\n"
        "      measure: {event: k, count: 1}\n"
        "tracks:\n"
        "  - id: t\n    title: T\n    model: {elo: {}}\n"
        "    evidence: [{on: k, outcome: 'true'}]\n"
        "    levels: [{name: Getting started, at: 0}, {name: Must try harder, at: 0.5}]\n"
        "missions:\n  - {id: m, title: Last chance to translate, target: {event: k, count: 9}}\n"
        + STORY[len("version: 1\n") :]
        + "      story: '{beneficiary} thanks you; act now'\n"
    )
    assert [(f.path, f.line, f.column) for f in result] == [
        ("goals.menu[0].title", 5, 18),
        ("goals.menu[0].description", 6, 29),
        ("tracks[0].levels[1].name", 13, 53),
        ("missions[0].title", 15, 20),
        ("impact.beneficiary_events[0].story", 22, 41),
    ]
    assert {f.rule for f in result} == {"controlling-language"}
    assert result[2].message.startswith("level 'Must try harder' of track 't' says 'Must'")
    assert result[3].message.startswith("the title of mission 'm' says 'Last chance'")


def test_a_phrase_the_file_writes_differently_points_at_its_value() -> None:
    (escaped,) = findings(STORY + '      story: "\\u0059ou must help {beneficiary}"\n')
    assert (escaped.line, escaped.column) == (8, 14)  # the escape hides the column: the value
    (folded,) = findings(STORY + "      story: >\n        {beneficiary} says you\n        must\n")
    assert (folded.line, folded.column) == (8, 14)


def test_controlling_language_is_silenced_with_a_reason() -> None:
    text = (
        STORY
        + '      story: "You must help {beneficiary}"\n'
        + "lint:\n  silence:\n"
        + "    - {rule: controlling-language, at: 'impact.beneficiary_events[0]',"
        + " reason: Quoted from the user's own note.}\n"
    )
    (finding,) = findings(text)
    assert finding.silenced == "Quoted from the user's own note."
    assert failing([finding], "info") == []


def test_the_documented_phrase_list_is_the_list() -> None:
    section = sections()["controlling-language"]
    listed = re.findall(r"\*([^*]+)\*", section.split("The phrases,", 1)[1].split("**What", 1)[0])
    assert sorted(" ".join(p.split()) for p in listed) == sorted(CONTROLLING_PHRASES)


def test_a_menu_goal_without_a_rationale_is_info_and_silenceable() -> None:
    text = MENU_ONLY.replace("allow_custom: false", "allow_custom: true") + (
        "    - {id: a, title: A, measure: {event: k, count: 1}}\n"
        "    - {id: b, title: B, measure: {event: k, count: 1}, description: Helps newcomers.}\n"
    )
    (finding,) = findings(text)
    assert (finding.rule, finding.severity, finding.evidence) == (
        "missing-rationale",
        "info",
        "mixed",
    )
    assert (finding.line, finding.column, finding.path) == (5, 7, "goals.menu[0]")
    assert finding.message == (
        "goal 'a' is offered without saying why it matters; give it a description with the "
        "reason (what doing it achieves, and for whom)"
    )
    assert "Deci, Eghrari, Patrick & Leone 1994" in finding.source
    silenced = findings(
        text + "lint:\n  silence:\n    - {rule: missing-rationale, reason: Self-explaining.}\n"
    )
    assert [f.silenced for f in silenced] == ["Self-explaining."]


def test_every_rule_section_gives_the_finding_and_the_evidence_label() -> None:
    docs = sections()
    table = docs["Reading the output"]
    for rule in (*LINT_RULES.values(), *SILENCE_RULES.values()):
        assert f"**Evidence:** {rule.evidence}." in docs[rule.id], rule.id
    for rule in LINT_RULES.values():
        assert "**What the research found.**" in docs[rule.id], rule.id
        assert "**Why this severity.**" in docs[rule.id], rule.id
        assert f"| {rule.severity} | {rule.evidence} |" in table.split(f"(#{rule.id})", 1)[1]
