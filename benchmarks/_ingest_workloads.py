"""The ingest benchmark's scenarios: their design files, their events, and the check that
every event did the work its scenario promises (see ``ingest.py``'s docstring).

A :class:`Workload` is one scenario's event stream for one Kit: :meth:`Workload.setup`
gives the Kit what the stream needs before any clock starts (goals; for the impact
scenarios, the first answers, so every timed mark of help credits a whole chain),
:meth:`Workload.take` hands out fresh events, numbered on from the last ones, and
:meth:`Workload.check` (run after the clock stops) fails unless each event of a timed run
changed exactly what it should.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, Literal

from motivekit import Event, Kit, Outcome, load_rules
from motivekit.rules import Rules

__all__ = [
    "ANSWER",
    "HELPFUL",
    "IMPACT_DEPTH",
    "KIND",
    "SCENARIOS",
    "TRACKS",
    "Scenario",
    "Workload",
    "open_kit",
    "rules_for",
]

Scenario = Literal["plain", "goals", "mastery", "impact", "community"]
SCENARIOS: tuple[Scenario, ...] = ("plain", "goals", "mastery", "impact", "community")
KIND = "review.submitted"
"""The event kind of the plain, goals and mastery scenarios."""
ANSWER = "answer.posted"
HELPFUL = "answer.marked_helpful"
GOALS_PER_USER = 2
"""Goals each user of the goals scenario has (weekly and monthly)."""
ITEMS = 500
"""Item (question) ids the mastery and community events are spread over."""
IMPACT_DEPTH = 3
"""``attribution.max_depth`` of the impact designs: a mark of help credits 4 people."""
RECENT = 8
"""A mark of help credits one of the last ``RECENT`` answers."""
SEED_ANSWERS = RECENT + IMPACT_DEPTH
"""Answers recorded by ``setup``, so the first timed mark already credits a whole chain."""

MASTERY_DESIGN = """\
version: 1
tracks:
  - id: review-elo
    title: Code review (Elo)
    model: {elo: {guess: 0.0, k: {a: 1.0, b: 0.05}}}
    evidence:
      - on: review.submitted
        when: "event.data.lines > 0"
        outcome: "event.data.ok"
        difficulty: "event.data.complexity"
        item: "event.data.item"
    levels: [{name: Exploring, at: 0.0}, {name: Practising, at: 0.5}, {name: Fluent, at: 0.8}]
    scale: {typical: 3, step: 1, typical_tasks: medium reviews}
  - id: review-bkt
    title: Code review (BKT)
    model: {bkt: {prior: 0.2, learn: 0.1, guess: 0.2, slip: 0.1}}
    evidence:
      - {on: review.submitted, outcome: "event.data.ok"}
    levels: [{name: Learning, at: 0.0}, {name: Known, at: 0.95}]
  - id: review-criteria
    title: Code review (criteria)
    model: {criteria: {evidence: 20, min_difficulty: 4, at_difficulty: 5, success: 0.7}}
    evidence:
      - {on: review.submitted, outcome: "event.data.ok", difficulty: "event.data.complexity"}
    levels: [{name: Started, at: 0.0}, {name: Halfway, at: 0.5}, {name: Met, at: 1.0}]
"""
TRACKS = ("review-elo", "review-bkt", "review-criteria")
"""The mastery design's tracks, in order: every mastery event moves each of them."""

IMPACT_SECTION = f"""\
impact:
  contributions:
    - on: answer.posted
      id: "event.data.answer_id"
      builds_on: "event.data.cites"
      noun: answer
  beneficiary_events:
    - on: answer.marked_helpful
      credits: "event.data.answer_id"
      story: "{{beneficiary}} found your {{noun}} helpful"
  attribution: {{decay: 0.5, max_depth: {IMPACT_DEPTH}, mode: recursive}}
"""
IMPACT_DESIGN = "version: 1\n" + IMPACT_SECTION
COMMUNITY_TRACK = "answering"
COMMUNITY_MISSION = "answer-everything"
COMMUNITY_DESIGN = (
    f"""\
version: 1
tracks:
  - id: {COMMUNITY_TRACK}
    title: Answering questions
    model: {{elo: {{guess: 0.0, k: {{a: 1.0, b: 0.05}}}}}}
    evidence:
      - on: answer.posted
        outcome: "event.data.accepted"
        difficulty: "event.data.difficulty"
        item: "event.data.question"
    levels: [{{name: Exploring, at: 0.0}}, {{name: Practising, at: 0.5}}, {{name: Fluent, at: 0.8}}]
missions:
  - id: {COMMUNITY_MISSION}
    title: Answer every open question
    target: {{event: answer.posted, count: 1000000, unit: answers}}
    milestones: [1000, 10000, 100000]
"""
    + IMPACT_SECTION
)
DESIGNS: dict[Scenario, str] = {
    "mastery": MASTERY_DESIGN,
    "impact": IMPACT_DESIGN,
    "community": COMMUNITY_DESIGN,
}
LEARNED_TRACK: dict[Scenario, str] = {"mastery": "review-elo", "community": COMMUNITY_TRACK}
"""The track whose item the scenario's events move (checked after each run)."""


