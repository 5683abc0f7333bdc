"""Every ``manage.py motivekit_*`` command runs, on the project's settings: the design
file, signing key, origin and database come from ``MOTIVEKIT``; failures keep the core
CLI's exit codes (``CommandError.returncode`` from ``call_command``, the process's exit
status from a shell)."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.management import call_command, get_commands
from django.core.management.base import CommandError
from django.test import override_settings

from motivekit import Event
from motivekit.audit import Ed25519Signer
from motivekit_django import close_kit, get_kit
from tests.django._design import CONTROLLING, RULES, key_file

ROOT = Path(__file__).resolve().parents[2]
COMMANDS = {
    "motivekit_rules_check",
    "motivekit_rules_lint",
    "motivekit_rules_schema",
    "motivekit_replay",
    "motivekit_explain",
    "motivekit_audit_keygen",
    "motivekit_audit_checkpoint",
    "motivekit_audit_verify",
    "motivekit_audit_prove",
    "motivekit_audit_verify_bundle",
    "motivekit_audit_export_checkpoint",
    "motivekit_goals_list",
    "motivekit_journal_tail",
    "motivekit_privacy_export",
}


def run(name: str, *args: str) -> str:
    out = io.StringIO()
    call_command(name, *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def refused(name: str, *args: str) -> CommandError:
    with pytest.raises(CommandError) as caught:
        call_command(name, *args, stdout=io.StringIO(), stderr=io.StringIO())
    return caught.value


@pytest.fixture
def key(tmp_path: Path) -> Path:
    return key_file(tmp_path)


@pytest.fixture
def project(key: Path) -> Iterator[str]:
    """The settings' design file and key; ada has a goal and two reviews. Yields the goal."""
    with override_settings(
        MOTIVEKIT={"RULES": RULES, "SIGNING_KEY_FILE": key, "ORIGIN": "example.com/mk"}
    ):
        kit = get_kit()
        goal = kit.goals.adopt("ada", "weekly-reviews")
        for i in range(2):
            kit.record(
                Event(f"r{i}", "review.submitted", "ada", data={"approved": True, "complexity": 3})
            )
        yield goal.id
    close_kit()


def test_every_core_command_but_the_schema_one_has_a_manage_py_twin() -> None:
    ours = {name for name, app in get_commands().items() if app == "motivekit_django"}
    assert ours == COMMANDS


def test_the_design_file_commands_default_to_the_settings_file() -> None:
    with override_settings(MOTIVEKIT={"RULES": RULES}):
        assert run("motivekit_rules_check").startswith(f"ok: {RULES} (version 1): 2 goals")
        assert run("motivekit_rules_lint") == f"ok: {RULES}: no findings\n"
    assert run("motivekit_rules_check", str(RULES)).startswith("ok: ")
    lint = refused("motivekit_rules_lint", str(CONTROLLING))
    assert lint.returncode == 1
    check = refused("motivekit_rules_check", str(CONTROLLING))
    assert check.returncode == 1
    assert json.loads(run("motivekit_rules_schema"))["title"]


def test_without_a_design_file_anywhere_rules_check_asks_for_one() -> None:
    error = refused("motivekit_rules_check")
    assert error.returncode == 2
    assert 'give the design FILE, or set MOTIVEKIT["RULES"]' in str(error)


@pytest.mark.django_db
def test_replay_explain_goals_journal_and_privacy_read_the_projects_database(
    project: str,
) -> None:
    assert f"{project}  active    2/3 per week" in run("motivekit_goals_list", "--owner", "ada")
    listed = json.loads(run("motivekit_goals_list", "--owner", "ada", "--json"))
    assert (listed["id"], listed["count"]) == (project, 2)
    tail = run("motivekit_journal_tail", "-n", "2").splitlines()
    assert [line.split("\t")[0] for line in tail] == ["2", "3"]
    assert json.loads(tail[1].split("\t", 1)[1])["kind"] == "review.submitted"
    report = json.loads(run("motivekit_replay", "--dry-run", "--json"))
    assert (report["dry_run"], report["people"]) == (True, 1)
    why = json.loads(run("motivekit_explain", "ada", project, "--json"))
    assert why["goal"]["count"] == 2
    assert len(why["progress_from"]) == 2
    export = json.loads(run("motivekit_privacy_export", "--user", "ada"))
    assert len(export["goals"]) == 1


