"""Verifying a whole log: every entry rehashed, every checkpoint's root and signatures checked.

Each kind of failure raises its own :class:`AuditError` subclass (and so its own exit code
in ``motivekit audit verify``): a tampered entry, a missing entry, reordered entries, a bad
signature, inconsistent checkpoints, an unknown key.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable, Iterable, Sequence
from hashlib import sha256

import attrs

from motivekit._canonical import canonical_bytes, check_json
from motivekit._errors import (
    BadSignature,
    InconsistentCheckpoints,
    MissingEntry,
    ReorderedEntries,
    TamperedEntry,
)
from motivekit.audit._checkpoint import Checkpoint
from motivekit.audit._log import TILE_HEIGHT, split_frontier
from motivekit.audit._merkle import root_from_frontier
from motivekit.audit._note import NoteVerifier, open_note, split_note
from motivekit.store._protocol import Session, Store

__all__ = ["SignedCheckpoint", "VerifyReport", "verify_log"]

CHUNK = 2_000

Progress = Callable[[int, int], None]
"""Called as ``progress(entries_checked, entries_total)`` while verifying."""


@attrs.frozen
class SignedCheckpoint:
    """A checkpoint with its signed note."""

    checkpoint: Checkpoint
    note: str = attrs.field(repr=False)

    @classmethod
    def parse(cls, note: str) -> SignedCheckpoint:
        """Read a signed checkpoint note (signatures are not verified here)."""
        text, _ = split_note(note)
        return cls(Checkpoint.parse(text), note)

    def verified(self, verifiers: Iterable[NoteVerifier]) -> SignedCheckpoint:
        """Itself, once at least one trusted key's valid signature is confirmed."""
        open_note(self.note, verifiers, self.checkpoint.time)
        return self


@attrs.frozen
class VerifyReport:
    """What a successful verification established."""

    size: int
    root: bytes = attrs.field(repr=lambda r: base64.b64encode(r).decode())
    checkpoints: int
    """How many stored checkpoints were checked (signatures and roots)."""
    latest: SignedCheckpoint | None
    """The newest checkpoint, verified: pin it for the next run (``--state``)."""


def _describe(cp: SignedCheckpoint) -> str:
    return "\n".join(f"    {line}" if line else "" for line in cp.note.rstrip("\n").split("\n"))


# Exactly-canonical entries of the three kinds the journal writes. A match proves the bytes
# are canonical (keys in order, strings and integers in their one canonical spelling)
# without parsing; anything else takes the slow path: parse, re-encode, compare.
_STR = r'"[^"\\\x00-\x1f]*(?:\\["\\][^"\\\x00-\x1f]*)*"'  # unrolled: fast
_INT = r"(?:0|-?[1-9][0-9]*)"
_SEQ = rf"(?P<seq>{_INT})"
_PERSONAL = r'"(?P<personal>[0-9a-f]{64})"'
_CANONICAL = [
    (
        re.compile(
            rf'\{{"at":{_STR},"id":{_STR},"kind":{_STR},"personal":{_PERSONAL},'
            rf'"recorded_at":{_STR},"rules":{_INT},"seq":{_SEQ},"type":"event","v":2\}}'
        ),
        True,
    ),
    (
        re.compile(
            rf'\{{"at":{_STR},"name":{_STR},"personal":{_PERSONAL},"rules":{_INT},'
            rf'"seq":{_SEQ},"type":"command","v":2\}}'
        ),
        True,
    ),
    (
        re.compile(
            rf'\{{"at":{_STR},"erased":{_INT},"rules":{_INT},"seq":{_SEQ},"type":"erasure","v":2\}}'
        ),
        False,
    ),
]


