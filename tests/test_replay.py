"""Replay: projections rebuilt from the journal under new rules; journal and audit untouched."""

from __future__ import annotations

import hashlib
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from motivekit import (
    ConsentRequired,
    Ed25519Signer,
    Event,
    InvalidInput,
    InvalidTransition,
    Kit,
    NotPermitted,
    RulesVersionError,
    load_rules,
)
from motivekit.rules import Rules

from .conftest import FakeClock


def design(version: int, count: int = 3, title: str = "Review pull requests") -> str:
    return textwrap.dedent(
        f"""\
        version: {version}
        goals:
          allow_custom: true
          menu:
            - id: weekly-reviews
              title: {title}
              measure: {{event: review.submitted, count: {count}, per: week}}
              adjustable: [count, per]
            - id: daily-answers
              title: Answer questions
              measure: {{event: answer.posted, count: 1, per: day}}
        """
    )


def rules(version: int, count: int = 3, title: str = "Review pull requests") -> Rules:
    return load_rules("motivation.yaml", text=design(version, count, title))


def projections(kit: Kit) -> dict[str, object]:
    """Every goal's full state and day counts (what replay rebuilds)."""
    with kit.store.reading() as s:
        goals = s.goals()
        return {"goals": goals, "days": s.goal_days([g.id for g in goals])}


def log_tables(url: str) -> dict[str, str]:
    """A digest of each table the audit log lives in, row by row, byte for byte."""
    engine = sa.create_engine(url)
    out = {}
    with engine.connect() as conn:
        for table in ("journal", "log_head", "tree_tiles", "checkpoints"):
            rows = conn.exec_driver_sql(f"SELECT * FROM motivekit_{table} ORDER BY 1").all()
            out[table] = hashlib.sha256(repr(rows).encode()).hexdigest()
    engine.dispose()
    return out


def week_of_reviews(kit: Kit, clock: FakeClock) -> None:
    """ada adopts as offered, bo sets his own count, cy her own cadence, dee writes her own
    goal; each reviews a few times over two weeks."""
    kit.goals.adopt("ada", "weekly-reviews")
    kit.goals.adopt("bo", "weekly-reviews", count=5)
    kit.goals.adopt("cy", "weekly-reviews", per="day", title="One review a day")
    kit.goals.create("dee", "Reviews", {"event": "review.submitted", "count": 2, "per": "week"})
    n = 0
    for _day in range(9):
        for person in ("ada", "bo", "cy", "dee"):
            kit.record(Event(f"r{n}", "review.submitted", person))
            n += 1
        clock.advance(days=1)


@pytest.fixture
def file_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'replay.db'}"


@pytest.fixture
def key() -> Ed25519Signer:
    return Ed25519Signer.generate("example.com/replay")


@pytest.fixture
def signed(file_url: str, clock: FakeClock, key: Ed25519Signer) -> Iterator[Kit]:
    with Kit.open(
        file_url,
        clock=clock,
        rules=rules(1),
        origin="example.com/replay",
        signers=[key],
        checkpoint_every=10,
    ) as kit:
        yield kit


def test_a_changed_target_reaches_everyone_who_did_not_choose_their_own(
    signed: Kit, clock: FakeClock, file_url: str, key: Ed25519Signer
) -> None:
    kit = signed
    week_of_reviews(kit, clock)
    kit.audit.checkpoint()
    before = {g.owner: g for o in ("ada", "bo", "cy", "dee") for g in kit.goals.list(o)}
    assert before["ada"].progress.count == 2  # Mon 2026-11-09 .. Tue: 2 this week
    tables = log_tables(file_url)
    size = kit.journal.size()

    report = kit.reload_rules(rules(2, count=4, title="Review code"))

    after = {g.owner: g for o in ("ada", "bo", "cy", "dee") for g in kit.goals.list(o)}
    # ada took the template as offered: new target and title.
    assert (after["ada"].measure.count, after["ada"].measure.per) == (4, "week")
    assert after["ada"].title == "Review code"
    assert after["ada"].progress.count == before["ada"].progress.count == 2
    assert after["ada"].progress.target == 4
    # bo chose 5: his choice stands. cy chose a daily cadence and her title: the new count
    # reaches her, her cadence and title stay.
    assert after["bo"].measure.count == 5
    assert after["bo"].title == "Review code"
    assert (after["cy"].measure.count, after["cy"].measure.per) == (4, "day")
    assert after["cy"].title == "One review a day"
    # dee's own goal is hers alone.
    assert after["dee"] == before["dee"]
    # Every counted unit is still there.
    assert {o: g.total for o, g in after.items()} == {o: g.total for o, g in before.items()}

    assert report.version == 2
    assert not report.dry_run
    assert report.people == 4
    assert [p.person for p in report.changed] == ["ada", "bo", "cy"]
    ada = report.changed[0].goals[0]
    assert ada.changes[:2] == (
        "target: 3 review.submitted per week → 4 review.submitted per week",
        "title: 'Review pull requests' → 'Review code'",
    )
    assert "this week: 2/3 → 2/4" in ada.changes

    # The journal and the audit log are byte for byte what they were, and still verify.
    assert log_tables(file_url) == tables
    assert kit.journal.size() == size
    assert kit.audit.verify([key.verifier()], origin="example.com/replay").size == size

    # New entries record the new version; the new template is what people now adopt.
    kit.record(Event("after", "review.submitted", "ada"))
    assert kit.journal.tail(1)[0].payload["rules"] == 2
    assert kit.goals.adopt("eve", "weekly-reviews").measure.count == 4
    assert kit.goals.get(after["ada"].id).progress.count == 3


