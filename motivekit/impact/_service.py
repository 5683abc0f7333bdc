"""``kit.impact``: impact feeds, credits, people's own choices and collective missions."""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any

import attrs

from motivekit._canonical import JSONValue
from motivekit._consent import ConsentState, Mechanic
from motivekit._entries import command_draft
from motivekit._errors import InvalidInput, NotPermitted, UnknownFeedEntry, UnknownMission
from motivekit._model import ImpactChange, check_instant, check_name
from motivekit._runtime import Core
from motivekit.impact._fold import item_kind, milestones_of, week_of
from motivekit.impact._spec import ImpactSpec
from motivekit.impact._stories import SOMEONE, tell
from motivekit.impact._views import (
    Digest,
    ExplainedItem,
    FeedEntry,
    FeedPage,
    ImpactExplanation,
    ImpactPreferences,
    MissionProgress,
    part_story_of,
    percent,
)
from motivekit.rules._model import Mission
from motivekit.store._protocol import FeedGroup, ImpactItem, ImpactPrefs, ImpactSession, Session

__all__ = ["Impact", "Names", "feed_entry", "namer"]

Names = Callable[[str], str]
"""Turns a user id into the name a story shows (default: the id itself)."""

MAX_LIMIT = 200
_UNSET: Any = object()
_CURSOR = re.compile(r"f1\.(0|[1-9][0-9]{0,18})")
_DIGEST_ITEMS = 1000
_EVERY = {"day": timedelta(days=1), "week": timedelta(days=7)}


def _person(value: object, field: str) -> str:
    return check_name(value, field, InvalidInput, "pass the person's user id")


def _cursor(position: int) -> str:
    return f"f1.{position}"


