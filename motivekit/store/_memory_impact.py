""":class:`~motivekit.store.ImpactSession` in memory, every lookup on an index.

Items are indexed by feed entry, by event, by recipient and by beneficiary, and counted
per ``(recipient, position, beneficiary)``; feed entries by recipient (positions sorted,
so a page is a bisection); contributions by owner, referrals by referrer, mission parts
by mission (people sorted) and by person. So the impact fold's reads, feed pages and
explanations cost the same however long the history, and forgetting a person touches
only their rows.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Collection, Mapping, Sequence

import attrs

from motivekit.store._memory_tables import MemoryBase
from motivekit.store._records import (
    FeedGroup,
    ImpactItem,
    ImpactPrefs,
    StoredContribution,
    StoredMission,
    forgotten_digest,
)

__all__ = ["MemoryImpact"]


class MemoryImpact(MemoryBase):
    """:class:`~motivekit.store.ImpactSession` in memory (see the module docstring)."""

    def contributions(self, ids: Collection[str]) -> dict[str, StoredContribution]:
        found = self._t.contributions
        return {i: found[i] for i in ids if i in found}

    def add_contributions(self, contributions: Sequence[StoredContribution]) -> None:
        self._writable()
        for c in contributions:
            if c.id not in self._t.contributions:
                self._put(self._t.contributions, c.id, c)
                if c.owner is not None:
                    self._add(self._t.owned, c.owner, c.id)

    def owned_contributions(self, owner: str) -> list[StoredContribution]:
        found = [self._t.contributions[i] for i in self._t.owned.get(owner, ())]
        return sorted(found, key=lambda c: (c.seq, c.id))

    def referrers(self, people: Collection[str]) -> dict[str, str]:
        found = self._t.referrers
        return {p: found[p] for p in people if p in found}

    def add_referrals(self, referrals: Mapping[str, str]) -> None:
        self._writable()
        for person, referrer in referrals.items():
            if person not in self._t.referrers:
                self._put(self._t.referrers, person, referrer)
                self._add(self._t.referred, referrer, person)

    def _drop_referral(self, person: str) -> None:
        referrer = self._t.referrers.get(person)
        if referrer is not None:
            self._pop(self._t.referrers, person)
            self._discard(self._t.referred, referrer, person)

    def identity_groups(self, people: Collection[str]) -> dict[str, str]:
        found = self._t.identity_groups
        return {p: found[p] for p in people if p in found}

    def identity_members(self, group: str) -> list[str]:
        return sorted(self._t.group_members.get(group, ()))

    def set_identity_groups(self, groups: Mapping[str, str]) -> None:
        self._writable()
        t = self._t
        for person, group in groups.items():
            old = t.identity_groups.get(person)
            if old is not None:
                self._discard(t.group_members, old, person)
            self._put(t.identity_groups, person, group)
            self._add(t.group_members, group, person)

    # -- feeds and items --------------------------------------------------------------------

    def feed_groups(self, keys: Collection[tuple[str, str]]) -> dict[tuple[str, str], FeedGroup]:
        out = {}
        for recipient, key in keys:
            position = self._t.feed_keys.get((recipient, key))
            if position is not None:
                out[recipient, key] = self._t.feed[recipient, position]
        return out

    def save_feed_groups(self, groups: Sequence[FeedGroup]) -> None:
        self._writable()
        t = self._t
        for g in groups:
            self._put(t.feed, (g.recipient, g.position), g)
            self._put(t.feed_keys, (g.recipient, g.key), g.position)
            self._insort(t.feed_positions, g.recipient, g.position)
            self._add(t.recipient_keys, g.recipient, g.key)

    def feed_page(self, recipient: str, before: int | None, limit: int) -> list[FeedGroup]:
        positions = self._t.feed_positions.get(recipient, [])
        end = len(positions) if before is None else bisect_left(positions, before)
        start = max(end - max(limit, 0), 0)
        return [self._t.feed[recipient, p] for p in reversed(positions[start:end])]

    def add_impact_items(self, items: Sequence[ImpactItem]) -> None:
        self._writable()
        for item in items:
            old = self._t.items.get((item.seq, item.n))
            if old is not None:
                self._unindex(old)
            self._put(self._t.items, (item.seq, item.n), item)
            self._index(item)

    def _index(self, item: ImpactItem) -> None:
        t, key = self._t, (item.seq, item.n)
        if item.beneficiary is not None:
            seen = (item.recipient, item.position, item.beneficiary)
            self._put(t.seen, seen, t.seen.get(seen, 0) + 1)
            self._add(t.beneficiary_items, item.beneficiary, key)
        self._insort(t.group_items, (item.recipient, item.position), key)
        self._insort(t.event_items, item.seq, item.n)
        self._insort(t.recipient_items, item.recipient, key)
        self._put(t.item_counts, item.recipient, t.item_counts.get(item.recipient, 0) + 1)

    def _unindex(self, item: ImpactItem) -> None:
        t, key = self._t, (item.seq, item.n)
        if item.beneficiary is not None:
            seen = (item.recipient, item.position, item.beneficiary)
            left = t.seen.get(seen, 0) - 1
            if left > 0:
                self._put(t.seen, seen, left)
            elif seen in t.seen:
                self._pop(t.seen, seen)
            self._discard(t.beneficiary_items, item.beneficiary, key)
        self._unsort(t.group_items, (item.recipient, item.position), key)
        self._unsort(t.event_items, item.seq, item.n)
        self._unsort(t.recipient_items, item.recipient, key)
        left = t.item_counts.get(item.recipient, 0) - 1
        if left > 0:
            self._put(t.item_counts, item.recipient, left)
        elif item.recipient in t.item_counts:
            self._pop(t.item_counts, item.recipient)

    def seen_beneficiaries(
        self, keys: Collection[tuple[str, int, str]]
    ) -> set[tuple[str, int, str]]:
        seen = self._t.seen
        return {k for k in keys if seen.get(k, 0) > 0}

    def group_items(self, recipient: str, position: int, limit: int) -> list[ImpactItem]:
        keys = self._t.group_items.get((recipient, position), [])
        return [self._t.items[k] for k in keys[:limit]]

    def event_items(self, seq: int) -> list[ImpactItem]:
        return [self._t.items[seq, n] for n in self._t.event_items.get(seq, [])]

    def recipient_items(self, recipient: str, after_seq: int, limit: int) -> list[ImpactItem]:
        keys = self._t.recipient_items.get(recipient, [])
        start = bisect_left(keys, (after_seq + 1,))
        return [self._t.items[k] for k in keys[start:][:limit]]

    def beneficiary_items(self, beneficiary: str) -> list[ImpactItem]:
        return [self._t.items[k] for k in sorted(self._t.beneficiary_items.get(beneficiary, ()))]

    def impact_counts(self) -> dict[str, int]:
        return {r: n for r, n in self._t.item_counts.items() if n}

    # -- people's choices -------------------------------------------------------------------

    def impact_prefs(self, users: Collection[str]) -> dict[str, ImpactPrefs]:
        found = self._t.impact_prefs
        return {u: found[u] for u in users if u in found}

    def save_impact_prefs(self, prefs: ImpactPrefs) -> None:
        self._writable()
        self._put(self._t.impact_prefs, prefs.user, prefs)
        if prefs.digest is None:
            self._unsort_list(self._t.digest_users, prefs.user)
        else:
            self._insort_list(self._t.digest_users, prefs.user)

    def digest_people(self, after: str | None, limit: int) -> list[ImpactPrefs]:
        users = self._t.digest_users
        start = 0 if after is None else bisect_right(users, after)
        return [self._t.impact_prefs[u] for u in users[start:][:limit]]

    # -- missions ---------------------------------------------------------------------------

    def missions(self, ids: Collection[str]) -> dict[str, StoredMission]:
        found = self._t.missions
        return {i: found[i] for i in ids if i in found}

    def save_missions(self, missions: Sequence[StoredMission]) -> None:
        self._writable()
        for m in missions:
            self._put(self._t.missions, m.id, m)

    def mission_parts(self, keys: Collection[tuple[str, str]]) -> dict[tuple[str, str], int]:
        found = self._t.mission_parts
        return {k: found[k] for k in keys if k in found}

    def add_mission_parts(self, parts: Mapping[tuple[str, str], int]) -> None:
        self._writable()
        t = self._t
        for key, n in parts.items():
            self._put(t.mission_parts, key, t.mission_parts.get(key, 0) + n)
            mission, user = key
            self._insort(t.mission_users, mission, user)
            self._add(t.user_missions, user, mission)

    def mission_contributors(
        self, mission: str, after: str | None, limit: int
    ) -> list[tuple[str, int]]:
        users = self._t.mission_users.get(mission, [])
        start = 0 if after is None else bisect_right(users, after)
        parts = self._t.mission_parts
        return [(u, parts[mission, u]) for u in users[start:][:limit]]

    def user_mission_parts(self, user: str) -> dict[str, int]:
        parts = self._t.mission_parts
        return {m: parts[m, user] for m in sorted(self._t.user_missions.get(user, ()))}

    # -- forgetting -------------------------------------------------------------------------

    def forget_impact(self, user: str) -> int:
        self._writable()
        t = self._t
        for position in list(t.feed_positions.get(user, ())):
            self._pop(t.feed, (user, position))
            self._unsort(t.feed_positions, user, position)
        for key in list(t.recipient_keys.get(user, ())):
            if (user, key) in t.feed_keys:
                self._pop(t.feed_keys, (user, key))
            self._discard(t.recipient_keys, user, key)
        mine = list(t.recipient_items.get(user, ()))
        for item_key in mine:
            self._unindex(t.items[item_key])
            self._pop(t.items, item_key)
        touched: set[tuple[str, int]] = set()
        for item_key in sorted(t.beneficiary_items.get(user, ())):
            item = t.items[item_key]
            self._unindex(item)
            item = attrs.evolve(item, beneficiary=None)
            self._put(t.items, item_key, item)
            self._index(item)
            touched.add((item.recipient, item.position))
        for place in touched:
            group = t.feed[place]
            names = tuple(None if n == user else n for n in group.names)
            self._put(t.feed, place, attrs.evolve(group, names=names))
        for cid in list(t.owned.get(user, ())):
            self._put(t.contributions, cid, attrs.evolve(t.contributions[cid], owner=None))
            self._discard(t.owned, user, cid)
        self._drop_referral(user)
        for person in list(t.referred.get(user, ())):
            self._drop_referral(person)
        linked = t.identity_groups.get(user)
        if linked is not None:
            self._pop(t.identity_groups, user)
            self._discard(t.group_members, linked, user)
        if user in t.impact_prefs:
            self._pop(t.impact_prefs, user)
            self._unsort_list(t.digest_users, user)
        for mission in list(t.user_missions.get(user, ())):
            self._pop(t.mission_parts, (mission, user))
            self._unsort(t.mission_users, mission, user)
            self._discard(t.user_missions, user, mission)
        self._put(t.forgotten, forgotten_digest(user), True)
        return len(mine)

    def forgotten(self, people: Collection[str]) -> set[str]:
        return {p for p in people if forgotten_digest(p) in self._t.forgotten}

    def clear_impact(self) -> None:
        t = self._t
        for table in (
            t.contributions,
            t.owned,
            t.referrers,
            t.referred,
            t.feed,
            t.feed_keys,
            t.feed_positions,
            t.recipient_keys,
            t.items,
            t.seen,
            t.group_items,
            t.event_items,
            t.recipient_items,
            t.beneficiary_items,
            t.item_counts,
            t.missions,
            t.mission_parts,
            t.mission_users,
            t.user_missions,
        ):
            self._clear(table)
