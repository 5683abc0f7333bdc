"""kit.impact: contributions, impact feeds, attribution, choices, missions, replay."""

from __future__ import annotations

import itertools
import textwrap
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from fractions import Fraction
from pathlib import Path

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from motivekit import (
    Ed25519Signer,
    Event,
    InvalidInput,
    Kit,
    NotPermitted,
    RulesError,
    UnknownFeedEntry,
    UnknownMission,
    load_rules,
)
from motivekit.impact._views import part_story_of
from motivekit.rules import Rules

from .conftest import FakeClock


def design(
    version: int = 1,
    *,
    story: str = "{beneficiary} found your {noun} helpful",
    attribution: str = "{decay: 0.5, max_depth: 6}",
    show: str = "own-part",
) -> str:
    return textwrap.dedent(
        f"""\
        version: {version}
        impact:
          contributions:
            - on: answer.posted
              id: "event.data.answer_id"
              builds_on: "event.data.cites"
              referred_by: "event.data.invited_by"
              noun: answer
          beneficiary_events:
            - on: answer.marked_helpful
              credits: "event.data.answer_id"
              story: "{story}"
            - on: fix.used
              credits: "event.data.fixes"
              beneficiary: "event.data.team"
              story: "{{beneficiary}} used your fix to ship their release"
          attribution: {attribution}
        missions:
          - id: handbook
            title: Translate the handbook
            target: {{event: page.translated, count: 10, unit: pages}}
            milestones: [3, 5]
            show: {show}
        """
    )


def rules(version: int = 1, **kw: str) -> Rules:
    return load_rules("motivation.yaml", text=design(version, **kw))


@pytest.fixture
def ikit(kit_url: str, clock: FakeClock) -> Iterator[Kit]:
    with Kit.open(kit_url, clock=clock, rules=rules()) as opened:
        yield opened


_ids = itertools.count(1)


def answer(
    actor: str, answer_id: str, cites: object = None, invited_by: str | None = None
) -> Event:
    data: dict[str, object] = {"answer_id": answer_id}
    if cites is not None:
        data["cites"] = cites
    if invited_by is not None:
        data["invited_by"] = invited_by
    return Event(f"ev-{next(_ids)}", "answer.posted", actor=actor, data=data)


def helpful(actor: str, answer_id: str, at: datetime | None = None) -> Event:
    return Event(
        f"ev-{next(_ids)}",
        "answer.marked_helpful",
        actor=actor,
        at=at,
        data={"answer_id": answer_id},
    )


def page(actor: str) -> Event:
    return Event(f"ev-{next(_ids)}", "page.translated", actor=actor)


def stories(kit: Kit, user: str, **kw: object) -> list[str]:
    return [e.story for e in kit.impact.feed(user, **kw)]  # type: ignore[arg-type]


# -- contributions and stories ------------------------------------------------------------


def test_help_on_a_contribution_becomes_a_story_for_its_owner(ikit: Kit) -> None:
    ikit.record(answer("ada", "a1"))
    outcome = ikit.record(helpful("bob", "a1"))
    (change,) = outcome.impact_changes
    assert (change.recipient, change.kind, change.contribution, change.beneficiary) == (
        "ada",
        "direct",
        "a1",
        "bob",
    )
    assert change.share == 0.5
    assert outcome.changed
    (entry,) = ikit.impact.feed("ada")
    assert entry.story == "bob found your answer helpful"
    assert (entry.kind, entry.people, entry.items, entry.beneficiaries) == (
        "direct",
        1,
        1,
        ("bob",),
    )
    assert ikit.impact.feed("bob").entries == ()


def test_the_beneficiary_can_come_from_the_event(ikit: Kit) -> None:
    ikit.record(answer("ada", "a1"))
    event = Event("use-1", "fix.used", actor="ci-bot", data={"fixes": ["a1"], "team": "team-7"})
    ikit.record(event)
    assert stories(ikit, "ada") == ["team-7 used your fix to ship their release"]


