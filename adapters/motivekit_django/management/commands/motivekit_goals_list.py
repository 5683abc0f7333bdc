"""``manage.py motivekit_goals_list``: ``motivekit goals list`` on the project's settings."""

from __future__ import annotations

from motivekit_django.management._click import ClickCommand


class Command(ClickCommand):
    path = ("goals", "list")