class Impact:
    """``kit.impact``: impact feeds, credits, choices and collective missions."""

    def __init__(self, core: Core) -> None:
        self._core = core

    @property
    def spec(self) -> ImpactSpec:
        """The impact rules and missions the Kit runs under."""
        return self._core.runtime.impact

    def _consent(self, session: Session) -> ConsentState:
        return ConsentState(self._core.runtime.consent, session)

    def _allowed(self, session: Session, user: str) -> bool:
        return self._consent(session).allows(user, Mechanic.IMPACT)

    @staticmethod
    def _group_at(session: Session, recipient: str, position: int) -> FeedGroup | None:
        """The feed entry of ``recipient`` at ``position``, if there is one."""
        found = session.feed_page(recipient, position + 1, 1)
        return found[0] if found and found[0].position == position else None

    # -- feeds ------------------------------------------------------------------------------

    def feed(
        self, user: str, limit: int = 20, cursor: str | None = None, *, names: Names | None = None
    ) -> FeedPage:
        """A page of ``user``'s impact feed, newest first.

        Pass the page's ``cursor`` to get the next one: pages never repeat or skip an
        entry, however many items arrive meanwhile (new entries appear on a fresh first
        page; an entry's counts may grow in place). ``names`` turns user ids into the
        names stories show; people who chose to stay anonymous, and forgotten people,
        are "someone". Empty while ``user`` has impact switched off.
        """
        _person(user, "user")
        if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_LIMIT:
            raise InvalidInput(f"limit must be a whole number from 1 to {MAX_LIMIT}, got {limit!r}")
        before = None
        if cursor is not None:
            match = _CURSOR.fullmatch(cursor) if isinstance(cursor, str) else None
            if match is None:
                raise InvalidInput(
                    f"cursor {cursor!r} is not a feed cursor; pass the cursor of the previous "
                    "page (FeedPage.cursor), or None for the first page"
                )
            before = int(match[1])
        now = self._core.runtime.clock()
        with self._core.store.reading() as session:
            if not self._allowed(session, user):
                return FeedPage((), None)
            groups = session.feed_page(user, before, limit + 1)
            shown = namer(session, [n for g in groups for n in g.names], names)
        more = len(groups) > limit
        groups = groups[:limit]
        entries = tuple(feed_entry(g, shown, now) for g in groups)
        return FeedPage(entries, _cursor(groups[-1].position) if more else None)

    def explain(self, user: str, entry: str, *, names: Names | None = None) -> ImpactExplanation:
        """Where one of ``user``'s feed entries comes from: "these 12 impact items come
        from these events", each with the journal entry behind it."""
        _person(user, "user")
        position = int(entry) if isinstance(entry, str) and entry.isdigit() else None
        if position is None:
            raise UnknownFeedEntry(f"{entry!r} is not a feed entry id; pass FeedEntry.id")
        limit = 500
        with self._core.store.reading() as session:
            group = self._group_at(session, user, position)
            if group is None:
                raise UnknownFeedEntry(
                    f"{user!r} has no feed entry {entry!r}; see kit.impact.feed({user!r})"
                )
            items = session.group_items(user, position, limit)
            shown = namer(session, [*group.names, *(i.beneficiary for i in items)], names)
            explained = []
            for item in items:
                found = session.entries(item.seq - 1, 1)
                journal = found[0] if found and found[0].seq == item.seq else None
                explained.append(
                    ExplainedItem(
                        item.seq,
                        None if journal is None else journal.event_id,
                        None if journal is None else journal.name,
                        item.at,
                        shown(item.beneficiary),
                        item.root,
                        item.node,
                        item.depth,
                        item.share,
                    )
                )
        view = feed_entry(group, shown, self._core.runtime.clock())
        return ImpactExplanation(user, view, tuple(explained), max(0, group.items - limit))

    def credits(self, event_id: str) -> tuple[ImpactChange, ...]:
        """Who was credited, and with what share, for the help event ``event_id`` showed."""
        check_name(event_id, "event_id", InvalidInput, "pass the id of a recorded event")
        with self._core.store.reading() as session:
            seq = session.known_events([event_id]).get(event_id)
            items = [] if seq is None else session.event_items(seq)
        return tuple(_change(i) for i in items)

    # -- people's choices -------------------------------------------------------------------

    def preferences(self, user: str) -> ImpactPreferences:
        """``user``'s choices about impact stories (defaults if they made none)."""
        _person(user, "user")
        with self._core.store.reading() as session:
            prefs = session.impact_prefs([user]).get(user) or ImpactPrefs(user)
        return ImpactPreferences(user, prefs.visibility, prefs.digest)

    def set_visibility(self, user: str, visibility: str, *, by: str) -> ImpactPreferences:
        """Whether others' stories may name ``user`` (``named``) or call them "someone"
        (``anonymous``) when they were helped. Only the person themselves may choose."""
        if visibility not in ("named", "anonymous"):
            raise InvalidInput(f"visibility must be 'named' or 'anonymous', got {visibility!r}")
        return self.set_preferences(user, visibility=visibility, by=by)

    def set_digest(self, user: str, every: str | None, *, by: str) -> ImpactPreferences:
        """Ask for a digest of new impact every ``day`` or ``week`` (None: no digest).
        Digests are opt-in; only the person themselves may ask."""
        return self.set_preferences(user, digest=every, by=by)

    def set_preferences(
        self,
        user: str,
        *,
        visibility: str | None = None,
        digest: str | None = _UNSET,
        by: str,
    ) -> ImpactPreferences:
        """Make both impact choices at once, in one transaction: ``visibility``
        (``named``/``anonymous``; None leaves it) and ``digest`` (``day``/``week``, None:
        no digest; left out: unchanged). Only the person themselves may choose."""
        changes: list[tuple[str, dict[str, str | None]]] = []
        if visibility is not None:
            if visibility not in ("named", "anonymous"):
                raise InvalidInput(f"visibility must be 'named' or 'anonymous', got {visibility!r}")
            changes.append(("impact.visibility", {"visibility": visibility}))
        if digest is not _UNSET:
            if digest is not None and digest not in _EVERY:
                raise InvalidInput(f"every must be 'day', 'week' or None, got {digest!r}")
            changes.append(("impact.digest", {"every": digest}))
        return self._choose(user, by, changes)

    def _choose(
        self, user: str, by: str, changes: Sequence[tuple[str, dict[str, str | None]]]
    ) -> ImpactPreferences:
        _person(user, "user")
        _person(by, "by")
        if by != user:
            raise NotPermitted(f"only {user!r} may make their own impact choices; {by!r} may not")
        runtime, writer = self._core.runtime, self._core.writer
        at = runtime.clock()

        def work(session: Session) -> ImpactPrefs:
            prefs = session.impact_prefs([user]).get(user) or ImpactPrefs(user)
            start, drafts = prefs, []
            for command, change in changes:
                visibility = change.get("visibility")
                if visibility is not None:
                    new = attrs.evolve(prefs, visibility=visibility)
                else:
                    new = attrs.evolve(prefs, digest=change["every"])
                if new != prefs:
                    args: dict[str, JSONValue] = {"user": user, **change}
                    drafts.append(command_draft(command, by, args, at, runtime.version))
                prefs = new
            if drafts:
                writer.append(session, drafts)
            if prefs != start:
                session.save_impact_prefs(prefs)
            return prefs

        new = writer.run(work)
        return ImpactPreferences(user, new.visibility, new.digest)

    def digests(self, *, at: datetime | None = None, limit: int = 100) -> list[Digest]:
        """The digests due now: for each person who asked for one, whose last digest is a
        day (or week) old, and who has new impact. Send them, then call
        :meth:`digest_sent` for each; until then they stay due."""
        if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
            raise InvalidInput(f"limit must be a whole number >= 1, got {limit!r}")
        now = self._core.runtime.clock() if at is None else check_instant(at, "at", InvalidInput)
        out: list[Digest] = []
        after = None
        with self._core.store.reading() as session:
            while len(out) < limit and (people := session.digest_people(after, 500)):
                after = people[-1].user
                for prefs in people:
                    assert prefs.digest is not None
                    if prefs.digest_at is not None and now - prefs.digest_at < _EVERY[prefs.digest]:
                        continue
                    if not self._allowed(session, prefs.user):
                        continue
                    digest = self._digest(session, prefs, now)
                    if digest is not None:
                        out.append(digest)
                        if len(out) == limit:
                            break
        return out

    def _digest(self, session: Session, prefs: ImpactPrefs, now: datetime) -> Digest | None:
        items = session.recipient_items(prefs.user, prefs.digest_seq, _DIGEST_ITEMS)
        if not items:
            return None
        if len(items) == _DIGEST_ITEMS and items[0].seq != items[-1].seq:
            last = items[-1].seq  # leave the last event's items whole for the next digest
            items = [i for i in items if i.seq != last]
        by_group: dict[int, list[ImpactItem]] = {}
        for item in items:
            by_group.setdefault(item.position, []).append(item)
        shown = namer(session, [i.beneficiary for i in items], None)
        lines = []
        for position in sorted(by_group, reverse=True):
            group = self._group_at(session, prefs.user, position)
            if group is None:
                continue
            new = by_group[position]
            people: list[str | None] = []
            for item in reversed(new):
                if item.beneficiary is None or item.beneficiary not in people:
                    people.append(item.beneficiary)
            names = [shown(p) for p in people[:2]]
            lines.append(
                tell(
                    group.kind,
                    group.story,
                    group.noun,
                    len(people),
                    names,
                    group.week,
                    week_of(now),
                )
            )
        assert prefs.digest is not None
        return Digest(prefs.user, prefs.digest, tuple(lines), len(items), items[-1].seq)

    def digest_sent(self, digest: Digest, *, at: datetime | None = None) -> None:
        """Mark ``digest`` as sent: its items are not in the next one. The first time a
        digest is marked, a ``digest.sent`` command about its recipient is journaled (a
        prompt, as the behavioural indices count them)."""
        if not isinstance(digest, Digest):
            raise InvalidInput(f"pass a Digest from kit.impact.digests(), got {digest!r}")
        runtime = self._core.runtime
        when = runtime.clock() if at is None else check_instant(at, "at", InvalidInput)

        def work(session: Session) -> None:
            prefs = session.impact_prefs([digest.user]).get(digest.user)
            if prefs is None:
                return  # the person was forgotten meanwhile
            if digest.up_to_seq > prefs.digest_seq:
                args: dict[str, JSONValue] = {
                    "user": digest.user,
                    "items": digest.items,
                    "up_to": digest.up_to_seq,
                }
                draft = command_draft("digest.sent", digest.user, args, when, runtime.version)
                self._core.writer.append(session, [draft])
            seq = max(prefs.digest_seq, digest.up_to_seq)
            session.save_impact_prefs(attrs.evolve(prefs, digest_seq=seq, digest_at=when))

        self._core.writer.run(work)

    # -- identities -------------------------------------------------------------------------

    def link(self, user: str, other: str) -> None:
        """Mark ``user`` and ``other`` as identities of the same person (the host knows:
        a second account, a sock puppet). Linked identities get no credit from each
        other's work, referrals or help, from now on; :meth:`Kit.replay` applies the
        links to the past too. Linking is transitive."""
        _person(user, "user")
        _person(other, "other")
        if user == other:
            raise InvalidInput(f"cannot link {user!r} to itself")
        runtime, writer = self._core.runtime, self._core.writer
        at = runtime.clock()

        def work(session: Session) -> None:
            groups = session.identity_groups([user, other])
            mine, theirs = groups.get(user), groups.get(other)
            if mine is not None and mine == theirs:
                return
            target = mine or theirs or f"g-{secrets.token_hex(8)}"
            moving = [p for p in (user, other) if groups.get(p) != target]
            for old in {g for g in (mine, theirs) if g is not None and g != target}:
                moving += [p for p in session.identity_members(old) if p not in moving]
            drafts = [
                command_draft("identity.link", p, {"user": p, "group": target}, at, runtime.version)
                for p in moving
            ]
            writer.append(session, drafts)
            session.set_identity_groups(dict.fromkeys(moving, target))

        writer.run(work)

    def linked(self, user: str) -> bool:
        """Whether the host linked ``user`` to another identity."""
        _person(user, "user")
        with self._core.store.reading() as session:
            return user in session.identity_groups([user])

    # -- missions ---------------------------------------------------------------------------

    def _mission(self, mission_id: str) -> Mission:
        missions = self._core.runtime.impact.missions
        for mission in missions:
            if mission.id == mission_id:
                return mission
        known = ", ".join(repr(m.id) for m in missions) or "none"
        raise UnknownMission(f"no mission {mission_id!r} in the rules (missions: {known})")

    def missions(self, user: str | None = None) -> list[MissionProgress]:
        """Every mission's progress, and ``user``'s part in each if given."""
        return [self.mission(m.id, user) for m in self._core.runtime.impact.missions]

    def mission(self, mission_id: str, user: str | None = None) -> MissionProgress:
        """A mission's progress across everyone and, with ``user``, their own part."""
        mission = self._mission(mission_id)
        if user is not None:
            _person(user, "user")
        with self._core.store.reading() as session:
            stored = session.missions([mission.id]).get(mission.id)
            part = None
            if user is not None and self._allowed(session, user):
                part = session.mission_parts([(mission.id, user)]).get((mission.id, user), 0)
        total = 0 if stored is None else stored.total
        stones = milestones_of(mission)
        target, unit = mission.target.count, mission.target.unit
        story = f"{mission.title}: {total} of {target} {unit} ({percent(total, target)})"
        part_story = part_story_of(part, total, unit) if part else None
        return MissionProgress(
            mission.id,
            mission.title,
            unit,
            target,
            total,
            stones,
            tuple(m for m in stones if m <= total),
            next((m for m in stones if m > total), None),
            total >= target,
            story,
            user,
            part,
            part_story,
        )

    def contributors(
        self, mission_id: str, *, after: str | None = None, limit: int = 100
    ) -> list[tuple[str, int]]:
        """Everyone's part in a mission whose rules show contributors, as ``(user, count)``
        in user-id order (never ranked); page with ``after`` = the last user seen. People
        who switched impact off are left out (a page may then hold fewer than ``limit``)."""
        mission = self._mission(mission_id)
        if mission.show != "contributors":
            raise NotPermitted(
                f"mission {mission_id!r} shows each person their own part only "
                f"(show: {mission.show}); use kit.impact.mission({mission_id!r}, user)"
            )
        if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= 1000:
            raise InvalidInput(f"limit must be a whole number from 1 to 1000, got {limit!r}")
        with self._core.store.reading() as session:
            parts = session.mission_contributors(mission.id, after, limit)
            allowed = self._consent(session).switched_on([u for u, _ in parts], Mechanic.IMPACT)
        return [(u, n) for u, n in parts if allowed[u]]


