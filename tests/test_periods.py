"""Progress per period, in the goal's own time zone, across week and month boundaries."""

from __future__ import annotations

import tempfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from motivekit import Event, Kit
from motivekit.goals._engine import period_bounds

from .conftest import FakeClock


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(
    ("per", "day", "bounds"),
    [
        ("day", date(2026, 11, 21), (date(2026, 11, 21), date(2026, 11, 22))),
        ("week", date(2026, 11, 21), (date(2026, 11, 16), date(2026, 11, 23))),  # Sat → Mon..Sun
        ("week", date(2026, 11, 16), (date(2026, 11, 16), date(2026, 11, 23))),
        ("week", date(2026, 12, 31), (date(2026, 12, 28), date(2027, 1, 4))),  # across the year
        ("month", date(2026, 12, 31), (date(2026, 12, 1), date(2027, 1, 1))),
        ("month", date(2028, 2, 29), (date(2028, 2, 1), date(2028, 3, 1))),  # leap year
        (None, date(2026, 1, 1), None),
    ],
)
def test_period_bounds(per: str | None, day: date, bounds: tuple[date, date] | None) -> None:
    assert period_bounds(per, day) == bounds  # type: ignore[arg-type]


@pytest.fixture
def early_clock() -> FakeClock:
    return FakeClock(utc(2026, 10, 1))


def counts(kit: Kit, goal_id: str, *instants: datetime) -> list[int]:
    return [kit.goals.progress(goal_id, at=i).count for i in instants]


def test_week_boundary_in_new_york_across_the_end_of_dst(
    kit_url: str, early_clock: FakeClock
) -> None:
    # DST ends in New York on Sunday 2026-11-01: that ISO week (Oct 26 - Nov 1) has 169 hours.
    with Kit.open(kit_url, clock=early_clock) as kit:
        goal = kit.goals.create(
            "lin",
            "Reviews",
            {"event": "review.submitted", "count": 3, "per": "week"},
            tz="America/New_York",
        )
        at = [
            utc(2026, 10, 26, 4, 30),  # Mon Oct 26 00:30 EDT: first minute-ish of the week
            utc(2026, 11, 2, 4, 30),  # Sun Nov 1 23:30 EST: still the same week
            utc(2026, 11, 2, 5, 30),  # Mon Nov 2 00:30 EST: the next week
            utc(2026, 10, 26, 3, 30),  # Sun Oct 25 23:30 EDT: the week before
        ]
        outcomes = kit.record_many(
            Event(f"e{i}", "review.submitted", "lin", at=a) for i, a in enumerate(at)
        )
        starts = [o.goal_changes[0].period_start for o in outcomes]
        assert starts == [
            date(2026, 10, 26),
            date(2026, 10, 26),
            date(2026, 11, 2),
            date(2026, 10, 19),
        ]
        assert counts(kit, goal.id, utc(2026, 10, 28), utc(2026, 11, 3), utc(2026, 10, 20)) == [
            2,
            1,
            1,
        ]
        assert counts(kit, goal.id, utc(2026, 11, 2, 4, 59)) == [2]  # Sun 23:59 EST
        early_clock.now = utc(2026, 11, 4)
        assert kit.goals.get(goal.id).progress.count == 1


def test_month_boundary_in_tokyo(kit_url: str, early_clock: FakeClock) -> None:
    with Kit.open(kit_url, clock=early_clock) as kit:
        goal = kit.goals.create(
            "ada",
            "Translate",
            {"event": "page.translated", "count": 20, "per": "month"},
            tz="Asia/Tokyo",
        )
        kit.record_many(
            [
                Event(
                    "a", "page.translated", "ada", at=utc(2026, 11, 30, 14, 59)
                ),  # Nov 30 23:59 JST
                Event(
                    "b", "page.translated", "ada", at=utc(2026, 11, 30, 15, 0)
                ),  # Dec 1 00:00 JST
                Event(
                    "c", "page.translated", "ada", at=utc(2026, 12, 31, 14, 59)
                ),  # Dec 31 23:59 JST
                Event("d", "page.translated", "ada", at=utc(2026, 12, 31, 15, 0)),  # Jan 1 JST
            ]
        )
        nov, dec, jan = utc(2026, 11, 15), utc(2026, 12, 15), utc(2027, 1, 15)
        assert counts(kit, goal.id, nov, dec, jan) == [1, 2, 1]
        progress = kit.goals.progress(goal.id, at=dec)
        assert (progress.period_start, progress.period_end) == (date(2026, 12, 1), date(2027, 1, 1))


