"""``manage.py motivekit_explain``: ``motivekit explain`` on the project's settings."""

from __future__ import annotations

from motivekit_django.management._click import ClickCommand


class Command(ClickCommand):
    path = ("explain",)
