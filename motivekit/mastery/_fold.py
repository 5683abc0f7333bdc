"""Skill states as a fold of evidence: used live, by replay, by dry runs and by explain.

:class:`SkillFold` holds the skill and item states it was given (loaded from the store, or
empty when folding from scratch) and applies events to them in journal order. The live
recorder loads just the rows a batch touches; replay folds the whole journal, batch by
batch, into cleared tables; explain folds in memory and keeps a trace.

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
from motivekit._model import SkillChange
from motivekit.mastery._protocol import ItemState, LearnerState
from motivekit.mastery._track import RECENT, Reading, SkillTrack, Tracks
from motivekit.store._protocol import SkillsSession, StoredEntry, StoredSkill

__all__ = [
    "SkillFold",
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


class SkillFold:
    """Applies evidence to the skill and item states it holds (see the module docstring)."""

    def __init__(
        self,
        tracks: Tracks,
        skills: dict[tuple[str, str], StoredSkill] | None = None,
        items: dict[tuple[str, str], tuple[float, int]] | None = None,
        *,
        trace: tuple[str, str] | None = None,
    ) -> None:
        self.tracks = tracks
        self.skills: dict[tuple[str, str], StoredSkill] = skills if skills is not None else {}
        """Skill states by ``(user, track)``."""
        self.items: dict[tuple[str, str], tuple[float, int]] = items if items is not None else {}
        """Learned items by ``(track, item)`` as ``(d, n)``."""
        self.changed_skills: set[tuple[str, str]] = set()
        self.changed_items: set[tuple[str, str]] = set()
        self.trace = trace
        self.steps: list[SkillStep] = []

    def readings(self, event: EvidenceEvent) -> list[tuple[SkillTrack, Reading]]:
        """What ``event`` says for each track it is evidence for."""
        return [
            (track, reading)
            for track in self.tracks.by_kind.get(event.kind, ())
            for reading in track.read(event.kind, event.actor, event.at, event.data)
        ]

    def load(
        self, session: SkillsSession, read: Iterable[tuple[EvidenceEvent, SkillTrack, Reading]]
    ) -> None:
        """Load from ``session`` the skill and item rows these readings touch."""
        keys = {(e.actor, t.id) for e, t, r in read if r.skipped is None}
        items = {
            (t.id, r.item)
            for _, t, r in read
            if r.skipped is None and r.item is not None and t.learns_items
        }
        self.skills.update(session.skills(keys - self.skills.keys()))
        self.items.update(session.skill_items(items - self.items.keys()))

    def save(self, session: SkillsSession) -> None:
        """Write the states changed since the last save to ``session``."""
        if self.changed_skills:
            session.save_skills([self.skills[k] for k in sorted(self.changed_skills)])
        if self.changed_items:
            session.save_skill_items({k: self.items[k] for k in sorted(self.changed_items)})
        self.changed_skills.clear()
        self.changed_items.clear()

    def skip(self, event: EvidenceEvent, track: SkillTrack, why: str) -> None:
        """Note (when tracing this person and track) that ``event`` did not count, and why."""
        if self.trace == (event.actor, track.id):
            self.steps.append(
                SkillStep(event.seq, event.at, event.kind, event.rules, False, detail=why)
            )

    def apply(
        self, event: EvidenceEvent, track: SkillTrack, reading: Reading
    ) -> SkillChange | None:
        """Apply one reading of ``event`` to the actor's state on ``track``."""
        if reading.skipped is not None:
            self.skip(event, track, reading.skipped)
            return None
        key = (event.actor, track.id)
        stored = self.skills.get(key)
        before = learner_of(track, stored)
        learned = None
        item_key = None
        if reading.item is not None and track.learns_items:
            item_key = (track.id, reading.item)
            known = self.items.get(item_key)
            learned = None if known is None else ItemState(d=known[0], n=known[1])
        after, item = track.apply(before, reading, learned)
        if item_key is not None and item is not None:
            self.items[item_key] = (item.d, item.n)
            self.changed_items.add(item_key)
        estimate, level, feedback = track.moved(before, after)
        recent = (*(() if stored is None else stored.recent), estimate)[-RECENT:]
        last_at = event.at
        if stored is not None and stored.last_at is not None and stored.last_at > last_at:
            last_at = stored.last_at
        self.skills[key] = StoredSkill(
            event.actor,
            track.id,
            after.evidence,
            after.successes,
            after.theta,
            after.p_known,
            after.at_difficulty,
            last_at,
            recent,
            event.seq,
            level,
        )
        self.changed_skills.add(key)
        if self.trace == key:
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
        return SkillChange(track.id, event.actor, after.evidence, estimate, level, feedback)


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
                fold.apply(step.event, track, reading)
            else:
                fold.skip(step.event, track, "mastery was switched off by its owner")


def fold_entries(fold: SkillFold, entries: Iterable[StoredEntry], consent: ConsentState) -> None:
    """Fold journal entries (oldest first) into ``fold`` held in memory."""
    apply_steps(fold, read_entries(fold, entries), consent)
