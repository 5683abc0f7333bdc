"""settings.MOTIVEKIT: every mistake named with its key and fix, at start-up and at first
use; relative paths against BASE_DIR; reloaded when the setting changes."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from motivekit_django import conf, get_kit
from motivekit_django.conf import SettingsError, read_settings
from tests.django._design import RULES, key_file

ROOT = Path(__file__).resolve().parents[2]
DATABASES = {"default": {}, "replica": {}}


def problems(raw: Any, base_dir: Any = None) -> list[str]:
    with pytest.raises(SettingsError) as caught:
        read_settings(raw, base_dir=base_dir, databases=DATABASES)
    return [p.message for p in caught.value.problems]


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (
            {"RULE": "motivation.yaml"},
            r'^MOTIVEKIT\["RULE"\] is not a motivekit setting; the keys are RULES, SIGNING_KEY_FILE,',
        ),
        (
            {"RULES": "missing.yaml"},
            r'^MOTIVEKIT\["RULES"\] = \'missing.yaml\': the design file cannot be used:\n'
            r".*/base/missing.yaml:1:1: cannot read the file: .*\n"
            r"fix the file \(`motivekit rules check .*missing.yaml` lists every problem\)",
        ),
        ({"RULES": 3}, r'^MOTIVEKIT\["RULES"\] must be a string, got int 3$'),
        (
            {"SIGNING_KEY_FILE": "log.key"},
            r'^MOTIVEKIT\["SIGNING_KEY_FILE"\] = \'log.key\': there is no key file at '
            r"'.*/base/log.key'; create one with `motivekit audit keygen <name> --out ",
        ),
        (
            {"TENANT": "Acme Corp"},
            r'^MOTIVEKIT\["TENANT"\]: tenant must be 1-64 characters of lowercase letters',
        ),
        (
            {"TENANT": "acme", "ORIGIN": "example.com/motivekit"},
            r'^MOTIVEKIT\["ORIGIN"\]: the origin of tenant \'acme\'\'s log must end in \'/acme\'',
        ),
        (
            {"DATABASE": "motivekit"},
            r'^MOTIVEKIT\["DATABASE"\] = \'motivekit\' is not an alias of settings.DATABASES '
            r"\(default, replica\); name one, or leave it out for the routers to decide$",
        ),
        (
            {"USER_ID": "accounts.no_such_module.user_id"},
            r'^MOTIVEKIT\["USER_ID"\] = \'accounts.no_such_module.user_id\' cannot be imported '
            r"\(No module named 'accounts'\); give the dotted path of a function",
        ),
        ({"USER_ID": None}, r'^MOTIVEKIT\["USER_ID"\] must be a callable or its dotted path, got'),
        ({"NAMES": 7}, r'^MOTIVEKIT\["NAMES"\] must be a callable or its dotted path, got int 7$'),
        (
            {"CONSENT_DEFAULTS": {"leaderboards": True}},
            r'^MOTIVEKIT\["CONSENT_DEFAULTS"\]: consent_defaults has unknown mechanic '
            r"'leaderboards'; choose from",
        ),
        (
            {"CONSENT_DEFAULTS": {"nudges": "yes"}},
            r'^MOTIVEKIT\["CONSENT_DEFAULTS"\]: consent_defaults\[\'nudges\'\] must be True or False',
        ),
        (
            {"CONSENT_DEFAULTS": {"nudges": True}},
            r'^MOTIVEKIT\["CONSENT_DEFAULTS"\]: consent_defaults cannot switch nudges on for '
            r"people who never chose them: nudges are opt-in \(drop 'nudges' from",
        ),
        (
            {"CONSENT_DEFAULTS": ["nudges"]},
            r'^MOTIVEKIT\["CONSENT_DEFAULTS"\] must be a dict of mechanic -> True/False',
        ),
        (
            {"CHECKPOINT_EVERY": 0},
            r'^MOTIVEKIT\["CHECKPOINT_EVERY"\] must be a whole number >= 1 or None, got 0$',
        ),
        (
            {"MAX_BODY_BYTES": True},
            r'^MOTIVEKIT\["MAX_BODY_BYTES"\] must be a whole number >= 1024, got True$',
        ),
        ({"PAGES_LAYOUT": ""}, r'^MOTIVEKIT\["PAGES_LAYOUT"\] must be a template name such as'),
        (
            {"PAGES_CANDIDATES": "tests.django.hooks.nothing"},
            r'^MOTIVEKIT\["PAGES_CANDIDATES"\] = \'tests.django.hooks.nothing\' cannot be imported',
        ),
    ],
)
def test_each_mistake_is_named_by_its_key_with_the_fix(raw: dict[str, Any], message: str) -> None:
    found = problems(raw, base_dir="/base")
    assert len(found) == 1
    assert re.search(message, found[0]), found[0]


def test_every_mistake_is_reported_at_once_not_only_the_first() -> None:
    with pytest.raises(ImproperlyConfigured) as caught:
        read_settings(
            {"RULES": "missing.yaml", "TENANT": "Acme Corp", "CHECKPOINT_EVERY": -1, "X": 1},
            base_dir="/base",
            databases=DATABASES,
        )
    text = str(caught.value)
    assert text.startswith("settings.MOTIVEKIT has 4 mistakes:\n- ")
    for key in ("X", "RULES", "TENANT", "CHECKPOINT_EVERY"):
        assert f'MOTIVEKIT["{key}"]' in text


def test_motivekit_must_be_a_dict() -> None:
    assert problems(["RULES"]) == ["settings.MOTIVEKIT must be a dict, got list ['RULES']"]


def test_a_relative_path_needs_base_dir() -> None:
    assert problems({"RULES": "motivation.yaml"}) == [
        "MOTIVEKIT[\"RULES\"] = 'motivation.yaml' is a relative path and settings.BASE_DIR is "
        "not set; give an absolute path (e.g. BASE_DIR / 'motivation.yaml')"
    ]


def test_paths_are_read_relative_to_base_dir_and_hooks_from_dotted_paths(tmp_path: Path) -> None:
    (tmp_path / "motivation.yaml").write_text(RULES.read_text("utf-8"), "utf-8")
    key = key_file(tmp_path)
    found = read_settings(
        {
            "RULES": "motivation.yaml",
            "SIGNING_KEY_FILE": key.name,
            "TENANT": "acme",
            "NAMES": "tests.django.hooks.shouted",
            "DATABASE": "replica",
            "CONSENT_DEFAULTS": {"mastery": False},
        },
        base_dir=tmp_path,
        databases=DATABASES,
    )
    assert found.rules_file == tmp_path / "motivation.yaml"
    assert found.rules is not None
    assert found.rules.design.goals.menu[0].id == "weekly-reviews"
    assert found.key_file == key
    assert found.signer is not None
    assert (found.tenant, found.origin, found.database) == ("acme", None, "replica")
    assert found.names is not None
    assert found.names("ada") == "ADA"
    assert found.consent_defaults == {"mastery": False}


def test_left_out_keys_take_their_defaults() -> None:
    found = read_settings({}, databases=DATABASES)
    assert (found.rules, found.signer, found.origin, found.tenant, found.database) == (
        None,
        None,
        None,
        "",
        None,
    )
    assert (found.checkpoint_every, found.max_body_bytes, found.pages_layout) == (
        1000,
        65536,
        "motivekit/layout.html",
    )
    from motivekit_django.identity import default_user_id

    assert found.user_id is default_user_id


def test_the_checked_settings_follow_override_settings(tmp_path: Path) -> None:
    assert conf.get_settings().tenant == ""
    with override_settings(MOTIVEKIT={"TENANT": "acme"}):
        assert conf.get_settings().tenant == "acme"
    assert conf.get_settings().tenant == ""


def test_the_first_use_of_the_kit_raises_naming_every_mistake() -> None:
    with (
        override_settings(MOTIVEKIT={"TENANT": "Acme Corp", "MAX_BODY_BYTES": 10}),
        pytest.raises(ImproperlyConfigured, match=r"^settings.MOTIVEKIT has 2 mistakes:\n"),
    ):
        get_kit()


BAD = """\
from tests.django.settings import *  # noqa: F403
MOTIVEKIT = {"RULES": "missing.yaml", "TENANT": "Acme Corp"}
"""


@pytest.mark.parametrize("command", [["check"], ["runserver", "--noreload", "127.0.0.1:0"]])
def test_bad_settings_stop_manage_py_at_start_up_naming_each_mistake(
    tmp_path: Path, command: list[str]
) -> None:
    (tmp_path / "bad_settings.py").write_text(BAD, "utf-8")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bad_settings",
        "PYTHONPATH": os.pathsep.join([str(tmp_path), str(ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    done = subprocess.run(
        [sys.executable, "-m", "django", *command],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert "SystemCheckError" in done.stderr or "System check identified" in done.stderr
    assert "(motivekit.E002) MOTIVEKIT[\"RULES\"] = 'missing.yaml': the design file" in done.stderr
    assert '(motivekit.E001) MOTIVEKIT["TENANT"]: tenant must be 1-64' in done.stderr
    assert "HINT: `manage.py motivekit_rules_check` lists every problem" in done.stderr