def _change(item: ImpactItem) -> ImpactChange:
    return ImpactChange(
        item.recipient,
        item_kind(item.depth, item.node),
        item.node,
        item.root,
        item.beneficiary,
        item.depth,
        item.share,
    )


def namer(
    session: ImpactSession, users: Sequence[str | None], names: Names | None
) -> Callable[[str | None], str]:
    """How stories show each of ``users``: "someone" for people who chose to stay
    anonymous and for forgotten people (None), else ``names(user)`` (default: the id)."""
    people = sorted({u for u in users if u is not None})
    anonymous = {u for u, p in session.impact_prefs(people).items() if p.visibility == "anonymous"}

    def shown(user: str | None) -> str:
        if user is None or user in anonymous:
            return SOMEONE
        return names(user) if names is not None else user

    return shown


def feed_entry(group: FeedGroup, shown: Callable[[str | None], str], now: datetime) -> FeedEntry:
    """The feed entry a person reads for a stored ``group`` at ``now``."""
    names = [shown(n) for n in group.names]
    story = tell(group.kind, group.story, group.noun, group.people, names, group.week, week_of(now))
    return FeedEntry(
        str(group.position),
        group.kind,
        story,
        group.people,
        group.items,
        tuple(n for n in names if n != SOMEONE),
        group.contribution,
        group.noun,
        group.week,
        group.first_at,
        group.last_at,
        group.depth,
    )
