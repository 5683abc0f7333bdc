"""One runtime object: ``reload_rules`` swaps it for every service in one step."""

from __future__ import annotations

import textwrap
from collections.abc import Iterator

import pytest

from motivekit import Event, Kit, load_rules
from motivekit._runtime import Core, Runtime
from motivekit.rules import Rules

from .conftest import FakeClock


def design(version: int) -> Rules:
    """A design that changes in every section from one version to the next."""
    return load_rules(
        "motivation.yaml",
        text=textwrap.dedent(
            f"""\
            version: {version}
            goals:
              menu:
                - id: reviews-v{version}
                  title: Review pull requests (v{version})
                  measure: {{event: review.submitted, count: {version + 2}, per: week}}
            tracks:
              - id: review-v{version}
                title: Code review (v{version})
                model: {{bkt: {{}}}}
                evidence:
                  - on: review.submitted
                    outcome: "event.data.ok"
                min_evidence: 1
            impact:
              contributions:
                - {{on: answer.posted, id: "event.data.answer_id", noun: answer}}
              beneficiary_events:
                - on: answer.marked_helpful
                  credits: "event.data.answer_id"
                  story: "{{beneficiary}} found your answer helpful (v{version})"
            missions:
              - id: handbook
                title: Translate the handbook (v{version})
                target: {{event: page.translated, count: {version}}}
            """
        ),
    )


@pytest.fixture
def rkit(kit_url: str, clock: FakeClock) -> Iterator[Kit]:
    with Kit.open(kit_url, clock=clock, rules=design(1)) as opened:
        yield opened


def _versions(kit: Kit, after: int) -> dict[str, int]:
    """The rules version of every journal entry after ``after``, by name."""
    return {e.name: e.payload["rules"] for e in kit.journal.read(after, 1000)}


def test_reload_rules_leaves_no_service_on_the_old_version(rkit: Kit) -> None:
    rkit.record(Event("a-1", "answer.posted", "ada", data={"answer_id": "a-1"}))
    rkit.impact.set_visibility("bob", "named", by="bob")  # a no-op choice: nothing journaled
    report = rkit.reload_rules(design(2))
    assert report.version == 2
    before = rkit.journal.size()

    # Every service and both pipelines now run under version 2 ...
    assert rkit.rules_version == 2
    assert rkit.rules is not None
    assert rkit.rules.version == 2
    assert [t.id for t in rkit.goals.menu] == ["reviews-v2"]
    assert [t.id for t in rkit.mastery.tracks] == ["review-v2"]
    assert rkit.impact.spec.missions[0].target.count == 2
    goal = rkit.goals.adopt("ada", "reviews-v2")
    assert goal.progress.target == 4
    rkit.goals.pause(goal.id, by="ada")
    rkit.consent.set("ada", "nudges", True, by="ada")
    band = rkit.mastery.set_band("ada", "review-v2", (0.6, 0.8), by="ada")
    assert band.track == "review-v2"
    rkit.impact.set_visibility("bob", "anonymous", by="bob")
    rkit.impact.set_digest("ada", "week", by="ada")
    rkit.impact.link("ada", "ada-2")
    helped = rkit.record(Event("h-1", "answer.marked_helpful", "bob", data={"answer_id": "a-1"}))
    assert [c.recipient for c in helped.impact_changes] == ["ada"]
    (entry,) = rkit.impact.feed("ada").entries
    assert entry.story.endswith("(v2)")
    evidence = rkit.record(Event("r-1", "review.submitted", "lin", data={"ok": True}))
    assert [c.track for c in evidence.skill_changes] == ["review-v2"]
    pages = rkit.record_many([Event(f"p-{i}", "page.translated", "lin") for i in range(2)])
    assert pages[-1].mission_changes[0].milestone == 2  # version 2's target
    rkit.privacy.forget("kim")

    # ... and each wrote its journal entries under it.
    versions = _versions(rkit, before)
    assert set(versions) == {
        "goal.create",
        "goal.pause",
        "consent.set",
        "mastery.band",
        "impact.visibility",
        "impact.digest",
        "identity.link",
        "answer.marked_helpful",
        "review.submitted",
        "page.translated",
        "mission.milestone",
        "privacy.forget",
    }
    assert set(versions.values()) == {2}


def test_a_dry_run_leaves_every_service_on_the_current_version(rkit: Kit) -> None:
    rkit.reload_rules(design(2), dry_run=True)
    assert rkit.rules_version == 1
    assert [t.id for t in rkit.goals.menu] == ["reviews-v1"]
    assert [t.id for t in rkit.mastery.tracks] == ["review-v1"]
    seq = rkit.record(Event("r-1", "review.submitted", "lin", data={"ok": True})).seq
    assert rkit.journal.read(seq - 1, 1)[0].payload["rules"] == 1


def test_services_hold_the_kits_one_core_and_no_copy_of_its_runtime(rkit: Kit) -> None:
    """What a service reads of the rules it reads through the Core, so a swap reaches it:
    no service keeps a runtime, a version or a piece of the rules of its own."""
    core = rkit._core
    services = [
        rkit.goals,
        rkit.mastery,
        rkit.impact,
        rkit.consent,
        rkit.privacy,
        rkit._recorder,
        rkit._replayer,
    ]
    runtime = core.runtime
    pieces = (runtime, runtime.menu, runtime.tracks, runtime.impact, runtime.rules)
    for service in services:
        held = vars(service)
        assert held.get("_core") is core, type(service).__name__
        for name, value in held.items():
            assert not isinstance(value, Runtime | Core) or value is core, name
            assert all(value is not piece for piece in pieces), (type(service).__name__, name)
    rkit.reload_rules(design(2))
    assert core.runtime is not runtime
    assert core.runtime.version == 2
