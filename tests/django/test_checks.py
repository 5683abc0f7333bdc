"""The system checks (tag ``motivekit``): settings, design file errors and lint findings,
the signing key, the database vendor."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.checks import run_checks
from django.db import connections
from django.test import override_settings

from tests.django._design import CONTROLLING, NUDGING, RULES, key_file


def ids(**motivekit: Any) -> list[str]:
    with override_settings(MOTIVEKIT=motivekit):
        return [m.id or "" for m in run_checks(tags=["motivekit"])]


def messages(**motivekit: Any) -> list[Any]:
    with override_settings(MOTIVEKIT=motivekit):
        return run_checks(tags=["motivekit"])


def test_a_correct_configuration_passes_every_check(tmp_path: Path) -> None:
    assert ids(RULES=RULES, SIGNING_KEY_FILE=key_file(tmp_path)) == []
    assert ids() == []


def test_a_missing_signing_key_is_e003_with_how_to_make_one(tmp_path: Path) -> None:
    (found,) = messages(SIGNING_KEY_FILE=tmp_path / "log.key")
    assert found.id == "motivekit.E003"
    assert "there is no key file at" in found.msg
    assert "log.key" in found.msg
    assert found.hint == "create a key with `manage.py motivekit_audit_keygen <name> --out <file>`"
    assert found.obj == 'MOTIVEKIT["SIGNING_KEY_FILE"]'


def test_an_unreadable_signing_key_is_e003(tmp_path: Path) -> None:
    (tmp_path / "log.key").write_bytes(b"\xff\xfe not ascii")
    (found,) = messages(SIGNING_KEY_FILE=tmp_path / "log.key")
    assert found.id == "motivekit.E003"
    assert "is not a signing key file" in found.msg


def test_a_design_file_that_does_not_run_is_e002_and_its_controlling_parts_lint() -> None:
    found = messages(RULES=CONTROLLING)
    (problem,) = [m for m in found if m.id == "motivekit.E002"]
    assert "controlling.yaml:11:17: goals.menu[0].assigned" in problem.msg
    lint = [m for m in found if m is not problem]
    assert {m.id for m in lint} == {"motivekit.E005", "motivekit.W005"}
    assert any("error[assigned-goal]" in m.msg and "why:" in m.msg for m in lint)
    assert not any("[private-ranking]" in m.msg for m in lint)  # silenced by the file


def test_a_design_with_lint_errors_is_e005_and_warnings_are_w005(tmp_path: Path) -> None:
    (tmp_path / "motivation.yaml").write_text(NUDGING, "utf-8")
    found = messages(RULES=tmp_path / "motivation.yaml")
    assert [(m.id, m.level >= 40) for m in found] == [
        ("motivekit.E002", True),  # nudges on by default do not run
        ("motivekit.E005", True),
        ("motivekit.W005", False),
    ]
    assert "nudges.default: motivekit does not nudge people who never chose" in found[0].msg
    assert "error[nudges-on-by-default]" in found[1].msg
    assert "warning[nudge-rate]" in found[2].msg
    assert "evidence: value-choice" in (found[1].hint or "")


def test_a_wrong_key_is_e001_one_message_per_mistake() -> None:
    assert ids(TENANT="Acme Corp", MAX_BODY_BYTES=1, NAME=1) == ["motivekit.E001"] * 3


def test_a_database_the_store_does_not_support_is_e004(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(connections["default"], "vendor", "oracle")
    (found,) = messages()
    assert found.id == "motivekit.E004"
    assert found.msg.startswith(
        "database 'default' is 'oracle', which motivekit's Django store does not support"
    )
    assert found.obj == "DATABASES['default']"


def test_the_store_alias_checked_is_the_configured_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(connections["postgres"], "vendor", "oracle")
    assert ids() == []  # motivekit's tables are in default
    assert ids(DATABASE="postgres") == ["motivekit.E004"]


def test_a_motivekit_that_is_not_a_dict_is_e001_on_the_setting_itself() -> None:
    with override_settings(MOTIVEKIT="motivation.yaml"):
        (found,) = run_checks(tags=["motivekit"])
    assert (found.id, found.obj) == ("motivekit.E001", "settings.MOTIVEKIT")
    assert found.msg == "settings.MOTIVEKIT must be a dict, got str 'motivation.yaml'"
