"""Shared fixtures: a controllable clock and a Kit on every store."""

from __future__ import annotations

import os
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


_DJANGO_TESTS = Path(__file__).resolve().parent / "django"


def _collects_django_tests(config: pytest.Config) -> bool:
    for arg in config.args:
        path = (config.invocation_params.dir / arg.split("::")[0]).resolve()
        if path == _DJANGO_TESTS or _DJANGO_TESTS in path.parents or path in _DJANGO_TESTS.parents:
            return True
    return False


def pytest_configure(config: pytest.Config) -> None:
    """Set Django up (``tests.django.settings``) only for a run that collects
    ``tests/django/``: ``pytest tests/test_flask_api.py`` never imports Django.

    Loading the settings here, before pytest-django's own ``pytest_configure``, lets it
    set Django up and block database access outside ``django_db`` tests."""
    if "DJANGO_SETTINGS_MODULE" in os.environ or not _collects_django_tests(config):
        return
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.django.settings"
    from django.conf import settings

    settings.INSTALLED_APPS  # noqa: B018 - loads the settings module
    # loaded now; the variable would leak into every subprocess the tests start
    del os.environ["DJANGO_SETTINGS_MODULE"]


def pytest_sessionfinish(session: pytest.Session) -> None:
    for server in SERVERS.values():
        server.close()
