"""Self-chosen goals: creation, the menu, owner-only changes, consent."""

from __future__ import annotations

from datetime import timedelta

import pytest

from motivekit import (
    ConsentRequired,
    Event,
    GoalStatus,
    GoalTemplate,
    InvalidConsent,
    InvalidGoal,
    InvalidTransition,
    Kit,
    Measure,
    NotPermitted,
    Plan,
    UnknownGoal,
    UnknownTemplate,
)

from .conftest import FakeClock

REVIEWS = {"event": "review.submitted", "count": 3, "per": "week"}


def reviews(kit: Kit, owner: str = "ada") -> str:
    return kit.goals.create(owner, "Review pull requests", REVIEWS).id


def submit(kit: Kit, n: int, actor: str = "ada", prefix: str = "e", **data: object) -> None:
    start = kit.journal.size()
    kit.record_many(
        Event(f"{prefix}{start + i}", "review.submitted", actor, data=data) for i in range(n)
    )


def test_create_keeps_what_the_owner_chose(kit: Kit, clock: FakeClock) -> None:
    goal = kit.goals.create(
        "ada",
        "Review pull requests",
        Measure("review.submitted", 3, "week"),
        why="Reading other people's code teaches me the most",
        plan={"if": "I open my laptop on Monday", "then": "I review one pull request"},
        visibility="shared",
        tz="Europe/Berlin",
    )
    got = kit.goals.get(goal.id)
    assert got == goal
    assert (got.owner, got.status, got.visibility, got.tz) == (
        "ada",
        GoalStatus.ACTIVE,
        "shared",
        "Europe/Berlin",
    )
    assert got.plan == Plan("I open my laptop on Monday", "I review one pull request")
    assert got.why == "Reading other people's code teaches me the most"
    assert got.created_at == clock.now
    assert got.created_seq == 1  # the journal entry that created it
    assert (got.progress.count, got.progress.target, got.progress.reached) == (0, 3, False)
    assert kit.goals.list("ada") == [got]
    assert kit.goals.list("lin") == []


def test_nothing_is_created_without_the_owners_action(kit: Kit) -> None:
    kit.goals.offer(GoalTemplate("weekly-reviews", "Review pull requests", REVIEWS))
    submit(kit, 5)
    assert kit.goals.list("ada") == []
    assert kit.journal.size() == 5  # only the events: offering writes nothing


def test_progress_counts_and_reports_reaching_the_target(kit: Kit) -> None:
    goal_id = reviews(kit)
    outcomes = kit.record_many(Event(f"e{i}", "review.submitted", "ada") for i in range(4))
    counts = [(c.count, c.reached) for o in outcomes for c in o.goal_changes]
    assert counts == [(1, False), (2, False), (3, True), (4, False)]
    progress = kit.goals.get(goal_id).progress
    assert (progress.count, progress.remaining, progress.reached) == (4, 0, True)


def test_where_filter_counts_only_matching_events(kit: Kit) -> None:
    goal = kit.goals.create(
        "ada",
        "Core reviews",
        {"event": "review.submitted", "count": 2, "where": {"repo": "core", "big": True}},
    )
    submit(kit, 1, repo="core", big=True)
    submit(kit, 1, repo="docs", big=True)
    submit(kit, 1, repo="core", big=1)  # 1 is not True
    submit(kit, 1, repo="core")
    assert kit.goals.get(goal.id).progress.count == 1


def test_only_the_owners_events_count(kit: Kit) -> None:
    goal_id = reviews(kit)
    submit(kit, 2, actor="lin")
    assert kit.goals.get(goal_id).progress.count == 0


def test_events_before_the_goal_was_made_do_not_count(kit: Kit, clock: FakeClock) -> None:
    goal_id = reviews(kit)
    earlier = clock.now - timedelta(minutes=5)
    kit.record(Event("backdated", "review.submitted", "ada", at=earlier))
    kit.record(Event("now", "review.submitted", "ada", at=clock.now))
    assert kit.goals.get(goal_id).progress.count == 1


