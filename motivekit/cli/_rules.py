"""``motivekit rules``: check a design file."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from motivekit.rules import RulesError, load_rules

__all__ = ["rules"]


@click.group()
def rules() -> None:
    """The motivation design file (motivation.yaml)."""


@rules.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def check(file: Path) -> None:
    """Check FILE; print every problem as FILE:LINE:COL: path: message (exit 1 if any)."""
    try:
        loaded = load_rules(file)
    except RulesError as exc:
        for problem in exc.problems:
            click.echo(str(problem), err=True)
        noun = "problem" if len(exc.problems) == 1 else "problems"
        click.echo(f"{len(exc.problems)} {noun} in {file}", err=True)
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
