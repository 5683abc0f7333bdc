"""The extension: ``Motivekit(app)`` / ``init_app``, its per-app state, the proxies.

Invariants:

* One :class:`Motivekit` may serve several apps; each app's state lives in
  ``app.extensions["motivekit"]`` and nothing of it is shared between apps (two apps, two
  Kits, two config sets).
* The Kit is opened lazily, on first use (``current_kit``, the API blueprint, a command),
  under a lock, and then shared by every request and thread of the app (a Kit is
  thread-safe). So a forking server (gunicorn) opens it in each worker, after the fork, and
  ``flask motivekit db upgrade`` can run before anything touches the schema. Everything
  that can be checked without the database is checked at ``init_app``.
* The extension closes only what it opened: the Kit it opened, by :meth:`Motivekit.close`
  or when the app is garbage-collected or the process exits. Nothing is opened or closed
  per request, and a Kit the host passed in (``kit=``) is never closed by the extension.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar, cast

from flask import Flask, current_app
from sqlalchemy.engine import make_url
from werkzeug.local import LocalProxy

from motivekit import ConfigError, Kit, StoreUnavailable
from motivekit.api import Api
from motivekit_flask._config import Settings, read_settings
from motivekit_flask._identity import UserLoader, checked_user, flask_login_user

if TYPE_CHECKING:
    from motivekit.audit import GuardedSigner

__all__ = ["EXTENSION_KEY", "Motivekit", "current_api", "current_kit", "current_user_id"]

EXTENSION_KEY = "motivekit"
"""The key of the extension's state in ``app.extensions``."""

L = TypeVar("L", bound=UserLoader)


def _shown(url: str) -> str:
    """``url`` without its password, for messages."""
    return url if url == "memory://" else make_url(url).render_as_string(hide_password=True)


class State:
    """One app's motivekit: its checked settings, its Kit (opened on first use) and its
    :class:`motivekit.api.Api`. Held in ``app.extensions["motivekit"]``; it keeps no
    reference to the app."""

    def __init__(self, extension: Motivekit, settings: Settings, kit: Kit | None) -> None:
        self.extension = extension
        self.settings = settings
        self.owns_kit = kit is None
        """False for a Kit the host passed in: the extension never closes that one."""
        self._kit = kit
        self._api: Api | None = None
        self._lock = threading.RLock()

    @property
    def kit(self) -> Kit:
        """The app's Kit, opened on first use."""
        kit = self._kit
        if kit is not None:
            return kit
        with self._lock:
            if self._kit is None:
                self._kit = self._open()
            return self._kit

    @property
    def api(self) -> Api:
        """The JSON API over the app's Kit (built once)."""
        api = self._api
        if api is not None:
            return api
        with self._lock:
            if self._api is None:
                self._api = Api(self.kit, names=self.extension.names)
            return self._api

    def _open(self) -> Kit:
        s = self.settings
        signers: list[GuardedSigner] = [] if s.signer is None else [s.signer]
        try:
            return Kit.open(s.url, tenant=s.tenant, origin=s.origin, rules=s.rules, signers=signers)
        except StoreUnavailable:
            raise  # the server is away now; the next use tries again
        except ConfigError as exc:
            raise ConfigError(
                f"MOTIVEKIT_DATABASE_URL = {_shown(s.url)!r} cannot be opened: {exc}"
            ) from None

    def close(self) -> None:
        """Close the Kit if the extension opened it (the next use opens a new one)."""
        with self._lock:
            kit, self._kit, self._api = self._kit, None, None
            if kit is not None and not self.owns_kit:
                self._kit = kit  # the host's: kept, never closed here
                return
        if kit is not None:
            kit.close()


