"""The autonomy-support linter: finds controlling mechanics in a design file.

Each rule names one mechanic that research on self-determination theory (and on
notifications, streaks and social comparison) shows to undermine intrinsic motivation,
says concretely what to do instead and cites the work it rests on. A file may silence a
rule (``lint.silence``) by stating why; silenced findings are still reported, marked, and
do not count toward failure. docs/designing.md explains every rule.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Literal, TypeAlias

import attrs

from motivekit.rules._load import Rules
from motivekit.rules._model import MenuGoal, Silence
from motivekit.rules._yaml import Path_, dotted_path

__all__ = [
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


@attrs.frozen
class LintRule:
    """One rule of the linter: what it is called, how severe, why, and on what evidence."""

    id: str
    severity: Severity
    title: str
    reason: str
    """Why the mechanic undermines motivation, in one sentence."""
    source: str
    """The research it rests on (full references in docs/designing.md)."""


@attrs.frozen
class Finding:
    """One controlling mechanic found in a design file, with where it is and why it matters."""

    rule: str
    severity: Severity
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


_RULES = [
    LintRule(
        "assigned-goal",
        "error",
        "A goal is created for people without asking",
        "Goals people did not choose are pursued for controlled rather than autonomous "
        "reasons, which predicts less effort, less attainment and less well-being.",
        "Deci & Ryan 2000, The 'what' and 'why' of goal pursuits, Psychological Inquiry "
        "11(4), 227-268; Sheldon & Elliot 1999, Goal striving, need satisfaction, and longitudinal "
        "well-being: the self-concordance model, JPSP 76(3), 482-497",
    ),
    LintRule(
        "fixed-deadline",
        "warning",
        "A goal has a fixed deadline for everyone",
        "An externally imposed deadline is experienced as control and lowers later "
        "intrinsic motivation for the activity.",
        "Amabile, DeJong & Lepper 1976, Effects of externally imposed deadlines on "
        "subsequent intrinsic motivation, JPSP 34(1), 92-98",
    ),
    LintRule(
        "fixed-cadence",
        "info",
        "Adopters cannot change when a goal is due",
        "A rhythm imposed from outside works like a recurring deadline, and a goal whose "
        "timing people cannot fit to their own lives is less their own.",
        "Amabile, DeJong & Lepper 1976, Effects of externally imposed deadlines on "
        "subsequent intrinsic motivation, JPSP 34(1), 92-98; Locke & Latham 2002, "
        "Building a practically useful theory of goal setting and task motivation, "
        "American Psychologist 57(9), 705-717",
    ),
    LintRule(
        "fixed-target",
        "info",
        "Adopters cannot change how much a goal asks",
        "A target people cannot set for themselves may be too hard or too easy for them, "
        "and goals only motivate while people are committed to them.",
        "Locke & Latham 2002, Building a practically useful theory of goal setting and "
        "task motivation, American Psychologist 57(9), 705-717; Patall, Cooper & Robinson "
        "2008, The effects of choice on intrinsic motivation and related outcomes, "
        "Psychological Bulletin 134(2), 270-300",
    ),
    LintRule(
        "nudges-on-by-default",
        "error",
        "Nudges reach people who never asked for them",
        "Prompts people did not choose are experienced as pressure from outside, and a "
        "controlling context undermines autonomous motivation.",
        "Deci & Ryan 1987, The support of autonomy and the control of behavior, "
        "JPSP 53(6), 1024-1037",
    ),
    LintRule(
        "nudge-rate",
        "warning",
        "Nudges come more often than the file's limit",
        "Every notification interrupts, even a useful one, and frequent alerts raise "
        "inattention and perceived disruption.",
        "Mehrotra, Pejovic, Vermeulen, Hendley & Musolesi 2016, My Phone and Me: "
        "Understanding People's Receptivity to Mobile Notifications, CHI 2016; Kushlev, "
        "Proulx & Dunn 2016, 'Silence Your Phones': Smartphone Notifications Increase "
        "Inattention and Hyperactivity Symptoms, CHI 2016",
    ),
    LintRule(
        "public-ranking",
        "error",
        "People are ranked in front of others",
        "Ranking people where others see it makes their worth depend on beating others "
        "(ego-involvement), which lowers intrinsic motivation.",
        "Hanus & Fox 2015, Assessing the effects of gamification in the classroom, "
        "Computers & Education 80, 152-161; Ryan 1982, Control and information in the "
        "intrapersonal sphere, JPSP 43(3), 450-461",
    ),
    LintRule(
        "private-ranking",
        "warning",
        "People are ranked against each other, privately",
        "A ranking only its subject sees is still a comparison with others, and a course "
        "gamified with a leaderboard lowered intrinsic motivation over a semester.",
        "Hanus & Fox 2015, Assessing the effects of gamification in the classroom, "
        "Computers & Education 80, 152-161",
    ),
    LintRule(
        "public-by-default",
        "warning",
        "Adopted goals are public unless people change them",
        "Most people keep defaults, so a public default puts most people's progress in "
        "front of an evaluating audience they never chose.",
        "Ryan & Deci 2017, Self-Determination Theory: Basic Psychological Needs in "
        "Motivation, Development, and Wellness, Guilford Press; Johnson & Goldstein 2003, "
        "Do defaults save lives?, Science 302(5649), 1338-1339",
    ),
    LintRule(
        "streak-loss",
        "error",
        "One missed period wipes out a streak",
        "A broken streak lowers people's later engagement, more so when they blame "
        "themselves, and the harm shrinks when the streak can be repaired.",
        "Silverman & Barasch 2023, On or Off Track: How (Broken) Streaks Affect Consumer "
        "Decisions, Journal of Consumer Research 49(6), 1095-1117",
    ),
    LintRule(
        "streak-repair",
        "info",
        "A goal counts a streak (with a way back)",
        "Keeping a streak alive becomes a goal in itself, so attention shifts from the "
        "activity to the run, even when repairs soften a break.",
        "Silverman & Barasch 2023, On or Off Track: How (Broken) Streaks Affect Consumer "
        "Decisions, Journal of Consumer Research 49(6), 1095-1117",
    ),
    LintRule(
        "contingent-reward",
        "error",
        "Points or badges are given for doing a task",
        "Expected rewards for doing, completing or performing well at a task undermine "
        "free-choice intrinsic motivation (d = -0.40, -0.36 and -0.28 respectively).",
        "Deci, Koestner & Ryan 1999, A meta-analytic review of experiments examining the "
        "effects of extrinsic rewards on intrinsic motivation, Psychological Bulletin "
        "125(6), 627-668",
    ),
    LintRule(
        "menu-only",
        "info",
        "People may only pick from a short menu",
        "Choice enhances intrinsic motivation, and a menu of one or two goals with no way "
        "to write one's own offers little real choice.",
        "Patall, Cooper & Robinson 2008, The effects of choice on intrinsic motivation and "
        "related outcomes: a meta-analysis of research findings, Psychological Bulletin "
        "134(2), 270-300",
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
            "A silence names no lint rule",
            "A silence that names no rule silences nothing, so the finding it was meant "
            "for still stands and its reason misleads reviewers.",
            _SILENCING,
        ),
        LintRule(
            "unused-silence",
            "info",
            "A silence matches no finding",
            "A stale silence hides the next finding of its rule without anyone re-reading "
            "its reason.",
            _SILENCING,
        ),
    )
}
"""Findings about ``lint.silence`` itself; they cannot be silenced."""

_Make: TypeAlias = Callable[[LintRule, Path_, str], Finding]

MIN_MENU = 3
"""With custom goals off, a menu shorter than this is flagged as ``menu-only``."""


def lint(rules: Rules) -> list[Finding]:
    """Every finding in a loaded design file (load it with ``runnable=False``), by position.

    Silenced findings are included with ``silenced`` set to the file's reason.
    """
    design = rules.design

    def finding(rule: LintRule, path: Path_, message: str) -> Finding:
        line, column = rules.where(path)
        return Finding(
            rule.id,
            rule.severity,
            rules.source,
            line,
            column,
            dotted_path(path),
            message,
            rule.reason,
            rule.source,
        )

    found = [finding(LINT_RULES[rule], path, message) for rule, path, message in _check(rules)]
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
