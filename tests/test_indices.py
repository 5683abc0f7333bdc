"""The behavioural indices on a simulated population whose behaviour is built to give
known values, recorded through a Kit on memory and on SQLite."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from motivekit import Ed25519Signer, Event, InvalidInput, Kit, load_rules
from motivekit.checkins import Instrument, Item, score
from motivekit.goals._engine import period_bounds
from motivekit.indices import (
    Activity,
    Autonomy,
    Challenge,
    Persistence,
    Windows,
    compute,
    divergence,
    from_kit,
    journal_entries,
)
from motivekit.indices._fold import period
from motivekit.rules import Rules

from .conftest import FakeClock

DESIGN = """\
version: 1
goals:
  menu:
    - id: weekly-reviews
      title: Review pull requests
      measure: {event: review.submitted, count: 3, per: week}
      adjustable: [count, per]
tracks:
  - id: code-review
    title: Code review
    model: {bkt: {}}
    evidence:
      - on: challenge.solved
        outcome: "event.data.ok"
impact:
  contributions:
    - {on: answer.posted, id: "event.data.answer_id", noun: answer}
  beneficiary_events:
    - on: answer.marked_helpful
      credits: "event.data.answer_id"
      story: "{beneficiary} found your answer helpful"
missions:
  - id: handbook
    title: Translate the handbook
    target: {event: page.translated, count: 5}
nudges: {max_per_week: 2}
"""

MONDAY = datetime(2026, 11, 2, tzinfo=UTC)
REVIEW, ANSWER, PAGE = "review.submitted", "answer.posted", "page.translated"


def design() -> Rules:
    return load_rules("motivation.yaml", text=DESIGN)


def at(day: int, hour: int) -> datetime:
    return MONDAY + timedelta(days=day, hours=hour)


@pytest.fixture(params=["memory", "sqlite"])
def skit(request: pytest.FixtureRequest, tmp_path: Path, clock: FakeClock) -> Iterator[Kit]:
    url = "memory://" if request.param == "memory" else f"sqlite:///{tmp_path / 'kit.db'}"
    key = Ed25519Signer.generate("example.com/log")
    with Kit.open(url, clock=clock, rules=design(), origin="example.com/log", signers=[key]) as kit:
        yield kit


class Script:
    """Records a person's behaviour at given instants (commands at the clock's time)."""

    def __init__(self, kit: Kit, clock: FakeClock) -> None:
        self.kit, self.clock = kit, clock
        self.ids = itertools.count(1)

    def do(self, who: str, kind: str, when: datetime, **data: object) -> None:
        self.kit.record(Event(f"ev-{next(self.ids)}", kind, who, at=when, data=data))

    def now(self, when: datetime) -> Script:
        self.clock.now = when
        return self


def own_goal(s: Script, who: str, when: datetime, count: int, **measure: object) -> str:
    s.now(when)
    spec = {"event": REVIEW, "count": count, "per": "week", **measure}
    return s.kit.goals.create(who, "My goal", spec).id


def populate(kit: Kit, clock: FakeClock) -> dict[str, str]:
    """The population; returns each person's group."""
    s = Script(kit, clock)
    # Free choice: no goal, no prompt.
    s.do("f1", REVIEW, at(0, 10))
    s.do("f1", REVIEW, at(1, 10))
    s.do("f1", REVIEW, at(2, 10))
    s.do("f2", REVIEW, at(0, 11))
    s.do("f2", REVIEW, at(3, 11))
    s.do("f3", REVIEW, at(1, 12))
    # Goals: three held, one past the target; next week's period holds again.
    own_goal(s, "g1", at(0, 8), 3)
    for when in (at(0, 9), at(0, 10), at(0, 11), at(1, 9), at(7, 9)):
        s.do("g1", REVIEW, when)
    # A goal with a data filter: an event it does not match is free.
    own_goal(s, "g2", at(0, 8), 2, where={"repo": "core"})
    for when, repo in ((at(0, 9), "core"), (at(0, 10), "docs"), (at(1, 9), "core")):
        s.do("g2", REVIEW, when, repo=repo)
    s.do("g2", REVIEW, at(2, 9), repo="core")  # past the target
    # Goals switched off: the goal no longer counts.
    own_goal(s, "g3", at(0, 8), 5)
    s.do("g3", REVIEW, at(0, 9))
    kit.consent.set("g3", "goals", False, by="g3")
    s.do("g3", REVIEW, at(0, 11))
    # Nudged: within 24 h of a nudge is prompted, later is free.
    for who in ("p1", "p2"):
        s.now(at(0, 8))
        kit.consent.set(who, "nudges", True, by=who)
    kit.nudges.sent("p1", "reminder", at=at(0, 9))
    s.do("p1", REVIEW, at(0, 10))
    s.do("p1", REVIEW, at(2, 10))
    kit.nudges.sent("p2", "reminder", at=at(0, 9))
    kit.nudges.sent("p2", "suggestion", at=at(0, 12))
    s.do("p2", REVIEW, at(0, 13))
    s.do("p2", REVIEW, at(1, 8))  # 20 h after the second nudge
    s.do("p2", REVIEW, at(1, 13))  # 25 h after it
    # A digest prompts too.
    s.now(at(0, 8))
    kit.impact.set_digest("p3", "day", by="p3")
    s.do("p3", ANSWER, at(0, 9), answer_id="a-1")
    s.do("h1", "answer.marked_helpful", at(0, 10), answer_id="a-1")
    (digest,) = kit.impact.digests(at=at(1, 9))
    kit.impact.digest_sent(digest, at=at(1, 9))
    s.do("p3", ANSWER, at(1, 11), answer_id="a-2")
    # Persistence: r1 goes on and takes up a new goal within two weeks; r2 does neither.
    for who in ("r1", "r2"):
        goal = own_goal(s, who, at(0, 8), 2)
        if who == "r1":
            s.do("r1", REVIEW, at(0, 9))
        s.now(at(1, 8))
        kit.goals.release(goal, by=who)
    s.do("r1", REVIEW, at(4, 9))
    own_goal(s, "r1", at(11, 8), 1, event=ANSWER)
    s.do("r2", REVIEW, at(16, 9))  # 15 days after the release
    own_goal(s, "r2", at(21, 8), 1, event=ANSWER)
    # Challenge: harder bands and targets, then one step back.
    s.now(at(0, 8))
    kit.mastery.set_band("c1", "code-review", (0.55, 0.7), target=0.6, by="c1")
    kit.mastery.set_band("c1", "code-review", (0.4, 0.6), target=0.5, by="c1")
    kit.mastery.set_band("c1", "code-review", None, by="c1")  # back to 0.75: easier
    goal = own_goal(s, "c1", at(0, 8), 3)
    kit.goals.renegotiate(goal, by="c1", count=5)
    kit.goals.renegotiate(goal, by="c1", count=1, per="day")  # 7 a week
    kit.goals.renegotiate(goal, by="c1", count=2, per="week")
    kit.mastery.set_band("c2", "code-review", (0.8, 0.9), target=0.85, by="c2")
    # Autonomy: the menu's goal as offered, with its count changed, with its own title.
    kit.goals.adopt("a1", "weekly-reviews")
    kit.goals.adopt("a2", "weekly-reviews", count=5)
    kit.goals.adopt("a3", "weekly-reviews", title="My reviews")
    # A mission counts everyone's pages; m2 has impact off, so it holds nothing for her.
    kit.consent.set("m2", "impact", False, by="m2")
    s.do("m2", PAGE, at(0, 9))
    s.do("m2", PAGE, at(0, 10))
    for hour in range(9, 16):
        s.do("m1", PAGE, at(0, hour))
    groups = {p: p[0] for p in ("f1", "f2", "f3", "g1", "g2", "g3", "p1", "p2", "p3", "h1")}
    groups |= {p: p[0] for p in ("r1", "r2", "c1", "c2", "a1", "a2", "a3", "m1", "m2")}
    return groups


