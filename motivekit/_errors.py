"""Every error motivekit raises on purpose.

All of them derive from :class:`MotivekitError`, so a host app can catch one type::

    MotivekitError
    ├── InvalidInput            (also ValueError) bad argument; nothing was written
    │   ├── InvalidEvent        an Event that cannot be recorded
    │   ├── InvalidGoal         a goal, measure, template or adjustment that is not valid
    │   └── InvalidConsent      an unknown mechanic or a malformed consent change
    ├── NotFound                (also LookupError)
    │   ├── UnknownGoal         no goal with that id
    │   └── UnknownTemplate     no goal template with that id
    ├── NotPermitted            the actor may not do this
    │   └── ConsentRequired     the person has switched this mechanic off
    ├── InvalidTransition       the goal's state does not allow this (e.g. resume a released goal)
    ├── StoreError              the storage backend failed or is not usable
    │   └── SchemaOutOfDate     the database schema is older than this motivekit
    └── ConfigError             the Kit was configured wrongly (bad URL, bad option)

Messages name the field that was wrong and say how to fix it.
"""

from __future__ import annotations

__all__ = [
    "ConfigError",
    "ConsentRequired",
    "InvalidConsent",
    "InvalidEvent",
    "InvalidGoal",
    "InvalidInput",
    "InvalidTransition",
    "MotivekitError",
    "NotFound",
    "NotPermitted",
    "SchemaOutOfDate",
    "StoreError",
    "UnknownGoal",
    "UnknownTemplate",
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


class ConfigError(MotivekitError):
    """The Kit was configured with an invalid URL or option."""
