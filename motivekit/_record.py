"""The record pipeline: validate → dedupe → each feature's fold → journal + projections.

Everything is checked and encoded before the store is touched. Then, in one transaction:
the event ids already recorded are looked up (a duplicate changes nothing), the new
entries are appended to the journal, and each feature's fold (goals, mastery, impact)
loads the rows the batch touches, applies the events in journal order and writes what
changed. Consent is read once for the batch (``motivekit._consent.ConsentState``) and
shared by the folds. Everything a call needs of the rules it reads from one runtime.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from motivekit._consent import ConsentState, Mechanic
from motivekit._entries import Draft, event_draft, milestone_draft
from motivekit._errors import InvalidEvent
from motivekit._evidence import EvidenceEvent
from motivekit._model import Event, GoalChange, ImpactChange, MissionChange, Outcome, SkillChange
from motivekit._runtime import Core, Runtime
from motivekit._time import format_instant
from motivekit.audit._log import LogWriter
from motivekit.goals._fold import GoalFold
from motivekit.impact._fold import ImpactFold, ImpactStep
from motivekit.mastery._fold import SkillFold
from motivekit.store._protocol import Session

__all__ = ["Recorder"]

_Impact = tuple[tuple[ImpactChange, ...], tuple[MissionChange, ...]]
_Read = dict[int, EvidenceEvent]
_Folded = tuple[dict[int, list[GoalChange]], dict[int, list[SkillChange]], dict[int, _Impact]]


class Recorder:
    """Records host events into a store; one transaction per call."""

    def __init__(self, core: Core) -> None:
        self._core = core

    def record(self, events: Sequence[Event]) -> list[Outcome]:
        """Record ``events`` in one transaction and say what each one changed."""
        runtime = self._core.runtime
        recorded_at = runtime.clock()
        drafts = _drafts(events, recorded_at, runtime)
        writer = self._core.writer

        def work(session: Session) -> tuple[Mapping[str, int], dict[str, int], _Read, _Folded]:
            known = session.known_events([e.id for e in events])
            first_index: dict[str, int] = {}
            fresh: list[int] = []
            for i, event in enumerate(events):
                if event.id not in known and event.id not in first_index:
                    first_index[event.id] = i
                    fresh.append(i)
            stored = writer.append(session, [drafts[i] for i in fresh])
            read = {
                i: EvidenceEvent(
                    entry.seq,
                    events[i].kind,
                    events[i].actor,
                    events[i].at or recorded_at,
                    events[i].data,
                    runtime.version,
                )
                for i, entry in zip(fresh, stored, strict=True)
            }
            return known, first_index, read, self._fold(session, runtime, read, recorded_at)

        # Run again whole if it lost a race with another writer: nothing of it was kept.
        known, first_index, read, (goals, skills, impact) = writer.run(work)
        outcomes = []
        for i, event in enumerate(events):
            if i in read:
                outcomes.append(
                    Outcome(
                        event.id,
                        False,
                        read[i].seq,
                        tuple(goals.get(i, ())),
                        tuple(skills.get(i, ())),
                        *impact.get(i, ((), ())),
                    )
                )
            else:
                seq = known.get(event.id) or read[first_index[event.id]].seq
                outcomes.append(Outcome(event.id, True, seq))
        return outcomes

    def _fold(
        self,
        session: Session,
        runtime: Runtime,
        read: Mapping[int, EvidenceEvent],
        now: datetime,
    ) -> _Folded:
        """Run each feature's fold over the batch's new events, in journal order."""
        if not read:
            return {}, {}, {}
        consent = ConsentState(runtime.consent, session)
        goal_fold = GoalFold(runtime.menu, consent)
        owners = goal_fold.watch(session, read.values())
        by_kind, kinds = runtime.tracks.by_kind, runtime.impact.kinds
        evidence = {i: e for i, e in read.items() if e.kind in by_kind} if by_kind else {}
        # While a replay rebuilds skills and impact in journal order, it folds the new
        # entries too: live recording leaves them to it.
        ordered = bool(evidence) or (bool(kinds) and any(e.kind in kinds for e in read.values()))
        if ordered and _rebuilding(session):
            evidence, ordered = {}, False
        # The people whose consent the batch needs, read in one query.
        consent.load(owners | {e.actor for e in evidence.values()})
        goals = {}
        if owners:  # some event counts for a goal
            goals = {i: changes for i, e in read.items() if (changes := goal_fold.count(e))}
            goal_fold.save(session)
        skills = _fold_skills(session, runtime, consent, evidence) if evidence else {}
        impact = {}
        if ordered:
            impact = _fold_impact(session, self._core.writer, runtime, consent, read, now)
        return goals, skills, impact


def _drafts(events: Sequence[Event], recorded_at: datetime, runtime: Runtime) -> list[Draft]:
    drafts = []
    recorded = format_instant(recorded_at)
    for i, event in enumerate(events):
        if not isinstance(event, Event):
            raise InvalidEvent(
                f"events[{i}] is a {type(event).__name__}; pass motivekit.Event objects, "
                f"e.g. Event(id='ev-1', kind='review.submitted', actor='ada')"
            )
        drafts.append(
            event_draft(event, recorded_at, runtime.version, runtime.max_event_bytes, recorded)
        )
    return drafts


def _rebuilding(session: Session) -> bool:
    """Whether a replay is rebuilding skill and impact states (see ``motivekit._replay``)."""
    replay = session.replay_state()
    return replay is not None and replay.finished_at is None and replay.mastery_seq is not None


def _fold_skills(
    session: Session,
    runtime: Runtime,
    consent: ConsentState,
    evidence: Mapping[int, EvidenceEvent],
) -> dict[int, list[SkillChange]]:
    fold = SkillFold(runtime.tracks)
    read = [
        (i, event, track, reading)
        for i, event in evidence.items()
        if consent.allows(event.actor, Mechanic.MASTERY)
        for track, reading in fold.readings(event)
    ]
    fold.load(session, [(event, track, reading) for _, event, track, reading in read])
    changes: dict[int, list[SkillChange]] = {}
    for i, event, track, reading in read:
        change = fold.apply(event, track, reading)
        if change is not None:
            changes.setdefault(i, []).append(change)
    fold.save(session)
    return changes


def _fold_impact(
    session: Session,
    writer: LogWriter,
    runtime: Runtime,
    consent: ConsentState,
    read: Mapping[int, EvidenceEvent],
    now: datetime,
) -> dict[int, _Impact]:
    spec = runtime.impact
    touched = {i: e for i, e in read.items() if e.kind in spec.kinds}
    if not touched:
        return {}
    fold = ImpactFold(
        spec,
        session,
        consent=consent,
        links=session.identity_groups,
        forgotten=session.forgotten,
    )
    # The whole batch in one call: the fold reads what it needs in a few set-wise reads.
    steps: list[ImpactStep] = [
        (event, spec.read(event.kind, event.actor, event.at, event.data))
        for event in touched.values()
    ]
    out = {
        i: (tuple(changes), tuple(missions))
        for i, (changes, missions) in zip(touched, fold.apply_all(steps), strict=True)
    }
    reached = fold.unannounced()
    if reached:
        drafts = [milestone_draft(m, n, now, runtime.version) for m, n in reached]
        writer.append(session, drafts)  # in the batch's transaction
        for mission, milestone in reached:
            fold.announced(mission, milestone)
    fold.save(session)
    return out
