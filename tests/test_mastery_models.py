"""Mastery models: Elo, BKT, a criteria ladder, retention, next challenges and levels.

Hand-computed values carry their arithmetic in comments; simulations use fixed seeds
and state their tolerances.
"""

from __future__ import annotations

import itertools
import math
import random
import statistics
from datetime import UTC, datetime, timedelta

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from motivekit import InvalidInput
from motivekit.mastery import (
    BktSkill,
    Challenge,
    CriteriaSkill,
    EloSkill,
    Evidence,
    InvalidEvidence,
    InvalidTrack,
    ItemState,
    Ladder,
    LearnerState,
    SkillModel,
    about,
    check_band,
    feedback,
    half_life,
    next_challenges,
    recall,
    refresh_at,
    refresh_due,
    sigmoid,
)
from motivekit.rules._model import BktModel, CriteriaModel, EloK, EloModel, Level

EXACT = 1e-12  # tolerance for hand-computed values

# ---------------------------------------------------------------- Elo, by hand


def test_elo_one_step_by_hand() -> None:
    elo = EloSkill(guess=0.0, a=1.0, b=0.05)
    learner = LearnerState(theta=0.5, evidence=10)
    item = ItemState(d=0.0, n=20)
    # P = sigmoid(0.5 - 0) = 1 / (1 + e^-0.5) = 0.6224593312018546
    p = 1 / (1 + math.exp(-0.5))
    assert elo.predict(learner, item) == pytest.approx(0.6224593312018546, abs=EXACT)
    new_learner, new_item = elo.update(learner, item, 1.0)
    # K_learner = 1 / (1 + 0.05 * 10) = 1 / 1.5 = 0.6666...
    # theta' = 0.5 + 0.6667 * (1 - 0.62246) = 0.5 + 0.6667 * 0.37754 = 0.75169378
    assert new_learner.theta == pytest.approx(0.5 + (1 - p) / 1.5, abs=EXACT)
    assert new_learner.theta == pytest.approx(0.7516937791987636, abs=EXACT)
    # K_item = 1 / (1 + 0.05 * 20) = 0.5; d' = 0 - 0.5 * 0.37754 = -0.18877033 (opposite sign)
    assert new_item is not None
    assert new_item.d == pytest.approx(-0.5 * (1 - p), abs=EXACT)
    assert new_item.d == pytest.approx(-0.1887703343990727, abs=EXACT)
    assert (new_learner.evidence, new_item.n) == (11, 21)
    assert new_learner.successes == 1.0


def test_elo_k_shrinks_with_experience() -> None:
    elo = EloSkill(a=0.8, b=0.1)
    assert [elo.k(n) for n in (0, 10, 30)] == pytest.approx([0.8, 0.4, 0.2], abs=EXACT)
    ks = [elo.k(n) for n in range(200)]
    assert all(a > b for a, b in itertools.pairwise(ks))
    # the same surprise moves a newcomer further than an experienced learner
    fresh, _ = elo.update(LearnerState(evidence=0), 0.0, 1.0)
    seasoned, _ = elo.update(LearnerState(evidence=30), 0.0, 1.0)
    assert fresh.theta == pytest.approx(0.8 * 0.5, abs=EXACT)  # K(0) * (1 - 0.5)
    assert seasoned.theta == pytest.approx(0.2 * 0.5, abs=EXACT)  # K(30) * (1 - 0.5)
    assert elo.uncertainty(LearnerState(evidence=0)) == 1.0
    assert elo.uncertainty(LearnerState(evidence=10)) == pytest.approx(0.5, abs=EXACT)


def test_elo_guess_parameter() -> None:
    elo = EloSkill(guess=0.25)
    # P = 0.25 + 0.75 * sigmoid(0) = 0.25 + 0.375 = 0.625
    assert elo.predict(LearnerState(), 0.0) == pytest.approx(0.625, abs=EXACT)
    assert elo.estimate(LearnerState()) == pytest.approx(0.625, abs=EXACT)
    # far too hard: the guess is the floor
    assert elo.predict(LearnerState(theta=-40.0), 0.0) == pytest.approx(0.25, abs=1e-15)
    # a wrong answer at P = 0.625 moves theta by K(0) * (0 - 0.625) = -0.625
    after, _ = elo.update(LearnerState(), 0.0, 0.0)
    assert after.theta == pytest.approx(-0.625, abs=EXACT)


