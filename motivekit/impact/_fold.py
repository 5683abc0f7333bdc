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

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import NamedTuple

import attrs

from motivekit._canonical import loads
from motivekit._consent import ConsentState, Mechanic
from motivekit._evidence import ConsentChoice, EvidenceEvent, decode
from motivekit._model import ImpactChange, MissionChange
from motivekit.impact._attribution import Credit, attribute
from motivekit.impact._graph import BatchGraph
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


@attrs.define
class _Group:
    """A feed entry while a fold works on it (a :class:`FeedGroup` once saved)."""

    recipient: str
    position: int
    key: str
    kind: str
    contribution: str | None
    noun: str
    story: str | None
    week: date
    items: int
    people: int
    names: tuple[str | None, ...]
    first_at: datetime
    last_at: datetime
    last_seq: int
    depth: int
    fresh: bool = False
    """Opened by this fold: whom it counted is all in memory, none of it in the store."""

    @classmethod
    def of(cls, g: FeedGroup) -> _Group:
        return cls(*attrs.astuple(g, recurse=False))

    def stored(self) -> FeedGroup:
        return FeedGroup(
            self.recipient,
            self.position,
            self.key,
            self.kind,
            self.contribution,
            self.noun,
            self.story,
            self.week,
            self.items,
            self.people,
            self.names,
            self.first_at,
            self.last_at,
            self.last_seq,
            self.depth,
        )


@attrs.define
class _Mission:
    """A mission's progress while a fold works on it."""

    total: int
    announced: tuple[int, ...]


class _Credited(NamedTuple):
    """One credit of a walk, and the feed entry its item would be filed under."""

    credit: Credit
    node: str | None
    kind: str
    key: str


