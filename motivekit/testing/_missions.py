"""The impact slice's contract, continued: collective missions and people's parts in them
(:class:`motivekit.testing.ImpactContract` includes these tests)."""

from __future__ import annotations

from motivekit.store import Store
from motivekit.store._protocol import StoredMission
from motivekit.testing._capabilities import Contract

__all__ = ["MissionRows"]


class MissionRows(Contract):
    """Missions' progress and people's parts (part of the impact slice)."""

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
