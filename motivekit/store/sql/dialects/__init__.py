"""One module per database, holding all that is specific to it (see ``_base.py``).

:func:`dialect_for` is the one place a URL's backend name picks its module. A new backend
(PostgreSQL, MariaDB) is a module next to ``sqlite.py`` and one entry in ``_DIALECTS``;
its contract run is one more fixture in ``tests/test_store_contract.py``.
"""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from motivekit._errors import ConfigError
from motivekit.store.sql.dialects._base import (
    KEYS,
    TENANT,
    TENANT_OPTION,
    WRITE,
    CopyRows,
    Dialect,
    KeyType,
    Synchronous,
)

__all__ = [
    "KEYS",
    "TENANT",
    "TENANT_OPTION",
    "WRITE",
    "CopyRows",
    "Dialect",
    "KeyType",
    "Synchronous",
    "dialect_for",
]


def _sqlite() -> Dialect:
    from motivekit.store.sql.dialects import sqlite

    return sqlite


def _postgresql() -> Dialect:
    from motivekit.store.sql.dialects import postgresql

    return postgresql


def _mysql() -> Dialect:
    from motivekit.store.sql.dialects import mysql

    return mysql


# Loaded on first use: a backend's driver is imported only when a URL asks for it.
_DIALECTS: dict[str, Callable[[], Dialect]] = {
    "sqlite": _sqlite,
    "postgresql": _postgresql,
    "mysql": _mysql,
    "mariadb": _mysql,
}

# What the refusal of an unknown URL lists: one line per backend.
_SUPPORTED = (
    "SQLite ('sqlite:///path/to/file.db')",
    "PostgreSQL ('postgresql://user@host/database')",
    "MariaDB or MySQL ('mysql+pymysql://user:password@host/database')",
)


def dialect_for(url: str) -> tuple[sa.URL, Dialect]:
    """``url`` parsed, and the dialect module of its backend; ``ConfigError`` for a URL
    that is not one, or names a backend this release does not store data in."""
    try:
        parsed = make_url(url)
    except sa.exc.ArgumentError as exc:
        raise ConfigError(f"{url!r} is not a database URL: {exc}") from exc
    load = _DIALECTS.get(parsed.get_backend_name())
    if load is None:
        raise ConfigError(
            f"{url!r}: this release stores data in {', '.join(_SUPPORTED)} "
            f"or in memory ('memory://')"
        )
    return parsed, load()
