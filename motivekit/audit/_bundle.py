"""Offline proof bundles: one entry, its inclusion proof and a signed checkpoint.

A bundle is verified with nothing but the log's public key(s): no database, no motivekit
server. JSON form::

    {"format": "motivekit-proof-bundle/1", "seq": 7, "entry": "<base64 leaf bytes>",
     "inclusion": ["<base64 hash>", ...], "checkpoint": "<signed checkpoint note>",
     "opening": "<base64 salt ‖ personal part>" or null}
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from typing import Any

import attrs

from motivekit._entries import commitment, open_entry
from motivekit._errors import BadSignature, InvalidProof
from motivekit.audit._merkle import leaf_hash, verify_inclusion
from motivekit.audit._note import NoteVerifier
from motivekit.audit._verify import SignedCheckpoint

__all__ = ["ProofBundle", "verify_bundle"]

FORMAT = "motivekit-proof-bundle/1"


def _b64(value: bytes) -> str:
    return base64.b64encode(value).decode("ascii")


def _unb64(value: object, what: str) -> bytes:
    if not isinstance(value, str):
        raise InvalidProof(f"proof bundle: {what} must be a base64 string")
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise InvalidProof(f"proof bundle: {what} is not valid base64") from None


@attrs.frozen
class ProofBundle:
    """Everything needed to prove, offline, that one entry is in the signed log."""

    seq: int
    entry: bytes = attrs.field(repr=False)
    """The entry's leaf bytes."""
    inclusion: tuple[bytes, ...] = attrs.field(repr=False)
    checkpoint: SignedCheckpoint
    opening: bytes | None = attrs.field(default=None, repr=False)
    """Salt and personal part, when the bundle was made to disclose them."""

    def to_json(self) -> str:
        """The bundle as JSON text."""
        return json.dumps(
            {
                "format": FORMAT,
                "seq": self.seq,
                "entry": _b64(self.entry),
                "inclusion": [_b64(h) for h in self.inclusion],
                "checkpoint": self.checkpoint.note,
                "opening": None if self.opening is None else _b64(self.opening),
            },
            indent=2,
            ensure_ascii=False,
        )

    @classmethod
    def from_json(cls, text: str) -> ProofBundle:
        """Read a bundle; :class:`InvalidProof` if it is malformed."""
        try:
            data: Any = json.loads(text)
        except ValueError as exc:
            raise InvalidProof(f"proof bundle is not JSON: {exc}") from None
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise InvalidProof(f"not a proof bundle (expected format {FORMAT!r})")
        seq, inclusion, note = data.get("seq"), data.get("inclusion"), data.get("checkpoint")
        if isinstance(seq, bool) or not isinstance(seq, int) or seq < 1:
            raise InvalidProof("proof bundle: seq must be a positive integer")
        if not isinstance(inclusion, list) or not isinstance(note, str):
            raise InvalidProof("proof bundle: inclusion must be a list and checkpoint a note")
        opening = data.get("opening")
        return cls(
            seq,
            _unb64(data.get("entry"), "entry"),
            tuple(_unb64(h, "an inclusion hash") for h in inclusion),
            SignedCheckpoint.parse(note),
            None if opening is None else _unb64(opening, "opening"),
        )

    @property
    def payload(self) -> dict[str, Any]:
        """The entry's fields (with its personal part if the bundle discloses it)."""
        return open_entry(self.entry, self.opening)


def verify_bundle(
    bundle: ProofBundle, verifiers: Sequence[NoteVerifier], *, origin: str | None = None
) -> SignedCheckpoint:
    """Verify a bundle with the log's public keys alone; return its checkpoint.

    Raises :class:`BadSignature` / :class:`UnknownKey` for the checkpoint's signatures (or a
    checkpoint of another log than ``origin``) and :class:`InvalidProof` if the entry is not
    proven to be entry ``seq`` of that log.
    """
    signed = bundle.checkpoint.verified(verifiers)
    cp = signed.checkpoint
    if origin is not None and cp.origin != origin:
        raise BadSignature(f"the bundle's checkpoint is for the log {cp.origin!r}, not {origin!r}")
    if not 1 <= bundle.seq <= cp.size:
        raise InvalidProof(f"entry {bundle.seq} is not in a checkpoint of {cp.size} entries")
    if any(len(h) != 32 for h in bundle.inclusion):
        raise InvalidProof("proof bundle: every inclusion hash must be 32 bytes")
    leaf = leaf_hash(bundle.entry)
    if not verify_inclusion(leaf, bundle.seq - 1, cp.size, bundle.inclusion, cp.root):
        raise InvalidProof(
            f"the inclusion proof does not place this entry at position {bundle.seq} of the "
            f"checkpoint ({cp.size} entries)"
        )
    try:
        logged = json.loads(bundle.entry.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise InvalidProof("the entry's bytes are not a journal entry") from None
    if not isinstance(logged, dict) or logged.get("seq") != bundle.seq:
        raise InvalidProof(f"the entry does not carry sequence number {bundle.seq}")
    if bundle.opening is not None and commitment(bundle.opening) != logged.get("personal"):
        raise InvalidProof("the disclosed personal part does not match the entry's commitment")
    return signed
