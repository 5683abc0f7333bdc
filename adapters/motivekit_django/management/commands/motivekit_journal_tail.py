"""``manage.py motivekit_journal_tail``: ``motivekit journal tail`` on the project's settings."""

from __future__ import annotations

from motivekit_django.management._click import ClickCommand


class Command(ClickCommand):
    path = ("journal", "tail")
