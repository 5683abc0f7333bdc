"""``manage.py motivekit_privacy_export``: ``motivekit privacy export``,
on the project's settings.
"""

from __future__ import annotations

from motivekit_django.management._click import ClickCommand


class Command(ClickCommand):
    path = ("privacy", "export")
