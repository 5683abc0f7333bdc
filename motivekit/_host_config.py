"""The settings every web adapter reads, checked once for all of them.

The Flask extension (``MOTIVEKIT_RULES`` …) and the Django app (``MOTIVEKIT["RULES"]`` …)
name their keys differently and resolve relative paths against different folders, but a
design file, a signing key, a tenant and an origin are right or wrong the same way in
both. Each function takes the key as the host spells it, so its :class:`ConfigError`
names that key and the fix; nothing here knows a framework.
"""

from __future__ import annotations

import os
from pathlib import Path

from motivekit._errors import ConfigError, MotivekitError
from motivekit._tenants import DEFAULT_TENANT, check_tenant, tenant_origin
from motivekit.audit import Ed25519Signer, GuardedSigner
from motivekit.rules import Rules, load_rules

__all__ = ["host_origin", "host_rules", "host_signer", "host_tenant", "setting_text"]


def setting_text(key: str, value: object) -> str | None:
    """``value`` as text: a path is its file name, ``None`` or ``""`` is unset."""
    if value is None or (isinstance(value, str) and value == ""):
        return None
    if isinstance(value, os.PathLike):
        return os.fsdecode(value)
    if not isinstance(value, str):
        raise ConfigError(f"{key} must be a string, got {type(value).__name__} {value!r}")
    return value


def host_tenant(key: str, value: object) -> str:
    """Whose data the app works on (``docs/tenants.md``); unset: the default tenant."""
    tenant = setting_text(key, value) or DEFAULT_TENANT
    try:
        return check_tenant(tenant)
    except ConfigError as exc:
        raise ConfigError(f"{key}: {exc}") from None


def host_origin(key: str, value: object, tenant: str) -> str | None:
    """The audit log's name in its checkpoints (e.g. ``"example.com/motivekit"``; a named
    tenant's must end in ``/<tenant>``); unset: ``None``, the Kit's default."""
    origin = setting_text(key, value)
    try:
        tenant_origin(origin, "motivekit", tenant)
    except ConfigError as exc:
        raise ConfigError(f"{key}: {exc}") from None
    return origin


def host_rules(key: str, value: object, base: Path) -> tuple[Rules | None, Path | None]:
    """The design file (``motivation.yaml``), loaded and checked now; a relative path is
    relative to ``base``. Unset: no design file (goals written in code or by people
    themselves only)."""
    text = setting_text(key, value)
    if text is None:
        return None, None
    path = Path(base, text)
    try:
        return load_rules(path), path
    except MotivekitError as exc:
        raise ConfigError(
            f"{key} = {text!r}: the design file cannot be used:\n{exc}\n"
            f"fix the file (`motivekit rules check {path}` lists every problem) or point "
            f"{key} at another one"
        ) from exc


def host_signer(key: str, value: object, base: Path) -> tuple[GuardedSigner | None, Path | None]:
    """The Ed25519 key that signs the audit log's checkpoints (create one with
    ``motivekit audit keygen NAME --out FILE``); a relative path is relative to ``base``.
    The signer remembers what it signed in ``FILE.state`` beside it. Unset: checkpoints
    are not signed automatically."""
    text = setting_text(key, value)
    if text is None:
        return None, None
    path = Path(base, text)
    if not path.is_file():
        raise ConfigError(
            f"{key} = {text!r}: there is no key file at {str(path)!r}; create one with "
            f"`motivekit audit keygen <name> --out {path}` or unset {key}"
        )
    try:
        signer = GuardedSigner(Ed25519Signer.from_file(path), path.with_name(path.name + ".state"))
    except MotivekitError as exc:
        raise ConfigError(f"{key} = {text!r}: {exc}") from None
    return signer, path