class Motivekit:
    """motivekit for Flask: ``Motivekit(app)``, or ``mk = Motivekit()`` then
    ``mk.init_app(app)`` in an app factory (as many apps as you like).

    ``user_loader`` maps the host's signed-in user to a motivekit user id (see
    :meth:`user_loader`); ``names`` maps a user id to the name stories show; ``kit`` is a
    Kit the host opened itself, used instead of one opened from the config keys and never
    closed by the extension.
    """

    def __init__(
        self,
        app: Flask | None = None,
        *,
        user_loader: UserLoader | None = None,
        kit: Kit | None = None,
        names: Callable[[str], str] | None = None,
    ) -> None:
        self._user_loader = user_loader
        if names is not None and not callable(names):
            raise ConfigError(f"names must be a callable, got {type(names).__name__}")
        self.names = names
        """How impact stories name people (user id → the host's display name); ``None``
        shows the ids. Anonymous people stay "someone" whatever it returns."""
        if app is not None:
            self.init_app(app, kit=kit)
        elif kit is not None:
            raise ConfigError(
                "Motivekit(kit=...) needs app=...; or pass kit to init_app(app, kit=)"
            )

    def init_app(self, app: Flask, *, kit: Kit | None = None) -> None:
        """Check the app's ``MOTIVEKIT_*`` config keys (see ``motivekit_flask._config``)
        and keep the app's state in ``app.extensions["motivekit"]``.

        Raises :class:`motivekit.ConfigError` naming the key for a wrong one. The Kit is
        opened on first use, not here (unless ``kit`` is given: then that one is used).
        """
        if EXTENSION_KEY in app.extensions:
            raise ConfigError(
                f"Motivekit is already initialised on app {app.name!r}; call init_app once "
                f"per app (one Motivekit object may serve several apps)"
            )
        if kit is not None and not isinstance(kit, Kit):
            raise ConfigError(f"kit must be a motivekit.Kit, got {type(kit).__name__}")
        state = State(self, read_settings(app), kit)
        app.extensions[EXTENSION_KEY] = state
        # the Kit it opened is closed when the app goes away or the process exits
        weakref.finalize(app, state.close)
        from motivekit_flask._cli import attach_commands

        attach_commands(app)

    def user_loader(self, loader: L) -> L:
        """Register the callable that maps the signed-in user to a motivekit user id
        (a non-empty ``str``, or ``None`` for nobody); usable as a decorator. Without one,
        Flask-Login's ``current_user.get_id()`` is used if Flask-Login is installed and the
        app has a ``LoginManager``; otherwise nobody is signed in."""
        if not callable(loader):
            raise ConfigError(f"user_loader must be a callable, got {type(loader).__name__}")
        self._user_loader = loader
        return loader

    def current_user_id(self) -> str | None:
        """The signed-in person's motivekit id through the loader (in a request)."""
        loader: Callable[[], object] = self._user_loader or flask_login_user
        return checked_user(loader(), loader)

    def get_kit(self, app: Flask | None = None) -> Kit:
        """``app``'s Kit (default: the current app's), opened on first use."""
        return _state(app).kit

    def close(self, app: Flask | None = None) -> None:
        """Close the Kit the extension opened for ``app`` (default: the current app).

        A host's Kit (``kit=``) is left open. The app keeps working: its next use opens a
        new Kit.
        """
        _state(app).close()


def _state(app: Flask | None = None) -> State:
    found = (current_app if app is None else app).extensions.get(EXTENSION_KEY)
    if not isinstance(found, State):
        name = (current_app if app is None else app).name
        raise ConfigError(
            f"Motivekit is not initialised on app {name!r}: call Motivekit(app) or "
            f"mk.init_app(app) when you create the app"
        )
    return found


def current_user_id() -> str | None:
    """The signed-in person's motivekit id (``None``: nobody), through the app's loader."""
    return _state().extension.current_user_id()


current_kit = cast(Kit, LocalProxy(lambda: _state().kit))
"""The current app's Kit (a proxy: use it inside a request or an app context)."""

current_api = cast(Api, LocalProxy(lambda: _state().api))
"""The current app's :class:`motivekit.api.Api` (a proxy, like ``current_kit``)."""