def _logged(seq: int, raw: bytes) -> tuple[object, object]:
    """The ``seq`` and ``personal`` an entry's bytes carry; TamperedEntry if not canonical."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise TamperedEntry(f"entry {seq}: its bytes are not valid UTF-8") from None
    for pattern, has_personal in _CANONICAL:
        match = pattern.fullmatch(text)
        if match is not None:
            return int(match["seq"]), match["personal"] if has_personal else None
    try:
        payload = json.loads(text)
        check_json(payload, "entry", ValueError)  # no floats, safe integers only
        canonical = isinstance(payload, dict) and canonical_bytes(payload) == raw
    except (ValueError, TypeError):
        canonical = False
    if not canonical:
        raise TamperedEntry(f"entry {seq}: its bytes are not a canonical journal entry")
    return payload.get("seq"), payload.get("personal")


def _located(seq: int, raw: bytes) -> tuple[object, object]:
    """The ``seq`` and ``personal`` of an entry the journal wrote, found by position.

    In canonical JSON a string never holds a raw ``"``, so ``,"seq":`` and
    ``,"personal":"`` occur only as top-level keys. Bytes of another shape take the full
    check (:func:`_logged`).
    """
    at = raw.rfind(b',"seq":')
    end = raw.find(b",", at + 7)
    if at < 0 or end < 0 or not raw[at + 7 : end].isdigit():
        return _logged(seq, raw)
    found = raw.find(b',"personal":"')
    personal = None if found < 0 else raw[found + 13 : found + 77].decode("ascii", "replace")
    return int(raw[at + 7 : end]), personal


def _check_entry(
    seq: int,
    raw: bytes,
    stored_leaf: bytes,
    personal: bytes | None,
    expected: int,
    strict: bool = False,
) -> bytes:
    """Check one stored entry; return its leaf hash."""
    if seq != expected:
        raise MissingEntry(f"entry {expected} is missing: the next stored entry is {seq}")
    leaf = sha256(b"\x00" + raw).digest()  # leaf_hash, inlined: called for every entry
    if leaf != stored_leaf:
        raise TamperedEntry(f"entry {seq}: its bytes do not match its logged leaf hash")
    logged_seq, logged_personal = (_logged if strict else _located)(seq, raw)
    if logged_seq != seq:
        raise ReorderedEntries(
            f"the entry stored at position {seq} was logged as entry {logged_seq}"
        )
    if personal is not None and sha256(personal).hexdigest() != logged_personal:
        raise TamperedEntry(f"entry {seq}: its personal part does not match its commitment")
    return leaf


def _stored_tiles(session: Session, size: int) -> dict[tuple[int, int], bytes]:
    tiles: dict[tuple[int, int], bytes] = {}
    level = TILE_HEIGHT
    while (1 << level) <= size:
        hashes = session.node_hashes(level, 0, size >> level)
        tiles.update({(level, i): h for i, h in enumerate(hashes)})
        level += TILE_HEIGHT
    return tiles


def verify_log(
    store: Store,
    verifiers: Sequence[NoteVerifier],
    pinned: SignedCheckpoint | None = None,
    progress: Progress | None = None,
    *,
    origin: str | None = None,
    strict: bool = False,
) -> VerifyReport:
    """Verify the log in ``store``; raise the matching :class:`AuditError` on any failure.

    Checks the signature of every stored checkpoint, rehashes every entry in order, checks
    that the sequence has no gaps and nothing moved, recomputes the root at every
    checkpoint and at the head, and compares the stored tree nodes. With ``pinned`` (a
    checkpoint verified earlier and kept outside the database) it also proves that the log
    still extends it: this is what catches a truncated log or a restored backup. All
    checkpoints must name one origin (``origin``, when given). ``strict`` also checks that
    every entry is in exactly the canonical form the journal writes (a data-quality check
    on top of tamper evidence; about a quarter slower).
    """
    with store.reading() as session:
        stored = [SignedCheckpoint.parse(c.note) for c in session.checkpoints()]
        every = [*stored, *([pinned] if pinned else [])]
        expected = origin or (every[0].checkpoint.origin if every else None)
        for signed in every:
            signed.verified(verifiers)
            if signed.checkpoint.origin != expected:
                raise BadSignature(
                    f"a checkpoint names the log {signed.checkpoint.origin!r}, not "
                    f"{expected!r}: it was signed for another log"
                )
        head_size, head_frontier = session.head()
        wanted = {c.checkpoint.size for c in stored} | (
            {pinned.checkpoint.size} if pinned else set()
        )
        tiles = _stored_tiles(session, head_size)
        roots: dict[int, bytes] = {}
        stack: list[bytes] = []  # the frontier, grown inline: this loop is the hot path
        size = 0
        if 0 in wanted:
            roots[0] = root_from_frontier([])
        while True:
            batch = session.scan(size, CHUNK)
            if not batch:
                break
            for seq, raw, stored_leaf, personal in batch:
                node = _check_entry(seq, raw, stored_leaf, personal, size + 1, strict)
                level, index = 0, size
                while (size >> level) & 1:
                    node = sha256(b"\x01" + stack.pop() + node).digest()  # node_hash, inlined
                    level += 1
                    index >>= 1
                    if level % TILE_HEIGHT == 0 and tiles.get((level, index)) != node:
                        raise TamperedEntry(
                            f"the stored Merkle node ({level}, {index}) does not match the entries"
                        )
                stack.append(node)
                size += 1
                if size in wanted:
                    roots[size] = root_from_frontier(stack)
            if progress is not None:
                progress(size, max(head_size, size))
        frontier = stack

    root = root_from_frontier(frontier)
    if size < head_size:
        raise MissingEntry(
            f"the log head says {head_size} entries but only {size} are stored: "
            f"entries {size + 1}..{head_size} are missing"
        )
    if size > head_size or root_from_frontier(split_frontier(head_frontier)) != root:
        raise TamperedEntry("the log head does not match the stored entries")
    for signed in stored:
        cp = signed.checkpoint
        if cp.size > size:
            raise MissingEntry(
                f"a checkpoint covers {cp.size} entries but only {size} are stored: "
                f"the log was truncated (entries {size + 1}..{cp.size} are missing)"
            )
        if roots[cp.size] != cp.root:
            raise TamperedEntry(
                f"the entries up to {cp.size} no longer hash to the root signed in this "
                f"checkpoint; an entry at or before {cp.size} was altered:\n{_describe(signed)}"
            )
    if pinned is not None:
        _check_pinned(pinned, size, roots, stored[-1] if stored else None)
    return VerifyReport(size, root, len(stored), stored[-1] if stored else None)


def _check_pinned(
    pinned: SignedCheckpoint, size: int, roots: dict[int, bytes], latest: SignedCheckpoint | None
) -> None:
    cp = pinned.checkpoint
    current = _describe(latest) if latest else f"    (no checkpoint; {size} entries)"
    if cp.size > size:
        raise InconsistentCheckpoints(
            f"the log holds {size} entries, fewer than the {cp.size} of the pinned checkpoint: "
            f"it was truncated or restored from an older copy.\n"
            f"  pinned:\n{_describe(pinned)}\n  now:\n{current}"
        )
    if roots[cp.size] != cp.root:
        raise InconsistentCheckpoints(
            f"the log's first {cp.size} entries do not hash to the pinned checkpoint's root: "
            f"its history was rewritten.\n  pinned:\n    {_describe(pinned)}\n  now:\n{current}"
        )
