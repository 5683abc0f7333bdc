"""Tenants: two Kits on one database, ``acme`` and ``globex``, with the same people and the
same event ids, never see or change each other's data, and each verifies its own log."""

from __future__ import annotations

import contextlib
import json
import multiprocessing
import textwrap
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from click.testing import CliRunner

from motivekit import (
    AuditError,
    ConfigError,
    Ed25519Signer,
    Event,
    Kit,
    StoreError,
    UnknownGoal,
    load_rules,
    verify_bundle,
)
from motivekit.cli import main
from motivekit.rules import Rules
from motivekit.store import MemoryStore, SqlStore
from motivekit.store.sql import _migrate
from motivekit.store.sql._schema import metadata
from motivekit.store.sql.dialects import WRITE

from ._servers import SERVERS
from .conftest import FakeClock

DESIGN = textwrap.dedent(
    """\
    version: {version}
    tracks:
      - id: code-review
        title: Code review
        model: {{elo: {{guess: 0.0, k: {{a: 1.0, b: 0.05}}}}}}
        evidence:
          - on: review.submitted
            outcome: "event.data.approved"
            difficulty: "event.data.complexity"
        levels: [{{name: Exploring, at: 0.0}}, {{name: Fluent, at: 0.8}}]
        challenge_band: [0.70, 0.85]
        scale: {{typical: 3, step: 1, typical_tasks: medium reviews}}
    impact:
      contributions:
        - on: answer.posted
          id: "event.data.answer_id"
          noun: answer
      beneficiary_events:
        - on: answer.marked_helpful
          credits: "event.data.answer_id"
          story: "{{beneficiary}} found your {{noun}} helpful"
    missions:
      - id: handbook
        title: Translate the handbook
        target: {{event: page.translated, count: 10, unit: pages}}
        show: own-part
    """
)


def rules(version: int = 1) -> Rules:
    return load_rules("motivation.yaml", text=DESIGN.format(version=version))


SIGNER = Ed25519Signer.generate("tenants-test")
KEYS = [SIGNER.verifier()]

Opener = Callable[[str], Kit]


@contextlib.contextmanager
def _database(kind: str, tmp_path: Path) -> Iterator[str]:
    """A new empty database of ``kind`` (sqlite, postgresql, mariadb)."""
    if kind == "sqlite":
        yield f"sqlite:///{tmp_path / 'tenants.db'}"
        return
    with SERVERS[kind].database() as url:
        yield url


@pytest.fixture(params=["memory", "sqlite", "postgresql", "mariadb"])
def opener(request: pytest.FixtureRequest, tmp_path: Path, clock: FakeClock) -> Iterator[Opener]:
    """Opens a Kit on one tenant of one shared database (new for each test)."""
    kits: list[Kit] = []
    options: dict[str, Any] = {
        "clock": clock,
        "rules": rules(),
        "signers": [SIGNER],
        "checkpoint_every": None,
    }
    with contextlib.ExitStack() as stack:
        if request.param == "memory":
            database = MemoryStore()

            def open_kit(tenant: str) -> Kit:
                kit = Kit(database.tenant_store(tenant), **options)
                kits.append(kit)
                return kit

        else:
            url = stack.enter_context(_database(request.param, tmp_path))

            def open_kit(tenant: str) -> Kit:
                kit = Kit.open(url, tenant=tenant, **options)
                kits.append(kit)
                return kit

        yield open_kit
        for kit in kits:
            kit.close()


@pytest.fixture
def pair(opener: Opener) -> tuple[Kit, Kit]:
    return opener("acme"), opener("globex")


def review(event_id: str, user: str = "ada", approved: bool = True) -> Event:
    return Event(event_id, "review.submitted", user, data={"approved": approved, "complexity": 3})


def answer(event_id: str, user: str, answer_id: str) -> Event:
    return Event(event_id, "answer.posted", user, data={"answer_id": answer_id})


def helpful(event_id: str, user: str, answer_id: str) -> Event:
    return Event(event_id, "answer.marked_helpful", user, data={"answer_id": answer_id})


