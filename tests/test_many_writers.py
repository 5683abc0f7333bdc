"""Several processes recording overlapping events into one database end exactly where one
process recording the journal's order would: nothing lost, nothing applied twice, a gapless
log that verifies (see ``tests/_many_writers.py`` for the workload)."""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterator
from pathlib import Path

import pytest

from motivekit import Ed25519Signer
from tests import _many_writers as w
from tests._servers import SERVERS

PROCESSES = 8
PER_PROCESS = 2000


@pytest.fixture(params=["sqlite", "postgresql", "mariadb"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param in SERVERS:
        with SERVERS[request.param].database() as url:
            yield url
        return
    yield f"sqlite:///{tmp_path / 'shared.db'}"


def test_eight_writer_processes_end_in_the_sequential_state(url: str) -> None:
    with w.open_kit(url) as kit:
        w.set_up(kit)
    spawn = multiprocessing.get_context("spawn")
    writers = [spawn.Process(target=w.write, args=(url, p, PER_PROCESS)) for p in range(PROCESSES)]
    for process in writers:
        process.start()
    for process in writers:
        process.join(timeout=600)
    assert [p.exitcode for p in writers] == [0] * PROCESSES

    sent = w.every_event(PROCESSES, PER_PROCESS)
    key = Ed25519Signer.generate("example.com/many-writers")
    with w.open_kit(url, origin="example.com/many-writers", signers=[key]) as kit:
        runs = w.journal_events(kit)
        recorded = [e for run in runs for e in run]
        # Every event once: shared ids were applied by one writer only.
        assert sorted(e.id for e in recorded) == sorted(sent)
        assert all(e == sent[e.id] for e in recorded)
        # A gapless log that verifies (seq 1..n, every leaf where the tree says).
        size = kit.journal.size()
        assert size == len(sent) + len(w.USERS) + _milestones(kit)
        assert [e.seq for e in kit.journal.read(0, size)] == list(range(1, size + 1))
        kit.audit.checkpoint()
        assert kit.audit.verify([key.verifier()]).size == size
        concurrent = w.state(kit)
    expected = w.sequential(runs)
    assert concurrent["missions"] == expected["missions"]
    for user in w.USERS:
        assert concurrent[user] == expected[user], user
    # Everything moved: goals, skills, impact and the mission.
    assert all(state["goals"][0]["total"] > 0 for user, state in _people(concurrent))
    assert all(state["skills"] for user, state in _people(concurrent))
    assert sum(len(state["impact"]["feed"]) for user, state in _people(concurrent)) > 100
    assert "reached=(100, 1000" in concurrent["missions"][0]


def _people(state: dict[str, object]) -> list[tuple[str, dict]]:  # type: ignore[type-arg]
    return [(u, state[u]) for u in w.USERS]  # type: ignore[misc]


def _milestones(kit: object) -> int:
    return sum(1 for e in kit.journal.read(0, 100_000) if e.type == "milestone")  # type: ignore[attr-defined]
