"""A skill track ready to run: its model, ladder, band, scale and evidence rules.

:class:`SkillTrack` turns a checked ``tracks:`` entry (from a design file or built in code)
into the pieces the pipeline needs: which events are evidence and what each says
(:meth:`SkillTrack.reading`), how a piece of evidence moves the learner and the item
(:meth:`SkillTrack.advance`), and what a state means in words (level, feedback).
:class:`Tracks` holds them all and reads an event for every track at once
(:meth:`Tracks.readings`): its expression context is built once per event, and each
expression text evaluated at most once, however many tracks and rules read it.
Everything here is pure.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any, NamedTuple, TypeAlias

import attrs

from motivekit._errors import InvalidTrack, UnknownTrack
from motivekit._time import format_instant
from motivekit.mastery._bkt import BktSkill
from motivekit.mastery._challenge import check_band
from motivekit.mastery._criteria import CriteriaSkill
from motivekit.mastery._elo import EloSkill
from motivekit.mastery._levels import Ladder, about, succeeded
from motivekit.mastery._protocol import Item, ItemState, LearnedItem, Learner, LearnerView
from motivekit.mastery._retention import half_life, recall
from motivekit.rules._expr import Expression
from motivekit.rules._model import Track

__all__ = [
    "RECENT",
    "EvidenceRule",
    "Model",
    "Reading",
    "SkillTrack",
    "Tracks",
    "check_tracks",
    "event_context",
    "finite_number",
]

RECENT = 10
"""How many recent estimates a skill state keeps for its trend."""

Path = tuple[str | int, ...]

Model: TypeAlias = EloSkill | BktSkill | CriteriaSkill
"""The models a track can run (each a :class:`motivekit.mastery.SkillModel` that can also
``advance`` a :class:`Learner` in place)."""


@attrs.frozen
class EvidenceRule:
    """One ``evidence`` entry of a track, with its expressions compiled."""

    on: str
    outcome: Expression
    difficulty: Expression | None = None
    item: Expression | None = None
    when: Expression | None = None


class Reading(NamedTuple):
    """What one event says as evidence for one track (a named tuple: one is built per
    track and event).

    ``skipped`` is None for usable evidence, else why the event is not evidence although it
    is of the right kind (its ``when`` was false, the outcome was not a number …).
    """

    outcome: float = 0.0
    difficulty: float | None = None
    """On the team's scale, as the event gave it."""
    item: str | None = None
    skipped: str | None = None


Evaluate = Callable[[Expression], Any]
"""An expression's value for the event being read."""


def event_context(kind: str, actor: str, at: datetime, data: Mapping[str, Any]) -> dict[str, Any]:
    """What evidence expressions read of an event (``event.…`` and ``owner``)."""
    return {
        "event": {"kind": kind, "actor": actor, "at": format_instant(at), "data": data},
        "owner": actor,
    }