@functools.cache
def rules_for(scenario: Scenario) -> Rules | None:
    design = DESIGNS.get(scenario)
    return None if design is None else load_rules("motivation.yaml", text=design)


def open_kit(
    scenario: Scenario, url: str, synchronous: str = "FULL", tenant: str | None = None
) -> Kit:
    """A Kit for ``scenario`` on ``url`` (in ``tenant``, if given)."""
    scoped: dict[str, Any] = {} if tenant is None else {"tenant": tenant}
    return Kit.open(url, rules=rules_for(scenario), synchronous=synchronous, **scoped)


def _fail(what: str, event: Event, outcome: Outcome) -> None:
    raise RuntimeError(f"benchmark bug: {what}; event {event!r} gave {outcome!r}")


class Workload:
    """One scenario's events for one Kit (see the module docstring).

    Users: ``users`` people (``visitor-NNN`` in the plain scenario, who have no goals,
    ``user-NNN`` otherwise); events go round-robin over them. In the impact scenarios,
    events alternate: answer *k* (``a-<k>``) is posted by user ``k mod users`` and cites
    answer *k-1*, so answers form one chain; then one of the last ``RECENT`` answers, *m*,
    is marked helpful by user ``(m + users/2) mod users``, who wrote none of the
    ``IMPACT_DEPTH + 1`` answers of its chain, so each mark credits exactly that many
    people, at depths 0 to ``IMPACT_DEPTH``.
    """

    def __init__(self, scenario: Scenario, users: int, first: int = 0) -> None:
        if users < 2 * (IMPACT_DEPTH + 1):
            raise ValueError(f"the impact scenarios need at least {2 * (IMPACT_DEPTH + 1)} users")
        self.scenario = scenario
        prefix = "visitor" if scenario == "plain" else "user"
        self.actors = [f"{prefix}-{i:03d}" for i in range(users)]
        self._next = first
        """The number of the next event (writers sharing a database each take their own
        range, so their event ids differ)."""
        self._answers = 0

    # -- setup -----------------------------------------------------------------------------

    def setup(self, kit: Kit) -> None:
        """What the stream needs before it is timed (goals; the first answers)."""
        if self.scenario == "goals":
            for user in self.actors:
                kit.goals.create(
                    user, "Review every week", {"event": KIND, "count": 5, "per": "week"}
                )
                kit.goals.create(
                    user, "Review every month", {"event": KIND, "count": 20, "per": "month"}
                )
        elif self.scenario == "community":
            for user in self.actors:
                kit.goals.create(
                    user, "Answer every week", {"event": ANSWER, "count": 3, "per": "week"}
                )
        if self.scenario in ("impact", "community"):
            at = datetime.now(UTC)
            kit.record_many([self._answer(k, at) for k in range(SEED_ANSWERS)])
            self._answers = SEED_ANSWERS

    # -- events ----------------------------------------------------------------------------

    def _author(self, answer: int) -> str:
        return self.actors[answer % len(self.actors)]

    def _reader(self, answer: int) -> str:
        return self.actors[(answer + len(self.actors) // 2) % len(self.actors)]

    def _answer(self, k: int, at: datetime) -> Event:
        data: dict[str, Any] = {"answer_id": f"a-{k:08d}"}
        if k:
            data["cites"] = f"a-{k - 1:08d}"
        if self.scenario == "community":
            data.update(
                accepted=k * 37 % 10 < 7,
                difficulty=1 + k * 13 % 5,
                question=f"q-{k * 7 % ITEMS:03d}",
            )
        return Event(f"answer-{k:08d}", ANSWER, self._author(k), at=at, data=data)

    def _event(self, i: int, at: datetime) -> Event:
        event_id = f"{self.scenario}-{i:08d}"
        actor = self.actors[i % len(self.actors)]
        if self.scenario in ("plain", "goals"):
            return Event(
                event_id, KIND, actor, at=at, data={"item": f"doc-{i}", "words": 250 + i % 100}
            )
        if self.scenario == "mastery":
            data = {
                "ok": i * 37 % 10 < 7,
                "complexity": 1 + i * 13 % 5,
                "item": f"item-{i * 7 % ITEMS:03d}",
                "lines": 5 + i % 400,
            }
            return Event(event_id, KIND, actor, at=at, data=data)
        if i % 2 == 0:
            k, self._answers = self._answers, self._answers + 1
            return self._answer(k, at)
        newest = self._answers - 1
        m = newest - i * 7 % RECENT
        data = {"answer_id": f"a-{m:08d}"}
        return Event(event_id, HELPFUL, self._reader(m), at=at, data=data)

    def take(self, n: int) -> list[Event]:
        """The next ``n`` events, dated now (after every goal was created)."""
        at = datetime.now(UTC)
        start, self._next = self._next, self._next + n
        return [self._event(i, at) for i in range(start, start + n)]

    # -- the check -------------------------------------------------------------------------

    def check(self, kit: Kit, events: Sequence[Event], outcomes: Sequence[Outcome]) -> None:
        """Fail unless every event was fresh and changed what its scenario promises, and the
        last one moved its learned item (read after the clock stops)."""
        if len(events) != len(outcomes):
            raise RuntimeError(f"benchmark bug: {len(events)} events, {len(outcomes)} outcomes")
        for event, outcome in zip(events, outcomes, strict=True):
            if outcome.event_id != event.id or outcome.duplicate:
                _fail("expected a fresh event", event, outcome)
            self._check_one(event, outcome)
        track = LEARNED_TRACK.get(self.scenario)
        learning = [e for e in events if e.kind != HELPFUL]
        if track is not None and learning:
            last = learning[-1]
            item = str(last.data["question" if self.scenario == "community" else "item"])
            with kit.store.reading() as session:
                learned = session.skill_items([(track, item)])
            if learned.get((track, item), (0.0, 0))[1] < 1:
                raise RuntimeError(f"benchmark bug: item {item!r} was not learned")

    def _check_one(self, event: Event, outcome: Outcome) -> None:
        goals = len(outcome.goal_changes)
        tracks = tuple(c.track for c in outcome.skill_changes)
        missions = tuple(c.mission for c in outcome.mission_changes)
        impact = outcome.impact_changes
        if self.scenario == "plain":
            if outcome.changed:
                _fail("expected no change (the actors have no goals)", event, outcome)
        elif self.scenario == "goals":
            if (goals, tracks, impact) != (GOALS_PER_USER, (), ()):
                _fail(f"expected {GOALS_PER_USER} goals to move", event, outcome)
        elif self.scenario == "mastery":
            if (goals, tracks, impact) != (0, TRACKS, ()):
                _fail(f"expected the tracks {TRACKS} to move", event, outcome)
        elif event.kind == ANSWER:
            want = (
                (1, (COMMUNITY_TRACK,), (COMMUNITY_MISSION,))
                if self.scenario == "community"
                else (0, (), ())
            )
            if (goals, tracks, missions) != want or impact:
                _fail(f"expected goals, tracks, missions {want} to move", event, outcome)
        else:
            self._check_credits(event, outcome)

    def _check_credits(self, event: Event, outcome: Outcome) -> None:
        """A mark of help on answer *m* credits the authors of *m*, *m-1*, ... at depths
        0, 1, ... ``IMPACT_DEPTH``, and moves nothing else."""
        m = int(str(event.data["answer_id"]).removeprefix("a-"))
        want = [
            (self._author(m - d), "direct" if d == 0 else "built-on", f"a-{m - d:08d}", d)
            for d in range(IMPACT_DEPTH + 1)
        ]
        got = [(c.recipient, c.kind, c.contribution, c.depth) for c in outcome.impact_changes]
        if sorted(got, key=lambda c: c[3]) != want or outcome.goal_changes or outcome.skill_changes:
            _fail(f"expected credits {want}", event, outcome)
        if any(
            c.root != f"a-{m:08d}" or c.beneficiary != event.actor for c in outcome.impact_changes
        ):
            _fail("expected every credit to name the answer and the reader", event, outcome)
