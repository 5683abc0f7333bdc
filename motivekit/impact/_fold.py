"""Impact as a fold of the journal: contributions, feeds, credits and missions.

:class:`ImpactFold` applies events in journal order. Live, it loads the rows a batch
needs from the store as it goes (a walk up the attribution graph reads one level at a
time) and writes what changed at the end; a replay folds the whole journal into cleared
tables the same way, batch by batch; a dry run folds into memory from nothing.

What one beneficiary event does:

1. each contribution it credits is looked up; the value V = 1 is split along the
   build-on and referral graph (:func:`motivekit.impact.attribute`);
2. every credited person whose impact consent is on gets an *impact item*, filed under
   a feed entry that groups items of one kind, on one contribution, in one (UTC) week;
   the entry keeps its place in the feed (where its first item put it) and counts the
   people helped, so pages stay stable while items arrive.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection, Iterable, Mapping
from datetime import UTC, date, datetime, timedelta
from typing import NamedTuple

import attrs

from motivekit._canonical import loads
from motivekit._consent import ConsentState, Mechanic
from motivekit._evidence import ConsentChoice, EvidenceEvent, decode
from motivekit._model import ImpactChange, MissionChange
from motivekit.impact._attribution import Contribution, Credit, attribute
from motivekit.impact._spec import Created, Helped, ImpactSpec, Reading
from motivekit.rules._model import Mission
from motivekit.store._protocol import (
    FeedGroup,
    ImpactItem,
    ImpactSession,
    StoredContribution,
    StoredEntry,
    StoredMission,
)

__all__ = [
    "ITEMS_PER_EVENT",
    "ImpactFold",
    "ImpactStep",
    "Milestone",
    "apply_steps",
    "item_kind",
    "milestones_of",
    "read_steps",
    "week_of",
]

ITEMS_PER_EVENT = 1024
"""Impact items one event can make (a feed position is ``seq * 1024 + n``)."""


def week_of(at: datetime) -> date:
    """The Monday (UTC) of the week ``at`` falls in."""
    day = at.astimezone(UTC).date()
    return day - timedelta(days=day.weekday())


def item_kind(depth: int, node: str | None) -> str:
    """``direct`` (the recipient's own contribution helped), ``built-on`` (work built on
    their contribution ``node`` helped) or ``referral`` (they brought its author in)."""
    if depth == 0:
        return "direct"
    return "built-on" if node is not None else "referral"


def milestones_of(mission: Mission) -> tuple[int, ...]:
    """A mission's milestones with its target as the last one."""
    return tuple(sorted({*mission.milestones, mission.target.count}))


