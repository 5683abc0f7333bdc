"""Options shared by the ``motivekit`` commands."""

from __future__ import annotations

import click

from motivekit._kit import DEFAULT_URL

__all__ = ["url_option"]

url_option = click.option(
    "--url",
    envvar="MOTIVEKIT_URL",
    default=DEFAULT_URL,
    show_default=True,
    help="Database URL (or set MOTIVEKIT_URL).",
)