def test_elo_item_moves_opposite_to_learner_and_fixed_difficulty_is_not_learned() -> None:
    elo = EloSkill()
    for outcome in (0.0, 0.3, 1.0):
        learner, item = elo.update(LearnerState(), ItemState(d=0.2), outcome)
        assert item is not None
        assert (learner.theta - 0.0) * (item.d - 0.2) < 0  # opposite directions
    _, none = elo.update(LearnerState(), 0.2, 1.0)
    assert none is None
    # an unknown difficulty counts as 0
    assert elo.predict(LearnerState(theta=1.0), None) == pytest.approx(sigmoid(1.0), abs=EXACT)


def test_elo_from_spec_and_sigmoid_is_safe() -> None:
    elo = EloSkill.from_spec(EloModel(guess=0.1, k=EloK(a=0.5, b=0.2)))
    assert (elo.guess, elo.a, elo.b) == (0.1, 0.5, 0.2)
    assert sigmoid(-1000.0) == 0.0
    assert sigmoid(1000.0) == 1.0
    assert sigmoid(0.0) == 0.5
    assert sigmoid(-745.0) >= 0.0


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"guess": 1.0}, "elo.guess must be at least 0 and below 1, got 1.0"),
        ({"a": 0.0}, "elo.k.a must be a positive number, got 0.0"),
        ({"b": -0.1}, "elo.k.b must be 0 or more, got -0.1"),
        ({"mastered_at": 0.0}, "mastered_at must be above 0 and at most 1, got 0.0"),
    ],
)
def test_elo_rejects_bad_parameters(kwargs: dict[str, float], message: str) -> None:
    with pytest.raises(InvalidTrack, match=f"^{message}$"):
        EloSkill(**kwargs)


@pytest.mark.parametrize("model", [EloSkill(), BktSkill(), CriteriaSkill()])
@pytest.mark.parametrize("outcome", [-0.1, 1.5, math.nan, "1"])
def test_outcomes_outside_zero_to_one_are_rejected(model: SkillModel, outcome: object) -> None:
    with pytest.raises(InvalidEvidence, match="outcome must be a number from 0"):
        model.update(model.initial(), 0.0, outcome)  # type: ignore[arg-type]


def test_evidence_value_class() -> None:
    assert Evidence(True, "item-7") == Evidence(1.0, "item-7")
    assert Evidence(0.5, 3).difficulty == 3
    with pytest.raises(InvalidEvidence):
        Evidence(2.0)
    with pytest.raises(InvalidEvidence, match="finite number or an item id"):
        Evidence(1.0, math.inf)
    with pytest.raises(InvalidEvidence, match="non-empty item id"):
        Evidence(1.0, " ")
    assert issubclass(InvalidEvidence, InvalidInput)
    assert issubclass(InvalidTrack, InvalidInput)


# ---------------------------------------------------------------- BKT, by hand


def test_bkt_correct_answer_by_hand() -> None:
    bkt = BktSkill(prior=0.3, learn=0.2, guess=0.2, slip=0.1)
    # P(correct) = 0.3 * 0.9 + 0.7 * 0.2 = 0.27 + 0.14 = 0.41
    assert bkt.predict(bkt.initial(), None) == pytest.approx(0.41, abs=EXACT)
    # P(L | correct) = 0.27 / 0.41 = 0.6585365853658537
    # P(L_next) = 0.65854 + 0.34146 * 0.2 = 0.7268292682926829
    after, item = bkt.update(bkt.initial(), 5.0, 1.0)
    assert item is None
    assert bkt.posterior(0.3, correct=True) == pytest.approx(0.27 / 0.41, abs=EXACT)
    assert after.p_known == pytest.approx(0.7268292682926829, abs=EXACT)
    assert after.evidence == 1


def test_bkt_wrong_answer_by_hand() -> None:
    bkt = BktSkill(prior=0.3, learn=0.2, guess=0.2, slip=0.1)
    # P(L | wrong) = 0.3 * 0.1 / (0.03 + 0.7 * 0.8) = 0.03 / 0.59 = 0.05084745762711865
    # P(L_next) = 0.05085 + 0.94915 * 0.2 = 0.24067796610169492
    after, _ = bkt.update(bkt.initial(), None, 0.0)
    assert bkt.posterior(0.3, correct=False) == pytest.approx(0.03 / 0.59, abs=EXACT)
    assert after.p_known == pytest.approx(0.24067796610169492, abs=EXACT)


