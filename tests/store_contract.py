"""The store contract: behaviour every storage backend must have.

``tests/test_store_contract.py`` runs these against each store; a new backend (PostgreSQL,
MariaDB, Django ORM) passes by adding a fixture, not by writing new tests.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

import attrs
import pytest

from motivekit.goals._model import GoalState, GoalStatus, Measure, Plan
from motivekit.store import NewEntry, Store

AT = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)


def entry(n: int, event_id: str | None = None) -> NewEntry:
    return NewEntry(
        "event" if event_id else "command",
        "review.submitted",
        f"user-{n}",
        event_id,
        AT,
        f'{{"n":{n}}}'.encode(),
    )


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

    def test_append_assigns_gapless_sequence_numbers_from_one(self, store: Store) -> None:
        with store.writing() as s:
            assert s.append([entry(1, "e1"), entry(2)]) == [1, 2]
        with store.writing() as s:
            assert s.append([entry(3, "e3")]) == [3]
            assert s.append([]) == []
        with store.reading() as s:
            assert s.journal_size() == 3
            assert [e.seq for e in s.entries(0, 10)] == [1, 2, 3]

    def test_entries_round_trip_exactly(self, store: Store) -> None:
        raw = '{"ä":"ü","n":1}'.encode()
        new = NewEntry("event", "kind.x", "ada", "ev-9", AT, raw)
        with store.writing() as s:
            s.append([new])
        with store.reading() as s:
            (got,) = s.entries(0, 1)
        assert (got.seq, got.type, got.name, got.actor, got.event_id) == (
            1,
            *attrs.astuple(new)[:4],
        )
        assert got.recorded_at == AT
        assert got.raw == raw
        assert isinstance(got.raw, bytes)

    def test_entries_paging_and_tail(self, store: Store) -> None:
        with store.writing() as s:
            s.append([entry(i) for i in range(1, 8)])
        with store.reading() as s:
            assert [e.seq for e in s.entries(2, 3)] == [3, 4, 5]
            assert [e.seq for e in s.entries(6, 10)] == [7]
            assert s.entries(7, 10) == []
            assert [e.seq for e in s.last_entries(3)] == [5, 6, 7]
            assert [e.seq for e in s.last_entries(100)] == list(range(1, 8))

    def test_known_events_maps_ids_to_seqs(self, store: Store) -> None:
        with store.writing() as s:
            s.append([entry(1, "a"), entry(2), entry(3, "b")])
        with store.reading() as s:
            assert s.known_events(["a", "b", "c"]) == {"a": 1, "b": 3}
            assert s.known_events([]) == {}
            many = [f"x{i}" for i in range(1200)] + ["b"]
            assert s.known_events(many) == {"b": 3}

    def test_a_failed_unit_of_work_leaves_nothing(self, store: Store) -> None:
        with store.writing() as s:
            s.append([entry(1, "kept")])
            s.save_goal(goal("g1"))

        def failing_unit_of_work() -> None:
            with store.writing() as s:
                s.append([entry(2, "lost")])
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
        with store.writing() as s:
            assert s.append([entry(3)]) == [2]

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


StoreFactory = Callable[[], Store]