def test_many_people_in_a_week_are_one_story(ikit: Kit, clock: FakeClock) -> None:
    ikit.record(answer("ada", "a1"))
    ikit.record_many([helpful(f"p{i}", "a1") for i in range(12)])
    ikit.record(helpful("p3", "a1"))  # the same person again: still 12 people
    (entry,) = ikit.impact.feed("ada")
    assert entry.story == "12 people found your answer helpful this week"
    assert (entry.people, entry.items) == (12, 13)
    assert entry.beneficiaries == ("p3", "p11")
    clock.advance(days=7)
    ikit.record(helpful("q", "a1"))
    ikit.record(helpful("r", "a1"))
    newest, older = ikit.impact.feed("ada")
    assert newest.story == "r and q found your answer helpful this week"
    assert older.story == "12 people found your answer helpful in the week of 2 Nov 2026"


def test_a_duplicate_contribution_id_keeps_its_first_owner(ikit: Kit) -> None:
    ikit.record(answer("ada", "a1"))
    ikit.record(answer("eve", "a1"))
    ikit.record(helpful("bob", "a1"))
    assert stories(ikit, "ada") == ["bob found your answer helpful"]
    assert stories(ikit, "eve") == []


def test_help_for_an_unknown_contribution_changes_nothing(ikit: Kit) -> None:
    outcome = ikit.record(helpful("bob", "nope"))
    assert outcome.impact_changes == ()
    assert not outcome.duplicate


def test_helping_yourself_is_not_impact(ikit: Kit) -> None:
    ikit.record(answer("ada", "a1"))
    assert ikit.record(helpful("ada", "a1")).impact_changes == ()
    assert stories(ikit, "ada") == []


# -- attribution through the Kit ------------------------------------------------------------


def test_a_depth_6_chain_splits_exactly_through_the_kit(ikit: Kit) -> None:
    for i in range(7):
        ikit.record(answer(f"u{i}", f"c{i}", cites=[f"c{i - 1}"] if i else None))
    event = helpful("ben", "c6")
    outcome = ikit.record(event)
    split = {c.recipient: Fraction(c.share) for c in outcome.impact_changes}
    assert split == {f"u{6 - k}": Fraction(1, 2 ** (k + 1)) for k in range(7)}
    assert sum(split.values()) <= 1
    assert ikit.impact.credits(event.id) == outcome.impact_changes
    assert stories(ikit, "u0") == ["Work built on your answer helped ben"]
    assert ikit.impact.feed("u0").entries[0].depth == 6


def test_referrals_credit_the_people_who_brought_someone_in(ikit: Kit) -> None:
    ikit.record(answer("cy", "first"))
    ikit.record(answer("bob", "b1", invited_by="cy"))
    ikit.record(answer("ada", "a1", invited_by="bob"))
    ikit.record(answer("ada", "a2", invited_by="eve"))  # only the first referral counts
    ikit.record(answer("dan", "d1", invited_by="dan"))  # nor can people refer themselves
    changes = ikit.record(helpful("zed", "a1")).impact_changes
    assert [(c.recipient, c.kind, c.depth, c.share) for c in changes] == [
        ("ada", "direct", 0, 0.5),
        ("bob", "referral", 1, 0.25),
        ("cy", "referral", 2, 0.125),
    ]
    assert stories(ikit, "bob") == ["Work by people you brought in helped zed"]
    assert ikit.record(helpful("zed", "d1")).impact_changes[1:] == ()


def test_linked_identities_get_no_credit_from_each_other(ikit: Kit) -> None:
    ikit.record(answer("ada", "base"))
    ikit.record(answer("ada-alt", "copy", cites="base"))
    ikit.impact.link("ada", "ada-alt")
    assert ikit.impact.linked("ada")
    assert ikit.impact.linked("ada-alt")
    assert [c.recipient for c in ikit.record(helpful("bob", "copy")).impact_changes] == ["ada-alt"]
    # nor can a linked account be the one who was helped
    assert ikit.record(helpful("ada", "copy")).impact_changes == ()
    names = [e.name for e in ikit.journal.tail(3)]
    assert "identity.link" in names


def test_linking_merges_groups_transitively(ikit: Kit) -> None:
    ikit.impact.link("a", "b")
    ikit.impact.link("c", "d")
    ikit.impact.link("b", "c")
    ikit.record(answer("a", "x"))
    assert ikit.record(helpful("d", "x")).impact_changes == ()
    with pytest.raises(InvalidInput):
        ikit.impact.link("a", "a")


