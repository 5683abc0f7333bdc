"""The store contract: behaviour every storage backend must have.

``tests/test_store_contract.py`` runs these against each store; a new backend (PostgreSQL,
MariaDB, Django ORM) passes by adding a fixture, not by writing new tests.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import attrs
import pytest

from motivekit.goals._model import GoalState, GoalStatus, Measure, Plan
from motivekit.store import (
    ReplayState,
    Session,
    SkillBand,
    Store,
    StoredCheckpoint,
    StoredEntry,
    StoredSkill,
)
from motivekit.store._protocol import (
    FeedGroup,
    ImpactItem,
    ImpactPrefs,
    StoredContribution,
    StoredMission,
)

AT = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)


def entry(seq: int, event_id: str | None = None, subject: str | None = "ada") -> StoredEntry:
    raw = f'{{"seq":{seq}}}'.encode()
    return StoredEntry(
        seq,
        "event" if event_id else "command",
        "review.submitted",
        event_id,
        AT,
        raw,
        hashlib.sha256(raw).digest(),
        subject,
        None if subject is None else b"s" * 32 + f'{{"actor":"{subject}"}}'.encode(),
    )


def append(s: Session, *entries: StoredEntry) -> None:
    """Reserve sequence numbers the way the log writer does, then append."""
    size, frontier = s.head()
    assert s.advance_head(size, size + len(entries), frontier + b"f" * 32)
    s.append(list(entries))


def goal(
    goal_id: str, owner: str = "ada", kind: str = "review.submitted", **kw: object
) -> GoalState:
    fields: dict[str, object] = {
        "id": goal_id,
        "owner": owner,
        "title": "Review pull requests",
        "measure": Measure(kind, 3, "week", {"repo": "core"}),
        "why": "I learn from other people's code",
        "plan": Plan("I open my laptop on Monday", "I review one pull request"),
        "visibility": "private",
        "tz": "Europe/Berlin",
        "status": GoalStatus.ACTIVE,
        "template_id": None,
        "created_at": AT,
        "updated_at": AT,
    }
    fields.update(kw)
    return GoalState(**fields)  # type: ignore[arg-type]


def skill(user: str = "ada", track: str = "reviews", **kw: object) -> StoredSkill:
    fields: dict[str, object] = {
        "user": user,
        "track": track,
        "evidence": 12,
        "successes": 8.5,
        "theta": 0.1 + 0.2,  # 0.30000000000000004: any rounding on the way shows
        "p_known": 1e-300,
        "at_difficulty": 3,
        "last_at": AT + timedelta(microseconds=123_457),
        "recent": (0.1 + 0.2, 5e-324, 1 / 3, 0.75, 2.0**-1074 * 3, 1.7976931348623157e308),
        "seq": 41,
        "level": "Practising",
    }
    fields.update(kw)
    return StoredSkill(**fields)  # type: ignore[arg-type]


BAND = SkillBand(0.6, 0.8, 0.7)
WEEK = date(2026, 11, 16)  # a Monday


def contribution(cid: str, owner: str | None = "ada", **kw: object) -> StoredContribution:
    fields: dict[str, object] = {
        "id": cid,
        "owner": owner,
        "kind": "answer.posted",
        "noun": "answer",
        "parents": ("q-1", "a-0"),
        "seq": 7,
        "at": AT + timedelta(microseconds=123_457),
    }
    fields.update(kw)
    return StoredContribution(**fields)  # type: ignore[arg-type]


def feed_group(recipient: str, position: int, **kw: object) -> FeedGroup:
    fields: dict[str, object] = {
        "recipient": recipient,
        "position": position,
        "key": f"direct:c-{position}:{WEEK.isoformat()}",
        "kind": "direct",
        "contribution": f"c-{position}",
        "noun": "answer",
        "story": "{beneficiary} found your answer helpful",
        "week": WEEK,
        "items": 2,
        "people": 2,
        "names": ("kim", "bo"),
        "first_at": AT,
        "last_at": AT + timedelta(hours=2, microseconds=1),
        "last_seq": position // 1024,
        "depth": 0,
    }
    fields.update(kw)
    return FeedGroup(**fields)  # type: ignore[arg-type]


def impact_item(recipient: str, seq: int, n: int = 0, **kw: object) -> ImpactItem:
    fields: dict[str, object] = {
        "recipient": recipient,
        "seq": seq,
        "n": n,
        "position": seq * 1024 + n,
        "root": "c-1",
        "node": "c-1",
        "beneficiary": "bo",
        "depth": 0,
        "share": 1 / 3,
        "at": AT + timedelta(microseconds=seq),
    }
    fields.update(kw)
    return ImpactItem(**fields)  # type: ignore[arg-type]


class StoreContract:
    """Subclass and provide a ``store`` fixture."""

    def test_head_reserves_sequence_numbers_once(self, store: Store) -> None:
        with store.writing() as s:
            assert s.head() == (0, b"")
            assert s.advance_head(0, 2, b"x" * 32)
            assert not s.advance_head(0, 3, b"y" * 32)  # someone else moved it: refused
            assert s.head() == (2, b"x" * 32)
            s.append([entry(1, "e1"), entry(2)])
        with store.writing() as s:
            append(s, entry(3, "e3"))
            s.append([])
        with store.reading() as s:
            assert s.journal_size() == 3
            assert [e.seq for e in s.entries(0, 10)] == [1, 2, 3]

    def test_entries_round_trip_exactly(self, store: Store) -> None:
        new = entry(1, "ev-9")
        with store.writing() as s:
            append(s, new)
            append(s, entry(2, subject=None))
        with store.reading() as s:
            got, log_level = s.entries(0, 2)
        assert got == new
        assert isinstance(got.raw, bytes)
        assert log_level.subject is None
        assert log_level.personal is None

    def test_entries_paging_and_tail(self, store: Store) -> None:
        with store.writing() as s:
            append(s, *(entry(i) for i in range(1, 8)))
        with store.reading() as s:
            assert [e.seq for e in s.entries(2, 3)] == [3, 4, 5]
            assert [e.seq for e in s.entries(6, 10)] == [7]
            assert s.entries(7, 10) == []
            assert [e.seq for e in s.last_entries(3)] == [5, 6, 7]
            assert [e.seq for e in s.last_entries(100)] == list(range(1, 8))
            assert s.node_hashes(0, 2, 5) == [entry(i).leaf_hash for i in (3, 4, 5)]

    def test_known_events_maps_ids_to_seqs(self, store: Store) -> None:
        with store.writing() as s:
            append(s, entry(1, "a"), entry(2), entry(3, "b"))
        with store.reading() as s:
            assert s.known_events(["a", "b", "c"]) == {"a": 1, "b": 3}
            assert s.known_events([]) == {}
            many = [f"x{i}" for i in range(1200)] + ["b"]
            assert s.known_events(many) == {"b": 3}

    def test_tiles_and_checkpoints(self, store: Store) -> None:
        with store.writing() as s:
            s.add_tiles([(8, 0, b"a" * 32), (8, 1, b"b" * 32), (16, 0, b"c" * 32)])
            s.add_checkpoint(StoredCheckpoint(9, "note 9\n", AT))
            s.add_checkpoint(StoredCheckpoint(3, "note 3\n", AT))
        with store.writing() as s:
            s.add_checkpoint(StoredCheckpoint(9, "note 9 again\n", AT))
        with store.reading() as s:
            assert s.node_hashes(8, 0, 2) == [b"a" * 32, b"b" * 32]
            assert s.node_hashes(8, 1, 5) == [b"b" * 32]
            assert s.node_hashes(16, 0, 1) == [b"c" * 32]
            assert [(c.size, c.note) for c in s.checkpoints()] == [
                (3, "note 3\n"),
                (9, "note 9 again\n"),
            ]

    def test_erasing_personal_parts_keeps_the_leaves(self, store: Store) -> None:
        with store.writing() as s:
            append(s, entry(1, "a", "ada"), entry(2, "b", "lin"), entry(3, None, "ada"))
        with store.writing() as s:
            assert s.erase_personal("ada") == 2
            assert s.erase_personal("ada") == 0
        with store.reading() as s:
            stored = s.entries(0, 10)
        assert [(e.subject, e.personal is None) for e in stored] == [
            (None, True),
            ("lin", False),
            (None, True),
        ]
        assert [e.raw for e in stored] == [entry(i).raw for i in (1, 2, 3)]
        assert [e.leaf_hash for e in stored] == [entry(i).leaf_hash for i in (1, 2, 3)]

    def test_a_failed_unit_of_work_leaves_nothing(self, store: Store) -> None:
        with store.writing() as s:
            append(s, entry(1, "kept"))
            s.save_goal(goal("g1"))

        def failing_unit_of_work() -> None:
            with store.writing() as s:
                append(s, entry(2, "lost"))
                s.add_tiles([(8, 0, b"t" * 32)])
                s.add_checkpoint(StoredCheckpoint(2, "note\n", AT))
                s.erase_personal("ada")
                s.delete_goals("ada")
                s.save_goal(goal("g2"))
                s.save_goal(attrs.evolve(goal("g1"), status=GoalStatus.PAUSED))
                s.add_goal_counts({"g1": 2}, {("g1", date(2026, 11, 21)): 2})
                s.set_consent("ada", "goals", False, AT)
                raise RuntimeError("boom")

        with pytest.raises(RuntimeError, match="boom"):
            failing_unit_of_work()
        with store.reading() as s:
            assert s.journal_size() == 1
            assert s.known_events(["kept", "lost"]) == {"kept": 1}
            assert s.goal("g2") is None
            assert s.goal("g1") == goal("g1")
            assert s.day_counts(["g1"], date(2026, 11, 1), date(2026, 12, 1)) == {}
            assert s.consents(["ada"]) == {}
            assert s.head()[0] == 1
            assert s.node_hashes(8, 0, 1) == []
            assert s.checkpoints() == []
            assert s.entries(0, 5)[0].personal is not None

    def test_goals_round_trip_and_update(self, store: Store) -> None:
        original = goal("g1", plan=None, why=None, template_id="weekly")
        with store.writing() as s:
            s.save_goal(original)
            s.save_goal(goal("g2", owner="lin"))
        with store.reading() as s:
            assert s.goal("g1") == original
            assert s.goal("nope") is None
        changed = attrs.evolve(original, status=GoalStatus.RELEASED, title="Änderung ✓")
        with store.writing() as s:
            s.save_goal(changed)
        with store.reading() as s:
            assert s.goal("g1") == changed

    def test_goals_filter_by_owner_and_status_in_creation_order(self, store: Store) -> None:
        with store.writing() as s:
            s.save_goal(goal("g-b", created_seq=9))
            s.save_goal(goal("g-a", created_seq=2))
            s.save_goal(goal("g-c", status=GoalStatus.PAUSED, created_seq=5))
            s.save_goal(goal("g-d", owner="lin", created_seq=1))
        with store.reading() as s:
            assert [g.id for g in s.goals("ada")] == ["g-a", "g-c", "g-b"]
            assert [g.id for g in s.goals("ada", "paused")] == ["g-c"]
            assert [g.id for g in s.goals("nobody")] == []

    def test_active_goals_match_owner_kind_and_status(self, store: Store) -> None:
        with store.writing() as s:
            s.save_goal(goal("g1"))
            s.save_goal(goal("g2", kind="answer.posted"))
            s.save_goal(goal("g3", status=GoalStatus.PAUSED))
            s.save_goal(goal("g4", owner="lin"))
        with store.reading() as s:
            found = s.active_goals({"ada"}, {"review.submitted"}, consent_default=True)
            assert [g.id for g in found] == ["g1"]
            kinds = {"review.submitted", "answer.posted"}
            both = s.active_goals({"ada", "lin"}, kinds, consent_default=True)
            assert sorted(g.id for g in both) == ["g1", "g2", "g4"]
            assert s.active_goals(set(), kinds, consent_default=True) == []
            assert s.active_goals({"ada", "lin"}, kinds, consent_default=False) == []
            many = [f"x{i}" for i in range(1200)] + ["lin"]
            assert [g.id for g in s.active_goals(many, kinds, consent_default=True)] == ["g4"]

    def test_active_goals_leave_out_owners_who_switched_goals_off(self, store: Store) -> None:
        with store.writing() as s:
            s.save_goal(goal("g1"))
            s.save_goal(goal("g2", owner="lin"))
            s.save_goal(goal("g3", owner="kim"))
            s.set_consent("ada", "goals", False, AT)
            s.set_consent("lin", "goals", True, AT)
            s.set_consent("kim", "impact", False, AT)
        with store.reading() as s:
            people, kinds = {"ada", "lin", "kim"}, {"review.submitted"}
            on = s.active_goals(people, kinds, consent_default=True)
            assert sorted(g.id for g in on) == ["g2", "g3"]
            off = s.active_goals(people, kinds, consent_default=False)
            assert [g.id for g in off] == ["g2"]

    def test_goal_counts_accumulate_by_day_and_total(self, store: Store) -> None:
        d1, d2, d3 = date(2026, 11, 29), date(2026, 11, 30), date(2026, 12, 1)
        with store.writing() as s:
            s.save_goal(goal("g1"))
            s.save_goal(goal("g2"))
            s.add_goal_counts({"g1": 3}, {("g1", d1): 1, ("g1", d2): 2})
        with store.writing() as s:
            s.add_goal_counts({"g1": 2, "g2": 1}, {("g1", d2): 1, ("g1", d3): 1, ("g2", d3): 1})
        with store.reading() as s:
            assert s.goal("g1").total == 5  # type: ignore[union-attr]
            assert s.day_counts(["g1", "g2"], d1, d3) == {("g1", d1): 1, ("g1", d2): 3}
            assert s.day_counts(["g1", "g2"], d3, date(2026, 12, 2)) == {
                ("g1", d3): 1,
                ("g2", d3): 1,
            }
            assert s.day_counts(["g1"], d2, d2) == {}
            many = [f"x{i}" for i in range(1200)] + ["g2"]
            assert s.day_counts(many, d3, date(2026, 12, 2)) == {("g2", d3): 1}

    def test_deleting_a_persons_goals_and_consent(self, store: Store) -> None:
        day = date(2026, 11, 21)
        with store.writing() as s:
            s.save_goal(goal("g1"))
            s.save_goal(goal("g2"))
            s.save_goal(goal("g3", owner="lin"))
            s.add_goal_counts({}, {("g1", day): 1, ("g3", day): 2})
            s.set_consent("ada", "goals", False, AT)
            s.set_consent("lin", "goals", False, AT)
        with store.writing() as s:
            assert s.delete_goals("ada") == 2
            s.delete_consents("ada")
        with store.reading() as s:
            assert [g.id for g in s.goals()] == ["g3"]
            assert s.day_counts(["g1", "g3"], day, date(2026, 11, 22)) == {("g3", day): 2}
            assert s.consents(["ada", "lin"]) == {"lin": {"goals": False}}

    def test_consent_choices_are_per_user_and_mechanic(self, store: Store) -> None:
        with store.writing() as s:
            s.set_consent("ada", "goals", False, AT)
            s.set_consent("ada", "nudges", True, AT)
            s.set_consent("ada", "goals", True, AT)
            s.set_consent("lin", "impact", False, AT)
        with store.reading() as s:
            assert s.consents(["ada", "lin", "kim"]) == {
                "ada": {"goals": True, "nudges": True},
                "lin": {"impact": False},
            }

    def test_subjects_are_listed_in_order_and_paged(self, store: Store) -> None:
        people = ["zoe", "ada", "bo", "ada", "émile", "bo"]
        with store.writing() as s:
            append(s, *(entry(i + 1, subject=p) for i, p in enumerate(people)))
            append(s, entry(7, subject=None))
        with store.reading() as s:
            assert s.subjects(None, 10) == ["ada", "bo", "zoe", "émile"]
            assert s.subjects(None, 2) == ["ada", "bo"]
            assert s.subjects("bo", 10) == ["zoe", "émile"]
            assert s.subjects("émile", 10) == []
            assert [e.seq for e in s.subject_entries("ada")] == [2, 4]
            assert [e.seq for e in s.subject_entries("bo")] == [3, 6]
            assert s.subject_entries("nobody") == []
            assert s.subject_entries("zoe") == [entry(1, subject="zoe")]

    def test_subjects_leave_out_erased_people(self, store: Store) -> None:
        with store.writing() as s:
            append(s, entry(1, subject="ada"), entry(2, subject="bo"))
            s.erase_personal("ada")
        with store.reading() as s:
            assert s.subjects(None, 10) == ["bo"]
            assert s.subject_entries("ada") == []

    def test_replay_state_keeps_how_far_mastery_came(self, store: Store) -> None:
        started = ReplayState(5, None, 0, AT, None)
        assert started.mastery_seq is None
        with store.writing() as s:
            s.save_replay_state(started)
        with store.reading() as s:
            assert s.replay_state() == started
            assert s.replay_state().mastery_seq is None  # type: ignore[union-attr]
        with store.writing() as s:
            s.save_replay_state(attrs.evolve(started, mastery_seq=9_000_000_001))
        with store.reading() as s:
            assert s.replay_state() == ReplayState(5, None, 0, AT, None, 9_000_000_001)
        with store.writing() as s:
            s.save_replay_state(attrs.evolve(started, cursor="bo", mastery_seq=None))
        with store.reading() as s:
            assert s.replay_state() == ReplayState(5, "bo", 0, AT, None, None)

    def test_replay_state_round_trips_and_latest_wins(self, store: Store) -> None:
        with store.reading() as s:
            assert s.replay_state() is None
        first = ReplayState(3, None, 0, AT, None)
        with store.writing() as s:
            s.save_replay_state(first)
            s.save_replay_state(attrs.evolve(first, cursor="bo", people_done=2))
        with store.reading() as s:
            assert s.replay_state() == ReplayState(3, "bo", 2, AT, None)
        with store.writing() as s:
            s.save_replay_state(ReplayState(4, "ada", 1, AT, AT))
            s.save_replay_state(attrs.evolve(first, finished_at=AT))
        with store.reading() as s:
            assert s.replay_state() == ReplayState(4, "ada", 1, AT, AT)

    def test_goal_days_lists_every_nonzero_day(self, store: Store) -> None:
        with store.writing() as s:
            s.save_goal(goal("g1"))
            s.save_goal(goal("g2"))
            s.add_goal_counts(
                {},
                {
                    ("g1", date(2026, 1, 1)): 2,
                    ("g1", date(2026, 3, 1)): 1,
                    ("g2", date(2026, 1, 1)): 5,
                },
            )
        with store.reading() as s:
            assert s.goal_days(["g1"]) == {("g1", date(2026, 1, 1)): 2, ("g1", date(2026, 3, 1)): 1}
            assert s.goal_days([]) == {}
            assert len(s.goal_days(["g1", "g2", "g3"])) == 3

    def test_insert_goals_adds_new_goals_in_one_go(self, store: Store) -> None:
        with store.writing() as s:
            s.insert_goals([goal("g1", total=4), goal("g2", owner="bo", created_seq=7)])
            s.insert_goals([])
        with store.reading() as s:
            assert s.goal("g1") == goal("g1", total=4)
            assert [g.id for g in s.goals("bo")] == ["g2"]
        with pytest.raises(Exception), store.writing() as s:  # noqa: B017, PT011
            s.insert_goals([goal("g3"), goal("g1")])  # g1 exists: nothing is written
        with store.reading() as s:
            assert s.goal("g3") is None

    def test_skills_round_trip_exactly(self, store: Store) -> None:
        awkward = skill()
        fresh = skill("bo", evidence=0, successes=0.0, last_at=None, recent=(), seq=0, level=None)
        tiny = skill("kim", successes=5e-324, theta=-1e-300, p_known=0.1 + 0.7, recent=(1.0,))
        with store.writing() as s:
            s.save_skills([awkward, fresh, tiny])
            s.save_skills([])
        with store.reading() as s:
            got = s.skills([("ada", "reviews"), ("bo", "reviews"), ("kim", "reviews")])
        assert got == {
            ("ada", "reviews"): awkward,
            ("bo", "reviews"): fresh,
            ("kim", "reviews"): tiny,
        }
        stored = got["ada", "reviews"]
        assert stored.theta == 0.30000000000000004
        assert stored.p_known == 1e-300
        assert stored.recent[1] == 5e-324
        assert stored.recent[-1] == 1.7976931348623157e308
        assert stored.last_at == AT + timedelta(microseconds=123_457)
        assert all(type(x) is float for x in stored.recent)
        assert isinstance(stored.recent, tuple)
        assert got["bo", "reviews"].last_at is None
        assert got["bo", "reviews"].recent == ()
        assert got["kim", "reviews"].successes == 5e-324
        assert got["kim", "reviews"].theta == -1e-300

    def test_saving_skills_replaces_by_user_and_track(self, store: Store) -> None:
        with store.writing() as s:
            s.save_skills([skill(), skill(track="answers"), skill("bo")])
        later = skill(evidence=13, theta=-0.5, last_at=AT, recent=(0.25,), seq=44)
        with store.writing() as s:
            s.save_skills([later, skill("kim")])
        with store.reading() as s:
            got = s.skills([("ada", "reviews"), ("ada", "answers"), ("bo", "reviews")])
            assert got == {
                ("ada", "reviews"): later,
                ("ada", "answers"): skill(track="answers"),
                ("bo", "reviews"): skill("bo"),
            }
            assert len(s.all_skills(None, 100)) == 4

    def test_skills_leave_out_missing_keys(self, store: Store) -> None:
        with store.writing() as s:
            s.save_skills([skill(), skill("bo", "answers")])
        with store.reading() as s:
            assert s.skills([]) == {}
            assert s.skills([("ada", "answers"), ("bo", "reviews"), ("nobody", "x")]) == {}
            many = [(f"u{i}", "reviews") for i in range(1200)] + [("bo", "answers")]
            assert s.skills(many) == {("bo", "answers"): skill("bo", "answers")}
            assert s.skills({("ada", "reviews")}) == {("ada", "reviews"): skill()}

    def test_user_skills_are_sorted_by_track(self, store: Store) -> None:
        with store.writing() as s:
            s.save_skills([skill(track=t) for t in ("translations", "answers", "Zed", "éclair")])
            s.save_skills([skill("adam", "aaa"), skill("bo", "answers")])
        with store.reading() as s:
            tracks = [k.track for k in s.user_skills("ada")]
            assert tracks == ["Zed", "answers", "translations", "éclair"]
            assert s.user_skills("ada")[1] == skill(track="answers")
            assert s.user_skills("nobody") == []

    def test_all_skills_pages_without_gaps_or_duplicates(self, store: Store) -> None:
        people = ["zoe", "ada", "bo", "adam", "émile", "ad"]
        tracks = ["reviews", "answers", "a", "b"]
        everyone = [
            skill(p, t, seq=i) for i, (p, t) in enumerate((p, t) for p in people for t in tracks)
        ]
        with store.writing() as s:
            s.save_skills(everyone[::2])
        with store.writing() as s:
            s.save_skills(everyone[1::2])
        expected = sorted(everyone, key=lambda k: (k.user, k.track))
        for size in (1, 3, 5, 24, 100):
            seen: list[StoredSkill] = []
            after: tuple[str, str] | None = None
            with store.reading() as s:
                for _ in range(len(everyone) + 1):  # bounded: a repeating page fails, not hangs
                    page = s.all_skills(after, size)
                    if not page:
                        break
                    assert len(page) <= size
                    assert after is None or (page[0].user, page[0].track) > after
                    seen.extend(page)
                    after = (page[-1].user, page[-1].track)
                assert s.all_skills(after, size) == []
            assert seen == expected
        with store.reading() as s:
            assert [(k.user, k.track) for k in s.all_skills(("ada", "answers"), 3)] == [
                ("ada", "b"),
                ("ada", "reviews"),
                ("adam", "a"),
            ]
            # strictly after, even for a key that is not stored
            assert [(k.user, k.track) for k in s.all_skills(("ada", "c"), 2)] == [
                ("ada", "reviews"),
                ("adam", "a"),
            ]
            assert s.all_skills(("émile", "reviews"), 10) == []
            assert s.all_skills(None, 0) == []

    def test_skill_items_upsert_and_read(self, store: Store) -> None:
        with store.writing() as s:
            s.save_skill_items(
                {("reviews", "pr-1"): (0.1 + 0.2, 1), ("reviews", "pr-2"): (-1.5, 4)}
            )
            s.save_skill_items({})
        with store.writing() as s:
            s.save_skill_items({("reviews", "pr-1"): (5e-324, 2), ("answers", "pr-1"): (1e-300, 7)})
        with store.reading() as s:
            got = s.skill_items([("reviews", "pr-1"), ("reviews", "pr-2"), ("answers", "pr-1")])
            assert got == {
                ("reviews", "pr-1"): (5e-324, 2),
                ("reviews", "pr-2"): (-1.5, 4),
                ("answers", "pr-1"): (1e-300, 7),
            }
            assert s.skill_items([("answers", "pr-2"), ("pr-1", "reviews")]) == {}
            assert s.skill_items([]) == {}
            many = [("reviews", f"x{i}") for i in range(1200)] + [("reviews", "pr-2")]
            assert s.skill_items(many) == {("reviews", "pr-2"): (-1.5, 4)}

    def test_skill_bands_set_replace_and_delete(self, store: Store) -> None:
        with store.writing() as s:
            s.set_skill_band("ada", "reviews", BAND, AT)
            s.set_skill_band("ada", "answers", SkillBand(0.5, 0.9, 0.1 + 0.7), AT)
            s.set_skill_band("bo", "reviews", BAND, AT)
        with store.reading() as s:
            assert s.skill_bands([("ada", "reviews"), ("ada", "answers"), ("kim", "x")]) == {
                ("ada", "reviews"): BAND,
                ("ada", "answers"): SkillBand(0.5, 0.9, 0.7999999999999999),
            }
        with store.writing() as s:
            s.set_skill_band("ada", "reviews", SkillBand(0.65, 0.9, 0.8), AT)
            s.set_skill_band("ada", "answers", None, AT)
            s.set_skill_band("kim", "answers", None, AT)  # nothing to delete: fine
        with store.reading() as s:
            keys = [("ada", "reviews"), ("ada", "answers"), ("bo", "reviews")]
            assert s.skill_bands(keys) == {
                ("ada", "reviews"): SkillBand(0.65, 0.9, 0.8),
                ("bo", "reviews"): BAND,
            }
            assert s.skill_bands([]) == {}
            many = [(f"u{i}", "reviews") for i in range(1200)] + [("bo", "reviews")]
            assert s.skill_bands(many) == {("bo", "reviews"): BAND}

    def test_deleting_a_persons_skills_and_bands(self, store: Store) -> None:
        with store.writing() as s:
            s.save_skills([skill(), skill(track="answers"), skill("bo"), skill("adam")])
            s.save_skill_items({("reviews", "pr-1"): (0.5, 3)})
            s.set_skill_band("ada", "reviews", BAND, AT)
            s.set_skill_band("ada", "styles", BAND, AT)  # a band on a track with no state
            s.set_skill_band("bo", "reviews", BAND, AT)
        with store.writing() as s:
            assert s.delete_skills("ada") == 2
            assert s.delete_skills("ada") == 0
            assert s.delete_skills("nobody") == 0
        with store.reading() as s:
            assert s.user_skills("ada") == []
            assert [(k.user, k.track) for k in s.all_skills(None, 10)] == [
                ("adam", "reviews"),
                ("bo", "reviews"),
            ]
            assert s.skills([("bo", "reviews")]) == {("bo", "reviews"): skill("bo")}
            keys = [("ada", "reviews"), ("ada", "styles"), ("bo", "reviews")]
            assert s.skill_bands(keys) == {("bo", "reviews"): BAND}
            assert s.skill_items([("reviews", "pr-1")]) == {("reviews", "pr-1"): (0.5, 3)}

    def test_clearing_mastery_keeps_peoples_bands(self, store: Store) -> None:
        with store.writing() as s:
            s.save_skills([skill(), skill("bo", "answers")])
            s.save_skill_items({("reviews", "pr-1"): (0.5, 3), ("answers", "q"): (0.0, 0)})
            s.set_skill_band("ada", "reviews", BAND, AT)
            s.save_replay_state(ReplayState(2, None, 0, AT, None, 17))
        with store.writing() as s:
            s.clear_mastery()
        with store.reading() as s:
            assert s.all_skills(None, 10) == []
            assert s.skills([("ada", "reviews"), ("bo", "answers")]) == {}
            assert s.skill_items([("reviews", "pr-1"), ("answers", "q")]) == {}
            assert s.skill_bands([("ada", "reviews")]) == {("ada", "reviews"): BAND}
            assert s.replay_state() == ReplayState(2, None, 0, AT, None, 17)
        with store.writing() as s:  # and the tables take new rows afterwards
            s.save_skills([skill(seq=99)])
            s.save_skill_items({("reviews", "pr-1"): (1.0, 1)})
        with store.reading() as s:
            assert s.user_skills("ada") == [skill(seq=99)]
            assert s.skill_items([("reviews", "pr-1")]) == {("reviews", "pr-1"): (1.0, 1)}

    def test_a_failed_unit_of_work_leaves_no_mastery_writes(self, store: Store) -> None:
        kept = [skill(), skill("bo")]
        with store.writing() as s:
            s.save_skills(kept)
            s.save_skill_items({("reviews", "pr-1"): (0.5, 3)})
            s.set_skill_band("ada", "reviews", BAND, AT)
            s.set_skill_band("bo", "reviews", BAND, AT)
            s.save_replay_state(ReplayState(1, None, 0, AT, None, 3))

        def failing_unit_of_work() -> None:
            with store.writing() as s:
                s.save_skills([skill(evidence=99), skill("kim")])
                s.save_skill_items({("reviews", "pr-1"): (9.0, 9), ("reviews", "pr-2"): (1.0, 1)})
                s.set_skill_band("ada", "reviews", SkillBand(0.1, 0.2, 0.15), AT)
                s.set_skill_band("kim", "reviews", BAND, AT)
                s.save_replay_state(ReplayState(1, "zed", 5, AT, AT, 40))
                assert s.delete_skills("bo") == 1
                s.clear_mastery()
                s.save_skills([skill("lin")])
                s.save_skill_items({("answers", "q"): (2.0, 2)})
                raise RuntimeError("boom")

        with pytest.raises(RuntimeError, match="boom"):
            failing_unit_of_work()
        with store.reading() as s:
            assert s.all_skills(None, 10) == kept
            keys = [("reviews", "pr-1"), ("reviews", "pr-2"), ("answers", "q")]
            assert s.skill_items(keys) == {("reviews", "pr-1"): (0.5, 3)}
            bands = [("ada", "reviews"), ("bo", "reviews"), ("kim", "reviews")]
            assert s.skill_bands(bands) == {("ada", "reviews"): BAND, ("bo", "reviews"): BAND}
            assert s.replay_state() == ReplayState(1, None, 0, AT, None, 3)

    def test_a_thousand_skills_save_in_one_go(self, store: Store) -> None:
        batch = [skill(f"u{i:04}", seq=i, theta=i / 7) for i in range(1000)]
        with store.writing() as s:
            s.save_skills(batch)
            s.save_skill_items({("reviews", f"i{i}"): (i / 3, i) for i in range(1000)})
        with store.writing() as s:
            s.save_skills([attrs.evolve(k, seq=k.seq + 1) for k in batch])
        with store.reading() as s:
            stored = s.all_skills(None, 2000)
            assert [k.seq for k in stored] == list(range(1, 1001))
            assert [k.theta for k in stored] == [i / 7 for i in range(1000)]
            items = s.skill_items([("reviews", f"i{i}") for i in range(1000)])
            assert items == {("reviews", f"i{i}"): (i / 3, i) for i in range(1000)}

    # impact
    def test_contributions_round_trip_and_only_new_ids_are_inserted(self, store: Store) -> None:
        first = contribution("c-1")
        orphan = contribution("c-2", owner=None, parents=(), kind="fix.merged", noun="fix")
        odd = contribution("c-3", owner="émile", parents=("c-1",), seq=9_000_000_001, at=AT)
        with store.writing() as s:
            s.add_contributions([first, orphan, odd])
            s.add_contributions([])
        with store.writing() as s:  # known ids are left alone, within one batch too
            s.add_contributions(
                [
                    contribution("c-1", owner="bo", parents=()),
                    contribution("c-4", owner="kim"),
                    contribution("c-4", owner="zoe"),
                ]
            )
        with store.reading() as s:
            got = s.contributions(["c-1", "c-2", "c-3", "c-4", "c-5"])
            assert got == {
                "c-1": first,
                "c-2": orphan,
                "c-3": odd,
                "c-4": contribution("c-4", owner="kim"),
            }
            assert got["c-1"].parents == ("q-1", "a-0")
            assert isinstance(got["c-1"].parents, tuple)
            assert got["c-2"].owner is None
            assert got["c-2"].parents == ()
            assert got["c-1"].at == AT + timedelta(microseconds=123_457)
            assert s.contributions([]) == {}
            many = [f"x{i}" for i in range(1200)] + ["c-3"]
            assert s.contributions(many) == {"c-3": odd}

    def test_referrals_are_recorded_once_per_person(self, store: Store) -> None:
        with store.writing() as s:
            s.add_referrals({"bo": "ada", "kim": "ada"})
            s.add_referrals({})
        with store.writing() as s:
            s.add_referrals({"bo": "lin", "zoe": "bo"})  # bo has a referrer already
        with store.reading() as s:
            assert s.referrers(["ada", "bo", "kim", "zoe", "nobody"]) == {
                "bo": "ada",
                "kim": "ada",
                "zoe": "bo",
            }
            assert s.referrers([]) == {}
            many = [f"x{i}" for i in range(1200)] + ["zoe"]
            assert s.referrers(many) == {"zoe": "bo"}

    def test_identity_groups_are_inserted_or_replaced(self, store: Store) -> None:
        with store.writing() as s:
            s.set_identity_groups({"ada": "g-1", "ada@work": "g-1", "zed": "g-1", "Ada": "g-1"})
            s.set_identity_groups({})
        with store.reading() as s:
            assert s.identity_members("g-1") == ["Ada", "ada", "ada@work", "zed"]
        with store.writing() as s:
            s.set_identity_groups({"ada@work": "g-2", "bo": "g-3"})
        with store.reading() as s:
            assert s.identity_groups(["ada", "ada@work", "bo", "kim"]) == {
                "ada": "g-1",
                "ada@work": "g-2",
                "bo": "g-3",
            }
            assert s.identity_groups([]) == {}
            many = [f"x{i}" for i in range(1200)] + ["bo"]
            assert s.identity_groups(many) == {"bo": "g-3"}
            assert s.identity_members("g-1") == ["Ada", "ada", "zed"]
            assert s.identity_members("g-2") == ["ada@work"]
            assert s.identity_members("ada") == []

    def test_feed_groups_round_trip_exactly_and_are_found_by_key(self, store: Store) -> None:
        direct = feed_group("ada", 5 * 1024 + 1)
        built_on = feed_group(
            "ada",
            9_000_000_001 * 1024 + 1023,
            key="built-on:c-9:2026-11-16",
            kind="built-on",
            story=None,
            names=(None, "émile"),
            people=3,
            items=5,
            depth=3,
        )
        referral = feed_group(
            "bo",
            5 * 1024 + 2,
            key="referral:2026-11-16",
            kind="referral",
            contribution=None,
            noun="work",
            story=None,
            names=(None,),
            first_at=AT + timedelta(microseconds=1),
            last_at=AT + timedelta(microseconds=1),
        )
        nameless = feed_group("bo", 6 * 1024, names=(), people=0, week=date(2027, 1, 4))
        same_key = feed_group("bo", 7 * 1024, key=direct.key)  # keys are per recipient
        with store.writing() as s:
            s.save_feed_groups([direct, built_on, referral, nameless, same_key])
            s.save_feed_groups([])
        with store.reading() as s:
            keys = [(g.recipient, g.key) for g in (direct, built_on, referral, nameless)]
            got = s.feed_groups([*keys, ("bo", same_key.key), ("kim", direct.key)])
            assert got == {
                ("ada", direct.key): direct,
                ("ada", built_on.key): built_on,
                ("bo", referral.key): referral,
                ("bo", nameless.key): nameless,
                ("bo", same_key.key): same_key,
            }
            assert s.feed_groups([("ada", referral.key), ("ada", "nope")]) == {}
            assert s.feed_groups([]) == {}
            many = [("ada", f"k{i}") for i in range(1200)] + [("bo", referral.key)]
            assert s.feed_groups(many) == {("bo", referral.key): referral}
            stored = got["ada", built_on.key]
            assert stored.names == (None, "émile")
            assert isinstance(stored.names, tuple)
            assert type(stored.week) is date
            assert stored.position == 9_000_000_001 * 1024 + 1023
            assert got["bo", nameless.key].names == ()
            assert got["bo", referral.key].contribution is None
            assert s.feed_page("ada", None, 10) == [built_on, direct]
            assert s.feed_page("bo", None, 10) == [same_key, nameless, referral]

    def test_saving_feed_groups_replaces_by_position(self, store: Store) -> None:
        opened = feed_group("ada", 3 * 1024, items=1, people=1, names=("bo",))
        with store.writing() as s:
            s.save_feed_groups([opened, feed_group("bo", 3 * 1024)])
        grown = attrs.evolve(
            opened,
            items=4,
            people=2,
            names=("kim", "bo"),
            last_at=AT + timedelta(days=2),
            last_seq=12,
            depth=0,
        )
        with store.writing() as s:
            s.save_feed_groups([grown, feed_group("ada", 12 * 1024 + 3)])
        with store.reading() as s:
            assert s.feed_groups([("ada", opened.key)]) == {("ada", opened.key): grown}
            assert s.feed_page("ada", None, 10) == [feed_group("ada", 12 * 1024 + 3), grown]
            assert s.feed_page("bo", None, 10) == [feed_group("bo", 3 * 1024)]

    def test_feed_pages_newest_first_without_gaps_or_duplicates(self, store: Store) -> None:
        # seq * 1024 + n with gaps and several entries per seq; bo's interleave with ada's
        ada = [feed_group("ada", (3 * i + 1) * 1024 + i % 3) for i in range(250)]
        bo = [feed_group("bo", (3 * i + 2) * 1024) for i in range(40)]
        with store.writing() as s:
            s.save_feed_groups(ada[100:] + bo[::2])
        with store.writing() as s:
            s.save_feed_groups(ada[:100][::-1] + bo[1::2])
        newest_first = sorted(ada, key=lambda g: g.position, reverse=True)
        for size in (1, 7, 50, 250, 300):
            seen: list[FeedGroup] = []
            before: int | None = None
            with store.reading() as s:
                for _ in range(len(ada) + 1):  # bounded: a repeating page fails, not hangs
                    page = s.feed_page("ada", before, size)
                    if not page:
                        break
                    assert len(page) <= size
                    positions = [g.position for g in page]
                    assert positions == sorted(positions, reverse=True)
                    assert before is None or positions[0] < before
                    seen.extend(page)
                    before = positions[-1]
                assert s.feed_page("ada", before, size) == []
            assert seen == newest_first
        with store.reading() as s:
            assert s.feed_page("ada", None, 3) == newest_first[:3]
            # strictly before, even for a position that is not stored
            cut = newest_first[10].position + 1
            assert s.feed_page("ada", cut, 2) == newest_first[10:12]
            assert s.feed_page("ada", newest_first[10].position, 2) == newest_first[11:13]
            assert s.feed_page("ada", newest_first[-1].position, 10) == []
            assert s.feed_page("ada", None, 0) == []
            assert s.feed_page("bo", None, 100) == sorted(
                bo, key=lambda g: g.position, reverse=True
            )
            assert s.feed_page("bo", ada[0].position, 10) == []
            assert s.feed_page("kim", None, 10) == []

    def test_impact_items_round_trip_exactly_in_their_orders(self, store: Store) -> None:
        awkward = impact_item(
            "ada", 10, 2, share=0.1 + 0.2, node=None, beneficiary=None, depth=4, root="c-9"
        )
        items = [
            impact_item("ada", 10, 1, share=5e-324),
            awkward,
            impact_item("bo", 10, 0, share=1 / 3),
            impact_item("ada", 4, 0, share=(1 - 0.6) * 0.6**3 / 7),
            impact_item("ada", 12, 0, position=10 * 1024 + 1, beneficiary="kim"),
            impact_item("ada", 9_000_000_001, 1023, share=1.0),
        ]
        with store.writing() as s:
            s.add_impact_items(items[3:])
            s.add_impact_items(items[:3])
            s.add_impact_items([])
        with store.reading() as s:
            assert s.event_items(10) == [items[2], items[0], awkward]
            stored = s.event_items(10)[2]
            assert stored == awkward
            assert stored.share == 0.30000000000000004
            assert stored.node is None
            assert stored.beneficiary is None
            assert s.event_items(10)[1].share == 5e-324
            assert s.event_items(4)[0].share == (1 - 0.6) * 0.6**3 / 7
            assert s.event_items(9_000_000_001) == [items[5]]
            assert s.event_items(11) == []
            # one feed entry's items: oldest (seq, n) first, at most limit
            assert s.group_items("ada", 10 * 1024 + 1, 10) == [items[0], items[4]]
            assert s.group_items("ada", 10 * 1024 + 1, 1) == [items[0]]
            assert s.group_items("ada", 10 * 1024 + 2, 10) == [awkward]
            assert s.group_items("bo", 10 * 1024 + 1, 10) == []
            assert s.group_items("ada", 10 * 1024 + 1, 0) == []
            # a recipient's items after a seq, oldest first, at most limit
            mine = [items[3], items[0], awkward, items[4], items[5]]
            assert s.recipient_items("ada", 0, 100) == mine
            assert s.recipient_items("ada", 0, 2) == mine[:2]
            assert s.recipient_items("ada", 4, 3) == mine[1:4]
            assert s.recipient_items("ada", 10, 100) == mine[3:]
            assert s.recipient_items("ada", 9_000_000_001, 100) == []
            assert s.recipient_items("bo", 0, 100) == [items[2]]
            assert s.recipient_items("kim", 0, 100) == []

    def test_seen_beneficiaries_are_the_keys_with_an_item(self, store: Store) -> None:
        with store.writing() as s:
            s.add_impact_items(
                [
                    impact_item("ada", 3, 0, beneficiary="bo"),
                    impact_item("ada", 4, 0, position=3 * 1024, beneficiary="kim"),
                    impact_item("ada", 4, 1, beneficiary=None),
                    impact_item("lin", 4, 2, position=3 * 1024, beneficiary="zoe"),
                ]
            )
        with store.reading() as s:
            keys = [
                ("ada", 3 * 1024, "bo"),
                ("ada", 3 * 1024, "kim"),
                ("ada", 3 * 1024, "zoe"),  # zoe was helped, but the item is lin's
                ("lin", 3 * 1024, "bo"),
                ("ada", 4 * 1024 + 1, "bo"),
                ("ada", 4 * 1024, "kim"),
            ]
            assert s.seen_beneficiaries(keys) == {
                ("ada", 3 * 1024, "bo"),
                ("ada", 3 * 1024, "kim"),
            }
            assert s.seen_beneficiaries([]) == set()
            many = [("ada", i, "bo") for i in range(1200)] + [("lin", 3 * 1024, "zoe")]
            assert s.seen_beneficiaries(many) == {("lin", 3 * 1024, "zoe")}

    def test_impact_prefs_round_trip_and_replace(self, store: Store) -> None:
        plain = ImpactPrefs("ada")
        chosen = ImpactPrefs("bo", "anonymous", "week", 9_000_000_001, AT + timedelta(days=1))
        with store.writing() as s:
            s.save_impact_prefs(plain)
            s.save_impact_prefs(chosen)
        with store.reading() as s:
            assert s.impact_prefs(["ada", "bo", "kim"]) == {"ada": plain, "bo": chosen}
            assert s.impact_prefs(["ada"])["ada"].digest_at is None
            assert s.impact_prefs([]) == {}
            many = [f"x{i}" for i in range(1200)] + ["bo"]
            assert s.impact_prefs(many) == {"bo": chosen}
        later = ImpactPrefs("bo", "named", None, 12, None)
        with store.writing() as s:
            s.save_impact_prefs(later)
            s.save_impact_prefs(attrs.evolve(plain, digest="day"))
        with store.reading() as s:
            assert s.impact_prefs(["ada", "bo"]) == {
                "ada": ImpactPrefs("ada", digest="day"),
                "bo": later,
            }

    def test_digest_people_are_the_people_with_a_digest_in_order(self, store: Store) -> None:
        people = {
            "zoe": "day",
            "ada": "week",
            "bo": None,
            "adam": "day",
            "émile": "week",
            "kim": None,
            "lin": "week",
        }
        with store.writing() as s:
            for user, digest in people.items():
                s.save_impact_prefs(ImpactPrefs(user, digest=digest, digest_seq=len(user)))
        expected = [
            ImpactPrefs(u, digest=d, digest_seq=len(u))
            for u, d in sorted(people.items())
            if d is not None
        ]
        assert [p.user for p in expected] == ["ada", "adam", "lin", "zoe", "émile"]
        for size in (1, 2, 5, 10):
            seen: list[ImpactPrefs] = []
            after: str | None = None
            with store.reading() as s:
                for _ in range(len(people) + 1):
                    page = s.digest_people(after, size)
                    if not page:
                        break
                    assert len(page) <= size
                    seen.extend(page)
                    after = page[-1].user
            assert seen == expected
        with store.reading() as s:
            assert [p.user for p in s.digest_people("bo", 2)] == ["lin", "zoe"]  # not stored
            assert [p.user for p in s.digest_people("ada", 1)] == ["adam"]
            assert s.digest_people("émile", 10) == []
            assert s.digest_people(None, 0) == []
        with store.writing() as s:
            s.save_impact_prefs(ImpactPrefs("lin"))  # no digest any more
        with store.reading() as s:
            assert [p.user for p in s.digest_people("adam", 10)] == ["zoe", "émile"]

    def test_missions_are_saved_and_replaced_by_id(self, store: Store) -> None:
        fresh = StoredMission("m-1", 0, ())
        going = StoredMission("m-2", 9_000_000_001, (100, 1_000, 1_000_000))
        with store.writing() as s:
            s.save_missions([fresh, going])
            s.save_missions([])
        with store.reading() as s:
            assert s.missions(["m-1", "m-2", "m-3"]) == {"m-1": fresh, "m-2": going}
            assert isinstance(s.missions(["m-2"])["m-2"].announced, tuple)
            assert s.missions([]) == {}
            many = [f"x{i}" for i in range(1200)] + ["m-1"]
            assert s.missions(many) == {"m-1": fresh}
        with store.writing() as s:
            s.save_missions([StoredMission("m-1", 150, (100,)), StoredMission("m-3", 1, ())])
        with store.reading() as s:
            assert s.missions(["m-1", "m-2", "m-3"]) == {
                "m-1": StoredMission("m-1", 150, (100,)),
                "m-2": going,
                "m-3": StoredMission("m-3", 1, ()),
            }

    def test_mission_parts_accumulate_and_page_by_user(self, store: Store) -> None:
        with store.writing() as s:
            s.add_mission_parts({("m-1", "zoe"): 2, ("m-1", "ada"): 1, ("m-2", "ada"): 5})
            s.add_mission_parts({})
        with store.writing() as s:
            s.add_mission_parts({("m-1", "ada"): 3, ("m-1", "bo"): 1, ("m-1", "émile"): 9})
            s.add_mission_parts({("m-1", "bo"): 9_000_000_000})
        with store.reading() as s:
            keys = [("m-1", "ada"), ("m-1", "bo"), ("m-2", "ada"), ("m-2", "bo"), ("ada", "m-1")]
            assert s.mission_parts(keys) == {
                ("m-1", "ada"): 4,
                ("m-1", "bo"): 9_000_000_001,
                ("m-2", "ada"): 5,
            }
            assert s.mission_parts([]) == {}
            many = [("m-1", f"x{i}") for i in range(1200)] + [("m-1", "zoe")]
            assert s.mission_parts(many) == {("m-1", "zoe"): 2}
            everyone = [("ada", 4), ("bo", 9_000_000_001), ("zoe", 2), ("émile", 9)]
            assert s.mission_contributors("m-1", None, 10) == everyone
            assert s.mission_contributors("m-1", None, 2) == everyone[:2]
            assert s.mission_contributors("m-1", "bo", 1) == [("zoe", 2)]
            assert s.mission_contributors("m-1", "b", 10) == everyone[1:]  # not stored
            assert s.mission_contributors("m-1", "émile", 10) == []
            assert s.mission_contributors("m-1", None, 0) == []
            assert s.mission_contributors("m-2", None, 10) == [("ada", 5)]
            assert s.mission_contributors("m-3", None, 10) == []

    def test_impact_counts_are_per_recipient(self, store: Store) -> None:
        with store.reading() as s:
            assert s.impact_counts() == {}
        with store.writing() as s:
            s.add_impact_items(
                [
                    impact_item("ada", 1, 0),
                    impact_item("bo", 1, 1),
                    impact_item("ada", 2, 0),
                    impact_item("ada", 3, 5, beneficiary=None),
                ]
            )
        with store.reading() as s:
            assert s.impact_counts() == {"ada": 3, "bo": 1}

    def test_forgetting_a_person_erases_them_from_impact(self, store: Store) -> None:
        # ada's own feed and items; bo's and kim's entries credit help ada received
        ada_entries = [feed_group("ada", 1 * 1024), feed_group("ada", 2 * 1024)]
        bo_entry = feed_group("bo", 3 * 1024, names=("ada", "kim"), items=3, people=2)
        kim_entry = feed_group("kim", 3 * 1024 + 1, names=("zoe", "ada"), kind="built-on")
        untouched = feed_group("bo", 5 * 1024, names=("zoe",), items=1, people=1)
        ada_items = [
            impact_item("ada", 1, 0, beneficiary="bo"),
            impact_item("ada", 2, 0, beneficiary="kim"),
            impact_item("ada", 2, 1, position=2 * 1024, beneficiary=None),
        ]
        others = [
            impact_item("bo", 3, 0, beneficiary="kim"),
            impact_item("kim", 3, 1, beneficiary="ada"),
            impact_item("bo", 4, 0, position=3 * 1024, beneficiary="ada"),
            impact_item("bo", 4, 1, position=3 * 1024, beneficiary="ada"),
            impact_item("bo", 5, 0, beneficiary="zoe"),
        ]
        with store.writing() as s:
            s.save_feed_groups([*ada_entries, bo_entry, kim_entry, untouched])
            s.add_impact_items(ada_items + others)
            s.add_contributions(
                [contribution("c-1"), contribution("c-2"), contribution("c-3", owner="bo")]
            )
            s.add_referrals({"ada": "lin", "bo": "ada", "kim": "lin"})
            s.set_identity_groups({"ada": "g-1", "bo": "g-1"})
            s.save_impact_prefs(ImpactPrefs("ada", "anonymous", "day"))
            s.save_impact_prefs(ImpactPrefs("bo", digest="week"))
            s.save_missions([StoredMission("m-1", 6, ())])
            s.add_mission_parts({("m-1", "ada"): 2, ("m-1", "bo"): 3, ("m-2", "ada"): 1})
        with store.writing() as s:
            assert s.forget_impact("ada") == 3
        with store.writing() as s:
            assert s.forget_impact("ada") == 0
            assert s.forget_impact("nobody") == 0
        with store.reading() as s:
            # their feed and items are gone
            assert s.feed_page("ada", None, 10) == []
            assert s.feed_groups([("ada", g.key) for g in ada_entries]) == {}
            assert s.recipient_items("ada", 0, 10) == []
            assert s.group_items("ada", 2 * 1024, 10) == []
            assert s.impact_counts() == {"bo": 4, "kim": 1}
            # they are None as beneficiary of others' items, and in those entries' names
            anonymous = [
                attrs.evolve(i, beneficiary=None) if i.beneficiary == "ada" else i for i in others
            ]
            assert s.recipient_items("bo", 0, 10) == [anonymous[0], *anonymous[2:]]
            assert s.recipient_items("kim", 0, 10) == [anonymous[1]]
            assert s.event_items(3) == anonymous[:2]
            assert (
                s.seen_beneficiaries([("bo", 3 * 1024, "ada"), ("kim", 3 * 1024 + 1, "ada")])
                == set()
            )
            assert s.seen_beneficiaries([("bo", 3 * 1024, "kim")]) == {("bo", 3 * 1024, "kim")}
            assert s.feed_page("bo", None, 10) == [
                untouched,
                attrs.evolve(bo_entry, names=(None, "kim")),
            ]
            assert s.feed_page("kim", None, 10) == [attrs.evolve(kim_entry, names=("zoe", None))]
            # they are None as owner of their contributions, which stay
            assert s.contributions(["c-1", "c-2", "c-3"]) == {
                "c-1": contribution("c-1", owner=None),
                "c-2": contribution("c-2", owner=None),
                "c-3": contribution("c-3", owner="bo"),
            }
            # their referral, the referrals they made, their link, choices and parts go
            assert s.referrers(["ada", "bo", "kim"]) == {"kim": "lin"}
            assert s.identity_groups(["ada", "bo"]) == {"bo": "g-1"}
            assert s.identity_members("g-1") == ["bo"]
            assert s.impact_prefs(["ada", "bo"]) == {"bo": ImpactPrefs("bo", digest="week")}
            assert [p.user for p in s.digest_people(None, 10)] == ["bo"]
            keys = [("m-1", "ada"), ("m-1", "bo"), ("m-2", "ada")]
            assert s.mission_parts(keys) == {("m-1", "bo"): 3}
            assert s.mission_contributors("m-1", None, 10) == [("bo", 3)]
            assert s.mission_contributors("m-2", None, 10) == []
            assert s.missions(["m-1"]) == {"m-1": StoredMission("m-1", 6, ())}
            # only a digest of the id is kept, and it is all the store can say
            assert s.forgotten(["ada", "bo", "kim"]) == {"ada"}
        with store.writing() as s:
            s.clear_impact()  # a replay starts afresh but does not bring them back
            assert s.forgotten(["ada", "kim"]) == {"ada"}

    def test_clearing_impact_keeps_choices_and_identity_links(self, store: Store) -> None:
        entry_ = feed_group("ada", 1024)
        item = impact_item("ada", 1)
        with store.writing() as s:
            s.add_contributions([contribution("c-1")])
            s.add_referrals({"bo": "ada"})
            s.set_identity_groups({"ada": "g-1"})
            s.save_feed_groups([entry_])
            s.add_impact_items([item])
            s.save_impact_prefs(ImpactPrefs("ada", digest="week", digest_seq=1))
            s.save_missions([StoredMission("m-1", 3, (1,))])
            s.add_mission_parts({("m-1", "ada"): 3})
        with store.writing() as s:
            s.clear_impact()
        with store.reading() as s:
            assert s.contributions(["c-1"]) == {}
            assert s.referrers(["bo"]) == {}
            assert s.feed_groups([("ada", entry_.key)]) == {}
            assert s.feed_page("ada", None, 10) == []
            assert s.event_items(1) == []
            assert s.recipient_items("ada", 0, 10) == []
            assert s.seen_beneficiaries([("ada", 1024, "bo")]) == set()
            assert s.impact_counts() == {}
            assert s.missions(["m-1"]) == {}
            assert s.mission_parts([("m-1", "ada")]) == {}
            assert s.mission_contributors("m-1", None, 10) == []
            assert s.identity_groups(["ada"]) == {"ada": "g-1"}
            assert s.identity_members("g-1") == ["ada"]
            prefs = ImpactPrefs("ada", digest="week", digest_seq=1)
            assert s.impact_prefs(["ada"]) == {"ada": prefs}
            assert s.digest_people(None, 10) == [prefs]
        with store.writing() as s:  # and the tables take the same rows again
            s.add_contributions([contribution("c-1", owner="bo")])
            s.add_referrals({"bo": "kim"})
            s.save_feed_groups([entry_])
            s.add_impact_items([item])
            s.add_mission_parts({("m-1", "ada"): 1})
        with store.reading() as s:
            assert s.contributions(["c-1"]) == {"c-1": contribution("c-1", owner="bo")}
            assert s.referrers(["bo"]) == {"bo": "kim"}
            assert s.feed_groups([("ada", entry_.key)]) == {("ada", entry_.key): entry_}
            assert s.event_items(1) == [item]
            assert s.mission_parts([("m-1", "ada")]) == {("m-1", "ada"): 1}

    def test_a_failed_unit_of_work_leaves_no_impact_writes(self, store: Store) -> None:
        entries = [feed_group("ada", 1024), feed_group("bo", 2 * 1024, names=("ada",))]
        items = [impact_item("ada", 1), impact_item("bo", 2, beneficiary="ada")]
        prefs = ImpactPrefs("ada", digest="day")
        with store.writing() as s:
            s.add_contributions([contribution("c-1")])
            s.add_referrals({"bo": "ada"})
            s.set_identity_groups({"ada": "g-1"})
            s.save_feed_groups(entries)
            s.add_impact_items(items)
            s.save_impact_prefs(prefs)
            s.save_missions([StoredMission("m-1", 3, (1,))])
            s.add_mission_parts({("m-1", "ada"): 3})

        def failing_unit_of_work() -> None:
            with store.writing() as s:
                s.add_contributions([contribution("c-2")])
                s.add_referrals({"kim": "ada"})
                s.set_identity_groups({"ada": "g-2", "kim": "g-3"})
                s.save_feed_groups([attrs.evolve(entries[0], items=9), feed_group("ada", 7 * 1024)])
                s.add_impact_items([impact_item("ada", 7)])
                s.save_impact_prefs(ImpactPrefs("ada"))
                s.save_impact_prefs(ImpactPrefs("kim", digest="week"))
                s.save_missions([StoredMission("m-1", 4, (1, 4)), StoredMission("m-2", 1, ())])
                s.add_mission_parts({("m-1", "ada"): 1, ("m-1", "kim"): 1})
                assert s.forget_impact("ada") == 2
                s.clear_impact()
                s.add_contributions([contribution("c-3")])
                s.save_feed_groups([feed_group("zoe", 1024)])
                raise RuntimeError("boom")

        with pytest.raises(RuntimeError, match="boom"):
            failing_unit_of_work()
        with store.reading() as s:
            assert s.contributions(["c-1", "c-2", "c-3"]) == {"c-1": contribution("c-1")}
            assert s.referrers(["bo", "kim"]) == {"bo": "ada"}
            assert s.identity_groups(["ada", "kim"]) == {"ada": "g-1"}
            assert s.identity_members("g-1") == ["ada"]
            assert s.identity_members("g-2") == []
            assert s.feed_page("ada", None, 10) == [entries[0]]
            assert s.feed_page("bo", None, 10) == [entries[1]]
            assert s.feed_page("zoe", None, 10) == []
            assert s.feed_groups([("ada", entries[0].key)]) == {("ada", entries[0].key): entries[0]}
            assert s.recipient_items("ada", 0, 10) == [items[0]]
            assert s.event_items(2) == [items[1]]
            assert s.impact_counts() == {"ada": 1, "bo": 1}
            assert s.impact_prefs(["ada", "kim"]) == {"ada": prefs}
            assert s.missions(["m-1", "m-2"]) == {"m-1": StoredMission("m-1", 3, (1,))}
            assert s.mission_contributors("m-1", None, 10) == [("ada", 3)]


StoreFactory = Callable[[], Store]
