"""A terminal tour of motivekit's self-chosen goals (what ``make demo`` runs).

Two people, ada in Berlin and lin in New York, choose goals and work for about two weeks
in March and April 2026. The story has its own clock, so every run prints the same dates.
It writes ``examples/walkthrough.db`` afresh each time; the ``motivekit`` CLI can read it.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from motivekit import Event, Goal, InvalidEvent, Kit, NotPermitted, Progress

DB = Path(__file__).resolve().parent / "walkthrough.db"
TZ = {"ada": "Europe/Berlin", "lin": "America/New_York"}

DESIGN = Path(__file__).resolve().parent / "walkthrough.yaml"
DESIGN_V2 = DESIGN.with_name("walkthrough-v2.yaml")


def local(text: str, person: str) -> datetime:
    """A timezone-aware instant from wall-clock time where ``person`` lives."""
    return datetime.fromisoformat(text).replace(tzinfo=ZoneInfo(TZ[person]))


class StoryClock:
    """The Kit's "now": it moves with the story instead of with the real clock."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now


def heading(title: str) -> None:
    print(f"\n── {title} {'─' * max(3, 74 - len(title))}")


def day(d: date) -> str:
    return f"{d:%a} {d.day} {d:%b}"


def period(per: str | None, start: date | None) -> str:
    """Name a goal's period by its first local day: 'week of Mon 23 Mar', 'March 2026'."""
    if start is None:
        return "in total"
    return {"day": day(start), "week": f"week of {day(start)}"}.get(per or "", f"{start:%B %Y}")


def describe(p: Progress, *, ongoing: bool = True) -> str:
    text = f"{p.count} of {p.target}, {period(p.per, p.period_start)}"
    if not ongoing:
        return text
    return f"{text} ({'target reached' if p.reached else f'{p.remaining} to go'})"


def show(goal: Goal) -> None:
    m = goal.measure
    where = "".join(f" where {k}={v!r}" for k, v in m.where.items())
    origin = f"adopted from '{goal.template_id}'" if goal.template_id else "written by the owner"
    print(f"  {goal.owner}: “{goal.title}” ({origin}; {goal.visibility}; {goal.tz})")
    print(f"      counts {m.event}{where}: {m.count} {'per ' + m.per if m.per else 'in total'}")
    if goal.why:
        print(f"      why: {goal.why}")
    if goal.plan:
        print(f"      plan: if {goal.plan.when}, then {goal.plan.then}")


