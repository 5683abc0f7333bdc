"""Impact folded a batch at a time: exactly what folding one event at a time gives, with
a number of store reads that does not grow with the batch.

``kit.record_many(batch)`` reads what the whole batch needs in a few set-wise reads and
folds in memory (``motivekit.impact._fold``, ``_graph``); ``kit.record`` folds a batch
of one. Both must give the same outcomes, feeds, credits and missions, on every store.
"""

from __future__ import annotations

import collections
import tempfile
import textwrap
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from motivekit import Event, Kit, Outcome, load_rules
from motivekit.rules import Rules
from motivekit.store import MemoryStore
from motivekit.store._memory import _MemorySession

from .conftest import FakeClock

MAX_DEPTH = 3
DESIGN = textwrap.dedent(
    f"""\
    version: 1
    impact:
      contributions:
        - on: answer.posted
          id: "event.data.answer_id"
          builds_on: "event.data.cites"
          referred_by: "event.data.invited_by"
          noun: answer
      beneficiary_events:
        - on: answer.marked_helpful
          credits: "event.data.answer_id"
          story: "{{beneficiary}} found your {{noun}} helpful"
        - on: fix.used
          credits: "event.data.fixes"
          beneficiary: "event.data.team"
          story: "{{beneficiary}} used your fix to ship their release"
      attribution: {{decay: 0.5, max_depth: {MAX_DEPTH}}}
    missions:
      - id: handbook
        title: Translate the handbook
        target: {{event: page.translated, count: 7, unit: pages}}
        milestones: [2, 4]
        show: contributors
      - id: glossary
        title: Write the glossary
        target: {{event: page.translated, count: 3, unit: pages}}
    """
)
RULES: Rules = load_rules("motivation.yaml", text=DESIGN)
PEOPLE = ["ada", "bob", "cy", "dan", "eve"]
START = datetime(2026, 11, 2, 9, tzinfo=UTC)  # a Monday

# -- scripts: batches of events, and what happens between batches ----------------------------

Op = tuple[Any, ...]


def _events(ops: list[Op]) -> list[list[Event] | Op]:
    """Turn ops into batches of events (split at ``cut``) and between-batch steps."""
    out: list[list[Event] | Op] = []
    batch: list[Event] = []
    ids: list[str] = []
    at = START
    for n, op in enumerate(ops):
        kind = op[0]
        if kind in ("cut", "consent", "link"):
            if batch:
                out.append(batch)
            batch = []
            if kind != "cut":
                out.append(op)
            continue
        if kind == "later":
            at += timedelta(days=op[1])
            continue
        event_id = f"e{n}"
        if kind == "dup":
            if not ids:
                continue
            event_id, op = ids[op[1] % len(ids)], op[2]  # an id seen before, other data
            kind = op[0]
        else:
            ids.append(event_id)
        at += timedelta(minutes=1)
        match op:
            case ("answer", who, aid, cites, inviter):
                data: dict[str, object] = {"answer_id": aid, "cites": cites}
                if inviter is not None:
                    data["invited_by"] = inviter
                batch.append(Event(event_id, "answer.posted", actor=who, at=at, data=data))
            case ("helpful", who, aid):
                data = {"answer_id": aid}
                batch.append(Event(event_id, "answer.marked_helpful", actor=who, at=at, data=data))
            case ("fix", aids, team):
                data = {"fixes": aids, "team": team}
                batch.append(Event(event_id, "fix.used", actor="ci", at=at, data=data))
            case ("page", who):
                batch.append(Event(event_id, "page.translated", actor=who, at=at))
    if batch:
        out.append(batch)
    return out


@contextmanager
def _kit(store: str, name: str) -> Iterator[Kit]:
    clock = FakeClock(START + timedelta(days=60))
    if store == "memory":
        with Kit.open("memory://", clock=clock, rules=RULES) as kit:
            yield kit
    else:
        with tempfile.TemporaryDirectory() as tmp:
            url = f"sqlite:///{Path(tmp) / name}.db"
            with Kit.open(url, clock=clock, rules=RULES, synchronous="OFF") as kit:
                yield kit


def _between(kit: Kit, op: Op) -> None:
    match op:
        case ("consent", who, on):
            kit.consent.set(who, "impact", on, by=who)
        case ("link", a, b) if a != b:
            kit.impact.link(a, b)


def _outcome(o: Outcome) -> tuple[object, ...]:
    return (o.event_id, o.duplicate, o.impact_changes, o.mission_changes)