# (events, held, prompted, free choice, past target)
ACTIVITY = {
    "f1": (3, 0, 0, 3, 0),
    "f2": (2, 0, 0, 2, 0),
    "f3": (1, 0, 0, 1, 0),
    "g1": (5, 4, 0, 1, 1),
    "g2": (4, 2, 0, 2, 1),
    "g3": (2, 1, 0, 1, 0),
    "p1": (2, 0, 1, 1, 0),
    "p2": (3, 0, 2, 1, 0),
    "p3": (2, 0, 1, 1, 0),
    "h1": (1, 0, 0, 1, 0),
    "r1": (2, 1, 0, 1, 0),
    "r2": (1, 0, 0, 1, 0),
    "m1": (7, 3, 0, 4, 4),
    "m2": (2, 0, 0, 2, 0),
}
PERSISTENCE = {"r1": Persistence(1, 1, 1), "r2": Persistence(1, 0, 0)}
CHALLENGE = {"c1": Challenge(2, 1, 2, 1), "c2": Challenge(0, 1, 0, 0)}
AUTONOMY = {
    "g1": Autonomy(1, 0, 0),
    "g2": Autonomy(1, 0, 0),
    "g3": Autonomy(1, 0, 0),
    "r1": Autonomy(2, 0, 0),
    "r2": Autonomy(2, 0, 0),
    "c1": Autonomy(1, 0, 0),
    "a1": Autonomy(0, 1, 0),
    "a2": Autonomy(0, 1, 1),
    "a3": Autonomy(0, 1, 1),
}


