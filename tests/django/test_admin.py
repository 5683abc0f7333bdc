"""The admin shows motivekit's history read-only, to staff: the journal, goals, skills,
impact items and checkpoints list and open, every add, change and delete is refused (a
superuser's too), and "verify the audit log" says whether the log verifies."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.contrib.admin.utils import quote
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.test import Client, override_settings
from django.urls import reverse

from motivekit import Event, Kit
from motivekit_django import models as m
from motivekit_django.kit import close_kit, get_kit
from tests.django._design import key_file

pytestmark = pytest.mark.django_db(transaction=True)
DESIGN = """\
version: 1
tracks:
  - id: reviewing
    title: Reviewing
    model: {elo: {guess: 0.0, k: {a: 1.0, b: 0.05}}}
    evidence:
      - on: review.submitted
        outcome: "event.data.approved"
        difficulty: "event.data.complexity"
    levels: [{name: Exploring, at: 0.0}, {name: Fluent, at: 0.8}]
impact:
  contributions:
    - {on: answer.posted, id: "event.data.answer_id", noun: answer}
  beneficiary_events:
    - on: answer.marked_helpful
      credits: "event.data.answer_id"
      story: "{beneficiary} found your {noun} helpful"
"""
ROWS = {
    "entryrow": "review.submitted",
    "goalrow": "Review <b>pull</b> requests",
    "skillrow": "reviewing",
    "impactitemrow": "answer-1",
    "checkpointrow": "t/admin",
}
"""Each admin list, and a text that shows only if the list shows its rows."""


@pytest.fixture
def kit(tmp_path: Path) -> Iterator[Kit]:
    rules = tmp_path / "motivation.yaml"
    rules.write_text(DESIGN, "utf-8")
    key = key_file(tmp_path)
    with override_settings(
        MOTIVEKIT={"SIGNING_KEY_FILE": key, "ORIGIN": "t/admin", "RULES": rules}
    ):
        kit = get_kit()
        kit.goals.create(
            "ada", "Review <b>pull</b> requests", {"event": "review.submitted", "count": 3}
        )
        kit.record(Event("r1", "review.submitted", "ada", data={"approved": True, "complexity": 2}))
        kit.record(Event("a1", "answer.posted", "ada", data={"answer_id": "answer-1"}))
        kit.record(Event("h1", "answer.marked_helpful", "bo", data={"answer_id": "answer-1"}))
        kit.audit.checkpoint()
        yield kit
        close_kit()


def _staff(*, superuser: bool) -> Client:
    users = get_user_model().objects
    if superuser:
        user = users.create_superuser("root", "root@example.com", "pw")
    else:
        user = users.create_user("staff", password="pw", is_staff=True)
        viewing = Permission.objects.filter(content_type__app_label="motivekit")
        user.user_permissions.set(viewing.filter(codename__startswith="view_"))
    client = Client()
    client.force_login(user)
    return client


def _url(model: str, view: str, *args: str) -> str:
    return reverse(f"admin:motivekit_{model}_{view}", args=args)


@pytest.mark.parametrize("superuser", [True, False], ids=["superuser", "staff"])
def test_every_history_list_and_row_renders_for_staff(kit: Kit, superuser: bool) -> None:
    client = _staff(superuser=superuser)
    index = client.get(reverse("admin:index"))
    assert index.status_code == 200
    for model, text in ROWS.items():
        listed = client.get(_url(model, "changelist"))
        assert listed.status_code == 200, model
        page = listed.content.decode()
        if model == "goalrow":
            assert "Review &lt;b&gt;pull&lt;/b&gt; requests" in page  # escaped, never markup
        else:
            assert text in page, model
        assert _url(model, "add") not in page, model  # no "add" link anywhere
        row = listed.context["cl"].result_list[0]
        shown = client.get(_url(model, "change", quote(row.pk)))
        assert shown.status_code == 200, model
        assert 'type="submit" value="Save' not in shown.content.decode(), model


@pytest.mark.parametrize("superuser", [True, False], ids=["superuser", "staff"])
def test_adding_changing_and_deleting_history_is_refused(kit: Kit, superuser: bool) -> None:
    client = _staff(superuser=superuser)
    before = list(m.Entry.objects.values_list("seq", "entry"))
    goals = list(m.Goal.objects.values_list("goal_id", "title", "status"))
    for model in ROWS:
        row = client.get(_url(model, "changelist")).context["cl"].result_list[0]
        pk = quote(row.pk)
        assert client.get(_url(model, "add")).status_code == 403, model
        assert client.post(_url(model, "add"), {"tenant": "", "seq": 9}).status_code == 403
        assert client.post(_url(model, "change", pk), {"tenant": "x"}).status_code == 403
        assert client.get(_url(model, "delete", pk)).status_code == 403, model
        assert client.post(_url(model, "delete", pk), {"post": "yes"}).status_code == 403
        bulk = client.post(
            _url(model, "changelist"),
            {"action": "delete_selected", "_selected_action": [row.pk], "post": "yes"},
        )
        assert bulk.status_code in (200, 302), model  # refused: no such action
    assert list(m.Entry.objects.values_list("seq", "entry")) == before
    assert list(m.Goal.objects.values_list("goal_id", "title", "status")) == goals


def test_verifying_the_audit_log_says_what_it_found(kit: Kit) -> None:
    client = _staff(superuser=False)
    size = kit.journal.size()
    for model in ("entryrow", "checkpointrow"):
        done = client.post(_url(model, "verify"), follow=True)
        assert done.status_code == 200
        said = [str(message) for message in done.context["messages"]]
        assert said == [
            f"The audit log verifies: {size} entries, every one where the Merkle tree says, "
            f"1 signed checkpoints, the newest at size {size}."
        ]
        assert client.get(_url(model, "verify")).status_code == 405
    # The same as an action on a selection.
    row = client.get(_url("entryrow", "changelist")).context["cl"].result_list[0]
    acted = client.post(
        _url("entryrow", "changelist"),
        {"action": "_verify_action", "_selected_action": [row.pk]},
        follow=True,
    )
    (said,) = [str(x) for x in acted.context["messages"]]
    assert said.startswith("The audit log verifies")
    # A changed entry (behind the admin's back) is found.
    m.Entry.objects.filter(seq=2).update(entry=b'{"changed": true}')
    done = client.post(_url("checkpointrow", "verify"), follow=True)
    (said,) = [str(message) for message in done.context["messages"]]
    assert said.startswith("The audit log does not verify: Tampered")


def test_without_a_signing_key_verifying_says_what_is_missing() -> None:
    with override_settings(MOTIVEKIT={}):
        client = _staff(superuser=True)
        done = client.post(_url("checkpointrow", "verify"), follow=True)
        (said,) = [str(message) for message in done.context["messages"]]
        close_kit()
    assert said.startswith("The audit log was not verified: no signing key is configured")
    assert 'MOTIVEKIT["SIGNING_KEY_FILE"]' in said


def test_a_row_that_is_not_there_is_said_so_never_an_error(kit: Kit) -> None:
    client = _staff(superuser=False)
    for model in ROWS:
        for key in ('["", 999999]', "not json", '["", "x", "y", "z"]', "[true, 1]", "{}"):
            missing = client.get(_url(model, "change", quote(key)))
            assert missing.status_code == 302, (model, key)  # to the admin index, with a note


@pytest.mark.django_db(transaction=True, databases=["default", "postgres", "mariadb"])
@pytest.mark.parametrize("alias", ["default", "postgres", "mariadb"])
def test_the_views_key_every_row_by_its_primary_key_on_every_database(
    alias: str, tmp_path: Path
) -> None:
    from motivekit import Ed25519Signer
    from motivekit_django.store import DjangoStore

    rules = tmp_path / "motivation.yaml"
    rules.write_text(DESIGN, "utf-8")
    key = Ed25519Signer.generate("t/admin")
    store = DjangoStore(using=alias, tenant="acme")
    with Kit(store, rules=str(rules), origin="t/admin/acme", signers=[key]) as kit:
        kit.goals.create("Ada/1", "Review", {"event": "review.submitted", "count": 3})
        kit.record(
            Event("r1", "review.submitted", "Ada/1", data={"approved": True, "complexity": 2})
        )
        kit.record(Event("a1", "answer.posted", "Ada/1", data={"answer_id": "answer-1"}))
        kit.record(Event("h1", "answer.marked_helpful", "bo", data={"answer_id": "answer-1"}))
        kit.audit.checkpoint()
    views = {
        m.EntryRow: ("tenant", "seq"),
        m.GoalRow: ("tenant", "goal_id"),
        m.SkillRow: ("tenant", "user_id", "track"),
        m.ImpactItemRow: ("tenant", "seq", "n"),
        m.CheckpointRow: ("tenant", "size"),
    }
    for view, fields in views.items():
        rows = list(view._default_manager.using(alias).values_list("key", *fields))
        assert rows, view.__name__
        for key_text, *values in rows:
            assert json.loads(key_text) == values, view.__name__