# -- names and origins ---------------------------------------------------------------------


@pytest.mark.parametrize("name", ["Acme", "-acme", "a" * 65, "ac me", "acme/x", "ä", 7, None])
def test_a_tenant_name_is_checked_with_the_fix(name: object, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'x.db'}"
    with pytest.raises(ConfigError, match="tenant must be 1-64 characters of lowercase"):
        Kit.open(url, tenant=name)  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match="tenant must be"):
        MemoryStore(name)  # type: ignore[arg-type]
    assert not (tmp_path / "x.db").exists()  # refused before anything was opened


def test_origins_are_per_tenant_and_a_named_tenants_must_end_in_its_name(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'x.db'}"
    with Kit.open(url) as default, Kit.open(url, tenant="acme") as acme:
        assert (default.tenant, default.audit.origin) == ("", "motivekit")
        assert (acme.tenant, acme.audit.origin) == ("acme", "motivekit/acme")
    with Kit.open(url, tenant="acme", origin="example.com/log/acme") as acme:
        assert acme.audit.origin == "example.com/log/acme"
    with pytest.raises(ConfigError, match="must end in '/acme'"):
        Kit.open(url, tenant="acme", origin="example.com/log")
    with pytest.raises(ConfigError, match="must end in '/acme'"):
        Kit(MemoryStore("acme"), origin="motivekit/globex")


def test_kit_takes_the_stores_tenant(tmp_path: Path) -> None:
    store = SqlStore(f"sqlite:///{tmp_path / 'x.db'}", tenant="acme")
    with Kit(store) as kit:
        assert kit.tenant == "acme" == kit.store.tenant
        assert kit.audit.origin == "motivekit/acme"


# -- recording and the journal -----------------------------------------------------------------


def test_the_same_event_id_in_two_tenants_is_two_events(pair: tuple[Kit, Kit]) -> None:
    acme, globex = pair
    first = acme.record(review("e1"))
    other = globex.record(review("e1"))
    assert (first.duplicate, other.duplicate) == (False, False)
    assert first.seq == other.seq == 1
    assert acme.record(review("e1")).duplicate  # a duplicate within its own tenant only
    outcomes = globex.record_many([review("e1"), review("e2"), review("e3")])
    assert [o.duplicate for o in outcomes] == [True, False, False]
    assert (acme.journal.size(), globex.journal.size()) == (1, 3)
    assert [e.payload["id"] for e in acme.journal.read()] == ["e1"]
    assert [e.payload["id"] for e in globex.journal.tail(5)] == ["e1", "e2", "e3"]


def test_record_many_in_one_tenant_changes_nothing_in_the_other(pair: tuple[Kit, Kit]) -> None:
    acme, globex = pair
    acme.record_many([review(f"e{i}") for i in range(20)])
    assert globex.journal.size() == 0
    assert globex.journal.read() == []
    assert globex.audit.head()[0] == 0
    assert [s.evidence for s in globex.mastery.states("ada")] == [0]


# -- goals -------------------------------------------------------------------------------


def test_goals_are_invisible_and_unchangeable_across_tenants(pair: tuple[Kit, Kit]) -> None:
    acme, globex = pair
    goal = acme.goals.create("ada", "Review", {"event": "review.submitted", "count": 3})
    assert globex.goals.list("ada") == []
    for attempt in (
        lambda: globex.goals.get(goal.id),
        lambda: globex.goals.progress(goal.id),
        lambda: globex.goals.pause(goal.id, by="ada"),
        lambda: globex.goals.resume(goal.id, by="ada"),
        lambda: globex.goals.release(goal.id, by="ada"),
        lambda: globex.goals.edit(goal.id, by="ada", title="Mine now"),
        lambda: globex.goals.renegotiate(goal.id, by="ada", count=1),
        lambda: globex.explain("ada", goal.id),
    ):
        with pytest.raises(UnknownGoal):
            attempt()
    globex.record_many([review("e1"), review("e2")])  # the same person and kind elsewhere
    assert acme.goals.get(goal.id).progress.count == 0
    acme.record(review("e1"))
    assert acme.goals.get(goal.id).progress.count == 1
    assert acme.goals.get(goal.id).title == "Review"
    steps = [s.kind for s in acme.explain("ada", goal.id).steps]
    assert steps == ["created", "counted"]  # none of globex's entries


