"""Throwaway databases on the PostgreSQL and MariaDB servers the tests run against.

``scripts/test-databases.sh`` (run by ``make test``) makes sure both servers are up and
exports their admin URLs as ``MOTIVEKIT_TEST_POSTGRES`` and ``MOTIVEKIT_TEST_MARIADB``.
Each test that needs a server database gets a new, empty one, dropped afterwards. A server
that cannot be reached fails the test with the reason and the fix: these tests are never
skipped, since a skipped store test would pass a broken store.
"""

from __future__ import annotations

import itertools
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import pytest
import sqlalchemy as sa

from motivekit.store import SqlStore

__all__ = ["SERVERS", "Server"]

_RUN = uuid.uuid4().hex[:8]  # several test runs may share one server


@dataclass
class Server:
    """One database server and the databases this run made on it."""

    kind: str
    env: str
    default: str
    _engine: sa.Engine | None = field(default=None, repr=False)
    _count: itertools.count[int] = field(default_factory=itertools.count, repr=False)
    _template_name: str | None = field(default=None, repr=False)

    @property
    def admin_url(self) -> sa.URL:
        return sa.make_url(os.environ.get(self.env) or self.default)

    def _admin(self) -> sa.Engine:
        if self._engine is None:
            engine = sa.create_engine(
                self.admin_url, isolation_level="AUTOCOMMIT", pool_pre_ping=True
            )
            problem = None
            try:
                with engine.connect() as conn:
                    conn.execute(sa.text("SELECT 1"))
            except sa.exc.SQLAlchemyError as exc:
                engine.dispose()
                detail = getattr(exc, "orig", None) or exc
                problem = f"{type(detail).__name__}: {detail}"
            if problem is not None:  # outside the handler: the reason, not a chain
                url = self.admin_url.render_as_string(hide_password=True)
                pytest.fail(
                    f"{self.kind} is not reachable at {url} ({problem}). Start it with "
                    f'`eval "$(scripts/test-databases.sh)"` or point {self.env} at a '
                    f"server; the server-store tests do not skip.",
                    pytrace=False,
                )
            self._engine = engine
        return self._engine

    @contextmanager
    def database(self, *, migrated: bool = False) -> Iterator[str]:
        """A new empty database; its URL (with the password) while the block runs.

        ``migrated``: one that already holds motivekit's newest schema, as a first
        ``Kit.open`` would leave it. On PostgreSQL it is a copy of a template migrated once
        per run (a file copy: 0.04 s here, where running the migrations takes 0.6 s);
        elsewhere the migrations run when the test opens it."""
        name = f"mk_{_RUN}_{os.getpid()}_{next(self._count)}"
        admin = self._admin()
        template = ""
        if migrated and self.kind == "PostgreSQL":
            template = f" TEMPLATE {self._template()} STRATEGY FILE_COPY"
        with admin.connect() as conn:
            conn.execute(sa.text(f"CREATE DATABASE {name}{template}"))
        try:
            yield self.admin_url.set(database=name).render_as_string(hide_password=False)
        finally:
            force = " WITH (FORCE)" if self.kind == "PostgreSQL" else ""
            with admin.connect() as conn:
                conn.execute(sa.text(f"DROP DATABASE IF EXISTS {name}{force}"))

    def _template(self) -> str:
        if self._template_name is None:
            name = f"mk_{_RUN}_{os.getpid()}_template"
            with self._admin().connect() as conn:
                conn.execute(sa.text(f"CREATE DATABASE {name}"))
            url = self.admin_url.set(database=name).render_as_string(hide_password=False)
            SqlStore(url).close()  # migrates; no connection may stay open on a template
            self._template_name = name
        return self._template_name

    def close(self) -> None:
        if self._engine is not None:
            if self._template_name is not None:
                with self._engine.connect() as conn:
                    conn.execute(sa.text(f"DROP DATABASE IF EXISTS {self._template_name}"))
                self._template_name = None
            self._engine.dispose()


SERVERS = {
    "postgresql": Server(
        "PostgreSQL",
        "MOTIVEKIT_TEST_POSTGRES",
        "postgresql+psycopg://postgres@127.0.0.1:5432/postgres",
    ),
    "mariadb": Server(
        "MariaDB", "MOTIVEKIT_TEST_MARIADB", "mysql+pymysql://root@127.0.0.1:3306/mysql"
    ),
}
