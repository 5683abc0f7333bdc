"""``kit.explain``: the journal entries and rules behind a goal's progress."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import attrs

from motivekit._consent import ConsentState
from motivekit._runtime import Runtime
from motivekit.goals._fold import GoalFold, Step
from motivekit.goals._model import Goal
from motivekit.goals._rebuild import goal_diff
from motivekit.store import Store

__all__ = ["Explanation", "explain"]


def explain(store: Store, runtime: Runtime, goal: Goal, now: datetime) -> Explanation:
    """Why ``goal`` shows the progress it does: its owner's entries folded under
    ``runtime``'s menu, with what each did, and whether the stored goal differs from that
    fold (read in one snapshot)."""
    fold = GoalFold(runtime.menu, ConsentState(runtime.consent), trace=True)
    with store.reading() as session:
        folded = fold.fold(session.subject_entries(goal.owner))
        stored, days = session.goal(goal.id), session.goal_days([goal.id])
    steps = tuple(s for s in folded.steps if s.goal == goal.id)
    stale = goal_diff(goal.id, stored, days, folded, now) is not None
    return Explanation(goal.owner, goal, runtime.version, steps, stale)


@attrs.frozen
class Explanation:
    """Why a goal's progress is what it is: every journal entry that shaped it.

    ``steps`` lists, oldest first, the entry that created the goal, each change its owner
    made, each event that counted (with the local day it counted on) and each matching
    event that did not (with why). The counted steps add up to the goal's progress.
    """

    person: str
    goal: Goal
    rules_version: int
    """The rules version the explanation (and the goal's projection) is computed under."""
    steps: tuple[Step, ...]
    stale: bool
    """True when the stored goal or its progress differs from the journal under these
    rules (the database needs ``motivekit replay``); the steps show what the journal says."""

    def counted(self, start: date | None = None, end: date | None = None) -> list[Step]:
        """The steps that each added one unit of progress, on local days [start, end)."""
        return [
            s
            for s in self.steps
            if s.kind == "counted"
            and s.day is not None
            and (start is None or s.day >= start)
            and (end is None or s.day < end)
        ]

    def in_period(self) -> list[Step]:
        """The counted steps of the goal's current period (all of them without a cadence)."""
        progress = self.goal.progress
        return self.counted(progress.period_start, progress.period_end)

    def lines(self) -> list[str]:
        """The explanation as text, for people (``motivekit explain`` prints it)."""
        goal, progress = self.goal, self.goal.progress
        if progress.period_start is None:
            when = "in total"
        else:
            last = (progress.period_end or progress.period_start) - timedelta(days=1)
            when = f"this {progress.per} ({progress.period_start} to {last})"
        out = [
            f"{goal.title!r} ({goal.id}) of {self.person}: {progress.count} of "
            f"{progress.target} {when}; rules version {self.rules_version}",
        ]
        this_period = set(self.in_period()) if progress.period_start is not None else set()
        for step in self.steps:
            stamp = step.at.strftime("%Y-%m-%d %H:%M:%S")
            head = f"  #{step.seq} {stamp} {step.name} (rules v{step.rules})"
            if step.kind == "counted":
                tail = f"+1 on {step.day}" + (" (this period)" if step in this_period else "")
                out.append(f"{head}: {tail}")
            elif step.kind == "not counted":
                out.append(f"{head}: not counted, {step.detail}")
            else:
                out.append(f"{head}: {step.detail}")
        units = self.in_period()
        seqs = " + ".join(f"#{s.seq}" for s in units) or "nothing yet"
        out.append(f"{progress.count} {when} = {seqs}")
        if self.stale:
            out.append(
                "note: the stored progress differs from the journal under these rules; "
                "run 'motivekit replay' to rebuild it"
            )
        return out