def test_bkt_graded_outcome_is_the_convex_combination() -> None:
    bkt = BktSkill(prior=0.3, learn=0.2, guess=0.2, slip=0.1)
    # post = 0.25 * 0.65854 + 0.75 * 0.05085 = 0.20277; next = post + (1 - post) * 0.2
    post = 0.25 * (0.27 / 0.41) + 0.75 * (0.03 / 0.59)
    after, _ = bkt.update(bkt.initial(), None, 0.25)
    assert after.p_known == pytest.approx(post + (1 - post) * 0.2, abs=EXACT)


def test_bkt_difficulty_is_ignored_and_spec_and_mastery() -> None:
    bkt = BktSkill.from_spec(BktModel(prior=0.5, learn=0.1, guess=0.2, slip=0.1, mastered=0.9))
    state = bkt.initial()
    assert (
        bkt.predict(state, -3.0) == bkt.predict(state, ItemState(d=4.0)) == bkt.predict(state, None)
    )
    assert bkt.update(state, -3.0, 1.0) == bkt.update(state, 4.0, 1.0)
    assert bkt.uncertainty(state) == 1.0  # 4 * 0.5 * 0.5
    assert not bkt.mastered(LearnerState(p_known=0.89))
    assert bkt.mastered(LearnerState(p_known=0.9))
    assert bkt.estimate(LearnerState(p_known=0.42)) == 0.42


def test_bkt_rejects_bad_parameters() -> None:
    with pytest.raises(InvalidTrack, match=r"^bkt.guess \+ bkt.slip must be below 1"):
        BktSkill(guess=0.6, slip=0.4)
    with pytest.raises(InvalidTrack, match=r"^bkt.mastered must be from 0 to 1, got 1.5$"):
        BktSkill(mastered_at=1.5)
    with pytest.raises(InvalidTrack, match=r"^bkt.prior must be from 0 to 1, got -0.1$"):
        BktSkill(prior=-0.1)


def test_bkt_impossible_answer_changes_nothing_but_learning() -> None:
    bkt = BktSkill(prior=0.0, learn=0.0, guess=0.0, slip=0.1)
    after, _ = bkt.update(bkt.initial(), None, 1.0)  # P(correct) was 0 under the model
    assert after.p_known == 0.0


# ---------------------------------------------------------------- criteria, by hand


def test_criteria_counting_and_progress_text() -> None:
    ladder = CriteriaSkill.from_spec(
        CriteriaModel(evidence=20, min_difficulty=3, at_difficulty=5, success=0.8)
    )
    state = ladder.initial()
    # 12 reviews: 10 successes; 3 at difficulty >= 3 (3, 3.5, 4), the rest easier
    difficulties = [1, 2, 3, 1, 2, 3.5, 2, 1, 4, 2, 2.99, 1]
    outcomes = [1, 1, 1, 1, 0, 1, 1, 1, 1, 0, 1, 1]
    for d, r in zip(difficulties, outcomes, strict=True):
        state, none = ladder.update(state, float(d), float(r))
        assert none is None
    assert (state.evidence, state.at_difficulty, state.successes) == (12, 3, 10.0)
    assert ladder.progress_text(state, "reviews") == (
        "12 of 20 reviews (8 to go); 3 of 5 at difficulty ≥ 3 (2 to go); "
        "success 83% (needs 80%; met)"
    )
    assert not ladder.mastered(state)
    # estimate: mean of 12/20, 3/5 and 1 = (0.6 + 0.6 + 1) / 3
    assert ladder.estimate(state) == pytest.approx(2.2 / 3, abs=EXACT)
    assert ladder.uncertainty(state) == pytest.approx(0.4, abs=EXACT)
    # Laplace: (10 + 1) / (12 + 2)
    assert ladder.predict(state, None) == pytest.approx(11 / 14, abs=EXACT)
    met = LearnerState(evidence=20, at_difficulty=5, successes=16.0)
    assert ladder.mastered(met)
    assert ladder.estimate(met) == 1.0
    assert ladder.progress_text(met, "reviews") == (
        "20 of 20 reviews (met); 5 of 5 at difficulty ≥ 3 (met); success 80% (needs 80%; met)"
    )
    short = LearnerState(evidence=20, at_difficulty=5, successes=15.9)  # 79.5%
    assert not ladder.mastered(short)
    assert ladder.progress_text(short).endswith("success 79% (needs 80%)")


