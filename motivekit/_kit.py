"""The Kit: the one object a host app holds."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from types import TracebackType
from typing import Self

import sqlalchemy as sa
import sqlalchemy.orm

from motivekit._consent import ConsentBook
from motivekit._consent import consent_defaults as checked_defaults
from motivekit._errors import ConfigError, InvalidInput, RulesVersionError, UnknownGoal
from motivekit._journal import Journal
from motivekit._model import Event, Outcome, check_name
from motivekit._nudges import Nudges
from motivekit._record import Recorder
from motivekit._replay import Progress as ReplayProgress
from motivekit._replay import Replayer, ReplayReport
from motivekit._runtime import Core, Runtime
from motivekit._tenants import DEFAULT_TENANT, check_tenant, tenant_origin
from motivekit._time import Clock, system_clock
from motivekit.audit._audit import Audit, Privacy
from motivekit.audit._checkpoint import GuardedSigner
from motivekit.audit._log import LogWriter
from motivekit.audit._note import Signer
from motivekit.goals._explain import Explanation, explain
from motivekit.goals._menu import Menu
from motivekit.goals._model import GoalTemplate
from motivekit.goals._service import Goals
from motivekit.impact._service import Impact
from motivekit.impact._spec import ImpactSpec
from motivekit.mastery._service import Mastery
from motivekit.mastery._track import SkillTrack, Tracks
from motivekit.rules import Rules, Track, check_track, load_rules
from motivekit.store import Store, open_store

__all__ = ["DEFAULT_MAX_EVENT_BYTES", "DEFAULT_ORIGIN", "DEFAULT_URL", "RULES_VERSION", "Kit"]

DEFAULT_URL = "sqlite:///motivekit.db"
"""Where ``Kit.open()`` keeps its data when given no URL: ``./motivekit.db``."""

DEFAULT_MAX_EVENT_BYTES = 64 * 1024
DEFAULT_ORIGIN = "motivekit"
"""The default checkpoint origin; give each deployment (and tenant) its own."""
RULES_VERSION = 0
"""Rules registered in code; YAML rules files carry their own version."""


def _code_tracks(tracks: Iterable[Track]) -> list[SkillTrack]:
    out = []
    for i, track in enumerate(tracks):
        if not isinstance(track, Track):
            raise ConfigError(
                f"tracks[{i}] is a {type(track).__name__}; pass motivekit.rules.Track objects"
            )
        out.append(SkillTrack.from_spec(track, check_track(track, i)))
    return out


def _load(rules: Rules | str | os.PathLike[str] | None) -> Rules | None:
    if rules is None or isinstance(rules, Rules):
        return rules
    if not isinstance(rules, (str, os.PathLike)):
        raise ConfigError(f"rules must be a file path or Rules, got {type(rules).__name__}")
    return load_rules(rules)


class Kit:
    """motivekit's facade: record facts, let people steer their goals, read it all back.

    Safe to share between the threads of a web app. Open one with :meth:`Kit.open`.
    """

    goals: Goals
    """Self-chosen goals (:class:`motivekit.Goals`)."""
    mastery: Mastery
    """Skill tracks: states, next challenges, people's own bands (:class:`motivekit.Mastery`)."""
    impact: Impact
    """Impact feeds, credits, people's choices and collective missions
    (:class:`motivekit.Impact`)."""
    consent: ConsentBook
    """Per-person consent per mechanic."""
    nudges: Nudges
    """The nudges the host sends, journaled within consent and the weekly limit."""
    journal: Journal
    """The append-only journal."""
    audit: Audit
    """The signed audit log over the journal: checkpoints, proofs, verification."""
    privacy: Privacy
    """Erasure of a person's data (crypto-shredding)."""

    def __init__(
        self,
        store: Store,
        *,
        templates: Iterable[GoalTemplate] = (),
        clock: Clock | None = None,
        consent_defaults: Mapping[str, bool] | None = None,
        max_event_bytes: int = DEFAULT_MAX_EVENT_BYTES,
        origin: str | None = None,
        signers: Iterable[Signer | GuardedSigner] = (),
        checkpoint_every: int | None = 1000,
        checkpoint_interval: float | None = None,
        rules: Rules | str | os.PathLike[str] | None = None,
        tracks: Iterable[Track] = (),
    ) -> None:
        if (
            isinstance(max_event_bytes, bool)
            or not isinstance(max_event_bytes, int)
            or max_event_bytes < 256
        ):
            raise ConfigError(f"max_event_bytes must be an integer >= 256, got {max_event_bytes!r}")
        if clock is not None and not callable(clock):
            raise ConfigError("clock must be a callable returning an aware datetime")
        # a store from before tenants (no ``tenant``) holds the default tenant's data
        tenant = check_tenant(getattr(store, "tenant", DEFAULT_TENANT))
        origin = tenant_origin(origin, DEFAULT_ORIGIN, tenant)
        self.store = store
        self._clock: Clock = clock or system_clock
        self._consent_defaults = checked_defaults(consent_defaults)
        self._max_event_bytes = max_event_bytes
        self._code_templates = list(templates)
        self._code_tracks = _code_tracks(tracks)
        writer = LogWriter(store)
        self._core = Core(store, writer, self._construct_runtime(_load(rules)))
        self._recorder = Recorder(self._core)
        self._replayer = Replayer(self._core)
        self.goals = Goals(self._core)
        self.mastery = Mastery(self._core)
        self.impact = Impact(self._core)
        self.consent = ConsentBook(self._core)
        self.nudges = Nudges(self._core)
        self.journal = Journal(store)
        self.audit = Audit(
            store,
            writer,
            self._clock,
            origin=origin,
            signers=signers,
            every=checkpoint_every,
            interval=checkpoint_interval,
        )
        self.privacy = Privacy(self._core)
        writer.after_commit = self.audit.after_write

    def _construct_runtime(self, rules: Rules | None) -> Runtime:
        """The runtime for ``rules``: the menu, tracks and impact rules built from it,
        plus what was registered in code (templates, tracks), the clock and defaults."""
        from_file = [] if rules is None else rules.goal_templates()
        menu = Menu.of(
            [*from_file, *self._code_templates],
            allow_custom=True if rules is None else rules.design.goals.allow_custom,
        )
        file_tracks = (
            []
            if rules is None
            else [
                SkillTrack.from_spec(track, rules.track_expressions(i))
                for i, track in enumerate(rules.design.tracks)
            ]
        )
        impact = (
            ImpactSpec()
            if rules is None
            else ImpactSpec.from_design(rules.design, rules.expressions)
        )
        return Runtime(
            rules=rules,
            version=RULES_VERSION if rules is None else rules.version,
            menu=menu,
            tracks=Tracks((*file_tracks, *self._code_tracks)),
            impact=impact,
            clock=self._clock,
            consent=self._consent_defaults,
            max_event_bytes=self._max_event_bytes,
        )

    @classmethod
    def open(
        cls,
        url: str | None = None,
        *,
        tenant: str = DEFAULT_TENANT,
        templates: Iterable[GoalTemplate] = (),
        clock: Clock | None = None,
        consent_defaults: Mapping[str, bool] | None = None,
        max_event_bytes: int = DEFAULT_MAX_EVENT_BYTES,
        synchronous: str = "FULL",
        migrate: bool = True,
        origin: str | None = None,
        signers: Iterable[Signer | GuardedSigner] = (),
        checkpoint_every: int | None = 1000,
        checkpoint_interval: float | None = None,
        rules: Rules | str | os.PathLike[str] | None = None,
        tracks: Iterable[Track] = (),
    ) -> Kit:
        """Open a Kit on ``url``.

        * ``None`` → ``$MOTIVEKIT_URL`` if set, else ``sqlite:///motivekit.db``
          (a file in the current directory);
        * ``"sqlite:///path/to/file.db"`` → that SQLite file (created if missing);
        * ``"memory://"`` → nothing kept after the process ends (tests, experiments).

        The schema is created or upgraded unless ``migrate=False``, in which case an old
        schema raises :class:`SchemaOutOfDate`. ``synchronous`` is SQLite's durability
        setting (``FULL``: a committed event survives power loss).

        ``tenant`` names whose data the Kit works on (``docs/tenants.md``): 1-64 characters
        of ``a-z``, ``0-9``, ``.``, ``_``, ``-``; ``""`` (the default) is the default
        tenant, which holds every database's data from before tenants. Everything the Kit
        reads, writes, replays and verifies is that tenant's; another tenant of the same
        database is another Kit.

        Audit log: ``origin`` names the log in its checkpoints (one log per tenant, e.g.
        ``"example.com/motivekit/acme"``; a named tenant's must end in ``/<tenant>``, and
        left out it is ``"motivekit/<tenant>"``, or ``"motivekit"`` for the default
        tenant); with ``signers``, a checkpoint is signed after
        every ``checkpoint_every`` entries and/or ``checkpoint_interval`` seconds (checked
        after each write), and on demand with ``kit.audit.checkpoint()``.

        ``rules`` is a design file (``motivation.yaml``, checked on load: a
        :class:`RulesError` lists every problem) or a loaded :class:`Rules`; its goal menu
        is offered, its tracks run and its version is recorded on every journal entry.
        ``tracks`` adds skill tracks defined in code (:class:`motivekit.rules.Track`,
        checked like the file's: :class:`InvalidTrack` names every problem).
        """
        if url is None:
            url = os.environ.get("MOTIVEKIT_URL") or DEFAULT_URL
        store = open_store(
            url,
            tenant=tenant,
            synchronous=synchronous,
            migrate=migrate,
        )
        try:
            return cls(
                store,
                templates=templates,
                clock=clock,
                consent_defaults=consent_defaults,
                max_event_bytes=max_event_bytes,
                origin=origin,
                signers=signers,
                checkpoint_every=checkpoint_every,
                checkpoint_interval=checkpoint_interval,
                rules=rules,
                tracks=tracks,
            )
        except BaseException:
            store.close()
            raise

    def record(self, event: Event) -> Outcome:
        """Record one host event in its own transaction; say what it changed.

        Recording an event id a second time changes nothing and returns an outcome with
        ``duplicate=True``. Invalid events raise :class:`InvalidEvent` before anything is
        written.
        """
        return self._recorder.record([event])[0]

    def record_many(self, events: Sequence[Event] | Iterable[Event]) -> list[Outcome]:
        """Record a batch of events in one transaction: all of them or, on error, none."""
        return self._recorder.record(list(events))

    @property
    def tenant(self) -> str:
        """The tenant whose data this Kit works on (``""``: the default tenant)."""
        return str(getattr(self.store, "tenant", DEFAULT_TENANT))

    @property
    def rules(self) -> Rules | None:
        """The checked design file the Kit runs under (None: rules registered in code)."""
        return self._core.runtime.rules

    @property
    def rules_version(self) -> int:
        """The rules version recorded on new journal entries."""
        return self._core.runtime.version

    def reload_rules(
        self,
        rules: Rules | str | os.PathLike[str],
        *,
        dry_run: bool = False,
        progress: ReplayProgress | None = None,
        batch: int = 200,
    ) -> ReplayReport:
        """Run under a new design file and rebuild everyone's projections under it.

        From the call on, new entries record the new version and the new menu is offered;
        then every person's goals and progress are rebuilt from the journal (see
        :meth:`replay`). Goals adopted from a template follow the template's new target,
        cadence and title except where their owner chose otherwise. The journal and the
        audit log are only read.

        ``dry_run=True`` changes nothing and reports what would change for whom. The new
        version must not be older than one the database was already replayed under
        (:class:`RulesVersionError`).
        """
        loaded = _load(rules)
        if loaded is None:
            raise ConfigError("reload_rules needs a design file path or Rules, got None")
        if loaded.version < self.rules_version:
            raise RulesVersionError(
                f"rules version {loaded.version} is older than the version this Kit runs "
                f"under ({self.rules_version}); give the new file a higher version"
            )
        self._replayer.check_version(loaded.version)
        runtime = self._construct_runtime(loaded)
        if dry_run:
            return self._replayer.run(runtime, dry_run=True, progress=progress, batch=batch)
        self._core.swap(runtime)  # every service reads the new runtime from here on
        return self.replay(progress=progress, batch=batch)

    def replay(
        self,
        *,
        dry_run: bool = False,
        progress: ReplayProgress | None = None,
        batch: int = 200,
    ) -> ReplayReport:
        """Rebuild every person's projections from the journal under the current rules.

        People are rebuilt in batches, each in its own transaction that also records how
        far the replay came: an interrupted replay (a crash, Ctrl-C) resumes where it
        stopped when called again. ``progress(done, total)`` is called after each batch
        of ``batch`` people. Skill states, learned items, contributions, impact feeds and
        mission totals depend on everyone's entries in order, so they are then rebuilt in
        one resumable pass over the journal. ``dry_run=True`` changes nothing and reports
        what would change for whom.
        """
        return self._replayer.run(
            self._core.runtime, dry_run=dry_run, progress=progress, batch=batch
        )

    def explain(self, user: str, thing: str) -> Explanation:
        """Why ``user``'s goal ``thing`` (a goal id) shows the progress it does.

        Lists the journal entries that created and changed the goal and every event that
        counted towards it (or matched but did not count, and why), folded from the
        journal under the current rules.
        """
        check_name(user, "user", InvalidInput, "pass the person's user id")
        goal = self.goals.get(thing)
        if goal.owner != user:
            raise UnknownGoal(f"{user!r} has no goal {thing!r}; see kit.goals.list({user!r})")
        runtime = self._core.runtime
        return explain(self.store, runtime, goal, runtime.clock())

    @contextmanager
    def join_transaction(self, host: sa.Connection | sa.orm.Session) -> Iterator[None]:
        """Run this thread's motivekit calls inside the host's transaction until the block
        ends, so a host write and motivekit's effects commit, or roll back, together::

            with engine.begin() as conn:
                conn.execute(answers.insert().values(id="a-1", body="..."))
                with kit.join_transaction(conn):
                    kit.record(Event("answer:a-1", "answer.posted", "ada"))

        ``host`` is a SQLAlchemy ``Connection`` or ORM ``Session`` on the Kit's own
        database, through the same driver (else :class:`ConfigError`). Each motivekit write
        runs in a savepoint: one it refuses (an invalid event, a missing consent) leaves
        the host's transaction as it was. Reads in the block see what it has written but
        not committed. Automatic checkpoints wait for the Kit's next write of its own.
        The memory store has no transaction to join (:class:`ConfigError`).
        """
        join = getattr(self.store, "join", None)
        if join is None:
            raise ConfigError(
                f"{self.store.url} keeps no database transaction to join; open the Kit on "
                f"the host's SQL database (the URL its engine uses)"
            )
        with join(host):
            yield

    def close(self) -> None:
        """Release the store's connections."""
        self.store.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
