"""The skills and impact slices' contract, continued: reading everything one person has
(what ``kit.privacy.export`` reads). :class:`motivekit.testing.SkillsContract` includes
:class:`PersonSkillRows`, :class:`motivekit.testing.ImpactContract` includes
:class:`PersonImpactRows`."""

from __future__ import annotations

import attrs

from motivekit.store import SkillBand, Store
from motivekit.testing._capabilities import Contract
from motivekit.testing._values import AT, BAND, contribution, feed_group, impact_item, skill

__all__ = ["PersonImpactRows", "PersonSkillRows"]


class PersonSkillRows(Contract):
    """One person's own challenge bands, on every track (part of the skills slice)."""

    def test_user_bands_are_every_band_of_one_person_by_track(self, store: Store) -> None:
        odd = SkillBand(0.1 + 0.2, 0.9, 1 / 3)
        with store.writing() as s:
            s.save_skills([skill("ada", "reviews"), skill("bo", "reviews")])
            s.set_skill_band("ada", "reviews", BAND, AT)
            s.set_skill_band("ada", "gone-track", odd, AT)  # no skill state on it
            s.set_skill_band("ada", "écrire", BAND, AT)
            s.set_skill_band("ada", "écrire", None, AT)  # back to the default
            s.set_skill_band("bo", "reviews", odd, AT)
            s.set_skill_band("Ada", "reviews", odd, AT)
        with store.reading() as s:
            got = s.user_bands("ada")
            assert got == {"gone-track": odd, "reviews": BAND}
            assert list(got) == ["gone-track", "reviews"]
            assert got["gone-track"].low == 0.1 + 0.2  # floats exactly
            assert s.user_bands("bo") == {"reviews": odd}
            assert s.user_bands("nobody") == {}
        with store.writing() as s:
            s.delete_skills("ada")
        with store.reading() as s:
            assert s.user_bands("ada") == {}
            assert s.user_bands("bo") == {"reviews": odd}


class PersonImpactRows(Contract):
    """One person's contributions, the help they received and their mission parts (part
    of the impact slice)."""

    def test_owned_contributions_are_one_persons_by_seq_then_id(self, store: Store) -> None:
        late = contribution("c-0", seq=9_000_000_001)
        first = contribution("c-9", seq=3, parents=())
        same_seq = [contribution("c-b", seq=5), contribution("c-a", seq=5)]
        with store.writing() as s:
            s.add_contributions([late, first, *same_seq, contribution("c-x", owner="bo")])
            s.add_contributions([contribution("c-y", owner=None), contribution("c-z", owner="Ada")])
        with store.reading() as s:
            assert s.owned_contributions("ada") == [first, same_seq[1], same_seq[0], late]
            assert s.owned_contributions("bo") == [contribution("c-x", owner="bo")]
            assert s.owned_contributions("nobody") == []
        with store.writing() as s:
            s.forget_impact("ada")
        with store.reading() as s:
            assert s.owned_contributions("ada") == []
            assert s.owned_contributions("Ada") == [contribution("c-z", owner="Ada")]

    def test_beneficiary_items_are_the_help_one_person_received(self, store: Store) -> None:
        helped = [
            impact_item("bo", 4, 0, beneficiary="ada"),
            impact_item("kim", 4, 1, position=4 * 1024, beneficiary="ada", depth=1, node="c-2"),
            impact_item("bo", 9_000_000_001, 2, beneficiary="ada", share=0.1 + 0.2),
        ]
        others = [
            impact_item("ada", 2, 0, beneficiary="bo"),  # help ada's work gave bo
            impact_item("bo", 3, 0, beneficiary="kim"),
            impact_item("bo", 5, 0, beneficiary=None),
        ]
        with store.writing() as s:
            s.save_feed_groups([feed_group(i.recipient, i.position) for i in helped])
            s.add_impact_items([helped[2], others[0], helped[1], others[1], helped[0], others[2]])
        with store.reading() as s:
            assert s.beneficiary_items("ada") == helped
            assert s.beneficiary_items("ada")[2].share == 0.1 + 0.2
            assert s.beneficiary_items("bo") == [others[0]]
            assert s.beneficiary_items("nobody") == []
        with store.writing() as s:
            s.forget_impact("ada")
        with store.reading() as s:
            assert s.beneficiary_items("ada") == []
            assert s.event_items(4) == [attrs.evolve(i, beneficiary=None) for i in helped[:2]]

    def test_user_mission_parts_are_one_persons_parts_by_mission(self, store: Store) -> None:
        with store.writing() as s:
            s.add_mission_parts({("m-2", "ada"): 5, ("m-1", "ada"): 1, ("m-1", "bo"): 2})
            s.add_mission_parts({("m-1", "ada"): 9_000_000_000, ("écrire", "ada"): 1})
        with store.reading() as s:
            got = s.user_mission_parts("ada")
            assert got == {"m-1": 9_000_000_001, "m-2": 5, "écrire": 1}
            assert s.user_mission_parts("bo") == {"m-1": 2}
            assert s.user_mission_parts("nobody") == {}
        with store.writing() as s:
            s.forget_impact("ada")
        with store.reading() as s:
            assert s.user_mission_parts("ada") == {}
            assert s.user_mission_parts("bo") == {"m-1": 2}