def test_adopt_from_the_menu_with_allowed_adjustments(kit: Kit) -> None:
    kit.goals.offer(
        GoalTemplate("weekly-reviews", "Review pull requests", REVIEWS, adjustable=["count"])
    )
    goal = kit.goals.adopt("ada", "weekly-reviews", count=1, why="Stay in touch", tz="Asia/Tokyo")
    assert (goal.template_id, goal.measure.count, goal.measure.per, goal.tz) == (
        "weekly-reviews",
        1,
        "week",
        "Asia/Tokyo",
    )
    assert goal.title == "Review pull requests"
    with pytest.raises(
        InvalidGoal, match=r"does not let adopters change \['per'\]; adjustable: \['count'\]"
    ):
        kit.goals.adopt("ada", "weekly-reviews", per="day")
    with pytest.raises(InvalidGoal, match=r"unknown adjustment\(s\) \['colour'\]"):
        kit.goals.adopt("ada", "weekly-reviews", colour="red")
    with pytest.raises(
        UnknownTemplate, match=r"no goal template 'nope' on the menu; offered: 'weekly-reviews'"
    ):
        kit.goals.adopt("ada", "nope")
    assert [t.id for t in kit.goals.menu] == ["weekly-reviews"]


def test_templates_can_be_given_at_open(kit_url: str, clock: FakeClock) -> None:
    menu = [
        GoalTemplate(
            "daily-practice", "Practise", {"event": "exercise.done", "count": 1, "per": "day"}
        )
    ]
    with Kit.open(kit_url, clock=clock, templates=menu) as kit:
        goal = kit.goals.adopt("ada", "daily-practice", per="week", count=4)
        assert (goal.measure.count, goal.measure.per) == (4, "week")
        with pytest.raises(InvalidGoal, match="already on the menu"):
            kit.goals.offer(menu[0])


def test_only_the_owner_may_change_a_goal(kit: Kit) -> None:
    goal_id = reviews(kit)
    size = kit.journal.size()
    for change in (kit.goals.pause, kit.goals.resume, kit.goals.release):
        with pytest.raises(
            NotPermitted,
            match=rf"only the goal's owner may \w+ goal '{goal_id}'; 'lin' is not its owner",
        ):
            change(goal_id, by="lin")
    with pytest.raises(NotPermitted):
        kit.goals.renegotiate(goal_id, by="lin", count=1)
    assert kit.journal.size() == size
    assert kit.goals.get(goal_id).status is GoalStatus.ACTIVE


def test_pause_resume_and_events_while_paused(kit: Kit, clock: FakeClock) -> None:
    goal_id = reviews(kit)
    submit(kit, 1)
    paused = kit.goals.pause(goal_id, by="ada")
    assert paused.status is GoalStatus.PAUSED
    submit(kit, 2)
    assert kit.goals.get(goal_id).progress.count == 1
    size = kit.journal.size()
    assert kit.goals.pause(goal_id, by="ada") == paused  # pausing again is a no-op
    assert kit.journal.size() == size
    clock.advance(minutes=1)
    resumed = kit.goals.resume(goal_id, by="ada")
    assert (resumed.status, resumed.updated_at) == (GoalStatus.ACTIVE, clock.now)
    submit(kit, 1)
    assert kit.goals.get(goal_id).progress.count == 2


def test_renegotiate_keeps_progress(kit: Kit) -> None:
    goal_id = reviews(kit)
    submit(kit, 2)
    goal = kit.goals.renegotiate(goal_id, by="ada", count=2)
    assert (goal.progress.count, goal.progress.target, goal.progress.reached) == (2, 2, True)
    goal = kit.goals.renegotiate(goal_id, by="ada", per="month", count=10)
    assert (goal.measure.per, goal.progress.count, goal.progress.target) == ("month", 2, 10)
    goal = kit.goals.renegotiate(goal_id, by="ada", per=None)
    assert (goal.progress.per, goal.progress.count, goal.progress.period_start) == (None, 2, None)
    size = kit.journal.size()
    kit.goals.renegotiate(goal_id, by="ada", count=10)  # unchanged: nothing journaled
    assert kit.journal.size() == size
    with pytest.raises(InvalidGoal, match=r"needs count=... and/or per="):
        kit.goals.renegotiate(goal_id, by="ada")
    with pytest.raises(
        InvalidGoal, match=r"count must be a whole number from 1 to 1,000,000, got 0"
    ):
        kit.goals.renegotiate(goal_id, by="ada", count=0)
    with pytest.raises(InvalidGoal, match=r"per must be one of 'day', 'week', 'month' or None"):
        kit.goals.renegotiate(goal_id, by="ada", per="fortnight")  # type: ignore[arg-type]


