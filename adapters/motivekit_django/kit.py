"""The project's Kit and JSON API: opened lazily, once per process, shared by every thread.

:func:`get_kit` opens a :class:`motivekit.Kit` on a :class:`DjangoStore` (the project's
own database: ``MOTIVEKIT["DATABASE"]``, or the routers) on first use, under a lock, with
the design file, signer, origin, tenant and consent defaults of ``settings.MOTIVEKIT``.
A forking server (gunicorn) so opens it in each worker, after the fork; ``manage.py
migrate`` runs before anything touches motivekit's tables. A Kit is thread-safe and the
store uses each thread's own Django connection, so one Kit serves every request.

When ``MOTIVEKIT`` changes (``setting_changed``: ``override_settings`` in tests) the Kit
is closed and the next use opens one on the new settings.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable

from motivekit import GuardedSigner, Kit, Rules
from motivekit.api import Api
from motivekit.audit import Signer
from motivekit_django.conf import Settings, get_settings
from motivekit_django.store import DjangoStore

__all__ = ["close_kit", "get_api", "get_kit", "open_kit"]

_lock = threading.RLock()
_kit: Kit | None = None
_api: Api | None = None


def open_kit(
    settings: Settings,
    *,
    database: str | None = None,
    rules: Rules | str | os.PathLike[str] | None = None,
    tenant: str | None = None,
    origin: str | None = None,
    signers: Iterable[Signer | GuardedSigner] | None = None,
) -> Kit:
    """A new Kit on ``settings`` (the caller closes it): what :func:`get_kit` shares and
    what each ``manage.py motivekit_*`` command opens for itself. Each argument given
    replaces the settings' own (another tenant's log has its own default origin)."""
    if tenant is None or tenant == settings.tenant:
        tenant, origin = settings.tenant, settings.origin if origin is None else origin
    store = DjangoStore(using=settings.database if database is None else database, tenant=tenant)
    if signers is None:
        signers = [] if settings.signer is None else [settings.signer]
    return Kit(
        store,
        rules=settings.rules if rules is None else rules,
        origin=origin,
        signers=signers,
        consent_defaults=settings.consent_defaults,
        checkpoint_every=settings.checkpoint_every,
    )


def get_kit() -> Kit:
    """The project's Kit, opened on first use (``ImproperlyConfigured`` naming every
    mistake in ``MOTIVEKIT`` if it cannot be)."""
    global _kit
    kit = _kit
    if kit is not None:
        return kit
    with _lock:
        if _kit is None:
            _kit = open_kit(get_settings())
        return _kit


def get_api() -> Api:
    """The JSON API over :func:`get_kit` (what the API views and the pages call)."""
    global _api
    api = _api
    if api is not None:
        return api
    with _lock:
        if _api is None:
            settings = get_settings()
            _api = Api(get_kit(), max_body_bytes=settings.max_body_bytes, names=settings.names)
        return _api


def close_kit() -> None:
    """Close the shared Kit; the next :func:`get_kit` opens a new one."""
    global _kit, _api
    with _lock:
        kit, _kit, _api = _kit, None, None
    if kit is not None:
        kit.close()
