"""The core commands run inside a host framework (``flask motivekit``, ``manage.py
motivekit_*``): one copy of :data:`motivekit.cli.main` per adapter, whose options read
their defaults from the host's settings instead of the environment."""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Collection, Mapping
from typing import Any

import click

from motivekit.cli import main

__all__ = ["Adjust", "Default", "host_group", "own_tenant_only"]

Default = tuple[Callable[[], Any], str]
"""An option's default, read when the command runs, and where ``--help`` says it comes
from (``app.config['MOTIVEKIT_TENANT']``, ``MOTIVEKIT["TENANT"]``)."""

Adjust = Callable[[click.Parameter, tuple[str, ...]], None]
"""A host's own change to one parameter, given the path of its command
(``("rules", "check")``); called after the defaults are set."""

_ENV_HINT = re.compile(r"\s*(\(or set [A-Z_]+\)|\[default: [^\]]*\])")
""""(or set MOTIVEKIT_URL)" and "[default: ...]" in the core's help: not true in a host."""


def host_group(
    defaults: Mapping[str, Default],
    *,
    help: str,
    leave_out: Collection[str] = (),
    adjust: Adjust | None = None,
) -> click.Group:
    """A copy of the core group, without the groups in ``leave_out``, whose options named
    in ``defaults`` take those defaults (and no environment variable)."""
    group = copy.deepcopy(main)
    for name in leave_out:
        group.commands.pop(name, None)
    _rewire(group, (), defaults, adjust)
    group.help = help
    return group


def _rewire(
    command: click.Command,
    path: tuple[str, ...],
    defaults: Mapping[str, Default],
    adjust: Adjust | None,
) -> None:
    for param in command.params:
        if isinstance(param, click.Option) and param.name in defaults:
            param.envvar = None
            param.default, param.show_default = defaults[param.name]
            param.help = _ENV_HINT.sub("", param.help or "")
        if adjust is not None:
            adjust(param, path)
    if isinstance(command, click.Group):
        for name, sub in command.commands.items():
            _rewire(sub, (*path, name), defaults, adjust)


def own_tenant_only(origin: str | None, tenant: str) -> str | None:
    """``origin``, configured for the host's ``tenant``, as the default of the running
    command only when it works on that tenant: another tenant's log (``--tenant acme``)
    has its own default origin (``motivekit/acme``)."""
    asked = click.get_current_context().params.get("tenant")
    return origin if asked in (None, tenant) else None
