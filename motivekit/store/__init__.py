"""Storage backends behind one narrow protocol in five slices (see ``_protocol.py``).

``MemoryStore`` (``_memory.py``) keeps everything in this process; ``SqlStore`` (the
``sql`` package) keeps it in a SQL database. :mod:`motivekit.testing` holds the contract
every store passes.
"""

from __future__ import annotations

from motivekit._errors import ConfigError
from motivekit._tenants import DEFAULT_TENANT, check_tenant
from motivekit.store._memory import MemoryStore
from motivekit.store._protocol import (
    ConsentSession,
    GoalsSession,
    ImpactSession,
    JournalSession,
    ReplayState,
    Session,
    SkillBand,
    SkillsSession,
    Store,
    StoredCheckpoint,
    StoredEntry,
    StoredSkill,
)
from motivekit.store.sql import SqlStore, Synchronous

__all__ = [
    "ConsentSession",
    "GoalsSession",
    "ImpactSession",
    "JournalSession",
    "MemoryStore",
    "ReplayState",
    "Session",
    "SkillBand",
    "SkillsSession",
    "SqlStore",
    "Store",
    "StoredCheckpoint",
    "StoredEntry",
    "StoredSkill",
    "open_store",
]


def open_store(
    url: str, *, tenant: str = DEFAULT_TENANT, synchronous: str = "FULL", migrate: bool = True
) -> Store:
    """The store of ``tenant`` for ``url``: ``memory://`` (a new in-memory database) or a
    SQLAlchemy URL such as ``sqlite:///x.db``."""
    check_tenant(tenant)
    if not isinstance(url, str) or not url:
        raise ConfigError(f"url must be a non-empty string such as 'sqlite:///app.db', got {url!r}")
    if synchronous not in ("OFF", "NORMAL", "FULL", "EXTRA"):
        raise ConfigError(
            f"synchronous must be 'OFF', 'NORMAL', 'FULL' or 'EXTRA', got {synchronous!r}"
        )
    if url == "memory://":
        return MemoryStore(tenant)
    mode: Synchronous = synchronous  # type: ignore[assignment]
    return SqlStore(url, tenant=tenant, synchronous=mode, migrate=migrate)
