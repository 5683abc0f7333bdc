"""The skill fold in one pass per event: a batch gives what one event at a time gives, an
event's expressions are evaluated once for every track that reads it, and feedback texts
are written only when someone reads them."""

from __future__ import annotations

import copy
import pickle
import textwrap
from collections import Counter
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from motivekit import Event, Kit, Outcome, SkillChange, load_rules
from motivekit.mastery import _track
from motivekit.mastery._track import SkillTrack
from motivekit.rules import Rules
from motivekit.rules._expr import Expression

from .conftest import FakeClock

# Five tracks of three models; four read review.submitted, three answer.graded, and several
# share expression texts (``event.data.ok`` is read by four rules).
DESIGN = textwrap.dedent(
    """\
    version: 1
    tracks:
      - id: elo-items
        title: Reviewing (items)
        model: {elo: {guess: 0.1, k: {a: 1.2, b: 0.05}}}
        evidence:
          - on: review.submitted
            when: "event.data.lines > 3"
            outcome: "event.data.ok"
            difficulty: "event.data.complexity"
            item: "event.data.item"
          - {on: answer.graded, outcome: "event.data.score / 100", item: "event.data.q"}
        levels: [{name: Exploring, at: 0.0}, {name: Practising, at: 0.5}, {name: Fluent, at: 0.8}]
        scale: {typical: 3, step: 1, typical_tasks: medium reviews}
        min_evidence: 2
      - id: elo-fixed
        title: Reviewing (fixed)
        model: {elo: {guess: 0.0, k: {a: 1.0, b: 0.1}}}
        evidence:
          - {on: review.submitted, outcome: "event.data.ok", difficulty: "event.data.complexity"}
        levels: [{name: A, at: 0.3}, {name: B, at: 0.6}, {name: C, at: 0.9}]
        scale: {typical: 2, step: 0.5, typical_tasks: small fixes}
      - id: bkt
        title: Knowing
        model: {bkt: {prior: 0.2, learn: 0.15, guess: 0.2, slip: 0.1}}
        evidence:
          - {on: review.submitted, outcome: "event.data.ok"}
          - {on: answer.graded, when: "event.data.score >= 0", outcome: "event.data.score / 100"}
        levels: [{name: Learning, at: 0.0}, {name: Known, at: 0.95}]
        min_evidence: 3
      - id: criteria
        title: Criteria
        model: {criteria: {evidence: 6, min_difficulty: 3, at_difficulty: 2, success: 0.6}}
        evidence:
          - {on: review.submitted, outcome: "event.data.ok", difficulty: "event.data.complexity"}
        levels: [{name: Started, at: 0.0}, {name: Halfway, at: 0.5}, {name: Met, at: 1.0}]
      - id: answers
        title: Answering
        model: {bkt: {prior: 0.5, learn: 0.3, guess: 0.25, slip: 0.2}}
        evidence:
          - {on: answer.graded, outcome: "event.data.score > 50"}
    """
)
PEOPLE = ("ada", "bo", "cy", "di")
OFF = ("cy",)
"""People who switched mastery off before the events."""
START = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def rules() -> Rules:
    return load_rules("motivation.yaml", text=DESIGN)


def opened(clock: FakeClock) -> Kit:
    kit = Kit.open("memory://", clock=clock, rules=rules())
    for person in OFF:
        kit.consent.set(person, "mastery", False, by=person)
    return kit


review_data = st.fixed_dictionaries(
    {
        "ok": st.sampled_from([True, False, True, 1, 0, "yes", None]),
        "complexity": st.sampled_from([1, 2, 3, 4, 5, None, "hard"]),
        "item": st.sampled_from(["i1", "i2", "i3", 7, "", None]),
        "lines": st.integers(0, 12),
    }
)
answer_data = st.fixed_dictionaries(
    {
        "score": st.sampled_from([0, 25, 50, 75, 100, 130, -5, "n"]),
        "q": st.sampled_from(["q1", "q2", None]),
    }
)
events = st.lists(
    st.tuples(
        st.sampled_from(PEOPLE),
        st.one_of(
            st.tuples(st.just("review.submitted"), review_data),
            st.tuples(st.just("answer.graded"), answer_data),
            st.tuples(st.just("page.viewed"), st.just({})),  # evidence for no track
        ),
        st.integers(-600, 6000),
        st.integers(0, 9),
    ),
    max_size=40,
)


