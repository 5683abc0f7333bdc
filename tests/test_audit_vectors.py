"""Public test vectors, byte for byte (sources cited in tests/audit_vectors.py)."""

from __future__ import annotations

import base64

import pytest

from motivekit import BadSignature, UnknownKey
from motivekit.audit._checkpoint import Checkpoint
from motivekit.audit._merkle import (
    EMPTY_ROOT,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    node_hash,
    verify_consistency,
    verify_inclusion,
)
from motivekit.audit._note import Ed25519Signer, NoteVerifier, open_note, sign_note

from . import audit_vectors as v
from .test_merkle import Tree

LEAVES = [bytes.fromhex(h) for h in v.RFC6962_LEAVES_HEX]


def tree(size: int) -> Tree:
    t = Tree()
    t.append(LEAVES[:size])
    return t


def test_hasher() -> None:
    assert EMPTY_ROOT.hex() == v.RFC6962_EMPTY_ROOT_HEX
    assert leaf_hash(b"L123456").hex() == v.RFC6962_LEAF_HASH_L123456_HEX
    assert node_hash(b"N123", b"N456").hex() == v.RFC6962_NODE_HASH_N123_N456_HEX


@pytest.mark.parametrize("size", range(1, 9))
def test_roots_for_sizes_1_to_8(size: int) -> None:
    assert tree(size).root.hex() == v.RFC6962_ROOTS_HEX[size]


def test_every_stored_node_hash() -> None:
    nodes = tree(8).nodes
    for level, hashes in enumerate(v.RFC6962_NODE_HASHES_HEX):
        for index, expected in enumerate(hashes):
            assert nodes[level, index].hex() == expected


@pytest.mark.parametrize(("leaf", "size", "proof"), [p for p in v.INCLUSION_PROOFS if p[0] > 0])
def test_inclusion_proofs(leaf: int, size: int, proof: list[str]) -> None:
    index = leaf - 1  # the source numbers leaves from 1
    t = tree(size)
    assert [h.hex() for h in inclusion_proof(index, size, t.get)] == proof
    assert verify_inclusion(
        leaf_hash(LEAVES[index]), index, size, [bytes.fromhex(h) for h in proof], t.root
    )


@pytest.mark.parametrize(("size1", "size2", "proof"), v.CONSISTENCY_PROOFS)
def test_consistency_proofs(size1: int, size2: int, proof: list[str]) -> None:
    t = tree(size2)
    assert [h.hex() for h in consistency_proof(size1, size2, t.get)] == proof
    old = bytes.fromhex(v.RFC6962_ROOTS_HEX[size1])
    assert verify_consistency(size1, size2, old, t.root, [bytes.fromhex(h) for h in proof])


def test_signed_note_byte_for_byte() -> None:
    signer = Ed25519Signer(v.NOTE_PRIVATE_KEY)
    assert str(signer.verifier()) == v.NOTE_VERIFIER_KEY
    assert signer.private_key == v.NOTE_PRIVATE_KEY
    assert sign_note(v.NOTE_TEXT, [signer]) == v.NOTE_SIGNED
    text, verified, unknown = open_note(v.NOTE_SIGNED, [NoteVerifier.parse(v.NOTE_VERIFIER_KEY)])
    assert text == v.NOTE_TEXT
    assert [(s.name, s.key_id.hex()) for s in verified] == [("PeterNeumann", "c74f20a3")]
    assert unknown == []


def test_note_with_two_signatures() -> None:
    peter = NoteVerifier.parse(v.NOTE_VERIFIER_KEY)
    enoch = NoteVerifier.parse(v.NOTE_ENOCH_VERIFIER_KEY)
    _, verified, unknown = open_note(v.NOTE_SIGNED_PETER_ENOCH, [peter, enoch])
    assert [int.from_bytes(s.key_id) for s in verified] == [
        v.NOTE_PETER_SIG_KEY_HASH,
        v.NOTE_ENOCH_SIG_KEY_HASH,
    ]
    _, verified, unknown = open_note(v.NOTE_SIGNED_PETER_ENOCH, [enoch])
    assert [s.name for s in verified] == ["EnochRoot"]
    assert [s.name for s in unknown] == ["PeterNeumann"]


def test_tampered_and_unknown_notes() -> None:
    peter = NoteVerifier.parse(v.NOTE_VERIFIER_KEY)
    tampered = v.NOTE_SIGNED.replace("cryptography", "cryptographY")
    with pytest.raises(BadSignature, match=r"PeterNeumann \(c74f20a3\) does not verify"):
        open_note(tampered, [peter])
    other = Ed25519Signer.generate("Other")
    with pytest.raises(UnknownKey, match=r"no signature by a trusted key; signed by: PeterNeumann"):
        open_note(v.NOTE_SIGNED, [other.verifier()])


def test_c2sp_checkpoint_example_parses() -> None:
    text, _ = v.C2SP_CHECKPOINT_SIGNED.split("\n\n", 1)
    checkpoint = Checkpoint.parse(text + "\n")
    assert (checkpoint.origin, checkpoint.size) == (
        v.C2SP_CHECKPOINT_ORIGIN,
        v.C2SP_CHECKPOINT_SIZE,
    )
    assert checkpoint.root == base64.b64decode(v.C2SP_CHECKPOINT_ROOT_B64)
    assert checkpoint.body() == text + "\n"


def test_go_sumdb_tree_format() -> None:
    # FormatTree(Tree{N, RecordHash("hello world")}) is a checkpoint body with the
    # sumdb origin line.
    checkpoint = Checkpoint("go.sum database tree", v.TLOG_TREE_SIZE, leaf_hash(b"hello world"))
    assert checkpoint.body() == v.TLOG_TREE_TEXT
    assert Checkpoint.parse(v.TLOG_TREE_TEXT) == checkpoint


@pytest.mark.parametrize(("origin", "size", "root", "text"), v.FORMATS_CHECKPOINTS)
def test_transparency_dev_checkpoint_bodies(origin: str, size: int, root: bytes, text: str) -> None:
    assert Checkpoint(origin, size, root).body() == text
