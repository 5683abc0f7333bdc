"""Skill states as a fold of evidence: used live, by replay, by dry runs and by explain.

:class:`SkillFold` holds the skill and item states it loaded from the store (none when
folding from scratch) and applies events to them in journal order. The live recorder loads
just the rows a batch touches; replay folds the whole journal, batch by batch, into
cleared tables; explain folds in memory and keeps a trace.

One pass per event: an event is read for every track at once (``Tracks.readings``: one
expression context, each expression text evaluated once); each piece of evidence moves a
plain mutable :class:`SkillRecord` in place; frozen values (``StoredSkill``,
``SkillChange``) are built only at the edge, and a change's feedback texts only when
someone reads them. Replay builds no changes at all (:meth:`SkillFold.advance`).

A track whose Elo model learns item difficulties (``item``) makes a person's states depend
on everyone's evidence, in journal order: such tracks are folded over the whole journal.
Other tracks depend only on the person's own entries.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import attrs

from motivekit._consent import ConsentState, Mechanic
from motivekit._evidence import ConsentChoice, EvidenceEvent, decode
from motivekit._model import SkillChange, skill_change_later
from motivekit.mastery._protocol import LearnedItem, Learner, LearnerState, LearnerView
from motivekit.mastery._track import RECENT, Reading, SkillTrack, Tracks
from motivekit.store._protocol import SkillsSession, StoredEntry, StoredSkill

__all__ = [
    "SkillFold",
    "SkillRecord",
    "SkillStep",
    "Steps",
    "apply_steps",
    "fold_entries",
    "learner_of",
    "read_entries",
]


@attrs.frozen
class SkillStep:
    """What one journal entry did to one person's skill on one track (for explain)."""

    seq: int
    at: datetime
    kind: str
    """The event kind."""
    rules: int
    counted: bool
    outcome: float | None = None
    difficulty: float | None = None
    item: str | None = None
    estimate: float | None = None
    """The estimate after this piece of evidence."""
    level: str | None = None
    detail: str = ""
    """For a counted step: its feedback; otherwise why it did not count."""


def learner_of(track: SkillTrack, stored: StoredSkill | None) -> LearnerState:
    """The model's learner state behind a stored skill (the model's start if none)."""
    if stored is None:
        return track.model.initial()
    return LearnerState(
        stored.evidence, stored.successes, stored.theta, stored.p_known, stored.at_difficulty
    )


class SkillRecord(Learner):
    """One person's state on one track while a fold works on it: the fields of a
    :class:`~motivekit.store.StoredSkill`, mutable (built as one only at the edge)."""

    __slots__ = ("last_at", "level", "recent", "seq", "track", "user")

    def __init__(
        self,
        user: str,
        track: str,
        learner: LearnerView,
        last_at: datetime | None = None,
        recent: list[float] | None = None,
        seq: int = 0,
        level: str | None = None,
    ) -> None:
        super().__init__(
            learner.evidence,
            learner.successes,
            learner.theta,
            learner.p_known,
            learner.at_difficulty,
        )
        self.user = user
        self.track = track
        self.last_at = last_at
        self.recent: list[float] = [] if recent is None else recent
        """The last (at most ``RECENT``) estimates, oldest first."""
        self.seq = seq
        self.level = level

    @classmethod
    def loaded(cls, stored: StoredSkill) -> SkillRecord:
        """A working copy of a stored state (a stored skill has every learner field)."""
        return cls(
            stored.user,
            stored.track,
            stored,
            stored.last_at,
            [*stored.recent],
            stored.seq,
            stored.level,
        )

    def stored(self) -> StoredSkill:
        """The state as stored."""
        return StoredSkill(
            self.user,
            self.track,
            self.evidence,
            self.successes,
            self.theta,
            self.p_known,
            self.at_difficulty,
            self.last_at,
            tuple(self.recent),
            self.seq,
            self.level,
        )