def as_events(drawn: list[tuple[str, tuple[str, dict[str, Any]], int, int]]) -> list[Event]:
    out = []
    for i, (person, (kind, data), minutes, repeat) in enumerate(drawn):
        # now and then an id seen before: a duplicate within the batch
        event_id = f"e{i - 1}" if repeat == 0 and i else f"e{i}"
        at = START + timedelta(minutes=minutes)
        out.append(Event(event_id, kind, person, at=at, data=data))
    return out


def stored(kit: Kit) -> tuple[list[object], list[object]]:
    with kit.store.reading() as session:
        skills = session.all_skills(None, 10_000)
        items = session.skill_items({("elo-items", i) for i in ("i1", "i2", "i3", "7", "q1", "q2")})
    return list(skills), sorted(items.items())


def plain(outcomes: list[Outcome]) -> list[tuple[object, ...]]:
    """Outcomes with every feedback text read (so nothing is compared unbuilt)."""
    return [(o, o.feedback, [c.feedback for c in o.skill_changes]) for o in outcomes]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(events)
def test_a_batch_in_one_pass_gives_what_one_event_at_a_time_gives(
    drawn: list[tuple[str, tuple[str, dict[str, Any]], int, int]],
) -> None:
    batch = as_events(drawn)
    with opened(FakeClock(START)) as together, opened(FakeClock(START)) as apart:
        at_once = together.record_many(batch)
        one_by_one = [apart.record(event) for event in batch]
        assert plain(at_once) == plain(one_by_one)
        assert stored(together) == stored(apart)
        for person in PEOPLE:
            assert together.mastery.states(person) == apart.mastery.states(person)
    assert not any(c.user in OFF for o in at_once for c in o.skill_changes)


def test_the_fold_moves_every_track_and_leaves_out_who_switched_mastery_off(
    clock: FakeClock,
) -> None:
    data = {"ok": True, "complexity": 4, "item": "i1", "lines": 9}
    with opened(clock) as kit:
        ada, cy = kit.record_many(
            [Event("r1", "review.submitted", p, data=data) for p in ("ada", "cy")]
        )
    assert [c.track for c in ada.skill_changes] == ["elo-items", "elo-fixed", "bkt", "criteria"]
    assert cy.skill_changes == ()


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> tuple[Counter[str], Counter[str]]:
    """Counts of expression contexts built (by event kind) and of expressions evaluated
    (by text)."""
    contexts: Counter[str] = Counter()
    evaluated: Counter[str] = Counter()
    build = _track.event_context
    evaluate = Expression.evaluate

    def counting_context(kind: str, *args: Any) -> dict[str, Any]:
        contexts[kind] += 1
        return build(kind, *args)

    def counting_evaluate(self: Expression, context: Mapping[str, Any]) -> Any:
        evaluated[self.text] += 1
        return evaluate(self, context)

    monkeypatch.setattr(_track, "event_context", counting_context)
    monkeypatch.setattr(Expression, "evaluate", counting_evaluate)
    return contexts, evaluated


