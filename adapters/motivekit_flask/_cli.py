"""``flask motivekit …``: the ``motivekit`` command line, on the app's own configuration.

The commands are the core CLI's (``motivekit.cli.main``), copied once at import with the
options that name the database, tenant, origin, signing key and design file reading their
defaults from the app's ``MOTIVEKIT_*`` config keys (as checked by ``init_app``) instead
of the environment. An option given on the command line still wins. Everything else
(arguments, output, exit codes) is the core CLI's, so the two never drift apart.

A ``memory://`` app has nothing on disk for a command to open: use a file or a server.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from motivekit.cli._host import host_group, own_tenant_only
from motivekit_flask._config import Settings

__all__ = ["attach_commands", "motivekit_group"]


def _origin(settings: Settings) -> str | None:
    """``MOTIVEKIT_ORIGIN``, for the app's tenant only."""
    return own_tenant_only(settings.origin, settings.tenant)


# option name -> (what it reads from the app's settings, the key it comes from)
_FROM_CONFIG: dict[str, tuple[Callable[[Settings], Any], str]] = {
    "url": (lambda s: s.url, "MOTIVEKIT_DATABASE_URL"),
    "tenant": (lambda s: s.tenant, "MOTIVEKIT_TENANT"),
    "origin": (_origin, "MOTIVEKIT_ORIGIN"),
    "expected_origin": (_origin, "MOTIVEKIT_ORIGIN"),
    "key_file": (lambda s: s.key_file, "MOTIVEKIT_SIGNING_KEY_FILE"),
    "rules_file": (lambda s: s.rules_file, "MOTIVEKIT_RULES"),
}


def _settings() -> Settings:
    from motivekit_flask._extension import _state

    return _state(current_app).settings


def _from_config(read: Callable[[Settings], Any]) -> Callable[[], Any]:
    return lambda: read(_settings())


def _build() -> click.Group:
    group = host_group(
        {
            name: (_from_config(read), f"app.config['{key}']")
            for name, (read, key) in _FROM_CONFIG.items()
        },
        help="motivekit on this app's MOTIVEKIT_* configuration (see `motivekit --help`).",
    )
    assert group.callback is not None
    # the app context (and so the app's settings) lives as long as the command runs
    group.callback = with_appcontext(group.callback)
    return group


motivekit_group = _build()
"""The ``motivekit`` group that :func:`attach_commands` adds to every app's ``app.cli``."""


def attach_commands(app: Flask) -> None:
    """Add ``flask motivekit …`` to ``app`` (unless the host already has a ``motivekit``
    command of its own)."""
    if "motivekit" not in app.cli.commands:
        app.cli.add_command(motivekit_group, "motivekit")
