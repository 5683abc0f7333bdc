"""The app's configuration: label ``motivekit``, so its tables are ``motivekit_*``."""

from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.core.signals import setting_changed

__all__ = ["MotivekitConfig"]

WATCHED = frozenset({"MOTIVEKIT", "BASE_DIR", "DATABASES", "DATABASE_ROUTERS"})
"""The settings the checked ``MOTIVEKIT`` and the Kit depend on."""


def _reload(*, setting: str, **kwargs: Any) -> None:
    """A watched setting changed (``override_settings``): forget the checked settings
    and close the Kit, so the next use opens one on the new values."""
    if setting in WATCHED:
        from motivekit_django import conf, kit

        conf.reset()
        kit.close_kit()
    elif setting == "MIDDLEWARE":  # whether the API runs Django's CSRF checks
        from motivekit_django.api import views

        views.csrf_enabled.cache_clear()


class MotivekitConfig(AppConfig):
    """``motivekit_django`` in ``INSTALLED_APPS`` picks this one (the only config)."""

    name = "motivekit_django"
    label = "motivekit"
    verbose_name = "motivekit"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from motivekit_django import checks  # noqa: F401 - registers the system checks

        setting_changed.connect(_reload, dispatch_uid="motivekit_django.reload")
