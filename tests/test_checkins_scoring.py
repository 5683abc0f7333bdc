"""Check-in scoring and reliability, against values computed by hand.

The fixture instrument and the small data sets below are worked through in the comments;
omega is checked against the closed form of an exactly identified one-factor model and
against a simulated population with known loadings.
"""

from __future__ import annotations

import random
from fractions import Fraction
from math import sqrt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from motivekit import InvalidCheckin
from motivekit.checkins import (
    Construct,
    Instrument,
    Item,
    alpha_of,
    group_results,
    omega_of,
    reliability,
    score,
)
from motivekit.checkins._reliability import covariance

LICENCE = "Items written by the team for this test"


def weekly(min_answered: float = 0.5) -> Instrument:
    return Instrument(
        "weekly",
        [
            Item("ie1", "interest-enjoyment"),
            Item("ie2", "interest-enjoyment"),
            Item("ie3", "interest-enjoyment", reverse=True),
            Item("pt1", "pressure-tension"),
            Item("pt2", "pressure-tension", reverse=True),
            Item("as1", "autonomy-satisfaction"),
            Item("af1", "autonomy-frustration"),
            Item("ext", "why-external"),
            Item("intro", "why-introjected"),
            Item("ident", "why-identified"),
            Item("intr", "why-intrinsic"),
        ],
        low=1,
        high=7,
        licence=LICENCE,
        min_answered=min_answered,
    )


ANSWERS = {"ie1": 6, "ie2": 5, "ie3": 2, "pt1": 3, "pt2": None, "as1": 4}
WHY = {"ext": 2, "intro": 3, "ident": 6, "intr": 7}


def test_scores_by_hand() -> None:
    scores = score(weekly(), ANSWERS | WHY)
    # ie3 is reverse-keyed: 1 + 7 - 2 = 6, so (6 + 5 + 6) / 3.
    assert scores.mean("interest-enjoyment") == pytest.approx(17 / 3)
    # pt2 skipped: one of two items answered is half, enough under the default rule.
    assert scores.mean(Construct.PRESSURE_TENSION) == 3.0
    assert scores.constructs[Construct.PRESSURE_TENSION].answered == 1
    # Satisfaction and frustration are scored apart; af1 was not answered.
    assert scores.mean("autonomy-satisfaction") == 4.0
    assert scores.mean("autonomy-frustration") is None
    # Self-concordance: identified + intrinsic - external - introjected = 6 + 7 - 2 - 3.
    assert scores.self_concordance == 8.0
    assert scores.mean("competence-satisfaction") is None  # not measured


def test_missing_items_rule() -> None:
    strict = score(weekly(min_answered=1.0), ANSWERS)
    assert strict.mean("pressure-tension") is None
    assert strict.mean("interest-enjoyment") == pytest.approx(17 / 3)
    assert strict.self_concordance is None
    assert weekly().needed(Construct.INTEREST_ENJOYMENT) == 2  # ceil(3 * 0.5)
    assert weekly(min_answered=1.0).needed(Construct.INTEREST_ENJOYMENT) == 3
    assert score(weekly(), {}).mean("interest-enjoyment") is None  # everything skippable


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ({"ie9": 3}, "'weekly' has no item 'ie9'; its items are"),
        ({"ie1": 8}, "answer to 'ie1' is 8; the scale runs from 1 to 7"),
        ({"ie1": 0}, "answer to 'ie1' is 0; the scale runs from 1 to 7"),
        ({"ie1": True}, "answer to 'ie1' must be a number, got True"),
        ({"ie1": "5"}, "answer to 'ie1' must be a number, got '5'"),
        ({"ie1": float("nan")}, "answer to 'ie1' must be a number, got nan"),
    ],
)
def test_bad_answers_are_named(answers: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidCheckin, match=message.replace("(", r"\(")):
        score(weekly(), answers)  # type: ignore[arg-type]


def test_bad_instruments_are_named() -> None:
    with pytest.raises(InvalidCheckin, match="no licence statement; say on what terms"):
        Instrument("x", [Item("a", "interest-enjoyment")], low=1, high=7, licence=" ")
    with pytest.raises(InvalidCheckin, match=r"low \(7\) must be below high \(1\)"):
        Instrument("x", [Item("a", "interest-enjoyment")], low=7, high=1, licence=LICENCE)
    with pytest.raises(InvalidCheckin, match="lists item 'a' twice"):
        Instrument(
            "x",
            [Item("a", "interest-enjoyment"), Item("a", "pressure-tension")],
            low=1,
            high=7,
            licence=LICENCE,
        )
    with pytest.raises(InvalidCheckin, match="construct is 'fun'; choose one of autonomy-sat"):
        Item("a", "fun")
    with pytest.raises(InvalidCheckin, match="min_answered must be a share above 0"):
        Instrument(
            "x", [Item("a", "pressure-tension")], low=1, high=5, licence=LICENCE, min_answered=0
        )
    with pytest.raises(InvalidCheckin, match="construct is 'fun'"):
        score(weekly(), {}).mean("fun")


# Four respondents, three items (worked by hand):
#   item sums 6, 8, 10, 14 (variance 35/3); item variances 5/3, 4.75/3, 2.75/3
#   alpha = 3/2 * (1 - 12.5/35) = 27/28
#   covariances c12 = 3/2, c13 = 7/6, c23 = 13/12
ROWS = [[1, 2, 3], [2, 3, 3], [3, 3, 4], [4, 5, 5]]


