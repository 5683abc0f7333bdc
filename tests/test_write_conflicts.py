"""A unit of work that loses a race with another writer is run again whole, a few times."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from motivekit import Ed25519Signer, Event, Kit, StoreError
from motivekit._record import Recorder
from motivekit.audit._log import ATTEMPTS
from motivekit.store import MemoryStore, Session
from motivekit.store._protocol import WriteConflict
from motivekit.store.sql._session import SqlSession
from tests._servers import SERVERS


class Contended(MemoryStore):
    """A memory store whose next ``losses`` write transactions lose a race midway."""

    def __init__(self, losses: int) -> None:
        super().__init__()
        self.losses = losses
        self.begun = 0

    @contextmanager
    def writing(self) -> Iterator[Session]:
        self.begun += 1
        with super().writing() as session:
            yield session
            if self.losses:
                self.losses -= 1
                raise WriteConflict("deadlock detected (a test)")


def test_a_lost_race_is_run_again_and_applies_once() -> None:
    store = Contended(losses=0)
    with Kit(store) as kit:
        goal = kit.goals.create("ada", "Review", {"event": "review.submitted", "count": 3})
        store.losses, store.begun = ATTEMPTS - 1, 0
        outcome = kit.record(Event("e1", "review.submitted", "ada"))
        assert store.begun == ATTEMPTS
        assert not outcome.duplicate
        assert outcome.seq == 2
        assert kit.goals.get(goal.id).progress.count == 1
        assert kit.journal.size() == 2
        assert kit.record(Event("e1", "review.submitted", "ada")).duplicate


def test_a_race_lost_every_time_reaches_the_host_and_writes_nothing() -> None:
    store = Contended(losses=ATTEMPTS)
    with Kit(store) as kit:
        with pytest.raises(StoreError, match="deadlock detected"):
            kit.record(Event("e1", "review.submitted", "ada"))
        assert store.begun == ATTEMPTS
        assert kit.journal.size() == 0
        assert not kit.record(Event("e1", "review.submitted", "ada")).duplicate


@pytest.mark.parametrize(
    "call",
    [
        lambda kit: kit.goals.create("ada", "Review", {"event": "review.submitted", "count": 3}),
        lambda kit: kit.consent.set("ada", "goals", False, by="ada"),
        lambda kit: kit.impact.link("ada", "ada-2"),
        lambda kit: kit.privacy.forget("ada"),
        lambda kit: kit.record_many([Event("e1", "k", "ada"), Event("e2", "k", "bo")]),
    ],
)
def test_every_write_the_services_make_is_retried(call: object) -> None:
    store = Contended(losses=2)
    with Kit(store) as kit:
        call(kit)  # type: ignore[operator]
        assert store.begun == 3
        assert kit.journal.size() >= 1


@pytest.fixture(params=["sqlite", "postgresql", "mariadb"])
def sql_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param in SERVERS:
        with SERVERS[request.param].database() as url:
            yield url
        return
    yield f"sqlite:///{tmp_path / 'kit.db'}"


def test_an_event_id_another_writer_recorded_meanwhile_is_a_duplicate(
    sql_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Kit.open(sql_url) as kit:
        goal = kit.goals.create("ada", "Review", {"event": "review.submitted", "count": 3})
        first = kit.record(Event("e1", "review.submitted", "ada"))
        # A stale read of the known ids, as a writer that read them before another
        # committed the same id would have: the journal's unique index refuses the row.
        known = SqlSession.known_events
        stale = iter([True])
        monkeypatch.setattr(
            SqlSession,
            "known_events",
            lambda self, ids: {} if next(stale, False) else known(self, ids),
        )
        again = kit.record(Event("e1", "review.submitted", "ada"))
        assert again.duplicate
        assert again.seq == first.seq
        assert kit.journal.size() == 2
        assert kit.goals.get(goal.id).total == 1


def test_a_head_built_by_a_rolled_back_transaction_is_not_built_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Found by the server-restart test: a writer remembered the head its failed batch
    # built; another writer then appended as many entries, so the sizes matched, and the
    # first one grew the tree on the frontier of entries that were never committed.
    url = f"sqlite:///{tmp_path / 'log.db'}"
    key = Ed25519Signer.generate("example.com/log")
    with Kit.open(url, origin="example.com/log", signers=[key]) as a, Kit.open(url) as b:
        a.record_many([Event(f"a{i}", "k", "ada") for i in range(5)])
        fold = Recorder._fold
        failing = iter([True])

        def fold_then_fail(self: Recorder, *args: object, **kwargs: object) -> object:
            if next(failing, False):
                raise RuntimeError("the batch failed after it was appended")
            return fold(self, *args, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(Recorder, "_fold", fold_then_fail)
        with pytest.raises(RuntimeError, match="after it was appended"):
            a.record_many([Event(f"x{i}", "k", "ada") for i in range(3)])
        b.record_many([Event(f"b{i}", "k", "bo") for i in range(3)])  # the same size again
        a.record_many([Event(f"c{i}", "k", "ada") for i in range(300)])  # completes tiles
        a.audit.checkpoint()
        assert a.audit.verify([key.verifier()]).size == 308