def test_direct_mode_stops_at_the_direct_parent(kit_url: str, clock: FakeClock) -> None:
    file = rules(attribution="{decay: 0.5, max_depth: 6, mode: direct}")
    with Kit.open(kit_url, clock=clock, rules=file) as kit:
        for i in range(4):
            kit.record(answer(f"u{i}", f"c{i}", cites=f"c{i - 1}" if i else None))
        changes = kit.record(helpful("ben", "c3")).impact_changes
        assert [(c.recipient, c.share) for c in changes] == [("u3", 0.5), ("u2", 0.25)]


# -- feeds --------------------------------------------------------------------------------


def test_feed_pages_have_no_duplicates_or_gaps_while_items_arrive(ikit: Kit) -> None:
    ikit.record_many([answer("ada", f"a{i}") for i in range(250)])
    ikit.record_many([helpful("bob", f"a{i}") for i in range(250)])
    seen: list[str] = []
    page_ = ikit.impact.feed("ada", limit=20)
    arrivals = iter(range(250, 400))
    while True:
        seen += [e.id for e in page_]
        # new entries and more help on entries already seen or still to come
        i = next(arrivals)
        ikit.record_many([answer("ada", f"a{i}"), helpful("cy", f"a{i}"), helpful("cy", "a7")])
        if page_.cursor is None:
            break
        page_ = ikit.impact.feed("ada", limit=20, cursor=page_.cursor)
    assert len(seen) == len(set(seen)) == 250
    assert [int(s) for s in seen] == sorted((int(s) for s in seen), reverse=True)
    first = ikit.impact.feed("ada", limit=200)
    assert len(first) == 200
    assert first.cursor is not None


def test_feed_rejects_bad_arguments(ikit: Kit) -> None:
    for bad in ("abc", "f1.-3", "f1.", 12):
        with pytest.raises(InvalidInput, match="cursor"):
            ikit.impact.feed("ada", cursor=bad)  # type: ignore[arg-type]
    for limit in (0, 201, True, 2.5):
        with pytest.raises(InvalidInput, match="limit"):
            ikit.impact.feed("ada", limit=limit)  # type: ignore[arg-type]
    with pytest.raises(InvalidInput):
        ikit.impact.feed("")


def test_names_and_anonymous_beneficiaries(ikit: Kit) -> None:
    ikit.record(answer("ada", "a1"))
    ikit.record(helpful("bob", "a1"))
    assert stories(ikit, "ada", names=str.title) == ["Bob found your answer helpful"]
    prefs = ikit.impact.set_visibility("bob", "anonymous", by="bob")
    assert prefs.visibility == "anonymous"
    assert ikit.journal.tail(1)[0].name == "impact.visibility"
    assert stories(ikit, "ada") == ["Someone found your answer helpful"]
    assert ikit.impact.feed("ada").entries[0].beneficiaries == ()
    with pytest.raises(NotPermitted):
        ikit.impact.set_visibility("bob", "named", by="ada")
    with pytest.raises(InvalidInput):
        ikit.impact.set_visibility("bob", "public", by="bob")
    size = ikit.journal.size()
    ikit.impact.set_visibility("bob", "anonymous", by="bob")  # no change, nothing journaled
    assert ikit.journal.size() == size


def test_an_owner_who_switched_impact_off_gets_no_feed(ikit: Kit) -> None:
    ikit.record(answer("ada", "a1"))
    ikit.record(helpful("bob", "a1"))
    ikit.consent.set("ada", "impact", False, by="ada")
    assert ikit.impact.feed("ada").entries == ()
    assert ikit.record(helpful("cy", "a1")).impact_changes == ()
    ikit.consent.set("ada", "impact", True, by="ada")
    assert stories(ikit, "ada") == ["bob found your answer helpful"]


