"""What a person sees of their skill on a track: :class:`Skill`, built from stored state."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import attrs

from motivekit._time import format_instant
from motivekit.mastery._criteria import CriteriaSkill, Criterion
from motivekit.mastery._fold import learner_of
from motivekit.mastery._levels import about
from motivekit.mastery._track import SkillTrack, Tracks
from motivekit.store._protocol import SkillBand, SkillsSession, StoredSkill

__all__ = ["Skill", "band_of", "export_skills", "skill_view"]


@attrs.frozen
class Skill:
    """One person's skill on one track, as they can see it.

    Numbers are there to be understood, not chased: ``summary`` says what they mean.
    """

    user: str
    track: str
    title: str
    evidence: int
    """Pieces of evidence so far."""
    estimate: float
    """The model's 0..1 estimate, which levels are compared against."""
    uncertainty: float
    """From 1 (nothing known) towards 0 (see the track's model)."""
    level: str | None
    """The level reached; None below the first level or before ``min_evidence``."""
    next_level: str | None
    """The next level up, if any."""
    mastered: bool
    success_rate: float | None
    """The mean outcome so far (graded outcomes count in part); None without evidence."""
    trend: float
    """How much the estimate moved over the last pieces of evidence (up to 10)."""
    typical_success: float
    """The predicted success on a task of typical difficulty."""
    summary: str
    """What the state means in words, e.g. ``You solve about 3 in 4 medium reviews``."""
    last_practice: datetime | None
    recall: float | None
    """Estimated recall now, for tracks with retention (None otherwise)."""
    refresh_due: bool
    """Whether it is time to refresh (retention); a level is never lost."""
    band: tuple[float, float]
    """The challenge band next challenges aim for (the person's own, else the track's)."""
    target: float
    own_band: bool
    """Whether the person set the band themselves."""
    criteria: tuple[Criterion, ...] = ()
    """For a criteria track: each criterion, what it says and whether it is met."""


def skill_view(
    user: str,
    track: SkillTrack,
    stored: StoredSkill | None,
    band: SkillBand | None,
    now: datetime,
) -> Skill:
    """What ``user`` sees of their ``stored`` state on ``track`` at ``now``."""
    learner = learner_of(track, stored)
    level_i = track.level_index(learner)
    ladder = track.ladder
    next_level = None
    if ladder is not None:
        up = 0 if level_i is None else level_i + 1
        next_level = ladder.levels[up][0] if up < len(ladder.levels) else None
    recent = () if stored is None else stored.recent
    last_at = None if stored is None else stored.last_at
    low, high, target = band_of(track, band)
    typical = track.typical_success(learner)
    criteria: tuple[Criterion, ...] = ()
    if isinstance(track.model, CriteriaSkill):
        criteria = tuple(track.model.criteria(learner, track.typical_tasks))
    return Skill(
        user=user,
        track=track.id,
        title=track.title,
        evidence=learner.evidence,
        estimate=track.model.estimate(learner),
        uncertainty=track.model.uncertainty(learner),
        level=None if level_i is None or ladder is None else ladder.levels[level_i][0],
        next_level=next_level,
        mastered=track.mastered(learner),
        success_rate=learner.successes / learner.evidence if learner.evidence else None,
        trend=recent[-1] - recent[0] if len(recent) > 1 else 0.0,
        typical_success=typical,
        summary=_summary(track, learner.evidence, typical, criteria),
        last_practice=last_at,
        recall=track.recall(learner, last_at, now),
        refresh_due=track.refresh_due(learner, last_at, now),
        band=(low, high),
        target=target,
        own_band=band is not None,
        criteria=criteria,
    )


def _summary(
    track: SkillTrack, evidence: int, typical: float, criteria: Sequence[Criterion]
) -> str:
    if criteria:
        return "; ".join(c.text for c in criteria)
    missing = track.min_evidence - evidence
    if missing > 0:
        piece = "piece" if missing == 1 else "pieces"
        return f"{missing} more {piece} of evidence before a level is shown"
    return f"You solve {about(typical)} {track.typical_tasks}"


def band_of(track: SkillTrack, band: SkillBand | None) -> tuple[float, float, float]:
    """``(low, high, target)``: the person's own band, else the track's."""
    if band is None:
        return track.band[0], track.band[1], track.target
    return band.low, band.high, band.target


def export_skills(
    session: SkillsSession, user: str, tracks: Tracks, now: datetime
) -> list[dict[str, Any]]:
    """Every skill state and own band of ``user`` as JSON-ready dicts, by track id
    (``kit.privacy.export``): the stored state, the band they chose, and what they see of
    it on tracks the rules still define (``view``; None on a track no longer in them)."""
    stored = {s.track: s for s in session.user_skills(user)}
    bands = session.user_bands(user)
    out: list[dict[str, Any]] = []
    for track_id in sorted(stored.keys() | bands.keys()):
        state, band = stored.get(track_id), bands.get(track_id)
        track = tracks.by_id.get(track_id)
        view: dict[str, Any] | None = None
        if track is not None:
            seen = skill_view(user, track, state, band, now)
            view = {
                "title": seen.title,
                "estimate": seen.estimate,
                "uncertainty": seen.uncertainty,
                "level": seen.level,
                "next_level": seen.next_level,
                "mastered": seen.mastered,
                "success_rate": seen.success_rate,
                "summary": seen.summary,
                "recall": seen.recall,
                "refresh_due": seen.refresh_due,
                "band": list(seen.band),
                "target": seen.target,
            }
        out.append(
            {
                "track": track_id,
                "state": None if state is None else _state_json(state),
                "own_band": None
                if band is None
                else {"low": band.low, "high": band.high, "target": band.target},
                "view": view,
            }
        )
    return out


def _state_json(state: StoredSkill) -> dict[str, Any]:
    return {
        "evidence": state.evidence,
        "successes": state.successes,
        "theta": state.theta,
        "p_known": state.p_known,
        "at_difficulty": state.at_difficulty,
        "last_evidence_at": None if state.last_at is None else format_instant(state.last_at),
        "recent": list(state.recent),
        "seq": state.seq,
        "level": state.level,
    }
