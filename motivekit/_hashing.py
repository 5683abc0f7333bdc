"""The two RFC 9162 hash functions, apart so the journal can hash without the audit package."""

from __future__ import annotations

import hashlib

__all__ = ["leaf_hash", "node_hash"]


def leaf_hash(data: bytes) -> bytes:
    """``SHA-256(0x00 ‖ data)``."""
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """``SHA-256(0x01 ‖ left ‖ right)``."""
    return hashlib.sha256(b"\x01" + left + right).digest()
