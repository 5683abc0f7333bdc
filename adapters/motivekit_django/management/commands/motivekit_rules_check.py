"""``manage.py motivekit_rules_check``: ``motivekit rules check`` on the project's settings."""

from __future__ import annotations

from motivekit_django.management._click import ClickCommand


class Command(ClickCommand):
    path = ("rules", "check")
