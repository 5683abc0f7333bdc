"""The ``motivekit`` command line: database, goals, journal, rules, replay, explain, audit,
privacy."""

from __future__ import annotations

import json
import sys

import click

from motivekit.cli._audit import audit
from motivekit.cli._options import opened, reported, tenant_option, url_option
from motivekit.cli._replay import explain, replay
from motivekit.cli._rules import rules
from motivekit.store import SqlStore
from motivekit.store.sql._migrate import head_revision

__all__ = ["main"]


@click.group()
@click.version_option(package_name="motivekit")
def main() -> None:
    """motivekit: self-chosen goals, mastery and impact for your app."""


main.add_command(audit)
main.add_command(rules)
main.add_command(replay)
main.add_command(explain)


@main.group()
def db() -> None:
    """Manage the database schema."""


@db.command("upgrade")
@url_option
def db_upgrade(url: str) -> None:
    """Create or upgrade motivekit's tables to the newest schema (one schema, shared by
    every tenant of the database: there is nothing to upgrade per tenant)."""
    if url == "memory://":
        raise click.ClickException("memory:// keeps nothing on disk; there is no schema to upgrade")
    with reported():
        store = SqlStore(url, migrate=True)  # opening upgrades
        store.close()
    before, head = store.revision_at_open, head_revision()
    if before == head:
        click.echo(f"{store.url}: schema already at revision {head}")
    else:
        click.echo(f"{store.url}: schema upgraded from {before or 'empty'} to {head}")


@main.group()
def goals() -> None:
    """Look at people's goals."""


@goals.command("list")
@url_option
@tenant_option
@click.option("--owner", required=True, help="The person whose goals to list.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
def goals_list(url: str, tenant: str, owner: str, as_json: bool) -> None:
    """List a person's goals with their progress this period."""
    with opened(url, tenant=tenant) as kit, reported():
        found = kit.goals.list(owner)
    if not found:
        click.echo(f"{owner} has no goals", err=as_json)
        return
    for goal in found:
        p = goal.progress
        period = "in total" if p.period_start is None else f"{p.period_start}..{p.period_end}"
        if as_json:
            click.echo(
                json.dumps(
                    {
                        "id": goal.id,
                        "title": goal.title,
                        "status": goal.status.value,
                        "count": p.count,
                        "target": p.target,
                        "per": p.per,
                        "period_start": None if p.period_start is None else str(p.period_start),
                        "period_end": None if p.period_end is None else str(p.period_end),
                    },
                    ensure_ascii=False,
                )
            )
        else:
            click.echo(
                f"{goal.id}  {goal.status.value:<8}  {p.count}/{p.target} "
                f"{'per ' + p.per if p.per else 'in total'} ({period})  {goal.title}"
            )


@main.group()
def journal() -> None:
    """Read the append-only journal."""


@journal.command("tail")
@url_option
@tenant_option
@click.option("-n", "count", default=10, show_default=True, type=click.IntRange(1, 10_000))
def journal_tail(url: str, tenant: str, count: int) -> None:
    """Print the newest journal entries as their exact canonical bytes."""
    with opened(url, tenant=tenant) as kit, reported():
        entries = kit.journal.tail(count)
    out = sys.stdout.buffer
    for entry in entries:
        out.write(f"{entry.seq}\t".encode() + entry.raw + b"\n")
    out.flush()


@main.group()
def privacy() -> None:
    """What motivekit holds about a person."""


@privacy.command("export")
@url_option
@tenant_option
@click.option("--user", required=True, help="The person whose data to export.")
def privacy_export(url: str, tenant: str, user: str) -> None:
    """Print everything motivekit holds about a person as JSON (kit.privacy.export).

    A person motivekit holds nothing about gets an export with empty lists, not an error.
    """
    with opened(url, tenant=tenant) as kit, reported():
        export = kit.privacy.export(user)
    click.echo(export.to_json())
