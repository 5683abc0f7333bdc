"""The database server stopped and started again under a running Kit: clear errors while it
is down, the same Kit working after, and nothing lost that was acknowledged.

These tests stop and start the test servers (``scripts/test-databases.sh stop|start``), so
they need the local servers that script manages."""

from __future__ import annotations

import json
import multiprocessing
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from motivekit import Ed25519Signer, Event, StoreUnavailable
from tests import _many_writers as w
from tests._servers import SERVERS

ROOT = Path(__file__).resolve().parent.parent


def server(action: str, kind: str) -> None:
    run = subprocess.run(
        [ROOT / "scripts" / "test-databases.sh", action, kind],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, f"could not {action} {kind}: {run.stderr}"


@pytest.fixture(params=["postgresql", "mariadb"])
def kind(request: pytest.FixtureRequest) -> Iterator[str]:
    yield request.param
    server("start", request.param)  # whatever the test did, leave the server running


@pytest.fixture
def url(kind: str) -> Iterator[str]:
    with SERVERS[kind].database() as url:
        yield url


def test_calls_fail_clearly_while_the_server_is_down_and_work_after(kind: str, url: str) -> None:
    with w.open_kit(url) as kit:
        w.set_up(kit)
        kit.record(Event("before", "answer.posted", "u01", w.START, {"answer_id": "a0"}))
        server("stop", kind)
        down = Event("during", "answer.posted", "u01", w.START, {"answer_id": "a1"})
        with pytest.raises(StoreUnavailable, match=r"the database cannot be reached \(") as info:
            kit.record(down)
        assert "nothing was written, try again when it is back" in str(info.value)
        assert url.split("@")[-1].split("/")[0] in str(info.value)  # names the server
        with pytest.raises(StoreUnavailable):
            kit.goals.list("u01")
        with pytest.raises(StoreUnavailable):
            kit.journal.size()
        server("start", kind)
        # The same Kit, no restart: the event sent during the outage goes in once.
        outcome = kit.record(down)
        assert not outcome.duplicate
        assert kit.record(down).duplicate
        assert kit.journal.size() == len(w.USERS) + 2
        assert kit.goals.list("u01")[0].total == 2


def test_writers_keep_every_acknowledged_event_across_a_restart(
    kind: str, url: str, tmp_path: Path
) -> None:
    with w.open_kit(url) as kit:
        w.set_up(kit)
    spawn = multiprocessing.get_context("spawn")
    logs = [tmp_path / f"writer-{p}.jsonl" for p in range(3)]
    writers = [
        spawn.Process(target=w.write_through_outages, args=(url, p, 600, str(logs[p])))
        for p in range(3)
    ]
    for process in writers:
        process.start()
    deadline = time.monotonic() + 120
    # Every writer is open and writing (opening a Kit while the server is down fails too).
    while min(len(_acknowledged(log)) for log in logs) < 60:
        assert time.monotonic() < deadline, "the writers made no progress"
        time.sleep(0.1)
    server("stop", kind)
    time.sleep(3)
    server("start", kind)
    for process in writers:
        process.join(timeout=300)
    assert [p.exitcode for p in writers] == [0, 0, 0]

    errors = [e for log in logs for e in _lines(log) if "error" in e]
    assert errors, "no writer saw the outage"
    assert {e["error"] for e in errors} == {"StoreUnavailable"}
    assert all("the database cannot be reached" in e["message"] for e in errors)
    acknowledged = set().union(*(_acknowledged(log) for log in logs))
    key = Ed25519Signer.generate("example.com/outages")
    with w.open_kit(url, origin="example.com/outages", signers=[key]) as kit:
        runs = w.journal_events(kit)
        recorded = [e.id for run in runs for e in run]
        assert len(recorded) == len(set(recorded))  # nothing applied twice
        assert acknowledged <= set(recorded)  # nothing acknowledged was lost
        sent = {e.id for p in range(3) for e in w.events_for(p, 600)}
        assert set(recorded) == sent  # and the writers finished their work
        kit.audit.checkpoint()
        assert kit.audit.verify([key.verifier()]).size == kit.journal.size()
        assert w.state(kit) == w.sequential(runs)


def _lines(log: Path) -> list[dict[str, object]]:
    if not log.exists():
        return []
    return [json.loads(line) for line in log.read_text().splitlines() if line.strip()]


def _acknowledged(log: Path) -> set[str]:
    return {i for e in _lines(log) for i in e.get("acknowledged", ())}  # type: ignore[attr-defined]