def test_a_forgotten_beneficiary_becomes_someone(ikit: Kit) -> None:
    ikit.record(answer("ada", "a1"))
    ikit.record(answer("ada", "a2"))
    ikit.record(helpful("bob", "a1"))
    ikit.record(helpful("bob", "a2"))
    ikit.record(helpful("cy", "a2"))
    erased = ikit.privacy.forget("bob")
    assert erased.impact_items == 0
    assert stories(ikit, "ada") == [
        "cy and someone found your answer helpful this week",
        "Someone found your answer helpful",
    ]
    feed = ikit.impact.feed("ada").entries
    assert all("bob" not in e.story and "bob" not in e.beneficiaries for e in feed)
    lines = ikit.impact.explain("ada", feed[1].id).lines()
    assert "bob" not in "\n".join(lines)
    assert "someone was helped" in lines[1]


def test_a_forgotten_owner_loses_their_feed_but_credit_passes_through(ikit: Kit) -> None:
    ikit.record(answer("ann", "base"))
    ikit.record(answer("bob", "mid", cites="base"))
    ikit.record(answer("cy", "top", cites="mid"))
    ikit.record(helpful("zed", "top"))
    assert ikit.privacy.forget("bob").impact_items == 1
    assert ikit.impact.feed("bob").entries == ()
    changes = ikit.record(helpful("zoe", "top")).impact_changes
    assert [(c.recipient, c.depth) for c in changes] == [("cy", 0), ("ann", 2)]


def test_explain_lists_the_events_behind_an_entry(ikit: Kit) -> None:
    ikit.record(answer("ada", "a1"))
    events = [helpful(f"p{i}", "a1") for i in range(3)]
    ikit.record_many(events)
    (entry,) = ikit.impact.feed("ada")
    why = ikit.impact.explain("ada", entry.id)
    assert [i.event_id for i in why.items] == [e.id for e in events]
    assert {i.event_kind for i in why.items} == {"answer.marked_helpful"}
    assert why.lines()[0] == (
        "3 people found your answer helpful this week: these 3 impact items come from:"
    )
    with pytest.raises(UnknownFeedEntry):
        ikit.impact.explain("bob", entry.id)
    with pytest.raises(UnknownFeedEntry):
        ikit.impact.explain("ada", "x")


# -- digests ------------------------------------------------------------------------------


def test_digests_are_opt_in_and_batch_new_impact(ikit: Kit, clock: FakeClock) -> None:
    ikit.record(answer("ada", "a1"))
    ikit.record(helpful("bob", "a1"))
    assert ikit.impact.digests() == []  # nobody asked for one
    assert ikit.impact.set_digest("ada", "day", by="ada").digest == "day"
    (digest,) = ikit.impact.digests()
    assert digest.user == "ada"
    assert digest.lines == ("bob found your answer helpful",)
    ikit.impact.digest_sent(digest)
    ikit.record_many([helpful(f"p{i}", "a1") for i in range(4)])
    assert ikit.impact.digests() == []  # a day has not passed
    clock.advance(days=1)
    (digest,) = ikit.impact.digests()
    assert digest.text == "4 people found your answer helpful this week"
    assert digest.items == 4
    ikit.impact.digest_sent(digest)
    clock.advance(days=1)
    assert ikit.impact.digests() == []  # nothing new
    with pytest.raises(NotPermitted):
        ikit.impact.set_digest("ada", None, by="bob")
    with pytest.raises(InvalidInput):
        ikit.impact.set_digest("ada", "hourly", by="ada")
    with pytest.raises(InvalidInput, match="at"):
        ikit.impact.digests(at=datetime(2026, 11, 5))  # naive: no time zone
    with pytest.raises(InvalidInput):
        ikit.impact.digest_sent("digest")  # type: ignore[arg-type]


# -- missions -----------------------------------------------------------------------------


@given(
    part=st.integers(1, 10**6), more=st.integers(0, 10**7), unit=st.sampled_from(["pages", "terms"])
)
def test_no_part_story_carries_a_percentage_or_a_share(part: int, more: int, unit: str) -> None:
    story = part_story_of(part, part + more, unit)
    assert "%" not in story
    assert not any(w in story for w in ("share", "percent", "less than", "only", "of it"))
    assert unit in story


def test_no_part_story_in_a_kit_contains_a_percentage(ikit: Kit) -> None:
    told = []
    for who in ["ada"] * 3 + ["bob"] + ["ada"] * 9:  # past the 10-page target too
        ikit.record(page(who))
        told += [ikit.impact.mission("handbook", p).part_story for p in ("ada", "bob")]
    assert all("%" not in story for story in told if story is not None)
    assert told[:2] == ["The first of the pages is yours", None]
    assert told[-2:] == ["Your 12 pages are among the 13 so far", "One of the 13 pages was yours"]