class _Walk(NamedTuple):
    """What one contribution an event credits hands out, before consent is asked."""

    helped: Helped
    beneficiary: str | None
    root: str
    credited: list[_Credited]


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
        self.graph = BatchGraph(session, links, forgotten)
        """The attribution graph: the store's rows a batch needs, and what the fold made."""
        self._cap = min(spec.max_depth, 1) if spec.mode == "direct" else spec.max_depth
        self._groups: dict[tuple[str, str], _Group | None] = {}
        self._seen: dict[tuple[str, int, str], bool] = {}
        self._missions: dict[str, _Mission] = {}
        self._stored_parts: dict[tuple[str, str], int] = {}
        self._new_contributions: list[StoredContribution] = []
        self._new_referrals: dict[str, str] = {}
        self._dirty_groups: dict[tuple[str, int], _Group] = {}
        self._dirty_missions: set[str] = set()
        self.items: list[ImpactItem] = []
        """Items made since the fold started (or was last saved)."""
        self.parts: dict[tuple[str, str], int] = {}
        """Mission parts counted since the fold started (or was last saved)."""
        self.item_counts: dict[str, int] = {}
        """Items made per recipient by this fold (dry runs compare them)."""

    # -- applying events --------------------------------------------------------------------

    def apply(
        self, event: EvidenceEvent, reading: Reading
    ) -> tuple[list[ImpactChange], list[MissionChange]]:
        """Apply one event; who it credited and which missions it counted towards."""
        return self.apply_all([(event, reading)])[0]

    def apply_all(
        self, steps: Sequence[ImpactStep]
    ) -> list[tuple[list[ImpactChange], list[MissionChange]]]:
        """Apply ``steps`` in journal order; per event step, who it credited and which
        missions it counted towards.

        Exactly what applying them one at a time gives, with the store read set-wise for
        the whole batch: the graph first (:meth:`BatchGraph.prepare`); then, once every
        walk is known, the consent of the people credited and of the missions' actors,
        the feed entries and the beneficiaries they counted, the missions and the parts."""
        events = [s for s in steps if not isinstance(s, ConsentChoice | Milestone)]
        if events:
            self.graph.prepare(events, self._cap)
        # Contributions and walks in journal order: what an event creates is there for
        # the events after it. Neither depends on consent or on feeds.
        walks = [self._walks(event, reading) for event, reading in events]
        self._prepare(events, walks)
        # Then consent as of each event, filing items and counting, in journal order.
        out = []
        planned = iter(walks)
        for step in steps:
            if isinstance(step, ConsentChoice):
                self.consent.note(step)
            elif isinstance(step, Milestone):
                self.announced(step.mission, step.milestone)
            else:
                event, reading = step
                changes = self._file(event, next(planned))
                out.append((changes, [self._count(event, m) for m in reading.missions]))
        return out

    def _walks(self, event: EvidenceEvent, reading: Reading) -> list[_Walk]:
        for created in reading.created:
            self._create(event, created)
        walks = []
        graph, spec = self.graph, self.spec
        week = week_of(event.at).isoformat() if reading.helped else ""
        for helped in reading.helped:
            beneficiary: str | None = helped.beneficiary
            if helped.named and graph.forgotten(helped.beneficiary):
                beneficiary = None  # named in the event's data, but they were forgotten
            for root in helped.credits:
                credits = attribute(
                    graph,
                    root,
                    beneficiary,
                    decay=spec.decay,
                    max_depth=spec.max_depth,
                    mode=spec.mode,
                )
                # no credits: an unknown contribution, or help from oneself or a linked
                # identity
                credited = []
                for credit in credits:
                    node = root if credit.depth == 0 else credit.contribution
                    kind = item_kind(credit.depth, node)
                    if kind == "direct":
                        key = f"direct:{helped.rule.index}:{root}:{week}"
                    elif kind == "built-on":
                        key = f"built-on:{node}:{week}"
                    else:
                        key = f"referral:{week}"
                    credited.append(_Credited(credit, node, kind, key))
                walks.append(_Walk(helped, beneficiary, root, credited))
        return walks

    def _create(self, event: EvidenceEvent, created: Created) -> None:
        graph = self.graph
        graph.load_contributions([created.id])
        if graph.stored[created.id] is not None:
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
        graph.add(contribution)
        self._new_contributions.append(contribution)
        referrer = created.referred_by
        if referrer is None or graph.referrer(event.actor) is not None:
            return  # no referral, or the first one counts
        if graph.forgotten(referrer):
            return  # a forgotten person is not named
        ids = graph.identities([event.actor, referrer])
        if ids[event.actor] != ids[referrer]:  # nobody refers themselves
            graph.refer(event.actor, referrer)
            self._new_referrals[event.actor] = referrer

    def _prepare(
        self, events: Sequence[tuple[EvidenceEvent, Reading]], walks: Sequence[list[_Walk]]
    ) -> None:
        """Read, once for the batch, what filing the walks' items and counting the events
        for missions needs (a superset: whoever may turn out to have impact on)."""
        people: set[str] = set()
        groups: set[tuple[str, str]] = set()
        for event_walks in walks:
            for walk in event_walks:
                for c in walk.credited:
                    people.add(c.credit.user)
                    groups.add((c.credit.user, c.key))
        missions: set[str] = set()
        parts: set[tuple[str, str]] = set()
        for event, reading in events:
            if reading.missions:
                people.add(event.actor)
                for m in reading.missions:
                    missions.add(m.id)
                    parts.add((m.id, event.actor))
        self.consent.load(people)
        session = self._session
        missing = [k for k in groups if k not in self._groups]
        found = session.feed_groups(missing) if session is not None and missing else {}
        for k in missing:
            stored = found.get(k)
            self._groups[k] = None if stored is None else _Group.of(stored)
        seen = set()
        for event_walks in walks:
            for walk in event_walks:
                if walk.beneficiary is None:
                    continue
                for c in walk.credited:
                    group = self._groups[c.credit.user, c.key]
                    if group is not None and not group.fresh:
                        key = (group.recipient, group.position, walk.beneficiary)
                        if key not in self._seen:
                            seen.add(key)
        if seen:
            counted = session.seen_beneficiaries(seen) if session is not None else ()
            for key in seen:
                self._seen[key] = key in counted
        self._load_missions(missions)
        wanted = [k for k in parts if k not in self._stored_parts]
        if wanted:
            have = session.mission_parts(wanted) if session is not None else {}
            for k in wanted:
                self._stored_parts[k] = have.get(k, 0)

    def _file(self, event: EvidenceEvent, walks: Sequence[_Walk]) -> list[ImpactChange]:
        """File the items of one event's walks for those with impact on; items are
        numbered in the order made, at most :data:`ITEMS_PER_EVENT` (the rest are left
        out)."""
        changes: list[ImpactChange] = []
        for walk in walks:
            if len(changes) >= ITEMS_PER_EVENT:
                break
            allowed = self.consent.switched_on(
                {c.credit.user for c in walk.credited}, Mechanic.IMPACT
            )
            for credited in walk.credited:
                if not allowed[credited.credit.user]:
                    continue
                if len(changes) >= ITEMS_PER_EVENT:
                    break
                changes.append(self._item(event, walk, credited, len(changes)))
        return changes

    def _item(self, event: EvidenceEvent, walk: _Walk, credited: _Credited, n: int) -> ImpactChange:
        credit, node, kind, key = credited
        helped, beneficiary, root = walk.helped, walk.beneficiary, walk.root
        recipient, seq, at = credit.user, event.seq, event.at
        position = seq * ITEMS_PER_EVENT + n
        group = self._group(recipient, key)
        if group is None:
            noun = "contribution"
            if node is not None and (c := self.graph.stored.get(node)) is not None:
                noun = c.noun
            group = _Group(
                recipient,
                position,
                key,
                kind,
                node,
                noun,
                helped.rule.story if kind == "direct" else None,
                week_of(at),
                0,
                0,
                (),
                at,
                at,
                seq,
                credit.depth,
                True,
            )
            self._groups[recipient, key] = group
        new_person = True  # a forgotten beneficiary counts once each
        if beneficiary is not None:
            seen_key = (recipient, group.position, beneficiary)
            seen = self._seen.get(seen_key)
            if seen is None and not group.fresh:
                seen = self._counted(seen_key)
            new_person = not seen
            self._seen[seen_key] = True
        names = group.names
        if not names or names[0] != beneficiary or beneficiary is None:
            names = (beneficiary, *(x for x in names if x is None or x != beneficiary))[:2]
        group.items += 1
        if new_person:
            group.people += 1
        group.names = names
        if at < group.first_at:
            group.first_at = at
        if at > group.last_at:
            group.last_at = at
        group.last_seq = seq
        if credit.depth < group.depth:
            group.depth = credit.depth
        self._dirty_groups[recipient, group.position] = group
        self.items.append(
            ImpactItem(
                recipient,
                seq,
                n,
                group.position,
                root,
                node,
                beneficiary,
                credit.depth,
                credit.share,
                at,
            )
        )
        self.item_counts[recipient] = self.item_counts.get(recipient, 0) + 1
        return ImpactChange(recipient, kind, node, root, beneficiary, credit.depth, credit.share)

    def _group(self, recipient: str, key: str) -> _Group | None:
        if (recipient, key) not in self._groups:  # not read by _prepare: read it now
            found = (
                self._session.feed_groups([(recipient, key)]) if self._session is not None else {}
            )
            g = found.get((recipient, key))
            self._groups[recipient, key] = None if g is None else _Group.of(g)
        return self._groups[recipient, key]

    def _counted(self, key: tuple[str, int, str]) -> bool:
        """Whether the store has an item of ``key`` (not read by _prepare: read it now)."""
        return self._session is not None and key in self._session.seen_beneficiaries([key])

    # -- missions ---------------------------------------------------------------------------

    def _load_missions(self, ids: Iterable[str]) -> None:
        missing = [i for i in ids if i not in self._missions]
        if missing:
            found = self._session.missions(missing) if self._session is not None else {}
            for i in missing:
                m = found.get(i)
                self._missions[i] = _Mission(0, ()) if m is None else _Mission(m.total, m.announced)

    def mission(self, mission_id: str) -> StoredMission:
        """A mission's progress as folded so far."""
        self._load_missions([mission_id])
        state = self._missions[mission_id]
        return StoredMission(mission_id, state.total, state.announced)

    def _count(self, event: EvidenceEvent, mission: Mission) -> MissionChange:
        self._load_missions([mission.id])
        state = self._missions[mission.id]
        state.total += 1
        total = state.total
        self._dirty_missions.add(mission.id)
        part = None
        if self.consent.allows(event.actor, Mechanic.IMPACT):
            key = (mission.id, event.actor)
            self.parts[key] = self.parts.get(key, 0) + 1
            part = self._part(key)
        reached = total if total in milestones_of(mission) else None
        return MissionChange(mission.id, event.actor, total, mission.target.count, part, reached)

    def _part(self, key: tuple[str, str]) -> int:
        if key not in self._stored_parts:
            found = self._session.mission_parts([key]) if self._session is not None else {}
            self._stored_parts[key] = found.get(key, 0)
        return self._stored_parts[key] + self.parts.get(key, 0)

    def announced(self, mission_id: str, milestone: int) -> None:
        """A milestone entry was written (or is being folded from the journal)."""
        self._load_missions([mission_id])
        state = self._missions[mission_id]
        if milestone not in state.announced:
            state.announced = tuple(sorted((*state.announced, milestone)))
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
        session.save_feed_groups([g.stored() for g in self._dirty_groups.values()])
        session.add_impact_items(self.items)
        session.save_missions(
            [
                StoredMission(m, self._missions[m].total, self._missions[m].announced)
                for m in sorted(self._dirty_missions)
            ]
        )
        session.add_mission_parts(dict(self.parts))
        # Parts are added, not replaced: what was saved is now the store's.
        for key, n in self.parts.items():
            if key in self._stored_parts:
                self._stored_parts[key] += n
        self._new_contributions, self._new_referrals = [], {}
        self._dirty_groups, self._dirty_missions = {}, set()
        self.items, self.parts = [], {}


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
    milestone entries are read, never written again), as one batch."""
    fold.apply_all(list(steps))
