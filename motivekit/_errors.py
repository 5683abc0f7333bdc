"""Every error motivekit raises on purpose.

All of them derive from :class:`MotivekitError`, so a host app can catch one type::

    MotivekitError
    ├── InvalidInput            (also ValueError) bad argument; nothing was written
    │   ├── InvalidEvent        an Event that cannot be recorded
    │   ├── InvalidGoal         a goal, measure, template or adjustment that is not valid
    │   ├── InvalidConsent      an unknown mechanic or a malformed consent change
    │   ├── InvalidTrack        a skill track's model parameters, levels or challenge band
    │   ├── InvalidEvidence     mastery evidence with a bad outcome or difficulty
    │   ├── InvalidCheckin      a check-in instrument or answer that is not valid
    │   └── InvalidKey          a malformed signing or verifier key, or a bad key file
    ├── NotFound                (also LookupError)
    │   ├── UnknownGoal         no goal with that id
    │   ├── UnknownTemplate     no goal template with that id
    │   ├── UnknownTrack        no skill track with that id
    │   ├── UnknownMission      no collective mission with that id
    │   └── UnknownFeedEntry    no entry with that id in the person's impact feed
    ├── NotPermitted            the actor may not do this
    │   └── ConsentRequired     the person has switched this mechanic off
    ├── InvalidTransition       the goal's state does not allow this (e.g. resume a released goal)
    ├── StoreError              the storage backend failed or is not usable
    │   ├── SchemaOutOfDate     the database schema is older than this motivekit
    │   └── StoreUnavailable    the database cannot be reached now; nothing was written
    ├── ConfigError             the Kit was configured wrongly (bad URL, bad option)
    │   ├── RulesError          a design file has problems (lists them all, file:line:col)
    │   └── RulesVersionError   a rules version older than the one already replayed
    └── AuditError              the audit log does not verify (each has its own exit code)
        ├── TamperedEntry       an entry's bytes differ from what was logged
        ├── MissingEntry        an entry is gone (a gap, or the log was truncated or rolled back)
        ├── ReorderedEntries    entries are stored out of their logged order
        ├── BadSignature        a signature does not verify (or its key was not valid then)
        ├── InconsistentCheckpoints  two checkpoints cannot both be true (a forked history)
        ├── UnknownKey          a checkpoint carries no signature by any trusted key
        └── InvalidProof        a proof or proof bundle does not verify

Messages name the field that was wrong and say how to fix it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # only for annotations: the rules package imports this module
    from collections.abc import Sequence

    from motivekit.rules import Problem

__all__ = [
    "AuditError",
    "BadSignature",
    "ConfigError",
    "ConsentRequired",
    "InvalidCheckin",
    "InvalidConsent",
    "InvalidEvidence",
    "InvalidEvent",
    "InconsistentCheckpoints",
    "InvalidGoal",
    "InvalidInput",
    "InvalidKey",
    "InvalidProof",
    "InvalidTrack",
    "InvalidTransition",
    "MissingEntry",
    "MotivekitError",
    "NotFound",
    "NotPermitted",
    "ReorderedEntries",
    "RulesError",
    "RulesVersionError",
    "SchemaOutOfDate",
    "StoreError",
    "StoreUnavailable",
    "TamperedEntry",
    "UnknownFeedEntry",
    "UnknownGoal",
    "UnknownKey",
    "UnknownMission",
    "UnknownTemplate",
    "UnknownTrack",
]


class MotivekitError(Exception):
    """Root of every error motivekit raises on purpose."""


class InvalidInput(MotivekitError, ValueError):
    """An argument was not valid; nothing was written."""


class InvalidEvent(InvalidInput):
    """An Event cannot be recorded as given."""


class InvalidGoal(InvalidInput):
    """A goal, measure, template or adjustment is not valid."""


class InvalidConsent(InvalidInput):
    """A consent change names an unknown mechanic or is malformed."""


class NotFound(MotivekitError, LookupError):
    """A referenced object does not exist."""


class UnknownGoal(NotFound):
    """No goal has the given id."""


class UnknownTemplate(NotFound):
    """No goal template has the given id."""


class UnknownTrack(NotFound):
    """No skill track has the given id."""


class UnknownMission(NotFound):
    """No collective mission with that id in the rules."""


class UnknownFeedEntry(NotFound):
    """No entry with that id in the person's impact feed."""


class NotPermitted(MotivekitError):
    """The acting person may not perform this action."""


class ConsentRequired(NotPermitted):
    """The person has switched the mechanic this action needs off."""


class InvalidTransition(MotivekitError):
    """The object's current state does not allow this action."""


class StoreError(MotivekitError):
    """The storage backend failed or cannot be used."""


class SchemaOutOfDate(StoreError):
    """The database schema is older than this version of motivekit expects."""


class StoreUnavailable(StoreError):
    """The database cannot be reached: the server is down, restarting or out of reach.

    The call wrote nothing (its transaction never committed). The same Kit works again
    once the database is back: the next call opens fresh connections. Recording is
    idempotent by event id, so re-sending the same events is safe.
    """


class ConfigError(MotivekitError):
    """The Kit was configured with an invalid URL or option."""


class RulesError(ConfigError):
    """A design file has problems; ``problems`` lists every one of them."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    def report(self, file: object) -> str:
        """Every problem on its own line, then how many there are in ``file``."""
        noun = "problem" if len(self.problems) == 1 else "problems"
        return "\n".join(
            [*(str(p) for p in self.problems), f"{len(self.problems)} {noun} in {file}"]
        )


class RulesVersionError(ConfigError):
    """A rules file's version does not move forward from the version already replayed."""


class InvalidTrack(InvalidInput):
    """A skill track's model parameters, levels or challenge band are not valid."""


class InvalidCheckin(InvalidInput):
    """A check-in instrument or a person's answers to it are not valid."""


class InvalidEvidence(InvalidInput):
    """A piece of mastery evidence (outcome or difficulty) is not valid."""


class InvalidKey(InvalidInput):
    """A signing or verifier key is malformed, or a key file cannot be used."""


class AuditError(MotivekitError):
    """The audit log does not verify. ``exit_code`` is what ``motivekit audit`` exits with."""

    exit_code = 10


class TamperedEntry(AuditError):
    """An entry's bytes differ from the bytes that were logged."""

    exit_code = 11


class MissingEntry(AuditError):
    """An entry is missing: a gap in the sequence, or the log was truncated or rolled back."""

    exit_code = 12


class ReorderedEntries(AuditError):
    """Entries are stored out of the order in which they were logged."""

    exit_code = 13


class BadSignature(AuditError):
    """A signature does not verify, or its key was not valid at the checkpoint's time."""

    exit_code = 14


class InconsistentCheckpoints(AuditError):
    """Two checkpoints cannot both describe one append-only log (a forked history)."""

    exit_code = 15


class UnknownKey(AuditError):
    """A checkpoint carries no signature by any key the verifier trusts."""

    exit_code = 16


class InvalidProof(AuditError):
    """An inclusion proof, consistency proof or proof bundle does not verify."""

    exit_code = 17
