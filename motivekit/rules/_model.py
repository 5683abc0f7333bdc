"""The classes a ``motivation.yaml`` is read into (the file's format, section by section).

Field names are the YAML keys. Expressions stay text here and are compiled by the loader,
which knows where in the file each one came from. Each section's engine lands with its
own issue (goals now; mastery, impact and missions later); the format is settled here so
product teams can write and check whole files today.

Each field carries its one-line documentation in its metadata (see :func:`doc`): the JSON
Schema (``motivekit rules schema``) and the YAML reference (``docs/yaml-reference.md``)
are generated from these classes.
"""

from __future__ import annotations

from typing import Any, Literal

import attrs

from motivekit._model import KIND_PATTERN

__all__ = [
    "Attribution",
    "BeneficiaryEvent",
    "BktModel",
    "Contribution",
    "CriteriaModel",
    "Design",
    "EloK",
    "EloModel",
    "Evidence",
    "GoalsSection",
    "ImpactSection",
    "Leaderboard",
    "Level",
    "LintSettings",
    "MeasureSpec",
    "MenuGoal",
    "Mission",
    "MissionTarget",
    "NudgesSection",
    "Retention",
    "Reward",
    "Scale",
    "Silence",
    "Streak",
    "Track",
    "TrackModel",
]

Scalar = str | int | bool | None
Visibility = Literal["private", "shared", "public"]


def doc(text: str, *, expression: bool = False, **schema: Any) -> dict[str, Any]:
    """A field's metadata: its one-line documentation, whether it is an expression, and
    JSON Schema keywords for bounds the loader checks (``minimum=1``; ``items={...}`` for
    the items of a list)."""
    return {"doc": text, "expression": expression, "schema": schema}


KIND = f"^{KIND_PATTERN.pattern}$"
"""An event kind, as a JSON Schema pattern."""
BETWEEN_0_AND_1: dict[str, Any] = {"exclusiveMinimum": 0, "exclusiveMaximum": 1}
MAX_DAYS = 36_500
"""The longest half-life retention takes, in days (100 years)."""


@attrs.frozen
class MeasureSpec:
    """What a goal counts: ``count`` events of kind ``event`` per ``per`` (or in total)."""

    event: str = attrs.field(
        metadata=doc("The event kind counted, e.g. ``review.submitted``.", pattern=KIND)
    )
    count: int = attrs.field(
        metadata=doc(
            "How many events meet the goal in a period (or in total).",
            minimum=1,
            maximum=1_000_000,
        )
    )
    per: Literal["day", "week", "month"] | None = attrs.field(
        default=None, metadata=doc("The period the count starts over in; none: counted in total.")
    )
    where: dict[str, Scalar] = attrs.field(
        factory=dict,
        metadata=doc(
            "Only events whose data has exactly these values count, e.g. ``{repo: core}``."
        ),
    )


@attrs.frozen
class Streak:
    """A run of consecutive periods in which a goal was met (not run by motivekit)."""

    reset_on_miss: bool = attrs.field(
        default=True, metadata=doc("Whether one missed period sets the run back to zero.")
    )
    repairs_per_month: int = attrs.field(
        default=0, metadata=doc("Missed periods per month that do not break the run.")
    )


