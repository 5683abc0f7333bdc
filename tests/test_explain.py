"""kit.explain and the replay/explain commands: every unit of progress traced to an entry."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from motivekit import Event, InvalidInput, Kit, UnknownGoal
from motivekit.cli import main

from .conftest import FakeClock
from .test_replay import design, rules


@pytest.fixture
def url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'explain.db'}"


def story(kit: Kit, clock: FakeClock) -> str:
    """ada adopts the weekly goal on Monday 2026-11-02 and lives a varied week."""
    goal = kit.goals.adopt("ada", "weekly-reviews").id
    kit.record(Event("before", "review.submitted", "ada", at=clock() - timedelta(hours=1)))
    kit.record(Event("mon", "review.submitted", "ada"))
    kit.record(Event("other", "answer.posted", "ada"))
    kit.record(Event("bo's", "review.submitted", "bo"))
    clock.advance(days=1)
    kit.goals.pause(goal, by="ada")
    kit.record(Event("tue-paused", "review.submitted", "ada"))
    kit.goals.resume(goal, by="ada")
    kit.consent.set("ada", "goals", False, by="ada")
    kit.record(Event("tue-off", "review.submitted", "ada"))
    kit.consent.set("ada", "goals", True, by="ada")
    kit.record(Event("tue", "review.submitted", "ada"))
    clock.advance(days=7)
    kit.record(Event("next-week", "review.submitted", "ada"))
    return goal


def test_every_unit_of_progress_is_traced_to_a_journal_entry(url: str, clock: FakeClock) -> None:
    with Kit.open(url, clock=clock, rules=rules(1)) as kit:
        goal_id = story(kit, clock)
        goal = kit.goals.get(goal_id)
        why = kit.explain("ada", goal_id)

        assert not why.stale
        assert why.rules_version == 1
        assert goal.progress.count == 1  # the week of 2026-11-09: "next-week"
        assert goal.total == 3
        units = why.in_period()
        assert len(units) == goal.progress.count
        assert len(why.counted()) == goal.total
        assert len(why.counted(date(2026, 11, 2), date(2026, 11, 9))) == 2
        journal = {e.seq: e for e in kit.journal.read(0, 100)}
        for step in why.counted():
            entry = journal[step.seq]
            assert entry.actor == "ada"
            assert entry.payload["kind"] == "review.submitted"
            assert step.day is not None
        by_event = {journal[s.seq].payload.get("id"): s for s in why.steps}
        assert {k for k, s in by_event.items() if s.kind == "counted"} == {
            "mon",
            "tue",
            "next-week",
        }
        assert by_event["before"].detail == "it happened before the goal was made"
        assert by_event["tue-paused"].detail == "the goal was paused"
        assert by_event["tue-off"].detail == "goals were switched off by their owner"
        assert "bo's" not in by_event
        assert "other" not in by_event
        assert [s.name for s in why.steps if s.kind in ("created", "changed")] == [
            "goal.create",
            "goal.pause",
            "goal.resume",
        ]
        lines = why.lines()
        assert lines[0] == (
            f"'Review pull requests' ({goal_id}) of ada: 1 of 3 this week "
            "(2026-11-09 to 2026-11-15); rules version 1"
        )
        assert lines[-1] == f"1 this week (2026-11-09 to 2026-11-15) = #{units[0].seq}"


def test_explain_is_for_the_goals_owner(url: str, clock: FakeClock) -> None:
    with Kit.open(url, clock=clock, rules=rules(1)) as kit:
        goal_id = story(kit, clock)
        with pytest.raises(UnknownGoal, match="'bo' has no goal"):
            kit.explain("bo", goal_id)
        with pytest.raises(UnknownGoal, match="no goal with id 'g-nope'"):
            kit.explain("ada", "g-nope")
        with pytest.raises(InvalidInput, match="user"):
            kit.explain("", goal_id)


def test_explain_says_when_stored_progress_needs_a_replay(url: str, clock: FakeClock) -> None:
    with Kit.open(url, clock=clock, rules=rules(1)) as kit:
        goal_id = story(kit, clock)
    with Kit.open(url, clock=clock, rules=rules(2, count=5)) as kit:
        why = kit.explain("ada", goal_id)
        assert why.stale
        assert why.goal.progress.target == 3  # what is stored until the replay
        assert "run 'motivekit replay'" in why.lines()[-1]
        created = why.steps[0]
        assert created.detail == (
            "adopted from 'weekly-reviews': 5 review.submitted per week (the template's "
            "current target; 3 review.submitted per week when adopted)"
        )
        kit.replay()
        assert not kit.explain("ada", goal_id).stale


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_replay_and_explain_commands(url: str, clock: FakeClock, tmp_path: Path) -> None:
    v1, v2 = tmp_path / "v1.yaml", tmp_path / "v2.yaml"
    v1.write_text(design(1))
    v2.write_text(design(2, count=4))
    with Kit.open(url, clock=clock, rules=v1) as kit:
        goal_id = story(kit, clock)

    code, out, _ = run("replay", "--url", url, "--rules", str(v2), "--dry-run")
    assert code == 0
    assert out.splitlines() == [
        f"ada: Review pull requests ({goal_id}): target: 3 review.submitted per week → "
        "4 review.submitted per week",
        f"ada: Review pull requests ({goal_id}): this week: 0/3 → 0/4",
        "rules version 2: 2 people replayed; 1 would change",
    ]
    code, out, _ = run("replay", "--url", url, "--rules", str(v2), "--json")
    assert code == 0
    report = json.loads(out)
    assert report["changed"][0]["person"] == "ada"
    assert report["version"] == 2
    assert not report["dry_run"]
    code, out, err = run("replay", "--url", url, "--rules", str(v1))
    assert code == 1
    assert "RulesVersionError: rules version 1 is older than version 2" in err

    code, out, _ = run("explain", "--url", url, "--rules", str(v2), "ada", goal_id, "--json")
    assert code == 0
    why = json.loads(out)
    assert why["goal"]["target"] == 4
    assert why["goal"]["total"] == 3
    assert not why["stale"]
    counted = [s for s in why["steps"] if s["kind"] == "counted"]
    assert len(counted) == why["goal"]["total"]
    start, end = why["goal"]["period_start"], why["goal"]["period_end"]
    assert why["progress_from"] == [s["seq"] for s in counted if start <= s["day"] < end]
    assert len(why["progress_from"]) == why["goal"]["count"]
    code, out, _ = run("explain", "--url", url, "--rules", str(v2), "ada", goal_id)
    assert code == 0
    assert out.splitlines()[0].startswith("'Review pull requests'")
    code, _, err = run("explain", "--url", url, "bo", goal_id)
    assert code == 1
    assert "UnknownGoal: 'bo' has no goal" in err
