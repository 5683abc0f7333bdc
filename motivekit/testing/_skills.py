"""The skills slice's contract: skill states (their floats exactly), learned item
difficulties and people's own challenge bands; and, for a durable store, that they survive
reopening.
"""

from __future__ import annotations

from datetime import timedelta

import attrs
import pytest

from motivekit.store import ReplayState, SkillBand, Store, StoredSkill
from motivekit.testing._capabilities import Capability, StoreOpener, requires
from motivekit.testing._person import PersonSkillRows
from motivekit.testing._values import AT, BAND, opened, skill

__all__ = ["SkillsContract"]


class SkillsContract(PersonSkillRows):
    """The skills slice (:class:`~motivekit.store.SkillsSession`). Also saves replay progress
    (clearing mastery, or failing, leaves it alone), so check it after the journal."""

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

    @requires(Capability.DURABLE)
    def test_committed_skills_survive_reopening(self, store_opener: StoreOpener) -> None:
        with opened(store_opener) as store, store.writing() as s:
            s.save_skills([skill(), skill("bo", last_at=None, recent=())])
            s.save_skill_items({("reviews", "pr-1"): (0.1 + 0.2, 3)})
            s.set_skill_band("ada", "reviews", BAND, AT)
        with opened(store_opener) as store, store.reading() as s:
            assert s.all_skills(None, 10) == [skill(), skill("bo", last_at=None, recent=())]
            assert s.skill_items([("reviews", "pr-1")]) == {("reviews", "pr-1"): (0.1 + 0.2, 3)}
            assert s.skill_bands([("ada", "reviews")]) == {("ada", "reviews"): BAND}
