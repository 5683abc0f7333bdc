"""Appending to the journal and its Merkle tree in the caller's transaction; reading nodes.

The tree's frontier lives in the log head row. Appends reserve sequence numbers with a
conditional update of that row (``advance_head``), which also takes the writers' lock. A
writer remembers the head it last wrote, so in the common case appending costs no extra
statement; if another process moved the head meanwhile, it reads the head and rebuilds.

Internal nodes are stored only at levels that are multiples of :data:`TILE_HEIGHT`
(levels 8, 16, …): about one row per 256 entries. Any other node is folded from at most
128 stored hashes one tile level down (level 0: the entries' own leaf hashes).
"""

from __future__ import annotations

import os
import random
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TypeVar

import attrs

from motivekit._entries import Draft, seal
from motivekit._errors import StoreError
from motivekit._model import SALT_BYTES
from motivekit.audit._merkle import Node, append_leaves, node_hash, root_from_frontier
from motivekit.store._protocol import Session, Store, StoredEntry, WriteConflict

__all__ = [
    "ATTEMPTS",
    "TILE_HEIGHT",
    "LogWriter",
    "head_root",
    "join_frontier",
    "read_nodes",
    "split_frontier",
]

TILE_HEIGHT = 8
ATTEMPTS = 5
"""How many times :meth:`LogWriter.run` tries a unit of work that keeps losing races."""

T = TypeVar("T")


def split_frontier(raw: bytes) -> list[bytes]:
    """The frontier hashes stored as one concatenated value."""
    return [raw[i : i + 32] for i in range(0, len(raw), 32)]


def join_frontier(frontier: Sequence[bytes]) -> bytes:
    """Inverse of :func:`split_frontier`."""
    return b"".join(frontier)


@attrs.frozen
class _Built:
    entries: list[StoredEntry]
    frontier: list[bytes]
    tiles: list[tuple[int, int, bytes]]


def _build(drafts: Sequence[Draft], size: int, frontier: Sequence[bytes]) -> _Built:
    salts = os.urandom(SALT_BYTES * len(drafts))  # one system call for the batch
    entries = [
        seal(d, size + 1 + i, salts[i * SALT_BYTES : (i + 1) * SALT_BYTES])
        for i, d in enumerate(drafts)
    ]
    new_frontier, completed = append_leaves(frontier, size, [e.leaf_hash for e in entries])
    tiles = [node for node in completed if node[0] % TILE_HEIGHT == 0]
    return _Built(entries, new_frontier, tiles)


class LogWriter:
    """Appends entries and grows the Merkle tree; one per Kit, shared by its threads."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._lock = threading.Lock()
        self._head: tuple[int, list[bytes]] | None = None
        """The head as a transaction of this writer left it *and committed*."""
        self._pending = threading.local()
        """Per thread: (session, head) of the transaction appending now, not committed."""
        self.after_commit: Callable[[], None] = lambda: None
        """Called after every committed :meth:`transaction` (automatic checkpoints)."""

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A write transaction of the store; :attr:`after_commit` runs once it commits
        (not in a host's transaction, which commits later: the next one of our own does)."""
        try:
            with self._store.writing() as session:
                yield session
        except BaseException:
            # Rolled back, or its commit failed (then it may have committed or not): the
            # head it built is no one's to build on.
            self._pending.__dict__.pop("head", None)
            with self._lock:
                self._head = None
            raise
        pending = self._pending.__dict__.pop("head", None)
        if getattr(self._store, "joined", False):
            return  # the host's transaction may still roll back: nothing is remembered
        if pending is not None and pending[0] is session:
            with self._lock:
                self._head = pending[1]
        self.after_commit()

    def run(self, work: Callable[[Session], T]) -> T:
        """``work`` in a write transaction, run again when the transaction lost a race with
        another writer (``WriteConflict``: rolled back whole, so running it again is safe;
        recording is idempotent by event id). At most :data:`ATTEMPTS` times, with a short
        random pause between; then the conflict goes to the caller."""
        for attempt in range(1, ATTEMPTS + 1):
            try:
                with self.transaction() as session:
                    return work(session)
            except WriteConflict:
                if attempt == ATTEMPTS or getattr(self._store, "joined", False):
                    raise  # in a host's transaction, the host decides whether to retry
                time.sleep(random.uniform(0, 0.01 * 2**attempt))
        raise AssertionError("unreachable")  # pragma: no cover

    def append(self, session: Session, drafts: Sequence[Draft]) -> list[StoredEntry]:
        """Append ``drafts`` in order in ``session``'s transaction; return them as stored."""
        if not drafts:
            return []
        pending = getattr(self._pending, "head", None)
        if pending is not None and pending[0] is session:
            remembered: tuple[int, list[bytes]] | None = pending[1]  # this transaction's
        else:
            with self._lock:
                remembered = self._head
        built = None
        if remembered is not None:
            size, frontier = remembered
            built = _build(drafts, size, frontier)
            if not session.advance_head(size, size + len(drafts), join_frontier(built.frontier)):
                built = None
        if built is None:
            size, raw = session.head()
            built = _build(drafts, size, split_frontier(raw))
            if not session.advance_head(size, size + len(drafts), join_frontier(built.frontier)):
                raise StoreError("the log head moved while this writer held the lock")
        session.append(built.entries)
        session.add_tiles(built.tiles)
        # Remembered for the writer's next append only once this transaction commits
        # (:meth:`transaction`). The head check compares sizes: a head remembered from a
        # transaction that rolled back could match the size another writer reached since,
        # with another frontier, and the tree would be built on the wrong one.
        self._pending.head = (session, (size + len(drafts), built.frontier))
        return built.entries

    @property
    def size(self) -> int | None:
        """The log size after this writer's last append (None before its first)."""
        with self._lock:
            return None if self._head is None else self._head[0]


def head_root(session: Session) -> tuple[int, bytes]:
    """The log's size and root hash."""
    size, raw = session.head()
    return size, root_from_frontier(split_frontier(raw))


def read_nodes(session: Session, wanted: Sequence[Node]) -> dict[Node, bytes]:
    """Hashes of complete subtrees, folded from the stored tile levels."""
    found: dict[Node, bytes] = {}
    for level, index in wanted:
        base = level - level % TILE_HEIGHT
        span = 1 << (level - base)
        hashes = session.node_hashes(base, index * span, (index + 1) * span)
        if len(hashes) != span:
            raise StoreError(
                f"the Merkle tree is missing nodes under ({level}, {index}); "
                f"run `motivekit audit verify`"
            )
        while len(hashes) > 1:
            hashes = [node_hash(hashes[i], hashes[i + 1]) for i in range(0, len(hashes), 2)]
        found[level, index] = hashes[0]
    return found
