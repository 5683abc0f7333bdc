"""kit.privacy.export: everything motivekit holds about one person, as JSON."""

from __future__ import annotations

import json
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click.testing import CliRunner

from motivekit import Event, InvalidInput, Kit, PrivacyExport, load_rules
from motivekit.cli import main

from .conftest import FakeClock

DESIGN = textwrap.dedent(
    """\
    version: 3
    tracks:
      - id: code-review
        title: Code review
        model: {elo: {guess: 0.0, k: {a: 1.0, b: 0.05}}}
        evidence:
          - on: review.submitted
            outcome: "event.data.approved"
            difficulty: "event.data.complexity"
        levels: [{name: Exploring, at: 0.0}, {name: Practising, at: 0.5}]
        scale: {typical: 3, step: 1, typical_tasks: medium reviews}
        min_evidence: 1
      - id: answers
        title: Answering questions
        model: {bkt: {prior: 0.2, learn: 0.2, guess: 0.2, slip: 0.1}}
        evidence:
          - on: answer.graded
            outcome: "event.data.score / 100"
    impact:
      contributions:
        - on: answer.posted
          id: "event.data.answer_id"
          referred_by: "event.data.invited_by"
          noun: answer
      beneficiary_events:
        - on: answer.marked_helpful
          credits: "event.data.answer_id"
          story: "{beneficiary} found your {noun} helpful"
    missions:
      - id: handbook
        title: Translate the handbook
        target: {event: page.translated, count: 10, unit: pages}
    """
)

SCHEMA = PrivacyExport.schema()


@pytest.fixture
def pkit(kit_url: str, clock: FakeClock) -> Iterator[Kit]:
    rules = load_rules("motivation.yaml", text=DESIGN)
    with Kit.open(kit_url, clock=clock, rules=rules) as opened:
        yield opened


def valid(export: PrivacyExport) -> dict[str, Any]:
    """The export's JSON, checked against the shipped schema and read back."""
    data = json.loads(export.to_json())
    jsonschema.validate(data, SCHEMA)
    assert data == export.as_dict() == json.loads(export.to_json(indent=None))
    return data


def people(pkit: Kit, clock: FakeClock) -> dict[str, str]:
    """Ada's goals in three states, consent, skills, a band, impact both ways, a mission
    part; Bob and Kim's own data beside hers."""
    weekly = pkit.goals.create(
        "ada",
        "Review pull requests",
        {"event": "review.submitted", "count": 2, "per": "week"},
        why="Reading code teaches me",
        plan={"when": "I start work on Monday", "then": "I review one pull request"},
        tz="Europe/Berlin",
    )
    paused = pkit.goals.create("ada", "Answer questions", {"event": "answer.posted", "count": 5})
    released = pkit.goals.create("ada", "Translate", {"event": "page.translated", "count": 1})
    pkit.goals.create("bob", "Bob's own goal", {"event": "review.submitted", "count": 9})
    pkit.consent.set("ada", "nudges", True, by="ada")
    pkit.consent.set("ada", "mastery", True, by="ada")  # the default, chosen explicitly
    pkit.consent.set("bob", "impact", True, by="bob")
    pkit.impact.set_visibility("kim", "anonymous", by="kim")
    pkit.impact.set_digest("ada", "week", by="ada")
    pkit.record(Event("r-1", "review.submitted", "ada", data={"approved": True, "complexity": 3}))
    pkit.record(Event("r-2", "review.submitted", "bob", data={"approved": True, "complexity": 3}))
    pkit.mastery.set_band("ada", "answers", (0.6, 0.8), by="ada")
    pkit.goals.pause(paused.id, by="ada")
    pkit.goals.release(released.id, by="ada")
    clock.advance(hours=1)
    pkit.record(Event("post-1", "answer.posted", "ada", data={"answer_id": "a-1"}))
    pkit.record(Event("post-2", "answer.posted", "bob", data={"answer_id": "b-1"}))
    pkit.record(Event("thx-1", "answer.marked_helpful", "bob", data={"answer_id": "a-1"}))
    pkit.record(Event("thx-2", "answer.marked_helpful", "kim", data={"answer_id": "a-1"}))
    pkit.record(Event("thx-3", "answer.marked_helpful", "ada", data={"answer_id": "b-1"}))
    pkit.record(Event("page-1", "page.translated", "ada"))
    pkit.record(Event("page-2", "page.translated", "bob"))
    return {"weekly": weekly.id, "paused": paused.id, "released": released.id}


