"""Purpose: contributions, whom they helped, and how credit flows to earlier work.

The Kit runs these from a design file's ``impact`` and ``missions`` sections (see
``kit.impact``); the attribution walk is pure and can be used on its own::

    from motivekit.impact import MemoryGraph, attribute

    graph = MemoryGraph()
    graph.add("tutorial", "ada")
    graph.add("fix", "bob", builds_on=("tutorial",))
    [(c.user, c.share) for c in attribute(graph, "fix", "carol")]
    # [('bob', 0.5), ('ada', 0.25)]
"""

from __future__ import annotations

from motivekit.impact._attribution import (
    MAX_NODES,
    MAX_PARENTS,
    Contribution,
    Credit,
    Graph,
    MemoryGraph,
    attribute,
)

__all__ = [
    "MAX_NODES",
    "MAX_PARENTS",
    "Contribution",
    "Credit",
    "Graph",
    "MemoryGraph",
    "attribute",
]
