"""The memory store's indexes: always what its tables say, and undone with a failed unit
of work.

Every lookup of the memory store goes through an index kept beside its table (so no
call scans history). These tests run random scripts of Kit calls and check after each
one that every index equals the one rebuilt from the tables, and that a unit of work that
fails leaves tables and indexes exactly as they were.
"""

from __future__ import annotations

import copy
import itertools
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from motivekit import Event, Kit, load_rules
from motivekit.store import MemoryStore
from motivekit.store._memory import _MemorySession
from motivekit.store._memory_tables import Tables

from .conftest import FakeClock

DESIGN = textwrap.dedent(
    """\
    version: 1
    tracks:
      - id: code-review
        title: Code review
        model: {elo: {guess: 0.0, k: {a: 1.0, b: 0.05}}}
        evidence:
          - on: review.submitted
            outcome: "event.data.approved"
            difficulty: "event.data.complexity"
            item: "event.data.item"
        levels: [{name: Exploring, at: 0.0}, {name: Fluent, at: 0.8}]
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
          story: "{beneficiary} found your {noun} helpful"
        - on: fix.used
          credits: "event.data.fixes"
          beneficiary: "event.data.team"
          story: "{beneficiary} used your fix"
      attribution: {decay: 0.5, max_depth: 3}
    missions:
      - id: handbook
        title: Translate the handbook
        target: {event: page.translated, count: 6, unit: pages}
        milestones: [2, 4]
    """
)


class Boom(Exception):
    pass


class FailingStore(MemoryStore):
    """A memory store whose next unit of work fails at its very end, when asked to."""

    fail = False

    @contextmanager
    def writing(self) -> Iterator[_MemorySession]:
        with super().writing() as session:
            yield session
            if self.fail:
                raise Boom


def _groups(pairs: Any) -> dict[Any, set[Any]]:
    out: dict[Any, set[Any]] = {}
    for key, value in pairs:
        out.setdefault(key, set()).add(value)
    return out


def _sorted_groups(pairs: Any) -> dict[Any, list[Any]]:
    return {k: sorted(v) for k, v in _groups(pairs).items()}


def rebuilt(t: Tables) -> dict[str, object]:
    """Every index, rebuilt from the tables."""
    items = t.items.values()
    seen: dict[tuple[str, int, str], int] = {}
    for i in items:
        if i.beneficiary is not None:
            key = (i.recipient, i.position, i.beneficiary)
            seen[key] = seen.get(key, 0) + 1
    counts: dict[str, int] = {}
    for i in items:
        counts[i.recipient] = counts.get(i.recipient, 0) + 1
    return {
        "subject_entries": _sorted_groups((e.subject, e.seq) for e in t.entries if e.subject),
        "subjects": sorted({e.subject for e in t.entries if e.subject}),
        "owner_goals": _groups((g.owner, g.id) for g in t.goals.values()),
        "days_of_goal": _groups(t.goal_days),
        "skill_keys": sorted(t.skills),
        "user_tracks": _groups(t.skills),
        "band_tracks": _groups(t.skill_bands),
        "owned": _groups((c.owner, c.id) for c in t.contributions.values() if c.owner),
        "referred": _groups((r, p) for p, r in t.referrers.items()),
        "group_members": _groups((g, p) for p, g in t.identity_groups.items()),
        "feed_positions": _sorted_groups(t.feed),
        "recipient_keys": _groups(t.feed_keys),
        "seen": seen,
        "group_items": _sorted_groups(((i.recipient, i.position), k) for k, i in t.items.items()),
        "event_items": _sorted_groups(t.items),
        "recipient_items": _sorted_groups((i.recipient, k) for k, i in t.items.items()),
        "beneficiary_items": _groups(
            (i.beneficiary, k) for k, i in t.items.items() if i.beneficiary is not None
        ),
        "item_counts": counts,
        "digest_users": sorted(u for u, p in t.impact_prefs.items() if p.digest is not None),
        "mission_users": _sorted_groups(t.mission_parts),
        "user_missions": _groups((u, m) for m, u in t.mission_parts),
    }


