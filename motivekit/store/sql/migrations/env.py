"""Alembic environment for motivekit's own schema (run through motivekit.store.sql._migrate)."""

from __future__ import annotations

from alembic import context

from motivekit.store.sql._schema import VERSION_TABLE

connection = context.config.attributes["connection"]
context.configure(connection=connection, version_table=VERSION_TABLE, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
