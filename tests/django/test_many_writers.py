"""Four processes recording overlapping events through the Django ORM store into one
database (PostgreSQL, MariaDB, SQLite) end exactly where one process recording the
journal's order would:
nothing lost, nothing applied twice, a gapless log that verifies (the workload and the
check are ``tests/_many_writers.py``'s, as for the SQL store)."""

from __future__ import annotations

import multiprocessing

import pytest
from django.db import connections

from motivekit import Ed25519Signer
from tests import _many_writers as w
from tests.django import _many_writers as dw

PROCESSES = 4
PER_PROCESS = 2000


@pytest.mark.django_db(transaction=True, databases=["default", "postgres", "mariadb"])
@pytest.mark.parametrize("alias", ["postgres", "mariadb", "default"])
def test_four_orm_writer_processes_end_in_the_sequential_state(alias: str) -> None:
    database = dict(connections[alias].settings_dict)
    with dw.open_kit(alias, database) as kit:
        w.set_up(kit)
    connections[alias].close()  # the writers take turns on the head row, not on this
    spawn = multiprocessing.get_context("spawn")
    writers = [
        spawn.Process(target=dw.write, args=(alias, database, p, PER_PROCESS))
        for p in range(PROCESSES)
    ]
    for process in writers:
        process.start()
    for process in writers:
        process.join(timeout=600)
    for process in writers:
        if process.exitcode is None:
            process.kill()
    assert [p.exitcode for p in writers] == [0] * PROCESSES

    sent = w.every_event(PROCESSES, PER_PROCESS)
    key = Ed25519Signer.generate("example.com/many-writers")
    with dw.open_kit(alias, database, origin="example.com/many-writers", signers=[key]) as kit:
        runs = w.journal_events(kit)
        recorded = [e for run in runs for e in run]
        # Every event once: shared ids were applied by one writer only.
        assert sorted(e.id for e in recorded) == sorted(sent)
        assert all(e == sent[e.id] for e in recorded)
        # A gapless log that verifies (seq 1..n, every leaf where the tree says).
        size = kit.journal.size()
        milestones = sum(1 for e in kit.journal.read(0, 100_000) if e.type == "milestone")
        assert size == len(sent) + len(w.USERS) + milestones
        assert [e.seq for e in kit.journal.read(0, size)] == list(range(1, size + 1))
        kit.audit.checkpoint()
        assert kit.audit.verify([key.verifier()]).size == size
        concurrent = w.state(kit)
    expected = w.sequential(runs)
    assert concurrent["missions"] == expected["missions"]
    for user in w.USERS:
        assert concurrent[user] == expected[user], user
    # Everything moved: goals, skills, impact and the mission.
    people = [concurrent[u] for u in w.USERS]
    assert all(state["goals"][0]["total"] > 0 for state in people)
    assert all(state["skills"] for state in people)
    assert sum(len(state["impact"]["feed"]) for state in people) > 50
    assert "reached=(100, 1000" in concurrent["missions"][0]
