"""The one runtime object: what a Kit's services and pipelines read, swapped whole.

Every service (``kit.goals``, ``kit.mastery``, ``kit.impact``, ``kit.consent``,
``kit.privacy``) and both pipelines (record, replay) share one :class:`Core`: the store,
the log writer and the current :class:`Runtime`. A Runtime is frozen; ``reload_rules``
builds a new one and swaps it in with one assignment. Each call reads ``core.runtime``
once and works under that one rules version from start to end, so no call mixes two
versions and no service can be left on an old one. Nothing reaches into a service to
update it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

import attrs

if TYPE_CHECKING:  # annotations only: this module sits below the features it names
    from motivekit._consent import Mechanic
    from motivekit._time import Clock
    from motivekit.audit._log import LogWriter
    from motivekit.goals._menu import Menu
    from motivekit.impact._spec import ImpactSpec
    from motivekit.mastery._track import Tracks
    from motivekit.rules import Rules
    from motivekit.store import Store

__all__ = ["Core", "Runtime"]


@attrs.frozen
class Runtime:
    """What the services read: the rules and everything built from them, the clock and
    the consent defaults."""

    rules: Rules | None
    """The checked design file (None: rules registered in code)."""
    version: int
    """The rules version recorded on every new journal entry."""
    menu: Menu
    """The goal menu (``kit.goals``)."""
    tracks: Tracks
    """The skill tracks (``kit.mastery`` and the record pipeline)."""
    impact: ImpactSpec
    """Contributions, beneficiary events, attribution and missions (``kit.impact``)."""
    clock: Clock
    consent: Mapping[Mechanic, bool]
    """The consent default per mechanic, for people who have not chosen."""
    max_event_bytes: int


class Core:
    """What the services of one Kit share: the store, the log writer and the runtime."""

    def __init__(self, store: Store, writer: LogWriter, runtime: Runtime) -> None:
        self.store = store
        self.writer = writer
        self._runtime = runtime
        self._lock = threading.Lock()

    @property
    def runtime(self) -> Runtime:
        """The current runtime; read it once per call."""
        return self._runtime

    def swap(self, runtime: Runtime) -> None:
        """Run under ``runtime`` from now on (one step for every service)."""
        with self._lock:
            self._runtime = runtime

    def update(self, change: Callable[[Runtime], Runtime]) -> Runtime:
        """Replace the runtime with ``change(current)``, atomically; return the new one."""
        with self._lock:
            self._runtime = change(self._runtime)
            return self._runtime
