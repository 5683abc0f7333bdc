"""Storage backends behind one narrow protocol (see ``_protocol.py``)."""

from __future__ import annotations

from motivekit._errors import ConfigError
from motivekit.store._memory import MemoryStore
from motivekit.store._protocol import (
    ReplayState,
    Session,
    SkillBand,
    Store,
    StoredCheckpoint,
    StoredEntry,
    StoredSkill,
)
from motivekit.store._sql import SqlStore, Synchronous

__all__ = [
    "MemoryStore",
    "ReplayState",
    "Session",
    "SkillBand",
    "SqlStore",
    "Store",
    "StoredCheckpoint",
    "StoredEntry",
    "StoredSkill",
    "open_store",
]


def open_store(url: str, *, synchronous: str = "FULL", migrate: bool = True) -> Store:
    """The store for ``url``: ``memory://`` or a SQLAlchemy URL such as ``sqlite:///x.db``."""
    if not isinstance(url, str) or not url:
        raise ConfigError(f"url must be a non-empty string such as 'sqlite:///app.db', got {url!r}")
    if synchronous not in ("OFF", "NORMAL", "FULL", "EXTRA"):
        raise ConfigError(
            f"synchronous must be 'OFF', 'NORMAL', 'FULL' or 'EXTRA', got {synchronous!r}"
        )
    if url == "memory://":
        return MemoryStore()
    mode: Synchronous = synchronous  # type: ignore[assignment]
    return SqlStore(url, synchronous=mode, migrate=migrate)
