"""Options and helpers shared by the ``motivekit`` commands."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

import click

from motivekit._errors import MotivekitError
from motivekit._kit import DEFAULT_URL, Kit
from motivekit._tenants import DEFAULT_TENANT
from motivekit.audit import GuardedSigner, Signer

__all__ = ["KitOpener", "open_kit", "opened", "reported", "tenant_option", "url_option"]


class KitOpener:
    """How the commands open the Kit they work on: ``Kit.open(url, migrate=False)``.

    A host adapter that runs these commands on its own store (the Django app's
    ``manage.py motivekit_*``) puts a subclass in the click context's ``obj``; every
    command then opens its Kit through it, with the same tenant, design file, origin and
    signers it would have passed to ``Kit.open``.
    """

    def open(
        self,
        url: str,
        *,
        tenant: str,
        rules: str | os.PathLike[str] | None = None,
        origin: str | None = None,
        signers: Iterable[Signer | GuardedSigner] = (),
    ) -> Kit:
        """A Kit that never creates or upgrades the schema (a mistyped ``--url`` leaves
        no empty file behind)."""
        return Kit.open(
            url, tenant=tenant, migrate=False, rules=rules, origin=origin, signers=signers
        )


def open_kit(
    url: str,
    *,
    tenant: str,
    rules: str | os.PathLike[str] | None = None,
    origin: str | None = None,
    signers: Iterable[Signer | GuardedSigner] = (),
) -> Kit:
    """The running command's Kit, through the context's :class:`KitOpener` if a host set
    one, else ``Kit.open``."""
    ctx = click.get_current_context(silent=True)
    opener = (ctx.find_object(KitOpener) if ctx is not None else None) or KitOpener()
    return opener.open(url, tenant=tenant, rules=rules, origin=origin, signers=signers)


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
    """A Kit on ``tenant``'s data at ``url`` (:func:`open_kit`), closed after the block;
    errors are reported as by :func:`reported`."""
    with reported(), open_kit(url, tenant=tenant, rules=rules) as kit:
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
