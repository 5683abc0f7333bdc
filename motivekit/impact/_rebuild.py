"""Comparing stored impact with a fold of the journal, in words.

Contributions, feeds and missions are rebuilt by replay in one pass over the journal (who
built on whose work depends on everyone's entries in order); this module reads the counts
a report compares and says what the rebuild changed or would change.
"""

from __future__ import annotations

from collections.abc import Mapping

from motivekit.impact._spec import ImpactSpec
from motivekit.store._protocol import ImpactSession

__all__ = ["ImpactCounts", "impact_counts", "impact_diffs", "mission_diffs"]

ImpactCounts = tuple[Mapping[str, int], Mapping[str, int]]
"""Impact items per recipient, and each mission's total."""


def impact_counts(session: ImpactSession, spec: ImpactSpec) -> ImpactCounts:
    """The stored items per recipient and the stored total of each mission in ``spec``."""
    stored = session.missions([m.id for m in spec.missions])
    return session.impact_counts(), {
        m.id: stored[m.id].total for m in spec.missions if m.id in stored
    }


def impact_diffs(before: Mapping[str, int], after: Mapping[str, int]) -> dict[str, list[str]]:
    """Per person whose feed changes, how, e.g. ``impact items: 3 → 5``."""
    return {
        person: [f"impact items: {before.get(person, 0)} → {after.get(person, 0)}"]
        for person in sorted(before.keys() | after.keys())
        if before.get(person, 0) != after.get(person, 0)
    }


def mission_diffs(before: Mapping[str, int], after: Mapping[str, int]) -> tuple[str, ...]:
    """How each changed mission's total moves, e.g. ``mission handbook: 120 → 118``."""
    return tuple(
        f"mission {m}: {before.get(m, 0)} → {after.get(m, 0)}"
        for m in sorted(before.keys() | after.keys())
        if before.get(m, 0) != after.get(m, 0)
    )