def test_a_goal_in_each_tenant_counts_its_own_events(pair: tuple[Kit, Kit]) -> None:
    acme, globex = pair
    a = acme.goals.create("ada", "Review", {"event": "review.submitted", "count": 5})
    g = globex.goals.create("ada", "Review", {"event": "review.submitted", "count": 5})
    acme.record_many([review("e1"), review("e2")])
    globex.record(review("e1"))
    assert acme.goals.get(a.id).progress.count == 2
    assert globex.goals.get(g.id).progress.count == 1
    acme.goals.pause(a.id, by="ada")
    assert globex.goals.get(g.id).status.value == "active"


# -- consent -----------------------------------------------------------------------------


def test_consent_is_per_tenant(pair: tuple[Kit, Kit]) -> None:
    acme, globex = pair
    acme.consent.set("ada", "goals", False, by="ada")
    assert acme.consent.get("ada").allows("goals") is False
    assert globex.consent.get("ada").allows("goals") is True
    g = globex.goals.create("ada", "Review", {"event": "review.submitted", "count": 5})
    globex.record(review("e1"))
    assert globex.goals.get(g.id).progress.count == 1  # acme's choice does not reach it


# -- mastery -----------------------------------------------------------------------------


def test_skills_and_bands_are_per_tenant(pair: tuple[Kit, Kit]) -> None:
    acme, globex = pair
    acme.record_many([review(f"e{i}") for i in range(5)])
    state = acme.mastery.state("ada", "code-review")
    assert state.evidence == 5
    assert globex.mastery.state("ada", "code-review").evidence == 0
    assert [s.evidence for s in globex.mastery.states("ada")] == [0]
    acme.mastery.set_band("ada", "code-review", (0.6, 0.8), by="ada")
    assert acme.mastery.state("ada", "code-review").own_band
    assert not globex.mastery.state("ada", "code-review").own_band
    assert globex.mastery.explain("ada", "code-review").steps == ()
    assert len(acme.mastery.explain("ada", "code-review").steps) == 5


# -- impact ------------------------------------------------------------------------------


def test_impact_feeds_credits_choices_links_and_missions_are_per_tenant(
    pair: tuple[Kit, Kit],
) -> None:
    acme, globex = pair
    acme.record(answer("e1", "ada", "a1"))
    acme.record(helpful("e2", "bob", "a1"))
    (entry,) = acme.impact.feed("ada")
    assert entry.story == "bob found your answer helpful"
    assert globex.impact.feed("ada").entries == ()
    assert [c.recipient for c in acme.impact.credits("e2")] == ["ada"]
    assert list(globex.impact.credits("e2")) == []
    globex.record(helpful("e2", "bob", "a1"))  # the same ids: no contribution a1 there
    assert globex.impact.feed("ada").entries == ()
    assert [c.recipient for c in acme.impact.credits("e2")] == ["ada"]
    acme.impact.set_visibility("ada", "anonymous", by="ada")
    assert acme.impact.preferences("ada").visibility == "anonymous"
    assert globex.impact.preferences("ada").visibility != "anonymous"
    acme.impact.link("ada", "ada-work")
    assert acme.impact.linked("ada")
    assert not globex.impact.linked("ada")
    acme.record_many([Event(f"p{i}", "page.translated", "ada") for i in range(3)])
    globex.record(Event("p0", "page.translated", "ada"))
    assert (
        acme.impact.mission("handbook", "ada").total,
        acme.impact.mission("handbook").total,
    ) == (3, 3)
    assert globex.impact.mission("handbook", "ada").part == 1
    assert globex.impact.mission("handbook").total == 1


# -- audit -------------------------------------------------------------------------------


