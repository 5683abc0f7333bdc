"""``kit.mastery``: each person's skill on each track, next challenges, their own band."""

from __future__ import annotations

import builtins
from collections.abc import Iterable, Mapping, Sequence

from motivekit._canonical import JSONValue
from motivekit._entries import command_draft
from motivekit._errors import InvalidInput, InvalidTrack, NotPermitted
from motivekit._model import check_name
from motivekit._runtime import Core
from motivekit.mastery._challenge import Challenge, check_band, next_challenges
from motivekit.mastery._explain import SkillExplanation, trace
from motivekit.mastery._fold import learner_of
from motivekit.mastery._protocol import ItemState
from motivekit.mastery._track import SkillTrack, finite_number
from motivekit.mastery._view import Skill, band_of, skill_view
from motivekit.store._protocol import Session, SkillBand, StoredSkill

__all__ = ["Candidates", "Mastery"]

Candidates = Iterable[str | tuple[str, float]] | Mapping[str, float]
"""Challenge candidates: item ids (their learned difficulty, else typical), ``(id,
difficulty)`` pairs on the team's scale, or a mapping of id to difficulty."""


def _person(value: object, field: str) -> str:
    return check_name(value, field, InvalidInput, "pass the person's user id")


class Mastery:
    """Skill tracks: every person's state, next challenges and their own challenge band."""

    def __init__(self, core: Core) -> None:
        self._core = core

    @property
    def tracks(self) -> builtins.list[SkillTrack]:
        """The tracks, in the order they are defined."""
        return list(self._core.runtime.tracks.all)

    def track(self, track_id: str) -> SkillTrack:
        """The track with ``track_id``, or :class:`UnknownTrack`."""
        return self._core.runtime.tracks.track(track_id)

    # -- reading ----------------------------------------------------------------------------

    def state(self, user: str, track: str) -> Skill:
        """``user``'s skill on ``track`` (the model's starting state without evidence)."""
        _person(user, "user")
        runtime = self._core.runtime
        t = runtime.tracks.track(track)
        with self._core.store.reading() as session:
            stored = session.skills([(user, track)]).get((user, track))
            band = session.skill_bands([(user, track)]).get((user, track))
        return skill_view(user, t, stored, band, runtime.clock())

    def states(self, user: str) -> builtins.list[Skill]:
        """``user``'s skill on every track, in track order."""
        _person(user, "user")
        runtime = self._core.runtime
        tracks = runtime.tracks.all
        with self._core.store.reading() as session:
            stored = {s.track: s for s in session.user_skills(user)}
            bands = session.skill_bands([(user, t.id) for t in tracks])
        now = runtime.clock()
        return [skill_view(user, t, stored.get(t.id), bands.get((user, t.id)), now) for t in tracks]

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
        with self._core.store.reading() as session:
            stored = session.skills([(user, track)]).get((user, track))
            band = session.skill_bands([(user, track)]).get((user, track))
            items = session.skill_items([(track, i) for i in learned_ids]) if t.learns_items else {}
        asked = []
        for cid, difficulty in pairs:
            known = items.get((track, cid))
            learned = None if known is None else ItemState(d=known[0], n=known[1])
            asked.append((cid, t.candidate(difficulty, learned)))
        low, high, target = band_of(t, band)
        return next_challenges(t.model, learner_of(t, stored), asked, (low, high), target, k)

    def explain(self, user: str, track: str) -> SkillExplanation:
        """Why ``user``'s skill on ``track`` is what it is: the evidence it comes from,
        folded from the journal under the current rules.

        For a track that learns item difficulties this folds everyone's entries (other
        people's attempts move the items), otherwise only the person's own.
        """
        _person(user, "user")
        runtime = self._core.runtime
        t = runtime.tracks.track(track)
        steps, stale = trace(self._core.store, runtime, user, t)
        with self._core.store.reading() as session:
            stored = session.skills([(user, track)]).get((user, track))
            band = session.skill_bands([(user, track)]).get((user, track))
        skill = skill_view(user, t, stored, band, runtime.clock())
        return SkillExplanation(user, skill, runtime.version, steps, stale)

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
        runtime = self._core.runtime
        t = runtime.tracks.track(track)
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
        at = runtime.clock()
        args: dict[str, JSONValue] = {"user": user, "track": track}
        if chosen is not None:
            # The journal holds no floats (their text is not portable): exact decimal text.
            args |= {k: repr(getattr(chosen, k)) for k in ("low", "high", "target")}
        draft = command_draft("mastery.band", by, dict(args), at, runtime.version)
        writer = self._core.writer

        def work(session: Session) -> StoredSkill | None:
            writer.append(session, [draft])
            session.set_skill_band(user, track, chosen, at)
            return session.skills([(user, track)]).get((user, track))

        stored = writer.run(work)
        return skill_view(user, t, stored, chosen, at)


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
