"""The skills slice: skill states, learned item difficulties, people's own bands."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import datetime

from django.db.models import Q

from motivekit._time import to_micros
from motivekit.store._records import SkillBand, StoredSkill
from motivekit_django import models as m
from motivekit_django.store._base import SessionBase
from motivekit_django.store._rows import SKILL_FIELDS, skill_from, skill_model

__all__ = ["SkillsSlice"]

_BAND = ("low", "high", "target")


class SkillsSlice(SessionBase):
    """:class:`~motivekit.store.SkillsSession` on the Django ORM."""

    def skills(self, keys: Collection[tuple[str, str]]) -> dict[tuple[str, str], StoredSkill]:
        found: dict[tuple[str, str], StoredSkill] = {}
        for wanted, rows in self.matching(m.Skill, ("user_id", "track"), keys):
            for row in rows.values_list(*SKILL_FIELDS):
                if (row[0], row[1]) in wanted:
                    found[row[0], row[1]] = skill_from(row)
        return found

    def user_skills(self, user: str) -> list[StoredSkill]:
        rows = self.rows(m.Skill, user_id=user).order_by("track")
        return [skill_from(r) for r in rows.values_list(*SKILL_FIELDS)]

    def all_skills(self, after: tuple[str, str] | None, limit: int) -> list[StoredSkill]:
        rows = self.rows(m.Skill)
        if after is not None:
            user, track = after
            rows = rows.filter(Q(user_id__gt=user) | Q(user_id=user, track__gt=track))
        page = rows.order_by("user_id", "track").values_list(*SKILL_FIELDS)[:limit]
        return [skill_from(r) for r in page]

    def save_skills(self, skills: Sequence[StoredSkill]) -> None:
        objects = [skill_model(self._tenant, s) for s in skills]
        self.upsert(m.Skill, objects, ["user_id", "track"], list(SKILL_FIELDS[2:]))

    def skill_items(
        self, keys: Collection[tuple[str, str]]
    ) -> dict[tuple[str, str], tuple[float, int]]:
        found: dict[tuple[str, str], tuple[float, int]] = {}
        for wanted, rows in self.matching(m.SkillItem, ("track", "item"), keys):
            for track, item, d, n in rows.values_list("track", "item", "d", "n"):
                if (track, item) in wanted:
                    found[track, item] = (d, n)
        return found

    def save_skill_items(self, items: Mapping[tuple[str, str], tuple[float, int]]) -> None:
        objects = [
            m.SkillItem(tenant=self._tenant, track=track, item=item, d=d, n=n)
            for (track, item), (d, n) in items.items()
        ]
        self.upsert(m.SkillItem, objects, ["track", "item"], ["d", "n"])

    def skill_bands(self, keys: Collection[tuple[str, str]]) -> dict[tuple[str, str], SkillBand]:
        found: dict[tuple[str, str], SkillBand] = {}
        for wanted, rows in self.matching(m.SkillBand, ("user_id", "track"), keys):
            for user, track, *band in rows.values_list("user_id", "track", *_BAND):
                if (user, track) in wanted:
                    found[user, track] = SkillBand(*band)
        return found

    def set_skill_band(self, user: str, track: str, band: SkillBand | None, at: datetime) -> None:
        if band is None:
            self.rows(m.SkillBand, user_id=user, track=track).delete()
            return
        chosen = m.SkillBand(
            tenant=self._tenant,
            user_id=user,
            track=track,
            low=band.low,
            high=band.high,
            target=band.target,
            updated_at=to_micros(at),
        )
        self.upsert(m.SkillBand, [chosen], ["user_id", "track"], [*_BAND, "updated_at"])

    def user_bands(self, user: str) -> dict[str, SkillBand]:
        rows = self.rows(m.SkillBand, user_id=user).order_by("track")
        return {track: SkillBand(*band) for track, *band in rows.values_list("track", *_BAND)}

    def delete_skills(self, user: str) -> int:
        self.rows(m.SkillBand, user_id=user).delete()
        deleted, _ = self.rows(m.Skill, user_id=user).delete()
        return deleted

    def clear_mastery(self) -> None:
        self.rows(m.Skill).delete()
        self.rows(m.SkillItem).delete()