def test_edit_changes_description_and_sharing_only(kit: Kit, clock: FakeClock) -> None:
    goal_id = reviews(kit)
    submit(kit, 1)
    clock.advance(hours=1)
    goal = kit.goals.edit(
        goal_id,
        by="ada",
        title="Review one PR a day",
        why="I want to know the codebase",
        plan={"when": "after stand-up", "then": "I open the oldest PR"},
        visibility="shared",
    )
    assert (goal.title, goal.why, goal.visibility) == (
        "Review one PR a day",
        "I want to know the codebase",
        "shared",
    )
    assert goal.plan == Plan("after stand-up", "I open the oldest PR")
    assert (goal.updated_at, goal.progress.count, goal.measure) == (
        clock.now,
        1,
        Measure("review.submitted", 3, "week"),
    )
    goal = kit.goals.edit(goal_id, by="ada", why=None, plan=None)
    assert (goal.why, goal.plan) == (None, None)
    size = kit.journal.size()
    kit.goals.edit(goal_id, by="ada", visibility="shared")  # unchanged: nothing journaled
    assert kit.journal.size() == size
    with pytest.raises(NotPermitted):
        kit.goals.edit(goal_id, by="lin", title="Mine now")
    with pytest.raises(InvalidGoal, match="needs at least one of"):
        kit.goals.edit(goal_id, by="ada")
    with pytest.raises(InvalidGoal, match="visibility must be one of"):
        kit.goals.edit(goal_id, by="ada", visibility="world")  # type: ignore[arg-type]
    assert kit.goals.get(goal_id).title == "Review one PR a day"


def test_release_is_a_neutral_final_state(kit: Kit) -> None:
    goal_id = reviews(kit)
    submit(kit, 1)
    released = kit.goals.release(goal_id, by="ada")
    assert released.status is GoalStatus.RELEASED
    assert released.progress.count == 1  # nothing is taken away
    submit(kit, 3)
    assert kit.goals.get(goal_id).progress.count == 1
    with pytest.raises(InvalidTransition, match="was released; a released goal stays released"):
        kit.goals.resume(goal_id, by="ada")
    assert [g.id for g in kit.goals.list("ada", status="released")] == [goal_id]
    assert kit.goals.list("ada", status=GoalStatus.ACTIVE) == []
    assert {s.value for s in GoalStatus} == {"active", "paused", "released"}  # no "failed"