@attrs.frozen
class MenuGoal:
    """A goal offered on the menu; people adopt it by their own choice."""

    id: str = attrs.field(metadata=doc("The goal's id on the menu, e.g. ``weekly-reviews``."))
    title: str = attrs.field(metadata=doc("The title adopters start from (they may change it)."))
    measure: MeasureSpec = attrs.field(metadata=doc("What the goal counts."))
    adjustable: list[Literal["count", "per"]] = attrs.field(
        factory=lambda: ["count", "per"],
        metadata=doc(
            "What adopters may change in the measure (title, why, plan, visibility and "
            "time zone are always theirs)."
        ),
    )
    description: str | None = attrs.field(
        default=None,
        metadata=doc(
            "Shown with the goal on the menu: why it matters, what doing it achieves and for "
            "whom (the linter's missing-rationale rule asks for one)."
        ),
    )
    visibility: Visibility = attrs.field(
        default="private",
        metadata=doc(
            "Who sees an adopted goal unless the adopter chooses otherwise (they always may)."
        ),
    )
    assigned: bool = attrs.field(
        default=False,
        metadata=doc(
            "True would create the goal for everyone without asking; motivekit refuses to run it."
        ),
    )
    deadline: str | None = attrs.field(
        default=None,
        metadata=doc(
            "A fixed end date (YYYY-MM-DD) for everyone; motivekit does not run deadlines.",
            format="date",
        ),
    )
    streak: Streak | None = attrs.field(
        default=None, metadata=doc("Streak counting for the goal; motivekit does not run streaks.")
    )


@attrs.frozen
class GoalsSection:
    """The goal menu and whether people may write their own goals."""

    allow_custom: bool = attrs.field(
        default=True, metadata=doc("Whether people may write goals of their own, not only adopt.")
    )
    menu: list[MenuGoal] = attrs.field(
        factory=list, metadata=doc("The goals offered; none is given to anyone unasked.")
    )


@attrs.frozen
class Evidence:
    """Which events are evidence for a track, and how each yields outcome and difficulty."""

    on: str = attrs.field(metadata=doc("The event kind that is evidence.", pattern=KIND))
    outcome: str = attrs.field(
        metadata=doc("Success (true/false) or a graded outcome between 0 and 1.", expression=True)
    )
    difficulty: str | None = attrs.field(
        default=None,
        metadata=doc(
            "The item's difficulty, a number on the team's scale (see ``scale``); for "
            "difficulty learned from everyone's attempts, give the item's id in ``item``.",
            expression=True,
        ),
    )
    item: str | None = attrs.field(
        default=None,
        metadata=doc(
            "The item's id (a string or a number, turned into text) when its difficulty is "
            "learned from everyone's attempts (Elo); with ``difficulty`` too, that is the "
            "item's starting point.",
            expression=True,
        ),
    )
    when: str | None = attrs.field(
        default=None,
        metadata=doc("Only events for which it is true count.", expression=True),
    )


@attrs.frozen
class EloK:
    """Elo step size K(n) = a / (1 + b * n) after n pieces of evidence (Pelánek 2016)."""

    a: float = attrs.field(default=1.0, metadata=doc("The step size before any evidence."))
    b: float = attrs.field(default=0.05, metadata=doc("How fast the step size shrinks."))


@attrs.frozen
class EloModel:
    """Elo for learner and item: P = g + (1 - g) * sigmoid(theta - d)."""

    guess: float = attrs.field(
        default=0.0,
        metadata=doc(
            "g: the chance of succeeding by guessing (0 for open answers).",
            minimum=0,
            exclusiveMaximum=1,
        ),
    )
    k: EloK = attrs.field(factory=EloK, metadata=doc("The step size K(n)."))


@attrs.frozen
class BktModel:
    """Bayesian Knowledge Tracing (Corbett & Anderson)."""

    prior: float = attrs.field(
        default=0.1,
        metadata=doc("The chance the skill is known before any evidence.", **BETWEEN_0_AND_1),
    )
    learn: float = attrs.field(
        default=0.1,
        metadata=doc("The chance of learning the skill at each opportunity.", **BETWEEN_0_AND_1),
    )
    guess: float = attrs.field(
        default=0.2,
        metadata=doc("The chance of succeeding without knowing the skill.", **BETWEEN_0_AND_1),
    )
    slip: float = attrs.field(
        default=0.1,
        metadata=doc("The chance of failing despite knowing the skill.", **BETWEEN_0_AND_1),
    )
    mastered: float = attrs.field(
        default=0.95,
        metadata=doc("The chance of knowing from which the skill is mastered.", **BETWEEN_0_AND_1),
    )


