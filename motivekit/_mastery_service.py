"""``kit.mastery``: each person's skill on each track, next challenges, their own band."""

from __future__ import annotations

import builtins
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime

import attrs

from motivekit._canonical import JSONValue
from motivekit._consent import Mechanic
from motivekit._entries import command_draft
from motivekit._errors import InvalidInput, InvalidTrack, NotPermitted, UnknownTrack
from motivekit._mastery_fold import SkillStep, learner_of
from motivekit._model import check_name
from motivekit._replay import Replayer
from motivekit._time import Clock
from motivekit.audit._log import LogWriter
from motivekit.mastery._challenge import Challenge, check_band, next_challenges
from motivekit.mastery._criteria import CriteriaSkill, Criterion
from motivekit.mastery._levels import about
from motivekit.mastery._protocol import ItemState
from motivekit.mastery._track import SkillTrack, check_tracks, finite_number
from motivekit.store._protocol import SkillBand, Store, StoredSkill

__all__ = ["Candidates", "Mastery", "Skill", "SkillExplanation"]

Candidates = Iterable[str | tuple[str, float]] | Mapping[str, float]
"""Challenge candidates: item ids (their learned difficulty, else typical), ``(id,
difficulty)`` pairs on the team's scale, or a mapping of id to difficulty."""


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


def _person(value: object, field: str) -> str:
    return check_name(value, field, InvalidInput, "pass the person's user id")


class Mastery:
    """Skill tracks: every person's state, next challenges and their own challenge band."""

    def __init__(
        self,
        store: Store,
        writer: LogWriter,
        clock: Clock,
        defaults: Mapping[Mechanic, bool],
        rules_version: int,
        tracks: Sequence[SkillTrack] = (),
        replayer: Replayer | None = None,
    ) -> None:
        self._replayer = replayer or Replayer(store, clock, defaults)
        self._store = store
        self._writer = writer
        self._clock = clock
        self._defaults = defaults
        self._rules = rules_version
        self._tracks = check_tracks(tracks)

    def _use(self, tracks: Sequence[SkillTrack], rules_version: int) -> None:
        """Switch to new tracks and a new rules version (``kit.reload_rules``)."""
        self._tracks, self._rules = check_tracks(tracks), rules_version

    @property
    def tracks(self) -> builtins.list[SkillTrack]:
        """The tracks, in the order they are defined."""
        return list(self._tracks.values())

    def track(self, track_id: str) -> SkillTrack:
        """The track with ``track_id``, or :class:`UnknownTrack`."""
        try:
            return self._tracks[track_id]
        except (KeyError, TypeError):
            known = ", ".join(map(repr, self._tracks)) or "none"
            raise UnknownTrack(f"no skill track {track_id!r}; tracks: {known}") from None

    # -- reading ----------------------------------------------------------------------------

    def state(self, user: str, track: str) -> Skill:
        """``user``'s skill on ``track`` (the model's starting state without evidence)."""
        _person(user, "user")
        t = self.track(track)
        with self._store.reading() as session:
            stored = session.skills([(user, track)]).get((user, track))
            band = session.skill_bands([(user, track)]).get((user, track))
        return self._skill(user, t, stored, band, self._clock())

    def states(self, user: str) -> builtins.list[Skill]:
        """``user``'s skill on every track, in track order."""
        _person(user, "user")
        with self._store.reading() as session:
            stored = {s.track: s for s in session.user_skills(user)}
            bands = session.skill_bands([(user, t) for t in self._tracks])
        now = self._clock()
        return [
            self._skill(user, t, stored.get(t.id), bands.get((user, t.id)), now)
            for t in self._tracks.values()
        ]

    def next_challenges(
        self, user: str, track: str, candidates: Candidates, k: int = 3
    ) -> builtins.list[Challenge]:
        """Up to ``k`` candidates whose predicted success is nearest the person's target
        inside their band (the track's default band unless they set their own).

        There are at least two options whenever there are two candidates (a choice, not an
        assignment); those outside the band are flagged ``in_band=False``. Each comes with
        its predicted success.
        """
        _person(user, "user")
        t = self.track(track)
        pairs = _candidates(candidates)
        learned_ids = [cid for cid, d in pairs if d is None]
        with self._store.reading() as session:
            stored = session.skills([(user, track)]).get((user, track))
            band = session.skill_bands([(user, track)]).get((user, track))
            items = session.skill_items([(track, i) for i in learned_ids]) if t.learns_items else {}
        asked = []
        for cid, difficulty in pairs:
            known = items.get((track, cid))
            learned = None if known is None else ItemState(d=known[0], n=known[1])
            asked.append((cid, t.candidate(difficulty, learned)))
        low, high, target = _band(t, band)
        return next_challenges(t.model, learner_of(t, stored), asked, (low, high), target, k)

    def explain(self, user: str, track: str) -> SkillExplanation:
        """Why ``user``'s skill on ``track`` is what it is: the evidence it comes from,
        folded from the journal under the current rules.

        For a track that learns item difficulties this folds everyone's entries (other
        people's attempts move the items), otherwise only the person's own.
        """
        _person(user, "user")
        t = self.track(track)
        steps, _, stale = self._replayer.trace_skill(user, t)
        return SkillExplanation(user, self.state(user, track), self._rules, steps, stale)

    # -- the person's own band ------------------------------------------------------------------

    def set_band(
        self,
        user: str,
        track: str,
        band: tuple[float, float] | None,
        *,
        target: float | None = None,
        by: str,
    ) -> Skill:
        """Set the predicted-success band ``user``'s next challenges aim for on ``track``
        (``None``: back to the track's default). Only the person themselves may."""
        _person(user, "user")
        _person(by, "by")
        t = self.track(track)
        if by != user:
            raise NotPermitted(f"only {user!r} may set their own challenge band; {by!r} may not")
        chosen = None
        if band is not None:
            if isinstance(band, str | bytes) or not isinstance(band, Sequence) or len(band) != 2:
                raise InvalidTrack(f"band must be (low, high) or None, got {band!r}")
            given = (*band, *(() if target is None else (target,)))
            if any(finite_number(x) is None for x in given):
                raise InvalidTrack(f"band and target must be numbers, got {band!r}, {target!r}")
            low, high, aim = check_band(band, target)
            chosen = SkillBand(low, high, aim)
        elif target is not None:
            raise InvalidTrack("a target needs a band; pass band=(low, high) as well")
        at = self._clock()
        args: dict[str, JSONValue] = {"user": user, "track": track}
        if chosen is not None:
            # The journal holds no floats (their text is not portable): exact decimal text.
            args |= {k: repr(getattr(chosen, k)) for k in ("low", "high", "target")}
        draft = command_draft("mastery.band", by, dict(args), at, self._rules)
        with self._writer.transaction() as session:
            self._writer.append(session, [draft])
            session.set_skill_band(user, track, chosen, at)
            stored = session.skills([(user, track)]).get((user, track))
        return self._skill(user, t, stored, chosen, at)

    # -- building the view ----------------------------------------------------------------------

    def _skill(
        self,
        user: str,
        track: SkillTrack,
        stored: StoredSkill | None,
        band: SkillBand | None,
        now: datetime,
    ) -> Skill:
        learner = learner_of(track, stored)
        level_i = track.level_index(learner)
        ladder = track.ladder
        next_level = None
        if ladder is not None:
            up = 0 if level_i is None else level_i + 1
            next_level = ladder.levels[up][0] if up < len(ladder.levels) else None
        recent = () if stored is None else stored.recent
        last_at = None if stored is None else stored.last_at
        low, high, target = _band(track, band)
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


