"""The SQLAlchemy 2 store: SQLite (the embedded default) and MariaDB/MySQL; PostgreSQL later.

Layout: ``_store.py`` (:class:`SqlStore`: engine, transactions, errors, schema),
``_session.py`` (the session, one mixin per protocol slice), ``_statements.py`` (every
statement, built once per dialect), ``_rows.py`` (records to rows and back),
``_schema.py`` / ``_migrate.py`` / ``migrations/`` (the tables and their Alembic history),
and ``dialects/`` (one module per database, holding all that is specific to it).
"""

from __future__ import annotations

from motivekit.store.sql._store import SqlStore, Synchronous

__all__ = ["SqlStore", "Synchronous"]
