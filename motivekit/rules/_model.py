"""The classes a ``motivation.yaml`` is read into (the file's format, section by section).

Field names are the YAML keys. Expressions stay text here and are compiled by the loader,
which knows where in the file each one came from. Each section's engine lands with its
own issue (goals now; mastery, impact and missions later); the format is settled here so
product teams can write and check whole files today.
"""

from __future__ import annotations

from typing import Literal

import attrs

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
    "Reward",
    "Silence",
    "Streak",
    "Track",
    "TrackModel",
]

Scalar = str | int | bool | None
Visibility = Literal["private", "shared", "public"]


@attrs.frozen
class MeasureSpec:
    """What a goal counts: ``count`` events of kind ``event`` per ``per`` (or in total)."""

    event: str
    count: int
    per: Literal["day", "week", "month"] | None = None
    where: dict[str, Scalar] = attrs.field(factory=dict)


@attrs.frozen
class Streak:
    """A run of consecutive periods in which a goal was met (not run by motivekit)."""

    reset_on_miss: bool = True
    """Whether one missed period sets the run back to zero."""
    repairs_per_month: int = 0
    """Missed periods per month that do not break the run."""


@attrs.frozen
class MenuGoal:
    """A goal offered on the menu; people adopt it by their own choice."""

    id: str
    title: str
    measure: MeasureSpec
    adjustable: list[Literal["count", "per"]] = attrs.field(factory=lambda: ["count", "per"])
    """What adopters may change in the measure (title, why, plan, visibility and time zone
    are always theirs)."""
    description: str | None = None
    visibility: Visibility = "private"
    """Who sees an adopted goal unless the adopter chooses otherwise (they always may)."""
    assigned: bool = False
    """True would create the goal for everyone without asking; motivekit refuses to run it."""
    deadline: str | None = None
    """A fixed end date (YYYY-MM-DD) for everyone; motivekit does not run deadlines."""
    streak: Streak | None = None
    """Streak counting for the goal; motivekit does not run streaks."""


@attrs.frozen
class GoalsSection:
    """The goal menu and whether people may write their own goals."""

    allow_custom: bool = True
    menu: list[MenuGoal] = attrs.field(factory=list)


@attrs.frozen
class Evidence:
    """Which events are evidence for a track, and how each yields outcome and difficulty."""

    on: str
    outcome: str
    """Expression: success (true/false) or a graded outcome between 0 and 1."""
    difficulty: str | None = None
    """Expression: the item's difficulty (a number), or its id for learned difficulty."""
    when: str | None = None
    """Expression: only events for which it is true count."""


@attrs.frozen
class EloK:
    """Elo step size K(n) = a / (1 + b * n) after n pieces of evidence (Pelánek 2016)."""

    a: float = 1.0
    b: float = 0.05


@attrs.frozen
class EloModel:
    """Elo for learner and item: P = g + (1 - g) * sigmoid(theta - d)."""

    guess: float = 0.0
    k: EloK = attrs.field(factory=EloK)


@attrs.frozen
class BktModel:
    """Bayesian Knowledge Tracing (Corbett & Anderson)."""

    prior: float = 0.1
    learn: float = 0.1
    guess: float = 0.2
    slip: float = 0.1
    mastered: float = 0.95


@attrs.frozen
class CriteriaModel:
    """A transparent ladder: enough evidence, at enough difficulty, with enough success."""

    evidence: int = 20
    min_difficulty: float | None = None
    at_difficulty: int = 0
    success: float = 0.8


@attrs.frozen
class TrackModel:
    """Exactly one of the models."""

    elo: EloModel | None = None
    bkt: BktModel | None = None
    criteria: CriteriaModel | None = None


@attrs.frozen
class Level:
    """A named level of the team's ladder, reached at estimate ``at``."""

    name: str
    at: float


@attrs.frozen
class Track:
    """A skill progression track."""

    id: str
    title: str
    model: TrackModel
    evidence: list[Evidence]
    levels: list[Level] = attrs.field(factory=list)
    challenge_band: list[float] = attrs.field(factory=lambda: [0.70, 0.85])


@attrs.frozen
class Contribution:
    """An event that creates a contribution owned by its actor."""

    on: str
    id: str
    """Expression: the contribution's id."""
    builds_on: str | None = None
    """Expression: the id (or list of ids) of contributions it builds on."""
    referred_by: str | None = None
    """Expression: the person who referred the contributor."""


@attrs.frozen
class BeneficiaryEvent:
    """An event showing that someone was helped by a contribution."""

    on: str
    credits: str
    """Expression: the id of the contribution that helped."""
    story: str
    """How the feed tells it, e.g. ``{beneficiary} found your answer helpful``."""
    beneficiary: str | None = None
    """Expression: who was helped (default: the event's actor)."""


@attrs.frozen
class Attribution:
    """How credit flows along build-on and referral chains: credit_k = V * (1 - rho) * rho**k."""

    decay: float = 0.5
    max_depth: int = 4
    mode: Literal["recursive", "direct"] = "recursive"


@attrs.frozen
class ImpactSection:
    """Contributions, the events that show whom they helped, and attribution."""

    contributions: list[Contribution] = attrs.field(factory=list)
    beneficiary_events: list[BeneficiaryEvent] = attrs.field(factory=list)
    attribution: Attribution = attrs.field(factory=Attribution)


@attrs.frozen
class MissionTarget:
    """A mission's shared target."""

    event: str
    count: int


@attrs.frozen
class Mission:
    """A collective purpose with milestones."""

    id: str
    title: str
    target: MissionTarget
    milestones: list[int] = attrs.field(factory=list)
    show: Literal["own-part", "contributors", "ranking"] = "own-part"
    """What each member sees besides the group's progress: their own part, everyone's
    parts (unordered), or a ranking of members (which motivekit does not run)."""


@attrs.frozen
class NudgesSection:
    """Nudges are opt-in: ``default`` is what people who never chose get."""

    default: Literal["on", "off"] = "off"
    max_per_week: int = 2


@attrs.frozen
class Reward:
    """A reward given for doing something (points, badges); motivekit does not run rewards."""

    on: str
    give: str
    """What is given, e.g. ``10 points`` or ``badge: reviewer``."""
    when: str | None = None
    """Expression: only events for which it is true are rewarded."""


@attrs.frozen
class Leaderboard:
    """A ranking of people by a count of events; motivekit does not run leaderboards."""

    id: str
    title: str
    ranks: str
    """The event kind people are ranked by."""
    visibility: Visibility = "public"


@attrs.frozen
class Silence:
    """Silence one lint rule, saying why (reviewers read the reason)."""

    rule: str
    reason: str
    at: str | None = None
    """Only findings at this path (or under it), e.g. ``goals.menu[0]``; default: all."""


@attrs.frozen
class LintSettings:
    """Settings for ``motivekit rules lint``."""

    max_nudges_per_week: int = 2
    """Above this many nudges a week, the linter warns."""
    silence: list[Silence] = attrs.field(factory=list)


@attrs.frozen
class Design:
    """A whole ``motivation.yaml``."""

    version: int
    goals: GoalsSection = attrs.field(factory=GoalsSection)
    tracks: list[Track] = attrs.field(factory=list)
    impact: ImpactSection = attrs.field(factory=ImpactSection)
    missions: list[Mission] = attrs.field(factory=list)
    nudges: NudgesSection = attrs.field(factory=NudgesSection)
    rewards: list[Reward] = attrs.field(factory=list)
    leaderboards: list[Leaderboard] = attrs.field(factory=list)
    lint: LintSettings = attrs.field(factory=LintSettings)