class SkillFold:
    """Applies evidence to the skill and item states it holds (see the module docstring).

    States are kept as plain mutable records while the fold works (one piece of evidence
    moves one in place); frozen values are built at the edges: :meth:`save`,
    :meth:`stored`, and the :class:`~motivekit.SkillChange` that :meth:`apply` returns
    (whose feedback texts are written only when read).
    """

    def __init__(self, tracks: Tracks, *, trace: tuple[str, str] | None = None) -> None:
        self.tracks = tracks
        self.records: dict[tuple[str, str], SkillRecord] = {}
        """Skill states by ``(user, track)``."""
        self.items: dict[tuple[str, str], LearnedItem] = {}
        """Learned items by ``(track, item)``."""
        self.changed_skills: set[tuple[str, str]] = set()
        self.changed_items: set[tuple[str, str]] = set()
        self.trace = trace
        self.steps: list[SkillStep] = []

    def readings(self, event: EvidenceEvent) -> list[tuple[SkillTrack, Reading]]:
        """What ``event`` says for each track it is evidence for (its expressions are
        evaluated once for all of them)."""
        return self.tracks.readings(event.kind, event.actor, event.at, event.data)

    def load(
        self, session: SkillsSession, read: Iterable[tuple[EvidenceEvent, SkillTrack, Reading]]
    ) -> None:
        """Load from ``session`` the skill and item rows these readings touch."""
        keys = set()
        items = set()
        for e, t, r in read:
            if r.skipped is None:
                keys.add((e.actor, t.id))
                if r.item is not None and t.learns_items:
                    items.add((t.id, r.item))
        for key, stored in session.skills(keys - self.records.keys()).items():
            self.records[key] = SkillRecord.loaded(stored)
        for key, (d, n) in session.skill_items(items - self.items.keys()).items():
            self.items[key] = LearnedItem(d, n)

    def save(self, session: SkillsSession) -> None:
        """Write the states changed since the last save to ``session``."""
        if self.changed_skills:
            records = self.records
            session.save_skills([records[k].stored() for k in sorted(self.changed_skills)])
        if self.changed_items:
            items = self.items
            session.save_skill_items(
                {k: (items[k].d, items[k].n) for k in sorted(self.changed_items)}
            )
        self.changed_skills.clear()
        self.changed_items.clear()

    def stored(self) -> dict[tuple[str, str], StoredSkill]:
        """Every state the fold holds, as stored."""
        return {key: record.stored() for key, record in self.records.items()}

    def skip(self, event: EvidenceEvent, track: SkillTrack, why: str) -> None:
        """Note (when tracing this person and track) that ``event`` did not count, and why."""
        if self.trace == (event.actor, track.id):
            self.steps.append(
                SkillStep(event.seq, event.at, event.kind, event.rules, False, detail=why)
            )

    def apply(
        self, event: EvidenceEvent, track: SkillTrack, reading: Reading
    ) -> SkillChange | None:
        """Apply one reading of ``event`` to the actor's state on ``track``; how it moved
        (None when the reading is not evidence)."""
        if reading.skipped is not None:
            self.skip(event, track, reading.skipped)
            return None
        record, before = self._advance(event, track, reading)
        if record.evidence < track.min_evidence:  # nothing to say yet
            return SkillChange(
                track.id, event.actor, record.evidence, record.recent[-1], record.level, ()
            )
        return skill_change_later(
            track.id,
            event.actor,
            record.evidence,
            record.recent[-1],
            record.level,
            track.feedback_between,
            before,
            record.fields(),
        )

    def advance(self, event: EvidenceEvent, track: SkillTrack, reading: Reading) -> None:
        """:meth:`apply` without saying how the state moved (replay)."""
        if reading.skipped is not None:
            self.skip(event, track, reading.skipped)
        else:
            self._advance(event, track, reading)

    def _advance(
        self, event: EvidenceEvent, track: SkillTrack, reading: Reading
    ) -> tuple[SkillRecord, tuple[int, float, float, float, int]]:
        """Move the actor's record on ``track``; the record and its learner state before."""
        key = (event.actor, track.id)
        record = self.records.get(key)
        if record is None:
            record = self.records[key] = SkillRecord(event.actor, track.id, track.model.initial())
        before = record.fields()
        learned = None
        item_key = None
        if reading.item is not None and track.learns_items:
            item_key = (track.id, reading.item)
            learned = self.items.get(item_key)
        item = track.advance(record, reading, learned)
        if item_key is not None and item is not None:
            self.items[item_key] = item
            self.changed_items.add(item_key)
        estimate = track.model.estimate(record)
        level = track.level_of(record, estimate)
        recent = record.recent
        recent.append(estimate)
        if len(recent) > RECENT:
            del recent[:-RECENT]
        if record.last_at is None or not record.last_at > event.at:
            record.last_at = event.at
        record.seq = event.seq
        record.level = level
        self.changed_skills.add(key)
        if self.trace == key:
            feedback = track.feedback_between(before, record.fields())
            self.steps.append(
                SkillStep(
                    event.seq,
                    event.at,
                    event.kind,
                    event.rules,
                    True,
                    reading.outcome,
                    reading.difficulty,
                    reading.item,
                    estimate,
                    level,
                    "; ".join(feedback),
                )
            )
        return record, before


@attrs.frozen
class _Evidence:
    event: EvidenceEvent
    readings: list[tuple[SkillTrack, Reading]]


Steps = list[_Evidence | ConsentChoice]
"""Journal entries read for a fold: evidence with its readings, and consent choices."""


def read_entries(fold: SkillFold, entries: Iterable[StoredEntry]) -> Steps:
    """Decode entries (oldest first) and evaluate what each event says for each track.

    Pure and the bulk of the work, so a replay does it before taking the write lock.
    """
    steps: Steps = []
    for entry in entries:
        decoded = decode(entry)
        if isinstance(decoded, EvidenceEvent):
            readings = fold.readings(decoded)
            if readings:
                steps.append(_Evidence(decoded, readings))
        elif decoded is not None:
            steps.append(decoded)
    return steps


def apply_steps(
    fold: SkillFold, steps: Steps, consent: ConsentState, session: SkillsSession | None = None
) -> None:
    """Apply read entries to ``fold`` in order, taking consent choices into account as
    they come. With ``session``, the rows they touch are loaded from it first (a replay
    folds into tables it cleared, batch by batch)."""
    if session is not None:
        fold.load(
            session,
            [(s.event, t, r) for s in steps if isinstance(s, _Evidence) for t, r in s.readings],
        )
    for step in steps:
        if not isinstance(step, _Evidence):
            consent.note(step)
            continue
        allowed = consent.allows(step.event.actor, Mechanic.MASTERY)
        for track, reading in step.readings:
            if allowed:
                fold.advance(step.event, track, reading)
            else:
                fold.skip(step.event, track, "mastery was switched off by its owner")


def fold_entries(fold: SkillFold, entries: Iterable[StoredEntry], consent: ConsentState) -> None:
    """Fold journal entries (oldest first) into ``fold`` held in memory."""
    apply_steps(fold, read_entries(fold, entries), consent)
