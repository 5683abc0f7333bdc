"""Replay: rebuild every person's projections from the journal under new rules.

The journal (and so the audit log) is only read. People are rebuilt in sorted order, a
batch of people per transaction; each transaction also moves the replay's cursor, so an
interrupted replay resumes after the last finished batch and nobody is rebuilt from a
half-written state. Rebuilding a person replaces their projections with a fold of all
their entries, which makes doing one twice harmless.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime

import attrs

from motivekit._consent import Mechanic
from motivekit._errors import InvalidInput, RulesVersionError
from motivekit._fold import Folded, Step, fold_person, target
from motivekit._time import Clock
from motivekit.goals._engine import local_day, period_bounds
from motivekit.goals._model import GoalState, GoalTemplate
from motivekit.store._protocol import ReplayState, Session, Store

__all__ = ["GoalDiff", "PersonDiff", "ReplayReport", "Replayer"]

Progress = Callable[[int, int], None]
"""Called as ``progress(done, total)`` after each batch of people."""

_PAGE = 10_000


@attrs.frozen
class GoalDiff:
    """How one goal's projection differs under the new rules."""

    goal: str
    title: str
    changes: tuple[str, ...]
    """Each change in words, e.g. ``target: 3 per week → 5 per week``."""


@attrs.frozen
class PersonDiff:
    """What changes for one person."""

    person: str
    goals: tuple[GoalDiff, ...]


@attrs.frozen
class ReplayReport:
    """What a replay did (or, in a dry run, would do)."""

    version: int
    dry_run: bool
    people: int
    """How many people were rebuilt (or compared) in this run."""
    resumed_after: str | None
    """The person an interrupted replay had reached, when this run resumed it."""
    changed: tuple[PersonDiff, ...]
    """The people whose projections changed (or would change), with what changed."""

    def lines(self) -> list[str]:
        """The report as text, one line per change."""
        verb = "would change" if self.dry_run else "changed"
        out = []
        for person in self.changed:
            for goal in person.goals:
                for change in goal.changes:
                    out.append(f"{person.person}: {goal.title} ({goal.goal}): {change}")
        resumed = f", resumed after {self.resumed_after!r}" if self.resumed_after else ""
        out.append(
            f"rules version {self.version}: {self.people} people replayed{resumed}; "
            f"{len(self.changed)} {verb}"
        )
        return out


class Replayer:
    """Rebuilds projections from the journal (see the module docstring)."""

    def __init__(self, store: Store, clock: Clock, defaults: Mapping[Mechanic, bool]) -> None:
        self._store = store
        self._clock = clock
        self._defaults = defaults

    def check_version(self, version: int) -> ReplayState | None:
        """The replay to resume (None: start afresh); refuse a version going backwards."""
        with self._store.reading() as session:
            state = session.replay_state()
        if state is not None and version < state.version:
            raise RulesVersionError(
                f"rules version {version} is older than version {state.version}, which "
                f"this database was already replayed under; give the new file version "
                f"{state.version} or higher"
            )
        if state is not None and state.version == version and state.finished_at is None:
            return state
        return None

    def run(
        self,
        templates: Iterable[GoalTemplate],
        version: int,
        *,
        dry_run: bool = False,
        progress: Progress | None = None,
        batch: int = 200,
    ) -> ReplayReport:
        """Replay every person under ``templates`` and record it as rules ``version``."""
        if isinstance(batch, bool) or not isinstance(batch, int) or batch < 1:
            raise InvalidInput(f"batch must be a whole number >= 1, got {batch!r}")
        menu = {t.id: t for t in templates}
        resume = self.check_version(version)
        if dry_run:
            resume = None  # a dry run always compares everyone
        now = self._clock()
        state = resume or ReplayState(version, None, 0, now, None)
        people = self._people(state.cursor)
        done, changed = 0, []
        for start in range(0, len(people), batch):
            chunk = people[start : start + batch]
            if dry_run:
                with self._store.reading() as session:
                    changed += [d for p in chunk if (d := self._person(session, p, menu, now))]
            else:
                with self._store.writing() as session:
                    for person in chunk:
                        diff = self._person(session, person, menu, now, write=True)
                        if diff is not None:
                            changed.append(diff)
                    state = attrs.evolve(
                        state, cursor=chunk[-1], people_done=state.people_done + len(chunk)
                    )
                    session.save_replay_state(state)
            done += len(chunk)
            if progress is not None:
                progress(done, len(people))
        if not dry_run:
            with self._store.writing() as session:
                session.save_replay_state(attrs.evolve(state, finished_at=self._clock()))
        resumed_after = None if resume is None else resume.cursor
        return ReplayReport(version, dry_run, done, resumed_after, tuple(changed))

    def trace(
        self, person: str, goal_id: str, templates: Iterable[GoalTemplate], now: datetime
    ) -> tuple[tuple[Step, ...], GoalDiff | None]:
        """The steps that shaped one goal, folded from the journal, and how the stored goal
        differs from that fold (None: it does not), read in one snapshot."""
        menu = {t.id: t for t in templates}
        with self._store.reading() as session:
            folded = fold_person(session.subject_entries(person), menu, self._defaults, trace=True)
            stored, days = session.goal(goal_id), session.goal_days([goal_id])
        steps = tuple(s for s in folded.steps if s.goal == goal_id)
        return steps, _goal_diff(goal_id, stored, days, folded, now)

    def _people(self, after: str | None) -> list[str]:
        people: list[str] = []
        with self._store.reading() as session:
            while page := session.subjects(after, _PAGE):
                people += page
                after = page[-1]
        return people

    def _person(
        self,
        session: Session,
        person: str,
        menu: Mapping[str, GoalTemplate],
        now: datetime,
        *,
        write: bool = False,
    ) -> PersonDiff | None:
        folded = fold_person(session.subject_entries(person), menu, self._defaults)
        stored = {g.id: g for g in session.goals(person)}
        stored_days = session.goal_days(list(stored))
        diffs = _diff(stored, stored_days, folded, now)
        if not diffs:
            return None
        if write:
            session.delete_goals(person)
            session.insert_goals(sorted(folded.goals.values(), key=lambda g: g.created_seq))
            session.add_goal_counts({}, {k: n for k, n in folded.days.items() if n})
        return PersonDiff(person, tuple(diffs))


