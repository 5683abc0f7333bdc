"""The goals slice's contract: goals, their counts per day, and the goals of people who
switched goals off; and, for a durable store, that they survive reopening.
"""

from __future__ import annotations

from datetime import date

import attrs
import pytest

from motivekit.goals._model import GoalStatus
from motivekit.store import Store, StoredCheckpoint
from motivekit.testing._capabilities import Capability, Contract, StoreOpener, requires
from motivekit.testing._values import AT, append, entry, goal, opened

__all__ = ["GoalsContract"]


class GoalsContract(Contract):
    """The goals slice (:class:`~motivekit.store.GoalsSession`). Also sets consent (active
    goals do not depend on it) and appends journal entries (a unit of work that fails
    leaves nothing in any of the three), so check it after those two."""

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
            found = s.active_goals({"ada"}, {"review.submitted"})
            assert [g.id for g in found] == ["g1"]
            kinds = {"review.submitted", "answer.posted"}
            both = s.active_goals({"ada", "lin"}, kinds)
            assert sorted(g.id for g in both) == ["g1", "g2", "g4"]
            assert s.active_goals(set(), kinds) == []
            assert s.active_goals({"ada", "lin"}, set()) == []
            many = [f"x{i}" for i in range(1200)] + ["lin"]
            assert [g.id for g in s.active_goals(many, kinds)] == ["g4"]

    def test_active_goals_do_not_depend_on_consent(self, store: Store) -> None:
        """A store keeps consent choices but never decides with them: the pipeline does."""
        with store.writing() as s:
            s.save_goal(goal("g1"))
            s.save_goal(goal("g2", owner="lin"))
            s.set_consent("ada", "goals", False, AT)
            s.set_consent("lin", "goals", True, AT)
        with store.reading() as s:
            found = s.active_goals({"ada", "lin"}, {"review.submitted"})
            assert sorted(g.id for g in found) == ["g1", "g2"]
            assert s.consents(["ada", "lin"]) == {"ada": {"goals": False}, "lin": {"goals": True}}

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

    @requires(Capability.DURABLE)
    def test_committed_goals_survive_reopening(self, store_opener: StoreOpener) -> None:
        day = date(2026, 11, 21)
        with opened(store_opener) as store, store.writing() as s:
            s.insert_goals([goal("g1"), goal("g2", owner="lin", created_seq=2)])
            s.add_goal_counts({"g1": 2}, {("g1", day): 2})
        with opened(store_opener) as store, store.reading() as s:
            assert s.goals() == [goal("g1", total=2), goal("g2", owner="lin", created_seq=2)]
            assert s.goal_days(["g1", "g2"]) == {("g1", day): 2}
