"""The core ``motivekit`` commands, run by ``manage.py`` on the project's settings.

Each ``manage.py motivekit_<group>_<command>`` is the core CLI's command
(``motivekit.cli.main``), copied once with the options that name the database, tenant,
origin, signing key and design file reading their defaults from ``settings.MOTIVEKIT``
instead of the environment (``--url`` becomes ``--database``, a Django alias), and every
Kit opened through :class:`DjangoKitOpener`, on the project's :class:`DjangoStore`.
Arguments, output and exit codes are the core CLI's, so the two never drift apart: from a
shell the click command runs as it is (``motivekit_audit_verify`` exits 11-17 for a log
that does not verify); ``call_command`` runs it too and raises :class:`CommandError`
(with that exit code as ``returncode``) for a failure.
"""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Callable, Iterable, Sequence
from contextlib import redirect_stderr, redirect_stdout
from typing import IO, Any

import click
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections

from motivekit import GuardedSigner, Kit
from motivekit.audit import Signer
from motivekit.cli._host import host_group, own_tenant_only
from motivekit.cli._options import KitOpener
from motivekit_django.conf import Settings, get_settings, key_name
from motivekit_django.kit import open_kit

__all__ = ["ClickCommand", "DjangoKitOpener", "django_group"]


def _settings() -> Settings:
    try:
        return get_settings()
    except ImproperlyConfigured as exc:
        raise click.ClickException(str(exc)) from None


class DjangoKitOpener(KitOpener):
    """Opens each command's Kit on the project's database: ``url`` is the ``--database``
    alias (empty: ``MOTIVEKIT["DATABASE"]`` or the routers)."""

    def open(
        self,
        url: str,
        *,
        tenant: str,
        rules: str | os.PathLike[str] | None = None,
        origin: str | None = None,
        signers: Iterable[Signer | GuardedSigner] = (),
    ) -> Kit:
        chosen = list(signers)
        return open_kit(
            _settings(),
            database=url or None,
            tenant=tenant,
            rules=rules,
            origin=origin,
            signers=chosen or None,
        )


def _origin(settings: Settings) -> str | None:
    """``MOTIVEKIT["ORIGIN"]``, for the settings' tenant only."""
    return own_tenant_only(settings.origin, settings.tenant)


# option name -> (what it reads from the settings, the key it comes from)
_FROM_SETTINGS: dict[str, tuple[Callable[[Settings], Any], str]] = {
    "url": (lambda s: s.database or "", "DATABASE"),
    "tenant": (lambda s: s.tenant, "TENANT"),
    "origin": (_origin, "ORIGIN"),
    "expected_origin": (_origin, "ORIGIN"),
    "key_file": (lambda s: s.key_file, "SIGNING_KEY_FILE"),
    "rules_file": (lambda s: s.rules_file, "RULES"),
}
_DESIGN_FILE_ARGUMENT = {("rules", "check"), ("rules", "lint")}
"""The commands whose ``FILE`` may be left out: the project's design file."""
_NOT_HERE = {"db"}
"""Core groups with no ``manage.py`` twin: the schema is Django's (``manage.py migrate``)."""


def _default(read: Callable[[Settings], Any]) -> Callable[[], Any]:
    return lambda: read(_settings())


def _design_file() -> Any:
    found = _settings().rules_file
    if found is None:
        raise click.UsageError(
            f"give the design FILE, or set {key_name('RULES')} to the project's design file"
        )
    return found


def _adjust(param: click.Parameter, path: tuple[str, ...]) -> None:
    """``--url`` becomes ``--database``; ``rules check``/``lint`` default to the project's
    design file."""
    if isinstance(param, click.Argument) and param.name == "file":
        if path in _DESIGN_FILE_ARGUMENT:
            param.default = _design_file
    elif isinstance(param, click.Option) and param.name == "url":
        param.opts = ["--database"]
        param.help = "The database alias of motivekit's tables (none: the routers')."


def _build() -> click.Group:
    return host_group(
        {name: (_default(read), key_name(key)) for name, (read, key) in _FROM_SETTINGS.items()},
        help="motivekit on this project's settings.MOTIVEKIT (see `motivekit --help`).",
        leave_out=_NOT_HERE,
        adjust=_adjust,
    )


