"""``settings.MOTIVEKIT``: one dict, every key optional, each checked and documented here.

::

    MOTIVEKIT = {
        "RULES": BASE_DIR / "motivation.yaml",          # the design file
        "SIGNING_KEY_FILE": BASE_DIR / "motivekit.key",  # signs the audit log
        "ORIGIN": "example.com/motivekit",              # the log's name
    }

Every mistake is found at once, each named by its key with the fix: the system checks
(``manage.py check``, and so ``runserver`` and ``migrate``) report them at start-up, and
the first use of :func:`get_settings` (the Kit, the API, the pages, the commands) raises
:class:`django.core.exceptions.ImproperlyConfigured` listing them. The design file,
signing key, tenant and origin are checked by the same code as the Flask extension's
(``motivekit._host_config``). The checked settings are cached until ``MOTIVEKIT`` (or
``BASE_DIR``) changes (``setting_changed``, e.g. ``override_settings`` in tests).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import attrs
from django.conf import settings as django_settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from motivekit import ConfigError, GuardedSigner, Rules
from motivekit._consent import Mechanic, consent_defaults
from motivekit._host_config import (
    host_origin,
    host_rules,
    host_signer,
    host_tenant,
    setting_text,
)
from motivekit.api._api import DEFAULT_MAX_BODY_BYTES

__all__ = [
    "DEFAULTS",
    "Problem",
    "Settings",
    "SettingsError",
    "get_settings",
    "key_name",
    "read_settings",
    "reset",
    "rules_path",
]

DEFAULT_USER_ID = "motivekit_django.identity.default_user_id"
DEFAULT_LAYOUT = "motivekit/layout.html"

DEFAULTS: Mapping[str, Any] = {
    "RULES": None,
    "SIGNING_KEY_FILE": None,
    "ORIGIN": None,
    "TENANT": "",
    "DATABASE": None,
    "USER_ID": DEFAULT_USER_ID,
    "NAMES": None,
    "CONSENT_DEFAULTS": {},
    "CHECKPOINT_EVERY": 1000,
    "MAX_BODY_BYTES": DEFAULT_MAX_BODY_BYTES,
    "PAGES_LAYOUT": DEFAULT_LAYOUT,
    "PAGES_CANDIDATES": None,
    "PAGES_CHALLENGE_LINK": None,
}
"""Every key of ``MOTIVEKIT`` and its value when left out."""


def key_name(key: str) -> str:
    """How messages name a key: ``MOTIVEKIT["RULES"]``."""
    return f'MOTIVEKIT["{key}"]'


@attrs.frozen
class Problem:
    """One mistake in ``MOTIVEKIT``: the key, what is wrong and how to fix it."""

    key: str
    message: str
    kind: str = "setting"
    """``setting``, ``rules`` (the design file) or ``signing_key``: the system check id."""


class SettingsError(ImproperlyConfigured):
    """``MOTIVEKIT`` has mistakes; :attr:`problems` names each."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        lines = "\n".join(f"- {p.message}" for p in problems)
        noun = "mistake" if len(problems) == 1 else "mistakes"
        super().__init__(f"settings.MOTIVEKIT has {len(problems)} {noun}:\n{lines}")


@attrs.frozen
class Settings:
    """``MOTIVEKIT``, checked: what the Kit, the API, the pages and the commands use."""

    rules: Rules | None
    rules_file: Path | None
    """Where ``rules`` came from (the commands and the checks read it again)."""
    signer: GuardedSigner | None
    key_file: Path | None
    origin: str | None
    tenant: str
    database: str | None
    """The alias the store writes to; ``None``: the database routers decide."""
    user_id: Callable[[Any], str | None]
    names: Callable[[str], str] | None
    consent_defaults: Mapping[str, bool]
    checkpoint_every: int | None
    max_body_bytes: int
    pages_layout: str
    pages_candidates: Callable[[str, str], str | None] | None
    pages_challenge_link: Callable[[str], tuple[str, str | None]] | None


def _base_dir(key: str, value: object, base: object) -> Path:
    """Where a relative path in ``key`` is found: ``settings.BASE_DIR``."""
    if not isinstance(value, str | os.PathLike) or Path(value).is_absolute():
        return Path()  # an absolute path stays as it is; a wrong type is named later
    if base is None:
        raise ConfigError(
            f"{key_name(key)} = {str(value)!r} is a relative path and settings.BASE_DIR is "
            f"not set; give an absolute path (e.g. BASE_DIR / {str(value)!r})"
        )
    return Path(str(base))


def _callable(key: str, value: object, *, optional: bool) -> Callable[..., Any] | None:
    """A callable given as itself or as a dotted path (``"myapp.motivekit.user_id"``)."""
    if value is None and optional:
        return None
    if isinstance(value, str):
        try:
            value = import_string(value)
        except ImportError as exc:
            raise ConfigError(
                f"{key_name(key)} = {value!r} cannot be imported ({exc}); give the dotted "
                f"path of a function, e.g. 'myproject.motivekit.{key.lower()}'"
            ) from None
    if not callable(value):
        raise ConfigError(
            f"{key_name(key)} must be a callable or its dotted path, got "
            f"{type(value).__name__} {value!r}"
        )
    return value


def _whole(key: str, value: object, *, least: int, optional: bool) -> int | None:
    if value is None and optional:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < least:
        none = " or None" if optional else ""
        raise ConfigError(f"{key_name(key)} must be a whole number >= {least}{none}, got {value!r}")
    return value


