"""The store contract: behaviour every storage backend must have.

``tests/test_store_contract.py`` runs these against each store; a new backend (PostgreSQL,
MariaDB, Django ORM) passes by adding a fixture, not by writing new tests.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import UTC, date, datetime

import attrs
import pytest

from motivekit.goals._model import GoalState, GoalStatus, Measure, Plan
from motivekit.store import ReplayState, Session, Store, StoredCheckpoint, StoredEntry

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


StoreFactory = Callable[[], Store]