def test_criteria_defaults_and_edge_cases() -> None:
    plain = CriteriaSkill(evidence=2, at_difficulty=0, success=0.0)
    assert plain.progress_text(plain.initial()) == "0 of 2 pieces of evidence (2 to go)"
    state, _ = plain.update(plain.initial(), None, 0.0)
    state, _ = plain.update(state, ItemState(d=9.0), 0.0)
    assert plain.mastered(state)
    any_difficulty = CriteriaSkill(evidence=1, at_difficulty=1, success=0.5)
    assert any_difficulty.progress_text(any_difficulty.initial()) == (
        "0 of 1 pieces of evidence (1 to go); 0 of 1 at any difficulty (1 to go); "
        "success not measured yet (needs 50%)"
    )
    hard = CriteriaSkill(min_difficulty=3.0, at_difficulty=1)
    assert not hard.hard_enough(None)
    assert hard.hard_enough(ItemState(d=3.0))
    with pytest.raises(InvalidTrack, match=r"criteria\.evidence must be a whole number ≥ 0"):
        CriteriaSkill(evidence=-1)
    with pytest.raises(InvalidTrack, match=r"criteria\.success must be from 0 to 1"):
        CriteriaSkill(success=80)


# ---------------------------------------------------------------- retention

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
DAY = timedelta(days=1)


def test_half_life_grows_with_successes_and_is_capped() -> None:
    assert half_life(0) == DAY
    assert half_life(1) == DAY
    assert half_life(2) == 2 * DAY
    assert half_life(4) == 8 * DAY  # 1 day * 2^(4 - 1)
    assert half_life(2.5) == DAY * 2**1.5
    assert half_life(10) == 365 * DAY  # 2^9 = 512 days, capped
    assert half_life(10_000) == 365 * DAY  # no overflow
    assert half_life(3, base=timedelta(hours=6), cap=timedelta(days=30)) == timedelta(days=1)


def test_recall_halves_every_half_life() -> None:
    h = 4 * DAY
    assert recall(timedelta(0), h) == 1.0
    assert recall(h, h) == 0.5
    assert recall(2 * h, h) == 0.25
    assert recall(DAY, h) == pytest.approx(2**-0.25, abs=EXACT)  # 0.8408964152537145
    assert recall(-DAY, h) == 1.0  # a clock that went backwards


def test_refresh_due_and_refresh_at() -> None:
    h = 4 * DAY
    assert not refresh_due(T0, T0 + 3 * DAY, h)
    assert refresh_due(T0, T0 + 4 * DAY, h)  # recall exactly 0.5
    assert not refresh_due(T0, T0 + 4 * DAY, h, threshold=0.4)
    assert refresh_at(T0, h) == T0 + 4 * DAY
    # 0.25 = two half-lives
    assert refresh_at(T0, h, threshold=0.25) == T0 + 8 * DAY
    with pytest.raises(InvalidTrack, match="threshold must be between 0 and 1"):
        refresh_due(T0, T0, h, threshold=1.0)
    with pytest.raises(InvalidTrack, match="half-life must be longer than zero"):
        recall(DAY, timedelta(0))


def test_retention_never_lowers_a_level() -> None:
    elo = EloSkill()
    ladder = Ladder.from_pairs([("Exploring", 0.0), ("Practising", 0.5), ("Fluent", 0.8)])
    state = LearnerState(theta=2.0, evidence=40, successes=30.0)
    level = ladder.level_for(elo.estimate(state))
    assert refresh_due(T0, T0 + 1000 * DAY, half_life(state.successes))
    # retention reads the state and returns a suggestion; the state and its level are intact
    assert ladder.level_for(elo.estimate(state)) == level == "Fluent"


# ---------------------------------------------------------------- levels and feedback


def test_levels_boundaries() -> None:
    ladder = Ladder.from_spec(
        [Level("Exploring", 0.0), Level("Practising", 0.5), Level("Fluent", 0.8)]
    )
    assert ladder.level_for(-0.01) is None
    assert ladder.level_for(0.0) == "Exploring"
    assert ladder.level_for(0.4999) == "Exploring"
    assert ladder.level_for(0.5) == "Practising"
    assert ladder.level_for(0.7999) == "Practising"
    assert ladder.level_for(0.8) == "Fluent"
    assert ladder.level_for(1.0) == "Fluent"


@pytest.mark.parametrize(
    ("pairs", "message"),
    [
        ([], "levels must name at least one level"),
        ([("A", 0.5), ("B", 0.5)], "strictly ascending order of 'at': 'B' is at 0.5, after 0.5"),
        ([("A", 0.0), ("A", 0.5)], "level names must be unique, got A, A"),
        ([(" ", 0.0)], "every level needs a name"),
    ],
)
def test_levels_are_validated(pairs: list[tuple[str, float]], message: str) -> None:
    with pytest.raises(InvalidTrack, match=message):
        Ladder.from_pairs(pairs)


