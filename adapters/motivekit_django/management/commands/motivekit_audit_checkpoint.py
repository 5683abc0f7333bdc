"""``manage.py motivekit_audit_checkpoint``: ``motivekit audit checkpoint``,
on the project's settings.
"""

from __future__ import annotations

from motivekit_django.management._click import ClickCommand


class Command(ClickCommand):
    path = ("audit", "checkpoint")
