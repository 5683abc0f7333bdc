"""``motivekit rules``: check and lint a design file; print its JSON Schema or YAML reference."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from motivekit.cli._lint import lint
from motivekit.rules import RulesError, load_rules, reference_markdown, schema_text

__all__ = ["rules"]


@click.group()
def rules() -> None:
    """The motivation design file (motivation.yaml)."""


rules.add_command(lint)


@rules.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def check(file: Path) -> None:
    """Check FILE; print every problem as FILE:LINE:COL: path: message (exit 1 if any)."""
    try:
        loaded = load_rules(file)
    except RulesError as exc:
        click.echo(exc.report(file), err=True)
        sys.exit(1)
    design = loaded.design
    counts = ", ".join(
        _count(n, noun)
        for n, noun in (
            (len(design.goals.menu), "goal on the menu|goals on the menu"),
            (len(design.tracks), "track|tracks"),
            (len(design.missions), "mission|missions"),
        )
    )
    click.echo(f"ok: {file} (version {design.version}): {counts}")


def _count(n: int, nouns: str) -> str:
    one, many = nouns.split("|")
    return f"{n} {one if n == 1 else many}"


@rules.command()
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to FILE instead of printing.",
)
@click.option(
    "--markdown", is_flag=True, help="The YAML reference in Markdown (docs/yaml-reference.md)."
)
def schema(output: Path | None, markdown: bool) -> None:
    """Print the JSON Schema of motivation.yaml, for editors (or, with --markdown, its
    reference)."""
    text = reference_markdown() if markdown else schema_text()
    if output is None:
        click.echo(text, nl=False)
        return
    try:
        output.write_text(text, encoding="utf-8", newline="\n")
    except OSError as exc:
        raise click.ClickException(f"cannot write {output}: {exc}") from exc
