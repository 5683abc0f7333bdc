"""The signed, tamper-evident audit log: Merkle tree, checkpoints, proofs, verification.

Everything here but :class:`Audit` and :class:`Privacy` works without a database, so an
auditor can verify checkpoints and proof bundles with nothing but the log's public keys.
"""

from __future__ import annotations

from motivekit.audit._audit import Audit, Erasure, Privacy
from motivekit.audit._bundle import ProofBundle, verify_bundle
from motivekit.audit._checkpoint import Checkpoint, GuardedSigner
from motivekit.audit._export import PrivacyExport
from motivekit.audit._merkle import (
    leaf_hash,
    node_hash,
    verify_consistency,
    verify_inclusion,
)
from motivekit.audit._note import Ed25519Signer, NoteVerifier, Signer, open_note, sign_note
from motivekit.audit._verify import SignedCheckpoint, VerifyReport, verify_log

__all__ = [
    "Audit",
    "Checkpoint",
    "Ed25519Signer",
    "Erasure",
    "GuardedSigner",
    "NoteVerifier",
    "Privacy",
    "PrivacyExport",
    "ProofBundle",
    "SignedCheckpoint",
    "Signer",
    "VerifyReport",
    "leaf_hash",
    "node_hash",
    "open_note",
    "sign_note",
    "verify_bundle",
    "verify_consistency",
    "verify_inclusion",
    "verify_log",
]
