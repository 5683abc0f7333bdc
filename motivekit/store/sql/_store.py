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
from typing import cast

import sqlalchemy as sa
from sqlalchemy.pool import StaticPool

from motivekit._errors import ConfigError, SchemaOutOfDate, StoreError
from motivekit.store.sql import _migrate
from motivekit.store.sql._session import SqlSession
from motivekit.store.sql._statements import statements
from motivekit.store.sql.dialects import WRITE, Synchronous, dialect_for

__all__ = ["SqlStore", "Synchronous"]


class SqlStore:
    """Stores everything in a SQL database through SQLAlchemy 2."""

    def __init__(
        self, url: str, *, synchronous: Synchronous = "FULL", migrate: bool = True
    ) -> None:
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
        try:
            self._check_schema(migrate)
        except BaseException:
            self.engine.dispose()  # a store that failed to open holds no connection
            raise

    def _check_schema(self, migrate: bool) -> None:
        head = _migrate.head_revision()
        with self._wrapped(), self.engine.connect() as conn:
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

    def upgrade(self) -> str:
        """Bring the schema to the newest revision; return that revision."""
        with self._wrapped(), self.engine.connect() as conn:
            conn.execution_options(**{WRITE: True})
            with conn.begin():
                _migrate.upgrade(conn)
                revision = _migrate.current_revision(conn)
        return cast(str, revision)

    @contextmanager
    def _wrapped(self) -> Iterator[None]:
        try:
            yield
        except sa.exc.SQLAlchemyError as exc:
            detail = getattr(exc, "orig", None) or exc
            raise StoreError(f"{self.url}: {type(detail).__name__}: {detail}") from exc

    def _write_connection(self) -> sa.Connection:
        # Each thread keeps its own write connection: a pool checkout, reset and return
        # per transaction cost as much as the statements of a small write.
        conn: sa.Connection | None = getattr(self._writers, "conn", None)
        if conn is None or conn.closed or conn.invalidated:
            conn = self.engine.connect()
            conn.execution_options(**{WRITE: True})
            self._writers.conn = conn
            with self._held_lock:
                self._held.append(conn)
        return conn

    @contextmanager
    def writing(self) -> Iterator[SqlSession]:
        with self._wrapped():
            conn = self._write_connection()
            try:
                with conn.begin():
                    yield SqlSession(conn, self._statements)
            except sa.exc.IntegrityError:
                raise  # a refused row: the transaction rolled back, the connection is fine
            except (sa.exc.DBAPIError, StoreError):
                # After a database error, start afresh next time; an in-memory database
                # lives in its one connection, so it is kept.
                if not isinstance(self.engine.pool, StaticPool):
                    conn.invalidate()
                raise

    @contextmanager
    def reading(self) -> Iterator[SqlSession]:
        with self._wrapped(), self.engine.connect() as conn, conn.begin():
            yield SqlSession(conn, self._statements)

    def scrub(self) -> None:
        """Make sure erased data leaves no copy in the database's files (on SQLite: copy
        the WAL into the database and truncate it)."""
        with self._wrapped(), self.engine.connect() as conn:
            self._dialect.scrub(conn)

    def close(self) -> None:
        """Close every connection, the threads' write connections included."""
        with self._held_lock:
            held, self._held = self._held, []
        for conn in held:
            conn.close()
        self.engine.dispose()
