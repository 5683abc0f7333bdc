"""Shared fixtures: a controllable clock and a Kit on every store."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from motivekit import Kit
from tests._servers import SERVERS


class FakeClock:
    """A clock the test moves by hand."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 11, 2, 9, 0, tzinfo=UTC))  # a Monday


@pytest.fixture(params=["memory", "sqlite", "postgresql", "mariadb"])
def kit_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param in SERVERS:  # a new database on that server, with the schema
        with SERVERS[request.param].database(migrated=True) as url:
            yield url
        return
    yield "memory://" if request.param == "memory" else f"sqlite:///{tmp_path / 'kit.db'}"


@pytest.fixture
def kit(kit_url: str, clock: FakeClock) -> Iterator[Kit]:
    with Kit.open(kit_url, clock=clock) as opened:
        yield opened


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A new empty PostgreSQL database (see ``tests/_servers.py``); fails if unreachable."""
    with SERVERS["postgresql"].database() as url:
        yield url


@pytest.fixture
def mariadb_url() -> Iterator[str]:
    """A new empty MariaDB database (see ``tests/_servers.py``); fails if unreachable."""
    with SERVERS["mariadb"].database() as url:
        yield url


def pytest_sessionfinish(session: pytest.Session) -> None:
    for server in SERVERS.values():
        server.close()
