"""Replay: rebuild every person's projections from the journal under new rules.

The journal (and so the audit log) is only read. People are rebuilt in sorted order, a
batch of people per transaction; each transaction also moves the replay's cursor, so an
interrupted replay resumes after the last finished batch and nobody is rebuilt from a
half-written state. Rebuilding a person replaces their projections with a fold of all
their entries, which makes doing one twice harmless.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import date, datetime

import attrs

from motivekit._canonical import loads
from motivekit._consent import Mechanic
from motivekit._errors import InvalidInput, RulesVersionError
from motivekit._fold import Folded, Step, fold_person, target
from motivekit._impact_fold import ImpactFold
from motivekit._mastery_fold import (
    ConsentTrail,
    EvidenceEvent,
    SkillFold,
    SkillStep,
    apply_steps,
    decode,
    fold_entries,
    learner_of,
    read_entries,
)
from motivekit._time import Clock
from motivekit.goals._engine import local_day, period_bounds
from motivekit.goals._model import GoalState, GoalTemplate
from motivekit.impact._spec import ImpactSpec, Reading
from motivekit.mastery._track import SkillTrack
from motivekit.store._protocol import ReplayState, Session, Store, StoredEntry, StoredSkill

__all__ = ["GoalDiff", "PersonDiff", "ReplayReport", "Replayer", "SkillDiff"]

Progress = Callable[[int, int], None]
"""Called as ``progress(done, total)`` after each batch of people."""

_PAGE = 10_000
_ENTRIES = 5_000
"""Journal entries folded per transaction when skill states are rebuilt."""
_SkillMap = Mapping[tuple[str, str], StoredSkill]
_Skills = tuple[_SkillMap, _SkillMap]
_Impact = tuple[Mapping[str, int], Mapping[str, int]]
"""Impact items per recipient, and each mission's total."""
_Rebuilt = tuple[_SkillMap, _SkillMap, _Impact, _Impact]
"""Skill states before and after, impact before and after."""
_ImpactStep = tuple[EvidenceEvent, Reading] | tuple[str, str, bool] | tuple[str, int]


@attrs.frozen
class GoalDiff:
    """How one goal's projection differs under the new rules."""

    goal: str
    title: str
    changes: tuple[str, ...]
    """Each change in words, e.g. ``target: 3 per week → 5 per week``."""


@attrs.frozen
class SkillDiff:
    """How one person's skill on one track differs under the new rules."""

    track: str
    title: str
    changes: tuple[str, ...]
    """Each change in words, e.g. ``level: Practising → Fluent``."""


