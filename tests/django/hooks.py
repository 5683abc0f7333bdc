"""Hooks the Django tests name in ``MOTIVEKIT`` by dotted path."""

from __future__ import annotations

from typing import Any


def by_username(user: Any) -> str | None:
    """A USER_ID hook that keeps motivekit's ids apart from database keys."""
    return f"u-{user.username}"


def a_number(user: Any) -> object:
    """A wrong USER_ID hook: not a str."""
    return 42


def shouted(user_id: str) -> str:
    """A NAMES hook."""
    return user_id.upper()
