"""System checks (tag ``motivekit``): ``manage.py check``, ``runserver`` and ``migrate``
report every mistake in ``MOTIVEKIT`` before anything runs on it.

======================  ===============================================================
``motivekit.E001``      a key of ``MOTIVEKIT`` is unknown or has a wrong value
``motivekit.E002``      the design file cannot be read or has errors (``file:line:col``)
``motivekit.E003``      the signing key file is missing or unreadable
``motivekit.E004``      motivekit's database is not one the store supports
``motivekit.E005``      the design file lints with an error (a controlling mechanic)
``motivekit.W005``      the design file lints with a warning
======================  ===============================================================

Lint findings the design file silences (with its reason) are not reported. An error stops
``runserver`` and ``migrate`` like any system check error; silence a finding in the design
file (``lint.silence``, with the reason) rather than the whole check.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core.checks import CheckMessage, Error, Warning, register
from django.db import router

from motivekit import ConfigError, MotivekitError
from motivekit.rules import lint, load_rules
from motivekit_django import models
from motivekit_django.conf import Settings, SettingsError, get_settings, key_name, rules_path
from motivekit_django.store import SUPPORTED_VENDORS
from motivekit_django.store._store import checked_connection

__all__ = ["check_database", "check_design_lint", "check_settings"]

TAG = "motivekit"
_IDS = {"setting": "motivekit.E001", "rules": "motivekit.E002", "signing_key": "motivekit.E003"}
_HINTS = {
    "rules": "`manage.py motivekit_rules_check` lists every problem of the design file",
    "signing_key": "create a key with `manage.py motivekit_audit_keygen <name> --out <file>`",
}


def _read() -> tuple[Settings | None, list[CheckMessage]]:
    """The checked settings, read once for every check and for the Kit's first use
    (loading the design file and the key again per check would double start-up)."""
    try:
        found = get_settings()
    except SettingsError as exc:
        return None, [
            Error(
                p.message,
                hint=_HINTS.get(p.kind),
                obj=key_name(p.key) if p.key else "settings.MOTIVEKIT",
                id=_IDS[p.kind],
            )
            for p in exc.problems
        ]
    return found, []


@register(TAG)
def check_settings(app_configs: Sequence[AppConfig] | None = None, **kwargs: Any) -> list[Any]:
    """E001-E003: every mistake in ``MOTIVEKIT``, one message each."""
    return _read()[1]


@register(TAG)
def check_design_lint(app_configs: Sequence[AppConfig] | None = None, **kwargs: Any) -> list[Any]:
    """E005/W005: the design file's lint findings (``manage.py motivekit_rules_lint``),
    also for a file that does not run (E002 lists why): lint says why each controlling
    mechanic is there to change."""
    path = rules_path(getattr(settings, "MOTIVEKIT", None), getattr(settings, "BASE_DIR", None))
    if path is None:
        return []
    try:
        findings = lint(load_rules(path, runnable=False))
    except MotivekitError:  # it does not even parse: check_settings says where
        return []
    out: list[Any] = []
    for finding in findings:
        if finding.silenced is not None or finding.severity == "info":
            continue
        kind = Error if finding.severity == "error" else Warning
        code = "E005" if finding.severity == "error" else "W005"
        out.append(
            kind(
                f"{finding} (why: {finding.reason})",
                hint=(
                    f"see docs/designing.md; evidence: {finding.evidence}; source: {finding.source}"
                ),
                obj=key_name("RULES"),
                id=f"motivekit.{code}",
            )
        )
    return out


@register(TAG)
def check_database(app_configs: Sequence[AppConfig] | None = None, **kwargs: Any) -> list[Any]:
    """E004: the database motivekit's tables live in is SQLite, PostgreSQL or MariaDB/MySQL
    (``MOTIVEKIT["DATABASE"]``, or where the routers send motivekit's models)."""
    found, _ = _read()
    if found is not None and found.database is not None:
        aliases = {found.database}
    else:
        aliases = {
            router.db_for_write(models.LogHead) or "default",
            router.db_for_read(models.LogHead) or "default",
        }
    out: list[Any] = []
    for alias in sorted(aliases):
        try:
            checked_connection(alias)
        except ConfigError as exc:
            out.append(
                Error(
                    str(exc),
                    hint=f"supported: {', '.join(SUPPORTED_VENDORS)}",
                    obj=f"DATABASES[{alias!r}]",
                    id="motivekit.E004",
                )
            )
    return out
