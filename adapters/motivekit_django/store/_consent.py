"""The consent slice: each person's choice per mechanic (kept, never decided with)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from motivekit._time import to_micros
from motivekit_django import models as m
from motivekit_django.store._base import SessionBase, slices

__all__ = ["ConsentSlice"]


class ConsentSlice(SessionBase):
    """:class:`~motivekit.store.ConsentSession` on the Django ORM."""

    def consents(self, users: Collection[str]) -> dict[str, dict[str, bool]]:
        found: dict[str, dict[str, bool]] = {}
        for chunk in slices(users):
            rows = self.rows(m.Consent, user_id__in=chunk)
            for user, mechanic, enabled in rows.values_list("user_id", "mechanic", "enabled"):
                found.setdefault(user, {})[mechanic] = bool(enabled)
        return found

    def set_consent(self, user: str, mechanic: str, enabled: bool, at: datetime) -> None:
        choice = m.Consent(
            tenant=self._tenant,
            user_id=user,
            mechanic=mechanic,
            enabled=enabled,
            updated_at=to_micros(at),
        )
        self.upsert(m.Consent, [choice], ["user_id", "mechanic"], ["enabled", "updated_at"])

    def delete_consents(self, user: str) -> None:
        self.rows(m.Consent, user_id=user).delete()