def main() -> None:
    DB.unlink(missing_ok=True)
    clock = StoryClock(local("2026-03-26 08:00", "ada"))
    with Kit.open(f"sqlite:///{DB}", rules=DESIGN, clock=clock) as kit:

        def record(event_id: str, kind: str, actor: str, when: str, **data: str) -> None:
            at = local(when, actor)
            clock.now = at + timedelta(minutes=1)  # the app reports it a minute later
            outcome = kit.record(Event(event_id, kind, actor, at=at, data=data))
            line = f"  {day(at.date()):<10} {at:%H:%M %Z}".ljust(24) + f"{actor}  {kind:<17}"
            if outcome.duplicate:
                print(f"{line}  duplicate id {event_id!r} (entry #{outcome.seq}): nothing changed")
            elif not outcome.changed:
                print(f"{line}  journaled; no active goal counts it")
            for change in outcome.goal_changes:
                goal = kit.goals.get(change.goal_id)
                when = period(goal.measure.per, change.period_start)
                mark = "  ← target reached" if change.reached else ""
                print(f"{line}  → {goal.title}: {change.count} of {change.target}, {when}{mark}")

        heading(
            f"The menu from {DESIGN.name} (version {kit.rules_version}): offered, never assigned"
        )
        for t in kit.goals.menu:
            m = t.measure
            measure = f"{m.count} {m.event} {f'per {m.per}' if m.per else 'in total'}"
            adjustable = ", ".join(sorted(t.adjustable)) or "nothing"
            print(f"  {t.id:<16} {t.title:<28} {measure:<28} adjustable: {adjustable}")

        heading("Thu 26 Mar: each person chooses their own goals")
        why = "Reading other people's code is how I learn the codebase."
        plan = {"when": "I open my laptop after lunch", "then": "I review one pull request"}
        ada_reviews = kit.goals.adopt(
            "ada", "weekly-reviews", tz=TZ["ada"], visibility="shared", why=why, plan=plan
        )
        clock.now += timedelta(minutes=5)
        ada_reading = kit.goals.create(
            "ada",
            "Read a paper on type systems",
            {"event": "paper.read", "count": 3, "per": "month"},
            why="I want to understand what our checker does.",
            tz=TZ["ada"],
        )
        clock.now = local("2026-03-26 09:00", "lin")
        why = "Reviews are how I get to know the people on my new team."
        plan = {"when": "my tests are running", "then": "I look at the review queue"}
        lin_reviews = kit.goals.adopt(
            "lin", "weekly-reviews", count=2, tz=TZ["lin"], why=why, plan=plan
        )
        clock.now += timedelta(minutes=5)
        lin_answers = kit.goals.adopt("lin", "help-newcomers", tz=TZ["lin"], visibility="public")
        for goal in (ada_reviews, ada_reading, lin_reviews, lin_answers):
            show(goal)

        heading("Events from the app, each with a timezone-aware `at`")
        record("rev-1", "review.submitted", "ada", "2026-03-26 14:10")
        record("ans-1", "answer.posted", "lin", "2026-03-26 19:00", forum="newcomers")
        record("rev-2", "review.submitted", "lin", "2026-03-27 12:00")
        record("ans-2", "answer.posted", "lin", "2026-03-28 10:00", forum="python")
        record("pap-1", "paper.read", "ada", "2026-03-28 20:00")
        record("rev-3", "review.submitted", "ada", "2026-03-29 23:30")
        record("rev-4", "review.submitted", "lin", "2026-03-29 21:00")
        print("      ↑ Monday already in UTC, still Sunday in New York: it counts in lin's week")
        record("rev-5", "review.submitted", "ada", "2026-03-30 13:30")
        record("rev-5", "review.submitted", "ada", "2026-03-30 13:30")
        record("pap-2", "paper.read", "ada", "2026-04-01 00:30")
        print("      ↑ still 31 March in UTC, already 1 April in Berlin: a new month for ada")
        record("ans-3", "answer.posted", "lin", "2026-04-01 09:15", forum="newcomers")

        heading("Looking back, period by period: kit.goals.progress(goal_id, at=...)")
        for goal in (ada_reviews, lin_reviews, ada_reading):
            for when in ("2026-03-27 12:00", "2026-04-02 12:00"):
                progress = kit.goals.progress(goal.id, at=local(when, goal.owner))
                print(f"  {goal.owner}  {goal.title:<30} {describe(progress)}")

        heading("Changing course costs nothing")
        clock.now = local("2026-04-02 09:00", "ada")
        changed = kit.goals.renegotiate(ada_reviews.id, by="ada", count=2)
        print("  ada renegotiates to 2 reviews a week, keeping what she has done:")
        print(f"      {describe(changed.progress)}")
        clock.now = local("2026-04-02 18:00", "lin")
        kit.goals.pause(lin_reviews.id, by="lin")
        print("  lin pauses “Review pull requests” while she is away")
        record("rev-6", "review.submitted", "lin", "2026-04-03 10:00")
        clock.now = local("2026-04-06 08:00", "lin")
        kit.goals.resume(lin_reviews.id, by="lin")
        print("  lin resumes it; events count again")
        record("rev-7", "review.submitted", "lin", "2026-04-06 11:00")
        try:
            kit.goals.pause(ada_reviews.id, by="lin")
        except NotPermitted as exc:
            print(f"  lin tries to pause ada's goal:\n      NotPermitted: {exc}")

        heading("Consent: each person decides which mechanics apply to them")
        kit.consent.set("lin", "goals", False, by="lin")
        print("  lin switches goals off; her events are still journaled but count nowhere")
        record("ans-4", "answer.posted", "lin", "2026-04-06 15:00", forum="newcomers")
        kit.consent.set("lin", "goals", True, by="lin")
        released = kit.goals.release(lin_answers.id, by="lin")
        print(f"  lin switches goals back on and releases “{released.title}” ({released.status})")

        heading("Bad input is rejected before anything is written")
        size = kit.journal.size()
        try:
            at = local("2026-04-07 09:00", "ada")
            kit.record(Event("rev-8", "review.submitted", "ada", at=at, data={"minutes": 12.5}))
        except InvalidEvent as exc:
            print(f"  a float in Event.data:\n      InvalidEvent: {exc}")
        print(f"  journal size before: {size}, after: {kit.journal.size()}")

        heading("Where things stand on Tue 7 Apr")
        clock.now = local("2026-04-07 12:00", "ada")
        for person in TZ:
            for goal in kit.goals.list(person):
                info = describe(goal.progress, ongoing=goal.status == "active")
                print(f"  {person}  {goal.title:<30} {goal.status:<8}  {info}")

        heading("The journal: every event and command, as canonical bytes")
        tail = kit.journal.tail(5)
        for entry in tail:
            print(f"  #{entry.seq:<3} {entry.type:<7} {entry.name:<16} by {entry.actor}")
        event = next(e for e in reversed(tail) if e.type == "event")
        print(f"  #{event.seq} exactly as stored:\n  {event.raw.decode()}")

        heading(f"The team changes its mind: {DESIGN_V2.name} renames and raises the goal")
        size = kit.journal.size()
        for line in kit.reload_rules(DESIGN_V2, dry_run=True).lines():
            print(f"  dry run: {line}")
        report = kit.reload_rules(DESIGN_V2)
        print(f"  replayed: {report.lines()[-1]}")
        print("  Both took the template's title, so the new title reaches them. Their targets were")
        print("  their own choices (lin adopted with 2, ada renegotiated to 2): those stay. The")
        print(f"  journal still holds {kit.journal.size()} entries (was {size}), byte for byte;")
        print(f"  new entries record rules version {kit.rules_version}.")

        heading("Explain: where ada's review progress comes from")
        for line in kit.explain("ada", ada_reviews.id).lines():
            print(f"  {line}")

    print(f"\nThe data stays in {DB}. Explore it from the repository root")
    print("(the CLI counts progress in today's period, not the story's):")
    print("  .venv/bin/motivekit goals list --owner ada --url sqlite:///examples/walkthrough.db")
    print("  .venv/bin/motivekit journal tail -n 5 --url sqlite:///examples/walkthrough.db")
    print(
        "  .venv/bin/motivekit explain --url sqlite:///examples/walkthrough.db "
        f"--rules examples/{DESIGN_V2.name} ada <goal id>"
    )


if __name__ == "__main__":
    main()
