"""The ``MOTIVEKIT_*`` config keys: each one read, checked and documented here.

Everything that can be checked without touching the database is checked when the
extension is initialised (:func:`read_settings`), so a wrong key stops the app at start-up
with a :class:`motivekit.ConfigError` that names the key and the fix, never with a
traceback from inside a dependency. The database itself is opened later, on first use
(see ``_extension.py``). The design file, signing key, tenant and origin are checked by
``motivekit._host_config``, as the Django app checks its own.
"""

from __future__ import annotations

import os
from pathlib import Path

import attrs
from flask import Flask

from motivekit import ConfigError, GuardedSigner, Rules
from motivekit._host_config import (
    host_origin,
    host_rules,
    host_signer,
    host_tenant,
    setting_text,
)
from motivekit.store.sql.dialects import dialect_for

__all__ = ["KEYS", "Settings", "read_settings"]

KEYS = (
    "MOTIVEKIT_DATABASE_URL",
    "MOTIVEKIT_RULES",
    "MOTIVEKIT_SIGNING_KEY_FILE",
    "MOTIVEKIT_ORIGIN",
    "MOTIVEKIT_TENANT",
)
"""Every config key the extension reads."""

DEFAULT_DATABASE = "motivekit.db"
"""The SQLite file, in the app's instance folder, used when no URL is configured."""


@attrs.frozen
class Settings:
    """One app's checked configuration: what ``Kit.open`` is called with."""

    url: str
    tenant: str
    origin: str | None
    rules: Rules | None
    rules_file: Path | None
    """Where ``rules`` came from (the ``flask motivekit`` commands read it again)."""
    signer: GuardedSigner | None
    key_file: Path | None


def _text(app: Flask, key: str) -> str | None:
    return setting_text(key, app.config.get(key))


def _database_url(app: Flask) -> str:
    """``MOTIVEKIT_DATABASE_URL``: where motivekit keeps its data.

    * unset → ``sqlite:///<instance folder>/motivekit.db`` (the folder is created);
    * ``sqlite:///relative/path.db`` → relative to the app's instance folder, as
      Flask-SQLAlchemy does (``sqlite:////abs/path.db`` stays as given);
    * ``postgresql://…``, ``mysql+pymysql://…`` → that server (``docs/storage.md``);
    * ``memory://`` → nothing kept after the process ends (tests).
    """
    key = "MOTIVEKIT_DATABASE_URL"
    url = _text(app, key)
    if url is None:
        os.makedirs(app.instance_path, exist_ok=True)
        return f"sqlite:///{Path(app.instance_path, DEFAULT_DATABASE)}"
    if url == "memory://":
        return url
    try:
        parsed, _ = dialect_for(url)
    except ConfigError as exc:
        raise ConfigError(
            f"{key}: {exc}; set it to such a URL, or leave it unset for a SQLite file "
            f"in the instance folder"
        ) from None
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return url
    path = Path(parsed.database)
    if not path.is_absolute():
        os.makedirs(app.instance_path, exist_ok=True)
        path = Path(app.instance_path, path)
    if not path.parent.is_dir():
        raise ConfigError(
            f"{key} = {url!r}: the folder {str(path.parent)!r} of the SQLite file does not "
            f"exist; create it or choose another path"
        )
    return parsed.set(database=str(path)).render_as_string(hide_password=False)


def _rules(app: Flask) -> tuple[Rules | None, Path | None]:
    """``MOTIVEKIT_RULES``: the design file (``motivation.yaml``) the Kit runs under,
    checked now; a relative path is relative to the app's root folder
    (``app.root_path``, where the code that ships it lives). Unset: no design file (goals
    written in code or by people themselves only)."""
    key = "MOTIVEKIT_RULES"
    return host_rules(key, app.config.get(key), Path(app.root_path))


def _signer(app: Flask) -> tuple[GuardedSigner | None, Path | None]:
    """``MOTIVEKIT_SIGNING_KEY_FILE``: the Ed25519 key that signs the audit log's
    checkpoints (create one with ``motivekit audit keygen NAME --out FILE``); a relative
    path is relative to the instance folder, which is never committed. The signer
    remembers what it signed in ``FILE.state`` beside it. Unset: checkpoints are not
    signed automatically (``flask motivekit audit checkpoint --key-file`` still can)."""
    key = "MOTIVEKIT_SIGNING_KEY_FILE"
    return host_signer(key, app.config.get(key), Path(app.instance_path))


def read_settings(app: Flask) -> Settings:
    """Every ``MOTIVEKIT_*`` key of ``app.config``, checked; :class:`ConfigError` naming
    the first wrong key otherwise.

    ``MOTIVEKIT_TENANT`` names whose data the app works on (``docs/tenants.md``; unset:
    the default tenant). ``MOTIVEKIT_ORIGIN`` names the audit log in its checkpoints
    (e.g. ``"example.com/motivekit"``; a named tenant's must end in ``/<tenant>``; unset:
    ``motivekit`` or ``motivekit/<tenant>``).
    """
    for key in KEYS:
        app.config.setdefault(key, None)
    tenant = host_tenant("MOTIVEKIT_TENANT", app.config["MOTIVEKIT_TENANT"])
    origin = host_origin("MOTIVEKIT_ORIGIN", app.config["MOTIVEKIT_ORIGIN"], tenant)
    url = _database_url(app)
    rules, rules_file = _rules(app)
    signer, key_file = _signer(app)
    return Settings(url, tenant, origin, rules, rules_file, signer, key_file)
