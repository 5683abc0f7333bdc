"""The impact slice: contributions, referrals, identity links, feeds and their items,
people's choices, missions, and forgetting a person.

Keys of two or three columns that are not a primary key (a feed entry's ``(recipient,
key)``, an item's ``(recipient, position, beneficiary)``) are looked up through their
index with one column's ``IN`` list each and matched exactly in Python: the rows read are
those of the batch's recipients, never a scan.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping, Sequence

from django.db.models import Count, F, Q

from motivekit.store._records import (
    FeedGroup,
    ImpactItem,
    ImpactPrefs,
    StoredContribution,
    StoredMission,
    forgotten_digest,
)
from motivekit_django import models as m
from motivekit_django.store._base import SessionBase, slices
from motivekit_django.store._rows import (
    CONTRIBUTION_FIELDS,
    FEED_FIELDS,
    ITEM_FIELDS,
    PREFS_FIELDS,
    as_bytes,
    contribution_from,
    contribution_model,
    feed_from,
    feed_model,
    item_from,
    item_model,
    json_list,
    micros,
    prefs_from,
)

__all__ = ["ImpactSlice"]


class ImpactSlice(SessionBase):
    """:class:`~motivekit.store.ImpactSession` on the Django ORM."""

    # -- contributions, referrals, identity groups --------------------------------------

    def contributions(self, ids: Collection[str]) -> dict[str, StoredContribution]:
        found: dict[str, StoredContribution] = {}
        for chunk in slices(ids):
            rows = self.rows(m.Contribution, contribution_id__in=chunk)
            found.update(
                (c.id, c) for c in map(contribution_from, rows.values_list(*CONTRIBUTION_FIELDS))
            )
        return found

    def add_contributions(self, contributions: Sequence[StoredContribution]) -> None:
        objects = [contribution_model(self._tenant, c) for c in contributions]
        self.create(m.Contribution, objects, ignore_conflicts=True)

    def owned_contributions(self, owner: str) -> list[StoredContribution]:
        rows = self.rows(m.Contribution, owner=owner).order_by("seq", "contribution_id")
        return [contribution_from(r) for r in rows.values_list(*CONTRIBUTION_FIELDS)]

    def referrers(self, people: Collection[str]) -> dict[str, str]:
        found: dict[str, str] = {}
        for chunk in slices(people):
            rows = self.rows(m.Referral, user_id__in=chunk)
            found.update(rows.values_list("user_id", "referrer"))
        return found

    def add_referrals(self, referrals: Mapping[str, str]) -> None:
        objects = [
            m.Referral(tenant=self._tenant, user_id=person, referrer=referrer)
            for person, referrer in referrals.items()
        ]
        self.create(m.Referral, objects, ignore_conflicts=True)

    def identity_groups(self, people: Collection[str]) -> dict[str, str]:
        found: dict[str, str] = {}
        for chunk in slices(people):
            rows = self.rows(m.IdentityGroup, user_id__in=chunk)
            found.update(rows.values_list("user_id", "group_id"))
        return found

    def identity_members(self, group: str) -> list[str]:
        rows = self.rows(m.IdentityGroup, group_id=group).order_by("user_id")
        return list(rows.values_list("user_id", flat=True))

    def set_identity_groups(self, groups: Mapping[str, str]) -> None:
        objects = [
            m.IdentityGroup(tenant=self._tenant, user_id=person, group_id=group)
            for person, group in groups.items()
        ]
        self.upsert(m.IdentityGroup, objects, ["user_id"], ["group_id"])

    # -- feeds and items ----------------------------------------------------------------

    def feed_groups(self, keys: Collection[tuple[str, str]]) -> dict[tuple[str, str], FeedGroup]:
        wanted = set(keys)
        found: dict[tuple[str, str], FeedGroup] = {}
        for chunk in slices(wanted):
            rows = self.rows(
                m.FeedEntry,
                recipient__in={r for r, _ in chunk},
                group_key__in={k for _, k in chunk},
            )
            for group in map(feed_from, rows.values_list(*FEED_FIELDS)):
                if (group.recipient, group.key) in wanted:
                    found[group.recipient, group.key] = group
        return found

    def save_feed_groups(self, groups: Sequence[FeedGroup]) -> None:
        objects = [feed_model(self._tenant, g) for g in groups]
        self.upsert(m.FeedEntry, objects, ["recipient", "position"], list(FEED_FIELDS[2:]))

    def feed_page(self, recipient: str, before: int | None, limit: int) -> list[FeedGroup]:
        rows = self.rows(m.FeedEntry, recipient=recipient)
        if before is not None:
            rows = rows.filter(position__lt=before)
        page = rows.order_by("-position").values_list(*FEED_FIELDS)[:limit]
        return [feed_from(r) for r in page]

    def add_impact_items(self, items: Sequence[ImpactItem]) -> None:
        self.create(m.ImpactItem, [item_model(self._tenant, i) for i in items])

    def seen_beneficiaries(
        self, keys: Collection[tuple[str, int, str]]
    ) -> set[tuple[str, int, str]]:
        wanted = set(keys)
        seen: set[tuple[str, int, str]] = set()
        for chunk in slices(wanted):
            rows = self.rows(
                m.ImpactItem,
                recipient__in={r for r, _, _ in chunk},
                position__in={p for _, p, _ in chunk},
                beneficiary__in={b for _, _, b in chunk},
            )
            for key in rows.values_list("recipient", "position", "beneficiary").distinct():
                if key in wanted:
                    seen.add(key)
        return seen

    def group_items(self, recipient: str, position: int, limit: int) -> list[ImpactItem]:
        rows = self.rows(m.ImpactItem, recipient=recipient, position=position)
        return [item_from(r) for r in rows.order_by("seq", "n").values_list(*ITEM_FIELDS)[:limit]]

    def event_items(self, seq: int) -> list[ImpactItem]:
        rows = self.rows(m.ImpactItem, seq=seq).order_by("n")
        return [item_from(r) for r in rows.values_list(*ITEM_FIELDS)]

    def recipient_items(self, recipient: str, after_seq: int, limit: int) -> list[ImpactItem]:
        rows = self.rows(m.ImpactItem, recipient=recipient, seq__gt=after_seq)
        return [item_from(r) for r in rows.order_by("seq", "n").values_list(*ITEM_FIELDS)[:limit]]

    def beneficiary_items(self, beneficiary: str) -> list[ImpactItem]:
        rows = self.rows(m.ImpactItem, beneficiary=beneficiary).order_by("seq", "n")
        return [item_from(r) for r in rows.values_list(*ITEM_FIELDS)]

    # -- people's choices ---------------------------------------------------------------

    def impact_prefs(self, users: Collection[str]) -> dict[str, ImpactPrefs]:
        found: dict[str, ImpactPrefs] = {}
        for chunk in slices(users):
            rows = self.rows(m.ImpactPrefs, user_id__in=chunk)
            found.update((p.user, p) for p in map(prefs_from, rows.values_list(*PREFS_FIELDS)))
        return found

    def save_impact_prefs(self, prefs: ImpactPrefs) -> None:
        chosen = m.ImpactPrefs(
            tenant=self._tenant,
            user_id=prefs.user,
            visibility=prefs.visibility,
            digest=prefs.digest,
            digest_seq=prefs.digest_seq,
            digest_at=micros(prefs.digest_at),
        )
        self.upsert(m.ImpactPrefs, [chosen], ["user_id"], list(PREFS_FIELDS[1:]))

    def digest_people(self, after: str | None, limit: int) -> list[ImpactPrefs]:
        rows = self.rows(m.ImpactPrefs, digest__isnull=False)
        if after is not None:
            rows = rows.filter(user_id__gt=after)
        page = rows.order_by("user_id").values_list(*PREFS_FIELDS)[:limit]
        return [prefs_from(r) for r in page]

    # -- missions -----------------------------------------------------------------------

    def missions(self, ids: Collection[str]) -> dict[str, StoredMission]:
        found: dict[str, StoredMission] = {}
        for chunk in slices(ids):
            rows = self.rows(m.Mission, mission_id__in=chunk)
            for mission, total, announced in rows.values_list("mission_id", "total", "announced"):
                found[mission] = StoredMission(mission, total, tuple(json.loads(announced)))
        return found

    def save_missions(self, missions: Sequence[StoredMission]) -> None:
        objects = [
            m.Mission(
                tenant=self._tenant,
                mission_id=mission.id,
                total=mission.total,
                announced=json_list(mission.announced),
            )
            for mission in missions
        ]
        self.upsert(m.Mission, objects, ["mission_id"], ["total", "announced"])

    def mission_parts(self, keys: Collection[tuple[str, str]]) -> dict[tuple[str, str], int]:
        found: dict[tuple[str, str], int] = {}
        for wanted, rows in self.matching(m.MissionPart, ("mission", "user_id"), keys):
            for mission, user, n in rows.values_list("mission", "user_id", "count"):
                if (mission, user) in wanted:
                    found[mission, user] = n
        return found

    def add_mission_parts(self, parts: Mapping[tuple[str, str], int]) -> None:
        # As a goal's day counts: an F() addition per (mission, n) on the rows that exist,
        # one insert for the rest, under the tenant's log head lock.
        if not parts:
            return
        existing = set(self.mission_parts(parts))
        grouped: dict[tuple[str, int], list[str]] = {}
        for mission, user in existing:
            grouped.setdefault((mission, parts[mission, user]), []).append(user)
        for (mission, n), users in grouped.items():
            rows = self.rows(m.MissionPart, mission=mission, user_id__in=users)
            rows.update(count=F("count") + n)
        new = [
            m.MissionPart(tenant=self._tenant, mission=mi, user_id=u, count=n)
            for (mi, u), n in parts.items()
            if (mi, u) not in existing
        ]
        self.create(m.MissionPart, new)

    def mission_contributors(
        self, mission: str, after: str | None, limit: int
    ) -> list[tuple[str, int]]:
        rows = self.rows(m.MissionPart, mission=mission)
        if after is not None:
            rows = rows.filter(user_id__gt=after)
        page = rows.order_by("user_id").values_list("user_id", "count")[:limit]
        return [(user, int(n)) for user, n in page]

    def user_mission_parts(self, user: str) -> dict[str, int]:
        rows = self.rows(m.MissionPart, user_id=user).order_by("mission")
        return {mission: int(n) for mission, n in rows.values_list("mission", "count")}

    def impact_counts(self) -> dict[str, int]:
        rows = self.rows(m.ImpactItem).values("recipient").annotate(n=Count("*")).order_by()
        return {r["recipient"]: int(r["n"]) for r in rows}

    # -- forgetting ---------------------------------------------------------------------

    def forget_impact(self, user: str) -> int:
        deleted, _ = self.rows(m.ImpactItem, recipient=user).delete()
        self.rows(m.FeedEntry, recipient=user).delete()
        # Others' feed entries that name them: read in one query, None in their place.
        places = set(
            self.rows(m.ImpactItem)
            .filter(beneficiary=user)
            .values_list("recipient", "position")
            .distinct()
        )
        for wanted, rows in self.matching(m.FeedEntry, ("recipient", "position"), places):
            for recipient, position, text in rows.values_list("recipient", "position", "names"):
                names = json.loads(text)
                if (recipient, position) in wanted and user in names:
                    renamed = json_list([None if n == user else n for n in names])
                    entry = self.rows(m.FeedEntry, recipient=recipient, position=position)
                    entry.update(names=renamed)
        self.rows(m.ImpactItem, beneficiary=user).update(beneficiary=None)
        self.rows(m.Contribution, owner=user).update(owner=None)
        self.rows(m.Referral).filter(Q(user_id=user) | Q(referrer=user)).delete()
        self.rows(m.IdentityGroup, user_id=user).delete()
        self.rows(m.ImpactPrefs, user_id=user).delete()
        self.rows(m.MissionPart, user_id=user).delete()
        digest = m.Forgotten(tenant=self._tenant, digest=forgotten_digest(user))
        self.create(m.Forgotten, [digest], ignore_conflicts=True)
        return deleted

    def forgotten(self, people: Collection[str]) -> set[str]:
        digests = {forgotten_digest(p): p for p in people}
        found: set[str] = set()
        for chunk in slices(digests):
            rows = self.rows(m.Forgotten, digest__in=chunk)
            found.update(digests[as_bytes(d)] for d in rows.values_list("digest", flat=True))
        return found

    def clear_impact(self) -> None:
        for model in (
            m.Contribution,
            m.Referral,
            m.FeedEntry,
            m.ImpactItem,
            m.Mission,
            m.MissionPart,
        ):
            self.rows(model).delete()
