"""``flask motivekit …``: the core commands on the app's MOTIVEKIT_* configuration."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask

from motivekit import Event
from motivekit.cli import main
from motivekit_flask import Motivekit, current_kit
from tests._flask_apps import RULES, make_app

GOAL = {"event": "review.submitted", "count": 3, "per": "week"}


def with_goal(app: Flask, owner: str = "ada", title: str = "Review") -> str:
    with app.app_context():
        goal = current_kit.goals.create(owner, title, GOAL)
        current_kit.record(Event(f"e-{owner}", "review.submitted", owner))
    return goal.id


def test_the_commands_mirror_the_core_cli(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    result = app.test_cli_runner().invoke(args=["motivekit", "--help"])
    assert result.exit_code == 0, result.output
    assert set(main.commands) <= set(re.findall(r"^  (\S+)", result.output, re.M))


def test_goals_list_reads_the_apps_database_not_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MOTIVEKIT_URL", "sqlite:////no/such/place.db")
    app = make_app(tmp_path)
    goal_id = with_goal(app)
    result = app.test_cli_runner().invoke(args=["motivekit", "goals", "list", "--owner", "ada"])
    assert result.exit_code == 0, result.output
    assert re.fullmatch(rf"{goal_id}  active    1/3 per week \(.*\)  Review\n", result.output)


def test_an_option_on_the_command_line_still_wins(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    with_goal(app)
    other = make_app(tmp_path / "other")
    with other.app_context():
        current_kit.goals.list("ada")  # creates the other database's schema
    url = other.extensions["motivekit"].settings.url
    result = app.test_cli_runner().invoke(
        args=["motivekit", "goals", "list", "--owner", "ada", "--url", url]
    )
    assert result.output == "ada has no goals\n"


def test_each_app_runs_its_commands_on_its_own_tenant(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    acme = make_app(tmp_path / "a", MOTIVEKIT_DATABASE_URL=url, MOTIVEKIT_TENANT="acme")
    globex = make_app(tmp_path / "g", MOTIVEKIT_DATABASE_URL=url, MOTIVEKIT_TENANT="globex")
    with_goal(acme, title="Acme review")
    with_goal(globex, title="Globex review")
    for app, title in ((acme, "Acme review"), (globex, "Globex review")):
        result = app.test_cli_runner().invoke(args=["motivekit", "goals", "list", "--owner", "ada"])
        assert result.exit_code == 0, result.output
        assert result.output.endswith(f"  {title}\n")
        assert result.output.count("\n") == 1


def test_replay_runs_under_the_apps_design_file_without_rules(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    with_goal(app)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["motivekit", "replay", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert result.output.endswith("rules version 1: 1 person replayed; 0 would change\n")
    assert app.extensions["motivekit"].settings.rules_file == RULES
    url = app.extensions["motivekit"].settings.url
    core = runner.invoke(main, ["replay", "--dry-run", "--url", url])
    assert "Missing option '--rules'" in core.output  # the core CLI needs it spelled out


def test_audit_checkpoint_signs_with_the_apps_key_and_origin(tmp_path: Path) -> None:
    instance = tmp_path / "instance"
    instance.mkdir()
    runner = Flask("keys").test_cli_runner()
    made = runner.invoke(
        main, ["audit", "keygen", "example.com", "--out", str(instance / "log.key")]
    )
    assert made.exit_code == 0, made.output
    app = make_app(
        instance,
        MOTIVEKIT_SIGNING_KEY_FILE="log.key",
        MOTIVEKIT_ORIGIN="example.com/motivekit",
    )
    with_goal(app)
    result = app.test_cli_runner().invoke(args=["motivekit", "audit", "checkpoint"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "example.com/motivekit"
    assert lines[1] == "2"  # the goal and the event
    assert lines[-1].startswith("— example.com ")


def test_another_tenants_log_has_its_own_default_origin(tmp_path: Path) -> None:
    instance = tmp_path / "instance"
    instance.mkdir()
    runner = Flask("keys").test_cli_runner()
    made = runner.invoke(
        main, ["audit", "keygen", "example.com", "--out", str(instance / "log.key")]
    )
    assert made.exit_code == 0, made.output
    app = make_app(
        instance, MOTIVEKIT_SIGNING_KEY_FILE="log.key", MOTIVEKIT_ORIGIN="example.com/motivekit"
    )
    with_goal(app)  # the app's own tenant: its log is example.com/motivekit
    result = app.test_cli_runner().invoke(
        args=["motivekit", "audit", "checkpoint", "--tenant", "acme"]
    )
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[:2] == ["motivekit/acme", "0"]


def test_db_upgrade_creates_the_apps_schema_before_anything_else_touches_it(
    tmp_path: Path,
) -> None:
    app = make_app(tmp_path)
    database = tmp_path / "motivekit.db"
    assert not database.exists()
    result = app.test_cli_runner().invoke(args=["motivekit", "db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert re.fullmatch(
        r"sqlite:///.*motivekit\.db: schema upgraded from empty to \S+\n", result.output
    )
    assert database.is_file()


def test_a_command_on_a_database_without_schema_is_a_clear_error(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    result = app.test_cli_runner().invoke(args=["motivekit", "journal", "tail"])
    assert result.exit_code == 1
    assert result.output.startswith("Error: SchemaOutOfDate: ")


def test_a_host_command_named_motivekit_is_left_alone(tmp_path: Path) -> None:
    app = Flask("host", instance_path=str(tmp_path))

    @app.cli.command("motivekit")
    def own() -> None:
        print("the host's own")

    Motivekit(app)
    result = app.test_cli_runner().invoke(args=["motivekit"])
    assert result.output == "the host's own\n"
