"""``motivekit rules lint``: review a design file for controlling mechanics."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import attrs
import click

from motivekit.rules import RulesError, load_rules
from motivekit.rules._lint import FAIL_ON, SEVERITIES, Finding, counts, failing
from motivekit.rules._lint import lint as lint_rules

__all__ = ["lint"]


@click.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--format",
    "output",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Findings as text lines or as one JSON document.",
)
@click.option(
    "--fail-on",
    type=click.Choice(FAIL_ON),
    default="warning",
    show_default=True,
    help="Exit 1 if an unsilenced finding is at least this severe.",
)
def lint(file: Path, output: str, fail_on: str) -> None:
    """Review FILE for mechanics that undermine intrinsic motivation.

    Each finding says what is controlling, what to do instead, why and on what evidence
    (docs/designing.md). Exit 0: nothing at --fail-on or above; 1: something is; 2: FILE
    does not load.
    """
    try:
        loaded = load_rules(file, runnable=False)
    except RulesError as exc:
        click.echo(f"{exc.report(file)} (it must load to be linted)", err=True)
        sys.exit(2)
    findings = lint_rules(loaded)
    tally = counts(findings)
    if output == "json":
        document = {
            "file": str(file),
            "findings": [attrs.asdict(f) for f in findings],
            "counts": tally,
        }
        click.echo(json.dumps(document, indent=2, ensure_ascii=False))
    else:
        for finding in findings:
            click.echo(_text(finding))
        click.echo(_summary(str(file), tally))
    if failing(findings, fail_on):
        sys.exit(1)


def _text(finding: Finding) -> str:
    silenced = f" (silenced: {finding.silenced})" if finding.silenced is not None else ""
    return (
        f"{finding}{silenced}\n    why: {finding.reason}\n    evidence: {finding.evidence}"
        f"\n    source: {finding.source}"
    )


def _summary(file: str, tally: dict[str, int]) -> str:
    if not any(tally.values()):
        return f"ok: {file}: no findings"
    parts = [f"{tally[s]} {s}" + ("s" if tally[s] != 1 and s != "info" else "") for s in SEVERITIES]
    return f"{file}: {', '.join(parts)}, {tally['silenced']} silenced"
