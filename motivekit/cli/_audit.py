"""``motivekit audit``: keys, checkpoints, verification and proofs.

Exit status: 0 verified; 1 a wrong input or configuration; 2 a usage error; and for a log
or bundle that does not verify, one code per kind of failure::

    11 tampered entry      12 missing entry        13 reordered entries
    14 bad signature       15 inconsistent checkpoints
    16 unknown key         17 invalid proof
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import IO, Any

import click

from motivekit._errors import AuditError, InvalidKey, MotivekitError
from motivekit._kit import DEFAULT_ORIGIN
from motivekit._time import parse_instant
from motivekit.audit import (
    Ed25519Signer,
    GuardedSigner,
    NoteVerifier,
    ProofBundle,
    verify_bundle,
)
from motivekit.cli._options import open_kit, tenant_option, url_option

__all__ = ["audit"]

_keys = [
    click.option("--key", "keys", multiple=True, help="A trusted verifier key (repeatable)."),
    click.option(
        "--keys",
        "keys_file",
        type=click.Path(dir_okay=False, path_type=Path),
        help="A file of trusted verifier keys: one per line, optionally followed by "
        "not-before=<UTC instant> and not-after=<UTC instant>.",
    ),
]


_expected_origin = click.option(
    "--origin",
    "expected_origin",
    help="The log's origin: checkpoints naming another log are rejected.",
)


def _with_keys(f: Callable[..., Any]) -> Callable[..., Any]:
    for option in reversed(_keys):
        f = option(f)
    return f


@contextmanager
def _reported() -> Iterator[None]:
    try:
        yield
    except AuditError as exc:
        click.echo(f"Error: {type(exc).__name__}: {exc}", err=True)
        sys.exit(exc.exit_code)
    except MotivekitError as exc:
        raise click.ClickException(f"{type(exc).__name__}: {exc}") from exc


def _instant(text: str, line: int) -> datetime:
    try:
        return parse_instant(text)
    except ValueError:
        raise InvalidKey(
            f"keys file line {line}: {text!r} is not a UTC instant like 2027-01-01T00:00:00.000000Z"
        ) from None


def _verifiers(keys: Sequence[str], keys_file: Path | None) -> list[NoteVerifier]:
    found = [NoteVerifier.parse(k) for k in keys]
    if keys_file is not None:
        try:
            lines = keys_file.read_text("utf-8").splitlines()
        except OSError as exc:
            raise InvalidKey(f"cannot read keys file {str(keys_file)!r}: {exc.strerror}") from None
        for number, line in enumerate(lines, 1):
            words = line.split("#", 1)[0].split()
            if not words:
                continue
            window: dict[str, datetime] = {}
            for word in words[1:]:
                name, _, value = word.partition("=")
                if name not in ("not-before", "not-after") or not value:
                    raise InvalidKey(f"keys file line {number}: unknown option {word!r}")
                window[name.replace("-", "_")] = _instant(value, number)
            found.append(NoteVerifier.parse(words[0], **window))
    if not found:
        raise click.UsageError("give the trusted verifier key(s) with --key or --keys")
    return found


def _env_path(variable: str) -> Path | None:
    value = os.environ.get(variable)
    return Path(value) if value else None


def _signer(key_file: Path | None, state: Path | None) -> GuardedSigner:
    if key_file is not None:
        return GuardedSigner(
            Ed25519Signer.from_file(key_file), state or key_file.with_name(key_file.name + ".state")
        )
    if os.environ.get("MOTIVEKIT_SIGNING_KEY"):
        state = state or _env_path("MOTIVEKIT_SIGNER_STATE")
        if state is None:
            raise click.UsageError(
                "with MOTIVEKIT_SIGNING_KEY, give --signer-state (or MOTIVEKIT_SIGNER_STATE): "
                "the file where the signer remembers what it signed"
            )
        return GuardedSigner(Ed25519Signer.from_env(), state)
    raise click.UsageError("give the signing key with --key-file or MOTIVEKIT_SIGNING_KEY")


@click.group()
def audit() -> None:
    """The signed, tamper-evident audit log."""


@audit.command()
@click.argument("name")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="Where to write the private key (created readable by you only).",
)
def keygen(name: str, out: Path) -> None:
    """Create an Ed25519 signing key called NAME; print its verifier key."""
    with _reported():
        signer = Ed25519Signer.generate(name)
        try:
            fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            raise InvalidKey(f"{str(out)!r} exists; keys are never overwritten") from None
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(signer.private_key + "\n")
    click.echo(str(signer.verifier()))


@audit.command()
@url_option
@tenant_option
@click.option(
    "--key-file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The signing key (or set MOTIVEKIT_SIGNING_KEY).",
)
@click.option(
    "--signer-state",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where the signer remembers what it signed [default: KEY_FILE.state].",
)
@click.option(
    "--origin",
    envvar="MOTIVEKIT_ORIGIN",
    default=None,
    help=f"The log's name in its checkpoints [default: {DEFAULT_ORIGIN}, or "
    f"{DEFAULT_ORIGIN}/TENANT for a named tenant].",
)
def checkpoint(
    url: str, tenant: str, key_file: Path | None, signer_state: Path | None, origin: str | None
) -> None:
    """Sign a checkpoint of the log now and print it."""
    with _reported():
        signer = _signer(key_file, signer_state)
        with open_kit(url, tenant=tenant, origin=origin, signers=[signer]) as kit:
            signed = kit.audit.checkpoint()
    click.echo(signed.note, nl=False)


@audit.command()
@url_option
@tenant_option
@_with_keys
@click.option(
    "--state",
    type=click.Path(dir_okay=False, path_type=Path),
    help="A pinned checkpoint: the log must extend it; moved forward after success.",
)
@_expected_origin
@click.option("--strict", is_flag=True, help="Also check every entry's canonical form.")
def verify(
    url: str,
    tenant: str,
    keys: tuple[str, ...],
    keys_file: Path | None,
    state: Path | None,
    expected_origin: str | None,
    strict: bool,
) -> None:
    """Rehash every entry and check every checkpoint and signature."""
    with _reported():
        verifiers = _verifiers(keys, keys_file)
        with open_kit(url, tenant=tenant) as kit:
            report = kit.audit.verify(
                verifiers,
                state=state,
                origin=expected_origin,
                strict=strict,
                progress=_progress(),
            )
    noun = "checkpoint" if report.checkpoints == 1 else "checkpoints"
    click.echo(
        f"ok: {report.size} entries, {report.checkpoints} {noun} verified"
        + ("" if report.latest is None else f", latest signed size {report.latest.checkpoint.size}")
    )


def _progress() -> Callable[[int, int], None]:
    shown = {"last": 0}

    def report(done: int, total: int) -> None:
        if total >= 10_000 and (done - shown["last"] >= total // 20 or done == total):
            shown["last"] = done
            click.echo(f"verified {done:,} of {total:,} entries", err=True)

    return report


@audit.command()
@url_option
@tenant_option
@click.argument("seq", type=click.IntRange(min=1))
@click.option("--disclose", is_flag=True, help="Include the entry's salt and personal part.")
def prove(url: str, tenant: str, seq: int, disclose: bool) -> None:
    """Print an offline proof bundle for entry SEQ."""
    with _reported(), open_kit(url, tenant=tenant) as kit:
        bundle = kit.audit.prove(seq, disclose=disclose)
    click.echo(bundle.to_json())


@audit.command("verify-bundle")
@click.argument("file", type=click.File("r", encoding="utf-8"))
@_with_keys
@_expected_origin
def verify_bundle_command(
    file: IO[str], keys: tuple[str, ...], keys_file: Path | None, expected_origin: str | None
) -> None:
    """Verify a proof bundle with nothing but the log's public keys."""
    with _reported():
        verifiers = _verifiers(keys, keys_file)
        bundle = ProofBundle.from_json(file.read())
        signed = verify_bundle(bundle, verifiers, origin=expected_origin)
    cp = signed.checkpoint
    click.echo(f"ok: entry {bundle.seq} is in {cp.origin} at size {cp.size}")


@audit.command("export-checkpoint")
@url_option
@tenant_option
def export_checkpoint(url: str, tenant: str) -> None:
    """Print the newest signed checkpoint."""
    with _reported(), open_kit(url, tenant=tenant) as kit:
        latest = kit.audit.latest()
    if latest is None:
        raise click.ClickException(
            "no checkpoint has been signed yet (`motivekit audit checkpoint`)"
        )
    click.echo(latest.note, nl=False)