def test_missions_show_the_groups_progress_and_each_persons_part(ikit: Kit) -> None:
    changes = [ikit.record(page("ada")).mission_changes[0] for _ in range(4)]
    assert [c.total for c in changes] == [1, 2, 3, 4]
    assert [c.milestone for c in changes] == [None, None, 3, None]
    ikit.record(page("bob"))
    progress = ikit.impact.mission("handbook", "ada")
    assert progress.story == "Translate the handbook: 5 of 10 pages (50%)"
    assert progress.part_story == "Your 4 pages are among the 5 so far"  # what it did, no share
    assert (progress.reached, progress.next_milestone, progress.done) == ((3, 5), 10, False)
    assert ikit.impact.mission("handbook", "bob").part_story == "One of the 5 pages was yours"
    assert ikit.impact.mission("handbook").part is None
    milestones = [e for e in ikit.journal.read(limit=100) if e.type == "milestone"]
    assert [(e.payload["mission"], e.payload["milestone"]) for e in milestones] == [
        ("handbook", 3),
        ("handbook", 5),
    ]
    assert all(e.actor is None and not e.erased for e in milestones)
    with pytest.raises(UnknownMission):
        ikit.impact.mission("nope")
    with pytest.raises(NotPermitted, match="own part"):
        ikit.impact.contributors("handbook")


def test_contributors_are_listed_by_name_never_ranked(kit_url: str, clock: FakeClock) -> None:
    with Kit.open(kit_url, clock=clock, rules=rules(show="contributors")) as kit:
        kit.record_many([page("zed"), page("zed"), page("ada"), page("mo")])
        assert kit.impact.contributors("handbook") == [("ada", 1), ("mo", 1), ("zed", 2)]
        assert kit.impact.contributors("handbook", after="ada", limit=1) == [("mo", 1)]
        kit.consent.set("mo", "impact", False, by="mo")
        assert kit.impact.contributors("handbook") == [("ada", 1), ("zed", 2)]


def test_a_person_without_impact_consent_counts_but_has_no_part(ikit: Kit) -> None:
    ikit.consent.set("ada", "impact", False, by="ada")
    (change,) = ikit.record(page("ada")).mission_changes
    assert (change.total, change.part) == (1, None)
    assert ikit.impact.mission("handbook", "ada").part is None


def test_milestone_entries_are_in_the_signed_audit_log(kit_url: str, clock: FakeClock) -> None:
    signer = Ed25519Signer.generate("test.example/log")
    with Kit.open(kit_url, clock=clock, rules=rules(), signers=[signer]) as kit:
        kit.record_many([page(f"p{i}") for i in range(10)])
        kit.audit.checkpoint()
        report = kit.audit.verify(kit.audit.verifiers)
        assert report.size == kit.journal.size() == 13
        assert kit.impact.mission("handbook").done


# -- replay and rules ---------------------------------------------------------------------


def _snapshot(kit: Kit, people: list[str]) -> dict[str, object]:
    return {
        "feeds": {
            p: [(e.story, e.items, e.people) for e in kit.impact.feed(p, limit=200)] for p in people
        },
        "missions": [(m.total, m.reached) for m in kit.impact.missions()],
    }


def test_replay_rebuilds_impact_and_a_new_story_applies(ikit: Kit) -> None:
    ikit.record(answer("ada", "a1"))
    ikit.record(answer("bob", "b1", cites="a1", invited_by="ada"))
    ikit.record_many([helpful("cy", "b1"), helpful("dan", "a1"), page("ada"), page("bob")])
    before = _snapshot(ikit, ["ada", "bob"])
    report = ikit.replay()
    assert report.changed == ()
    assert report.missions == ()
    assert _snapshot(ikit, ["ada", "bob"]) == before
    dry = ikit.reload_rules(rules(2, story="{beneficiary} was helped by your {noun}"), dry_run=True)
    assert dry.changed == ()  # same items, only the words change
    ikit.reload_rules(rules(2, story="{beneficiary} was helped by your {noun}"))
    assert "dan was helped by your answer" in stories(ikit, "ada")


