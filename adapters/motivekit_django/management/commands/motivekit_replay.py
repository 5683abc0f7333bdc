"""``manage.py motivekit_replay``: ``motivekit replay`` on the project's settings."""

from __future__ import annotations

from motivekit_django.management._click import ClickCommand


class Command(ClickCommand):
    path = ("replay",)