@pytest.mark.django_db
def test_checkpoint_verify_prove_and_export_use_the_settings_key_and_origin(
    project: str, key: Path, tmp_path: Path
) -> None:
    verifier = str(Ed25519Signer.from_file(key).verifier())
    note = run("motivekit_audit_checkpoint")
    assert note.startswith("example.com/mk\n3\n")
    assert run("motivekit_audit_export_checkpoint") == note
    assert run("motivekit_audit_verify", "--key", verifier) == (
        "ok: 3 entries, 1 checkpoint verified, latest signed size 3\n"
    )
    bundle = tmp_path / "bundle.json"
    bundle.write_text(run("motivekit_audit_prove", "2"), "utf-8")
    assert run("motivekit_audit_verify_bundle", str(bundle), "--key", verifier) == (
        "ok: entry 2 is in example.com/mk at size 3\n"
    )
    other = str(Ed25519Signer.generate("other").verifier())
    assert refused("motivekit_audit_verify", "--key", other).returncode == 16  # unknown key
    wrong_origin = refused("motivekit_audit_verify", "--key", verifier, "--origin", "elsewhere")
    assert wrong_origin.returncode != 0


@pytest.mark.django_db
def test_another_tenants_log_has_its_own_default_origin(project: str, key: Path) -> None:
    note = run("motivekit_audit_checkpoint", "--tenant", "acme")
    assert note.startswith("motivekit/acme\n0\n")
    verifier = str(Ed25519Signer.from_file(key).verifier())
    assert run("motivekit_audit_verify", "--tenant", "acme", "--key", verifier).startswith(
        "ok: 0 entries, 1 checkpoint verified"
    )


def test_keygen_writes_a_key_and_prints_its_verifier(tmp_path: Path) -> None:
    out = run("motivekit_audit_keygen", "site-log", "--out", str(tmp_path / "new.key"))
    assert out.startswith("site-log+")
    assert Ed25519Signer.from_file(tmp_path / "new.key").verifier().name == "site-log"
    again = refused("motivekit_audit_keygen", "x", "--out", str(tmp_path / "new.key"))
    assert again.returncode == 1
    assert "keys are never overwritten" in str(again)


def test_bad_settings_are_a_clear_command_error() -> None:
    with override_settings(MOTIVEKIT={"TENANT": "Acme Corp"}):
        error = refused("motivekit_goals_list", "--owner", "ada")
    assert error.returncode == 1
    assert 'MOTIVEKIT["TENANT"]: tenant must be 1-64 characters' in str(error)


def _manage(settings_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(
            [str(settings_dir), str(ROOT), os.environ.get("PYTHONPATH", "")]
        ),
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run(
        [sys.executable, "-m", "django", *args, "--settings=shell_settings"],
        cwd=settings_dir,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_from_a_shell_the_commands_exit_with_the_core_clis_status(tmp_path: Path) -> None:
    key = key_file(tmp_path)
    (tmp_path / "shell_settings.py").write_text(
        "from tests.django.settings import *  # noqa: F403\n"
        f"DATABASES = {{'default': {{'ENGINE': 'django.db.backends.sqlite3', "
        f"'NAME': {str(tmp_path / 'db.sqlite3')!r}}}}}\n"
        f"MOTIVEKIT = {{'RULES': {str(RULES)!r}, 'SIGNING_KEY_FILE': {str(key)!r}}}\n",
        "utf-8",
    )
    migrated = _manage(tmp_path, "migrate", "--verbosity", "0")
    assert migrated.returncode == 0, migrated.stderr
    signed = _manage(tmp_path, "motivekit_audit_checkpoint")
    assert (signed.returncode, signed.stdout.splitlines()[:2]) == (0, ["motivekit", "0"])
    verifier = str(Ed25519Signer.from_file(key).verifier())
    ok = _manage(tmp_path, "motivekit_audit_verify", "--key", verifier)
    assert (ok.returncode, ok.stdout) == (
        0,
        "ok: 0 entries, 1 checkpoint verified, latest signed size 0\n",
    )
    other = str(Ed25519Signer.generate("other").verifier())
    unknown = _manage(tmp_path, "motivekit_audit_verify", "--key", other)
    assert unknown.returncode == 16, unknown.stderr
    assert unknown.stderr.startswith("Error: UnknownKey: ")
    usage = _manage(tmp_path, "motivekit_audit_verify")
    assert usage.returncode == 2
    assert "give the trusted verifier key(s) with --key or --keys" in usage.stderr
    lint = _manage(tmp_path, "motivekit_rules_lint", str(CONTROLLING))
    assert lint.returncode == 1
    assert "error[assigned-goal]" in lint.stdout
