"""``motivekit replay`` and ``motivekit explain``: projections rebuilt and explained."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from motivekit import Explanation, ImpactExplanation, ReplayReport, SkillExplanation
from motivekit.cli._options import opened, tenant_option, url_option

__all__ = ["explain", "replay"]

rules_option = click.option(
    "--rules",
    "rules_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The design file (motivation.yaml) to run under.",
)


@click.command()
@url_option
@tenant_option
@click.option(
    "--rules",
    "rules_file",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The design file whose version and rules to replay under.",
)
@click.option("--dry-run", is_flag=True, help="Change nothing; show what would change for whom.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option("--batch", default=200, show_default=True, type=click.IntRange(1, 100_000))
def replay(
    url: str, tenant: str, rules_file: Path, dry_run: bool, as_json: bool, batch: int
) -> None:
    """Rebuild everyone's goals and progress from the journal under a design file.

    The journal and the audit log are only read. An interrupted replay resumes where it
    stopped when run again with the same file.
    """
    bar: Any = None

    def progress(done: int, total: int) -> None:
        nonlocal bar
        if bar is None:
            bar = click.progressbar(length=total, label="replaying", file=sys.stderr)
            bar.__enter__()
        bar.update(done - bar.pos)

    with opened(url, rules_file, tenant=tenant) as kit:
        try:
            report = kit.replay(dry_run=dry_run, progress=progress, batch=batch)
        finally:
            if bar is not None:
                bar.__exit__(None, None, None)
    if as_json:
        click.echo(json.dumps(_report_json(report), ensure_ascii=False, indent=2))
    else:
        for line in report.lines():
            click.echo(line)


@click.command()
@url_option
@tenant_option
@rules_option
@click.argument("user")
@click.argument("goal", required=False)
@click.option("--track", help="Explain USER's skill on this track instead of a goal.")
@click.option(
    "--feed-entry", "entry", help="Explain this entry of USER's impact feed (FeedEntry.id)."
)
@click.option("--json", "as_json", is_flag=True, help="Print the explanation as JSON.")
def explain(
    url: str,
    tenant: str,
    rules_file: Path | None,
    user: str,
    goal: str | None,
    track: str | None,
    entry: str | None,
    as_json: bool,
) -> None:
    """Show the journal entries behind USER's progress on GOAL (a goal id), behind their
    skill on a track (--track), or behind an entry of their impact feed (--feed-entry)."""
    if sum(x is not None for x in (goal, track, entry)) != 1:
        raise click.UsageError("name one of a GOAL id, a --track or a --feed-entry")
    with opened(url, rules_file, tenant=tenant) as kit:
        why: Explanation | SkillExplanation | ImpactExplanation
        if goal is not None:
            why = kit.explain(user, goal)
        elif track is not None:
            why = kit.mastery.explain(user, track)
        else:
            assert entry is not None
            why = kit.impact.explain(user, entry)
    if as_json:
        if isinstance(why, Explanation):
            data = _explanation_json(why)
        elif isinstance(why, SkillExplanation):
            data = _skill_json(why)
        else:
            data = _impact_json(why)
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        for line in why.lines():
            click.echo(line)


def _report_json(report: ReplayReport) -> dict[str, Any]:
    return {
        "version": report.version,
        "dry_run": report.dry_run,
        "people": report.people,
        "resumed_after": report.resumed_after,
        "changed": [
            {
                "person": p.person,
                "goals": [
                    {"goal": g.goal, "title": g.title, "changes": list(g.changes)} for g in p.goals
                ],
                "skills": [
                    {"track": k.track, "title": k.title, "changes": list(k.changes)}
                    for k in p.skills
                ],
                "impact": list(p.impact),
            }
            for p in report.changed
        ],
        "missions": list(report.missions),
    }


def _impact_json(why: ImpactExplanation) -> dict[str, Any]:
    entry = why.entry
    return {
        "user": why.user,
        "entry": {
            "id": entry.id,
            "kind": entry.kind,
            "story": entry.story,
            "people": entry.people,
            "items": entry.items,
            "contribution": entry.contribution,
            "week": entry.week.isoformat(),
        },
        "items": [
            {
                "seq": i.seq,
                "event_id": i.event_id,
                "event_kind": i.event_kind,
                "at": i.at.isoformat(),
                "beneficiary": i.beneficiary,
                "root": i.root,
                "contribution": i.contribution,
                "depth": i.depth,
                "share": i.share,
            }
            for i in why.items
        ],
        "more": why.more,
    }


def _explanation_json(why: Explanation) -> dict[str, Any]:
    goal, progress = why.goal, why.goal.progress
    return {
        "person": why.person,
        "rules_version": why.rules_version,
        "stale": why.stale,
        "goal": {
            "id": goal.id,
            "title": goal.title,
            "status": goal.status.value,
            "template": goal.template_id,
            "measure": goal.measure.to_json(),
            "count": progress.count,
            "target": progress.target,
            "period_start": None if progress.period_start is None else str(progress.period_start),
            "period_end": None if progress.period_end is None else str(progress.period_end),
            "total": goal.total,
        },
        "steps": [
            {
                "seq": s.seq,
                "kind": s.kind,
                "name": s.name,
                "at": s.at.isoformat(),
                "rules": s.rules,
                "day": None if s.day is None else str(s.day),
                "detail": s.detail,
            }
            for s in why.steps
        ],
        "progress_from": [s.seq for s in why.in_period()],
    }


def _skill_json(why: SkillExplanation) -> dict[str, Any]:
    skill = why.skill
    return {
        "person": why.person,
        "rules_version": why.rules_version,
        "stale": why.stale,
        "skill": {
            "track": skill.track,
            "title": skill.title,
            "evidence": skill.evidence,
            "estimate": skill.estimate,
            "level": skill.level,
            "mastered": skill.mastered,
            "summary": skill.summary,
        },
        "steps": [
            {
                "seq": s.seq,
                "kind": s.kind,
                "at": s.at.isoformat(),
                "rules": s.rules,
                "counted": s.counted,
                "outcome": s.outcome,
                "difficulty": s.difficulty,
                "item": s.item,
                "estimate": s.estimate,
                "level": s.level,
                "detail": s.detail,
            }
            for s in why.steps
        ],
    }