def test_a_person_gets_each_thing_held_about_them_exactly(pkit: Kit, clock: FakeClock) -> None:
    ids = people(pkit, clock)
    data = valid(pkit.privacy.export("ada"))
    assert data["format"] == "motivekit.privacy-export/1"
    assert (data["user"], data["erased"], data["rules_version"]) == ("ada", False, 3)
    assert data["exported_at"] == "2026-11-02T10:00:00.000000Z"
    assert data["consent"] == {
        "goals": {"chosen": None, "default": True, "enabled": True},
        "impact": {"chosen": None, "default": True, "enabled": True},
        "mastery": {"chosen": True, "default": True, "enabled": True},
        "nudges": {"chosen": True, "default": False, "enabled": True},
    }
    # goals: every state, why and plan, progress and the days that counted
    goals = data["goals"]
    assert [(g["id"], g["status"]) for g in goals] == [
        (ids["weekly"], "active"),
        (ids["paused"], "paused"),
        (ids["released"], "released"),
    ]
    weekly = goals[0]
    assert weekly["why"] == "Reading code teaches me"
    assert weekly["plan"] == {"when": "I start work on Monday", "then": "I review one pull request"}
    assert weekly["measure"] == {
        "event": "review.submitted",
        "count": 2,
        "per": "week",
        "where": {},
    }
    assert weekly["progress"] == {
        "count": 1,
        "target": 2,
        "per": "week",
        "period_start": "2026-11-02",
        "period_end": "2026-11-09",
        "reached": False,
    }
    assert weekly["days"] == [{"day": "2026-11-02", "count": 1}]
    assert (weekly["tz"], weekly["total"], weekly["template"]) == ("Europe/Berlin", 1, None)
    assert goals[1]["progress"]["count"] == 0  # paused before the answer was posted
    assert goals[1]["days"] == []
    # skills: the stored state with what she sees, and the band she chose on another track
    review, answers = data["skills"][1], data["skills"][0]
    assert review["track"] == "code-review"
    assert review["state"]["evidence"] == 1
    assert review["state"]["last_evidence_at"] == "2026-11-02T09:00:00.000000Z"
    assert review["own_band"] is None
    assert review["view"]["title"] == "Code review"
    assert review["view"]["summary"].startswith("You solve about")
    assert answers == {
        "track": "answers",
        "state": None,
        "own_band": {"low": 0.6, "high": 0.8, "target": 0.75},
        "view": answers["view"],
    }
    assert answers["view"]["band"] == [0.6, 0.8]
    # impact: her contribution, the help it gave (kim stays "someone"), the help she got
    impact = data["impact"]
    assert impact["preferences"] == {
        "chosen": True,
        "visibility": "named",
        "digest": "week",
        "digest_seq": 0,
        "digest_at": None,
    }
    assert (impact["referred_by"], impact["identity_group"]) == (None, None)
    assert impact["contributions"] == [
        {
            "id": "a-1",
            "kind": "answer.posted",
            "noun": "answer",
            "builds_on": [],
            "seq": 15,
            "at": "2026-11-02T10:00:00.000000Z",
        }
    ]
    (entry,) = impact["feed"]
    assert entry["story"] == "Someone and bob found your answer helpful this week"
    assert entry["beneficiaries"] == ["bob"]
    assert [(c["seq"], c["beneficiary"], c["share"]) for c in entry["credits"]] == [
        (17, "bob", 0.5),
        (18, "someone", 0.5),
    ]
    assert impact["help_received"] == [
        {"seq": 19, "at": "2026-11-02T10:00:00.000000Z", "contribution": "b-1"}
    ]
    assert impact["missions"] == [
        {"mission": "handbook", "title": "Translate the handbook", "part": 1}
    ]
    # the journal: her own entries, opened
    journal = data["journal"]
    assert [(e["seq"], e["name"]) for e in journal] == [
        (1, "goal.create"),
        (2, "goal.create"),
        (3, "goal.create"),
        (5, "consent.set"),
        (6, "consent.set"),
        (9, "impact.digest"),
        (10, "review.submitted"),
        (12, "mastery.band"),
        (13, "goal.pause"),
        (14, "goal.release"),
        (15, "answer.posted"),
        (19, "answer.marked_helpful"),
        (20, "page.translated"),
    ]
    assert {e["personal"].get("actor", e["personal"].get("by")) for e in journal} == {"ada"}
    posted = next(e for e in journal if e["event_id"] == "post-1")
    assert posted["personal"] == {"actor": "ada", "data": {"answer_id": "a-1"}}
    assert (posted["type"], posted["rules"]) == ("event", 3)
    assert posted["at"] == posted["recorded_at"] == "2026-11-02T10:00:00.000000Z"
    # the salt opens the leaf's commitment, as a disclosed proof bundle would
    bundle_entry = pkit.journal.read(posted["seq"] - 1, 1)[0]
    assert bundle_entry.opening is not None
    assert posted["salt"] == bundle_entry.opening[:32].hex()
    assert posted["commitment"] == bundle_entry.payload["personal"]


