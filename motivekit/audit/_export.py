"""``kit.privacy.export``: everything motivekit holds about one person, as JSON.

The shape is versioned by its ``format`` key and described by the JSON Schema shipped
beside this module (``privacy-export.schema.json``, :meth:`PrivacyExport.schema`); see
``docs/privacy.md``. The JSON is deterministic: keys sorted, every list in a documented
order, instants as ``2026-11-21T20:27:38.000123Z`` (UTC), so two exports of the same data
at the same instant are the same text.
"""

from __future__ import annotations

import json
from datetime import datetime
from functools import cache
from importlib import resources
from typing import Any

import attrs

from motivekit._canonical import loads
from motivekit._consent import ConsentState, Mechanic
from motivekit._model import SALT_BYTES
from motivekit._runtime import Runtime
from motivekit._time import format_instant
from motivekit.goals._service import export_goals
from motivekit.impact._export import export_impact
from motivekit.mastery._view import export_skills
from motivekit.store._protocol import Session, StoredEntry

__all__ = ["EXPORT_FORMAT", "PrivacyExport", "build_export"]

EXPORT_FORMAT = "motivekit.privacy-export/1"
"""The ``format`` of the export's JSON; a change of shape gets a new number."""


@attrs.frozen
class PrivacyExport:
    """What ``kit.privacy.export(user)`` returns: everything motivekit holds about one
    person, as JSON to hand to them (a GDPR access request, say).

    A frozen value: the JSON text is fixed when it is made. ``repr`` leaves the data out,
    so logging the value does not log the person's data.
    """

    user: str
    erased: bool
    """Whether the person was forgotten (``kit.privacy.forget``) at some time; what was
    recorded about them since then is in the export like anything else."""
    text: str = attrs.field(repr=False)
    """The JSON, compact, with sorted keys."""

    def as_dict(self) -> dict[str, Any]:
        """The export as plain JSON values (a new copy each call)."""
        value = json.loads(self.text)
        assert isinstance(value, dict)
        return value

    def to_json(self, *, indent: int | None = 2) -> str:
        """The JSON text, indented (``indent=None``: compact); keys sorted, UTF-8 as is."""
        if indent is None:
            return self.text
        return json.dumps(self.as_dict(), sort_keys=True, ensure_ascii=False, indent=indent)

    @property
    def empty(self) -> bool:
        """Whether it holds no personal data: no goals, skills, consent choices, impact
        or journal entries (as for an unknown or a forgotten person)."""
        data = self.as_dict()
        impact = data["impact"]
        return not (
            data["goals"]
            or data["skills"]
            or data["journal"]
            or any(c["chosen"] is not None for c in data["consent"].values())
            or impact["preferences"]["chosen"]
            or impact["referred_by"] is not None
            or impact["identity_group"] is not None
            or any(impact[k] for k in ("contributions", "feed", "help_received", "missions"))
        )

    @staticmethod
    def schema() -> dict[str, Any]:
        """The JSON Schema (draft 2020-12) of the export's JSON."""
        value = json.loads(_schema_text())
        assert isinstance(value, dict)
        return value


@cache
def _schema_text() -> str:
    return (resources.files("motivekit.audit") / "privacy-export.schema.json").read_text("utf-8")


def build_export(session: Session, runtime: Runtime, user: str, at: datetime) -> PrivacyExport:
    """Read everything held about ``user`` in ``session`` (one snapshot) at ``at``."""
    erased = user in session.forgotten([user])
    consent = ConsentState(runtime.consent, session).consent(user)
    data = {
        "format": EXPORT_FORMAT,
        "user": user,
        "exported_at": format_instant(at),
        "rules_version": runtime.version,
        "erased": erased,
        "consent": {
            m.value: {
                "enabled": consent.allows(m),
                "chosen": consent.choices.get(m),
                "default": runtime.consent[m],
            }
            for m in Mechanic
        },
        "goals": export_goals(session, user, at),
        "skills": export_skills(session, user, runtime.tracks, at),
        "impact": export_impact(session, user, runtime.impact, at),
        "journal": [_opened(e) for e in session.subject_entries(user)],
    }
    text = json.dumps(
        data, sort_keys=True, ensure_ascii=False, allow_nan=False, separators=(",", ":")
    )
    return PrivacyExport(user, erased, text)


def _opened(entry: StoredEntry) -> dict[str, Any]:
    """One of the person's journal entries with its personal part opened."""
    leaf = loads(entry.raw)
    assert isinstance(leaf, dict)
    personal = None if entry.personal is None else loads(entry.personal[SALT_BYTES:])
    return {
        "seq": entry.seq,
        "type": entry.type,
        "name": entry.name,
        "event_id": entry.event_id,
        "at": leaf.get("at"),
        "recorded_at": format_instant(entry.recorded_at),
        "rules": leaf.get("rules"),
        "commitment": leaf.get("personal"),
        "salt": None if entry.personal is None else entry.personal[:SALT_BYTES].hex(),
        "personal": personal,
    }
