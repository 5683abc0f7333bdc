"""Recursive attribution: how one beneficiary event's value flows to earlier work.

The scheme of the MIT team that won the DARPA Network Challenge (Pickard et al. 2011,
"Time-critical social mobilization", Science 334:509): the contributor keeps a share of
the value and passes the rest on, so the person ``k`` steps away receives::

    credit_k = V * (1 - rho) * rho**k          (rho = 1/2 by default)

Here the steps run along two kinds of edge: a contribution *builds on* earlier
contributions, and a person was *referred by* someone. A node that receives an amount
keeps ``(1 - rho)`` of it for its owner and passes ``rho`` of it on, split equally among
its parents; so the total handed out never exceeds V, whatever the graph looks like.
The MIT team's incentive was money; no study shows that splitting unpaid credit motivates, so the
split here explains who helped rather than promising an effect.

The walk goes level by level (``k = 0, 1, ...``) up to a depth cap and is safe against
cycles and self-dealing:

* a node is visited once: amounts that come back to it (a cycle) are dropped;
* a person is credited at one level only, the nearest: credit that would reach them
  again further up is dropped;
* *sybil guard*: nobody is credited for help that came from themselves or from an
  identity the host linked to them (the beneficiary, or anyone credited nearer). Such a
  node still passes ``rho`` of its amount on, so nobody gains or loses by where a
  duplicate identity sits in the chain; its own share simply goes to nobody.

Everything here is pure: the graph is read through :class:`Graph`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Mapping
from typing import Literal, Protocol

import attrs

__all__ = [
    "MAX_NODES",
    "MAX_PARENTS",
    "Contribution",
    "Credit",
    "Graph",
    "MemoryGraph",
    "attribute",
]

MAX_PARENTS = 100
"""At most this many contributions a contribution builds on count (the first ones named)."""
MAX_NODES = 1000
"""At most this many nodes are credited per beneficiary event; the rest goes to nobody."""

Node = tuple[Literal["c", "p"], str]
"""A contribution ``("c", id)`` or a person as referrer ``("p", user)``."""


@attrs.frozen
class Contribution:
    """What the walk needs to know about a contribution."""

    id: str
    owner: str | None
    """None once the owner was forgotten: credit passes through, nobody keeps it."""
    parents: tuple[str, ...] = ()


@attrs.frozen
class Credit:
    """One person's share of one beneficiary event's value."""

    user: str
    depth: int
    """Steps between the credited contribution and this person's (0: it is theirs)."""
    share: float
    """Their part of the value V: ``V * (1 - rho) * rho**depth`` along a single chain."""
    contribution: str | None
    """Their contribution the credit reached them through; None: as the referrer of
    someone nearer."""


class Graph(Protocol):
    """Read access to the attribution graph, a level's worth of nodes at a time."""

    def contributions(self, ids: Collection[str]) -> Mapping[str, Contribution]:
        """The contributions among ``ids`` that exist."""
        ...

    def referrers(self, people: Collection[str]) -> Mapping[str, str]:
        """Who referred each of ``people`` (those with a referrer)."""
        ...

    def identities(self, people: Collection[str]) -> Mapping[str, str]:
        """Each person's identity: a linked-identity group they share with the other
        identities the host linked them to; themselves if not linked."""
        ...


@attrs.define
class MemoryGraph:
    """A :class:`Graph` held in dicts (tests, and the docs' examples)."""

    nodes: dict[str, Contribution] = attrs.field(factory=dict)
    referred_by: dict[str, str] = attrs.field(factory=dict)
    linked: dict[str, str] = attrs.field(factory=dict)
    """person → group for linked identities."""

    def add(self, id: str, owner: str | None, builds_on: tuple[str, ...] = ()) -> None:
        """Add a contribution."""
        self.nodes[id] = Contribution(id, owner, builds_on)

    def contributions(self, ids: Collection[str]) -> Mapping[str, Contribution]:
        return {i: self.nodes[i] for i in ids if i in self.nodes}

    def referrers(self, people: Collection[str]) -> Mapping[str, str]:
        return {p: self.referred_by[p] for p in people if p in self.referred_by}

    def identities(self, people: Collection[str]) -> Mapping[str, str]:
        return {p: self.linked.get(p, p) for p in people}


