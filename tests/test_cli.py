"""The ``motivekit`` command line."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from motivekit import Event, Kit
from motivekit.cli import main


@pytest.fixture
def url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'cli.db'}"


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def test_db_upgrade_creates_then_reports_the_schema(url: str) -> None:
    assert run("db", "upgrade", "--url", url) == (0, f"{url}: schema upgraded from empty to 0005\n")
    assert run("db", "upgrade", "--url", url) == (0, f"{url}: schema already at revision 0005\n")


def test_commands_on_a_missing_database_point_to_db_upgrade(url: str, tmp_path: Path) -> None:
    code, out = run("goals", "list", "--owner", "ada", "--url", url)
    assert code == 1
    assert "Error: SchemaOutOfDate: no database at" in out
    assert "create it with `motivekit db upgrade --url" in out
    assert list(tmp_path.iterdir()) == []  # a mistyped --url leaves nothing behind


def test_goals_list_text_and_json(url: str) -> None:
    clock = lambda: datetime(2026, 11, 21, 12, tzinfo=UTC)  # noqa: E731
    with Kit.open(url, clock=clock) as kit:
        weekly = kit.goals.create(
            "ada", "Review pull requests", {"event": "r", "count": 3, "per": "week"}
        )
        total = kit.goals.create("ada", "Ship the guide", {"event": "page", "count": 40})
        kit.record_many(
            [Event("e1", "r", "ada", at=clock()), Event("e2", "page", "ada", at=clock())]
        )
        kit.goals.pause(total.id, by="ada")
    code, out = run("goals", "list", "--owner", "ada", "--url", url)
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith(f"{weekly.id}  active    ")
    assert lines[0].endswith("  Review pull requests")
    assert lines[1] == f"{total.id}  paused    1/40 in total (in total)  Ship the guide"
    code, out = run("goals", "list", "--owner", "ada", "--url", url, "--json")
    rows = [json.loads(line) for line in out.splitlines()]
    assert [(r["id"], r["status"], r["count"], r["target"], r["per"]) for r in rows] == [
        (weekly.id, "active", rows[0]["count"], 3, "week"),
        (total.id, "paused", 1, 40, None),
    ]
    assert run("goals", "list", "--owner", "nobody", "--url", url)[1] == "nobody has no goals\n"
    quiet = CliRunner().invoke(main, ["goals", "list", "--owner", "nobody", "--url", url, "--json"])
    assert (quiet.exit_code, quiet.stdout, quiet.stderr) == (0, "", "nobody has no goals\n")


def test_journal_tail_prints_exact_bytes(url: str) -> None:
    with Kit.open(url) as kit:
        kit.record_many(Event(f"e{i}", "r", "ada", data={"n": i, "s": "ü"}) for i in range(5))
        raw = [e.raw for e in kit.journal.tail(2)]
    result = CliRunner().invoke(main, ["journal", "tail", "-n", "2", "--url", url])
    assert result.exit_code == 0
    assert result.stdout_bytes == b"4\t" + raw[0] + b"\n5\t" + raw[1] + b"\n"


def test_url_from_environment_and_bad_urls(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MOTIVEKIT_URL", url)
    assert run("db", "upgrade")[0] == 0
    code, out = run("journal", "tail", "--url", "mssql://x/y")
    assert code == 1
    assert "Error: ConfigError: 'mssql://x/y': this release stores data in SQLite" in out


def test_console_script_is_installed() -> None:
    exe = Path(sys.executable).with_name("motivekit")
    out = subprocess.run([str(exe), "--help"], capture_output=True, text=True, check=True).stdout
    for command in ("db", "goals", "journal"):
        assert command in out
