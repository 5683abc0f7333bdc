"""Ed25519 keys and signed notes in the C2SP signed-note format (as Go's sumdb/note).

Formats (https://c2sp.org/signed-note):

* verifier key: ``<name>+<hex key id>+<base64(0x01 ‖ 32-byte public key)>``
* signing key: ``PRIVATE+KEY+<name>+<hex key id>+<base64(0x01 ‖ 32-byte seed)>``
* key id: the first 4 bytes of ``SHA-256(name ‖ "\\n" ‖ 0x01 ‖ public key)``
* signed note: the text (ending in a newline), a blank line, then one line per signature:
  ``— <name> <base64(key id ‖ 64-byte signature)>`` (the dash is U+2014).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Protocol, runtime_checkable

import attrs
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from motivekit._errors import BadSignature, InvalidKey, UnknownKey
from motivekit._time import format_instant

__all__ = [
    "Ed25519Signer",
    "NoteSignature",
    "NoteVerifier",
    "Signer",
    "key_id",
    "open_note",
    "sign_note",
]

ALG_ED25519 = b"\x01"
SIG_PREFIX = "\u2014 "


def key_id(name: str, public_key: bytes) -> bytes:
    """The 4-byte key id of an Ed25519 key called ``name``."""
    return hashlib.sha256(name.encode() + b"\n" + ALG_ED25519 + public_key).digest()[:4]


def _check_name(name: str) -> str:
    if not name or any(c.isspace() or c == "+" for c in name) or not name.isprintable():
        raise InvalidKey(f"key name {name!r} must be non-empty, without spaces or '+'")
    return name


def _b64decode(text: str, what: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise InvalidKey(f"{what} is not valid base64") from None


@runtime_checkable
class Signer(Protocol):
    """Signs notes with one key. Implement it to sign through a KMS or HSM."""

    @property
    def name(self) -> str:
        """The key's name (for checkpoints: the log's origin or an operator name)."""
        ...

    @property
    def public_key(self) -> bytes:
        """The 32-byte Ed25519 public key."""
        ...

    def sign(self, message: bytes) -> bytes:
        """The 64-byte Ed25519 signature of ``message``."""
        ...


class Ed25519Signer:
    """A signer holding an Ed25519 private key in memory (from a key file or a variable)."""

    def __init__(self, private_key: str) -> None:
        parts = private_key.strip().split("+", 4)
        if len(parts) != 5 or parts[:2] != ["PRIVATE", "KEY"]:
            raise InvalidKey(
                "a signing key looks like PRIVATE+KEY+<name>+<hex id>+<base64 key>; "
                "create one with `motivekit audit keygen`"
            )
        name, hex_id, encoded = _check_name(parts[2]), parts[3], parts[4]
        raw = _b64decode(encoded, "the signing key")
        if len(raw) != 33 or raw[:1] != ALG_ED25519:
            raise InvalidKey("the signing key is not an Ed25519 key (algorithm byte 0x01)")
        self._key = Ed25519PrivateKey.from_private_bytes(raw[1:])
        self._name = name
        self._public = self._key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        if hex_id != key_id(name, self._public).hex():
            raise InvalidKey(f"the signing key's id {hex_id} does not match its key")

    @classmethod
    def generate(cls, name: str) -> Ed25519Signer:
        """A new random key called ``name``."""
        seed = Ed25519PrivateKey.generate().private_bytes_raw()
        return cls(cls._format(_check_name(name), seed))

    @classmethod
    def from_file(cls, path: str | os.PathLike[str]) -> Ed25519Signer:
        """Read a signing key from a file (which should be readable by its owner only)."""
        try:
            return cls(Path(path).read_text(encoding="ascii"))
        except OSError as exc:
            raise InvalidKey(
                f"cannot read the signing key file {str(path)!r}: {exc.strerror}"
            ) from None
        except UnicodeDecodeError:
            raise InvalidKey(f"{str(path)!r} is not a signing key file") from None

    @classmethod
    def from_env(cls, variable: str = "MOTIVEKIT_SIGNING_KEY") -> Ed25519Signer:
        """Read a signing key from an environment variable."""
        value = os.environ.get(variable)
        if not value:
            raise InvalidKey(f"environment variable {variable} holds no signing key")
        return cls(value)

    @staticmethod
    def _format(name: str, seed: bytes) -> str:
        public = Ed25519PrivateKey.from_private_bytes(seed).public_key()
        raw_public = public.public_bytes(Encoding.Raw, PublicFormat.Raw)
        encoded = base64.b64encode(ALG_ED25519 + seed).decode()
        return f"PRIVATE+KEY+{name}+{key_id(name, raw_public).hex()}+{encoded}"

    @property
    def name(self) -> str:
        """The key's name."""
        return self._name

    @property
    def public_key(self) -> bytes:
        """The 32-byte public key."""
        return self._public

    @property
    def private_key(self) -> str:
        """The signing key in its text form (keep it secret)."""
        return self._format(self._name, self._key.private_bytes_raw())

    def verifier(self) -> NoteVerifier:
        """The verifier key for this signer."""
        return NoteVerifier(self._name, self._public)

    def sign(self, message: bytes) -> bytes:
        """Sign ``message``."""
        return self._key.sign(message)

    def __repr__(self) -> str:
        return (
            f"Ed25519Signer(name={self._name!r}, key_id={key_id(self._name, self._public).hex()})"
        )


