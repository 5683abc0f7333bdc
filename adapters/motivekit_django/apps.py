"""The app's configuration: label ``motivekit``, so its tables are ``motivekit_*``."""

from __future__ import annotations

from django.apps import AppConfig


class MotivekitConfig(AppConfig):
    """``motivekit_django`` in ``INSTALLED_APPS`` picks this one (the only config)."""

    name = "motivekit_django"
    label = "motivekit"
    verbose_name = "motivekit"
    default_auto_field = "django.db.models.BigAutoField"
