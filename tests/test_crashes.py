"""A writer killed (SIGKILL) in the middle of ``record_many`` leaves nothing half-written,
and sending the same batch again completes it exactly once."""

from __future__ import annotations

import multiprocessing
import os
import random
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from motivekit import Ed25519Signer
from tests import _many_writers as w
from tests._servers import SERVERS

ROUNDS = 6
BATCH = 1500


@pytest.fixture(params=["sqlite", "postgresql", "mariadb"])
def urls(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, str]]:
    """The database the writers crash on, and a scratch one to time a batch on."""
    if request.param in SERVERS:
        server = SERVERS[request.param]
        with server.database() as url, server.database() as scratch:
            yield url, scratch
        return
    yield f"sqlite:///{tmp_path / 'crash.db'}", f"sqlite:///{tmp_path / 'scratch.db'}"


def test_a_writer_killed_mid_batch_leaves_all_or_nothing(urls: tuple[str, str]) -> None:
    url, scratch = urls
    with w.open_kit(url) as kit:
        w.set_up(kit)
    spawn = multiprocessing.get_context("spawn")
    rng = random.Random(2026)
    sent: dict[str, object] = {}
    outcomes = {"killed mid-call": 0, "finished first": 0}
    duration = _one_batch_takes(scratch)
    for round_ in range(ROUNDS):
        batch = w.events_for(10 + round_, BATCH)
        with w.open_kit(url) as kit:
            before = {e.id for run in w.journal_events(kit) for e in run}
        ready = spawn.Event()
        writer = spawn.Process(
            target=w.write_batch_when_told, args=(url, 10 + round_, BATCH, ready)
        )
        writer.start()
        assert ready.wait(60)
        time.sleep(rng.uniform(0, duration * 0.8))
        if writer.is_alive():
            os.kill(writer.pid, signal.SIGKILL)  # type: ignore[arg-type]
        writer.join(30)
        outcomes["killed mid-call" if writer.exitcode == -signal.SIGKILL else "finished first"] += 1
        ids = {e.id for e in batch}
        with w.open_kit(url) as kit:
            after = {e.id for run in w.journal_events(kit) for e in run}
            # All or nothing: the batch's new events are either all in, or none.
            new = after - before
            assert new in (set(), ids - before)
            # Send the same batch again: it completes, and nothing is applied twice.
            kit.record_many(batch)
        sent.update({e.id: e for e in batch})
    assert outcomes["killed mid-call"] >= ROUNDS // 2, outcomes
    key = Ed25519Signer.generate("example.com/crashes")
    with w.open_kit(url, origin="example.com/crashes", signers=[key]) as kit:
        runs = w.journal_events(kit)
        recorded = [e for run in runs for e in run]
        assert sorted(e.id for e in recorded) == sorted(sent)
        kit.audit.checkpoint()
        assert kit.audit.verify([key.verifier()]).size == kit.journal.size()
        assert w.state(kit) == w.sequential(runs)


def _one_batch_takes(scratch: str) -> float:
    """Seconds one ``record_many`` of a batch takes on this database (timed on a scratch
    one), so the kills land inside the call."""
    with w.open_kit(scratch) as kit:
        w.set_up(kit)
        start = time.perf_counter()
        kit.record_many(w.events_for(99, BATCH))
        return time.perf_counter() - start