def test_each_tenant_verifies_its_own_log_and_not_the_others(
    pair: tuple[Kit, Kit], tmp_path: Path
) -> None:
    acme, globex = pair
    acme.record_many([review(f"e{i}") for i in range(5)])
    globex.record_many([review(f"e{i}") for i in range(3)])
    a, g = acme.audit.checkpoint(), globex.audit.checkpoint()
    assert (a.checkpoint.origin, a.checkpoint.size) == ("motivekit/acme", 5)
    assert (g.checkpoint.origin, g.checkpoint.size) == ("motivekit/globex", 3)
    assert [c.checkpoint.size for c in acme.audit.checkpoints()] == [5]
    assert [c.checkpoint.size for c in globex.audit.checkpoints()] == [3]
    assert acme.audit.verify(KEYS).size == 5
    assert globex.audit.verify(KEYS).size == 3
    # globex's checkpoint, pinned against acme's log, does not verify: same key, other log
    pin = tmp_path / "globex.pin"
    pin.write_text(g.note)
    with pytest.raises(AuditError, match="signed for another log"):
        acme.audit.verify(KEYS, state=pin)
    with pytest.raises(AuditError):
        acme.audit.verify(KEYS, origin="motivekit/globex")
    # proofs: each tenant's bundle names its own log
    bundle = acme.audit.prove(2)
    assert verify_bundle(bundle, KEYS, origin="motivekit/acme").checkpoint.size == 5
    with pytest.raises(AuditError):
        verify_bundle(bundle, KEYS, origin="motivekit/globex")
    assert globex.audit.consistency(1, 3) != []
    assert acme.audit.latest() == a
    assert globex.audit.latest() == g


# -- privacy -----------------------------------------------------------------------------


def test_forget_and_export_stay_in_their_tenant(pair: tuple[Kit, Kit]) -> None:
    acme, globex = pair
    for kit in pair:
        kit.goals.create("ada", "Review", {"event": "review.submitted", "count": 5})
        kit.record(review("e1"))
        kit.record(answer("e2", "ada", "a1"))
        kit.record(helpful("e3", "bob", "a1"))
    acme.privacy.forget("ada")
    assert acme.goals.list("ada") == []
    assert acme.impact.feed("ada").entries == ()
    kept = json.loads(globex.privacy.export("ada").to_json())
    gone = json.loads(acme.privacy.export("ada").to_json())
    assert len(kept["goals"]) == 1
    assert gone["goals"] == []
    assert len(globex.goals.list("ada")) == 1
    assert globex.mastery.state("ada", "code-review").evidence == 1
    assert len(globex.impact.feed("ada").entries) == 1
    actors = {kit.tenant: [e.payload.get("actor") for e in kit.journal.read()] for kit in pair}
    assert "ada" in actors["globex"]  # not erased there
    assert "ada" not in actors["acme"]
    acme.audit.checkpoint()
    globex.audit.checkpoint()
    assert acme.audit.verify(KEYS).size == acme.journal.size()
    assert globex.audit.verify(KEYS).size == globex.journal.size() == 4


# -- rules and replay --------------------------------------------------------------------


def test_rules_versions_and_replay_state_are_per_tenant(pair: tuple[Kit, Kit]) -> None:
    acme, globex = pair
    for kit in pair:
        kit.record_many([review(f"e{i}") for i in range(3)])
    report = acme.reload_rules(rules(5))
    assert report is not None
    assert (acme.rules_version, globex.rules_version) == (5, 1)
    assert acme.record(review("n1")).seq == 4
    assert globex.journal.read()[-1].payload.get("rules", 1) != 5
    globex.reload_rules(rules(2))  # older than acme's replay: fine, it is globex's own
    assert globex.rules_version == 2
    globex.replay()
    assert acme.mastery.state("ada", "code-review").evidence == 4
    assert globex.mastery.state("ada", "code-review").evidence == 3


# -- the schema ------------------------------------------------------------------------------


@pytest.fixture(params=["sqlite", "postgresql", "mariadb"])
def sql_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with _database(request.param, tmp_path) as url:
        yield url