def _diff(
    stored: Mapping[str, GoalState],
    stored_days: Mapping[tuple[str, date], int],
    folded: Folded,
    now: datetime,
) -> list[GoalDiff]:
    return [
        diff
        for goal_id in sorted(stored.keys() | folded.goals.keys())
        if (diff := _goal_diff(goal_id, stored.get(goal_id), stored_days, folded, now))
    ]


def _goal_diff(
    goal_id: str,
    before: GoalState | None,
    stored_days: Mapping[tuple[str, date], int],
    folded: Folded,
    now: datetime,
) -> GoalDiff | None:
    """How the stored goal ``goal_id`` differs from the fold (None: not at all)."""
    after = folded.goals.get(goal_id)
    if before is None or after is None:
        title = (before or after).title  # type: ignore[union-attr]
        what = "rebuilt from the journal" if before is None else "not in the journal"
        return GoalDiff(goal_id, title, (what,))
    changes = _goal_changes(before, after)
    days_before = {d: n for (g, d), n in stored_days.items() if g == goal_id}
    days_after = {d: n for (g, d), n in folded.days.items() if g == goal_id and n}
    if not changes and days_before == days_after:
        return None
    changes += _progress_change(before, after, days_before, days_after, now)
    return GoalDiff(goal_id, after.title, tuple(changes))


def _goal_changes(before: GoalState, after: GoalState) -> list[str]:
    changes = []
    if before.measure != after.measure:
        changes.append(f"target: {target(before.measure)} → {target(after.measure)}")
    if before.title != after.title:
        changes.append(f"title: {before.title!r} → {after.title!r}")
    if before.status != after.status:
        changes.append(f"status: {before.status.value} → {after.status.value}")
    if before.total != after.total:
        changes.append(f"counted in all: {before.total} → {after.total}")
    rest = [
        f.name
        for f in attrs.fields(GoalState)
        if f.name not in ("measure", "title", "status", "total")
        and getattr(before, f.name) != getattr(after, f.name)
    ]
    if rest:
        changes.append(f"also differs: {', '.join(rest)}")
    return changes


def _progress_change(
    before: GoalState,
    after: GoalState,
    days_before: Mapping[date, int],
    days_after: Mapping[date, int],
    now: datetime,
) -> list[str]:
    def current(goal: GoalState, days: Mapping[date, int]) -> tuple[str, int]:
        bounds = period_bounds(goal.measure.per, local_day(now, goal.tz))
        if bounds is None:
            return "in total", goal.total
        count = sum(n for d, n in days.items() if bounds[0] <= d < bounds[1])
        return f"this {goal.measure.per}", count

    label, old = current(before, days_before)
    _, new = current(after, days_after)
    out = []
    if (old, before.measure.count) != (new, after.measure.count):
        out.append(f"{label}: {old}/{before.measure.count} → {new}/{after.measure.count}")
    changed_days = sum(
        1
        for d in days_before.keys() | days_after.keys()
        if days_before.get(d, 0) != days_after.get(d, 0)
    )
    if changed_days:
        out.append(f"progress differs on {changed_days} day(s)")
    return out