@pytest.mark.parametrize(
    ("p", "words"),
    [
        (0.0, "fewer than 1 in 10"),
        (0.12, "about 1 in 10"),
        (0.5, "about 1 in 2"),
        (0.6, "about 2 in 3"),  # |0.6 - 2/3| = 0.067 < |0.6 - 1/2| = 0.1
        (0.7, "about 2 in 3"),
        (0.78, "about 4 in 5"),
        (0.9, "about 9 in 10"),
        (0.99, "more than 9 in 10"),
    ],
)
def test_about_uses_small_denominators(p: float, words: str) -> None:
    assert about(p) == words


def test_feedback_is_informational() -> None:
    elo = EloSkill()
    ladder = Ladder.from_pairs([("Exploring", 0.0), ("Practising", 0.5), ("Fluent", 0.8)])
    before = LearnerState(theta=-0.1)  # sigmoid(-0.1) = 0.475: Exploring, about 1 in 2
    after = LearnerState(theta=1.4)  # sigmoid(1.4) = 0.802: Fluent, about 4 in 5
    assert feedback(elo, before, after, ladder, items="medium reviews") == [
        "You reached Fluent",
        "You now solve about 4 in 5 medium reviews",
    ]
    # a small step inside one phrase and one level says nothing
    assert feedback(elo, LearnerState(theta=1.4), LearnerState(theta=1.45), ladder) == []
    # a dip is not announced
    assert feedback(elo, after, before, ladder) == []
    # on a harder representative item the same person solves fewer
    assert feedback(elo, before, after, difficulty=1.0, items="hard reviews") == [
        "You now solve about 2 in 3 hard reviews"  # sigmoid(0.4) = 0.599
    ]
    for sentence in feedback(elo, before, after, ladder):
        assert not any(word in sentence.lower() for word in ("point", "score", "rank"))


@given(
    model=st.sampled_from([EloSkill(), BktSkill(learn=0.3), CriteriaSkill(evidence=3)]),
    outcomes=st.lists(st.sampled_from([0.0, 0.2, 0.49, 0.5, 0.8, 1.0]), min_size=1, max_size=15),
    difficulty=st.sampled_from([-1.0, 0.0, 1.0]),
)
def test_feedback_is_contingent_on_success(
    model: EloSkill | BktSkill | CriteriaSkill, outcomes: list[float], difficulty: float
) -> None:
    # a failed (below one half) attempt says nothing, and the lowest level is never reached
    ladder = Ladder.from_pairs([("Exploring", 0.0), ("Practising", 0.3), ("Fluent", 0.7)])
    state = model.initial()
    for outcome in outcomes:
        after, _ = model.update(state, difficulty, outcome)
        said = feedback(model, state, after, ladder)
        assert said == feedback(model, state, after, ladder, outcome=outcome)
        if outcome < 0.5:
            assert said == []
        assert "You reached Exploring" not in said
        state = after


# ---------------------------------------------------------------- next challenge


def test_next_challenges_prefers_the_band_nearest_the_target() -> None:
    elo = EloSkill()
    learner = LearnerState(theta=0.0)
    # predicted success = sigmoid(-d)
    candidates: list[tuple[str, ItemState | float]] = [
        ("easy", -3.0),  # 0.953
        ("p73", -math.log(0.73 / 0.27)),  # 0.73
        ("p75", ItemState(d=-math.log(3))),  # 0.75
        ("p80", -math.log(4)),  # 0.80
        ("p84", -math.log(0.84 / 0.16)),  # 0.84
        ("hard", 2.0),  # 0.119
    ]
    chosen = next_challenges(elo, learner, candidates)
    assert [c.id for c in chosen] == ["p75", "p73", "p80"]  # distances 0, 0.02, 0.05
    assert all(c.in_band for c in chosen)
    assert chosen[0].predicted == pytest.approx(0.75, abs=EXACT)
    # the person moves the target up
    chosen = next_challenges(elo, learner, candidates, target=0.84, k=2)
    assert [c.id for c in chosen] == ["p84", "p80"]