def test_unknown_goal(kit: Kit) -> None:
    with pytest.raises(UnknownGoal, match=r"no goal with id 'g-nope'"):
        kit.goals.get("g-nope")
    with pytest.raises(UnknownGoal):
        kit.goals.pause("g-nope", by="ada")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"title": ""}, r"title must be a non-empty string"),
        ({"title": "x" * 2001}, r"title is 2001 characters long; the limit is 2000"),
        ({"measure": {"event": "review.submitted"}}, r"measure.count is missing"),
        (
            {"measure": {"event": "review.submitted", "count": 3, "every": "week"}},
            r"unknown key\(s\) \['every'\]",
        ),
        ({"measure": {"event": "bad kind", "count": 3}}, r"measure.event is 'bad kind'"),
        ({"measure": {"event": "r", "count": 2.5}}, r"measure.count must be a whole number"),
        ({"measure": {"event": "r", "count": True}}, r"measure.count must be a whole number"),
        ({"measure": {"event": "r", "count": 1, "per": "year"}}, r"measure.per must be one of"),
        (
            {"measure": {"event": "r", "count": 1, "where": {"x": 0.5}}},
            r"measure.where\['x'\] must be a string",
        ),
        ({"measure": "3 reviews"}, r"measure must be a Measure or a dict"),
        ({"tz": "Mars/Olympus"}, r"tz 'Mars/Olympus' is not a known IANA time zone"),
        ({"visibility": "everyone"}, r"visibility must be one of private, shared, public"),
        ({"plan": {"then": "x"}}, r"plan must look like \{'when'"),
        ({"plan": "if x then y"}, r"plan must be a Plan or a dict"),
        ({"owner": ""}, r"owner must be a non-empty string"),
        ({"why": "\ud800"}, r"why contains a lone surrogate code point"),
    ],
)
def test_invalid_goals_are_rejected_before_anything_is_written(
    kit: Kit, kwargs: dict[str, object], message: str
) -> None:
    args: dict[str, object] = {"owner": "ada", "title": "Reviews", "measure": REVIEWS}
    args.update(kwargs)
    with pytest.raises(InvalidGoal, match=message):
        kit.goals.create(**args)  # type: ignore[arg-type]
    assert kit.journal.size() == 0


def test_consent_off_means_no_goal_state(kit: Kit) -> None:
    goal_id = reviews(kit)
    consent = kit.consent.set("ada", "goals", False, by="ada")
    assert not consent.allows("goals")
    submit(kit, 2)
    assert kit.goals.get(goal_id).progress.count == 0
    with pytest.raises(
        ConsentRequired, match=r"'ada' has switched goals off; only they can switch it back on"
    ):
        reviews(kit)
    kit.goals.pause(goal_id, by="ada")  # stepping back is always possible
    kit.consent.set("ada", "goals", True, by="ada")
    kit.goals.resume(goal_id, by="ada")
    submit(kit, 1)
    assert kit.goals.get(goal_id).progress.count == 1


def test_consent_defaults_and_choices(kit: Kit, kit_url: str, clock: FakeClock) -> None:
    consent = kit.consent.get("ada")
    assert consent.enabled == {"goals", "mastery", "impact"}  # nudges are opt-in
    assert kit.consent.set("ada", "nudges", True, by="ada").allows("nudges")
    size = kit.journal.size()
    kit.consent.set("ada", "nudges", True, by="ada")  # unchanged: nothing journaled
    assert kit.journal.size() == size
    with pytest.raises(NotPermitted, match="only 'ada' may change their own consent"):
        kit.consent.set("ada", "goals", False, by="lin")
    with pytest.raises(
        InvalidConsent,
        match="unknown mechanic 'points'; choose one of goals, mastery, impact, nudges",
    ):
        kit.consent.set("ada", "points", True, by="ada")
    with pytest.raises(InvalidConsent, match="enabled must be True or False"):
        kit.consent.set("ada", "goals", "yes", by="ada")  # type: ignore[arg-type]


def test_kit_wide_consent_defaults(kit_url: str, clock: FakeClock) -> None:
    with Kit.open(kit_url, clock=clock, consent_defaults={"goals": False}) as kit:
        with pytest.raises(ConsentRequired):
            reviews(kit)
        kit.consent.set("ada", "goals", True, by="ada")
        assert reviews(kit)


def test_counting_follows_each_owners_choice_over_the_default(
    kit_url: str, clock: FakeClock
) -> None:
    with Kit.open(kit_url, clock=clock, consent_defaults={"goals": False}) as kit:
        kit.consent.set("ada", "goals", True, by="ada")
        kit.consent.set("lin", "goals", True, by="lin")
        ada, lin = reviews(kit, "ada"), reviews(kit, "lin")
        kit.consent.set("lin", "goals", False, by="lin")
        outcomes = kit.record_many(
            [Event("x1", "review.submitted", "ada"), Event("x2", "review.submitted", "lin")]
        )
        assert [len(o.goal_changes) for o in outcomes] == [1, 0]
        assert kit.goals.get(ada).progress.count == 1
        assert kit.goals.get(lin).progress.count == 0
        assert kit.replay().changed == ()  # the fold decides it the same way
