"""The impact slice's contract: contributions, referrals, identity links, feeds and their
items, people's choices, missions, forgetting a person; and, for a durable store, that they
survive reopening.
"""

from __future__ import annotations

from datetime import date, timedelta

import attrs
import pytest

from motivekit.store import Store
from motivekit.store._protocol import FeedGroup, ImpactPrefs, StoredMission
from motivekit.testing._capabilities import Capability, StoreOpener, requires
from motivekit.testing._missions import MissionRows
from motivekit.testing._person import PersonImpactRows
from motivekit.testing._values import AT, contribution, feed_group, impact_item, opened

__all__ = ["ImpactContract"]


class ImpactContract(MissionRows, PersonImpactRows):
    """The impact slice (:class:`~motivekit.store.ImpactSession`); needs no other slice.
    Its missions' tests are in :class:`~motivekit.testing._missions.MissionRows`, reading
    one person's rows in :class:`~motivekit.testing._person.PersonImpactRows`."""

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

    @requires(Capability.DURABLE)
    def test_committed_impact_survives_reopening(self, store_opener: StoreOpener) -> None:
        feed, item, mission = (
            feed_group("ada", 1024),
            impact_item("ada", 1),
            StoredMission("m", 3, (1,)),
        )
        with opened(store_opener) as store, store.writing() as s:
            s.add_contributions([contribution("c-1")])
            s.add_referrals({"bo": "ada"})
            s.set_identity_groups({"ada": "g-1"})
            s.save_feed_groups([feed])
            s.add_impact_items([item])
            s.save_impact_prefs(ImpactPrefs("ada", digest="week"))
            s.save_missions([mission])
            s.add_mission_parts({("m", "ada"): 3})
            s.forget_impact("zoe")
        with opened(store_opener) as store, store.reading() as s:
            assert s.contributions(["c-1"]) == {"c-1": contribution("c-1")}
            assert s.referrers(["bo"]) == {"bo": "ada"}
            assert s.identity_groups(["ada"]) == {"ada": "g-1"}
            assert s.feed_page("ada", None, 10) == [feed]
            assert s.event_items(1) == [item]
            assert s.impact_prefs(["ada"]) == {"ada": ImpactPrefs("ada", digest="week")}
            assert s.missions(["m"]) == {"m": mission}
            assert s.mission_parts([("m", "ada")]) == {("m", "ada"): 3}
            assert s.forgotten(["zoe", "ada"]) == {"zoe"}