def kept(t: Tables) -> dict[str, object]:
    """The indexes as kept (empty buckets, which an undo may leave, left out)."""
    out: dict[str, object] = {}
    for name in rebuilt(t):
        index = getattr(t, name)
        if isinstance(index, dict):
            index = {
                k: (set(v) if isinstance(v, dict) else v)
                for k, v in index.items()
                if not isinstance(v, set | list | dict) or v
            }
        out[name] = index
    return out


def state(t: Tables) -> dict[str, object]:
    """Tables and indexes, normalised, to compare before and after a failed unit of work."""
    tables = {
        k: copy.deepcopy(v) for k, v in vars(t).items() if k not in rebuilt(t) and k != "entries"
    }
    return {**tables, "entries": list(t.entries), **kept(t)}


_people = st.sampled_from(["ada", "bob", "cy", "dan"])
_answers = st.sampled_from(["a0", "a1", "a2", "a3"])
_answer = st.tuples(st.just("answer"), _people, _answers, st.lists(_answers, max_size=2), _people)
_helpful = st.tuples(st.just("helpful"), _people, _answers)
_op = st.one_of(
    _answer,
    _answer,
    _helpful,
    _helpful,
    st.tuples(st.just("fix"), _answers, _people),
    st.tuples(st.just("page"), _people),
    st.tuples(st.just("review"), _people, st.booleans(), st.sampled_from(["i1", "i2"])),
    st.tuples(st.just("goal"), _people),
    st.tuples(st.just("consent"), _people, st.sampled_from(["impact", "mastery"]), st.booleans()),
    st.tuples(st.just("band"), _people),
    st.tuples(st.just("digest"), _people, st.sampled_from([None, "day"])),
    st.tuples(st.just("link"), _people, _people),
    st.tuples(st.just("forget"), _people),
    st.tuples(st.just("replay")),
)
_fails = st.sampled_from([False, False, False, True])
_ids = itertools.count()


def _run(kit: Kit, op: tuple[Any, ...]) -> None:
    n = next(_ids)
    match op:
        case ("answer", who, aid, cites, inviter):
            data = {"answer_id": aid, "cites": cites, "invited_by": inviter}
            kit.record(Event(f"e{n}", "answer.posted", actor=who, data=data))
        case ("helpful", who, aid):
            kit.record(Event(f"e{n}", "answer.marked_helpful", actor=who, data={"answer_id": aid}))
        case ("fix", aid, team):
            data = {"fixes": aid, "team": team}
            kit.record(Event(f"e{n}", "fix.used", actor="ci", data=data))
        case ("page", who):
            kit.record_many([Event(f"e{n}", "page.translated", actor=who)] * 2)
        case ("review", who, ok, item):
            data = {"approved": ok, "complexity": 3, "item": item}
            kit.record(Event(f"e{n}", "review.submitted", actor=who, data=data))
        case ("goal", who):
            kit.goals.create(who, "Translate", {"event": "page.translated", "count": 3})
        case ("consent", who, mechanic, on):
            kit.consent.set(who, mechanic, on, by=who)
        case ("band", who):
            kit.mastery.set_band(who, "code-review", (0.6, 0.8), by=who)
        case ("digest", who, every):
            kit.impact.set_digest(who, every, by=who)
        case ("link", a, b) if a != b:
            kit.impact.link(a, b)
        case ("forget", who):
            kit.privacy.forget(who)
        case ("replay",):
            kit.replay()


@settings(max_examples=150, deadline=None)
@given(script=st.lists(st.tuples(_op, _fails), min_size=5, max_size=40))
def test_indexes_follow_the_tables_and_a_failed_unit_of_work(
    script: list[tuple[tuple[Any, ...], bool]],
) -> None:
    store = FailingStore()
    clock = FakeClock(datetime(2026, 11, 2, 9, tzinfo=UTC))
    with Kit(store, clock=clock, rules=load_rules("m.yaml", text=DESIGN)) as kit:
        tables = store._tables
        for op, fails in script:
            before = state(tables) if fails else None
            store.fail = fails
            try:
                _run(kit, op)
            except Boom:
                pass
            finally:
                store.fail = False
            if before is not None:
                assert state(tables) == before
            assert kept(tables) == rebuilt(tables)