class ImpactFold:
    """Applies events to impact state (see the module docstring)."""

    def __init__(
        self,
        spec: ImpactSpec,
        session: ImpactSession | None,
        *,
        consent: ConsentState,
        links: Callable[[Collection[str]], Mapping[str, str]],
        forgotten: Callable[[Collection[str]], Collection[str]],
    ) -> None:
        self.spec = spec
        self._session = session
        self.consent = consent
        """Whose impact is on (live: loaded from the store; replay: as of the journal)."""
        self._links = links
        self._forgotten = forgotten
        self._contributions: dict[str, StoredContribution | None] = {}
        self._referrers: dict[str, str | None] = {}
        self._identity: dict[str, str] = {}
        self._groups: dict[tuple[str, str], FeedGroup | None] = {}
        self._seen: dict[tuple[str, int, str], bool] = {}
        self._missions: dict[str, StoredMission] = {}
        self._stored_parts: dict[tuple[str, str], int] = {}
        self._new_contributions: list[StoredContribution] = []
        self._new_referrals: dict[str, str] = {}
        self._dirty_groups: dict[tuple[str, int], FeedGroup] = {}
        self._dirty_missions: set[str] = set()
        self.items: list[ImpactItem] = []
        """Items made since the fold started (or was last saved)."""
        self.parts: Counter[tuple[str, str]] = Counter()
        self.item_counts: Counter[str] = Counter()
        """Items made per recipient by this fold (dry runs compare them)."""

    # -- the attribution graph (motivekit.impact.Graph) -------------------------------------

    def contributions(self, ids: Collection[str]) -> Mapping[str, Contribution]:
        self._load_contributions(ids)
        out = {}
        for i in ids:
            c = self._contributions.get(i)
            if c is not None:
                out[i] = Contribution(c.id, c.owner, c.parents)
        return out

    def referrers(self, people: Collection[str]) -> Mapping[str, str]:
        missing = [p for p in people if p not in self._referrers]
        if missing:
            found = self._session.referrers(missing) if self._session is not None else {}
            for p in missing:
                self._referrers[p] = found.get(p)
        return {p: r for p in people if (r := self._referrers.get(p)) is not None}

    def identities(self, people: Collection[str]) -> Mapping[str, str]:
        missing = [p for p in people if p not in self._identity]
        if missing:
            found = self._links(missing)
            for p in missing:
                self._identity[p] = found.get(p, p)
        return {p: self._identity[p] for p in people}

    def _load_contributions(self, ids: Collection[str]) -> None:
        missing = [i for i in ids if i not in self._contributions]
        if missing:
            found = self._session.contributions(missing) if self._session is not None else {}
            for i in missing:
                self._contributions[i] = found.get(i)

    # -- applying events --------------------------------------------------------------------

    def apply(
        self, event: EvidenceEvent, reading: Reading
    ) -> tuple[list[ImpactChange], list[MissionChange]]:
        """Apply one event; who it credited and which missions it counted towards."""
        for created in reading.created:
            self._create(event, created)
        changes: list[ImpactChange] = []
        for helped in reading.helped:
            self._help(event, helped, changes)
        missions = [self._count(event, m) for m in reading.missions]
        return changes, missions

    def _create(self, event: EvidenceEvent, created: Created) -> None:
        self._load_contributions([created.id])
        if self._contributions[created.id] is not None:
            return  # the first event that names an id makes the contribution
        contribution = StoredContribution(
            created.id,
            event.actor,
            event.kind,
            created.rule.noun,
            created.builds_on,
            event.seq,
            event.at,
        )
        self._contributions[created.id] = contribution
        self._new_contributions.append(contribution)
        referrer = created.referred_by
        if referrer is None or self.referrers([event.actor]) or self._forgotten([referrer]):
            return  # no referral, the first one counts, and a forgotten person is not named
        ids = self.identities([event.actor, referrer])
        if ids[event.actor] != ids[referrer]:  # nobody refers themselves
            self._referrers[event.actor] = referrer
            self._new_referrals[event.actor] = referrer

    def _help(self, event: EvidenceEvent, helped: Helped, changes: list[ImpactChange]) -> None:
        """Credit everyone ``helped`` reaches; items are numbered on from ``changes``."""
        beneficiary: str | None = helped.beneficiary
        if helped.named and self._forgotten([helped.beneficiary]):
            beneficiary = None  # named in the event's data, but they were forgotten
        for root in helped.credits:
            credits = attribute(
                self,
                root,
                beneficiary,
                decay=self.spec.decay,
                max_depth=self.spec.max_depth,
                mode=self.spec.mode,
            )
            # no credits: an unknown contribution, or help from oneself or a linked identity
            allowed = self._allows({c.user for c in credits})
            for credit in credits:
                if not allowed[credit.user]:
                    continue
                if len(changes) >= ITEMS_PER_EVENT:
                    return  # the rest are left out
                changes.append(self._item(event, helped, beneficiary, root, credit, len(changes)))

    def _allows(self, users: Iterable[str]) -> Mapping[str, bool]:
        return self.consent.switched_on(users, Mechanic.IMPACT)

    def _item(
        self,
        event: EvidenceEvent,
        helped: Helped,
        beneficiary: str | None,
        root: str,
        credit: Credit,
        n: int,
    ) -> ImpactChange:
        node = root if credit.depth == 0 else credit.contribution
        kind = item_kind(credit.depth, node)
        week = week_of(event.at)
        if kind == "direct":
            key = f"direct:{helped.rule.index}:{root}:{week.isoformat()}"
        elif kind == "built-on":
            key = f"built-on:{node}:{week.isoformat()}"
        else:
            key = f"referral:{week.isoformat()}"
        recipient = credit.user
        position = event.seq * ITEMS_PER_EVENT + n
        group = self._group(recipient, key)
        if group is None:
            noun = "contribution"
            if node is not None and (c := self._contributions.get(node)) is not None:
                noun = c.noun
            group = FeedGroup(
                recipient,
                position,
                key,
                kind,
                node,
                noun,
                helped.rule.story if kind == "direct" else None,
                week,
                0,
                0,
                (),
                event.at,
                event.at,
                event.seq,
                credit.depth,
            )
        new_person = True  # a forgotten beneficiary counts once each
        if beneficiary is not None:
            seen_key = (recipient, group.position, beneficiary)
            if seen_key not in self._seen:
                found = (
                    self._session.seen_beneficiaries([seen_key])
                    if self._session is not None
                    else ()
                )
                self._seen[seen_key] = seen_key in found
            new_person = not self._seen[seen_key]
            self._seen[seen_key] = True
        names = (beneficiary, *(x for x in group.names if x is None or x != beneficiary))[:2]
        group = attrs.evolve(
            group,
            items=group.items + 1,
            people=group.people + (1 if new_person else 0),
            names=names,
            first_at=min(group.first_at, event.at),
            last_at=max(group.last_at, event.at),
            last_seq=event.seq,
            depth=min(group.depth, credit.depth),
        )
        self._groups[recipient, key] = group
        self._dirty_groups[recipient, group.position] = group
        item = ImpactItem(
            recipient,
            event.seq,
            n,
            group.position,
            root,
            node,
            beneficiary,
            credit.depth,
            credit.share,
            event.at,
        )
        self.items.append(item)
        self.item_counts[recipient] += 1
        return ImpactChange(recipient, kind, node, root, beneficiary, credit.depth, credit.share)

    def _group(self, recipient: str, key: str) -> FeedGroup | None:
        if (recipient, key) not in self._groups:
            found = (
                self._session.feed_groups([(recipient, key)]) if self._session is not None else {}
            )
            self._groups[recipient, key] = found.get((recipient, key))
        return self._groups[recipient, key]

    # -- missions ---------------------------------------------------------------------------

    def mission(self, mission_id: str) -> StoredMission:
        """A mission's progress as folded so far."""
        if mission_id not in self._missions:
            found = self._session.missions([mission_id]) if self._session is not None else {}
            self._missions[mission_id] = found.get(mission_id) or StoredMission(mission_id, 0, ())
        return self._missions[mission_id]

    def _count(self, event: EvidenceEvent, mission: Mission) -> MissionChange:
        state = self.mission(mission.id)
        total = state.total + 1
        self._missions[mission.id] = attrs.evolve(state, total=total)
        self._dirty_missions.add(mission.id)
        part = None
        if self._allows([event.actor])[event.actor]:
            self.parts[mission.id, event.actor] += 1
            part = self._part(mission.id, event.actor)
        reached = total if total in milestones_of(mission) else None
        return MissionChange(mission.id, event.actor, total, mission.target.count, part, reached)

    def _part(self, mission_id: str, user: str) -> int:
        key = (mission_id, user)
        if key not in self._stored_parts:
            found = self._session.mission_parts([key]) if self._session is not None else {}
            self._stored_parts[key] = found.get(key, 0)
        return self._stored_parts[key] + self.parts[key]

    def announced(self, mission_id: str, milestone: int) -> None:
        """A milestone entry was written (or is being folded from the journal)."""
        state = self.mission(mission_id)
        if milestone not in state.announced:
            announced = tuple(sorted((*state.announced, milestone)))
            self._missions[mission_id] = attrs.evolve(state, announced=announced)
            self._dirty_missions.add(mission_id)

    def unannounced(self) -> list[tuple[str, int]]:
        """Milestones reached (by missions touched in this fold) without a journal entry."""
        out = []
        by_id = {m.id: m for m in self.spec.missions}
        for mission_id in sorted(self._dirty_missions):
            mission = by_id.get(mission_id)
            state = self._missions[mission_id]
            if mission is None:
                continue
            out += [
                (mission_id, m)
                for m in milestones_of(mission)
                if m <= state.total and m not in state.announced
            ]
        return out

    # -- writing ----------------------------------------------------------------------------

    def save(self, session: ImpactSession) -> None:
        """Write what changed since the last save."""
        session.add_contributions(self._new_contributions)
        session.add_referrals(self._new_referrals)
        session.save_feed_groups(list(self._dirty_groups.values()))
        session.add_impact_items(self.items)
        session.save_missions([self._missions[m] for m in sorted(self._dirty_missions)])
        session.add_mission_parts(dict(self.parts))
        # Parts are added, not replaced: what was saved is now the store's.
        for key, n in self.parts.items():
            if key in self._stored_parts:
                self._stored_parts[key] += n
        self._new_contributions, self._new_referrals = [], {}
        self._dirty_groups, self._dirty_missions = {}, set()
        self.items, self.parts = [], Counter()