def test_alpha_by_hand() -> None:
    assert alpha_of(covariance(ROWS)) == pytest.approx(27 / 28, abs=1e-12)


def test_omega_equals_the_closed_form_of_three_items() -> None:
    c12, c13, c23 = Fraction(3, 2), Fraction(7, 6), Fraction(13, 12)
    squared = [c12 * c13 / c23, c12 * c23 / c13, c13 * c23 / c12]  # 21/13, 39/28, 91/108
    variances = [Fraction(5, 3), Fraction(19, 12), Fraction(11, 12)]
    loadings = sum(sqrt(s) for s in squared)
    unique = float(sum(v - s for v, s in zip(variances, squared, strict=True)))
    expected = loadings**2 / (loadings**2 + unique)
    assert omega_of(covariance(ROWS)) == pytest.approx(expected, abs=1e-9)


def test_alpha_equals_omega_when_items_are_tau_equivalent() -> None:
    # Equal covariances c and variances v: both are k c / (v + (k - 1) c).
    v, c, k = 2.0, 1.2, 4
    cov = [[v if i == j else c for j in range(k)] for i in range(k)]
    expected = k * c / (v + (k - 1) * c)
    assert alpha_of(cov) == pytest.approx(expected)
    assert omega_of(cov) == pytest.approx(expected, abs=1e-9)


def test_omega_recovers_a_simulated_congeneric_population() -> None:
    loadings, unique = [0.9, 0.8, 0.6, 0.4], [0.19, 0.36, 0.64, 0.84]
    rng = random.Random(2026)
    rows = []
    for _ in range(20_000):
        factor = rng.gauss(0, 1)
        rows.append(
            [lam * factor + rng.gauss(0, sqrt(u)) for lam, u in zip(loadings, unique, strict=True)]
        )
    cov = covariance(rows)
    true_omega = sum(loadings) ** 2 / (sum(loadings) ** 2 + sum(unique))  # 0.782
    true_alpha = 4 / 3 * (1 - 4 / (sum(loadings) ** 2 + sum(unique)))  # 0.761
    omega, alpha = omega_of(cov), alpha_of(cov)
    assert omega == pytest.approx(true_omega, abs=0.01)
    assert alpha == pytest.approx(true_alpha, abs=0.01)
    assert alpha is not None
    assert omega is not None
    assert alpha < omega  # alpha is a lower bound when loadings differ


@given(st.lists(st.lists(st.integers(1, 5), min_size=4, max_size=4), min_size=3, max_size=30))
def test_reliability_stays_in_range(rows: list[list[int]]) -> None:
    cov = covariance([[float(x) for x in r] for r in rows])
    omega = omega_of(cov)
    assert omega is None or 0.0 <= omega <= 1.0 + 1e-9
    alpha = alpha_of(cov)
    assert alpha is None or alpha <= 1.0 + 1e-9


def test_reliability_per_construct_is_listwise() -> None:
    people = [{"ie1": r[0], "ie2": r[1], "ie3": 8 - r[2], "pt1": 2} for r in ROWS] + [
        {"ie1": 4, "ie2": None, "ie3": 4}
    ]  # left out of interest-enjoyment: one skipped
    found = reliability(weekly(), people)
    ie = found[Construct.INTEREST_ENJOYMENT]
    assert (ie.respondents, ie.items) == (4, 3)
    assert ie.alpha == pytest.approx(27 / 28)  # ie3 given reversed, keyed back
    pt = found[Construct.PRESSURE_TENSION]
    assert (pt.respondents, pt.alpha, pt.omega) == (0, None, None)  # nobody answered pt2
    assert found[Construct.AUTONOMY_SATISFACTION].omega is None  # one item


def test_group_results_are_hidden_below_the_minimum() -> None:
    people = [{"ie1": 3 + i % 3, "ie2": 4, "ie3": 4, "pt1": 2} for i in range(10)]
    shown = group_results(weekly(), people)
    ie = shown[Construct.INTEREST_ENJOYMENT]
    assert (ie.respondents, ie.hidden) == (10, False)
    # ie1 cycles 3, 4, 5: means (3+4+4)/3, (4+4+4)/3, (5+4+4)/3, four, three and three times.
    expected = [(3 + i % 3 + 8) / 3 for i in range(10)]
    assert ie.mean == pytest.approx(sum(expected) / 10)
    assert ie.alpha is not None  # reliability shown with the means
    few = group_results(weekly(), people[:9])[Construct.INTEREST_ENJOYMENT]
    assert (few.respondents, few.hidden, few.mean, few.sd, few.alpha, few.omega) == (
        9,
        True,
        None,
        None,
        None,
        None,
    )
    assert group_results(weekly(), people[:9], min_respondents=5)[
        Construct.INTEREST_ENJOYMENT
    ].mean == pytest.approx(sum(expected[:9]) / 9)
    # Nobody answered as1: no score, so nothing to show, whatever the minimum.
    assert group_results(weekly(), people, min_respondents=1)[
        Construct.AUTONOMY_SATISFACTION
    ].hidden
    with pytest.raises(InvalidCheckin, match="min_respondents must be at least 1"):
        group_results(weekly(), people, min_respondents=0)