def _state(kit: Kit, ids: list[str]) -> dict[str, object]:
    """Everything impact shows, without journal positions (milestone entries come after
    each event when recording one at a time, after the batch in record_many)."""
    feeds = {}
    for p in PEOPLE:
        entries = list(kit.impact.feed(p, limit=200))
        feeds[p] = [
            (
                attrs.evolve(e, id=""),
                [
                    attrs.evolve(i, seq=0)
                    for i in kit.impact.explain(p, e.id).items  # type: ignore[union-attr]
                ],
            )
            for e in entries
        ]
    milestones = sorted(
        (e.payload["mission"], e.payload["milestone"])
        for e in kit.journal.read(limit=1000)
        if e.type == "milestone"
    )
    return {
        "feeds": feeds,
        "credits": {i: kit.impact.credits(i) for i in ids},
        "missions": {p: kit.impact.missions(p) for p in PEOPLE},
        "contributors": kit.impact.contributors("handbook"),
        "milestones": milestones,
    }


def check_batches_fold_as_single_events(store: str, ops: list[Op]) -> None:
    """Record the script's batches with record_many in one Kit and event by event in
    another: the outcomes and the state must be the same."""
    script = _events(ops)
    ids = sorted({e.id for step in script if isinstance(step, list) for e in step})
    with _kit(store, "batched") as batched, _kit(store, "single") as single:
        for step in script:
            if isinstance(step, list):
                together = [_outcome(o) for o in batched.record_many(step)]
                one_by_one = [_outcome(single.record(e)) for e in step]
                assert together == one_by_one
            else:
                _between(batched, step)
                _between(single, step)
        assert _state(batched, ids) == _state(single, ids)


_people = st.sampled_from(PEOPLE)
_answers = st.sampled_from(["a0", "a1", "a2", "a3", "a4", "a5"])
_event_op = st.one_of(
    st.tuples(
        st.just("answer"),
        _people,
        _answers,
        st.lists(_answers, max_size=3),
        st.none() | _people,
    ),
    st.tuples(st.just("helpful"), _people, _answers),
    st.tuples(st.just("helpful"), _people, _answers),
    st.tuples(st.just("fix"), st.lists(_answers, min_size=1, max_size=2), _people),
    st.tuples(st.just("page"), _people),
)
_in_batch = st.one_of(
    _event_op,
    _event_op,
    st.tuples(st.just("dup"), st.integers(0, 50), _event_op),
    st.tuples(st.just("later"), st.integers(1, 9)),
)
_between_steps = st.one_of(
    st.tuples(st.just("consent"), _people, st.booleans()),
    st.tuples(st.just("link"), _people, _people),
)


@st.composite
def _scripts(draw: st.DrawFn) -> list[Op]:
    """Up to four batches of up to 30 steps, with consent choices and links between."""
    ops: list[Op] = []
    for _ in range(draw(st.integers(1, 4))):
        ops += draw(st.lists(_between_steps, max_size=2))
        size = draw(st.integers(1, 30))
        ops += draw(st.lists(_in_batch, min_size=size, max_size=size))
        ops.append(("cut",))
    return ops


@pytest.mark.parametrize("store", ["memory", "sqlite"])
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(ops=_scripts())
def test_record_many_folds_impact_as_one_event_at_a_time(store: str, ops: list[Op]) -> None:
    check_batches_fold_as_single_events(store, ops)


@pytest.mark.parametrize("store", ["memory", "sqlite"])
def test_a_mixed_batch_folds_as_one_event_at_a_time(store: str) -> None:
    # Each case the batched fold must get right, in one script: a chain of answers four
    # deep (deeper than max_depth), help for an answer made earlier in the same batch, a
    # referral made in the batch and then credited, duplicate ids, a mission milestone
    # crossed mid-batch, someone with impact off, linked identities, and a second batch
    # whose feed entries and beneficiaries are already stored.
    ops: list[Op] = [
        ("consent", "dan", False),
        ("link", "eve", "cy"),
        ("answer", "ada", "a0", [], None),
        ("answer", "bob", "a1", ["a0"], "ada"),
        ("helpful", "cy", "a1"),
        ("dup", 1, ("page", "ada")),  # e1's id again: nothing happens
        ("answer", "cy", "a2", ["a1", "a0"], "bob"),
        ("answer", "dan", "a3", ["a2"], None),
        ("answer", "eve", "a4", ["a3"], "dan"),
        ("page", "ada"),
        ("helpful", "bob", "a4"),
        ("page", "dan"),  # the handbook's first milestone, mid-batch
        ("fix", ["a4", "a2"], "ada"),
        ("page", "bob"),
        ("helpful", "eve", "a2"),  # linked to cy: no credit for cy
        ("dup", 3, ("helpful", "cy", "a4")),
        ("cut",),
        ("later", 8),
        ("helpful", "cy", "a1"),  # a stored feed entry, a beneficiary already counted
        ("helpful", "eve", "a4"),
        ("page", "eve"),
        ("page", "eve"),
        ("consent", "dan", True),
        ("helpful", "ada", "a3"),
        ("page", "dan"),
    ]
    check_batches_fold_as_single_events(store, ops)


