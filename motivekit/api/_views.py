"""The JSON response bodies, as pydantic models, and how each is built from motivekit's
values.

Field names are snake_case and stable; instants are ISO 8601 in UTC (``...Z``), local days
``YYYY-MM-DD``. Every body is about the signed-in person only: their goals, their skills,
their feed, their part in a mission. The OpenAPI document's response schemas are generated
from these classes, and the tests check every response against them.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from motivekit import (
    Consent,
    Explanation,
    FeedEntry,
    FeedPage,
    Goal,
    GoalTemplate,
    ImpactExplanation,
    ImpactPreferences,
    Mechanic,
    MissionProgress,
    Skill,
    SkillExplanation,
)

__all__ = [
    "ConsentOut",
    "FieldErrorOut",
    "FeedEntryOut",
    "FeedPageOut",
    "GoalExplanationOut",
    "GoalListOut",
    "GoalOut",
    "ImpactExplanationOut",
    "ImpactPreferencesOut",
    "MenuOut",
    "MissionListOut",
    "MissionOut",
    "ProblemOut",
    "SkillExplanationOut",
    "SkillListOut",
    "SkillOut",
    "utc",
]


def utc(instant: datetime) -> datetime:
    """``instant`` in UTC, so that it is written with ``Z``."""
    return instant.astimezone(UTC)


class View(BaseModel):
    """A response body."""

    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True)


# -- goals ----------------------------------------------------------------------------------


class MeasureOut(View):
    """What counts towards the goal."""

    event: str
    count: int
    per: Literal["day", "week", "month"] | None
    where: dict[str, str | int | bool | None]


class PlanOut(View):
    """The owner's if-then plan."""

    when: str
    then: str


class ProgressOut(View):
    """Progress in the current period (or in total when ``per`` is null)."""

    count: int
    target: int
    per: Literal["day", "week", "month"] | None
    period_start: date | None
    """First local day of the period in the goal's time zone."""
    period_end: date | None
    """First local day after the period."""
    reached: bool
    remaining: int


class GoalOut(View):
    """One of the person's own goals with its progress."""

    id: str
    title: str
    status: Literal["active", "paused", "released"]
    template_id: str | None
    measure: MeasureOut
    why: str | None
    plan: PlanOut | None
    visibility: Literal["private", "shared", "public"]
    tz: str
    created_at: datetime
    updated_at: datetime
    total: int
    """Matching events counted since the goal was made."""
    progress: ProgressOut

    @classmethod
    def of(cls, goal: Goal) -> GoalOut:
        """The body for ``goal``."""
        p, m = goal.progress, goal.measure
        return cls(
            id=goal.id,
            title=goal.title,
            status=goal.status.value,
            template_id=goal.template_id,
            measure=MeasureOut(event=m.event, count=m.count, per=m.per, where=dict(m.where)),
            why=goal.why,
            plan=None if goal.plan is None else PlanOut(when=goal.plan.when, then=goal.plan.then),
            visibility=goal.visibility,
            tz=goal.tz,
            created_at=utc(goal.created_at),
            updated_at=utc(goal.updated_at),
            total=goal.total,
            progress=ProgressOut(
                count=p.count,
                target=p.target,
                per=p.per,
                period_start=p.period_start,
                period_end=p.period_end,
                reached=p.reached,
                remaining=p.remaining,
            ),
        )


class GoalListOut(View):
    """The person's goals, oldest first."""

    goals: list[GoalOut]


class TemplateOut(View):
    """A goal offered on the menu (adopting it is the person's choice)."""

    id: str
    title: str
    description: str | None
    measure: MeasureOut
    adjustable: list[Literal["count", "per"]]
    """Which parts of the measure an adopter may change."""
    visibility: Literal["private", "shared", "public"]

    @classmethod
    def of(cls, t: GoalTemplate) -> TemplateOut:
        """The body for template ``t``."""
        m = t.measure
        return cls(
            id=t.id,
            title=t.title,
            description=t.description,
            measure=MeasureOut(event=m.event, count=m.count, per=m.per, where=dict(m.where)),
            adjustable=sorted(t.adjustable),  # type: ignore[arg-type]
            visibility=t.visibility,
        )


class MenuOut(View):
    """The goals on offer, and whether people may write their own."""

    allow_custom: bool
    templates: list[TemplateOut]


class GoalStepOut(View):
    """What one journal entry did to the goal."""

    seq: int
    kind: Literal["created", "counted", "changed", "not counted"]
    at: datetime
    name: str
    """The event kind or command name."""
    rules: int
    day: date | None
    """For ``counted``: the goal's local day the unit of progress belongs to."""
    detail: str