def test_replay_reports_who_gains_or_loses_impact(ikit: Kit) -> None:
    ikit.record(answer("ada", "a1"))
    ikit.record(answer("bob", "b1", cites="a1"))
    ikit.record(helpful("cy", "b1"))
    report = ikit.reload_rules(
        rules(2, attribution="{decay: 0.5, max_depth: 6, mode: direct}"), dry_run=True
    )
    assert report.changed == ()
    ikit.impact.link("ada", "cy")
    report = ikit.replay()
    assert [(p.person, p.impact) for p in report.changed] == [("ada", ("impact items: 1 → 0",))]


def test_story_templates_are_checked_with_their_position() -> None:
    with pytest.raises(RulesError) as caught:
        load_rules("motivation.yaml", text=design(story="{who} found it"))
    (problem,) = caught.value.problems
    assert (problem.line, problem.path) == (12, "impact.beneficiary_events[0].story")
    assert "{who}" in problem.message
    with pytest.raises(RulesError, match="must name who was helped"):
        load_rules("motivation.yaml", text=design(story="thanks!"))
    bad = design().replace('credits: "event.data.answer_id"', 'credits: "1 > 0"')
    with pytest.raises(RulesError, match="credits: must give an id or a list of ids"):
        load_rules("motivation.yaml", text=bad)


