"""The Merkle tree against a plain recursive reference, with mutation tests on every proof."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from motivekit.audit._merkle import (
    EMPTY_ROOT,
    Node,
    append_leaves,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    node_hash,
    root_from_frontier,
    verify_consistency,
    verify_inclusion,
)

# -- a plain recursive reference, straight from RFC 9162 section 2.1 ---------------------------


def mth(leaves: Sequence[bytes]) -> bytes:
    n = len(leaves)
    if n == 0:
        return hashlib.sha256(b"").digest()
    if n == 1:
        return hashlib.sha256(b"\x00" + leaves[0]).digest()
    k = 1 << ((n - 1).bit_length() - 1)
    return hashlib.sha256(b"\x01" + mth(leaves[:k]) + mth(leaves[k:])).digest()


def ref_path(m: int, leaves: Sequence[bytes]) -> list[bytes]:
    n = len(leaves)
    if n == 1:
        return []
    k = 1 << ((n - 1).bit_length() - 1)
    if m < k:
        return [*ref_path(m, leaves[:k]), mth(leaves[k:])]
    return [*ref_path(m - k, leaves[k:]), mth(leaves[:k])]


def ref_subproof(m: int, leaves: Sequence[bytes], whole: bool) -> list[bytes]:
    n = len(leaves)
    if m == n:
        return [] if whole else [mth(leaves)]
    k = 1 << ((n - 1).bit_length() - 1)
    if m <= k:
        return [*ref_subproof(m, leaves[:k], whole), mth(leaves[k:])]
    return [*ref_subproof(m - k, leaves[k:], False), mth(leaves[:k])]


def ref_consistency(m: int, leaves: Sequence[bytes]) -> list[bytes]:
    return [] if m in (0, len(leaves)) else ref_subproof(m, leaves, True)


# -- a tree built incrementally, the way the store builds it -----------------------------------


class Tree:
    def __init__(self) -> None:
        self.size = 0
        self.frontier: list[bytes] = []
        self.nodes: dict[Node, bytes] = {}

    def append(self, data: Sequence[bytes]) -> None:
        hashes = [leaf_hash(d) for d in data]
        for i, h in enumerate(hashes):
            self.nodes[0, self.size + i] = h
        self.frontier, completed = append_leaves(self.frontier, self.size, hashes)
        self.nodes.update({(level, index): h for level, index, h in completed})
        self.size += len(data)

    def get(self, wanted: Sequence[Node]) -> Mapping[Node, bytes]:
        return {n: self.nodes[n] for n in wanted}

    @property
    def root(self) -> bytes:
        return root_from_frontier(self.frontier)


def data(n: int) -> list[bytes]:
    return [f"entry {i}".encode() for i in range(n)]


def grown(n: int, batch: int = 1) -> Tree:
    tree, leaves = Tree(), data(n)
    for i in range(0, n, batch):
        tree.append(leaves[i : i + batch])
    return tree


def test_empty_tree() -> None:
    assert root_from_frontier([]) == EMPTY_ROOT == mth([])


def test_hash_prefixes() -> None:
    assert leaf_hash(b"") == hashlib.sha256(b"\x00").digest()
    assert (
        node_hash(b"a" * 32, b"b" * 32) == hashlib.sha256(b"\x01" + b"a" * 32 + b"b" * 32).digest()
    )


@pytest.mark.parametrize("batch", [1, 3, 64])
def test_incremental_roots_and_nodes_match_the_reference(batch: int) -> None:
    leaves = data(70)
    tree = Tree()
    for i in range(0, 70, batch):
        tree.append(leaves[i : i + batch])
        assert tree.root == mth(leaves[: tree.size])
    for (level, index), h in tree.nodes.items():
        assert h == mth(leaves[index << level : (index + 1) << level])
    assert len(tree.nodes) == 2 * 70 - (70).bit_count()  # every complete subtree, once


def test_frontier_must_match_size() -> None:
    with pytest.raises(ValueError, match="has 2 frontier hashes"):
        append_leaves([b"x" * 32], 3, [])


SIZES = range(1, 65)


@pytest.mark.parametrize("size", SIZES)
def test_every_inclusion_proof_verifies_and_every_mutation_fails(size: int) -> None:
    tree, leaves = grown(size, batch=5), data(size)
    for index in range(size):
        proof = inclusion_proof(index, size, tree.get)
        assert proof == ref_path(index, leaves)
        leaf = leaf_hash(leaves[index])
        assert verify_inclusion(leaf, index, size, proof, tree.root)
        for bad_index in (index - 1, index + 1):
            assert not verify_inclusion(leaf, bad_index, size, proof, tree.root)
        # A size that changes the tree's height changes the proof's shape. (Size ± 1 may
        # not: the same path can be valid in a tree one leaf larger.)
        for bad_size in (size * 2, size // 2):
            if bad_size > index:
                assert not verify_inclusion(leaf, index, bad_size, proof, tree.root)
        assert not verify_inclusion(leaf, index, size, proof, hashlib.sha256(b"other").digest())
        assert not verify_inclusion(leaf_hash(b"other"), index, size, proof, tree.root)
        for mutated in mutations(proof):
            assert not verify_inclusion(leaf, index, size, mutated, tree.root)


@pytest.mark.parametrize("new_size", SIZES)
def test_every_consistency_proof_verifies_and_every_mutation_fails(new_size: int) -> None:
    leaves = data(new_size)
    new = grown(new_size, batch=7)
    for old_size in range(new_size + 1):
        old_root = mth(leaves[:old_size])
        proof = consistency_proof(old_size, new_size, new.get)
        assert proof == ref_consistency(old_size, leaves)
        assert verify_consistency(old_size, new_size, old_root, new.root, proof)
        if 0 < old_size < new_size:
            assert not verify_consistency(old_size, new_size, new.root, old_root, proof)  # swapped
            # Sizes that change a tree's height (± 1 may leave the proof's shape intact).
            assert not verify_consistency(old_size, new_size * 2, old_root, new.root, proof)
            if old_size > 1:
                assert not verify_consistency(old_size // 2, new_size, old_root, new.root, proof)
            assert not verify_consistency(old_size * 2, new_size * 4, old_root, new.root, proof)
            other = hashlib.sha256(b"other").digest()
            assert not verify_consistency(old_size, new_size, other, new.root, proof)
            assert not verify_consistency(old_size, new_size, old_root, other, proof)
            for mutated in mutations(proof):
                assert not verify_consistency(old_size, new_size, old_root, new.root, mutated)
        elif old_size == new_size:
            assert not verify_consistency(old_size, new_size, old_root, new.root, [old_root])


def mutations(proof: Sequence[bytes]) -> list[list[bytes]]:
    """Flipped bits, dropped, added and reordered elements, truncations."""
    out: list[list[bytes]] = []
    for i in range(len(proof)):
        flipped = bytearray(proof[i])
        flipped[i % 32] ^= 0x01
        out.append([*proof[:i], bytes(flipped), *proof[i + 1 :]])
        out.append([*proof[:i], *proof[i + 1 :]])  # dropped
        out.append(list(proof[:i]))  # truncated
    out.append([*proof, hashlib.sha256(b"extra").digest()])  # added at the end
    out.append([hashlib.sha256(b"extra").digest(), *proof])  # added at the start
    if len(proof) > 1 and proof[0] != proof[1]:
        out.append([proof[1], proof[0], *proof[2:]])  # reordered
    return [m for m in out if m != list(proof)]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.binary(max_size=12), min_size=1, max_size=200),
    st.lists(st.integers(1, 9), min_size=1, max_size=60),
    st.data(),
)
def test_property_against_the_reference(
    leaves: list[bytes], batches: list[int], draw: st.DataObject
) -> None:
    tree, i = Tree(), 0
    for b in batches * (len(leaves) // sum(batches) + 1):
        if i >= len(leaves):
            break
        tree.append(leaves[i : i + b])
        i += b
        assert tree.root == mth(leaves[: tree.size])
    n = tree.size
    index = draw.draw(st.integers(0, n - 1))
    assert inclusion_proof(index, n, tree.get) == ref_path(index, leaves)
    old = draw.draw(st.integers(0, n))
    proof = consistency_proof(old, n, tree.get)
    assert proof == ref_consistency(old, leaves)
    assert verify_consistency(old, n, mth(leaves[:old]), tree.root, proof)


def test_verifiers_reject_malformed_hashes() -> None:
    with pytest.raises(ValueError, match="32-byte"):
        verify_inclusion(b"short", 0, 1, [], b"x" * 32)
    with pytest.raises(ValueError, match="32-byte"):
        verify_consistency(1, 2, b"x" * 32, b"x" * 32, ["nope"])  # type: ignore[list-item]