class GoalExplanationOut(View):
    """Why the goal shows the progress it does: every journal entry that shaped it."""

    goal: GoalOut
    rules_version: int
    stale: bool
    steps: list[GoalStepOut]
    lines: list[str]
    """The explanation as text, one line each."""

    @classmethod
    def of(cls, e: Explanation) -> GoalExplanationOut:
        """The body for explanation ``e``."""
        return cls(
            goal=GoalOut.of(e.goal),
            rules_version=e.rules_version,
            stale=e.stale,
            steps=[
                GoalStepOut(
                    seq=s.seq,
                    kind=s.kind,
                    at=utc(s.at),
                    name=s.name,
                    rules=s.rules,
                    day=s.day,
                    detail=s.detail,
                )
                for s in e.steps
            ],
            lines=e.lines(),
        )


# -- skills ---------------------------------------------------------------------------------


class CriterionOut(View):
    """One rule of a criteria ladder and whether it is met."""

    text: str
    met: bool


class SkillOut(View):
    """The person's skill on one track, to be understood rather than chased."""

    track: str
    title: str
    evidence: int
    estimate: float
    uncertainty: float
    level: str | None
    next_level: str | None
    mastered: bool
    success_rate: float | None
    trend: float
    typical_success: float
    summary: str
    """What the state means in words."""
    last_practice: datetime | None
    recall: float | None
    refresh_due: bool
    band: list[float]
    """``[low, high]``: the predicted-success band next challenges aim for."""
    target: float
    own_band: bool
    """Whether the person chose the band themselves."""
    criteria: list[CriterionOut]

    @classmethod
    def of(cls, s: Skill) -> SkillOut:
        """The body for skill ``s``."""
        return cls(
            track=s.track,
            title=s.title,
            evidence=s.evidence,
            estimate=s.estimate,
            uncertainty=s.uncertainty,
            level=s.level,
            next_level=s.next_level,
            mastered=s.mastered,
            success_rate=s.success_rate,
            trend=s.trend,
            typical_success=s.typical_success,
            summary=s.summary,
            last_practice=None if s.last_practice is None else utc(s.last_practice),
            recall=s.recall,
            refresh_due=s.refresh_due,
            band=list(s.band),
            target=s.target,
            own_band=s.own_band,
            criteria=[CriterionOut(text=c.text, met=c.met) for c in s.criteria],
        )


class SkillListOut(View):
    """The person's skill on every track, in track order."""

    skills: list[SkillOut]


class SkillStepOut(View):
    """What one event did to the skill."""

    seq: int
    at: datetime
    kind: str
    rules: int
    counted: bool
    outcome: float | None
    difficulty: float | None
    item: str | None
    estimate: float | None
    level: str | None
    detail: str


class SkillExplanationOut(View):
    """The evidence behind the person's skill on a track."""

    skill: SkillOut
    rules_version: int
    stale: bool
    steps: list[SkillStepOut]
    lines: list[str]

    @classmethod
    def of(cls, e: SkillExplanation) -> SkillExplanationOut:
        """The body for explanation ``e``."""
        return cls(
            skill=SkillOut.of(e.skill),
            rules_version=e.rules_version,
            stale=e.stale,
            steps=[
                SkillStepOut(
                    seq=s.seq,
                    at=utc(s.at),
                    kind=s.kind,
                    rules=s.rules,
                    counted=s.counted,
                    outcome=s.outcome,
                    difficulty=s.difficulty,
                    item=s.item,
                    estimate=s.estimate,
                    level=s.level,
                    detail=s.detail,
                )
                for s in e.steps
            ],
            lines=e.lines(),
        )


class ChallengeOut(View):
    """A suggested next challenge: a choice, never an assignment."""

    id: str
    predicted: float
    """The predicted chance of success."""
    in_band: bool


class ChallengesOut(View):
    """Next challenges for the person on a track, nearest their target first."""

    track: str
    band: list[float]
    target: float
    challenges: list[ChallengeOut]


# -- impact ---------------------------------------------------------------------------------


class FeedEntryOut(View):
    """One story of whom the person's work helped."""

    id: str
    kind: Literal["direct", "built-on", "referral"]
    story: str
    people: int
    items: int
    beneficiaries: list[str]
    contribution: str | None
    noun: str
    week: date
    first_at: datetime
    last_at: datetime
    depth: int

    @classmethod
    def of(cls, e: FeedEntry) -> FeedEntryOut:
        """The body for feed entry ``e``."""
        return cls(
            id=e.id,
            kind=e.kind,  # type: ignore[arg-type]
            story=e.story,
            people=e.people,
            items=e.items,
            beneficiaries=list(e.beneficiaries),
            contribution=e.contribution,
            noun=e.noun,
            week=e.week,
            first_at=utc(e.first_at),
            last_at=utc(e.last_at),
            depth=e.depth,
        )