def test_every_key_and_lookup_index_starts_with_the_tenant(sql_url: str) -> None:
    store = SqlStore(sql_url)
    try:
        with store.engine.connect() as conn:
            inspector = sa.inspect(conn)
            for table in metadata.sorted_tables:
                primary = inspector.get_pk_constraint(table.name)["constrained_columns"]
                assert primary[0] == "tenant", (table.name, primary)
                assert len(primary) > 1, table.name
                for unique in inspector.get_unique_constraints(table.name):
                    assert unique["column_names"][0] == "tenant", (table.name, unique)
                for index in inspector.get_indexes(table.name):
                    assert index["column_names"][0] == "tenant", (table.name, index)
    finally:
        store.close()


def test_existing_data_becomes_the_default_tenants_and_going_down_keeps_it(sql_url: str) -> None:
    with Kit.open(sql_url, signers=[SIGNER]) as kit:  # written, then taken back to 0004
        goal = kit.goals.create("ada", "Review", {"event": "review.submitted", "count": 3})
        kit.record_many([review("e1"), review("e2")])
        kit.audit.checkpoint()
    store = SqlStore(sql_url)
    with store.engine.connect().execution_options(**{WRITE: True}) as conn, conn.begin():
        command.downgrade(_migrate._config(conn), "0004")
        columns = {c["name"] for c in sa.inspect(conn).get_columns("motivekit_journal")}
        assert "tenant" not in columns
        assert conn.exec_driver_sql("SELECT COUNT(*) FROM motivekit_journal").scalar() == 3
    store.close()
    with Kit.open(sql_url) as default, Kit.open(sql_url, tenant="acme") as acme:  # up again
        assert default.goals.get(goal.id).progress.count == 2
        assert default.audit.verify(KEYS).size == 3
        assert acme.journal.size() == 0
        assert acme.goals.list("ada") == []
        acme.record(review("e1"))
    store = SqlStore(sql_url)
    try:
        refused = pytest.raises(StoreError, match="holds rows of tenant 'acme'")
        conn = store.engine.connect().execution_options(**{WRITE: True})
        with conn, conn.begin(), refused:
            command.downgrade(_migrate._config(conn), "0004")
    finally:
        store.close()
    with Kit.open(sql_url, tenant="acme") as acme:
        assert acme.journal.size() == 1  # refused before anything changed


def _open_tenant(url: str, tenant: str) -> None:
    SqlStore(url, tenant=tenant).close()


@pytest.mark.parametrize("server", ["postgresql", "mariadb"])
def test_processes_opening_a_new_tenant_at_once_make_one_head(server: str) -> None:
    with SERVERS[server].database() as url:
        SqlStore(url).close()  # the schema exists; the tenant does not yet
        spawn = multiprocessing.get_context("spawn")
        procs = [spawn.Process(target=_open_tenant, args=(url, "newco")) for _ in range(4)]
        for p in procs:
            p.start()
        for p in procs:
            p.join(60)
        assert [p.exitcode for p in procs] == [0, 0, 0, 0]
        with Kit.open(url, tenant="newco") as kit:
            assert kit.record(review("e1")).seq == 1
            store = kit.store
            assert isinstance(store, SqlStore)
            with store.engine.connect() as conn:
                heads = conn.exec_driver_sql(
                    "SELECT COUNT(*) FROM motivekit_log_head WHERE tenant = 'newco'"
                )
                assert heads.scalar() == 1


@pytest.mark.parametrize("server", ["postgresql", "mariadb"])
def test_writers_of_two_tenants_do_not_wait_for_each_other(server: str) -> None:
    with SERVERS[server].database() as url:
        acme = Kit.open(url, tenant="acme")
        acme_too = Kit.open(url, tenant="acme")
        globex = Kit.open(url, tenant="globex")
        done: dict[str, int] = {}

        def record(kit: Kit, name: str) -> None:
            done[name] = kit.record(review(f"{name}-1")).seq

        try:
            with acme.store.writing() as held:  # acme's writer holds its head row lock
                held.head()
                other = threading.Thread(target=record, args=(globex, "globex"))
                same = threading.Thread(target=record, args=(acme_too, "acme"))
                other.start()
                same.start()
                other.join(10)
                assert done == {"globex": 1}  # globex wrote while acme held its lock ...
                same.join(1)
                assert same.is_alive()  # ... and acme's second writer waits for it
            same.join(30)
            assert done == {"globex": 1, "acme": 1}
        finally:
            for kit in (acme, acme_too, globex):
                kit.close()