def test_journal_entries_are_exactly_the_persons_own(pkit: Kit, clock: FakeClock) -> None:
    people(pkit, clock)
    data = valid(pkit.privacy.export("ada"))
    mine = [e for e in pkit.journal.read(0, 1000) if e.actor == "ada"]
    assert [e["seq"] for e in data["journal"]] == [e.seq for e in mine]
    assert [e["name"] for e in data["journal"]] == [e.name for e in mine]
    assert len(mine) == 13


def test_another_persons_data_never_appears(pkit: Kit, clock: FakeClock) -> None:
    people(pkit, clock)
    export = pkit.privacy.export("ada")
    text = export.to_json(indent=None)
    for theirs in ("Bob's own goal", "r-2", "post-2", "thx-1", "thx-2", "page-2", "kim"):
        assert theirs not in text
    bob = valid(pkit.privacy.export("bob"))
    assert [g["title"] for g in bob["goals"]] == ["Bob's own goal"]
    assert "Reading code teaches me" not in json.dumps(bob)
    assert bob["impact"]["feed"][0]["beneficiaries"] == ["ada"]  # ada lets stories name her
    assert bob["impact"]["help_received"] == [
        {"seq": 17, "at": "2026-11-02T10:00:00.000000Z", "contribution": "a-1"}
    ]


def test_after_forget_the_export_holds_nothing_and_says_so(pkit: Kit, clock: FakeClock) -> None:
    people(pkit, clock)
    assert not pkit.privacy.export("ada").empty
    pkit.privacy.forget("ada")
    export = pkit.privacy.export("ada")
    data = valid(export)
    assert export.empty
    assert export.erased
    assert data["erased"] is True
    assert (data["goals"], data["skills"], data["journal"]) == ([], [], [])
    assert all(c["chosen"] is None for c in data["consent"].values())
    impact = data["impact"]
    assert impact["preferences"]["chosen"] is False
    for key in ("contributions", "feed", "help_received", "missions"):
        assert impact[key] == []
    assert "ada" not in export.to_json(indent=None).replace('"user":"ada"', "")
    bob = valid(pkit.privacy.export("bob"))  # in bob's story she became "someone"
    assert bob["impact"]["feed"][0]["beneficiaries"] == []
    assert bob["impact"]["feed"][0]["credits"][0]["beneficiary"] == "someone"