def test_next_challenges_always_offers_a_choice() -> None:
    elo = EloSkill()
    learner = LearnerState()
    # nothing in the band: the two nearest the band, flagged
    chosen = next_challenges(elo, learner, [("a", 2.0), ("b", -4.0), ("c", 0.0), ("d", 3.0)])
    # sigmoid(0) = 0.5 is 0.2 below; sigmoid(4) = 0.982 is 0.132 above; sigmoid(-2) = 0.119
    assert chosen == [
        Challenge("b", pytest.approx(sigmoid(4.0)), False),  # type: ignore[arg-type]
        Challenge("c", 0.5, False),
    ]
    # one in the band: it comes first, then the nearest outside
    chosen = next_challenges(elo, learner, [("in", -math.log(3)), ("x", 0.0), ("y", 5.0)])
    assert [(c.id, c.in_band) for c in chosen] == [("in", True), ("x", False)]
    # one candidate: one option; none: none
    assert [c.id for c in next_challenges(elo, learner, [("only", 9.0)])] == ["only"]
    assert next_challenges(elo, learner, []) == []


def test_next_challenges_ties_are_broken_by_id() -> None:
    elo = EloSkill()
    same = [(name, -math.log(3)) for name in ("b", "c", "a", "d")]
    assert [c.id for c in next_challenges(elo, LearnerState(), same)] == ["a", "b", "c"]


@pytest.mark.parametrize(
    ("band", "target", "message"),
    [
        ((0.85, 0.70), None, r"0 < low < high < 1, got \[0.85, 0.7\]"),
        ((0.0, 0.5), None, r"0 < low < high < 1, got \[0, 0.5\]"),
        ((0.5, 1.0), None, r"0 < low < high < 1, got \[0.5, 1\]"),
        ((0.7, 0.7), None, r"0 < low < high < 1"),
        ((0.7,), None, r"challenge_band must be \[low, high\], got \[0.7\]"),
        ((0.7, 0.85), 0.9, r"target must lie inside the band \[0.7, 0.85\], got 0.9"),
        ((0.7, 0.85), math.nan, r"target must lie inside the band"),
    ],
)
def test_band_validation(band: tuple[float, ...], target: float | None, message: str) -> None:
    with pytest.raises(InvalidTrack, match=message):
        next_challenges(EloSkill(), LearnerState(), [("a", 0.0)], band=band, target=target)


def test_band_defaults_and_other_argument_errors() -> None:
    assert check_band((0.70, 0.85)) == (0.70, 0.85, 0.75)
    assert check_band([0.5, 0.6]) == (0.5, 0.6, 0.6)  # 0.75 clipped into the band
    assert check_band([0.8, 0.9]) == (0.8, 0.9, 0.8)
    with pytest.raises(InvalidInput, match="k must be a whole number of at least 2, got 1"):
        next_challenges(EloSkill(), LearnerState(), [("a", 0.0)], k=1)
    with pytest.raises(InvalidInput, match="candidate ids must be unique; repeated: a"):
        next_challenges(EloSkill(), LearnerState(), [("a", 0.0), ("b", 1.0), ("a", 2.0)])


# ---------------------------------------------------------------- simulated learners


def _train_elo(
    seed: int, learners: int = 40, items: int = 30, attempts: int = 400, spread: float = 2.0
) -> tuple[EloSkill, list[float], list[float], list[LearnerState], list[ItemState]]:
    """Learners of known ability answer items of known difficulty in random order."""
    rng = random.Random(seed)
    thetas = [rng.uniform(-1.5, 1.5) for _ in range(learners)]
    ds = [rng.uniform(-spread, spread) for _ in range(items)]
    elo = EloSkill()  # a = 1, b = 0.05, g = 0
    states = [elo.initial() for _ in thetas]
    item_states = [ItemState() for _ in ds]
    order = [i for i in range(learners) for _ in range(attempts)]
    rng.shuffle(order)
    for i in order:
        j = rng.randrange(items)
        outcome = 1.0 if rng.random() < elo.probability(thetas[i], ds[j]) else 0.0
        states[i], item = elo.update(states[i], item_states[j], outcome)
        assert item is not None
        item_states[j] = item
    return elo, thetas, ds, states, item_states