def test_day_goal_on_the_far_side_of_the_date_line(kit_url: str, early_clock: FakeClock) -> None:
    with Kit.open(kit_url, clock=early_clock) as kit:
        goal = kit.goals.create(
            "tia",
            "Practise",
            {"event": "exercise.done", "count": 1, "per": "day"},
            tz="Pacific/Kiritimati",
        )
        kit.record(
            Event("a", "exercise.done", "tia", at=utc(2026, 11, 20, 9, 59))
        )  # Nov 20 23:59 +14
        kit.record(
            Event("b", "exercise.done", "tia", at=utc(2026, 11, 20, 10, 0))
        )  # Nov 21 00:00 +14
        assert counts(kit, goal.id, utc(2026, 11, 20, 9, 0), utc(2026, 11, 20, 11, 0)) == [1, 1]
        assert kit.goals.progress(goal.id, at=utc(2026, 11, 20, 11, 0)).period_start == date(
            2026, 11, 21
        )


def test_renegotiated_cadence_regroups_existing_progress(
    kit_url: str, early_clock: FakeClock
) -> None:
    with Kit.open(kit_url, clock=early_clock) as kit:
        goal = kit.goals.create(
            "ada", "R", {"event": "r", "count": 2, "per": "week"}, tz="Europe/Berlin"
        )
        days = [utc(2026, 11, d, 12) for d in (2, 3, 10, 24)]
        kit.record_many(Event(f"e{i}", "r", "ada", at=a) for i, a in enumerate(days))
        kit.goals.renegotiate(goal.id, by="ada", per="month")
        assert counts(kit, goal.id, utc(2026, 11, 5)) == [4]
        kit.goals.renegotiate(goal.id, by="ada", per="day")
        assert counts(kit, goal.id, utc(2026, 11, 3, 18)) == [1]


# -- property: incremental progress equals a brute-force recount ----------------------------

ZONES = [
    "UTC",
    "America/New_York",
    "Europe/Berlin",
    "Asia/Kolkata",
    "Australia/Lord_Howe",
    "Pacific/Kiritimati",
]
START = utc(2026, 10, 1)


def same_period(per: str | None, a: date, b: date) -> bool:
    """Reference grouping, written independently of period_bounds."""
    if per == "day":
        return a == b
    if per == "week":
        return a.isocalendar()[:2] == b.isocalendar()[:2]
    if per == "month":
        return (a.year, a.month) == (b.year, b.month)
    return True


scenario = st.fixed_dictionaries(
    {
        "tz": st.sampled_from(ZONES),
        "per": st.sampled_from(["day", "week", "month", None]),
        "events": st.lists(st.integers(-2 * 1440, 100 * 1440), min_size=1, max_size=40),
        "batch": st.integers(1, 7),
        "probes": st.lists(st.integers(0, 100 * 1440), min_size=1, max_size=6),
    }
)


def check_scenario(kit: Kit, clock: FakeClock, data: dict) -> None:  # type: ignore[type-arg]
    tz, per = data["tz"], data["per"]
    goal = kit.goals.create("ada", "R", {"event": "r", "count": 5, "per": per}, tz=tz)
    instants = [START + timedelta(minutes=m) for m in data["events"]]
    events = [Event(f"e{i}", "r", "ada", at=a) for i, a in enumerate(instants)]
    step = data["batch"]
    for i in range(0, len(events), step):
        kit.record_many(events[i : i + step])
    zone = ZoneInfo(tz)
    counted = [a.astimezone(zone).date() for a in instants if a >= START]
    for minutes in data["probes"]:
        probe = START + timedelta(minutes=minutes)
        local = probe.astimezone(zone).date()
        expected = sum(1 for d in counted if same_period(per, d, local))
        assert kit.goals.progress(goal.id, at=probe).count == expected
    assert kit.goals.get(goal.id).total == len(counted)


@settings(max_examples=150, deadline=None)
@given(scenario)
def test_incremental_progress_matches_recount_in_memory(data: dict) -> None:  # type: ignore[type-arg]
    clock = FakeClock(START)
    with Kit.open("memory://", clock=clock) as kit:
        check_scenario(kit, clock, data)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenario)
def test_incremental_progress_matches_recount_on_sqlite(data: dict) -> None:  # type: ignore[type-arg]
    clock = FakeClock(START)
    with (
        tempfile.TemporaryDirectory() as tmp,
        Kit.open(f"sqlite:///{Path(tmp) / 'p.db'}", clock=clock) as kit,
    ):
        check_scenario(kit, clock, data)