@attrs.frozen
class CriteriaModel:
    """A transparent ladder: enough evidence, at enough difficulty, with enough success."""

    evidence: int = attrs.field(default=20, metadata=doc("How many pieces of evidence it takes."))
    min_difficulty: float | None = attrs.field(
        default=None, metadata=doc("The difficulty that counts as hard enough; none: any.")
    )
    at_difficulty: int = attrs.field(
        default=0, metadata=doc("How many pieces of evidence must be at least that hard.")
    )
    success: float = attrs.field(
        default=0.8, metadata=doc("The share of the evidence that must be successes.")
    )


MODEL_NAMES = ("elo", "bkt", "criteria")
"""The models a track can name; ``model: elo`` is that model with its defaults."""


@attrs.frozen
class TrackModel:
    """Exactly one of the models, with its settings, or just its name (``model: elo``:
    that model with its defaults)."""

    elo: EloModel | None = attrs.field(default=None, metadata=doc("Elo for learner and item."))
    bkt: BktModel | None = attrs.field(default=None, metadata=doc("Bayesian Knowledge Tracing."))
    criteria: CriteriaModel | None = attrs.field(
        default=None, metadata=doc("A transparent ladder of criteria.")
    )


@attrs.frozen
class Level:
    """A named level of the team's ladder, reached at estimate ``at``."""

    name: str = attrs.field(metadata=doc("The level's name, e.g. ``Fluent``."))
    at: float = attrs.field(
        metadata=doc(
            "The estimate (from 0 to 1, for every model) at which the level is reached.",
            minimum=0,
            maximum=1,
        )
    )


@attrs.frozen
class Scale:
    """The team's difficulty scale: what a typical task is, and how big a step is."""

    typical: float = attrs.field(
        default=0.0,
        metadata=doc(
            "The difficulty of a typical task on the team's scale; new learners are a coin "
            "flip on it, and levels and feedback speak about it."
        ),
    )
    step: float = attrs.field(
        default=1.0,
        metadata=doc("How much difficulty makes one step on the logit scale.", exclusiveMinimum=0),
    )
    typical_tasks: str = attrs.field(
        default="tasks",
        metadata=doc("How feedback names typical tasks, e.g. ``medium reviews``.", pattern=r"\S"),
    )


@attrs.frozen
class Retention:
    """Optional retention: when to suggest a refresh (it never lowers a level)."""

    half_life_days: float = attrs.field(
        default=1.0,
        metadata=doc(
            "The half-life before any success, in days; each success doubles it.",
            exclusiveMinimum=0,
            maximum=MAX_DAYS,
        ),
    )
    cap_days: float = attrs.field(
        default=365.0,
        metadata=doc(
            "The longest the half-life grows, in days (at least ``half_life_days``).",
            exclusiveMinimum=0,
            maximum=MAX_DAYS,
        ),
    )
    refresh_below: float = attrs.field(
        default=0.5,
        metadata=doc("Suggest a refresh when estimated recall falls to this.", **BETWEEN_0_AND_1),
    )


@attrs.frozen
class Track:
    """A skill progression track."""

    id: str = attrs.field(metadata=doc("The track's id, e.g. ``code-review``."))
    title: str = attrs.field(metadata=doc("The track's title as people see it."))
    model: TrackModel = attrs.field(metadata=doc("How evidence updates the estimate."))
    evidence: list[Evidence] = attrs.field(metadata=doc("The events that are evidence."))
    levels: list[Level] = attrs.field(
        factory=list, metadata=doc("The team's named levels, in ascending order of ``at``.")
    )
    challenge_band: list[float] = attrs.field(
        factory=lambda: [0.70, 0.85],
        metadata=doc(
            "``[low, high]``: the predicted success that next challenges aim for.",
            minItems=2,
            maxItems=2,
            items=BETWEEN_0_AND_1,
        ),
    )
    scale: Scale = attrs.field(
        factory=Scale, metadata=doc("The team's difficulty scale and how feedback names it.")
    )
    min_evidence: int = attrs.field(
        default=5,
        metadata=doc("Pieces of evidence before a level or mastery is announced.", minimum=1),
    )
    retention: Retention | None = attrs.field(
        default=None,
        metadata=doc(
            "Optional: suggest a refresh when a skill may be fading; never lowers a level."
        ),
    )