def attribute(
    graph: Graph,
    root: str,
    beneficiary: str | None,
    *,
    value: float = 1.0,
    decay: float = 0.5,
    max_depth: int = 4,
    mode: Literal["recursive", "direct"] = "recursive",
) -> list[Credit]:
    """Split ``value`` for help that contribution ``root`` gave ``beneficiary``.

    Returns the credits in walk order (nearest first). Empty when ``root`` does not
    exist or when the beneficiary is its owner or an identity linked to them. ``mode``
    ``"direct"`` stops after the direct parents (depth 1) whatever ``max_depth`` says.
    """
    found = graph.contributions([root])
    if root not in found:
        return []
    cap = min(max_depth, 1) if mode == "direct" else max_depth
    known: dict[str, Contribution] = dict(found)
    identity: dict[str, str] = {}

    def identities(people: set[str]) -> None:
        missing = people - identity.keys()
        if missing:
            identity.update(graph.identities(missing))
            for person in missing:  # a store may leave unlinked people out
                identity.setdefault(person, person)

    blocked: set[str] = set()
    if beneficiary is not None:
        owner = found[root].owner
        identities({beneficiary} | ({owner} if owner is not None else set()))
        if owner is not None and identity[owner] == identity[beneficiary]:
            return []  # help from yourself (or your other account) is not impact
        blocked.add(identity[beneficiary])
    credits: list[Credit] = []
    visited: set[Node] = set()
    frontier: dict[Node, float] = {("c", root): value}
    for depth in range(cap + 1):
        owners = sorted({o for node in frontier if (o := _owner(node, known)) is not None})
        identities(set(owners))
        referrers = graph.referrers(owners) if depth < cap else {}
        reached: set[str] = set()
        passed: dict[Node, float] = defaultdict(float)
        parents_of: dict[Node, list[Node]] = {}
        if depth < cap:
            wanted = {p for node in frontier if node[0] == "c" for p in known[node[1]].parents}
            known.update(graph.contributions(sorted(wanted - known.keys())))
        for node in sorted(frontier):
            amount = frontier[node]
            visited.add(node)
            owner = _owner(node, known)
            if owner is not None:
                who = identity[owner]
                reached.add(who)
                if who not in blocked and len(credits) < MAX_NODES:
                    through = node[1] if node[0] == "c" else None
                    credits.append(Credit(owner, depth, amount * (1 - decay), through))
            if depth < cap:
                parents_of[node] = _parents(node, known, referrers, owner)
        blocked |= reached
        for node, parents in parents_of.items():
            onward = [p for p in parents if p not in visited and p not in frontier]
            for parent in onward:
                passed[parent] += frontier[node] * decay / len(onward)
        frontier = dict(passed)
        if not frontier:
            break
    return credits


def _owner(node: Node, known: Mapping[str, Contribution]) -> str | None:
    if node[0] == "p":
        return node[1]
    return known[node[1]].owner


def _parents(
    node: Node, known: Mapping[str, Contribution], referrers: Mapping[str, str], owner: str | None
) -> list[Node]:
    """A node's parents: the contributions it builds on that exist (at most
    :data:`MAX_PARENTS`, in the order named) and its owner's referrer."""
    parents: list[Node] = []
    if node[0] == "c":
        seen = {node[1]}
        for parent in known[node[1]].parents:
            if parent in known and parent not in seen and len(parents) < MAX_PARENTS:
                seen.add(parent)
                parents.append(("c", parent))
    if owner is not None and owner in referrers:
        parents.append(("p", referrers[owner]))
    return parents