def test_elo_recovers_known_abilities_and_difficulties() -> None:
    # 40 learners x 400 attempts on 30 items (about 530 attempts per item).
    _, thetas, ds, states, items = _train_elo(seed=7)
    # theta and d share one scale up to an offset: compare against the items' mean
    mean_d, mean_d_hat = statistics.fmean(ds), statistics.fmean(i.d for i in items)
    errors = [(s.theta - mean_d_hat) - (t - mean_d) for s, t in zip(states, thetas, strict=True)]
    assert max(abs(e) for e in errors) < 0.6  # logits; observed about 0.33-0.53 over seeds
    assert statistics.fmean(abs(e) for e in errors) < 0.2  # observed about 0.12-0.15
    item_errors = [(i.d - mean_d_hat) - (d - mean_d) for i, d in zip(items, ds, strict=True)]
    assert statistics.fmean(abs(e) for e in item_errors) < 0.2
    assert all(s.evidence == 400 for s in states)


@pytest.mark.parametrize("guess", [0.0, 0.25])
def test_elo_recovers_ability_on_fixed_difficulties(guess: float) -> None:
    # 20 learners, 400 attempts each at known difficulties uniform in [-2, 2]: no offset.
    rng = random.Random(11)
    elo = EloSkill(guess=guess)
    errors = []
    for _ in range(20):
        theta = rng.uniform(-1.5, 1.5)
        state = elo.initial()
        for _ in range(400):
            d = rng.uniform(-2.0, 2.0)
            outcome = 1.0 if rng.random() < elo.probability(theta, d) else 0.0
            state, _ = elo.update(state, d, outcome)
        errors.append(state.theta - theta)
    assert max(abs(e) for e in errors) < 0.6  # logits
    assert statistics.fmean(abs(e) for e in errors) < 0.25  # observed 0.11 (g=0), 0.17 (g=.25)


def test_bkt_learner_who_learns_reaches_mastery() -> None:
    bkt = BktSkill()  # prior 0.1, learn 0.1, guess 0.2, slip 0.1, mastered 0.95
    rng = random.Random(3)
    for _ in range(20):
        known = rng.random() < bkt.prior
        state = bkt.initial()
        for _ in range(300):
            p_correct = 1 - bkt.slip if known else bkt.guess
            state, _ = bkt.update(state, None, 1.0 if rng.random() < p_correct else 0.0)
            known = known or rng.random() < bkt.learn
        assert bkt.mastered(state)


def test_bkt_learner_who_never_knows_stays_below_mastery() -> None:
    # Someone who only ever guesses (correct with p = guess = 0.2). A run of 4 lucky
    # guesses lifts p_known past 0.95 for a moment (likelihood ratio 0.9 / 0.2 per
    # correct answer), so the claim is statistical: 20 runs x 300 attempts.
    bkt = BktSkill()
    rng = random.Random(1000)
    ended_mastered, steps_mastered, means = 0, 0, []
    for _ in range(20):
        state, seen = bkt.initial(), []
        for _ in range(300):
            state, _ = bkt.update(state, None, 1.0 if rng.random() < bkt.guess else 0.0)
            steps_mastered += bkt.mastered(state)
            seen.append(state.p_known)
        ended_mastered += bkt.mastered(state)
        means.append(statistics.fmean(seen))
    assert ended_mastered <= 1  # observed 0 of 20
    assert steps_mastered / 6000 < 0.05  # observed about 1%
    assert max(means) < 0.5  # observed at most 0.28


def test_recommended_challenges_succeed_inside_the_band() -> None:
    # 40 learners (theta in [-1.5, 1.5]) x 400 attempts on an item bank wide enough that
    # everyone has items in the band (60 items, d in [-3.5, 3.5]); then 2,000 simulated
    # attempts with the true model on each learner's recommended items.
    elo, thetas, ds, states, items = _train_elo(seed=21, items=60, spread=3.5)
    candidates: list[tuple[str, ItemState | float]] = [
        (f"item-{j:02d}", item) for j, item in enumerate(items)
    ]
    rng = random.Random(22)
    rates, wins_all = [], 0
    for i in range(0, 40, 4):  # ten learners across the ability range
        chosen = next_challenges(elo, states[i], candidates)
        assert len(chosen) == 3
        assert all(c.in_band for c in chosen)
        picks = [int(c.id.removeprefix("item-")) for c in chosen]
        wins = sum(
            rng.random() < elo.probability(thetas[i], ds[rng.choice(picks)]) for _ in range(2000)
        )
        rates.append(wins / 2000)
        wins_all += wins
    # Each learner: band 0.70-0.85 +- 0.10. After 400 attempts theta-hat is off by up to
    # about 0.5 logits, which moves P by up to about 0.09 near 0.75; the binomial sd of
    # 2,000 attempts is 0.01. Observed over seeds 21-32: 0.62-0.84 per learner.
    assert all(0.60 <= r <= 0.95 for r in rates), rates
    # Pooled over the ten learners: inside the band itself (observed 0.71-0.77 over seeds).
    assert 0.70 <= wins_all / 20_000 <= 0.85