def test_a_dry_run_reports_who_would_change_and_changes_nothing(
    signed: Kit, clock: FakeClock, file_url: str
) -> None:
    kit = signed
    week_of_reviews(kit, clock)
    state, tables = projections(kit), log_tables(file_url)

    report = kit.reload_rules(rules(2, count=4), dry_run=True)

    assert report.dry_run
    assert report.people == 4
    assert [p.person for p in report.changed] == ["ada", "cy"]
    assert report.lines()[-1] == "rules version 2: 4 people replayed; 2 would change"
    assert projections(kit) == state
    assert log_tables(file_url) == tables
    assert kit.rules_version == 1  # the Kit still runs the old rules
    with kit.store.reading() as s:
        assert s.replay_state() is None
    # The real run changes exactly what the dry run said.
    assert kit.reload_rules(rules(2, count=4)).changed == report.changed


def test_replaying_under_unchanged_rules_changes_nothing(signed: Kit, clock: FakeClock) -> None:
    kit = signed
    week_of_reviews(kit, clock)
    kit.goals.pause(kit.goals.list("ada")[0].id, by="ada")
    state = projections(kit)
    report = kit.replay()
    assert report.changed == ()
    assert report.people == 4
    assert projections(kit) == state


def test_a_rules_version_may_not_go_backwards(signed: Kit, clock: FakeClock) -> None:
    kit = signed
    week_of_reviews(kit, clock)
    kit.reload_rules(rules(5, count=4))
    with pytest.raises(RulesVersionError, match=r"rules version 4 is older than the version"):
        kit.reload_rules(rules(4))
    # Another Kit, still on an old file, is stopped by what the database remembers.
    with (
        Kit.open(kit.store.url, rules=rules(3)) as old,
        pytest.raises(RulesVersionError, match=r"already replayed under"),
    ):
        old.replay()
    with pytest.raises(InvalidInput, match="batch must be"):
        kit.replay(batch=0)


def test_an_interrupted_replay_resumes_where_it_stopped(
    signed: Kit, clock: FakeClock, file_url: str
) -> None:
    kit = signed
    week_of_reviews(kit, clock)
    for i in range(6):
        kit.goals.adopt(f"p{i}", "weekly-reviews")
        kit.record(Event(f"p{i}-r", "review.submitted", f"p{i}"))
    seen: list[tuple[int, int]] = []

    def crash_after_two_batches(done: int, total: int) -> None:
        seen.append((done, total))
        if len(seen) == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        kit.reload_rules(rules(2, count=4), batch=3, progress=crash_after_two_batches)
    assert seen == [(3, 10), (6, 10)]
    with kit.store.reading() as s:
        state = s.replay_state()
    assert state is not None
    assert (state.cursor, state.people_done) == ("p1", 6)
    assert state.finished_at is None

    preview = kit.replay(batch=3, dry_run=True)
    assert preview.people == 10  # a dry run compares everyone, even mid-replay
    assert preview.resumed_after is None
    assert [p.person for p in preview.changed] == ["p2", "p3", "p4", "p5"]
    report = kit.replay(batch=3)
    assert report.resumed_after == "p1"
    assert report.people == 4
    assert all(g.measure.count == 4 for o in ("ada", "p0", "p5") for g in kit.goals.list(o))
    with kit.store.reading() as s:
        done = s.replay_state()
    assert done is not None
    assert done.finished_at is not None
    assert done.people_done == 10
    # Resuming rebuilt from the journal: the result is what one uninterrupted run gives.
    assert kit.replay().changed == ()