@attrs.frozen
class PersonDiff:
    """What changes for one person."""

    person: str
    goals: tuple[GoalDiff, ...]
    skills: tuple[SkillDiff, ...] = ()
    impact: tuple[str, ...] = ()
    """How their impact feed changes in words, e.g. ``impact items: 3 → 5``."""


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
    missions: tuple[str, ...] = ()
    """How collective missions change, e.g. ``mission handbook: 120 → 118``."""

    def lines(self) -> list[str]:
        """The report as text, one line per change."""
        verb = "would change" if self.dry_run else "changed"
        out = []
        for person in self.changed:
            for goal in person.goals:
                for change in goal.changes:
                    out.append(f"{person.person}: {goal.title} ({goal.goal}): {change}")
            for skill in person.skills:
                for change in skill.changes:
                    out.append(f"{person.person}: {skill.title} (track {skill.track}): {change}")
            out += [f"{person.person}: {change}" for change in person.impact]
        out += list(self.missions)
        resumed = f", resumed after {self.resumed_after!r}" if self.resumed_after else ""
        out.append(
            f"rules version {self.version}: {self.people} "
            f"{'person' if self.people == 1 else 'people'} replayed{resumed}; "
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
        tracks: Sequence[SkillTrack],
        impact: ImpactSpec,
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
        if dry_run:
            before, after, impact_before, impact_after = self._compare(tracks, impact)
        else:
            before, after, impact_before, impact_after = self._rebuild_in_order(
                tracks, impact, state
            )
        skills = _skill_diffs(before, after, tracks)
        impact_people = _impact_diffs(impact_before[0], impact_after[0])
        missions = _mission_diffs(impact_before[1], impact_after[1])
        resumed_after = None if resume is None else resume.cursor
        return ReplayReport(
            version, dry_run, done, resumed_after, _merge(changed, skills, impact_people), missions
        )

    # -- skills -----------------------------------------------------------------------------

    def _rebuild_in_order(
        self, tracks: Sequence[SkillTrack], impact: ImpactSpec, state: ReplayState
    ) -> _Rebuilt:
        """Rebuild skill, item and impact states from the journal, in journal order.

        These depend on everyone's entries in order (learned item difficulties, who built
        on whose work), so they are not rebuilt person by person: the tables are cleared,
        then refilled a batch of entries per transaction, each also moving
        ``mastery_seq``; the batch that reaches the end of the journal marks the replay
        finished in the same transaction. Until then the live pipeline leaves these
        projections to this fold (every new entry is in the journal it reads), so nothing
        is applied twice or missed. Milestone entries are read, never written.
        """
        consent = ConsentTrail(self._defaults[Mechanic.MASTERY])
        impact_consent = ConsentTrail(self._defaults[Mechanic.IMPACT], Mechanic.IMPACT)
        before: dict[tuple[str, str], StoredSkill] | None = None
        impact_before: _Impact = ({}, {})
        if state.mastery_seq is None:
            before = self._all_skills()
            with self._store.writing() as session:
                impact_before = _impact_state(session, impact)
                session.clear_mastery()
                session.clear_impact()
                state = attrs.evolve(state, mastery_seq=0)
                session.save_replay_state(state)
        else:  # resuming: who had switched mastery or impact off, where the fold stopped
            self._consent_until([consent, impact_consent], state.mastery_seq)
        after = state.mastery_seq or 0
        busy = bool(tracks or impact.kinds)
        while True:
            # Entries never change once written: read and evaluate them outside the write
            # lock, so writers in other processes get in between batches.
            entries = []
            if busy:
                with self._store.reading() as session:
                    entries = session.entries(after, _ENTRIES)
            fold = SkillFold(tracks)
            steps = read_entries(fold, entries)
            impact_steps = _impact_steps(impact, entries)
            with self._store.writing() as session:
                apply_steps(fold, steps, consent, session)
                fold.save(session)
                if impact_steps:
                    folded = ImpactFold(
                        impact,
                        session,
                        consent=impact_consent.lookup,
                        links=session.identity_groups,
                        forgotten=session.forgotten,
                    )
                    _apply_impact(folded, impact_steps, impact_consent)
                    folded.save(session)
                after = entries[-1].seq if entries else after
                # Finished only when nothing was written since: checked under the lock.
                done = not busy or session.journal_size() == after
                state = attrs.evolve(
                    state, mastery_seq=after, finished_at=self._clock() if done else None
                )
                session.save_replay_state(state)
            if done:
                break
        if before is None:  # resumed: what was stored before is gone
            return {}, {}, ({}, {}), ({}, {})
        with self._store.reading() as session:
            impact_after = _impact_state(session, impact)
        return before, self._all_skills(), impact_before, impact_after

    def _compare(self, tracks: Sequence[SkillTrack], impact: ImpactSpec) -> _Rebuilt:
        """The stored skill and impact states, and what a rebuild would give (in memory)."""
        fold = SkillFold(tracks)
        consent = ConsentTrail(self._defaults[Mechanic.MASTERY])
        impact_consent = ConsentTrail(self._defaults[Mechanic.IMPACT], Mechanic.IMPACT)
        with self._store.reading() as session:
            folded = ImpactFold(
                impact,
                None,
                consent=impact_consent.lookup,
                links=session.identity_groups,
                forgotten=session.forgotten,
            )
            for entries in _journal(session) if tracks or impact.kinds else ():
                fold_entries(fold, entries, consent)
                _apply_impact(folded, _impact_steps(impact, entries), impact_consent)
            stored = _skills_in(session)
            impact_before = _impact_state(session, impact)
        missions = {m.id: folded.mission(m.id).total for m in impact.missions}
        return stored, fold.skills, impact_before, (dict(folded.item_counts), missions)

    def _consent_until(self, trails: Sequence[ConsentTrail], seq: int) -> None:
        with self._store.reading() as session:
            for entries in _journal(session, until=seq):
                for entry in entries:
                    if entry.type == "command" and entry.name == "consent.set":
                        choice = decode(entry)
                        if isinstance(choice, tuple):
                            for trail in trails:
                                trail.note(choice)

    def _all_skills(self) -> dict[tuple[str, str], StoredSkill]:
        with self._store.reading() as session:
            return _skills_in(session)

    def trace_skill(
        self, person: str, track: SkillTrack
    ) -> tuple[tuple[SkillStep, ...], StoredSkill | None, bool]:
        """The evidence that shaped one person's skill, folded from the journal, the
        folded state, and whether the stored state differs from it (one snapshot).

        A track that learns item difficulties is folded over everyone's entries (they
        move the items); other tracks over the person's own entries.
        """
        fold = SkillFold([track], trace=(person, track.id))
        consent = ConsentTrail(self._defaults[Mechanic.MASTERY])
        with self._store.reading() as session:
            if track.learns_items:
                for entries in _journal(session):
                    fold_entries(fold, entries, consent)
            else:
                fold_entries(fold, session.subject_entries(person), consent)
            stored = session.skills([(person, track.id)]).get((person, track.id))
        folded = fold.skills.get((person, track.id))
        return tuple(fold.steps), folded, _skill_changes(stored, folded, track) != []

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


def _journal(session: Session, until: int | None = None) -> Iterator[list[StoredEntry]]:
    """The journal in batches of ``_ENTRIES`` entries, oldest first (up to seq ``until``)."""
    after = 0
    while (until is None or after < until) and (entries := session.entries(after, _ENTRIES)):
        if until is not None:
            entries = [e for e in entries if e.seq <= until]
        yield entries
        after = entries[-1].seq


def _skills_in(session: Session) -> dict[tuple[str, str], StoredSkill]:
    found: dict[tuple[str, str], StoredSkill] = {}
    after: tuple[str, str] | None = None
    while page := session.all_skills(after, _PAGE):
        found.update(((s.user, s.track), s) for s in page)
        after = page[-1].user, page[-1].track
    return found


def _skill_diffs(
    before: Mapping[tuple[str, str], StoredSkill],
    after: Mapping[tuple[str, str], StoredSkill],
    tracks: Sequence[SkillTrack],
) -> dict[str, list[SkillDiff]]:
    """Per person, how their stored skills differ from the rebuilt ones."""
    by_id = {t.id: t for t in tracks}
    out: dict[str, list[SkillDiff]] = {}
    for key in sorted(before.keys() | after.keys()):
        user, track_id = key
        track = by_id.get(track_id)
        if track is None:
            diff = SkillDiff(track_id, track_id, ("removed: the track is no longer in the rules",))
        else:
            changes = _skill_changes(before.get(key), after.get(key), track)
            if not changes:
                continue
            diff = SkillDiff(track_id, track.title, tuple(changes))
        out.setdefault(user, []).append(diff)
    return out


def _skill_changes(
    before: StoredSkill | None, after: StoredSkill | None, track: SkillTrack
) -> list[str]:
    """How a stored skill differs from a folded one, in words ([] when equal)."""
    if before == after:
        return []
    if before is None:
        return ["rebuilt from the journal"]
    if after is None:
        return ["no evidence in the journal under these rules"]
    changes = []
    if before.level != after.level:
        changes.append(f"level: {before.level or 'none yet'} → {after.level or 'none yet'}")
    old, new = learner_of(track, before), learner_of(track, after)
    est_before, est_after = track.model.estimate(old), track.model.estimate(new)
    if f"{est_before:.2f}" != f"{est_after:.2f}":
        changes.append(f"estimate: {est_before:.2f} → {est_after:.2f}")
    if before.evidence != after.evidence:
        changes.append(f"evidence: {before.evidence} → {after.evidence}")
    if not changes:
        changes.append("the estimate differs in its last digits")
    return changes


def _merge(
    goals: Sequence[PersonDiff],
    skills: Mapping[str, Sequence[SkillDiff]],
    impact: Mapping[str, Sequence[str]],
) -> tuple[PersonDiff, ...]:
    people = {p.person: p for p in goals}
    for person, diffs in skills.items():
        known = people.get(person)
        goal_diffs = () if known is None else known.goals
        people[person] = PersonDiff(person, goal_diffs, tuple(diffs))
    for person, changes in impact.items():
        known = people.get(person) or PersonDiff(person, ())
        people[person] = attrs.evolve(known, impact=tuple(changes))
    return tuple(people[p] for p in sorted(people))


def _impact_steps(impact: ImpactSpec, entries: Iterable[StoredEntry]) -> list[_ImpactStep]:
    """What each entry means for impact: an event's reading, an impact consent choice, or
    a milestone entry ``(mission, milestone)``. Pure: done outside the write lock."""
    steps: list[_ImpactStep] = []
    if not impact.kinds:
        return steps
    for entry in entries:
        if entry.type == "milestone":
            payload = loads(entry.raw)
            assert isinstance(payload, dict)
            steps.append((str(payload["mission"]), int(payload["milestone"])))
            continue
        if entry.type == "event" and entry.name not in impact.kinds:
            continue
        decoded = decode(entry)
        if isinstance(decoded, EvidenceEvent):
            reading = impact.read(decoded.kind, decoded.actor, decoded.at, decoded.data)
            if reading:
                steps.append((decoded, reading))
        elif decoded is not None and decoded[1] == Mechanic.IMPACT.value:
            steps.append(decoded)
    return steps


def _apply_impact(fold: ImpactFold, steps: Iterable[_ImpactStep], consent: ConsentTrail) -> None:
    for step in steps:
        if len(step) == 3:
            consent.note(step)
            fold.note_consent(step[0], bool(step[2]))
        elif isinstance(step[0], EvidenceEvent):
            fold.apply(step[0], step[1])
        else:
            fold.announced(step[0], step[1])


def _impact_state(session: Session, impact: ImpactSpec) -> _Impact:
    stored = session.missions([m.id for m in impact.missions])
    return session.impact_counts(), {
        m.id: stored[m.id].total for m in impact.missions if m.id in stored
    }


def _impact_diffs(before: Mapping[str, int], after: Mapping[str, int]) -> dict[str, list[str]]:
    return {
        person: [f"impact items: {before.get(person, 0)} → {after.get(person, 0)}"]
        for person in sorted(before.keys() | after.keys())
        if before.get(person, 0) != after.get(person, 0)
    }


def _mission_diffs(before: Mapping[str, int], after: Mapping[str, int]) -> tuple[str, ...]:
    return tuple(
        f"mission {m}: {before.get(m, 0)} → {after.get(m, 0)}"
        for m in sorted(before.keys() | after.keys())
        if before.get(m, 0) != after.get(m, 0)
    )


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
