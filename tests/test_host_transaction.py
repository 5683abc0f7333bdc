"""A host write and motivekit's effects commit together and roll back together."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from motivekit import ConfigError, ConsentRequired, Ed25519Signer, Event, InvalidEvent, Kit
from tests._servers import SERVERS

REVIEWS = {"event": "review.submitted", "count": 3, "per": "week"}
answers = sa.Table(
    "host_answers",
    sa.MetaData(),
    sa.Column("id", sa.String(40), primary_key=True),
    sa.Column("body", sa.Text, nullable=False),
)


@pytest.fixture(params=["sqlite", "postgresql", "mariadb"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param in SERVERS:
        with SERVERS[request.param].database() as url:
            yield url
        return
    yield f"sqlite:///{tmp_path / 'host.db'}"


@pytest.fixture
def engine(url: str) -> Iterator[sa.Engine]:
    engine = sa.create_engine(url)
    answers.create(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def kit(url: str, engine: sa.Engine) -> Iterator[Kit]:
    key = Ed25519Signer.generate("example.com/host")
    with Kit.open(url, origin="example.com/host", signers=[key], checkpoint_every=None) as kit:
        yield kit


def host_rows(engine: sa.Engine) -> list[str]:
    with engine.connect() as conn:
        return list(conn.execute(sa.select(answers.c.id)).scalars())


def test_a_host_write_and_a_record_commit_together(kit: Kit, engine: sa.Engine) -> None:
    goal = kit.goals.create("ada", "Review", REVIEWS)
    with engine.begin() as conn:
        conn.execute(answers.insert().values(id="a-1", body="Use a context manager."))
        with kit.join_transaction(conn):
            outcome = kit.record(Event("answer:a-1", "review.submitted", "ada"))
            # Reads in the block see what it wrote before the host commits.
            assert kit.goals.get(goal.id).progress.count == 1
        assert [c.count for c in outcome.goal_changes] == [1]
    assert host_rows(engine) == ["a-1"]
    assert kit.goals.get(goal.id).progress.count == 1
    assert kit.record(Event("answer:a-1", "review.submitted", "ada")).duplicate
    assert kit.journal.size() == 2


def test_a_host_rollback_takes_motivekits_effects_with_it(kit: Kit, engine: sa.Engine) -> None:
    goal = kit.goals.create("ada", "Review", REVIEWS)

    def host_request() -> None:
        with engine.begin() as conn:
            conn.execute(answers.insert().values(id="a-1", body="..."))
            with kit.join_transaction(conn):
                kit.record(Event("answer:a-1", "review.submitted", "ada"))
                kit.goals.pause(goal.id, by="ada")
            raise RuntimeError("the host changed its mind")

    with pytest.raises(RuntimeError, match="the host changed its mind"):
        host_request()
    assert host_rows(engine) == []
    assert kit.goals.get(goal.id).progress.count == 0
    assert kit.goals.get(goal.id).status.value == "active"
    assert kit.journal.size() == 1  # only the goal's creation
    # The log goes on from where the committed head is, and verifies.
    again = kit.record(Event("answer:a-1", "review.submitted", "ada"))
    assert not again.duplicate
    assert again.seq == 2
    kit.audit.checkpoint()
    assert kit.audit.verify().size == 2


def test_a_write_motivekit_refuses_leaves_the_host_transaction_usable(
    kit: Kit, engine: sa.Engine
) -> None:
    kit.consent.set("bo", "goals", False, by="bo")
    with engine.begin() as conn:
        conn.execute(answers.insert().values(id="a-1", body="..."))
        with kit.join_transaction(conn):
            with pytest.raises(ConsentRequired):
                kit.goals.create("bo", "Review", REVIEWS)
            with pytest.raises(InvalidEvent):
                kit.record(Event("", "review.submitted", "bo"))
            kit.record(Event("answer:a-1", "review.submitted", "bo"))
        conn.execute(answers.insert().values(id="a-2", body="..."))
    assert host_rows(engine) == ["a-1", "a-2"]
    assert kit.goals.list("bo") == []
    assert kit.journal.size() == 2  # the consent choice and the event


def test_an_orm_session_joins_the_same_way(kit: Kit, engine: sa.Engine) -> None:
    with Session(engine) as session, session.begin():
        session.execute(answers.insert().values(id="a-1", body="..."))
        with kit.join_transaction(session):
            kit.record(Event("answer:a-1", "review.submitted", "ada"))
    assert host_rows(engine) == ["a-1"]
    assert kit.journal.size() == 1
    with Session(engine) as session:
        session.begin()
        session.execute(answers.insert().values(id="a-2", body="..."))
        with kit.join_transaction(session):
            kit.record(Event("answer:a-2", "review.submitted", "ada"))
        session.rollback()
    assert host_rows(engine) == ["a-1"]
    assert kit.journal.size() == 1


def test_only_the_kits_own_database_can_be_joined(
    kit: Kit, tmp_path: Path, engine: sa.Engine
) -> None:
    other = sa.create_engine(f"sqlite:///{tmp_path / 'other.db'}")
    with (
        other.begin() as conn,
        pytest.raises(ConfigError, match="open the Kit on the host's"),
        kit.join_transaction(conn),
    ):
        pass
    other.dispose()
    with (
        Kit.open("memory://") as memory,
        engine.begin() as conn,
        pytest.raises(ConfigError, match="keeps no database transaction to join"),
        memory.join_transaction(conn),
    ):
        pass
    not_a_connection: Any = "not a connection"
    with (
        pytest.raises(ConfigError, match="join a SQLAlchemy Connection or Session"),
        kit.join_transaction(not_a_connection),
    ):
        pass