def test_a_replay_killed_mid_way_resumes_in_another_process(
    tmp_path: Path, file_url: str, clock: FakeClock
) -> None:
    v1, v2 = tmp_path / "v1.yaml", tmp_path / "v2.yaml"
    v1.write_text(design(1))
    v2.write_text(design(2, count=7))
    with Kit.open(file_url, clock=clock, rules=v1) as kit:
        for i in range(30):
            kit.goals.adopt(f"p{i:02}", "weekly-reviews")
            kit.record(Event(f"e{i}", "review.submitted", f"p{i:02}"))
    script = textwrap.dedent(
        f"""
        import os, signal
        from motivekit import Kit
        def die(done, total):
            if done == 10:
                os.kill(os.getpid(), signal.SIGKILL)
        Kit.open({file_url!r}, rules={str(v1)!r}).reload_rules({str(v2)!r}, batch=5,
                                                                progress=die)
        """
    )
    killed = subprocess.run([sys.executable, "-c", script], check=False)
    assert killed.returncode == -9
    key = Ed25519Signer.generate("motivekit")
    with Kit.open(file_url, rules=v2, signers=[key]) as kit:
        with kit.store.reading() as s:
            state = s.replay_state()
        assert state is not None
        assert state.cursor == "p09"
        assert state.finished_at is None
        assert kit.goals.list("p09")[0].measure.count == 7
        assert kit.goals.list("p10")[0].measure.count == 3  # not reached yet
        report = kit.replay(batch=5)
        assert report.resumed_after == "p09"
        assert report.people == 20
        assert {kit.goals.list(f"p{i:02}")[0].measure.count for i in range(30)} == {7}
        kit.audit.checkpoint()
        assert kit.audit.verify().size == 60


def test_forgotten_people_stay_forgotten(signed: Kit, clock: FakeClock) -> None:
    kit = signed
    week_of_reviews(kit, clock)
    kit.privacy.forget("bo")
    report = kit.reload_rules(rules(2, count=4))
    assert "bo" not in [p.person for p in report.changed]
    assert kit.goals.list("bo") == []
    assert report.people == 3


# -- the fold agrees with the live pipeline ---------------------------------------------------

PEOPLE = ("ada", "bo")
Op = tuple[str, ...]

ops = st.lists(
    st.one_of(
        st.tuples(st.just("event"), st.sampled_from(PEOPLE), st.sampled_from(["r", "a", "x"])),
        st.tuples(st.just("late-event"), st.sampled_from(PEOPLE)),
        st.tuples(st.just("adopt"), st.sampled_from(PEOPLE), st.sampled_from(["", "count", "per"])),
        st.tuples(st.just("create"), st.sampled_from(PEOPLE)),
        st.tuples(
            st.just("change"),
            st.sampled_from(PEOPLE),
            st.sampled_from(["pause", "resume", "release", "renegotiate", "edit"]),
        ),
        st.tuples(st.just("consent"), st.sampled_from(PEOPLE), st.booleans().map(str)),
        st.tuples(st.just("wait"), st.sampled_from(["1", "13", "50"])),
        st.tuples(st.just("forget"), st.sampled_from(PEOPLE)),
    ),
    max_size=40,
)


def play(kit: Kit, clock: FakeClock, script: list[Op]) -> None:
    kinds = {"r": "review.submitted", "a": "answer.posted", "x": "other.thing"}
    for n, op in enumerate(script):
        try:
            if op[0] == "event":
                kit.record(Event(f"e{n}", kinds[op[2]], op[1]))
            elif op[0] == "late-event":  # happened a day ago, recorded now
                kit.record(
                    Event(f"e{n}", "review.submitted", op[1], at=clock() - timedelta(days=1))
                )
            elif op[0] == "adopt":
                extra = {"count": {"count": 2}, "per": {"per": "day"}, "": {}}[op[2]]
                kit.goals.adopt(op[1], "weekly-reviews", **extra)  # type: ignore[arg-type]
            elif op[0] == "create":
                kit.goals.create(op[1], "Own", {"event": "answer.posted", "count": 2})
            elif op[0] == "change":
                goals = kit.goals.list(op[1])
                if goals:
                    goal = goals[n % len(goals)].id
                    if op[2] == "renegotiate":
                        kit.goals.renegotiate(goal, by=op[1], count=1 + n % 4)
                    elif op[2] == "edit":
                        kit.goals.edit(goal, by=op[1], title=f"T{n}")
                    else:
                        getattr(kit.goals, op[2])(goal, by=op[1])
            elif op[0] == "consent":
                kit.consent.set(op[1], "goals", op[2] == "True", by=op[1])
            elif op[0] == "wait":
                clock.advance(hours=int(op[1]))
            elif op[0] == "forget":
                kit.privacy.forget(op[1])
        except (InvalidTransition, NotPermitted, ConsentRequired):
            pass


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(script=ops)
def test_replay_under_the_same_rules_rebuilds_exactly_what_recording_built(
    script: list[Op], clock: FakeClock
) -> None:
    with Kit.open("memory://", clock=clock, rules=rules(1)) as kit:
        play(kit, clock, script)
        live = projections(kit)
        assert kit.replay().changed == ()
        assert projections(kit) == live
        # Explain adds up for every goal, whoever owns it.
        for person in PEOPLE:
            for goal in kit.goals.list(person):
                why = kit.explain(person, goal.id)
                assert not why.stale
                assert len(why.in_period()) == goal.progress.count
                assert len(why.counted()) == goal.total