def test_an_events_expressions_are_evaluated_once_however_many_tracks_read_them(
    clock: FakeClock, counted: tuple[Counter[str], Counter[str]]
) -> None:
    contexts, evaluated = counted
    reviews = [
        Event(f"r{i}", "review.submitted", "ada", data={"ok": True, "complexity": 4, "lines": 9})
        for i in range(5)
    ]
    answers = [Event(f"a{i}", "answer.graded", "bo", data={"score": 80}) for i in range(3)]
    views = [Event(f"v{i}", "page.viewed", "ada") for i in range(4)]
    with opened(clock) as kit:
        contexts.clear()  # what opening it cost (nothing, but the test counts one batch)
        evaluated.clear()
        outcomes = kit.record_many([*reviews, *answers, *views])
    # four tracks read each review, three each answer: yet one context per event ...
    assert [len(o.skill_changes) for o in outcomes] == [4] * 5 + [3] * 3 + [0] * 4
    assert contexts == {"review.submitted": 5, "answer.graded": 3}
    # ... and each expression text once per event that reaches it
    assert evaluated == {
        "event.data.lines > 3": 5,
        "event.data.ok": 5,  # four rules, three models
        "event.data.complexity": 5,  # three rules
        "event.data.item": 5,
        "event.data.score / 100": 3,  # two rules
        "event.data.q": 3,
        "event.data.score >= 0": 3,
        "event.data.score > 50": 3,
    }


FIFTH = (  # what the fifth of these reviews says (the same texts as before feedback was lazy)
    "You now solve about 9 in 10 medium reviews",
    "You reached C",
    "You have mastered Reviewing (fixed)",
    "You solve more than 9 in 10 small fixes",
    "You reached Halfway",
    "You solve about 9 in 10 tasks",
)


def five_reviews() -> list[Event]:
    data = {"ok": True, "complexity": 4, "item": "i1", "lines": 9}
    return [Event(f"r{i}", "review.submitted", "ada", data=data) for i in range(5)]


def test_feedback_texts_are_written_only_when_read(
    clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    written: list[str] = []
    feedback = SkillTrack.feedback

    def counting(self: SkillTrack, *args: Any) -> tuple[str, ...]:
        written.append(self.id)
        return feedback(self, *args)

    monkeypatch.setattr(SkillTrack, "feedback", counting)
    with opened(clock) as kit:
        outcomes = kit.record_many(five_reviews())
        assert kit.mastery.state("ada", "criteria").level == "Halfway"  # states are saved
        assert kit.replay().changed == ()
    assert written == []  # recording, reading states and replaying wrote none
    fifth = outcomes[-1]
    assert fifth.feedback == FIFTH
    assert written == ["elo-items", "elo-fixed", "bkt", "criteria"]  # those read, once each
    assert fifth.feedback == FIFTH
    assert [c.feedback for c in fifth.skill_changes][2] == ()  # bkt: no gain worth saying
    assert written == ["elo-items", "elo-fixed", "bkt", "criteria"]  # built once, then kept


def test_a_change_with_feedback_written_later_is_an_ordinary_skill_change() -> None:
    def unread() -> list[SkillChange]:
        """The changes five reviews make, recorded anew: no feedback read yet."""
        with opened(FakeClock(START)) as kit:
            return [c for e in five_reviews() for c in kit.record(e).skill_changes]

    eager = [
        SkillChange(c.track, c.user, c.evidence, c.estimate, c.level, tuple(c.feedback))
        for c in unread()
    ]
    assert tuple(s for c in eager[-4:] for s in c.feedback) == FIFTH
    # each way of reading a change, on changes whose feedback nobody read before
    assert unread() == eager
    assert [hash(c) for c in unread()] == [hash(c) for c in eager]
    assert [repr(c) for c in unread()] == [repr(c) for c in eager]
    assert [attrs.asdict(c) for c in unread()] == [attrs.asdict(c) for c in eager]
    assert pickle.loads(pickle.dumps(unread())) == eager
    assert copy.deepcopy(unread()) == eager
    assert [attrs.evolve(c, level="x") for c in unread()] == [
        attrs.evolve(c, level="x") for c in eager
    ]
    assert all(type(c) is SkillChange for c in unread())
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        unread()[-1].feedback = ()  # type: ignore[misc]
