"""Options and helpers shared by the ``motivekit`` commands."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

import click

from motivekit._errors import MotivekitError
from motivekit._kit import DEFAULT_URL, Kit
from motivekit._tenants import DEFAULT_TENANT

__all__ = ["opened", "reported", "tenant_option", "url_option"]


@contextmanager
def reported() -> Iterator[None]:
    """Turn a motivekit error into ``Error: <class>: <message>`` and exit status 1."""
    try:
        yield
    except MotivekitError as exc:
        raise click.ClickException(f"{type(exc).__name__}: {exc}") from exc


@contextmanager
def opened(
    url: str, rules: str | os.PathLike[str] | None = None, *, tenant: str = DEFAULT_TENANT
) -> Iterator[Kit]:
    """A Kit on ``tenant``'s data at ``url`` that never creates or upgrades the schema (a
    mistyped ``--url`` leaves no empty file behind); errors are reported as by
    :func:`reported`."""
    with reported(), Kit.open(url, tenant=tenant, migrate=False, rules=rules) as kit:
        yield kit


url_option = click.option(
    "--url",
    envvar="MOTIVEKIT_URL",
    default=DEFAULT_URL,
    show_default=True,
    help="Database URL (or set MOTIVEKIT_URL).",
)

tenant_option = click.option(
    "--tenant",
    envvar="MOTIVEKIT_TENANT",
    default=DEFAULT_TENANT,
    help="Whose data: a tenant name such as 'acme' (or set MOTIVEKIT_TENANT) "
    "[default: the default tenant].",
)
