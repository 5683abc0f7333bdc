"""``kit.mastery.explain``: the evidence behind a person's skill on a track."""

from __future__ import annotations

import attrs

from motivekit._consent import ConsentState
from motivekit._evidence import journal_pages
from motivekit._runtime import Runtime
from motivekit.mastery._fold import SkillFold, SkillStep, fold_entries
from motivekit.mastery._rebuild import skill_changes
from motivekit.mastery._track import SkillTrack, Tracks
from motivekit.mastery._view import Skill
from motivekit.store import Store

__all__ = ["SkillExplanation", "trace"]


def trace(
    store: Store, runtime: Runtime, person: str, track: SkillTrack
) -> tuple[tuple[SkillStep, ...], bool]:
    """The evidence that shaped one person's skill, folded from the journal under
    ``runtime``, and whether the stored state differs from that fold (one snapshot).

    A track that learns item difficulties is folded over everyone's entries (they move
    the items); other tracks over the person's own entries.
    """
    fold = SkillFold(Tracks((track,)), trace=(person, track.id))
    consent = ConsentState(runtime.consent)
    with store.reading() as session:
        if track.learns_items:
            for entries in journal_pages(session):
                fold_entries(fold, entries, consent)
        else:
            fold_entries(fold, session.subject_entries(person), consent)
        stored = session.skills([(person, track.id)]).get((person, track.id))
    record = fold.records.get((person, track.id))
    folded = None if record is None else record.stored()
    return tuple(fold.steps), skill_changes(stored, folded, track) != []


@attrs.frozen
class SkillExplanation:
    """Why a person's skill on a track is what it is: the evidence behind it.

    ``steps`` lists, oldest first, every event that was evidence (with its outcome,
    difficulty and the estimate after it) and every event of an evidence kind that did
    not count (with why).
    """

    person: str
    skill: Skill
    rules_version: int
    steps: tuple[SkillStep, ...]
    stale: bool
    """True when the stored state differs from the journal under these rules (the
    database needs ``motivekit replay``); the steps show what the journal says."""

    def counted(self) -> list[SkillStep]:
        """The pieces of evidence the state comes from."""
        return [s for s in self.steps if s.counted]

    def lines(self) -> list[str]:
        """The explanation as text."""
        skill = self.skill
        counted = self.counted()
        what = f"{skill.title}: {skill.level}" if skill.level else skill.title
        out = [f"{what} comes from these {len(counted)} pieces of evidence:"]
        for s in self.steps:
            when = s.at.strftime("%Y-%m-%d %H:%M")
            if s.counted:
                parts = [f"outcome {s.outcome or 0:g}"]
                if s.difficulty is not None:
                    parts.append(f"difficulty {s.difficulty:g}")
                if s.item is not None:
                    parts.append(f"item {s.item}")
                level = f", {s.level}" if s.level else ""
                said = f" — {s.detail}" if s.detail else ""
                out.append(
                    f"  #{s.seq} {when} {s.kind}: {', '.join(parts)} → estimate "
                    f"{s.estimate or 0:.2f}{level}{said} (rules v{s.rules})"
                )
            else:
                out.append(
                    f"  #{s.seq} {when} {s.kind}: not counted, {s.detail} (rules v{s.rules})"
                )
        out.append(f"now: {skill.summary}")
        if self.stale:
            out.append("the stored state differs from the journal: run `motivekit replay`")
        return out
