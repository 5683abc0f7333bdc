"""``kit.goals``: people create, adopt, pause, renegotiate and release their own goals."""

from __future__ import annotations

import builtins
import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import attrs

from motivekit._canonical import JSONValue
from motivekit._consent import ConsentState, Mechanic
from motivekit._entries import command_draft
from motivekit._errors import ConsentRequired, InvalidGoal, NotPermitted, UnknownGoal
from motivekit._model import check_instant, check_name
from motivekit._runtime import Core, Runtime
from motivekit._time import format_instant
from motivekit.goals._engine import apply_goal_command, local_day, period_bounds, progress_from_days
from motivekit.goals._menu import ADOPTED_FIELDS
from motivekit.goals._model import (
    Goal,
    GoalState,
    GoalStatus,
    GoalTemplate,
    Measure,
    Per,
    Plan,
    Progress,
    Visibility,
    check_count,
    check_per,
    check_text,
    check_visibility,
    zone,
)
from motivekit.goals._periods import period_counts
from motivekit.store._protocol import Session

__all__ = ["Goals", "export_goals"]

_UNSET: Any = object()


def _person(value: object, field: str) -> str:
    return check_name(value, field, InvalidGoal, "pass the person's user id")


class Goals:
    """Self-chosen goals. Every change is made *by* the goal's owner and journaled."""

    def __init__(self, core: Core) -> None:
        self._core = core

    # -- the menu ---------------------------------------------------------------------------

    @property
    def allow_custom(self) -> bool:
        """Whether people may write goals of their own (the design file decides)."""
        return self._core.runtime.menu.allow_custom

    def offer(self, template: GoalTemplate) -> None:
        """Put a template on the menu. Offering never creates a goal for anyone."""
        self._core.update(lambda rt: attrs.evolve(rt, menu=rt.menu.offer(template)))

    @property
    def menu(self) -> builtins.list[GoalTemplate]:
        """The templates people may adopt, in the order they were offered."""
        return list(self._core.runtime.menu.templates.values())

    def template(self, template_id: str) -> GoalTemplate:
        """The template with ``template_id``, or :class:`UnknownTemplate`."""
        return self._core.runtime.menu.template(template_id)

    # -- commands ---------------------------------------------------------------------------

    def create(
        self,
        owner: str,
        title: str,
        measure: Measure | Mapping[str, Any],
        *,
        why: str | None = None,
        plan: Plan | Mapping[str, str] | None = None,
        visibility: Visibility = "private",
        tz: str = "UTC",
    ) -> Goal:
        """Create a goal of the owner's own making."""
        runtime = self._core.runtime
        if not runtime.menu.allow_custom:
            raise NotPermitted(
                "this app offers goals from its menu only (goals.allow_custom is false in "
                "its design file); adopt one with kit.goals.adopt(owner, template_id)"
            )
        args = self._personal(owner, title, Measure.coerce(measure), why, plan, visibility, tz)
        return self._create(owner, args, runtime)

    def adopt(self, owner: str, template_id: str, **adjustments: Any) -> Goal:
        """Adopt a template from the menu, adjusting what the template allows.

        ``adjustments`` may set ``count``/``per`` (when the template lists them as
        adjustable) and always ``title``, ``why``, ``plan``, ``visibility`` and ``tz``.
        """
        runtime = self._core.runtime
        template = runtime.menu.template(template_id)
        personal = {"title", "why", "plan", "visibility", "tz"}
        unknown = set(adjustments) - personal - {"count", "per"}
        if unknown:
            raise InvalidGoal(
                f"adopt() got unknown adjustment(s) {sorted(unknown)}; allowed: "
                f"{sorted(personal | template.adjustable)}"
            )
        fixed = (set(adjustments) & {"count", "per"}) - template.adjustable
        if fixed:
            allowed = sorted(template.adjustable) or "nothing in its measure"
            raise InvalidGoal(
                f"template {template.id!r} does not let adopters change {sorted(fixed)}; "
                f"adjustable: {allowed}"
            )
        base = template.measure
        measure = Measure(
            base.event,
            adjustments.get("count", base.count),
            adjustments.get("per", base.per),
            base.where,
        )
        args = self._personal(
            owner,
            adjustments.get("title", template.title),
            measure,
            adjustments.get("why"),
            adjustments.get("plan"),
            adjustments.get("visibility", template.visibility),
            adjustments.get("tz", "UTC"),
        )
        args["template"] = template.id
        # What the adopter set themselves; the rest follows the template on replay.
        args["chosen"] = [k for k in ADOPTED_FIELDS if k in adjustments]
        return self._create(owner, args, runtime)

    def pause(self, goal_id: str, *, by: str) -> Goal:
        """Pause a goal: nothing counts until it is resumed. Costs nothing."""
        return self._change(goal_id, "goal.pause", by, {})

    def resume(self, goal_id: str, *, by: str) -> Goal:
        """Resume a paused goal."""
        return self._change(goal_id, "goal.resume", by, {})

    def renegotiate(
        self, goal_id: str, *, by: str, count: int | None = None, per: Per | None = _UNSET
    ) -> Goal:
        """Change a goal's target and/or cadence; progress already made is kept."""
        args: dict[str, JSONValue] = {}
        if count is not None:
            args["count"] = check_count(count, "count")
        if per is not _UNSET:
            args["per"] = check_per(per, "per")
        if not args:
            raise InvalidGoal("renegotiate() needs count=... and/or per=... to change")
        return self._change(goal_id, "goal.renegotiate", by, args)

    def edit(
        self,
        goal_id: str,
        *,
        by: str,
        title: str = _UNSET,
        why: str | None = _UNSET,
        plan: Plan | Mapping[str, str] | None = _UNSET,
        visibility: Visibility = _UNSET,
    ) -> Goal:
        """Change how the owner describes and shares a goal; ``None`` clears why or plan.

        The measure changes through :meth:`renegotiate`; the time zone is fixed at creation
        because recorded progress is grouped by the goal's local days.
        """
        args: dict[str, JSONValue] = {}
        if title is not _UNSET:
            args["title"] = check_text(title, "title", required=True)
        if why is not _UNSET:
            args["why"] = check_text(why, "why", required=False)
        if plan is not _UNSET:
            checked = Plan.coerce(plan)
            args["plan"] = None if checked is None else checked.to_json()
        if visibility is not _UNSET:
            args["visibility"] = check_visibility(visibility)
        if not args:
            raise InvalidGoal("edit() needs at least one of title, why, plan, visibility")
        return self._change(goal_id, "goal.edit", by, args)

    def release(self, goal_id: str, *, by: str) -> Goal:
        """Let a goal go. A neutral, final state: nothing is lost and nothing "failed"."""
        return self._change(goal_id, "goal.release", by, {})

    # -- queries ----------------------------------------------------------------------------

    def get(self, goal_id: str) -> Goal:
        """The goal with its progress in the current period."""
        with self._core.store.reading() as session:
            state = _load(session, goal_id)
            return _views(session, [state], self._core.runtime.clock())[0]

    def list(self, owner: str, *, status: GoalStatus | str | None = None) -> builtins.list[Goal]:
        """The owner's goals, oldest first, each with its current progress."""
        _person(owner, "owner")
        wanted = None if status is None else _status(status)
        with self._core.store.reading() as session:
            return _views(session, session.goals(owner, wanted), self._core.runtime.clock())

    def progress(self, goal_id: str, *, at: datetime | None = None) -> Progress:
        """Progress in the period containing ``at`` (default: now)."""
        clock = self._core.runtime.clock
        instant = clock() if at is None else check_instant(at, "at", InvalidGoal)
        with self._core.store.reading() as session:
            state = _load(session, goal_id)
            return _views(session, [state], instant)[0].progress

    # -- internals --------------------------------------------------------------------------

    def _personal(
        self,
        owner: str,
        title: object,
        measure: Measure,
        why: object,
        plan: Plan | Mapping[str, str] | None,
        visibility: object,
        tz: str,
    ) -> dict[str, JSONValue]:
        _person(owner, "owner")
        zone(tz)
        checked_plan = Plan.coerce(plan)
        return {
            "title": check_text(title, "title", required=True),
            "measure": measure.to_json(),
            "why": check_text(why, "why", required=False),
            "plan": None if checked_plan is None else checked_plan.to_json(),
            "visibility": check_visibility(visibility),
            "tz": tz,
        }

    def _create(self, owner: str, args: dict[str, JSONValue], runtime: Runtime) -> Goal:
        args["goal"] = "g-" + uuid.uuid4().hex
        writer = self._core.writer
        at = runtime.clock()

        def work(session: Session) -> Goal:
            if not ConsentState(runtime.consent, session).allows(owner, Mechanic.GOALS):
                raise ConsentRequired(
                    f"{owner!r} has switched goals off; only they can switch it back on "
                    f"(kit.consent.set({owner!r}, 'goals', True, by={owner!r}))"
                )
            draft = command_draft("goal.create", owner, args, at, runtime.version)
            (entry,) = writer.append(session, [draft])
            state = apply_goal_command(None, "goal.create", owner, args, at, entry.seq)
            session.save_goal(state)
            return _views(session, [state], at)[0]

        return writer.run(work)

    def _change(self, goal_id: str, name: str, by: str, args: dict[str, JSONValue]) -> Goal:
        _person(by, "by")
        runtime, writer = self._core.runtime, self._core.writer
        at = runtime.clock()

        def work(session: Session) -> Goal:
            current = _load(session, goal_id)
            state = apply_goal_command(current, name, by, args, at)
            if state is not current:
                entry_args: dict[str, JSONValue] = {"goal": goal_id, **args}
                draft = command_draft(name, by, entry_args, at, runtime.version)
                writer.append(session, [draft])
                session.save_goal(state)
            return _views(session, [state], at)[0]

        return writer.run(work)