def test_every_index_comes_out_as_built(skit: Kit, clock: FakeClock) -> None:
    groups = populate(skit, clock)
    found = from_kit(skit, groups=groups)
    assert set(found.people) == set(groups)
    for person, value in found.people.items():
        assert value.activity == Activity(*ACTIVITY.get(person, (0, 0, 0, 0, 0))), person
        assert value.persistence == PERSISTENCE.get(person, Persistence()), person
        assert value.challenge == CHALLENGE.get(person, Challenge()), person
        assert value.autonomy == AUTONOMY.get(person, Autonomy()), person
    assert found.people["p3"].kinds == {ANSWER: Activity(2, 0, 1, 1, 0)}
    assert found.people["f1"].activity.free_choice_share == 1.0
    assert found.people["p2"].activity.prompted_share == pytest.approx(2 / 3)
    assert found.people["r1"].persistence.new_goal_share == 1.0
    assert found.people["c1"].challenge.bands_up_share == pytest.approx(2 / 3)
    assert found.people["a1"].autonomy.adjusted_share == 0.0
    assert found.people["f1"].autonomy.own_share is None  # no goal: nothing to say
    # Groups sum their members' counts.
    assert found.groups["g"].activity == Activity(11, 7, 0, 4, 2)
    assert found.groups["a"].autonomy == Autonomy(0, 3, 2)
    assert found.groups["a"].autonomy.adjusted_share == pytest.approx(2 / 3)
    total = [sum(v[i] for v in ACTIVITY.values()) for i in range(5)]
    assert found.everyone.activity == Activity(*total)
    assert found.everyone.people == len(groups)
    # The same journal read as plain entries gives the same values.
    again = compute(
        list(journal_entries(skit, page=7)),
        rules=skit.rules,
        groups=groups,
        aims={"code-review": 0.75},
    )
    assert again == found


def test_a_period_counts_what_happened_in_it_judged_by_what_came_before(
    skit: Kit, clock: FakeClock
) -> None:
    populate(skit, clock)
    second_week = from_kit(skit, since=at(7, 0), until=at(14, 0))
    assert second_week.people["g1"].activity == Activity(1, 1, 0, 0, 0)  # a new period
    assert second_week.people["f1"].activity == Activity()  # everyone is reported
    assert second_week.people["r1"].autonomy == Autonomy(1, 0, 0)
    assert second_week.people["r1"].persistence == Persistence()  # released in week 1
    first_week = from_kit(skit, until=at(7, 0))
    assert first_week.people["r2"].persistence == Persistence(1, 0, 0)
    only_pages = from_kit(skit, kinds=[PAGE])
    assert only_pages.everyone.activity == Activity(9, 3, 0, 6, 4)
    assert only_pages.people["g1"].kinds == {}


def test_windows_are_parameters(skit: Kit, clock: FakeClock) -> None:
    populate(skit, clock)
    wide = from_kit(skit, windows=Windows(prompt=timedelta(days=3)))
    assert wide.people["p1"].activity == Activity(2, 0, 2, 0, 0)  # 49 h after the nudge
    assert wide.people["p2"].activity == Activity(3, 0, 3, 0, 0)
    short = from_kit(
        skit, windows=Windows(continued=timedelta(days=2), new_goal=timedelta(days=30))
    )
    assert short.people["r1"].persistence == Persistence(1, 0, 1)
    assert short.people["r2"].persistence == Persistence(1, 0, 1)
    with pytest.raises(InvalidInput, match=r"Windows\.prompt"):
        Windows(prompt=timedelta(0))


def test_forgotten_people_drop_out_and_the_log_still_verifies(skit: Kit, clock: FakeClock) -> None:
    groups = populate(skit, clock)
    before = from_kit(skit, groups=groups)
    skit.privacy.forget("m2")
    skit.privacy.forget("p3")
    after = from_kit(skit, groups=groups)
    assert set(after.people) == set(before.people) - {"m2", "p3"}
    # Everyone else is as before: m2's erased pages still counted towards the mission.
    assert {p: v for p, v in before.people.items() if p not in ("m2", "p3")} == after.people
    assert after.groups["m"].activity == Activity(7, 3, 0, 4, 4)
    report = skit.audit.verify()
    assert report.size == skit.journal.size()


