"""``manage.py motivekit_audit_prove``: ``motivekit audit prove`` on the project's settings."""

from __future__ import annotations

from motivekit_django.management._click import ClickCommand


class Command(ClickCommand):
    path = ("audit", "prove")