def _load(session: Session, goal_id: str) -> GoalState:
    state = session.goal(goal_id) if isinstance(goal_id, str) else None
    if state is None:
        raise UnknownGoal(
            f"no goal with id {goal_id!r}; list a person's goals with kit.goals.list(owner)"
        )
    return state


def _views(session: Session, states: Sequence[GoalState], at: datetime) -> list[Goal]:
    periods = {s.id: period_bounds(s.measure.per, local_day(at, s.tz)) for s in states}
    counts = period_counts(session, ((g, p) for g, p in periods.items() if p is not None))
    return [
        Goal.from_state(s, progress_from_days(s, p, 0 if p is None else counts[s.id, p]))
        for s in states
        for p in (periods[s.id],)
    ]


def export_goals(session: Session, owner: str, at: datetime) -> list[dict[str, JSONValue]]:
    """Every goal of ``owner``, in every state, as JSON-ready dicts (``kit.privacy.export``):
    what they chose, their progress in the period containing ``at`` and every day that
    counted, oldest goal first."""
    states = sorted(session.goals(owner), key=lambda g: (g.created_seq, g.id))
    days = session.goal_days([s.id for s in states])
    out: list[dict[str, JSONValue]] = []
    for goal in _views(session, states, at):
        p = goal.progress
        counted = sorted((d, n) for (g, d), n in days.items() if g == goal.id)
        out.append(
            {
                "id": goal.id,
                "title": goal.title,
                "status": goal.status.value,
                "template": goal.template_id,
                "measure": goal.measure.to_json(),
                "why": goal.why,
                "plan": None if goal.plan is None else goal.plan.to_json(),
                "visibility": goal.visibility,
                "tz": goal.tz,
                "created_at": format_instant(goal.created_at),
                "updated_at": format_instant(goal.updated_at),
                "created_seq": goal.created_seq,
                "total": goal.total,
                "progress": {
                    "count": p.count,
                    "target": p.target,
                    "per": p.per,
                    "period_start": None if p.period_start is None else p.period_start.isoformat(),
                    "period_end": None if p.period_end is None else p.period_end.isoformat(),
                    "reached": p.reached,
                },
                "days": [{"day": d.isoformat(), "count": n} for d, n in counted],
            }
        )
    return out


def _status(value: object) -> str:
    if isinstance(value, str) and value in {s.value for s in GoalStatus}:
        return GoalStatus(value).value
    allowed = ", ".join(s.value for s in GoalStatus)
    raise InvalidGoal(f"status must be one of {allowed}, got {value!r}")