@attrs.frozen
class Contribution:
    """An event that creates a contribution owned by its actor."""

    on: str = attrs.field(metadata=doc("The event kind that creates it.", pattern=KIND))
    id: str = attrs.field(metadata=doc("The contribution's id.", expression=True))
    builds_on: str | None = attrs.field(
        default=None,
        metadata=doc("The id (or list of ids) of contributions it builds on.", expression=True),
    )
    referred_by: str | None = attrs.field(
        default=None,
        metadata=doc(
            "The person who referred the contributor (the first referral of a person counts).",
            expression=True,
        ),
    )
    noun: str = attrs.field(
        default="contribution",
        metadata=doc("What people call it in stories, e.g. ``answer``, ``fix``, ``tutorial``."),
    )


@attrs.frozen
class BeneficiaryEvent:
    """An event showing that someone was helped by a contribution."""

    on: str = attrs.field(metadata=doc("The event kind that shows it.", pattern=KIND))
    credits: str = attrs.field(
        metadata=doc("The id (or list of ids) of the contribution that helped.", expression=True)
    )
    story: str = attrs.field(
        metadata=doc(
            "How the feed tells it, in the past tense, e.g. ``{beneficiary} found your "
            "{noun} helpful`` (placeholders: ``{beneficiary}``, ``{noun}``)."
        )
    )
    beneficiary: str | None = attrs.field(
        default=None,
        metadata=doc("Who was helped (default: the event's actor).", expression=True),
    )


@attrs.frozen
class Attribution:
    """How credit flows along build-on and referral chains: credit_k = V * (1 - rho) * rho**k."""

    decay: float = attrs.field(
        default=0.5, metadata=doc("rho: the share passed on at each step.", **BETWEEN_0_AND_1)
    )
    max_depth: int = attrs.field(
        default=4, metadata=doc("How many steps credit flows at most.", minimum=1, maximum=20)
    )
    mode: Literal["recursive", "direct"] = attrs.field(
        default="recursive",
        metadata=doc("Along whole chains, or to direct builds and referrals only."),
    )


@attrs.frozen
class ImpactSection:
    """Contributions, the events that show whom they helped, and attribution."""

    contributions: list[Contribution] = attrs.field(
        factory=list, metadata=doc("The events that create contributions.")
    )
    beneficiary_events: list[BeneficiaryEvent] = attrs.field(
        factory=list, metadata=doc("The events that show someone was helped.")
    )
    attribution: Attribution = attrs.field(
        factory=Attribution, metadata=doc("How credit flows to earlier contributors.")
    )


@attrs.frozen
class MissionTarget:
    """A mission's shared target."""

    event: str = attrs.field(metadata=doc("The event kind counted.", pattern=KIND))
    count: int = attrs.field(metadata=doc("How many events reach the target.", minimum=1))
    unit: str = attrs.field(
        default="contributions",
        metadata=doc("What one event adds, in the plural, e.g. ``pages``."),
    )


@attrs.frozen
class Mission:
    """A collective purpose with milestones."""

    id: str = attrs.field(metadata=doc("The mission's id, e.g. ``handbook``."))
    title: str = attrs.field(metadata=doc("The mission's title as people see it."))
    target: MissionTarget = attrs.field(metadata=doc("What the group counts towards."))
    milestones: list[int] = attrs.field(
        factory=list,
        metadata=doc(
            "Counts to celebrate on the way, ascending, at most the target.",
            uniqueItems=True,
            items={"minimum": 1},
        ),
    )
    show: Literal["own-part", "contributors", "ranking"] = attrs.field(
        default="own-part",
        metadata=doc(
            "What each member sees besides the group's progress: their own part, everyone's "
            "parts (unordered), or a ranking of members (which motivekit does not run)."
        ),
    )


