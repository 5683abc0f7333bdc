"""The record pipeline: validate → dedupe → goals and skills → journal + projections, atomically."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Collection, Mapping, Sequence
from datetime import date, datetime

import attrs

from motivekit._consent import Mechanic, switched_on
from motivekit._entries import Draft, event_draft, milestone_draft
from motivekit._errors import InvalidEvent
from motivekit._impact_fold import ImpactFold
from motivekit._mastery_fold import EvidenceEvent, SkillFold, index_by_kind
from motivekit._model import Event, GoalChange, ImpactChange, MissionChange, Outcome, SkillChange
from motivekit._progress import Period, period_counts
from motivekit._time import Clock
from motivekit.audit._log import LogWriter
from motivekit.goals._engine import counted_day, period_bounds
from motivekit.goals._model import GoalState
from motivekit.impact._spec import ImpactSpec
from motivekit.mastery._track import SkillTrack
from motivekit.store._protocol import Session, Store

__all__ = ["Recorder"]


@attrs.frozen
class Recorder:
    """Records host events into a store; one transaction per call."""

    store: Store
    writer: LogWriter
    clock: Clock
    defaults: Mapping[Mechanic, bool]
    rules_version: int
    max_event_bytes: int
    tracks: tuple[SkillTrack, ...] = ()
    impact: ImpactSpec = attrs.field(factory=ImpactSpec)
    by_kind: Mapping[str, tuple[SkillTrack, ...]] = attrs.field(init=False)
    """The tracks each event kind is evidence for, built once (not on every record)."""

    @by_kind.default
    def _index(self) -> Mapping[str, tuple[SkillTrack, ...]]:
        return index_by_kind(self.tracks)

    def record(self, events: Sequence[Event]) -> list[Outcome]:
        """Record ``events`` in one transaction and say what each one changed."""
        recorded_at = self.clock()
        drafts = self._drafts(events, recorded_at)
        with self.writer.transaction() as session:
            known = session.known_events([e.id for e in events])
            first_index: dict[str, int] = {}
            fresh: list[int] = []
            for i, event in enumerate(events):
                if event.id not in known and event.id not in first_index:
                    first_index[event.id] = i
                    fresh.append(i)
            stored = self.writer.append(session, [drafts[i] for i in fresh])
            seqs = {i: entry.seq for i, entry in zip(fresh, stored, strict=True)}
            changes = self._fold_goals(session, events, fresh, recorded_at)
            # While a replay rebuilds skills and impact in journal order, it folds the new
            # entries too: live recording leaves them to it.
            ordered = any(
                events[i].kind in self.by_kind or events[i].kind in self.impact.kinds for i in seqs
            )
            if ordered and not self._rebuilding(session):
                skills = self._fold_skills(session, events, seqs, recorded_at)
                impact = self._fold_impact(session, events, seqs, recorded_at)
            else:
                skills, impact = {}, {}
        outcomes = []
        for i, event in enumerate(events):
            if i in seqs:
                outcomes.append(
                    Outcome(
                        event.id,
                        False,
                        seqs[i],
                        tuple(changes.get(i, ())),
                        tuple(skills.get(i, ())),
                        *impact.get(i, ((), ())),
                    )
                )
            else:
                seq = known.get(event.id) or seqs[first_index[event.id]]
                outcomes.append(Outcome(event.id, True, seq))
        return outcomes

    def _drafts(self, events: Sequence[Event], recorded_at: datetime) -> list[Draft]:
        # Everything is checked and encoded before the store is touched.
        drafts = []
        for i, event in enumerate(events):
            if not isinstance(event, Event):
                raise InvalidEvent(
                    f"events[{i}] is a {type(event).__name__}; pass motivekit.Event objects, "
                    f"e.g. Event(id='ev-1', kind='review.submitted', actor='ada')"
                )
            drafts.append(event_draft(event, recorded_at, self.rules_version, self.max_event_bytes))
        return drafts

    def _fold_skills(
        self, session: Session, events: Sequence[Event], seqs: Mapping[int, int], now: datetime
    ) -> dict[int, list[SkillChange]]:
        evidence = [
            (i, event) for i, event in enumerate(events) if i in seqs and event.kind in self.by_kind
        ]
        if not evidence:
            return {}
        actors = {event.actor for _, event in evidence}
        default = self.defaults[Mechanic.MASTERY]
        allowed = switched_on(session.consents(actors), actors, Mechanic.MASTERY, default)
        fold = SkillFold(self.tracks, by_kind=self.by_kind)
        read = []
        for i, event in evidence:
            if not allowed[event.actor]:
                continue
            ev = EvidenceEvent(seqs[i], event.kind, event.actor, event.at or now, event.data)
            read += [(i, ev, track, reading) for track, reading in fold.readings(ev)]
        fold.load(session, [(ev, track, reading) for _, ev, track, reading in read])
        changes: dict[int, list[SkillChange]] = defaultdict(list)
        for i, ev, track, reading in read:
            change = fold.apply(ev, track, reading)
            if change is not None:
                changes[i].append(change)
        fold.save(session)
        return changes

    def _fold_impact(
        self, session: Session, events: Sequence[Event], seqs: Mapping[int, int], now: datetime
    ) -> dict[int, tuple[tuple[ImpactChange, ...], tuple[MissionChange, ...]]]:
        kinds = self.impact.kinds
        touched = [(i, e) for i, e in enumerate(events) if i in seqs and e.kind in kinds]
        if not touched:
            return {}
        default = self.defaults[Mechanic.IMPACT]

        def consent(users: Collection[str]) -> dict[str, bool]:
            return switched_on(session.consents(users), users, Mechanic.IMPACT, default)

        fold = ImpactFold(
            self.impact,
            session,
            consent=consent,
            links=session.identity_groups,
            forgotten=session.forgotten,
        )
        out = {}
        for i, event in touched:
            ev = EvidenceEvent(seqs[i], event.kind, event.actor, event.at or now, event.data)
            reading = self.impact.read(ev.kind, ev.actor, ev.at, ev.data)
            changes, missions = fold.apply(ev, reading)
            out[i] = (tuple(changes), tuple(missions))
        reached = fold.unannounced()
        if reached:
            drafts = [milestone_draft(m, n, now, self.rules_version) for m, n in reached]
            self.writer.append(session, drafts)
            for mission, milestone in reached:
                fold.announced(mission, milestone)
        fold.save(session)
        return out

    @staticmethod
    def _rebuilding(session: Session) -> bool:
        """Whether a replay is rebuilding skill and impact states (see :class:`Replayer`)."""
        replay = session.replay_state()
        return replay is not None and replay.finished_at is None and replay.mastery_seq is not None

    def _fold_goals(
        self, session: Session, events: Sequence[Event], fresh: Sequence[int], now: datetime
    ) -> dict[int, list[GoalChange]]:
        if not fresh:
            return {}
        watching: dict[tuple[str, str], list[GoalState]] = defaultdict(list)
        actors = {events[i].actor for i in fresh}
        kinds = {events[i].kind for i in fresh}
        default = self.defaults[Mechanic.GOALS]
        # Owners who switched goals off are left out by the store, in the same query.
        for goal in session.active_goals(actors, kinds, consent_default=default):
            watching[goal.owner, goal.measure.event].append(goal)

        hits: list[tuple[int, GoalState, date, Period | None]] = []
        for i in fresh:
            event = events[i]
            for goal in watching.get((event.actor, event.kind), ()):
                day = counted_day(goal, event.kind, event.at or now, event.data)
                if day is not None:
                    hits.append((i, goal, day, period_bounds(goal.measure.per, day)))
        if not hits:
            return {}

        so_far = period_counts(session, ((g.id, p) for _, g, _, p in hits if p is not None))
        totals: Counter[str] = Counter()
        days: Counter[tuple[str, date]] = Counter()
        changes: dict[int, list[GoalChange]] = defaultdict(list)
        for i, goal, day, period in hits:
            totals[goal.id] += 1
            days[goal.id, day] += 1
            if period is None:
                count, start, end = goal.total + totals[goal.id], None, None
            else:
                start, end = period
                so_far[goal.id, period] += 1
                count = so_far[goal.id, period]
            target = goal.measure.count
            changes[i].append(
                GoalChange(goal.id, goal.owner, start, end, count, target, count == target)
            )
        session.add_goal_counts(totals, days)
        return changes