class FeedPageOut(View):
    """A page of the person's impact feed, newest first."""

    entries: list[FeedEntryOut]
    next_cursor: str | None
    """Pass as ``cursor`` for the next page; null: this is the last page."""

    @classmethod
    def of(cls, page: FeedPage) -> FeedPageOut:
        """The body for ``page``."""
        return cls(entries=[FeedEntryOut.of(e) for e in page], next_cursor=page.cursor)


class ExplainedItemOut(View):
    """One impact item behind a feed entry, with the journal entry it comes from."""

    seq: int
    event_id: str | None
    event_kind: str | None
    at: datetime
    beneficiary: str
    root: str
    contribution: str | None
    depth: int
    share: float


class ImpactExplanationOut(View):
    """Why a feed entry is there."""

    entry: FeedEntryOut
    items: list[ExplainedItemOut]
    more: int
    lines: list[str]

    @classmethod
    def of(cls, e: ImpactExplanation) -> ImpactExplanationOut:
        """The body for explanation ``e``."""
        return cls(
            entry=FeedEntryOut.of(e.entry),
            items=[
                ExplainedItemOut(
                    seq=i.seq,
                    event_id=i.event_id,
                    event_kind=i.event_kind,
                    at=utc(i.at),
                    beneficiary=i.beneficiary,
                    root=i.root,
                    contribution=i.contribution,
                    depth=i.depth,
                    share=i.share,
                )
                for i in e.items
            ],
            more=e.more,
            lines=e.lines(),
        )


class ImpactPreferencesOut(View):
    """The person's own choices about impact stories."""

    visibility: Literal["named", "anonymous"]
    digest: Literal["day", "week"] | None

    @classmethod
    def of(cls, p: ImpactPreferences) -> ImpactPreferencesOut:
        """The body for preferences ``p``."""
        return cls(visibility=p.visibility, digest=p.digest)  # type: ignore[arg-type]


class MissionOut(View):
    """A collective mission: the group's progress and the person's own part."""

    id: str
    title: str
    unit: str
    target: int
    total: int
    milestones: list[int]
    reached: list[int]
    next_milestone: int | None
    done: bool
    story: str
    part: int | None
    """The person's own count (null while their impact consent is off)."""
    part_story: str | None

    @classmethod
    def of(cls, m: MissionProgress) -> MissionOut:
        """The body for mission progress ``m``."""
        return cls(
            id=m.id,
            title=m.title,
            unit=m.unit,
            target=m.target,
            total=m.total,
            milestones=list(m.milestones),
            reached=list(m.reached),
            next_milestone=m.next_milestone,
            done=m.done,
            story=m.story,
            part=m.part,
            part_story=m.part_story,
        )


class MissionListOut(View):
    """Every mission, each with the person's part."""

    missions: list[MissionOut]


# -- consent --------------------------------------------------------------------------------


class MechanicOut(View):
    """One mechanic and whether it is on for the person."""

    mechanic: Literal["goals", "mastery", "impact", "nudges"]
    enabled: bool
    choice: bool | None
    """What the person chose; null: they have not, and the default holds."""
    default: bool


class ConsentOut(View):
    """The person's consent per mechanic."""

    mechanics: list[MechanicOut]

    @classmethod
    def of(cls, c: Consent) -> ConsentOut:
        """The body for consent ``c``."""
        return cls(
            mechanics=[
                MechanicOut(
                    mechanic=m.value,
                    enabled=c.allows(m),
                    choice=c.choices.get(m),
                    default=c.defaults[m],
                )
                for m in Mechanic
            ]
        )


class FieldErrorOut(View):
    """One field that did not validate."""

    detail: str
    pointer: str | None = None
    """A JSON Pointer (RFC 6901, URI fragment form) into the request body, e.g.
    ``#/measure/count``."""
    parameter: str | None = None
    """The query parameter that was wrong."""


class ProblemOut(View):
    """An RFC 9457 problem: what went wrong and how to fix it."""

    model_config = ConfigDict(extra="allow", use_attribute_docstrings=True)

    type: str
    """``about:blank``: the status says what kind of problem it is."""
    title: str
    """The HTTP status phrase."""
    status: int
    detail: str
    """What was wrong and how to fix it."""
    code: str | None = None
    """The motivekit error class behind the problem, e.g. ``UnknownGoal``."""
    errors: list[FieldErrorOut] | None = None
    """For a body or query that did not validate: every field that was wrong."""


class OpenApiOut(View):
    """The OpenAPI 3.1 document itself."""

    model_config = ConfigDict(extra="allow")

    openapi: str


def dump(view: BaseModel) -> Any:
    """``view`` as JSON-ready data."""
    return view.model_dump(mode="json")