@attrs.frozen
class NoteVerifier:
    """A trusted public key, optionally valid only from ``not_before`` until ``not_after``."""

    name: str
    public_key: bytes = attrs.field(repr=False)
    not_before: datetime | None = None
    not_after: datetime | None = None

    @property
    def key_id(self) -> bytes:
        """The 4-byte key id."""
        return key_id(self.name, self.public_key)

    @classmethod
    def parse(
        cls, text: str, not_before: datetime | None = None, not_after: datetime | None = None
    ) -> NoteVerifier:
        """Parse ``<name>+<hex id>+<base64 key>``."""
        parts = text.strip().split("+", 2)
        if len(parts) != 3:
            raise InvalidKey(
                f"a verifier key looks like <name>+<hex id>+<base64 key>, got {text!r}"
            )
        name, hex_id, encoded = _check_name(parts[0]), parts[1], parts[2]
        raw = _b64decode(encoded, "the verifier key")
        if len(raw) != 33 or raw[:1] != ALG_ED25519:
            raise InvalidKey(f"verifier key {name!r} is not an Ed25519 key (algorithm byte 0x01)")
        verifier = cls(name, raw[1:], not_before, not_after)
        if verifier.key_id.hex() != hex_id:
            raise InvalidKey(f"verifier key {name!r}: id {hex_id} does not match the key")
        return verifier

    def __str__(self) -> str:
        encoded = base64.b64encode(ALG_ED25519 + self.public_key).decode()
        return f"{self.name}+{self.key_id.hex()}+{encoded}"

    def valid_at(self, when: datetime | None) -> bool:
        """Whether the key may sign at ``when`` (always, when no window or no time)."""
        if when is None:
            return True
        if self.not_before is not None and when < self.not_before:
            return False
        return self.not_after is None or when < self.not_after

    def verifies(self, message: bytes, signature: bytes) -> bool:
        """Whether ``signature`` is this key's signature of ``message``."""
        try:
            Ed25519PublicKey.from_public_bytes(self.public_key).verify(signature, message)
        except InvalidSignature:
            return False
        return True


@attrs.frozen
class NoteSignature:
    """One signature line of a note."""

    name: str
    key_id: bytes
    signature: bytes = attrs.field(repr=False)

    def line(self) -> str:
        """The signature line, newline included."""
        return (
            f"{SIG_PREFIX}{self.name} {base64.b64encode(self.key_id + self.signature).decode()}\n"
        )


def _check_text(text: str) -> bytes:
    if not text.endswith("\n"):
        raise ValueError("a note's text must end with a newline")
    if "\n\n" in text or any(ord(c) < 0x20 and c != "\n" for c in text):
        raise ValueError("a note's text may not contain blank lines or control characters")
    return text.encode("utf-8")


def sign_note(text: str, signers: Iterable[Signer], existing: Sequence[NoteSignature] = ()) -> str:
    """The signed note: ``text``, a blank line, the existing and the new signature lines."""
    message = _check_text(text)
    signatures = list(existing)
    for signer in signers:
        signature = signer.sign(message)
        signatures.append(
            NoteSignature(signer.name, key_id(signer.name, signer.public_key), signature)
        )
    if not signatures:
        raise ValueError("a signed note needs at least one signature")
    return text + "\n" + "".join(s.line() for s in signatures)


def split_note(note: str) -> tuple[str, list[NoteSignature]]:
    """The text and the signature lines of a signed note (nothing is verified)."""
    text, sep, block = note.rpartition("\n\n")
    if not sep or not block.endswith("\n"):
        raise BadSignature("not a signed note: expected text, a blank line and signature lines")
    text += "\n"
    signatures = []
    for line in block[:-1].split("\n"):
        if not line.startswith(SIG_PREFIX) or line.count(" ") != 2:
            raise BadSignature(f"malformed signature line {line!r}")
        name, encoded = line[len(SIG_PREFIX) :].split(" ")
        try:
            raw = base64.b64decode(encoded, validate=True)
        except (binascii.Error, ValueError):
            raise BadSignature(f"signature line for {name!r} is not valid base64") from None
        if len(raw) != 4 + 64:
            raise BadSignature(f"signature line for {name!r} does not hold an Ed25519 signature")
        signatures.append(NoteSignature(name, raw[:4], raw[4:]))
    return text, signatures


def open_note(
    note: str, verifiers: Iterable[NoteVerifier], when: datetime | None = None
) -> tuple[str, list[NoteSignature], list[NoteSignature]]:
    """Verify a signed note; return its text, the verified and the unknown signatures.

    Raises :class:`BadSignature` if a trusted key's signature does not verify (or the key
    was not valid at ``when``) and :class:`UnknownKey` if no trusted key signed it.
    """
    text, signatures = split_note(note)
    message = text.encode("utf-8")
    trusted = {(v.name, v.key_id): v for v in verifiers}
    verified, unknown = [], []
    for signature in signatures:
        verifier = trusted.get((signature.name, signature.key_id))
        if verifier is None:
            unknown.append(signature)
            continue
        if not verifier.verifies(message, signature.signature):
            raise BadSignature(
                f"the signature by {signature.name} ({signature.key_id.hex()}) does not verify"
            )
        if not verifier.valid_at(when):
            raise BadSignature(
                f"key {signature.name} ({signature.key_id.hex()}) was not valid at "
                f"{'an unknown time' if when is None else format_instant(when)}"
            )
        verified.append(signature)
    if not verified:
        names = ", ".join(f"{s.name} ({s.key_id.hex()})" for s in signatures)
        raise UnknownKey(f"no signature by a trusted key; signed by: {names}")
    return text, verified, unknown