def _band(track: SkillTrack, band: SkillBand | None) -> tuple[float, float, float]:
    if band is None:
        return track.band[0], track.band[1], track.target
    return band.low, band.high, band.target


def _candidates(candidates: Candidates) -> list[tuple[str, float | None]]:
    if isinstance(candidates, str | bytes):
        raise InvalidInput("candidates must be a list of ids or (id, difficulty) pairs, not text")
    if isinstance(candidates, Mapping):
        pairs: Iterable[object] = candidates.items()
    else:
        try:
            pairs = list(candidates)
        except TypeError:
            raise InvalidInput(
                f"candidates must be a list of ids or (id, difficulty) pairs, got "
                f"{type(candidates).__name__}"
            ) from None
    out: list[tuple[str, float | None]] = []
    for i, c in enumerate(pairs):
        if isinstance(c, str):
            out.append((check_name(c, f"candidates[{i}]", InvalidInput, "pass an item id"), None))
            continue
        difficulty = finite_number(c[1]) if isinstance(c, tuple) and len(c) == 2 else None
        if difficulty is not None and isinstance(c, tuple) and isinstance(c[0], str):
            cid = check_name(c[0], f"candidates[{i}]", InvalidInput, "pass an item id")
            out.append((cid, difficulty))
            continue
        raise InvalidInput(
            f"candidates[{i}] must be an item id or an (id, difficulty) pair with a "
            f"number, got {c!r}"
        )
    return out