def test_the_divergence_flag(skit: Kit, clock: FakeClock) -> None:
    """Counts rise and interest stays flat: flagged. Both rise: silent."""
    s = Script(skit, clock)
    weekly = Instrument(
        "weekly",
        [Item("ie1", "interest-enjoyment"), Item("ie2", "interest-enjoyment")],
        low=1,
        high=7,
        licence="Items written by the test",
    )
    interest: dict[str, dict[str, float | None]] = {"before": {}, "after": {}}
    for i in range(6):
        for group in ("a", "b"):
            who = f"{group}{i}"
            for n in range(2 + i % 2):  # week 1: two or three free events each
                s.do(who, REVIEW, at(n, 10))
            base = 3 + i % 3
            interest["before"][who] = score(weekly, {"ie1": base, "ie2": base}).mean(
                "interest-enjoyment"
            )
            if group == "a":  # a goal from the menu: three held events on top
                s.now(at(7, 8))
                skit.goals.adopt(who, "weekly-reviews")
                events, later = 3 + 2 + i % 2, base
            else:  # more of their own accord, and more interested
                events, later = 5 + i % 2, base + 2
            for n in range(events):
                s.do(who, REVIEW, at(7 + n % 5, 10 + n // 5))
            interest["after"][who] = score(weekly, {"ie1": later, "ie2": later}).mean(
                "interest-enjoyment"
            )
    groups = {p: p[0] for p in interest["before"]}
    week1 = from_kit(skit, until=at(7, 0), groups=groups)
    week2 = from_kit(skit, since=at(7, 0), until=at(14, 0), groups=groups)

    flat = divergence(
        week1.of_group("a"),
        week2.of_group("a"),
        interest_before=interest["before"],
        interest_after=interest["after"],
    )
    assert flat.flagged
    assert flat.activity.rose
    assert flat.activity.after == 5.5
    assert flat.free_choice.rose is False
    assert flat.free_choice.before == flat.free_choice.after == 2.5
    assert flat.interest is not None
    assert flat.interest.rose is False
    assert [r.split(" but ")[1].split(" (")[0] for r in flat.reasons] == [
        "free-choice activity did not",
        "interest did not",
    ]
    both = divergence(
        week1.of_group("b"),
        week2.of_group("b"),
        interest_before=interest["before"],
        interest_after=interest["after"],
    )
    assert both.activity.rose
    assert both.free_choice.rose
    assert both.interest is not None
    assert both.interest.rose
    assert not both.flagged
    assert both.reasons == ()
    # Without check-ins the free-choice index alone decides.
    assert divergence(week1.of_group("a"), week2.of_group("a")).flagged
    assert not divergence(week1.of_group("b"), week2.of_group("b")).flagged
    # Falling activity is never flagged.
    assert not divergence(week2.of_group("a"), week1.of_group("a")).flagged


def test_a_rise_must_be_more_than_noise(skit: Kit, clock: FakeClock) -> None:
    s = Script(skit, clock)
    # Activity moves by one event for one person in six: g is far below 0.2.
    for i in range(6):
        for n in range(3 + i % 3):
            s.do(f"n{i}", REVIEW, at(n % 5, 10))
            s.do(f"n{i}", REVIEW, at(7 + n % 5, 10))
    s.do("n0", REVIEW, at(8, 15))
    week1 = from_kit(skit, until=at(7, 0))
    week2 = from_kit(skit, since=at(7, 0), until=at(14, 0))
    found = divergence(week1, week2)
    assert found.activity.g is not None
    assert 0 < found.activity.g < 0.2
    assert found.activity.rose is False
    assert not found.flagged
    assert divergence(week1, week2, min_effect=0.1).activity.rose


def test_bad_input_is_named() -> None:
    with pytest.raises(InvalidInput, match=r"entries\[0\]"):
        compute(["entry"])  # type: ignore[list-item]
    with pytest.raises(InvalidInput, match="since"):
        compute([], since=datetime(2026, 11, 2))
    with pytest.raises(InvalidInput, match="until"):
        compute([], since=at(1, 0), until=at(0, 0))
    with pytest.raises(InvalidInput, match="groups"):
        compute([], groups={"ada": 1})  # type: ignore[dict-item]
    empty = compute([])
    assert empty.people == {}
    assert empty.everyone.activity.free_choice_share is None
    with pytest.raises(InvalidInput, match="no group 'x'"):
        empty.of_group("x")
    with pytest.raises(InvalidInput, match="both sides"):
        divergence(empty, empty, interest_before={})
    with pytest.raises(InvalidInput, match="min_effect"):
        divergence(empty, empty, min_effect=0)
    nobody = divergence(empty, empty)
    assert nobody.activity.rose is None
    assert not nobody.flagged


def test_periods_are_the_goal_engines() -> None:
    day = MONDAY.date() - timedelta(days=400)
    for n in range(800):
        d = day + timedelta(days=n)
        for per in (None, "day", "week", "month"):
            assert period(per, d) == period_bounds(per, d), (per, d)  # type: ignore[arg-type]


def test_consent_defaults_match_the_kits() -> None:
    from motivekit._consent import DEFAULT_CONSENT
    from motivekit.indices._compute import DEFAULT_CONSENT as ASSUMED

    assert {k: DEFAULT_CONSENT[k] for k in ASSUMED} == ASSUMED  # type: ignore[index]