django_group = _build()
"""The core CLI, rewired to the project's settings (every ``manage.py motivekit_*``)."""


def _strip_django_options(argv: Sequence[str]) -> list[str]:
    """``argv`` without ``--settings``/``--pythonpath`` (``manage.py`` applied them)."""
    out: list[str] = []
    skip = False
    for arg in argv:
        if skip:
            skip = False
        elif arg in ("--settings", "--pythonpath"):
            skip = True
        elif not arg.startswith(("--settings=", "--pythonpath=")):
            out.append(arg)
    return out


class _Text(io.TextIOBase):
    """A text stream that also takes bytes on ``.buffer`` (``journal tail`` writes the
    entries' exact bytes there), for ``call_command(stdout=StringIO())``."""

    def __init__(self, out: IO[str]) -> None:
        self._out = out
        self.buffer = _Bytes(out)

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return "utf-8"

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        self._out.write(text)
        return len(text)

    def flush(self) -> None:
        self._out.flush()


class _Bytes(io.RawIOBase):
    def __init__(self, out: IO[str]) -> None:
        self._out = out

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        self._out.write(bytes(data).decode("utf-8", "replace"))
        return len(data)


class _ClickArgs(CommandParser):
    """Django's parser with its defaults, handing every argument on to click."""

    def parse_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: Any = None
    ) -> Any:
        found = super().parse_args([], namespace)
        found.args = [str(a) for a in args or ()]
        return found


class ClickCommand(BaseCommand):
    """A ``manage.py`` command that is the core command at :attr:`path`."""

    path: tuple[str, ...] = ()
    """Where the command is in the core CLI: ``("audit", "verify")``."""
    requires_system_checks = ()
    """None: ``motivekit_rules_check`` must run on the very file the checks reject."""

    @property
    def click_command(self) -> click.Command:
        command: click.Command = django_group
        for name in self.path:
            assert isinstance(command, click.Group)
            command = command.commands[name]
        return command

    @property
    def help(self) -> str:  # type: ignore[override]
        return (self.click_command.help or "").split("\n\n")[0]

    def _prog(self, prog_name: str, subcommand: str) -> str:
        return f"{os.path.basename(prog_name)} {subcommand}"

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.__class__ = _ClickArgs  # same options, its own parse_args
        return parser

    def print_help(self, prog_name: str, subcommand: str) -> None:
        command = self.click_command
        with click.Context(command, info_name=self._prog(prog_name, subcommand)) as ctx:
            self.stdout.write(command.get_help(ctx))

    def run_from_argv(self, argv: list[str]) -> None:
        """From a shell: the click command itself (its output, errors and exit codes)."""
        try:
            self.click_command.main(
                args=_strip_django_options(argv[2:]),
                prog_name=self._prog(argv[0], argv[1]),
                obj=DjangoKitOpener(),
            )
        finally:
            connections.close_all()

    def handle(self, *args: str, **options: Any) -> None:
        """From ``call_command``: the same command; a failure is a ``CommandError``."""
        out = _Text(options.get("stdout") or sys.stdout)
        err = _Text(options.get("stderr") or sys.stderr)
        name = "motivekit_" + "_".join(p.replace("-", "_") for p in self.path)
        try:
            with redirect_stdout(out), redirect_stderr(err):
                code = self.click_command.main(
                    args=list(args),
                    prog_name=f"manage.py {name}",
                    obj=DjangoKitOpener(),
                    standalone_mode=False,
                )
        except click.ClickException as exc:
            raise CommandError(exc.format_message(), returncode=exc.exit_code) from None
        except click.Abort:
            raise CommandError(f"{name}: aborted", returncode=1) from None
        except SystemExit as exc:
            if exc.code in (0, None):
                return
            code = exc.code if isinstance(exc.code, int) else 1
            raise CommandError(f"{name} failed (exit status {code})", returncode=code) from None
        if isinstance(code, int) and code != 0:
            raise CommandError(f"{name} failed (exit status {code})", returncode=code)
