"""The autonomy-support linter: finds controlling mechanics and words in a design file.

Each rule names one mechanic (or one way of wording things) that research on
self-determination theory, on notifications, streaks and social comparison, finds to
work against intrinsic motivation; says concretely what to do instead; cites the work it
rests on; and says how strong that evidence is (:data:`EVIDENCE`): ``strong`` (several
experiments or a meta-analysis agree), ``mixed`` (one study, or studies that disagree, or
a finding stretched to a new setting) or ``value-choice`` (a stance motivekit takes on
purpose; the rule says so). Severity follows the evidence: an error is either strong or a
value choice. A file may silence a rule (``lint.silence``) by stating why; silenced
findings are still reported, marked, and do not count toward failure. docs/designing.md
explains every rule, with the population, design and effect size of its source.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Literal, TypeAlias

import attrs

from motivekit.rules._lint_texts import inside, says, texts
from motivekit.rules._load import Rules
from motivekit.rules._model import MenuGoal, Silence
from motivekit.rules._wording import controlling_phrases
from motivekit.rules._yaml import Path_, dotted_path

__all__ = [
    "EVIDENCE",
    "FAIL_ON",
    "LINT_RULES",
    "SEVERITIES",
    "SILENCE_RULES",
    "Finding",
    "LintRule",
    "counts",
    "failing",
    "lint",
]

Severity = Literal["error", "warning", "info"]
SEVERITIES: tuple[Severity, ...] = ("error", "warning", "info")
"""From most to least severe."""
FAIL_ON = (*SEVERITIES, "never")
"""The choices of ``--fail-on``: fail at this severity or above, or never."""
Evidence = Literal["strong", "mixed", "value-choice"]
EVIDENCE: tuple[Evidence, ...] = ("strong", "mixed", "value-choice")
"""How strong the evidence behind a rule is (see the module docstring)."""


@attrs.frozen
class LintRule:
    """One rule of the linter: what it is called, how severe, why, and on what evidence."""

    id: str
    severity: Severity
    evidence: Evidence
    """How strong the evidence is: ``strong``, ``mixed`` or ``value-choice``."""
    title: str
    reason: str
    """What the source found (or the stance taken), in one sentence."""
    source: str
    """The research it rests on (full references in docs/designing.md)."""


@attrs.frozen
class Finding:
    """One controlling mechanic found in a design file, with where it is and why it matters."""

    rule: str
    severity: Severity
    evidence: Evidence
    file: str
    line: int
    column: int
    path: str
    """The dotted path of the field, e.g. ``goals.menu[0].assigned``."""
    message: str
    """What is controlling about this item, and what to do instead."""
    reason: str
    source: str
    silenced: str | None = None
    """The reason the file gives for silencing the rule here, if it does."""

    def __str__(self) -> str:
        return (
            f"{self.file}:{self.line}:{self.column}: {self.severity}[{self.rule}]: {self.message}"
        )


_DKR_1999 = (
    "Deci, Koestner & Ryan 1999, A meta-analytic review of experiments examining the "
    "effects of extrinsic rewards on intrinsic motivation, Psychological Bulletin 125(6), "
    "627-668"
)
_LOCKE_LATHAM = (
    "Locke & Latham 2002, Building a practically useful theory of goal setting and task "
    "motivation, American Psychologist 57(9), 705-717"
)
_AMABILE = (
    "Amabile, DeJong & Lepper 1976, Effects of externally imposed deadlines on subsequent "
    "intrinsic motivation, JPSP 34(1), 92-98"
)
_PATALL = (
    "Patall, Cooper & Robinson 2008, The effects of choice on intrinsic motivation and "
    "related outcomes: a meta-analysis of research findings, Psychological Bulletin "
    "134(2), 270-300"
)
_HANUS_FOX = (
    "Hanus & Fox 2015, Assessing the effects of gamification in the classroom, "
    "Computers & Education 80, 152-161"
)
_MEKLER = (
    "Mekler, Brühlmann, Tuch & Opwis 2017, Towards understanding the effects of "
    "individual gamification elements on intrinsic motivation and performance, "
    "Computers in Human Behavior 71, 525-534"
)
_STREAKS = (
    "Silverman & Barasch 2023, On or Off Track: How (Broken) Streaks Affect Consumer "
    "Decisions, Journal of Consumer Research 49(6), 1095-1117"
)
_DEP_1994 = (
    "Deci, Eghrari, Patrick & Leone 1994, Facilitating internalization: the "
    "self-determination theory perspective, Journal of Personality 62(1), 119-142"
)

_RULES = [
    LintRule(
        "assigned-goal",
        "error",
        "value-choice",
        "A goal is created for people without asking",
        "motivekit never sets a goal for someone (a stance, not a finding): students' "
        "self-concordant goals got more sustained effort and better attainment, but "
        "assigned goals were not studied there, and assigned goals with a rationale work "
        "about as well as self-set ones.",
        "Sheldon & Elliot 1999, Goal striving, need satisfaction, and longitudinal "
        "well-being: the self-concordance model, JPSP 76(3), 482-497; " + _LOCKE_LATHAM,
    ),
    LintRule(
        "fixed-deadline",
        "warning",
        "mixed",
        "A goal has a fixed deadline for everyone",
        "In one laboratory experiment, students who worked under an imposed deadline "
        "later showed less free-time interest in the task than students without one.",
        _AMABILE,
    ),
    LintRule(
        "fixed-cadence",
        "info",
        "value-choice",
        "Adopters cannot change when a goal is due",
        "A rhythm set from outside resembles a recurring deadline, an extension of one "
        "laboratory finding rather than a tested effect, so motivekit lets adopters fit a "
        "goal's timing to their lives.",
        _AMABILE + "; " + _LOCKE_LATHAM,
    ),
    LintRule(
        "fixed-target",
        "info",
        "mixed",
        "Adopters cannot change how much a goal asks",
        "Goals raise effort while people are committed to them and the goal is within "
        "reach, and choice raised intrinsic motivation across 41 studies, but a fixed "
        "target assigned with a reason can work as well as a self-set one.",
        _LOCKE_LATHAM + "; " + _PATALL,
    ),
    LintRule(
        "nudges-on-by-default",
        "error",
        "value-choice",
        "Nudges reach people who never asked for them",
        "motivekit sends no prompts people did not choose (a stance): SDT finds controlling "
        "contexts undermine autonomous motivation, but no study cited here tested "
        "reminders switched on by default.",
        "Deci & Ryan 1987, The support of autonomy and the control of behavior, "
        "JPSP 53(6), 1024-1037",
    ),
    LintRule(
        "nudge-rate",
        "warning",
        "mixed",
        "Nudges come more often than the file's limit",
        "In field studies notifications were felt as disruptive and alerts left on "
        "raised self-reported inattention, while the limit itself (2 a week unless the "
        "file says otherwise) is a convention, not a finding.",
        "Mehrotra, Pejovic, Vermeulen, Hendley & Musolesi 2016, My Phone and Me: "
        "Understanding People's Receptivity to Mobile Notifications, CHI 2016; Kushlev, "
        "Proulx & Dunn 2016, 'Silence Your Phones': Smartphone Notifications Increase "
        "Inattention and Hyperactivity Symptoms, CHI 2016",
    ),
    LintRule(
        "public-ranking",
        "error",
        "value-choice",
        "People are ranked in front of others",
        "motivekit does not rank people where others see it (a stance): ego-involvement "
        "lowered intrinsic motivation in the laboratory and a course with a leaderboard and "
        "badges lowered it over a semester, but points, levels and a leaderboard online "
        "raised output without changing it.",
        "Ryan 1982, Control and information in the intrapersonal sphere, JPSP 43(3), "
        "450-461; " + _HANUS_FOX + "; " + _MEKLER,
    ),
    LintRule(
        "private-ranking",
        "warning",
        "mixed",
        "People are ranked against each other, privately",
        "A ranking only its subject sees is still a comparison with others, and the one "
        "study of a leaderboard over a semester did not separate private from public "
        "rankings.",
        _HANUS_FOX + "; " + _MEKLER,
    ),
    LintRule(
        "public-by-default",
        "warning",
        "value-choice",
        "Adopted goals are public unless people change them",
        "Most people keep defaults (in an online experiment 82% stayed donors when they had "
        "to opt out and 42% became donors when they had to opt in), so a public default "
        "puts most people's progress in front of an audience they never chose.",
        "Johnson & Goldstein 2003, Do defaults save lives?, Science 302(5649), 1338-1339; "
        "Ryan & Deci 2017, Self-Determination Theory: Basic Psychological Needs in "
        "Motivation, Development, and Wellness, Guilford Press",
    ),
    LintRule(
        "streak-loss",
        "warning",
        "mixed",
        "One missed period wipes out a streak",
        "Intact streaks raised engagement and a broken streak lowered later engagement, "
        "and a streak one miss resets is one most people will eventually see broken.",
        _STREAKS,
    ),
    LintRule(
        "streak-repair",
        "info",
        "value-choice",
        "A goal counts a streak (with a way back)",
        "motivekit shows progress a miss never takes away (a stance): intact streaks raised "
        "engagement, and no study cited here tested whether repairs soften a break.",
        _STREAKS,
    ),
    LintRule(
        "contingent-reward",
        "error",
        "value-choice",
        "Points or badges are given for doing a task",
        "motivekit gives nothing for doing a task (a stance): expected tangible rewards "
        "for doing, completing or doing well lowered free-choice intrinsic motivation "
        "(d = -0.40, -0.36, -0.28) and less so self-reported interest (d = -0.15, -0.17), "
        "while points, levels and leaderboards raised output without changing intrinsic "
        "motivation.",
        _DKR_1999 + "; " + _MEKLER,
    ),
    LintRule(
        "menu-only",
        "info",
        "mixed",
        "People may only pick from a short menu",
        "Choice raised intrinsic motivation across 41 studies, and a menu of one or two "
        "goals with no way to write one's own offers little of it, though the threshold "
        "of three is a rule of thumb.",
        _PATALL,
    ),
    LintRule(
        "missing-rationale",
        "info",
        "mixed",
        "A menu goal says nothing about why it matters",
        "In a laboratory experiment, a meaningful rationale for an uninteresting task "
        "(with acknowledgement of how it feels, and choice) helped students take its value "
        "on as their own.",
        _DEP_1994,
    ),
    LintRule(
        "controlling-language",
        "warning",
        "strong",
        "Words that tell people what they must do, or rush them",
        "In three experiments with students, the same learning task framed with "
        "controlling words (you should, you have to) rather than autonomy-supportive ones "
        "lowered deep learning, test performance and persistence.",
        "Vansteenkiste, Simons, Lens, Sheldon & Deci 2004, Motivating learning, "
        "performance, and persistence: the synergistic effects of intrinsic goal contents "
        "and autonomy-supportive contexts, JPSP 87(2), 246-260",
    ),
]
LINT_RULES: dict[str, LintRule] = {rule.id: rule for rule in _RULES}
"""The design rules, by id; ``lint.silence`` may name any of them."""

_SILENCING = "motivekit, docs/designing.md: Silencing a rule"
SILENCE_RULES: dict[str, LintRule] = {
    rule.id: rule
    for rule in (
        LintRule(
            "unknown-silence",
            "error",
            "value-choice",
            "A silence names no lint rule",
            "A silence that names no rule silences nothing, so the finding it was meant "
            "for still stands and its reason misleads reviewers.",
            _SILENCING,
        ),
        LintRule(
            "unused-silence",
            "info",
            "value-choice",
            "A silence matches no finding",
            "A stale silence hides the next finding of its rule without anyone re-reading "
            "its reason.",
            _SILENCING,
        ),
    )
}
"""Findings about ``lint.silence`` itself; they cannot be silenced."""

_Make: TypeAlias = Callable[[LintRule, Path_, str], Finding]
"""How :func:`lint` makes a finding at a path (silencing makes its own findings with it)."""

MIN_MENU = 3
"""With custom goals off, a menu shorter than this is flagged as ``menu-only``."""


def lint(rules: Rules) -> list[Finding]:
    """Every finding in a loaded design file (load it with ``runnable=False``), by position.

    Silenced findings are included with ``silenced`` set to the file's reason.
    """
    design = rules.design

    def finding(
        rule: LintRule, path: Path_, message: str, where: tuple[int, int] | None = None
    ) -> Finding:
        line, column = rules.where(path) if where is None else where
        return Finding(
            rule.id,
            rule.severity,
            rule.evidence,
            rules.source,
            line,
            column,
            dotted_path(path),
            message,
            rule.reason,
            rule.source,
        )

    found = [finding(LINT_RULES[rule], path, message) for rule, path, message in _check(rules)]
    for path, what, text in texts(rules):
        for offset, phrase in controlling_phrases(text):
            where = inside(rules, path, text, offset, len(phrase))
            found.append(
                finding(LINT_RULES["controlling-language"], path, says(what, phrase), where)
            )
    found = list(_silence(found, design.lint.silence, finding))
    return sorted(found, key=lambda f: (f.line, f.column, f.rule))


def failing(findings: Iterable[Finding], fail_on: str = "warning") -> list[Finding]:
    """The unsilenced findings at ``fail_on`` severity or above (none for ``never``)."""
    if fail_on not in FAIL_ON:
        raise ValueError(f"fail_on must be one of {', '.join(FAIL_ON)}, got {fail_on!r}")
    if fail_on == "never":
        return []
    at_least = SEVERITIES[: SEVERITIES.index(fail_on) + 1]
    return [f for f in findings if f.silenced is None and f.severity in at_least]


def counts(findings: Iterable[Finding]) -> dict[str, int]:
    """Unsilenced findings by severity, and how many were silenced."""
    out = dict.fromkeys((*SEVERITIES, "silenced"), 0)
    for f in findings:
        out["silenced" if f.silenced is not None else f.severity] += 1
    return out


# -- the rules --------------------------------------------------------------------------------


def _check(rules: Rules) -> Iterator[tuple[str, Path_, str]]:
    """(rule id, path, message) for every controlling mechanic in the design."""
    design = rules.design
    for i, goal in enumerate(design.goals.menu):
        yield from _goal(goal, ("goals", "menu", i))
    menu = len(design.goals.menu)
    if not design.goals.allow_custom and menu < MIN_MENU:
        yield (
            "menu-only",
            ("goals", "allow_custom"),
            f"people may only adopt goals from a menu of {menu} "
            f"goal{'' if menu == 1 else 's'}; set allow_custom: true so they can write "
            f"their own, or offer at least {MIN_MENU} goals",
        )
    nudges = design.nudges
    if nudges.default == "on":
        yield (
            "nudges-on-by-default",
            ("nudges", "default"),
            "people who never chose get nudges; set default: off and let each person "
            "switch nudges on",
        )
    limit = design.lint.max_nudges_per_week
    if nudges.max_per_week > limit:
        yield (
            "nudge-rate",
            ("nudges", "max_per_week"),
            f"up to {nudges.max_per_week} nudges a week is above this file's limit of "
            f"{limit} (lint.max_nudges_per_week); lower max_per_week to {limit} or fewer "
            "and let people who want more ask for them",
        )
    for i, reward in enumerate(design.rewards):
        when = f" when {reward.when}" if reward.when else ""
        yield (
            "contingent-reward",
            ("rewards", i),
            f"{reward.give!r} is given for every {reward.on}{when}; drop the reward and give "
            "informational feedback instead (what the person can now do, whom their work "
            "helped)",
        )
    for i, board in enumerate(design.leaderboards):
        here: Path_ = ("leaderboards", i, "visibility")
        if board.visibility == "private":
            yield (
                "private-ranking",
                here,
                f"leaderboard {board.id!r} still ranks each person against others by "
                f"{board.ranks}, even if only they see it; show people their own progress "
                "over time instead (a goal or a track)",
            )
        else:
            who = "others" if board.visibility == "shared" else "everyone"
            default = "" if here in rules.positions else " (public is the default)"
            yield (
                "public-ranking",
                here,
                f"leaderboard {board.id!r} ranks people by {board.ranks} where {who} can see "
                f"it{default}; "
                "show each person their own progress over time, or a mission's shared "
                "progress, instead",
            )
    for i, mission in enumerate(design.missions):
        if mission.show == "ranking":
            yield (
                "public-ranking",
                ("missions", i, "show"),
                f"mission {mission.id!r} ranks its members against each other; use "
                "show: own-part (each person's part) or show: contributors (everyone's "
                "part, unordered)",
            )


def _goal(goal: MenuGoal, here: Path_) -> Iterator[tuple[str, Path_, str]]:
    name = repr(goal.id)
    if goal.description is None or not goal.description.strip():
        yield (
            "missing-rationale",
            here,
            f"goal {name} is offered without saying why it matters; give it a description "
            "with the reason (what doing it achieves, and for whom)",
        )
    if goal.assigned:
        yield (
            "assigned-goal",
            (*here, "assigned"),
            f"goal {name} is created for everyone without asking; offer it on the menu "
            "and let people adopt it (remove assigned: true)",
        )
    if goal.deadline is not None:
        yield (
            "fixed-deadline",
            (*here, "deadline"),
            f"goal {name} ends on {goal.deadline} for everyone; drop the deadline and give "
            "a rhythm adopters can change (measure.per, with per in adjustable)",
        )
    measure = goal.measure
    if measure.per is not None and "per" not in goal.adjustable:
        yield (
            "fixed-cadence",
            (*here, "measure", "per"),
            f"goal {name} is due every {measure.per} and adopters cannot change that; add "
            "per to adjustable so they can fit it to their lives",
        )
    if "count" not in goal.adjustable:
        yield (
            "fixed-target",
            (*here, "measure", "count"),
            f"goal {name} asks for {measure.count} {measure.event} "
            f"{f'a {measure.per}' if measure.per else 'in total'} and adopters cannot change "
            "the number; add count to adjustable so they can set their own",
        )
    if goal.visibility == "public":
        yield (
            "public-by-default",
            (*here, "visibility"),
            f"goal {name} shows adopters' progress to everyone unless they change it; set "
            "visibility: private and let people choose to share",
        )
    streak = goal.streak
    if streak is None:
        return
    period = measure.per or "period"
    if streak.reset_on_miss and streak.repairs_per_month == 0:
        yield (
            "streak-loss",
            (*here, "streak"),
            f"one missed {period} resets the streak of goal {name} to zero with no way to "
            "repair it; drop the streak and show progress a miss never takes away (or at "
            "least set repairs_per_month)",
        )
    else:
        softened = (
            f"{streak.repairs_per_month} repair{'s' if streak.repairs_per_month != 1 else ''} "
            "a month"
            if streak.reset_on_miss
            else "a miss does not reset it"
        )
        yield (
            "streak-repair",
            (*here, "streak"),
            f"goal {name} counts a streak ({softened}); consider dropping it and showing "
            "progress a miss never takes away",
        )


# -- silencing --------------------------------------------------------------------------------


def _covers(at: str | None, path: str) -> bool:
    """Whether a silence's ``at`` is ``path`` or a parent of it (at a path boundary)."""
    if at is None or path == at:
        return True
    return path.startswith(at) and path[len(at)] in ".["