# -- reads per batch ----------------------------------------------------------------------

_READS = (
    "contributions",
    "referrers",
    "identity_groups",
    "forgotten",
    "feed_groups",
    "seen_beneficiaries",
    "missions",
    "mission_parts",
    "consents",
)


class CountingStore(MemoryStore):
    """A memory store counting the impact and consent reads of its units of work."""

    def __init__(self) -> None:
        super().__init__()
        self.reads: collections.Counter[str] = collections.Counter()

    @contextmanager
    def writing(self) -> Iterator[_MemorySession]:
        with super().writing() as session:
            for name in _READS:
                setattr(session, name, self._counted(name, getattr(session, name)))
            yield session

    def _counted(self, name: str, read: Callable[..., Any]) -> Callable[..., Any]:
        def counted(*args: Any, **kw: Any) -> Any:
            self.reads[name] += 1
            return read(*args, **kw)

        return counted


def _busy_batch(size: int, round: int) -> list[Event]:
    """An impact-heavy batch: new answers building on a deep chain (some referred), help
    for stored answers and for answers made in the batch, named beneficiaries, pages."""
    at = START + timedelta(days=round)
    events = []
    for i in range(size):
        n = f"r{round}-{i}"
        who = f"p{i % 37}"
        at += timedelta(seconds=1)
        match i % 5:
            case 0:
                data = {"answer_id": n, "cites": [f"c{MAX_DEPTH + 1}", f"r{round}-{i - 5}"]}
                if i % 2:
                    data["invited_by"] = f"p{(i + 1) % 37}"
                events.append(Event(n, "answer.posted", actor=who, at=at, data=data))
            case 1:
                data = {"answer_id": f"c{MAX_DEPTH + 1}"}  # the end of the stored chain
                events.append(Event(n, "answer.marked_helpful", actor=who, at=at, data=data))
            case 2:
                data = {"answer_id": f"r{round}-{i - 2}"}  # made earlier in this batch
                events.append(Event(n, "answer.marked_helpful", actor=who, at=at, data=data))
            case 3:
                data = {"fixes": [f"c{i % (MAX_DEPTH + 2)}"], "team": f"t{i % 11}"}
                events.append(Event(n, "fix.used", actor="ci", at=at, data=data))
            case _:
                events.append(Event(n, "page.translated", actor=who, at=at))
    return events


def test_the_impact_fold_reads_the_store_a_fixed_number_of_times_per_batch() -> None:
    store = CountingStore()
    with Kit(store, rules=RULES, clock=FakeClock(START)) as kit:
        # A stored chain deeper than max_depth, each link by someone else, some referred.
        for k in range(MAX_DEPTH + 2):
            data: dict[str, object] = {"answer_id": f"c{k}", "cites": f"c{k - 1}"}
            if k % 2:
                data["invited_by"] = f"owner{k + 7}"
            kit.record(Event(f"c{k}", "answer.posted", actor=f"owner{k}", at=START, data=data))
        kit.record_many(_busy_batch(50, 0))  # stored feed entries and beneficiaries
        reads = {}
        for round, size in enumerate((10, 100, 1000), start=1):
            store.reads.clear()
            outcomes = kit.record_many(_busy_batch(size, round))
            assert sum(len(o.impact_changes) for o in outcomes) > size // 2
            reads[size] = dict(store.reads)
    assert reads[10] == reads[100] == reads[1000]
    # Every level of the graph read once (contributions, and their owners' referrers),
    # then each kind of row once.
    assert reads[1000]["contributions"] == MAX_DEPTH + 1
    assert reads[1000]["referrers"] == MAX_DEPTH
    assert sum(reads[1000].values()) <= 2 * MAX_DEPTH + 8