# -- the command line ------------------------------------------------------------------------


def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)
    return result.exit_code, result.output


def test_every_command_that_opens_a_kit_takes_tenant(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    key = tmp_path / "k.key"
    design = tmp_path / "motivation.yaml"
    design.write_text(DESIGN.format(version=1))
    with Kit.open(url, tenant="acme", rules=rules()) as acme, Kit.open(url, rules=rules()) as d:
        goal = acme.goals.create("ada", "Acme reviews", {"event": "review.submitted", "count": 3})
        acme.record_many([review("e1"), review("e2")])
        d.goals.create("ada", "Default reviews", {"event": "review.submitted", "count": 3})
    assert run("db", "upgrade", "--url", url)[0] == 0  # one schema for every tenant
    code, out = run("goals", "list", "--url", url, "--tenant", "acme", "--owner", "ada")
    assert (code, "Acme reviews" in out, "Default reviews" in out) == (0, True, False)
    code, out = run("goals", "list", "--url", url, "--owner", "ada")
    assert (code, "Acme reviews" in out, "Default reviews" in out) == (0, False, True)
    env = {"MOTIVEKIT_TENANT": "globex"}
    assert run("goals", "list", "--url", url, "--owner", "ada", env=env) == (
        0,
        "ada has no goals\n",
    )
    code, out = run("journal", "tail", "--url", url, "--tenant", "acme", "-n", "5")
    assert out.count("\n") == 3
    assert '"e2"' in out
    code, out = run("journal", "tail", "--url", url, "--tenant", "globex")
    assert (code, out) == (0, "")
    code, out = run("privacy", "export", "--url", url, "--tenant", "acme", "--user", "ada")
    assert [g["title"] for g in json.loads(out)["goals"]] == ["Acme reviews"]
    code, out = run("privacy", "export", "--url", url, "--tenant", "globex", "--user", "ada")
    assert json.loads(out)["goals"] == []
    code, verifier = run("audit", "keygen", "t", "--out", str(key))
    assert code == 0
    code, note = run(
        "audit", "checkpoint", "--url", url, "--tenant", "acme", "--key-file", str(key)
    )
    assert (code, note.splitlines()[:2]) == (0, ["motivekit/acme", "3"])
    keys = ["--key", verifier.strip()]
    code, out = run("audit", "verify", "--url", url, "--tenant", "acme", *keys)
    assert (code, out) == (0, "ok: 3 entries, 1 checkpoint verified, latest signed size 3\n")
    code, out = run("audit", "verify", "--url", url, *keys)  # the default tenant's own log
    assert code == 0
    assert out.startswith("ok: 1 entries, 0 checkpoints")
    assert run("audit", "export-checkpoint", "--url", url, "--tenant", "acme") == (0, note)
    assert run("audit", "export-checkpoint", "--url", url, "--tenant", "globex")[0] == 1
    code, bundle = run("audit", "prove", "--url", url, "--tenant", "acme", "2")
    assert json.loads(bundle)["seq"] == 2
    code, out = run("replay", "--url", url, "--tenant", "acme", "--rules", str(design), "--json")
    assert code == 0
    code, out = run(
        "explain", "--url", url, "--tenant", "acme", "--rules", str(design), "ada", goal.id
    )
    assert code == 0
    assert "#3" in out
    assert "review.submitted" in out
    code, out = run("explain", "--url", url, "--tenant", "globex", "ada", goal.id)
    assert code == 1
    assert "UnknownGoal" in out
    code, out = run("goals", "list", "--url", url, "--tenant", "Not Valid", "--owner", "ada")
    assert code == 1
    assert "ConfigError: tenant must be" in out