# ---------------------------------------------------------------- properties

finite = st.floats(-30, 30, allow_nan=False)
probability = st.floats(0, 1, allow_nan=False)
counts = st.integers(0, 10_000)


@given(theta=finite, d=finite, n=counts, m=counts, outcome=probability, guess=st.floats(0, 0.9))
def test_elo_properties(
    theta: float, d: float, n: int, m: int, outcome: float, guess: float
) -> None:
    elo = EloSkill(guess=guess)
    learner, item = LearnerState(theta=theta, evidence=n), ItemState(d=d, n=m)
    p = elo.predict(learner, item)
    assert 0.0 <= p <= 1.0
    assert 0.0 <= elo.estimate(learner) <= 1.0
    assert 0.0 < elo.uncertainty(learner) <= 1.0
    after, new_item = elo.update(learner, item, outcome)
    assert new_item is not None
    # theta moves toward the outcome, the item the other way
    if outcome > p:
        assert after.theta >= theta
        assert new_item.d <= d
    elif outcome < p:
        assert after.theta <= theta
        assert new_item.d >= d
    assert 0.0 <= elo.predict(after, new_item) <= 1.0


@given(
    p=probability,
    learn=probability,
    guess=st.floats(0, 0.45),
    slip=st.floats(0, 0.45),
    outcome=probability,
)
def test_bkt_properties(p: float, learn: float, guess: float, slip: float, outcome: float) -> None:
    bkt = BktSkill(prior=p, learn=learn, guess=guess, slip=slip)
    state = LearnerState(p_known=p)
    assert bkt.posterior(p, correct=True) >= bkt.posterior(p, correct=False)
    right, _ = bkt.update(state, None, 1.0)
    wrong, _ = bkt.update(state, None, 0.0)
    graded, _ = bkt.update(state, None, outcome)
    assert right.p_known >= graded.p_known - 1e-12
    assert graded.p_known >= wrong.p_known - 1e-12
    for s in (right, wrong, graded):
        assert 0.0 <= s.p_known <= 1.0
        assert 0.0 <= bkt.predict(s, None) <= 1.0
        assert 0.0 <= bkt.uncertainty(s) <= 1.0


@given(outcomes=st.lists(st.tuples(probability, st.floats(-5, 5)), max_size=40))
def test_criteria_properties(outcomes: list[tuple[float, float]]) -> None:
    ladder = CriteriaSkill(evidence=20, min_difficulty=1.0, at_difficulty=5, success=0.8)
    state = ladder.initial()
    for r, d in outcomes:
        state, _ = ladder.update(state, d, r)
        assert 0.0 <= ladder.estimate(state) <= 1.0
        assert 0.0 < ladder.predict(state, None) < 1.0
    assert state.evidence == len(outcomes)
    assert state.at_difficulty == sum(d >= 1.0 for _, d in outcomes)
    assert ladder.mastered(state) == (ladder.estimate(state) == 1.0)


@given(
    ds=st.lists(st.floats(-6, 6), max_size=12),
    theta=st.floats(-3, 3),
    k=st.integers(2, 6),
    low=st.floats(0.05, 0.9),
    width=st.floats(0.01, 0.09),
)
def test_next_challenges_properties(
    ds: list[float], theta: float, k: int, low: float, width: float
) -> None:
    elo = EloSkill()
    learner = LearnerState(theta=theta)
    candidates: list[tuple[str, ItemState | float]] = [(f"c{i}", d) for i, d in enumerate(ds)]
    band = (low, low + width)
    chosen = next_challenges(elo, learner, candidates, band=band, k=k)
    assert len(chosen) <= k
    assert len(chosen) >= min(2, len(candidates))
    assert len({c.id for c in chosen}) == len(chosen)
    inside = [c for c in chosen if c.in_band]
    assert chosen[: len(inside)] == inside  # in-band first
    for c in chosen:
        assert c.in_band == (band[0] <= c.predicted <= band[1])
    _, _, target = check_band(band)
    distances = [abs(c.predicted - target) for c in inside]
    assert distances == sorted(distances)
    assert next_challenges(elo, learner, list(reversed(candidates)), band=band, k=k) == chosen


def test_states_are_immutable() -> None:
    state = LearnerState()
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        state.theta = 1.0  # type: ignore[misc]