def finite_number(value: Any) -> float | None:
    """``value`` as a float if it is a finite int or float (not a bool), else None."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    number = float(value)
    return number if math.isfinite(number) else None


@attrs.frozen
class SkillTrack:
    """A track the Kit runs (see the module docstring)."""

    id: str
    title: str
    model: Model
    evidence: tuple[EvidenceRule, ...]
    ladder: Ladder | None
    band: tuple[float, float]
    target: float
    typical: float
    step: float
    typical_tasks: str
    min_evidence: int
    retention: tuple[timedelta, timedelta, float] | None
    """``(half-life before any success, cap, refresh threshold)``, or None."""
    learns_items: bool = attrs.field(init=False)
    """Whether item difficulties are learned from everyone's attempts (Elo with ``item``):
    then a person's state depends on other people's evidence too."""

    @learns_items.default
    def _learns_items(self) -> bool:
        return isinstance(self.model, EloSkill) and any(r.item for r in self.evidence)

    @classmethod
    def from_spec(cls, track: Track, expressions: Mapping[Path, Expression]) -> SkillTrack:
        """The runnable form of a checked track; ``expressions`` are keyed relative to the
        track, e.g. ``("evidence", 0, "outcome")``."""
        spec = track.model
        model: Model
        if spec.elo is not None:
            model = EloSkill.from_spec(spec.elo)
        elif spec.bkt is not None:
            model = BktSkill.from_spec(spec.bkt)
        elif spec.criteria is not None:
            model = CriteriaSkill.from_spec(spec.criteria)
        else:  # pragma: no cover - the loader requires exactly one model
            raise InvalidTrack(f"track {track.id!r} names no model")
        rules = []
        for i, ev in enumerate(track.evidence):

            def compiled(field: str, i: int = i) -> Expression | None:
                return expressions.get(("evidence", i, field))

            outcome = compiled("outcome")
            if outcome is None:  # pragma: no cover - the loader compiles every outcome
                raise InvalidTrack(f"track {track.id!r}: evidence {i} has no compiled outcome")
            rules.append(
                EvidenceRule(
                    ev.on, outcome, compiled("difficulty"), compiled("item"), compiled("when")
                )
            )
        low, high, target = check_band(track.challenge_band)
        retention = None
        if track.retention is not None:
            r = track.retention
            retention = (
                timedelta(days=r.half_life_days),
                timedelta(days=r.cap_days),
                r.refresh_below,
            )
        return cls(
            id=track.id,
            title=track.title,
            model=model,
            evidence=tuple(rules),
            ladder=Ladder.from_spec(track.levels) if track.levels else None,
            band=(low, high),
            target=target,
            typical=track.scale.typical,
            step=track.scale.step,
            typical_tasks=track.scale.typical_tasks,
            min_evidence=track.min_evidence,
            retention=retention,
        )

    @property
    def kinds(self) -> frozenset[str]:
        """The event kinds that may be evidence for this track."""
        return frozenset(rule.on for rule in self.evidence)

    # -- evidence ---------------------------------------------------------------------------

    @staticmethod
    def reading(rule: EvidenceRule, value: Evaluate) -> Reading:
        """What an event says under ``rule``; ``value`` evaluates the event's expressions
        (:meth:`Tracks.readings` reads an event for every track at once)."""
        if rule.when is not None and not value(rule.when):
            return Reading(skipped=f"its condition `{rule.when.text}` is false")
        raw = value(rule.outcome)
        outcome = float(raw) if isinstance(raw, bool) else finite_number(raw)
        if outcome is None or not 0.0 <= outcome <= 1.0:
            return Reading(
                skipped=f"its outcome `{rule.outcome.text}` gave {raw!r}, "
                "not true/false or a number from 0 to 1"
            )
        difficulty = None
        if rule.difficulty is not None:
            given = value(rule.difficulty)
            difficulty = finite_number(given)
            if difficulty is None and given is not None:
                return Reading(
                    skipped=f"its difficulty `{rule.difficulty.text}` gave {given!r}, not a number"
                )
        item = None
        if rule.item is not None:
            given = value(rule.item)
            if isinstance(given, str) and given.strip():
                item = given
            elif isinstance(given, int) and not isinstance(given, bool):
                item = str(given)
            elif given is not None:
                return Reading(skipped=f"its item `{rule.item.text}` gave {given!r}, not an id")
        return Reading(outcome, difficulty, item)

    def logits(self, difficulty: float | None) -> float:
        """A difficulty on the team's scale as Elo's logit: ``(d - typical) / step``."""
        return 0.0 if difficulty is None else (difficulty - self.typical) / self.step

    def item_for(self, reading: Reading, learned: ItemState | None) -> Item:
        """What the model is asked about for ``reading``.

        Elo: the learned item (new ones start at the reading's difficulty, else typical),
        or the fixed difficulty as a logit. Criteria: the difficulty on the team's scale
        (its ``min_difficulty`` is on that scale). BKT: nothing.
        """
        if isinstance(self.model, EloSkill):
            if reading.item is not None:
                return learned or ItemState(d=self.logits(reading.difficulty))
            return self.logits(reading.difficulty)
        if isinstance(self.model, CriteriaSkill):
            return reading.difficulty
        return None

    def advance(
        self, learner: Learner, reading: Reading, learned: LearnedItem | None
    ) -> LearnedItem | None:
        """Move ``learner`` in place for one piece of evidence, and the learned item
        (``learned``, or a new one as :meth:`item_for` starts it), which it returns; None
        when no item is learned."""
        model = self.model
        if reading.item is not None and isinstance(model, EloSkill):
            item = LearnedItem(self.logits(reading.difficulty)) if learned is None else learned
            model.advance(learner, item, reading.outcome)
            return item
        model.advance(learner, self.item_for(reading, None), reading.outcome)
        return None

    def candidate(self, difficulty: float | None, learned: ItemState | None) -> Item:
        """A challenge candidate as the model sees it: a learned item if there is one,
        else its difficulty (see :meth:`item_for`)."""
        if learned is not None and isinstance(self.model, EloSkill):
            return learned
        return self.item_for(Reading(difficulty=difficulty), None)

    # -- meaning ----------------------------------------------------------------------------

    def announced(self, learner: LearnerView) -> bool:
        """Whether there is enough evidence to name a level or mastery."""
        return learner.evidence >= self.min_evidence

    def level_index(self, learner: LearnerView) -> int | None:
        """The position of the level reached, None before ``min_evidence`` or below all."""
        if self.ladder is None or not self.announced(learner):
            return None
        return self.ladder.index_for(self.model.estimate(learner))

    def mastered(self, learner: LearnerView) -> bool:
        """Mastered by the model, with at least ``min_evidence`` pieces of evidence."""
        return self.announced(learner) and self.model.mastered(learner)

    def typical_success(self, learner: LearnerView) -> float:
        """The predicted success on a task of typical difficulty."""
        return self.model.predict(learner, self.candidate(self.typical, None))

    def level_of(self, learner: LearnerView, estimate: float) -> str | None:
        """The level reached at ``estimate`` (the model's for ``learner``); None before
        ``min_evidence`` pieces of evidence or below every level."""
        ladder = self.ladder
        if ladder is None or learner.evidence < self.min_evidence:
            return None
        now = ladder.index_for(estimate)
        return None if now is None else ladder.levels[now][0]

    def feedback(self, before: LearnerView, after: LearnerView) -> tuple[str, ...]:
        """What one piece of evidence, moving the learner from ``before`` to ``after``,
        says in words (a fold builds this only when someone reads it).

        Feedback is informational, contingent on success, gains only, never a score, and
        nothing before ``min_evidence`` pieces of evidence. An attempt that failed (outcome
        below one half, see :func:`succeeded`) says nothing at all: no level, no phrase.
        After a success: ``You reached <level>`` when a level above the ladder's lowest is
        reached (the lowest is where people start, never "reached"), ``You have mastered
        <track>`` when it is mastered, and ``You now solve about 4 in 5 <typical tasks>``
        when the predicted success on a typical task rises into a new phrase (the first
        time: ``You solve about …``).
        """
        model, ladder = self.model, self.ladder
        if after.evidence < self.min_evidence or not succeeded(before, after):
            return ()
        now = None if ladder is None else ladder.index_for(model.estimate(after))
        level = None if now is None or ladder is None else ladder.levels[now][0]
        first = before.evidence < self.min_evidence
        out = []
        if now is not None and now > 0 and ladder is not None:
            was = None if first else ladder.index_for(model.estimate(before))
            if was is None or now > was:
                out.append(f"You reached {level}")
        if model.mastered(after) and (first or not model.mastered(before)):
            out.append(f"You have mastered {self.title}")
        typical = self.candidate(self.typical, None)
        p_after = model.predict(after, typical)
        if first:
            out.append(f"You solve {about(p_after)} {self.typical_tasks}")
        else:
            p_before = model.predict(before, typical)
            if p_after > p_before and (phrase := about(p_after)) != about(p_before):
                out.append(f"You now solve {phrase} {self.typical_tasks}")
        return tuple(out)

    def feedback_between(
        self,
        before: tuple[int, float, float, float, int],
        after: tuple[int, float, float, float, int],
    ) -> tuple[str, ...]:
        """:meth:`feedback` between two :meth:`Learner.fields` snapshots."""
        return self.feedback(Learner(*before), Learner(*after))

    def recall(self, learner: LearnerView, last_at: datetime | None, now: datetime) -> float | None:
        """Estimated recall now (retention), or None without retention or practice."""
        if self.retention is None or last_at is None:
            return None
        base, cap, _ = self.retention
        return recall(now - last_at, half_life(learner.successes, base, cap))

    def refresh_due(self, learner: LearnerView, last_at: datetime | None, now: datetime) -> bool:
        """Whether estimated recall has fallen to the track's refresh threshold."""
        r = self.recall(learner, last_at, now)
        return r is not None and self.retention is not None and r <= self.retention[2]


def _once(context: Mapping[str, Any]) -> Evaluate:
    """Evaluates expressions in ``context``, each text once however many rules hold it
    (the same text always compiles to the same expression, and evaluating is pure)."""
    values: dict[str, Any] = {}

    def value(expression: Expression) -> Any:
        text = expression.text
        if text in values:
            return values[text]
        found = values[text] = expression.evaluate(context)
        return found

    return value


def check_tracks(tracks: Sequence[SkillTrack]) -> dict[str, SkillTrack]:
    """Tracks by id; :class:`InvalidTrack` if an id is used twice."""
    by_id: dict[str, SkillTrack] = {}
    for track in tracks:
        if track.id in by_id:
            raise InvalidTrack(f"track id {track.id!r} is used twice; give each track its own id")
        by_id[track.id] = track
    return by_id


@attrs.frozen
class Tracks:
    """The skill tracks a Kit runs, checked once, with the index the record path uses."""

    all: tuple[SkillTrack, ...] = ()
    by_id: Mapping[str, SkillTrack] = attrs.field(init=False)
    by_kind: Mapping[str, tuple[SkillTrack, ...]] = attrs.field(init=False)
    """The tracks each event kind is evidence for, in track order (built once, not on every
    event)."""
    rules: Mapping[str, tuple[tuple[SkillTrack, EvidenceRule], ...]] = attrs.field(init=False)
    """Each event kind's evidence rules with their tracks, in track and rule order."""

    @by_id.default
    def _by_id(self) -> Mapping[str, SkillTrack]:
        return check_tracks(self.all)

    @by_kind.default
    def _by_kind(self) -> Mapping[str, tuple[SkillTrack, ...]]:
        index: dict[str, list[SkillTrack]] = {}
        for track in self.all:
            for kind in sorted(track.kinds):
                index.setdefault(kind, []).append(track)
        return {kind: tuple(found) for kind, found in index.items()}

    @rules.default
    def _rules(self) -> Mapping[str, tuple[tuple[SkillTrack, EvidenceRule], ...]]:
        return {
            kind: tuple((t, rule) for t in tracks for rule in t.evidence if rule.on == kind)
            for kind, tracks in self.by_kind.items()
        }

    def readings(
        self, kind: str, actor: str, at: datetime, data: Mapping[str, Any]
    ) -> list[tuple[SkillTrack, Reading]]:
        """What an event says for every track it is evidence for, in track and rule order.

        The expression context is built once for the event, and each expression text is
        evaluated at most once, however many tracks and rules read it.
        """
        rules = self.rules.get(kind)
        if not rules:
            return []
        value = _once(event_context(kind, actor, at, data))
        reading = SkillTrack.reading
        return [(track, reading(rule, value)) for track, rule in rules]

    def track(self, track_id: str) -> SkillTrack:
        """The track with ``track_id``, or :class:`UnknownTrack`."""
        try:
            return self.by_id[track_id]
        except (KeyError, TypeError):
            known = ", ".join(map(repr, self.by_id)) or "none"
            raise UnknownTrack(f"no skill track {track_id!r}; tracks: {known}") from None
