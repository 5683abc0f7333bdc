"""RFC 9162 Merkle tree: hashing, incremental appends, proofs and their verification.

Pure functions over bytes; storage lives elsewhere. Terms:

* a *leaf hash* is ``SHA-256(0x00 ‖ entry bytes)``, a *node hash* ``SHA-256(0x01 ‖ l ‖ r)``;
* a *node* ``(level, index)`` is the root of the complete subtree over leaves
  ``[index·2^level, (index+1)·2^level)``; level 0 is a leaf;
* the *frontier* of a tree of size n is the list of roots of its maximal complete subtrees,
  left to right (one per set bit of n). Appending needs only the frontier, so history is
  never rehashed; every node completed on the way is returned so proofs can be served.

Proofs and verification follow RFC 9162 sections 2.1.3 and 2.1.4 step by step.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping, Sequence

from motivekit._hashing import leaf_hash, node_hash

__all__ = [
    "EMPTY_ROOT",
    "Node",
    "append_leaves",
    "consistency_nodes",
    "consistency_proof",
    "inclusion_nodes",
    "inclusion_proof",
    "leaf_hash",
    "node_hash",
    "range_nodes",
    "root_from_frontier",
    "verify_consistency",
    "verify_inclusion",
]

Node = tuple[int, int]
"""``(level, index)`` of a complete subtree."""

EMPTY_ROOT = hashlib.sha256(b"").digest()
"""The root of the empty tree (RFC 9162 section 2.1.1)."""


def _largest_power_of_two_below(n: int) -> int:
    """The largest power of two strictly smaller than ``n`` (n ≥ 2)."""
    return 1 << ((n - 1).bit_length() - 1)


# -- appending ---------------------------------------------------------------------------------


def append_leaves(
    frontier: Sequence[bytes], size: int, leaves: Iterable[bytes]
) -> tuple[list[bytes], list[tuple[int, int, bytes]]]:
    """Append leaf hashes to a tree of ``size`` with ``frontier``.

    Returns the new frontier and every node of level ≥ 1 completed by the appends, as
    ``(level, index, hash)``. Cost: amortised one node hash per leaf.
    """
    if len(frontier) != size.bit_count():
        raise ValueError(f"a tree of size {size} has {size.bit_count()} frontier hashes")
    stack = list(frontier)
    completed: list[tuple[int, int, bytes]] = []
    for leaf in leaves:
        node, level, index = leaf, 0, size
        while (size >> level) & 1:  # the left sibling at this level is complete: merge
            node = node_hash(stack.pop(), node)
            level += 1
            index >>= 1
            completed.append((level, index, node))
        stack.append(node)
        size += 1
    return stack, completed


def root_from_frontier(frontier: Sequence[bytes]) -> bytes:
    """The tree head: the frontier folded from the right (RFC 9162 MTH)."""
    if not frontier:
        return EMPTY_ROOT
    root = frontier[-1]
    for left in reversed(frontier[:-1]):
        root = node_hash(left, root)
    return root


# -- which nodes a proof needs -----------------------------------------------------------------


def range_nodes(start: int, end: int) -> list[Node]:
    """The complete subtrees covering leaves ``[start, end)``, largest first.

    For the ranges RFC 9162 proofs use, folding their hashes from the right gives
    MTH of the range.
    """
    nodes: list[Node] = []
    while start < end:
        level = (start & -start).bit_length() - 1 if start else (end - start).bit_length() - 1
        while start + (1 << level) > end:
            level -= 1
        nodes.append((level, start >> level))
        start += 1 << level
    return nodes


def _inclusion_ranges(index: int, start: int, end: int) -> list[tuple[int, int]]:
    # PATH(m, D[start:end]) of RFC 9162 section 2.1.3.1, as the ranges whose MTH it lists.
    if end - start == 1:
        return []
    k = _largest_power_of_two_below(end - start)
    if index < start + k:
        return [*_inclusion_ranges(index, start, start + k), (start + k, end)]
    return [*_inclusion_ranges(index, start + k, end), (start, start + k)]


def _consistency_ranges(m: int, start: int, end: int, whole: bool) -> list[tuple[int, int]]:
    # SUBPROOF(m, D[start:end], b) of RFC 9162 section 2.1.4.1.
    if m == end - start:
        return [] if whole else [(start, end)]
    k = _largest_power_of_two_below(end - start)
    if m <= k:
        return [*_consistency_ranges(m, start, start + k, whole), (start + k, end)]
    return [*_consistency_ranges(m - k, start + k, end, False), (start, start + k)]


def inclusion_nodes(index: int, size: int) -> list[list[Node]]:
    """For each element of the inclusion proof, the nodes whose right fold it is."""
    if not 0 <= index < size:
        raise ValueError(f"leaf index {index} is not in a tree of size {size}")
    return [range_nodes(a, b) for a, b in _inclusion_ranges(index, 0, size)]


def consistency_nodes(old_size: int, new_size: int) -> list[list[Node]]:
    """For each element of the consistency proof, the nodes whose right fold it is."""
    if not 0 <= old_size <= new_size:
        raise ValueError(f"no consistency proof from size {old_size} to size {new_size}")
    if old_size in (0, new_size):
        return []
    return [range_nodes(a, b) for a, b in _consistency_ranges(old_size, 0, new_size, True)]


def _fold(parts: list[list[Node]], hashes: Mapping[Node, bytes]) -> list[bytes]:
    return [root_from_frontier([hashes[n] for n in nodes]) for nodes in parts]


def inclusion_proof(
    index: int, size: int, get: Callable[[Sequence[Node]], Mapping[Node, bytes]]
) -> list[bytes]:
    """The inclusion proof of leaf ``index`` in the tree of ``size``.

    ``get`` returns the hashes of the requested nodes (one batched lookup).
    """
    parts = inclusion_nodes(index, size)
    return _fold(parts, get(sorted({n for p in parts for n in p})))


def consistency_proof(
    old_size: int, new_size: int, get: Callable[[Sequence[Node]], Mapping[Node, bytes]]
) -> list[bytes]:
    """The proof that the tree of ``old_size`` is a prefix of the tree of ``new_size``."""
    parts = consistency_nodes(old_size, new_size)
    return _fold(parts, get(sorted({n for p in parts for n in p})))


# -- verification ------------------------------------------------------------------------------


def _check_hash(value: bytes, what: str) -> None:
    if not isinstance(value, bytes) or len(value) != 32:
        raise ValueError(f"{what} must be a 32-byte SHA-256 hash")


def verify_inclusion(
    leaf: bytes, index: int, size: int, proof: Sequence[bytes], root: bytes
) -> bool:
    """Whether ``proof`` shows leaf hash ``leaf`` at ``index`` in the tree with ``root``."""
    for item in (leaf, root, *proof):
        _check_hash(item, "every hash")
    if not 0 <= index < size:
        return False
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


def verify_consistency(
    old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> bool:
    """Whether ``proof`` shows the tree (old_size, old_root) is a prefix of (new_size, new_root)."""
    for item in (old_root, new_root, *proof):
        _check_hash(item, "every hash")
    if not 0 <= old_size <= new_size:
        return False
    if old_size == new_size:
        return not proof and old_root == new_root
    if old_size == 0:
        return not proof and old_root == EMPTY_ROOT
    if not proof:
        return False
    path = list(proof)
    if old_size & (old_size - 1) == 0:  # an exact power of two
        path.insert(0, old_root)
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return fr == old_root and sr == new_root and sn == 0
