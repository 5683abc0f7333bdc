"""Replay: rebuild every projection from the journal under new rules.

The journal (and so the audit log) is only read. Two passes, each a feature's fold:

1. **People, for goals.** A person's goals depend only on entries about them, so people are
   rebuilt in sorted order, a batch of people per transaction; each transaction also moves
   the replay's cursor, so an interrupted replay resumes after the last finished batch and
   nobody is rebuilt from a half-written state. Rebuilding replaces a person's goals with a
   fold of all their entries, which makes doing one twice harmless.
2. **The journal in order, for skills and impact.** Learned item difficulties and who built
   on whose work depend on everyone's entries in order, so those tables are cleared and
   refilled a batch of entries per transaction, each moving ``mastery_seq``; the batch that
   reaches the end of the journal marks the replay finished in the same transaction. Until
   then live recording leaves these projections to this pass (every new entry is in the
   journal it reads), so nothing is applied twice or missed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime

import attrs

from motivekit._consent import ConsentState
from motivekit._errors import InvalidInput, RulesVersionError
from motivekit._evidence import ConsentChoice, decode, journal_pages
from motivekit._runtime import Core, Runtime
from motivekit.goals._rebuild import GoalDiff, rebuild_person
from motivekit.impact._fold import ImpactFold, read_steps
from motivekit.impact._fold import apply_steps as apply_impact_steps
from motivekit.impact._rebuild import ImpactCounts, impact_counts, impact_diffs, mission_diffs
from motivekit.mastery._fold import SkillFold, fold_entries, read_entries
from motivekit.mastery._fold import apply_steps as apply_skill_steps
from motivekit.mastery._rebuild import SkillDiff, skill_diffs, stored_skills
from motivekit.store._protocol import ReplayState, Session, StoredSkill

__all__ = ["GoalDiff", "PersonDiff", "Progress", "ReplayReport", "Replayer", "SkillDiff"]

Progress = Callable[[int, int], None]
"""Called as ``progress(done, total)`` after each batch of people."""

_PAGE = 10_000
_ENTRIES = 5_000
"""Journal entries folded per transaction when skill and impact states are rebuilt."""
_Skills = Mapping[tuple[str, str], StoredSkill]
_Rebuilt = tuple[_Skills, _Skills, ImpactCounts, ImpactCounts]
"""Skill states before and after, impact before and after."""


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

    def __init__(self, core: Core) -> None:
        self._core = core
        self._store = core.store

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
        runtime: Runtime,
        *,
        dry_run: bool = False,
        progress: Progress | None = None,
        batch: int = 200,
    ) -> ReplayReport:
        """Replay every person under ``runtime`` and record it as its rules version."""
        if isinstance(batch, bool) or not isinstance(batch, int) or batch < 1:
            raise InvalidInput(f"batch must be a whole number >= 1, got {batch!r}")
        version = runtime.version
        resume = self.check_version(version)
        if dry_run:
            resume = None  # a dry run always compares everyone
        now = runtime.clock()
        state = resume or ReplayState(version, None, 0, now, None)
        people = self._people(state.cursor)
        done, changed = 0, []
        for start in range(0, len(people), batch):
            chunk = people[start : start + batch]
            if dry_run:
                with self._store.reading() as session:
                    changed += [d for p in chunk if (d := _person(session, runtime, p, now))]
            else:
                with self._store.writing() as session:
                    for person in chunk:
                        diff = _person(session, runtime, person, now, write=True)
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
            before, after, impact_before, impact_after = self._compare(runtime)
        else:
            before, after, impact_before, impact_after = self._rebuild_in_order(runtime, state)
        skills = skill_diffs(before, after, runtime.tracks.all)
        impact_people = impact_diffs(impact_before[0], impact_after[0])
        missions = mission_diffs(impact_before[1], impact_after[1])
        resumed_after = None if resume is None else resume.cursor
        return ReplayReport(
            version, dry_run, done, resumed_after, _merge(changed, skills, impact_people), missions
        )

    # -- skills and impact, in journal order ------------------------------------------------

    def _rebuild_in_order(self, runtime: Runtime, state: ReplayState) -> _Rebuilt:
        """Rebuild skill, item and impact states from the journal, in journal order (see
        the module docstring). Milestone entries are read, never written."""
        tracks, spec = runtime.tracks, runtime.impact
        consent = ConsentState(runtime.consent)
        impact_consent = ConsentState(runtime.consent)
        before: dict[tuple[str, str], StoredSkill] | None = None
        impact_before: ImpactCounts = ({}, {})
        if state.mastery_seq is None:
            before = self._all_skills()
            with self._store.writing() as session:
                impact_before = impact_counts(session, spec)
                session.clear_mastery()
                session.clear_impact()
                state = attrs.evolve(state, mastery_seq=0)
                session.save_replay_state(state)
        else:  # resuming: who had switched mastery or impact off, where the fold stopped
            self._consent_until([consent, impact_consent], state.mastery_seq)
        after = state.mastery_seq or 0
        busy = bool(tracks.all or spec.kinds)
        while True:
            # Entries never change once written: read and evaluate them outside the write
            # lock, so writers in other processes get in between batches.
            entries = []
            if busy:
                with self._store.reading() as session:
                    entries = session.entries(after, _ENTRIES)
            fold = SkillFold(tracks)
            steps = read_entries(fold, entries)
            impact_steps = read_steps(spec, entries)
            with self._store.writing() as session:
                apply_skill_steps(fold, steps, consent, session)
                fold.save(session)
                if impact_steps:
                    folded = _impact_fold(runtime, session, impact_consent, session)
                    apply_impact_steps(folded, impact_steps)
                    folded.save(session)
                after = entries[-1].seq if entries else after
                # Finished only when nothing was written since: checked under the lock.
                done = not busy or session.journal_size() == after
                state = attrs.evolve(
                    state, mastery_seq=after, finished_at=runtime.clock() if done else None
                )
                session.save_replay_state(state)
            if done:
                break
        if before is None:  # resumed: what was stored before is gone
            return {}, {}, ({}, {}), ({}, {})
        with self._store.reading() as session:
            impact_after = impact_counts(session, spec)
        return before, self._all_skills(), impact_before, impact_after

    def _compare(self, runtime: Runtime) -> _Rebuilt:
        """The stored skill and impact states, and what a rebuild would give (in memory)."""
        tracks, spec = runtime.tracks, runtime.impact
        fold = SkillFold(tracks)
        consent = ConsentState(runtime.consent)
        impact_consent = ConsentState(runtime.consent)
        with self._store.reading() as session:
            folded = _impact_fold(runtime, None, impact_consent, session)
            for entries in journal_pages(session) if tracks.all or spec.kinds else ():
                fold_entries(fold, entries, consent)
                apply_impact_steps(folded, read_steps(spec, entries))
            stored = stored_skills(session)
            impact_before = impact_counts(session, spec)
        missions = {m.id: folded.mission(m.id).total for m in spec.missions}
        return stored, fold.stored(), impact_before, (dict(folded.item_counts), missions)

    def _consent_until(self, states: Sequence[ConsentState], seq: int) -> None:
        with self._store.reading() as session:
            for entries in journal_pages(session, until=seq):
                for entry in entries:
                    if entry.type == "command" and entry.name == "consent.set":
                        choice = decode(entry)
                        if isinstance(choice, ConsentChoice):
                            for state in states:
                                state.note(choice)

    def _all_skills(self) -> dict[tuple[str, str], StoredSkill]:
        with self._store.reading() as session:
            return stored_skills(session)

    def _people(self, after: str | None) -> list[str]:
        people: list[str] = []
        with self._store.reading() as session:
            while page := session.subjects(after, _PAGE):
                people += page
                after = page[-1]
        return people


def _impact_fold(
    runtime: Runtime, into: Session | None, consent: ConsentState, session: Session
) -> ImpactFold:
    """A fold of impact into ``into`` (None: memory only), with the host's identity links
    and the forgotten people read from ``session``."""
    return ImpactFold(
        runtime.impact,
        into,
        consent=consent,
        links=session.identity_groups,
        forgotten=session.forgotten,
    )


def _person(
    session: Session, runtime: Runtime, person: str, now: datetime, *, write: bool = False
) -> PersonDiff | None:
    diffs = rebuild_person(session, person, runtime.menu, runtime.consent, now, write=write)
    return PersonDiff(person, diffs) if diffs else None


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
