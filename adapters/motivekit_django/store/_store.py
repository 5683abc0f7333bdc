"""``DjangoStore``: motivekit's store protocol on the Django ORM, in the host's database.

Every unit of work is a ``transaction.atomic`` block on one database alias: the one given
(``using``), or the one the project's routers pick (``router.db_for_write`` for writes,
``db_for_read`` for reads), asked on every unit of work. A write locks the tenant's log
head row first (``select_for_update``; on SQLite a no-op ``UPDATE``, which takes the
database's write lock), so writers of one tenant take turns in every process, and every
read after the lock sees what the writers before left: sequence numbers stay gapless and
no count is lost.

Inside the host's own ``atomic()`` block a write is a savepoint in the host's transaction
(:attr:`DjangoStore.joined` is True then): it commits or rolls back with the host's own
writes, and the log writer leaves its after-commit work (automatic checkpoints) to the next
write of its own. The tenant's head row then stays locked until the host's transaction
ends, so other writers of the tenant wait for it: keep such blocks short (with
``ATOMIC_REQUESTS`` that is the rest of the request). A lost race there (``WriteConflict``)
is not retried: the host's transaction decides. The tables are the app's models, created
by ``manage.py migrate``; the store never creates or changes a table.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connections, router, transaction
from django.db.backends.base.base import BaseDatabaseWrapper

from motivekit._errors import ConfigError, StoreError
from motivekit._tenants import DEFAULT_TENANT, check_tenant
from motivekit_django import models as m
from motivekit_django.store._errors import translated
from motivekit_django.store._session import DjangoSession

__all__ = ["SUPPORTED_VENDORS", "DjangoStore"]

SUPPORTED_VENDORS = ("sqlite", "postgresql", "mysql")
"""The database vendors the store works on (Django's ``connection.vendor``; ``mysql`` is
MariaDB and MySQL)."""

_SNAPSHOT = {
    # The statement that makes a read one consistent snapshot, run first in its transaction
    # (SQLite's transactions are snapshots already).
    "postgresql": "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY",
    "mysql": "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ",
}

SCRUBBED = (
    m.Entry,
    m.Goal,
    m.GoalDay,
    m.Consent,
    m.Skill,
    m.SkillBand,
    m.Contribution,
    m.Referral,
    m.IdentityGroup,
    m.FeedEntry,
    m.ImpactItem,
    m.ImpactPrefs,
    m.MissionPart,
)
"""The tables erasure deletes from or overwrites: ``scrub`` rewrites them."""


def checked_connection(alias: str) -> BaseDatabaseWrapper:
    """The connection of ``alias``; ``ConfigError`` for an unknown alias or a database
    the store does not support."""
    if alias not in connections:
        known = ", ".join(sorted(connections)) or "none"
        raise ConfigError(
            f"no database {alias!r} in settings.DATABASES (known: {known}): name one of "
            f"them, or leave the alias out to let the routers choose"
        )
    connection = connections[alias]
    if connection.vendor not in SUPPORTED_VENDORS:
        raise ConfigError(
            f"database {alias!r} is {connection.vendor!r}, which motivekit's Django store "
            f"does not support: use SQLite, PostgreSQL or MariaDB/MySQL for motivekit's tables "
            f"(a database router can put them there)"
        )
    return connection


class DjangoStore:
    """Stores one tenant's data in the host's Django database, through the ORM.

    ``using``: the database alias (None: ask the routers on every unit of work).
    ``tenant``: whose rows every unit of work reads and writes (``""``: the default
    tenant).
    """

    def __init__(self, using: str | None = None, tenant: str = DEFAULT_TENANT) -> None:
        self.tenant = check_tenant(tenant)
        """The tenant this store reads and writes."""
        if using is not None and not isinstance(using, str):
            raise ConfigError(f"using must be a database alias (a string) or None, got {using!r}")
        self.using = using
        """The database alias given (None: the routers decide)."""
        alias = self._alias(write=True)
        checked_connection(alias)
        self.url = f"django://{alias}"
        """Where the store writes: ``django://<alias>``."""

    def _alias(self, *, write: bool) -> str:
        if self.using is not None:
            return self.using
        pick = router.db_for_write if write else router.db_for_read
        return pick(m.LogHead) or "default"

    @property
    def joined(self) -> bool:
        """Whether this thread's writes run inside the host's open ``atomic()`` block now
        (they commit or roll back with it)."""
        return bool(connections[self._alias(write=True)].in_atomic_block)

    @contextmanager
    def writing(self) -> Iterator[DjangoSession]:
        alias = self._alias(write=True)
        connection = checked_connection(alias)
        with translated(f"django://{alias}"):
            _forget_broken(connection)
            with transaction.atomic(using=alias):
                session = DjangoSession(alias, self.tenant, connection.vendor)
                session.lock_head()
                yield session

    @contextmanager
    def reading(self) -> Iterator[DjangoSession]:
        alias = self._alias(write=True)
        if not connections[alias].in_atomic_block:
            # Inside the host's atomic() block reads stay on the database it writes to,
            # so they see what it wrote; otherwise the routers may send them elsewhere.
            alias = self._alias(write=False)
        connection = checked_connection(alias)
        session = DjangoSession(alias, self.tenant, connection.vendor)
        with translated(f"django://{alias}"):
            if connection.in_atomic_block:  # the host's transaction sees what it wrote
                yield session
                return
            _forget_broken(connection)
            with transaction.atomic(using=alias, savepoint=False):
                snapshot = _SNAPSHOT.get(connection.vendor)
                if snapshot is not None:
                    with connection.cursor() as cursor:
                        cursor.execute(snapshot)
                yield session

    def scrub(self) -> None:
        """Make sure erased data leaves no copy in the database's files: on SQLite, copy
        the WAL into the database and truncate it; on PostgreSQL ``VACUUM (FULL)`` and
        on MariaDB/MySQL ``OPTIMIZE TABLE`` of the tables erasure changes. These run
        outside a transaction: called inside the host's ``atomic()`` block (a ``forget``
        in the host's transaction), it runs once the host's transaction commits (and not
        at all if it rolls back: then nothing was erased)."""
        alias = self._alias(write=True)
        connection = checked_connection(alias)
        if connection.in_atomic_block:
            transaction.on_commit(self.scrub, using=alias)
            return
        tables = ", ".join(connection.ops.quote_name(t._meta.db_table) for t in SCRUBBED)
        with translated(f"django://{alias}"), connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            elif connection.vendor == "postgresql":
                cursor.execute(f"VACUUM (FULL) {tables}")
            else:
                cursor.execute(f"OPTIMIZE TABLE {tables}")
                failed = [f"{r[0]}: {r[3]}" for r in cursor.fetchall() if str(r[2]) == "error"]
                if failed:
                    raise StoreError("OPTIMIZE TABLE failed: " + "; ".join(failed))

    def close(self) -> None:
        """Close this thread's connection to the store's database (Django opens a new one
        on the next use)."""
        connection = connections[self._alias(write=True)]
        if not connection.in_atomic_block:
            connection.close()


def _forget_broken(connection: BaseDatabaseWrapper) -> None:
    """Drop a connection that failed and cannot be used any more (the server restarted
    meanwhile), so this unit of work opens a new one instead of failing on it; what Django
    does between requests, done here for work outside requests too. Not inside an atomic
    block: a lost connection lost that transaction, and its owner must see it."""
    if (
        connection.connection is not None
        and not connection.in_atomic_block
        and connection.errors_occurred
        and not connection.is_usable()
    ):
        connection.close()
