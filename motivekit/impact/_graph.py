"""The attribution graph as a fold sees it: the store's rows a batch needs, read set-wise.

:class:`BatchGraph` holds the contributions, referrers, identity links and forgotten
people a fold has read, plus the contributions and referrals the fold made itself, and
answers :class:`motivekit.impact.Graph` from memory. :meth:`BatchGraph.prepare` reads,
before a batch is folded, everything any walk of the batch can touch: it walks the graph
of every contribution the batch credits one level at a time *for the whole batch* (the
parents of a level in one read, the referrers of their owners in another), treating
every contribution the batch creates as if it existed already. That is a superset of what
each event's own walk reaches at the moment it is folded, so a walk then reads nothing.

Cost: at most ``2 * depth + 3`` reads per batch, whatever its size (contributions and
referrers per level, identity links once, forgotten people once). On the SQL store a
contribution read brings its owner's referrer along, so a level's referrers cost a read
only for people reached as referrers or invited in the batch. A key the superset
missed would still be read on demand (correct, one more read): the fold stays exact.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence

from motivekit._evidence import EvidenceEvent
from motivekit.impact._attribution import Contribution
from motivekit.impact._spec import Reading
from motivekit.store._protocol import ImpactSession, StoredContribution

__all__ = ["BatchGraph"]


class BatchGraph:
    """A :class:`motivekit.impact.Graph` over rows read a batch at a time (see the module
    docstring); without a session, over what the fold made alone."""

    def __init__(
        self,
        session: ImpactSession | None,
        links: Callable[[Collection[str]], Mapping[str, str]],
        forgotten: Callable[[Collection[str]], Collection[str]],
    ) -> None:
        self._session = session
        self._links = links
        self._forgotten = forgotten
        self.stored: dict[str, StoredContribution | None] = {}
        """Contributions by id as read or made (None: read, and not there)."""
        self._nodes: dict[str, Contribution] = {}
        self._referrer: dict[str, str | None] = {}
        self._identity: dict[str, str] = {}
        self._gone: dict[str, bool] = {}

    # -- motivekit.impact.Graph -------------------------------------------------------------

    def contributions(self, ids: Collection[str]) -> Mapping[str, Contribution]:
        self.load_contributions(ids)
        nodes, out = self._nodes, {}
        for i in ids:
            node = nodes.get(i)
            if node is not None:
                out[i] = node
        return out

    def referrers(self, people: Collection[str]) -> Mapping[str, str]:
        self.load_referrers(people)
        known = self._referrer
        return {p: r for p in people if (r := known[p]) is not None}

    def identities(self, people: Collection[str]) -> Mapping[str, str]:
        self.load_identities(people)
        known = self._identity
        return {p: known[p] for p in people}

    # -- what the fold asks and makes -------------------------------------------------------

    def referrer(self, person: str) -> str | None:
        """Who referred ``person`` (read or made), if anyone."""
        self.load_referrers([person])
        return self._referrer[person]

    def forgotten(self, person: str) -> bool:
        """Whether ``person`` was forgotten."""
        if person not in self._gone:
            self.load_forgotten([person])
        return self._gone[person]

    def add(self, contribution: StoredContribution) -> None:
        """A contribution the fold made: walks folded from now on see it."""
        self.stored[contribution.id] = contribution
        self._nodes[contribution.id] = Contribution(
            contribution.id, contribution.owner, contribution.parents
        )

    def refer(self, person: str, referrer: str) -> None:
        """A referral the fold made."""
        self._referrer[person] = referrer

    # -- reading set-wise -------------------------------------------------------------------

    def load_contributions(self, ids: Iterable[str]) -> None:
        known = self.stored
        missing = [i for i in ids if i not in known]
        if not missing:
            return
        found = self._session.contributions(missing) if self._session is not None else {}
        for i in missing:
            c = found.get(i)
            known[i] = c
            if c is not None:
                self._nodes[i] = Contribution(c.id, c.owner, c.parents)

    def load_referrers(self, people: Iterable[str]) -> None:
        known = self._referrer
        missing = [p for p in people if p not in known]
        if not missing:
            return
        found = self._session.referrers(missing) if self._session is not None else {}
        for p in missing:
            known[p] = found.get(p)

    def load_identities(self, people: Iterable[str]) -> None:
        known = self._identity
        missing = [p for p in people if p not in known]
        if missing:
            found = self._links(missing)
            for p in missing:
                known[p] = found.get(p, p)

    def load_forgotten(self, people: Iterable[str]) -> None:
        known = self._gone
        missing = [p for p in people if p not in known]
        if missing:
            found = self._forgotten(missing)
            for p in missing:
                known[p] = p in found

    def prepare(self, events: Sequence[tuple[EvidenceEvent, Reading]], cap: int) -> None:
        """Read everything the walks and contributions of ``events`` can touch, up to
        ``cap`` steps from each contribution they credit (see the module docstring)."""
        made: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
        """Contributions the batch may create: ``(owner, parents)`` of each candidate."""
        invited: dict[str, set[str]] = {}
        """People who may be referred in the batch, by whom."""
        people: set[str] = set()
        named: set[str] = set()
        roots: set[str] = set()
        for event, reading in events:
            for created in reading.created:
                made.setdefault(created.id, []).append((event.actor, created.builds_on))
                if created.referred_by is not None:
                    invited.setdefault(event.actor, set()).add(created.referred_by)
                    people.update((event.actor, created.referred_by))
                    named.add(created.referred_by)
            for helped in reading.helped:
                roots.update(helped.credits)
                people.add(helped.beneficiary)
                if helped.named:
                    named.add(helped.beneficiary)
        self.load_contributions([*made, *roots])
        self.load_forgotten(named)
        asked: Collection[str] = invited.keys()  # the first referral counts: read theirs
        level, persons = roots, set[str]()
        seen, seen_persons = set(roots), set[str]()
        for depth in range(cap + 1):
            owners = set(persons)
            parents: set[str] = set()
            for i in level:
                c = self.stored.get(i)
                if c is not None:
                    if c.owner is not None:
                        owners.add(c.owner)
                    parents.update(c.parents)
                for owner, builds_on in made.get(i, ()):
                    owners.add(owner)
                    parents.update(builds_on)
            people |= owners
            onward = depth < cap
            self.load_referrers([*owners, *asked] if onward else asked)
            asked = ()
            if not onward:
                break
            level = parents - seen
            seen |= level
            self.load_contributions(level)
            level = {i for i in level if self.stored.get(i) is not None or i in made}
            persons = set()
            for owner in owners:
                if (r := self._referrer[owner]) is not None:
                    persons.add(r)
                persons.update(invited.get(owner, ()))
            persons -= seen_persons
            seen_persons |= persons
            if not level and not persons:
                break
        self.load_identities(people)