_people = st.sampled_from(["ada", "bob", "cy", "dan"])
_answers = st.sampled_from(["a0", "a1", "a2", "a3", "a4"])
_steps = st.lists(
    st.one_of(
        st.tuples(st.just("answer"), _people, _answers, st.lists(_answers, max_size=2), _people),
        st.tuples(st.just("helpful"), _people, _answers),
        st.tuples(st.just("page"), _people),
        st.tuples(st.just("consent"), _people, st.booleans()),
        st.tuples(st.just("link"), _people, _people),
        st.tuples(st.just("later"), st.integers(1, 9)),
    ),
    max_size=40,
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(script=_steps)
def test_replay_gives_what_live_recording_gave(script: list[tuple[object, ...]]) -> None:
    clock = FakeClock(datetime(2026, 11, 2, 9, tzinfo=UTC))
    with Kit.open("memory://", clock=clock, rules=rules()) as kit:
        for step in script:
            match step:
                case ("answer", who, aid, cites, inviter):
                    kit.record(answer(str(who), str(aid), cites=cites, invited_by=str(inviter)))
                case ("helpful", who, aid):
                    kit.record(helpful(str(who), str(aid)))
                case ("page", who):
                    kit.record(page(str(who)))
                case ("consent", who, on):
                    kit.consent.set(str(who), "impact", bool(on), by=str(who))
                case ("link", a, b) if a != b:
                    # links apply to new events only until a replay: keep the script valid
                    # by linking before any event
                    if kit.journal.size() == 0:
                        kit.impact.link(str(a), str(b))
                case ("later", days):
                    clock.advance(days=int(days))  # type: ignore[call-overload]
        people = ["ada", "bob", "cy", "dan"]
        for p in people:
            kit.consent.set(p, "impact", True, by=p)
        live = _snapshot(kit, people)
        dry = kit.replay(dry_run=True)
        assert dry.changed == ()
        assert dry.missions == ()
        kit.replay()
        assert _snapshot(kit, people) == live


def test_when_a_week_starts_in_utc() -> None:
    from motivekit.impact._fold import week_of

    monday = datetime(2026, 11, 2, 0, 30, tzinfo=UTC)
    assert week_of(monday).isoformat() == "2026-11-02"
    assert week_of(monday - timedelta(hours=1)).isoformat() == "2026-10-26"


def test_a_replay_after_forget_does_not_bring_the_person_back(
    kit_url: str, clock: FakeClock
) -> None:
    with Kit.open(kit_url, clock=clock, rules=rules()) as kit:
        kit.record(answer("ada", "a1"))
        kit.record(Event("use-1", "fix.used", actor="ci", data={"fixes": "a1", "team": "stu"}))
        kit.record(answer("stu", "s1"))
        kit.record(answer("bob", "b1", invited_by="stu"))
        assert stories(kit, "ada") == ["stu used your fix to ship their release"]
        kit.privacy.forget("stu")
        assert stories(kit, "ada") == ["Someone used your fix to ship their release"]
        kit.replay()
        # other people's events still name stu in their data: the replay must not use it
        assert stories(kit, "ada") == ["Someone used your fix to ship their release"]
        changes = kit.record(helpful("zed", "b1")).impact_changes
        assert [c.recipient for c in changes] == ["bob"]  # no referral to a forgotten person
        kit.record(Event("use-2", "fix.used", actor="ci", data={"fixes": "a1", "team": "stu"}))
        assert kit.impact.feed("ada").entries[0].people == 2
        assert "stu" not in " ".join(stories(kit, "ada"))


def _help_from_another_process(url: str, worker: int, rounds: int) -> None:
    with Kit.open(url, rules=rules()) as kit:
        for r in range(rounds):
            kit.record_many(
                [
                    # each worker helps 20 different people twice: 40 people, 80 items
                    attrs.evolve(helpful(f"h{(r * 3 + worker) % 60}", "c2"), id=f"w{worker}-h{r}"),
                    attrs.evolve(page(f"t{worker}"), id=f"w{worker}-p{r}"),
                ]
            )


def test_two_processes_recording_help_and_pages_count_everything_once(tmp_path: Path) -> None:
    import multiprocessing

    url = f"sqlite:///{tmp_path / 'shared.db'}"
    with Kit.open(url, rules=rules()) as kit:
        for i in range(3):
            kit.record(answer(f"u{i}", f"c{i}", cites=f"c{i - 1}" if i else None))
    spawn = multiprocessing.get_context("spawn")
    workers = [spawn.Process(target=_help_from_another_process, args=(url, w, 40)) for w in (0, 1)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=120)
        assert w.exitcode == 0
    with Kit.open(url, rules=rules()) as kit:
        (direct,) = kit.impact.feed("u2")
        assert (direct.items, direct.people) == (80, 40)
        (built_on,) = kit.impact.feed("u0")
        assert (built_on.items, built_on.people, built_on.depth) == (80, 40, 2)
        handbook = kit.impact.mission("handbook", "t0")
        assert (handbook.total, handbook.part) == (80, 40)
        milestones = [e for e in kit.journal.read(limit=1000) if e.type == "milestone"]
        assert sorted(e.payload["milestone"] for e in milestones) == [3, 5, 10]
        assert kit.replay(dry_run=True).changed == ()


def test_the_cli_explains_a_feed_entry_and_reports_impact_in_replays(tmp_path: Path) -> None:
    import json

    from click.testing import CliRunner

    from motivekit.cli import main

    url = f"sqlite:///{tmp_path / 'cli.db'}"
    v1, v2 = tmp_path / "v1.yaml", tmp_path / "v2.yaml"
    v1.write_text(design(1))
    v2.write_text(design(2, attribution="{decay: 0.5, max_depth: 6, mode: direct}"))
    with Kit.open(url, rules=v1) as kit:
        for i in range(3):
            kit.record(answer(f"u{i}", f"c{i}", cites=f"c{i - 1}" if i else None))
        kit.record(helpful("ben", "c2"))
        entry = kit.impact.feed("u0").entries[0]

    def run(*args: str) -> tuple[int, str]:
        result = CliRunner().invoke(main, list(args))
        return result.exit_code, result.stdout

    code, out = run("explain", "--url", url, "u0", "--feed-entry", entry.id)
    assert code == 0, out
    first, second = out.splitlines()
    assert first == "Work built on your answer helped ben: this impact item comes from:"
    assert second.startswith("  #4 answer.marked_helpful 'ev-")
    assert second.endswith("ben was helped by 'c2' (built on yours, 2 steps away; share 0.125)")
    code, out = run("explain", "--url", url, "u0", "--feed-entry", entry.id, "--json")
    why = json.loads(out)
    assert (why["items"][0]["depth"], why["items"][0]["share"]) == (2, 0.125)
    code, out = run("replay", "--url", url, "--rules", str(v2), "--json")
    assert code == 0, out
    (person,) = json.loads(out)["changed"]
    assert (person["person"], person["impact"]) == ("u0", ["impact items: 1 → 0"])
