"""The SQLAlchemy 2 store: the engine, its transactions and the schema.

What is the same on every database lives here: each thread writes on its own connection
(marked :data:`~motivekit.store.sql.dialects.WRITE`, so its dialect begins the transaction
as a write), every database error leaves as ``StoreError``, and the schema is checked, and
upgraded if allowed, when the store opens. What differs (connection setup, how a write
begins, upserts, key lookups, scrubbing) comes from the dialect module the URL names
(``dialects/``).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import cast

import sqlalchemy as sa
import sqlalchemy.orm
from sqlalchemy.pool import StaticPool

from motivekit._errors import ConfigError, SchemaOutOfDate, StoreError, StoreUnavailable
from motivekit._tenants import DEFAULT_TENANT, check_tenant
from motivekit.store._protocol import WriteConflict
from motivekit.store.sql import _migrate
from motivekit.store.sql._execute import Unreachable
from motivekit.store.sql._session import SqlSession
from motivekit.store.sql._statements import statements
from motivekit.store.sql.dialects import TENANT_OPTION, WRITE, Synchronous, dialect_for

__all__ = ["SqlStore", "Synchronous"]


class SqlStore:
    """Stores one tenant's data in a SQL database through SQLAlchemy 2.

    ``tenant`` (default ``""``, the default tenant) names whose rows every statement reads
    and writes; the schema is shared by every tenant of the database. Opening a tenant for
    the first time creates its log head row.
    """

    def __init__(
        self,
        url: str,
        *,
        tenant: str = DEFAULT_TENANT,
        synchronous: Synchronous = "FULL",
        migrate: bool = True,
    ) -> None:
        self.tenant = check_tenant(tenant)
        """The tenant this store reads and writes."""
        parsed, self._dialect = dialect_for(url)
        if synchronous not in ("OFF", "NORMAL", "FULL", "EXTRA"):
            raise ConfigError(
                f"synchronous must be 'OFF', 'NORMAL', 'FULL' or 'EXTRA', got {synchronous!r}"
            )
        self.url = parsed.render_as_string(hide_password=True)
        self.engine = self._dialect.create_engine(parsed, synchronous, create=migrate)
        self._statements = statements(self._dialect)
        self._writers = threading.local()
        self._held: list[sa.Connection] = []
        self._held_lock = threading.Lock()
        self._joined: ContextVar[sa.Connection | None] = ContextVar(
            f"motivekit_joined_{id(self)}", default=None
        )
        try:
            self._check_schema(migrate)
            self._create_head()
        except BaseException:
            self.engine.dispose()  # a store that failed to open holds no connection
            raise

    def _check_schema(self, migrate: bool) -> None:
        head = _migrate.head_revision()
        with self._wrapped(), self._connect() as conn:
            current = _migrate.current_revision(conn)
        self.revision_at_open = current
        """The schema revision found when the store was opened (None: no schema yet)."""
        if current == head:
            return
        if current is not None and current not in _migrate.known_revisions():
            raise SchemaOutOfDate(
                f"{self.url}: the database schema is at revision {current!r}, which this "
                f"version of motivekit does not know; upgrade motivekit"
            )
        if not migrate:
            found = "has no motivekit schema" if current is None else f"is at revision {current!r}"
            raise SchemaOutOfDate(
                f"{self.url}: the database {found}, motivekit needs revision {head!r}; "
                f"run `motivekit db upgrade --url {self.url}`"
            )
        self.upgrade()

    def _create_head(self) -> None:
        """Create this tenant's log head row if it has none yet: an insert-or-ignore, so
        processes opening a new tenant at once create one row between them."""
        with self._wrapped(), self._connect() as conn, conn.begin():
            if SqlSession(conn, self._statements, self.tenant).has_head():
                return
        with self.writing() as session:
            session.create_head()

    def upgrade(self) -> str:
        """Bring the schema, shared by every tenant of the database, to the newest
        revision; return that revision."""
        with self._wrapped(), self._connect() as conn:
            conn.execution_options(**{WRITE: True})
            with conn.begin():
                _migrate.upgrade(conn)
                revision = _migrate.current_revision(conn)
        return cast(str, revision)

    @contextmanager
    def _wrapped(self) -> Iterator[None]:
        """Database errors leave as motivekit's: ``StoreUnavailable`` when the connection
        is gone, ``WriteConflict`` when the unit of work lost a race, else ``StoreError``."""
        try:
            yield
        except Unreachable as exc:
            raise self._unavailable(exc.detail) from exc.__cause__
        except sa.exc.SQLAlchemyError as exc:
            detail = getattr(exc, "orig", None) or exc
            if isinstance(exc, sa.exc.DBAPIError) and exc.connection_invalidated:
                raise self._unavailable(detail) from exc
            if self._dialect.retryable(detail):
                raise WriteConflict(f"{self.url}: {type(detail).__name__}: {detail}") from exc
            raise StoreError(f"{self.url}: {type(detail).__name__}: {detail}") from exc

    def _unavailable(self, detail: BaseException) -> StoreUnavailable:
        return StoreUnavailable(
            f"{self.url}: the database cannot be reached ({type(detail).__name__}: "
            f"{detail}); nothing was written, try again when it is back"
        )

    def _connect(self) -> sa.Connection:
        try:
            return self.engine.connect()
        except sa.exc.OperationalError as exc:  # refused, timed out, or the server went away
            raise self._unavailable(exc.orig or exc) from exc

    def _write_connection(self) -> sa.Connection:
        # Each thread keeps its own write connection: a pool checkout, reset and return
        # per transaction cost as much as the statements of a small write.
        conn: sa.Connection | None = getattr(self._writers, "conn", None)
        if conn is None or conn.closed or conn.invalidated:
            conn = self._connect()
            conn.execution_options(**{WRITE: True, TENANT_OPTION: self.tenant})
            self._writers.conn = conn
            with self._held_lock:
                self._held.append(conn)
        return conn

    def _begin(self) -> tuple[sa.Connection, sa.RootTransaction]:
        """A write transaction on this thread's connection. A held connection the server
        dropped meanwhile (a restart, an idle timeout) fails as the transaction begins,
        before anything is written: it is replaced once, so an outage that is over costs
        the host nothing."""
        conn = self._write_connection()
        try:
            return conn, conn.begin()
        except sa.exc.DBAPIError as exc:
            if not exc.connection_invalidated:
                raise
            if not conn.invalidated:
                conn.invalidate(exc)  # raised by a dialect's begin hook: drop it here
        conn = self._write_connection()
        return conn, conn.begin()

    @contextmanager
    def writing(self) -> Iterator[SqlSession]:
        joined = self._joined.get()
        if joined is not None:
            with self._wrapped(), joined.begin_nested():
                self._dialect.join(joined, self.tenant)
                yield SqlSession(joined, self._statements, self.tenant)
            return
        with self._wrapped():
            conn, transaction = self._begin()
            try:
                with transaction:
                    yield SqlSession(conn, self._statements, self.tenant)
            except (sa.exc.IntegrityError, WriteConflict):
                raise  # a refused row or a lost race: rolled back, the connection is fine
            except (sa.exc.DBAPIError, StoreError):
                # After a database error, start afresh next time; an in-memory database
                # lives in its one connection, so it is kept.
                if not isinstance(self.engine.pool, StaticPool):
                    conn.invalidate()
                raise

    @contextmanager
    def reading(self) -> Iterator[SqlSession]:
        joined = self._joined.get()
        if joined is not None:  # the host's transaction sees what it has not committed yet
            with self._wrapped():
                yield SqlSession(joined, self._statements, self.tenant)
            return
        with self._wrapped(), self._connect() as conn, conn.begin():
            yield SqlSession(conn, self._statements, self.tenant)

    @property
    def joined(self) -> bool:
        """Whether this thread's units of work run in a host's transaction now."""
        return self._joined.get() is not None

    @contextmanager
    def join(self, host: sa.Connection | sa.orm.Session) -> Iterator[None]:
        """Run this thread's (or task's) units of work inside ``host``'s transaction until
        the block ends: they commit or roll back with it. Each write runs in a savepoint,
        so a write motivekit refuses leaves the host's transaction usable."""
        conn = host.connection() if isinstance(host, sa.orm.Session) else host
        if not isinstance(conn, sa.Connection):
            raise ConfigError(f"join a SQLAlchemy Connection or Session, got {type(host).__name__}")
        ours, theirs = self.engine.url, conn.engine.url
        if (
            ours.get_backend_name(),
            ours.get_driver_name(),
            ours.host,
            ours.port,
            ours.database,
        ) != (
            theirs.get_backend_name(),
            theirs.get_driver_name(),
            theirs.host,
            theirs.port,
            theirs.database,
        ):
            raise ConfigError(
                f"the host's connection is to {theirs.render_as_string(hide_password=True)}, "
                f"this Kit stores in {self.url}: open the Kit on the host's database, with "
                f"the same driver, to share its transactions"
            )
        if self._joined.get() is not None:
            raise ConfigError("this thread already runs in a host's transaction")
        token = self._joined.set(conn)
        try:
            yield
        finally:
            self._joined.reset(token)

    def scrub(self) -> None:
        """Make sure erased data leaves no copy in the database's files (on SQLite: copy
        the WAL into the database and truncate it)."""
        with self._wrapped(), self._connect() as conn:
            self._dialect.scrub(conn)

    def close(self) -> None:
        """Close every connection, the threads' write connections included."""
        with self._held_lock:
            held, self._held = self._held, []
        for conn in held:
            conn.close()
        self.engine.dispose()