def _consent(value: object) -> Mapping[str, bool]:
    key = key_name("CONSENT_DEFAULTS")
    if not isinstance(value, Mapping):
        raise ConfigError(f"{key} must be a dict of mechanic -> True/False, got {value!r}")
    try:
        consent_defaults(value)
    except ConfigError as exc:
        raise ConfigError(f"{key}: {exc}") from None
    return {Mechanic(k).value: bool(v) for k, v in value.items()}


def _database(value: object, aliases: Mapping[str, object]) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or value not in aliases:
        raise ConfigError(
            f"{key_name('DATABASE')} = {value!r} is not an alias of settings.DATABASES "
            f"({', '.join(sorted(aliases))}); name one, or leave it out for the routers "
            f"to decide"
        )
    return value


def _layout(value: object) -> str:
    if not isinstance(value, str) or not value:
        raise ConfigError(
            f"{key_name('PAGES_LAYOUT')} must be a template name such as "
            f"'{DEFAULT_LAYOUT}', got {value!r}"
        )
    return value


class _Reader:
    """Reads the keys one by one, keeping every mistake rather than the first."""

    def __init__(self, raw: Mapping[str, object]) -> None:
        self.raw = raw
        self.problems: list[Problem] = []

    def get(self, key: str, check: Callable[[object], Any], kind: str = "setting") -> Any:
        try:
            return check(self.raw.get(key, DEFAULTS[key]))
        except ConfigError as exc:
            self.problems.append(Problem(key, str(exc), kind))
            return None


def read_settings(
    raw: object, *, base_dir: object = None, databases: Mapping[str, object] | None = None
) -> Settings:
    """``raw`` (the ``MOTIVEKIT`` dict) checked; :class:`SettingsError` naming every
    mistake otherwise. Relative paths are relative to ``base_dir`` (``BASE_DIR``);
    ``databases`` are the aliases ``DATABASE`` may name (``settings.DATABASES``)."""
    if raw is None:
        raw = {}
    if not isinstance(raw, Mapping):
        raise SettingsError(
            [Problem("", f"settings.MOTIVEKIT must be a dict, got {type(raw).__name__} {raw!r}")]
        )
    read = _Reader(raw)
    for key in raw:
        if key not in DEFAULTS:
            read.problems.append(
                Problem(
                    str(key),
                    f"{key_name(str(key))} is not a motivekit setting; the keys are "
                    f"{', '.join(DEFAULTS)}",
                )
            )

    def path_check(
        check: Callable[[str, object, Path], tuple[Any, Path | None]], key: str
    ) -> Callable[[object], tuple[Any, Path | None]]:
        def run(value: object) -> tuple[Any, Path | None]:
            if value is None or value == "":
                return None, None
            return check(key_name(key), value, _base_dir(key, value, base_dir))

        return run

    rules, rules_file = read.get("RULES", path_check(host_rules, "RULES"), "rules") or (None, None)
    signer, key_file = read.get(
        "SIGNING_KEY_FILE", path_check(host_signer, "SIGNING_KEY_FILE"), "signing_key"
    ) or (None, None)
    tenant = read.get("TENANT", lambda v: host_tenant(key_name("TENANT"), v))
    origin = read.get("ORIGIN", lambda v: host_origin(key_name("ORIGIN"), v, tenant or ""))
    settings = Settings(
        rules=rules,
        rules_file=rules_file,
        signer=signer,
        key_file=key_file,
        origin=origin,
        tenant=tenant or "",
        database=read.get("DATABASE", lambda v: _database(v, databases or {})),
        user_id=read.get("USER_ID", lambda v: _callable("USER_ID", v, optional=False)),
        names=read.get("NAMES", lambda v: _callable("NAMES", v, optional=True)),
        consent_defaults=read.get("CONSENT_DEFAULTS", _consent) or {},
        checkpoint_every=read.get(
            "CHECKPOINT_EVERY", lambda v: _whole("CHECKPOINT_EVERY", v, least=1, optional=True)
        ),
        max_body_bytes=read.get(
            "MAX_BODY_BYTES", lambda v: _whole("MAX_BODY_BYTES", v, least=1024, optional=False)
        )
        or DEFAULT_MAX_BODY_BYTES,
        pages_layout=read.get("PAGES_LAYOUT", _layout) or DEFAULT_LAYOUT,
        pages_candidates=read.get(
            "PAGES_CANDIDATES", lambda v: _callable("PAGES_CANDIDATES", v, optional=True)
        ),
        pages_challenge_link=read.get(
            "PAGES_CHALLENGE_LINK", lambda v: _callable("PAGES_CHALLENGE_LINK", v, optional=True)
        ),
    )
    if read.problems:
        raise SettingsError(read.problems)
    return settings


def rules_path(raw: object, base_dir: object) -> Path | None:
    """Where ``MOTIVEKIT["RULES"]`` points, if it names a file at all (never raises: the
    checks lint the file even when it does not run)."""
    value = raw.get("RULES") if isinstance(raw, Mapping) else None
    try:
        text = setting_text("", value)
        return None if text is None else Path(_base_dir("RULES", value, base_dir), text)
    except ConfigError:
        return None


_lock = threading.Lock()
_cached: Settings | None = None


def get_settings() -> Settings:
    """The project's ``MOTIVEKIT``, checked once and cached (:func:`reset` forgets it)."""
    global _cached
    found = _cached
    if found is not None:
        return found
    with _lock:
        if _cached is None:
            _cached = read_settings(
                getattr(django_settings, "MOTIVEKIT", None),
                base_dir=getattr(django_settings, "BASE_DIR", None),
                databases=django_settings.DATABASES,
            )
        return _cached


def reset() -> None:
    """Forget the checked settings: the next :func:`get_settings` reads them again."""
    global _cached
    with _lock:
        _cached = None
