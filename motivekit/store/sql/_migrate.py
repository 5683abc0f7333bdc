"""Create and upgrade motivekit's schema with the Alembic migrations shipped in the package."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from motivekit.store.sql._schema import VERSION_TABLE

__all__ = ["current_revision", "head_revision", "upgrade"]

_LOCATION = str(Path(__file__).with_name("migrations"))


def _config(connection: sa.Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", _LOCATION)
    config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    """The newest schema revision this version of motivekit ships."""
    head = ScriptDirectory.from_config(_config()).get_current_head()
    assert head is not None
    return head


def current_revision(connection: sa.Connection) -> str | None:
    """The database's schema revision (None when motivekit's tables do not exist yet)."""
    context = MigrationContext.configure(connection, opts={"version_table": VERSION_TABLE})
    return context.get_current_revision()


def known_revisions() -> set[str]:
    """Every revision this version of motivekit ships."""
    return {s.revision for s in ScriptDirectory.from_config(_config()).walk_revisions()}


def upgrade(connection: sa.Connection, revision: str = "head") -> None:
    """Upgrade the schema inside the caller's transaction."""
    command.upgrade(_config(connection), revision)
