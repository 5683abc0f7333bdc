"""``manage.py motivekit_rules_schema``: ``motivekit rules schema`` on the project's settings."""

from __future__ import annotations

from motivekit_django.management._click import ClickCommand


class Command(ClickCommand):
    path = ("rules", "schema")
