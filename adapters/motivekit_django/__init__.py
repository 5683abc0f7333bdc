"""motivekit for Django: a reusable app (``INSTALLED_APPS += ["motivekit_django"]``).

Its tables are created by ``manage.py migrate`` in the project's own database, its
writes join the project's ``transaction.atomic`` blocks, its data shows in the admin and
its commands run under ``manage.py``::

    from motivekit_django import get_kit, user_id_of

    def answer_posted(request, answer):
        get_kit().record(Event(f"answer:{answer.pk}", "answer.posted", user_id_of(request)))

Settings: ``settings.MOTIVEKIT`` (``motivekit_django.conf``). The JSON API:
``path("motivekit/api/", include("motivekit_django.api.urls"))``. See ``docs/django.md``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__all__ = ["DjangoStore", "close_kit", "get_api", "get_kit", "user_id_of"]

if TYPE_CHECKING:
    from motivekit_django.identity import user_id_of
    from motivekit_django.kit import close_kit, get_api, get_kit
    from motivekit_django.store import DjangoStore

_WHERE = {
    "DjangoStore": "motivekit_django.store",
    "close_kit": "motivekit_django.kit",
    "get_api": "motivekit_django.kit",
    "get_kit": "motivekit_django.kit",
    "user_id_of": "motivekit_django.identity",
}


def __getattr__(name: str) -> Any:
    """The public names, imported on first use: ``import motivekit_django`` (what
    ``INSTALLED_APPS`` does before the app registry is ready) must not import models."""
    if name not in _WHERE:
        raise AttributeError(f"module 'motivekit_django' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(_WHERE[name]), name)
    globals()[name] = value
    return value