@attrs.frozen
class NudgesSection:
    """Nudges are opt-in: ``default`` is what people who never chose get."""

    default: Literal["on", "off"] = attrs.field(
        default="off",
        metadata=doc(
            "Nudges for people who never chose; ``on`` is refused (nudges are opt-in: each "
            "person may switch them on)."
        ),
    )
    max_per_week: int = attrs.field(
        default=2, metadata=doc("The most nudges anyone gets in a week.", minimum=0)
    )


@attrs.frozen
class Reward:
    """A reward given for doing something (points, badges); motivekit does not run rewards."""

    on: str = attrs.field(metadata=doc("The event kind rewarded."))
    give: str = attrs.field(
        metadata=doc("What is given, e.g. ``10 points`` or ``badge: reviewer``.")
    )
    when: str | None = attrs.field(
        default=None,
        metadata=doc("Only events for which it is true are rewarded.", expression=True),
    )


@attrs.frozen
class Leaderboard:
    """A ranking of people by a count of events; motivekit does not run leaderboards."""

    id: str = attrs.field(metadata=doc("The leaderboard's id."))
    title: str = attrs.field(metadata=doc("The leaderboard's title."))
    ranks: str = attrs.field(metadata=doc("The event kind people are ranked by."))
    visibility: Visibility = attrs.field(
        default="public", metadata=doc("Who would see the ranking.")
    )


@attrs.frozen
class Silence:
    """Silence one lint rule, saying why (reviewers read the reason)."""

    rule: str = attrs.field(metadata=doc("The lint rule silenced."))
    reason: str = attrs.field(metadata=doc("Why it is silenced here.", pattern=r"\S"))
    at: str | None = attrs.field(
        default=None,
        metadata=doc(
            "Only findings at this path (or under it), e.g. ``goals.menu[0]``; default: all."
        ),
    )


@attrs.frozen
class LintSettings:
    """Settings for ``motivekit rules lint``."""

    max_nudges_per_week: int = attrs.field(
        default=2,
        metadata=doc(
            "Above this many nudges a week, the linter warns (2 is a convention, not a finding).",
            minimum=0,
        ),
    )
    silence: list[Silence] = attrs.field(
        factory=list, metadata=doc("Lint rules silenced, each with its reason.")
    )


@attrs.frozen
class Design:
    """A whole ``motivation.yaml``: the goals an app offers, its skill tracks, how
    contributions are credited, collective missions and nudges."""

    version: int = attrs.field(
        metadata=doc(
            "The rules version, recorded on every journal entry evaluated under these rules.",
            minimum=1,
        )
    )
    goals: GoalsSection = attrs.field(
        factory=GoalsSection, metadata=doc("Self-chosen goals: the menu.")
    )
    tracks: list[Track] = attrs.field(factory=list, metadata=doc("Skill progression tracks."))
    impact: ImpactSection = attrs.field(
        factory=ImpactSection, metadata=doc("Contribution impact: who was helped.")
    )
    missions: list[Mission] = attrs.field(
        factory=list, metadata=doc("Collective missions with milestones.")
    )
    nudges: NudgesSection = attrs.field(
        factory=NudgesSection, metadata=doc("Opt-in nudges and their limit.")
    )
    rewards: list[Reward] = attrs.field(
        factory=list, metadata=doc("Rewards for doing something; motivekit does not run them.")
    )
    leaderboards: list[Leaderboard] = attrs.field(
        factory=list, metadata=doc("Rankings of people; motivekit does not run them.")
    )
    lint: LintSettings = attrs.field(
        factory=LintSettings, metadata=doc("Settings for ``motivekit rules lint``.")
    )
