"""Alembic environment for motivekit's own schema (run through motivekit.store.sql._migrate)."""

from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext

from alembic import context

from motivekit.store.sql._schema import VERSION_TABLE

connection = context.config.attributes["connection"]
context.configure(connection=connection, version_table=VERSION_TABLE, render_as_batch=True)
lock: AbstractContextManager[None] = nullcontext()
if connection.dialect.name in ("mysql", "mariadb"):  # DDL commits there: a named lock
    from motivekit.store.sql.dialects.mysql import migration_lock

    lock = migration_lock(connection)
with lock, context.begin_transaction():
    context.run_migrations()