def test_an_unknown_person_gets_an_empty_export(kit: Kit) -> None:
    export = kit.privacy.export("nobody")
    data = valid(export)
    assert export.empty
    assert not export.erased
    assert data["goals"] == data["skills"] == data["journal"] == []
    assert data["consent"]["nudges"] == {"chosen": None, "default": False, "enabled": False}
    assert repr(export) == "PrivacyExport(user='nobody', erased=False)"  # no data in logs


def test_a_person_without_rules_and_the_export_is_deterministic(kit: Kit, clock: FakeClock) -> None:
    goal = kit.goals.create("ada", "Write", {"event": "page.written", "count": 3, "per": "day"})
    kit.record(Event("w-1", "page.written", "ada"))
    kit.consent.set("ada", "impact", False, by="ada")
    first = kit.privacy.export("ada")
    assert first == kit.privacy.export("ada")  # same data, same instant: same text
    data = valid(first)
    assert [(g["id"], g["progress"]["count"]) for g in data["goals"]] == [(goal.id, 1)]
    assert data["consent"]["impact"] == {"chosen": False, "default": True, "enabled": False}
    assert [e["name"] for e in data["journal"]] == ["goal.create", "page.written", "consent.set"]
    assert first.to_json().startswith('{\n  "consent": {')  # keys sorted
    clock.advance(days=1)
    later = valid(kit.privacy.export("ada"))
    assert later["goals"][0]["progress"]["count"] == 0  # a new day, a new period
    assert later["goals"][0]["days"] == [{"day": "2026-11-02", "count": 1}]


@pytest.mark.parametrize("user", ["", " ada", "a\nb", 7, None, "x" * 201])
def test_an_invalid_user_is_refused_as_forget_refuses_it(kit: Kit, user: Any) -> None:
    with pytest.raises(InvalidInput, match="user") as exported:
        kit.privacy.export(user)
    with pytest.raises(InvalidInput) as forgotten:
        kit.privacy.forget(user)
    assert str(exported.value) == str(forgotten.value)


def test_the_shipped_schema_is_a_valid_schema_and_rejects_a_wrong_shape(
    kit: Kit,
) -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    data = kit.privacy.export("ada").as_dict()
    for broken in (
        {**data, "format": "motivekit.privacy-export/2"},
        {**data, "extra": 1},
        {**data, "exported_at": "2026-11-02 09:00"},
        {k: v for k, v in data.items() if k != "journal"},
    ):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(broken, SCHEMA)


def test_cli_prints_the_export(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    runner = CliRunner()
    missing = runner.invoke(main, ["privacy", "export", "--user", "ada", "--url", url])
    assert missing.exit_code == 1
    assert "Error: SchemaOutOfDate" in missing.output
    with Kit.open(url) as kit:
        kit.goals.create("ada", "Write", {"event": "page.written", "count": 3})
        kit.record(Event("w-1", "page.written", "ada", data={"words": 400}))
    result = runner.invoke(main, ["privacy", "export", "--user", "ada", "--url", url])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    jsonschema.validate(data, SCHEMA)
    assert [g["title"] for g in data["goals"]] == ["Write"]
    assert data["journal"][1]["personal"] == {"actor": "ada", "data": {"words": 400}}
    nobody = runner.invoke(main, ["privacy", "export", "--user", "nobody", "--url", url])
    assert nobody.exit_code == 0
    assert json.loads(nobody.output)["goals"] == []
    bad = runner.invoke(main, ["privacy", "export", "--user", " ada", "--url", url])
    assert bad.exit_code == 1
    assert bad.output.startswith("Error: InvalidInput: user must be a non-empty string")
    assert "Traceback" not in bad.output