def _silence(
    findings: Sequence[Finding],
    silences: Sequence[Silence],
    finding: _Make,
) -> Iterator[Finding]:
    used = [False] * len(silences)
    for f in findings:
        reason = None
        for i, s in enumerate(silences):
            if s.rule == f.rule and _covers(s.at, f.path):
                used[i] = True
                reason = s.reason if reason is None else reason
        yield f if reason is None else attrs.evolve(f, silenced=reason)
    for i, s in enumerate(silences):
        here: Path_ = ("lint", "silence", i)
        if s.rule not in LINT_RULES:
            yield finding(SILENCE_RULES["unknown-silence"], (*here, "rule"), _unknown(s.rule))
        elif not used[i]:
            at = f" at {s.at}" if s.at is not None else ""
            yield finding(
                SILENCE_RULES["unused-silence"],
                here,
                f"the silence of {s.rule}{at} matches no finding; remove it",
            )


def _unknown(rule: str) -> str:
    if rule in SILENCE_RULES:
        return f"{rule!r} cannot be silenced; fix the silence it reports instead"
    close = difflib.get_close_matches(rule, LINT_RULES, n=1)
    hint = f"did you mean {close[0]!r}?" if close else f"the rules are {', '.join(LINT_RULES)}"
    return f"{rule!r} is not a lint rule; {hint}"
