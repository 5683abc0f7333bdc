"""Comparing stored skill states with a fold of the journal, in words.

Skill states are rebuilt by replay in one pass over the journal (item difficulties depend
on everyone's attempts in order); this module reads what is stored, page by page, and says
per person what the rebuild changed or would change.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import attrs

from motivekit.mastery._fold import learner_of
from motivekit.mastery._track import SkillTrack
from motivekit.store._protocol import SkillsSession, StoredSkill

__all__ = ["SkillDiff", "skill_changes", "skill_diffs", "stored_skills"]

_PAGE = 10_000

Skills = Mapping[tuple[str, str], StoredSkill]
"""Skill states by ``(user, track)``."""


@attrs.frozen
class SkillDiff:
    """How one person's skill on one track differs under the new rules."""

    track: str
    title: str
    changes: tuple[str, ...]
    """Each change in words, e.g. ``level: Practising → Fluent``."""


def stored_skills(session: SkillsSession) -> dict[tuple[str, str], StoredSkill]:
    """Every stored skill state, read in pages."""
    found: dict[tuple[str, str], StoredSkill] = {}
    after: tuple[str, str] | None = None
    while page := session.all_skills(after, _PAGE):
        found.update(((s.user, s.track), s) for s in page)
        after = page[-1].user, page[-1].track
    return found


def skill_diffs(
    before: Skills, after: Skills, tracks: Sequence[SkillTrack]
) -> dict[str, list[SkillDiff]]:
    """Per person, how their stored skills differ from the rebuilt ones."""
    by_id = {t.id: t for t in tracks}
    out: dict[str, list[SkillDiff]] = {}
    for key in sorted(before.keys() | after.keys()):
        user, track_id = key
        track = by_id.get(track_id)
        if track is None:
            diff = SkillDiff(track_id, track_id, ("removed: the track is no longer in the rules",))
        else:
            changes = skill_changes(before.get(key), after.get(key), track)
            if not changes:
                continue
            diff = SkillDiff(track_id, track.title, tuple(changes))
        out.setdefault(user, []).append(diff)
    return out


def skill_changes(
    before: StoredSkill | None, after: StoredSkill | None, track: SkillTrack
) -> list[str]:
    """How a stored skill differs from a folded one, in words ([] when equal)."""
    if before == after:
        return []
    if before is None:
        return ["rebuilt from the journal"]
    if after is None:
        return ["no evidence in the journal under these rules"]
    changes = []
    if before.level != after.level:
        changes.append(f"level: {before.level or 'none yet'} → {after.level or 'none yet'}")
    old, new = learner_of(track, before), learner_of(track, after)
    est_before, est_after = track.model.estimate(old), track.model.estimate(new)
    if f"{est_before:.2f}" != f"{est_after:.2f}":
        changes.append(f"estimate: {est_before:.2f} → {est_after:.2f}")
    if before.evidence != after.evidence:
        changes.append(f"evidence: {before.evidence} → {after.evidence}")
    if not changes:
        changes.append("the estimate differs in its last digits")
    return changes
