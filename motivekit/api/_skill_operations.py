"""The skill operations: every track's state, one track, its evidence, next challenges,
and the person's own challenge band."""

from __future__ import annotations

import math

from pydantic import BaseModel

from motivekit import InvalidInput
from motivekit.api._bodies import ChallengesQuery, SetBand
from motivekit.api._call import Call
from motivekit.api._views import (
    ChallengeOut,
    ChallengesOut,
    SkillExplanationOut,
    SkillListOut,
    SkillOut,
)

__all__ = [
    "explain_skill",
    "get_skill",
    "list_skills",
    "next_challenges",
    "parse_candidates",
    "set_band",
]


def parse_candidates(text: str) -> list[str | tuple[str, float]]:
    """``"r-1,r-2:4.5"`` as candidates: ids, or ``(id, difficulty)`` pairs."""
    out: list[str | tuple[str, float]] = []
    for i, part in enumerate(text.split(",")):
        cid, sep, difficulty = part.strip().partition(":")
        if not sep:
            out.append(cid)
            continue
        try:
            number = float(difficulty)
        except ValueError:
            number = math.nan
        if not math.isfinite(number):
            raise InvalidInput(
                f"candidates[{i}] {part!r} must be an item id or id:difficulty with a "
                f"number, e.g. r-2:4.5"
            )
        out.append((cid, number))
    return out


def list_skills(call: Call) -> BaseModel:
    return SkillListOut(skills=[SkillOut.of(s) for s in call.kit.mastery.states(call.user)])


def get_skill(call: Call) -> BaseModel:
    return SkillOut.of(call.kit.mastery.state(call.user, call.path["track_id"]))


def explain_skill(call: Call) -> BaseModel:
    return SkillExplanationOut.of(call.kit.mastery.explain(call.user, call.path["track_id"]))


def next_challenges(call: Call) -> BaseModel:
    query = call.query_as(ChallengesQuery)
    track = call.path["track_id"]
    mastery = call.kit.mastery
    skill = mastery.state(call.user, track)  # an unknown track is a 404 before the query
    picked = mastery.next_challenges(call.user, track, parse_candidates(query.candidates), query.k)
    return ChallengesOut(
        track=track,
        band=list(skill.band),
        target=skill.target,
        challenges=[
            ChallengeOut(id=c.id, predicted=c.predicted, in_band=c.in_band) for c in picked
        ],
    )


def set_band(call: Call) -> BaseModel:
    body = call.body_as(SetBand)
    band = None if body.band is None else (body.band[0], body.band[1])
    skill = call.kit.mastery.set_band(
        call.user, call.path["track_id"], band, target=body.target, by=call.user
    )
    return SkillOut.of(skill)
