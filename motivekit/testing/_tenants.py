"""The tenant contract: two tenants of one database see and change none of each other's
data through any slice of the store protocol."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date

import pytest

from motivekit.store import ReplayState, Session, Store, StoredCheckpoint
from motivekit.store._records import ImpactPrefs, StoredMission
from motivekit.testing._values import (
    AT,
    BAND,
    append,
    contribution,
    entry,
    feed_group,
    goal,
    impact_item,
    skill,
)

__all__ = ["TenantContract", "TenantOpener"]

TenantOpener = Callable[[str], Store]
"""Opens the store of one tenant (``"acme"``, ``"globex"``) of one shared database."""

DAY = date(2026, 11, 21)


def _fill(s: Session, who: str) -> None:
    """The same keys in every slice, with values that say which tenant wrote them."""
    append(s, entry(1, "e1"), entry(2, "e2", subject="bo"))
    s.add_tiles([(8, 0, who.encode().ljust(32, b"."))])
    s.add_checkpoint(StoredCheckpoint(2, f"{who}\n2\n", AT))
    s.save_replay_state(ReplayState(3, None, 1, AT, None, None))
    s.insert_goals([goal("g1", title=who)])
    s.add_goal_counts({"g1": 2}, {("g1", DAY): 2})
    s.set_consent("ada", "goals", who == "acme", AT)
    s.save_skills([skill(level=who)])
    s.save_skill_items({("reviews", "i1"): (1.5, 2)})
    s.set_skill_band("ada", "reviews", BAND, AT)
    s.add_contributions([contribution("c1", noun=who)])
    s.add_referrals({"bo": "ada"})
    s.set_identity_groups({"ada": f"{who}-group"})
    s.save_feed_groups([feed_group("ada", 5, noun=who)])
    s.add_impact_items([impact_item("ada", 2)])
    s.save_impact_prefs(ImpactPrefs("ada", "named", "weekly", 0, None))
    s.save_missions([StoredMission("m1", 4, (len(who),))])
    s.add_mission_parts({("m1", "ada"): 4})


def _read(s: Session) -> dict[str, object]:
    """What one tenant sees through every read of the protocol."""
    return {
        "known": s.known_events(["e1", "e2"]),
        "head": s.head(),
        "size": s.journal_size(),
        "entries": s.entries(0, 10),
        "scan": s.scan(0, 10),
        "last": s.last_entries(10),
        "tiles": s.node_hashes(8, 0, 1),
        "leaves": s.node_hashes(0, 0, 10),
        "subjects": s.subjects(None, 10),
        "subject_entries": s.subject_entries("ada"),
        "replay": s.replay_state(),
        "checkpoints": s.checkpoints(),
        "goal": s.goal("g1"),
        "goals": s.goals(),
        "active": s.active_goals(["ada"], ["review.submitted"]),
        "days": s.goal_days(["g1"]),
        "day_counts": s.day_counts(["g1"], DAY, date(2026, 11, 22)),
        "consents": s.consents(["ada"]),
        "skills": s.skills([("ada", "reviews")]),
        "user_skills": s.user_skills("ada"),
        "all_skills": s.all_skills(None, 10),
        "items": s.skill_items([("reviews", "i1")]),
        "bands": s.skill_bands([("ada", "reviews")]),
        "user_bands": s.user_bands("ada"),
        "contributions": s.contributions(["c1"]),
        "owned": s.owned_contributions("ada"),
        "referrers": s.referrers(["bo"]),
        "groups": s.identity_groups(["ada"]),
        "members": s.identity_members("acme-group") + s.identity_members("globex-group"),
        "feed": s.feed_groups([("ada", feed_group("ada", 5).key)]),
        "page": s.feed_page("ada", None, 10),
        "seen": s.seen_beneficiaries([("ada", 2 * 1024, "bo")]),
        "group_items": s.group_items("ada", 2 * 1024, 10),
        "event_items": s.event_items(2),
        "recipient_items": s.recipient_items("ada", 0, 10),
        "beneficiary_items": s.beneficiary_items("bo"),
        "prefs": s.impact_prefs(["ada"]),
        "digest_people": s.digest_people(None, 10),
        "missions": s.missions(["m1"]),
        "parts": s.mission_parts([("m1", "ada")]),
        "contributors": s.mission_contributors("m1", None, 10),
        "user_parts": s.user_mission_parts("ada"),
        "counts": s.impact_counts(),
        "forgotten": s.forgotten(["ada"]),
    }


class TenantContract:
    """Tenant isolation: subclass it and give it a ``tenant_opener`` fixture, a callable
    that opens the store of a named tenant of one shared, empty database (for a store
    with one database per instance, such as ``MemoryStore``, the tenants of one database
    are the ones :meth:`~motivekit.store.MemoryStore.tenant_store` opens)."""

    @pytest.fixture
    def tenants(self, tenant_opener: TenantOpener) -> Iterator[tuple[Store, Store]]:
        acme, globex = tenant_opener("acme"), tenant_opener("globex")
        try:
            yield acme, globex
        finally:
            acme.close()
            globex.close()

    def test_a_store_names_its_tenant(self, tenants: tuple[Store, Store]) -> None:
        assert [t.tenant for t in tenants] == ["acme", "globex"]

    def test_a_new_tenant_sees_nothing_of_anothers(self, tenants: tuple[Store, Store]) -> None:
        acme, globex = tenants
        with globex.reading() as s:
            empty = _read(s)
        with acme.writing() as s:
            _fill(s, "acme")
        with globex.reading() as s:
            assert _read(s) == empty
        with acme.reading() as s:
            seen = _read(s)
        assert seen["size"] == 2
        assert all(v for k, v in seen.items() if k not in ("forgotten", "replay")), seen

    def test_the_same_keys_in_two_tenants_are_two_rows(self, tenants: tuple[Store, Store]) -> None:
        acme, globex = tenants
        for store in tenants:
            with store.writing() as s:
                _fill(s, store.tenant)
        with acme.writing() as s:  # writes to acme's rows only
            s.add_goal_counts({"g1": 5}, {("g1", DAY): 5})
            s.add_mission_parts({("m1", "ada"): 1})
            s.save_goal(goal("g1", title="renamed", total=99))
        with acme.reading() as s:
            a = _read(s)
        with globex.reading() as s:
            g = _read(s)
        assert g["goal"] is not None
        assert a["goal"] is not None
        assert (g["goal"].title, g["goal"].total) == ("globex", 2)  # type: ignore[attr-defined]
        assert (a["goal"].title, a["goal"].total) == ("renamed", 99)  # type: ignore[attr-defined]
        assert g["days"] == {("g1", DAY): 2}
        assert a["days"] == {("g1", DAY): 7}
        assert g["parts"] == {("m1", "ada"): 4}
        assert g["consents"] == {"ada": {"goals": False}}
        assert a["consents"] == {"ada": {"goals": True}}
        assert [c.note for c in g["checkpoints"]] == ["globex\n2\n"]  # type: ignore[attr-defined]
        assert g["members"] == ["ada"]
        assert g["missions"] == {"m1": StoredMission("m1", 4, (len("globex"),))}

    def test_erasing_and_clearing_one_tenant_leaves_the_other(
        self, tenants: tuple[Store, Store]
    ) -> None:
        acme, globex = tenants
        for store in tenants:
            with store.writing() as s:
                _fill(s, store.tenant)
        with globex.reading() as s:
            before = _read(s)
        with acme.writing() as s:
            assert s.erase_personal("ada") == 1
            assert s.delete_goals("ada") == 1
            s.delete_consents("ada")
            assert s.delete_skills("ada") == 1
            s.forget_impact("ada")
            s.clear_mastery()
            s.clear_impact()
        with acme.reading() as s:
            after = _read(s)
            assert s.subject_entries("ada") == []
        assert after["forgotten"] == {"ada"}
        assert after["goals"] == []
        with globex.reading() as s:
            assert _read(s) == before
