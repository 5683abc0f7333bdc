"""Recursive attribution (motivekit.impact.attribute): the split, its bounds and guards."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from motivekit.impact import MAX_NODES, MemoryGraph, attribute


def chain(n: int) -> MemoryGraph:
    """c0 builds on c1 builds on ... c{n-1}; ci is owned by ui."""
    graph = MemoryGraph()
    for i in range(n):
        graph.add(f"c{i}", f"u{i}", (f"c{i + 1}",) if i + 1 < n else ())
    return graph


def shares(credits: list) -> dict[str, float]:  # type: ignore[type-arg]
    return {c.user: c.share for c in credits}


def test_a_depth_6_chain_gives_exactly_the_geometric_split() -> None:
    credits = attribute(chain(7), "c0", "ben", max_depth=6)
    assert [(c.user, c.depth) for c in credits] == [(f"u{k}", k) for k in range(7)]
    for c in credits:
        # credit_k = V (1 - rho) rho^k with V = 1, rho = 1/2: exact in binary floating point
        assert Fraction(c.share) == Fraction(1, 2) * Fraction(1, 2) ** c.depth
    assert Fraction(sum(c.share for c in credits)) == 1 - Fraction(1, 2**7)
    assert [c.contribution for c in credits] == [f"c{k}" for k in range(7)]


@pytest.mark.parametrize("rho", [0.25, 0.5, 0.8])
def test_other_decays_follow_the_formula(rho: float) -> None:
    credits = attribute(chain(7), "c0", "ben", decay=rho, max_depth=6, value=10.0)
    for c in credits:
        assert c.share == pytest.approx(10.0 * (1 - rho) * rho**c.depth, rel=1e-12)


def test_the_depth_cap_stops_the_walk() -> None:
    credits = attribute(chain(7), "c0", "ben", max_depth=2)
    assert [c.user for c in credits] == ["u0", "u1", "u2"]


def test_direct_mode_credits_only_the_contributor_and_direct_parents() -> None:
    credits = attribute(chain(7), "c0", "ben", max_depth=6, mode="direct")
    assert shares(credits) == {"u0": 0.5, "u1": 0.25}


def test_a_cycle_gives_nothing_extra() -> None:
    plain = attribute(chain(4), "c0", "ben", max_depth=10)
    looped = chain(4)
    looped.add("c3", "u3", ("c0",))  # the oldest now builds on the newest
    again = attribute(looped, "c0", "ben", max_depth=10)
    assert shares(again) == shares(plain)
    assert len(again) == 4


def test_building_on_your_own_work_gives_nothing_extra() -> None:
    graph = MemoryGraph()
    graph.add("old", "ada")
    graph.add("new", "ada", ("old",))
    assert shares(attribute(graph, "new", "ben")) == {"ada": 0.5}
    graph.add("base", "bob")
    graph.add("old", "ada", ("base",))
    # ada's own earlier work passes credit on to bob, but ada gets nothing more
    assert shares(attribute(graph, "new", "ben")) == {"ada": 0.5, "bob": 0.125}


def test_no_credit_for_helping_yourself() -> None:
    graph = chain(3)
    assert attribute(graph, "c0", "u0") == []
    graph.linked = {"u0": "g", "sock": "g"}
    assert attribute(graph, "c0", "sock") == []


def test_linked_identities_get_no_credit_from_each_other() -> None:
    graph = chain(4)
    graph.linked = {"u0": "g", "u2": "g"}  # u2 is u0's second account
    credits = attribute(graph, "c0", "ben", max_depth=6)
    assert shares(credits) == {"u0": 0.5, "u1": 0.25, "u3": 0.0625}
    graph.linked = {"ben": "h", "u1": "h"}  # the beneficiary is u1's other account
    assert "u1" not in shares(attribute(graph, "c0", "ben", max_depth=6))


def test_a_self_referral_gives_nothing() -> None:
    graph = MemoryGraph()
    graph.add("c", "ada")
    graph.referred_by = {"ada": "ada"}
    assert shares(attribute(graph, "c", "ben")) == {"ada": 0.5}


def test_referral_chains_follow_the_red_balloon_scheme() -> None:
    # finder ada was invited by bob, who was invited by cy: 1/2, 1/4, 1/8
    graph = MemoryGraph()
    graph.add("balloon", "ada")
    graph.referred_by = {"ada": "bob", "bob": "cy"}
    credits = attribute(graph, "balloon", "ben")
    assert [(c.user, c.depth, c.share, c.contribution) for c in credits] == [
        ("ada", 0, 0.5, "balloon"),
        ("bob", 1, 0.25, None),
        ("cy", 2, 0.125, None),
    ]


def test_several_parents_share_what_is_passed_on() -> None:
    graph = MemoryGraph()
    graph.add("a", "ann")
    graph.add("b", "bea")
    graph.add("c", "cat", ("a", "b", "missing", "c"))  # unknown and self ids are ignored
    assert shares(attribute(graph, "c", "ben")) == {"cat": 0.5, "ann": 0.125, "bea": 0.125}


def test_a_person_is_credited_at_their_nearest_level_only() -> None:
    graph = MemoryGraph()
    graph.add("deep", "ann")
    graph.add("mid", "bea", ("deep",))
    graph.add("top", "cat", ("mid", "other"))
    graph.add("other", "ann")
    credits = attribute(graph, "top", "ben", max_depth=4)
    assert [(c.user, c.depth) for c in credits] == [("cat", 0), ("bea", 1), ("ann", 1)]


def test_an_unknown_root_or_forgotten_owner() -> None:
    graph = chain(3)
    assert attribute(graph, "nope", "ben") == []
    graph.add("c1", None, ("c2",))  # u1 was forgotten: credit passes through
    assert shares(attribute(graph, "c0", "ben")) == {"u0": 0.5, "u2": 0.125}


def test_a_huge_fan_in_is_capped() -> None:
    graph = MemoryGraph()
    parents = tuple(f"p{i}" for i in range(100))
    graph.add("root", "r", parents)
    for i, p in enumerate(parents):
        graph.add(p, f"o{i}", tuple(f"q{i}-{j}" for j in range(20)))
        for j in range(20):
            graph.add(f"q{i}-{j}", f"w{i}-{j}")
    credits = attribute(graph, "root", "ben", max_depth=3)
    assert len(credits) == MAX_NODES
    assert sum(c.share for c in credits) <= 1.0


@st.composite
def graphs(draw: st.DrawFn) -> tuple[MemoryGraph, str, str]:
    n = draw(st.integers(1, 12))
    owners = [draw(st.sampled_from(["a", "b", "c", "d", "e", "f"])) for _ in range(n)]
    graph = MemoryGraph()
    for i in range(n):
        parents = draw(st.lists(st.integers(0, n - 1), max_size=3))
        graph.add(f"c{i}", owners[i], tuple(f"c{p}" for p in parents))
    people = "abcdefg"
    for person in people:
        if draw(st.booleans()):
            graph.referred_by[person] = draw(st.sampled_from(people))
    for person in people:
        if draw(st.integers(0, 4)) == 0:
            graph.linked[person] = draw(st.sampled_from(["g1", "g2"]))
    return graph, f"c{draw(st.integers(0, n - 1))}", draw(st.sampled_from(people))


@settings(max_examples=300, deadline=None)
@given(graphs(), st.sampled_from([0.2, 0.5, 0.9]), st.integers(1, 8))
def test_any_graph_never_hands_out_more_than_v(
    case: tuple[MemoryGraph, str, str], rho: float, depth: int
) -> None:
    graph, root, beneficiary = case
    credits = attribute(graph, root, beneficiary, decay=rho, max_depth=depth)
    assert sum(c.share for c in credits) <= 1.0 + 1e-12
    identity = {p: graph.linked.get(p, p) for p in "abcdefg"}
    groups_by_depth: dict[str, set[int]] = {}
    for c in credits:
        assert c.depth <= depth
        assert c.share <= (1 - rho) * rho**c.depth + 1e-12
        assert identity[c.user] != identity[beneficiary]
        groups_by_depth.setdefault(identity[c.user], set()).add(c.depth)
    # each identity is credited at one level only
    assert all(len(levels) == 1 for levels in groups_by_depth.values())
    if credits:
        assert credits[0].depth == 0
        assert credits[0].contribution == root