def test_replay_on_sqlite_matches_recording(tmp_path: Path, clock: FakeClock) -> None:
    script: list[Op] = [
        ("adopt", "ada", ""),
        ("adopt", "bo", "count"),
        ("create", "ada"),
        ("event", "ada", "r"),
        ("event", "ada", "a"),
        ("late-event", "ada"),
        ("wait", "50"),
        ("change", "ada", "pause"),
        ("event", "ada", "r"),
        ("change", "ada", "resume"),
        ("consent", "bo", "False"),
        ("event", "bo", "r"),
        ("consent", "bo", "True"),
        ("event", "bo", "r"),
        ("change", "bo", "renegotiate"),
        ("wait", "13"),
        ("event", "ada", "r"),
    ]
    url = f"sqlite:///{tmp_path / 'same.db'}"
    with Kit.open(url, clock=clock, rules=rules(1)) as kit:
        play(kit, clock, script)
        live = projections(kit)
        assert kit.replay().changed == ()
        assert projections(kit) == live
        assert [g.total for g in kit.goals.list("bo")] == [1]


def test_memory_store_replays_too(clock: FakeClock) -> None:
    with Kit.open("memory://", clock=clock, rules=rules(1)) as kit:
        week_of_reviews(kit, clock)
        report = kit.reload_rules(rules(2, count=4))
        assert [p.person for p in report.changed] == ["ada", "cy"]


def _record_during_replay(
    url: str, design_text: str, people: int, rounds: int, started: str
) -> None:
    kit = Kit.open(url, rules=load_rules("motivation.yaml", text=design_text))
    for r in range(rounds):
        kit.record_many(
            Event(f"live-{r}-{p}", "review.submitted", f"p{p:03}") for p in range(people)
        )
        Path(started).touch()
        time.sleep(0.01)
    kit.close()


def test_events_recorded_while_another_process_replays_are_all_counted(tmp_path: Path) -> None:
    import multiprocessing

    url = f"sqlite:///{tmp_path / 'live.db'}"
    people = 60
    with Kit.open(url, rules=rules(1)) as kit:
        for p in range(people):
            kit.goals.adopt(f"p{p:03}", "weekly-reviews")
            kit.record(Event(f"before-{p}", "review.submitted", f"p{p:03}"))
    started = tmp_path / "writer-started"
    context = multiprocessing.get_context("spawn")
    writer = context.Process(
        target=_record_during_replay, args=(url, design(2, count=6), people, 20, str(started))
    )
    writer.start()

    def wait_for_the_writer(done: int, total: int) -> None:
        deadline = time.monotonic() + 60
        while done == 4 and not started.exists() and time.monotonic() < deadline:
            time.sleep(0.01)

    with Kit.open(url, rules=rules(1)) as kit:
        report = kit.reload_rules(rules(2, count=6), batch=4, progress=wait_for_the_writer)
        assert report.people == people
        assert started.exists()  # the writer was writing while the replay still ran
    writer.join(timeout=120)
    assert writer.exitcode == 0
    with Kit.open(url, rules=rules(2, count=6)) as kit:
        goals = [g for p in range(people) for g in kit.goals.list(f"p{p:03}")]
        assert {g.measure.count for g in goals} == {6}
        assert {g.total for g in goals} == {21}  # one before, twenty while replaying
        assert kit.replay().changed == ()  # the projections are exactly the journal's fold
