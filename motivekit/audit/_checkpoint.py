"""Checkpoints in the C2SP tlog-checkpoint format, and signing them safely.

A checkpoint body (https://c2sp.org/tlog-checkpoint) is::

    <origin>
    <tree size, decimal>
    <base64 root hash>
    [extension lines]

motivekit adds one extension line, ``time <UTC instant>``, so verifiers can check that each
signing key was valid when it signed. The body is signed as a signed note (``_note.py``).
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import re
import tempfile
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import attrs

try:  # POSIX: processes sharing a signer state file take turns
    import fcntl
except ImportError:  # pragma: no cover - Windows: only threads of one process take turns
    fcntl = None  # type: ignore[assignment]

from motivekit._errors import InconsistentCheckpoints, InvalidKey, InvalidProof
from motivekit._time import format_instant, parse_instant
from motivekit.audit._merkle import verify_consistency
from motivekit.audit._note import NoteSignature, Signer, key_id

__all__ = ["Checkpoint", "GuardedSigner", "StaleCheckpoint"]

_SIZE = re.compile(r"0|[1-9][0-9]{0,18}")


@attrs.frozen
class Checkpoint:
    """A signed statement of a log's size and root hash."""

    origin: str
    size: int
    root: bytes = attrs.field(repr=lambda r: base64.b64encode(r).decode())
    time: datetime | None = None

    def body(self) -> str:
        """The checkpoint text that signatures cover."""
        lines = [self.origin, str(self.size), base64.b64encode(self.root).decode()]
        if self.time is not None:
            lines.append(f"time {format_instant(self.time)}")
        return "\n".join(lines) + "\n"

    @classmethod
    def parse(cls, text: str) -> Checkpoint:
        """Parse a checkpoint body; :class:`InvalidProof` if it is malformed."""
        lines = text.split("\n")
        if len(lines) < 4 or lines[-1] != "" or not lines[0]:
            raise InvalidProof("malformed checkpoint: expected origin, size and root lines")
        origin, size_text, root_text, *extensions = lines[:-1]
        if not _SIZE.fullmatch(size_text):
            raise InvalidProof(f"malformed checkpoint: size {size_text!r} is not a number")
        try:
            root = base64.b64decode(root_text, validate=True)
        except (binascii.Error, ValueError):
            raise InvalidProof("malformed checkpoint: the root is not base64") from None
        if len(root) != 32:
            raise InvalidProof("malformed checkpoint: the root is not a SHA-256 hash")
        time = None
        for line in extensions:
            if line.startswith("time "):
                try:
                    time = parse_instant(line[5:])
                except ValueError:
                    raise InvalidProof(f"malformed checkpoint time {line[5:]!r}") from None
        return cls(origin, int(size_text), root, time)


class StaleCheckpoint(InconsistentCheckpoints):
    """The checkpoint is older than one this signer already signed (another writer was
    faster); sign a fresh checkpoint of the current head instead."""


class GuardedSigner:
    """Signs checkpoints with one key, refusing any that contradicts what it signed before.

    It remembers the last checkpoint it signed in ``state_path`` (a small JSON file next to
    the key, never in the database) and signs a new one only with a consistency proof from
    that one: a signer cannot be made to sign a forked or rolled-back history. Threads and
    processes sharing the state file take turns (a lock on the file). Without a state path
    it remembers for the life of the object only.
    """

    def __init__(self, signer: Signer, state_path: str | os.PathLike[str] | None = None) -> None:
        if not isinstance(signer, Signer):
            raise InvalidKey(f"{signer!r} does not implement the Signer protocol")
        self.signer = signer
        self.key_id = key_id(signer.name, signer.public_key)
        self._state = None if state_path is None else Path(state_path)
        if self._state is not None and not self._state.parent.is_dir():
            raise InvalidKey(f"signer state directory {str(self._state.parent)!r} does not exist")
        self._lock = threading.Lock()
        self._last: tuple[int, bytes] | None = None
        with self._turn():
            pass

    @property
    def last_signed(self) -> tuple[int, bytes] | None:
        """(size, root) of the last checkpoint this signer signed."""
        return self._last

    @contextmanager
    def _turn(self) -> Iterator[None]:
        """Hold the signer: this object's lock and, with a state file, a lock on it."""
        with self._lock:
            if self._state is None or fcntl is None:
                if self._state is not None:
                    self._last = self._load()
                yield
                return
            lock_path = self._state.with_name(self._state.name + ".lock")
            with open(lock_path, "a") as lock:
                fcntl.flock(lock, fcntl.LOCK_EX)
                try:
                    self._last = self._load()
                    yield
                finally:
                    fcntl.flock(lock, fcntl.LOCK_UN)

    def _load(self) -> tuple[int, bytes] | None:
        assert self._state is not None
        if not self._state.exists():
            return self._last
        try:
            data = json.loads(self._state.read_text("utf-8"))
            return int(data["size"]), bytes.fromhex(data["root"])
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise InvalidKey(
                f"signer state file {str(self._state)!r} is unreadable: {exc}"
            ) from None

    def _save(self, size: int, root: bytes) -> None:
        if self._state is None:
            return
        data = json.dumps({"size": size, "root": root.hex(), "key_id": self.key_id.hex()})
        fd, tmp = tempfile.mkstemp(dir=self._state.parent, prefix=".signer-state-")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, self._state)

    def sign(
        self, checkpoint: Checkpoint, prove: Callable[[int], Sequence[bytes]]
    ) -> NoteSignature:
        """Sign ``checkpoint`` if it extends the last one signed.

        ``prove(old_size)`` returns the consistency proof from ``old_size`` to the
        checkpoint's size. Raises :class:`StaleCheckpoint` if the checkpoint is older than
        the last one signed, and :class:`InconsistentCheckpoints` if it contradicts it.
        """
        with self._turn():
            if self._last is not None:
                size, root = self._last
                if checkpoint.size < size:
                    raise StaleCheckpoint(
                        f"signer {self.signer.name} ({self.key_id.hex()}) already signed size "
                        f"{size}; it will not sign the older size {checkpoint.size}"
                    )
                proof = prove(size)
                if not verify_consistency(size, checkpoint.size, root, checkpoint.root, proof):
                    raise InconsistentCheckpoints(
                        f"signer {self.signer.name} ({self.key_id.hex()}) refuses to sign size "
                        f"{checkpoint.size}: it is not consistent with size {size} "
                        f"(root {base64.b64encode(root).decode()}) which it signed before"
                    )
            body = checkpoint.body()
            signature = NoteSignature(
                self.signer.name, self.key_id, self.signer.sign(body.encode("utf-8"))
            )
            self._save(checkpoint.size, checkpoint.root)
            self._last = (checkpoint.size, checkpoint.root)
        return signature
