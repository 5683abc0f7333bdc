"""``kit.nudges``: journal each nudge a host sends, within the person's consent and limit.

motivekit sends nothing itself; the host app reminds, suggests or invites, and tells
motivekit with :meth:`Nudges.sent`. That makes nudges part of the journal, so the
behavioural indices (``motivekit.indices``) can tell activity that followed a prompt from
activity that came of its own accord. A nudge is refused with :class:`ConsentRequired`
while the person has the ``nudges`` mechanic off (it is off unless they switch it on), and
with :class:`NotPermitted` once they had the design file's ``nudges.max_per_week`` nudges
in the seven days before it.

A shared module, not a feature folder: check-ins count against the same limit. Counting
reads the person's journal entries (one indexed query), so its cost grows with their
history; nudges are rare, and no table is kept for them.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from motivekit._consent import ConsentState, Mechanic
from motivekit._entries import command_draft
from motivekit._errors import ConsentRequired, InvalidInput, NotPermitted
from motivekit._model import check_instant, check_name
from motivekit._runtime import Core, Runtime
from motivekit.rules._model import NudgesSection
from motivekit.store._protocol import Session

__all__ = ["NUDGE_COMMAND", "WEEK", "Nudges"]

NUDGE_COMMAND = "nudge.sent"
"""The command journaled for each nudge, with the person nudged as its person."""
WEEK = timedelta(days=7)
"""The limit counts the nudges of the seven days up to and including a nudge's instant."""


def _person(value: object) -> str:
    return check_name(value, "user", InvalidInput, "pass the person's user id")


def _limit(runtime: Runtime) -> int:
    section = NudgesSection() if runtime.rules is None else runtime.rules.design.nudges
    return section.max_per_week


def _sent_in_week(session: Session, user: str, at: datetime) -> int:
    start = at - WEEK
    return sum(
        1
        for entry in session.subject_entries(user)
        if entry.type == "command"
        and entry.name == NUDGE_COMMAND
        and start < entry.recorded_at <= at
    )


class Nudges:
    """``kit.nudges``: the nudges a host sends, journaled within consent and the limit."""

    def __init__(self, core: Core) -> None:
        self._core = core

    @property
    def per_week(self) -> int:
        """The most nudges a person gets in seven days (``nudges.max_per_week``; 2 without
        a design file)."""
        return _limit(self._core.runtime)

    def _at(self, at: datetime | None) -> datetime:
        return self._core.runtime.clock() if at is None else check_instant(at, "at", InvalidInput)

    def remaining(self, user: str, *, at: datetime | None = None) -> int:
        """How many nudges ``user`` may still get at ``at`` (default: now); 0 while they
        have nudges switched off."""
        _person(user)
        when = self._at(at)
        runtime = self._core.runtime
        with self._core.store.reading() as session:
            if not ConsentState(runtime.consent, session).allows(user, Mechanic.NUDGES):
                return 0
            return max(0, _limit(runtime) - _sent_in_week(session, user, when))

    def sent(self, user: str, what: str, *, at: datetime | None = None) -> int:
        """Journal that the host nudged ``user`` (``what``: which nudge, e.g.
        ``weekly-reminder``; it is part of the person's erasable data) at ``at`` (default:
        now). Returns how many more they may get in the seven days up to ``at``.

        Raises :class:`ConsentRequired` while ``user`` has nudges off and
        :class:`NotPermitted` when the limit is used up; then nothing is journaled, and
        the host should not send the nudge either.
        """
        _person(user)
        check_name(what, "what", InvalidInput, "name the nudge, e.g. 'weekly-reminder'")
        when = self._at(at)
        runtime, writer = self._core.runtime, self._core.writer
        limit = _limit(runtime)

        def work(session: Session) -> int:
            if not ConsentState(runtime.consent, session).allows(user, Mechanic.NUDGES):
                raise ConsentRequired(
                    f"{user!r} has not switched nudges on; only they can "
                    f"(kit.consent.set({user!r}, 'nudges', True, by={user!r}))"
                )
            already = _sent_in_week(session, user, when)
            if already >= limit:
                raise NotPermitted(
                    f"{user!r} already had {already} nudge(s) in the seven days up to "
                    f"{when.isoformat()}; nudges.max_per_week is {limit}. Send none now; there "
                    f"is room again once the oldest of them is seven days old"
                )
            args = {"user": user, "what": what}
            draft = command_draft(NUDGE_COMMAND, user, dict(args), when, runtime.version)
            writer.append(session, [draft])
            return limit - already - 1

        return writer.run(work)
