"""examples/django_site: ``migrate`` from an empty folder, events recorded from the site's
own views, the pages showing them to their person only, and a log that verifies (on the
site's audit page and with ``manage.py motivekit_audit_verify``)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from tests._django_site import SITE, Visitor, manage, serve


def entries(visitor: Visitor) -> int:
    _, html = visitor.get("/audit/")
    found = re.search(r"<dt>Entries in the log</dt><dd>(\d+)</dd>", html)
    assert found is not None, html
    return int(found[1])


def test_the_site_records_events_shows_the_pages_and_verifies_its_log(tmp_path: Path) -> None:
    with serve(tmp_path) as base:
        ada, bruno = Visitor(base), Visitor(base)
        ada.sign_up("ada")
        bruno.sign_up("bruno")

        ada.get("/me/goals/")
        status, location, _ = ada.post("/me/goals/adopt/", {"template_id": "weekly-answers"})
        assert (status, location) == (303, "/me/goals/")

        ada.get("/questions/2/")
        before = entries(ada)
        status, _, html = ada.post("/questions/2/answers/", {"body": "  "})
        assert status == 422
        assert "Write your answer before posting it." in html
        assert entries(ada) == before  # refused: nothing recorded
        ada.get("/questions/2/")
        status, location, _ = ada.post("/questions/2/answers/", {"body": "See the upgrade guide."})
        assert (status, location) == (303, "/questions/2/")
        assert entries(ada) == before + 1
        _, goals = ada.get("/me/goals/")
        assert "1 of 2 this week" in goals

        _, question = bruno.get("/questions/2/")
        helpful = re.search(r'action="(/answers/\d+/helpful/)"', question)
        assert helpful is not None, question
        assert bruno.post(helpful[1])[0] == 303
        assert bruno.post(helpful[1])[0] == 303  # a second thanks records nothing new

        _, impact = ada.get("/me/impact/")
        assert "bruno found your answer helpful" in impact
        _, skills = ada.get("/me/skills/")
        assert "1 piece" in skills
        assert re.search(r'<a href="/questions/\d+/">[^<]+</a>: about \d+% predicted', skills)
        _, missions = ada.get("/me/missions/")
        assert "Answer every question at the help desk" in missions

        # bruno sees his own pages only, and cannot touch ada's goal
        goal = re.search(r'href="/me/goals/([^/"]+)/why/"', goals)
        assert goal is not None
        _, own = bruno.get("/me/goals/")
        assert goal[1] not in own
        assert bruno.post(f"/me/goals/{goal[1]}/release/")[0] == 404
        assert bruno.get(f"/me/goals/{goal[1]}/why/")[0] == 404
        _, impact = bruno.get("/me/impact/")
        assert "found your answer helpful" not in impact
        status, feed = bruno.get("/motivekit/api/impact/feed")  # the JSON API, same session
        assert (status, json.loads(feed)["entries"]) == (200, [])
        assert json.loads(ada.get("/motivekit/api/impact/feed")[1])["entries"][0]["story"] == (
            "bruno found your answer helpful"
        )

        ada.get("/audit/")
        assert ada.post("/audit/", {"action": "checkpoint"})[:2] == (303, "/audit/")
        _, audit = ada.get("/audit/")
        assert "It covers the first" in audit
        key = re.search(r"<dt>Public key</dt><dd><code>([^<]+)</code>", audit)
        assert key is not None, audit
        status, _, verified = ada.post("/audit/", {"action": "verify"})
        assert status == 200
        assert re.search(r"Verified:</strong> \d+ entries and 1 signed checkpoint ", verified)

    # the goal adopted, the answer, and the one thanks (its story and its skill evidence)
    assert entries_on_disk(tmp_path) == 4
    pinned = tmp_path / "pinned.checkpoint"
    verify = manage(tmp_path, "motivekit_audit_verify", "--key", key[1], "--state", str(pinned))
    assert verify.returncode == 0, verify.stdout + verify.stderr
    assert pinned.exists()  # an auditor's pinned state: the next run must extend it
    stranger = manage(tmp_path, "motivekit_audit_verify", "--key", other_key())
    assert stranger.returncode != 0, stranger.stdout  # a key that never signed it
    assert "UnknownKey: no signature by a trusted key" in stranger.stderr
    assert (tmp_path / "site.sqlite3").exists()


def other_key() -> str:
    from motivekit import Ed25519Signer

    return str(Ed25519Signer.generate("example.com/helpdesk").verifier())


def entries_on_disk(data: Path) -> int:
    """The journal's size, read by a command of the site's own (``manage.py shell``)."""
    shell = manage(
        data, "shell", "-c", "from motivekit_django import get_kit; print(get_kit().journal.size())"
    )
    assert shell.returncode == 0, shell.stderr
    return int(shell.stdout.split()[-1])


def test_the_site_is_consistent_and_its_design_file_is_clean(tmp_path: Path) -> None:
    checked = manage(tmp_path, "check", "--fail-level", "WARNING")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    pending = manage(tmp_path, "makemigrations", "--check", "--dry-run")
    assert pending.returncode == 0, pending.stdout
    for command in ("check", "lint"):
        run = subprocess.run(
            [sys.executable, "-m", "motivekit", "rules", command, str(SITE / "motivation.yaml")],
            capture_output=True,
            text=True,
            check=False,
        )
        assert run.returncode == 0, run.stdout + run.stderr
        assert run.stdout.startswith("ok:"), run.stdout


def test_its_data_folder_is_git_ignored() -> None:
    ignored = subprocess.run(
        ["git", "check-ignore", "-q", str(SITE / "data" / "site.sqlite3")], cwd=SITE, check=False
    )
    assert ignored.returncode == 0