def test_a_feed_page_and_paged_lookups_read_only_what_they_return() -> None:
    # The lookups that page (feed, items of a recipient, subjects, skills) bisect an
    # index: a page far into a long history costs what a first page costs.
    store = MemoryStore()
    clock = FakeClock(datetime(2026, 11, 2, 9, tzinfo=UTC))
    with Kit(store, clock=clock, rules=load_rules("m.yaml", text=DESIGN)) as kit:
        kit.record(Event("a", "answer.posted", actor="ada", data={"answer_id": "a1"}))
        for week in range(30):
            clock.advance(days=7)
            kit.record_many(
                [
                    Event(
                        f"h{week}-{i}",
                        "answer.marked_helpful",
                        actor=f"p{i}",
                        data={"answer_id": "a1"},
                    )
                    for i in range(3)
                ]
            )
        first = kit.impact.feed("ada", limit=5)
        assert [e.people for e in first] == [3] * 5
        with store.reading() as session:
            oldest = session.feed_page("ada", None, 100)[-1]
            assert session.feed_page("ada", oldest.position, 10) == []
            assert [g.position for g in session.feed_page("ada", oldest.position + 1, 10)] == [
                oldest.position
            ]
            items = session.recipient_items("ada", 0, 1000)
            assert len(items) == 90
            assert session.recipient_items("ada", items[-4].seq, 10) == items[-3:]
            assert session.subjects("ada", 10) == sorted({f"p{i}" for i in range(3)})


class NoScan(dict):  # type: ignore[type-arg]
    """A table that refuses to be walked: only keyed lookups are allowed."""

    def _refuse(self, *args: object) -> Any:
        raise AssertionError("a lookup scanned a whole table")

    __iter__ = values = items = keys = _refuse


def test_recording_and_reading_never_scan_a_table() -> None:
    # Every table that grows with history refuses to be walked: recording impact, goals
    # and skills, and reading feeds, explanations, credits, missions and skills, work on
    # keyed lookups and indexes alone.
    store = MemoryStore()
    t = store._tables
    for name in ("goals", "goal_days", "skills", "skill_items", "contributions", "referrers"):
        setattr(t, name, NoScan())
    for name in ("feed", "feed_keys", "items", "mission_parts", "impact_prefs", "consents"):
        setattr(t, name, NoScan())
    clock = FakeClock(datetime(2026, 11, 2, 9, tzinfo=UTC))
    with Kit(store, clock=clock, rules=load_rules("m.yaml", text=DESIGN)) as kit:
        goal = kit.goals.create("ada", "Translate", {"event": "page.translated", "count": 3})
        events = [Event("a1", "answer.posted", actor="ada", data={"answer_id": "a1"})]
        events += [
            Event("b1", "answer.posted", actor="bob", data={"answer_id": "b1", "cites": "a1"}),
            Event("h1", "answer.marked_helpful", actor="cy", data={"answer_id": "b1"}),
            Event("f1", "fix.used", actor="ci", data={"fixes": "a1", "team": "dan"}),
            Event("p1", "page.translated", actor="ada"),
            Event("r1", "review.submitted", actor="ada", data={"approved": True, "complexity": 3}),
        ]
        kit.record_many(events)
        (entry, *_) = kit.impact.feed("ada")
        assert len(kit.impact.explain("ada", entry.id).items) == entry.items
        assert [c.recipient for c in kit.impact.credits("h1")] == ["bob", "ada"]
        assert kit.impact.mission("handbook", "ada").part is not None
        assert kit.goals.get(goal.id).progress.count == 1
        assert [s.evidence for s in kit.mastery.states("ada")] == [1]
