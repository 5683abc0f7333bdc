"""Who is signed in: the host's current user as a motivekit user id.

A user loader is a callable taking nothing and returning the signed-in person's motivekit
id (a non-empty string) or ``None`` for nobody. The default asks Flask-Login when it is
installed and the app has a ``LoginManager``; without either, nobody is signed in and every
personal endpoint answers 401. Flask-Login is imported here only if present: it is never a
dependency.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from flask import current_app

from motivekit import ConfigError

__all__ = ["UserLoader", "checked_user", "flask_login_user"]

UserLoader = Callable[[], str | None]
"""Maps the host's current user to a motivekit user id (``None``: nobody signed in)."""


def _flask_login() -> Any:
    try:
        return importlib.import_module("flask_login")
    except ImportError:
        return None


_FLASK_LOGIN = _flask_login()


def flask_login_user() -> str | None:
    """The default loader: ``flask_login.current_user.get_id()``, or ``None`` for an
    anonymous user, an app without a ``LoginManager`` or no Flask-Login at all."""
    if _FLASK_LOGIN is None or getattr(current_app, "login_manager", None) is None:
        return None
    user = _FLASK_LOGIN.current_user
    if user is None or not user.is_authenticated:
        return None
    found: object = user.get_id()
    return None if found is None else str(found)


def checked_user(found: object, loader: object) -> str | None:
    """``found`` (what ``loader`` returned) if it is a user id or ``None``; a host whose
    loader returns anything else learns what to return instead."""
    if found is None or (isinstance(found, str) and found):
        return found
    name = getattr(loader, "__qualname__", repr(loader))
    raise ConfigError(
        f"the motivekit user loader {name} returned {found!r} "
        f"({type(found).__name__}); return the signed-in person's motivekit id as a "
        f"non-empty str (e.g. str(user.id)), or None when nobody is signed in"
    )