# -- folding the journal (replay, dry runs) -------------------------------------------------


class Milestone(NamedTuple):
    """A milestone entry: ``mission`` reached ``milestone``."""

    mission: str
    milestone: int


ImpactStep = tuple[EvidenceEvent, Reading] | ConsentChoice | Milestone
"""What an entry means for impact: an event with its reading, a consent choice, or a
milestone entry."""


def read_steps(spec: ImpactSpec, entries: Iterable[StoredEntry]) -> list[ImpactStep]:
    """What each entry (oldest first) means for impact. Pure, and the bulk of the work,
    so a replay does it before taking the write lock."""
    steps: list[ImpactStep] = []
    if not spec.kinds:
        return steps
    for entry in entries:
        if entry.type == "milestone":
            payload = loads(entry.raw)
            assert isinstance(payload, dict)
            steps.append(Milestone(str(payload["mission"]), int(payload["milestone"])))
            continue
        if entry.type == "event" and entry.name not in spec.kinds:
            continue
        decoded = decode(entry)
        if isinstance(decoded, EvidenceEvent):
            reading = spec.read(decoded.kind, decoded.actor, decoded.at, decoded.data)
            if reading:
                steps.append((decoded, reading))
        elif decoded is not None and decoded.mechanic == Mechanic.IMPACT.value:
            steps.append(decoded)
    return steps


def apply_steps(fold: ImpactFold, steps: Iterable[ImpactStep]) -> None:
    """Apply read steps to ``fold`` in journal order (consent choices as they come;
    milestone entries are read, never written again)."""
    for step in steps:
        if isinstance(step, ConsentChoice):
            fold.consent.note(step)
        elif isinstance(step, Milestone):
            fold.announced(step.mission, step.milestone)
        else:
            fold.apply(*step)
