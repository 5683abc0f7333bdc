"""pytest-django for the Django tests (Django is set up by ``tests/conftest.py``).

A test on a server alias (``postgres``, ``mariadb``) FAILS, with the reason and the fix,
when that server cannot be reached or Django's driver for it is missing: never a skip.
Only those tests fail: the broken alias is left out of the databases Django sets up, so
the SQLite tests of the same run still pass.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterable

import pytest
from django.conf import settings
from django.db import connections
from django.test import TransactionTestCase

from tests._servers import SERVERS

DRIVERS = {"mariadb": ("MySQLdb", "mysqlclient")}
"""alias -> (module, distribution) of the driver Django's backend imports."""

_BROKEN: dict[str, str] = {}
"""alias -> why its tests fail (found once, when the tests are collected)."""


def _aliases(item: pytest.Item) -> set[str]:
    """The database aliases a test uses (as pytest-django counts them)."""
    marker = item.get_closest_marker("django_db")
    databases: object = marker.kwargs.get("databases") if marker else None
    cls = getattr(item, "cls", None)
    if isinstance(cls, type) and issubclass(cls, TransactionTestCase):
        databases = cls.databases
    if databases == "__all__":
        return set(settings.SERVER_ALIASES) | {"default"}
    if isinstance(databases, Iterable) and not isinstance(databases, str):
        return {str(alias) for alias in databases}
    return set()


def _problem(alias: str) -> str | None:
    if alias in DRIVERS:
        module, dist = DRIVERS[alias]
        if importlib.util.find_spec(module) is None:
            return (
                f"the {alias!r} database needs Django's MySQL driver {dist} "
                f"(`pip install {dist}`); the server tests do not skip"
            )
    try:
        SERVERS[settings.SERVER_ALIASES[alias]]._admin()  # fails with the fix if away
    except pytest.fail.Exception as exc:
        return str(exc)
    return None


@pytest.hookimpl(trylast=True)  # after -k / -m deselection: only the servers still needed
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    used = {alias for item in items for alias in _aliases(item)} & set(settings.SERVER_ALIASES)
    for alias in sorted(used):
        problem = _problem(alias)
        if problem is not None:
            _BROKEN[alias] = problem
            settings.DATABASES.pop(alias, None)
            connections.settings.pop(alias, None)
    for item in items:
        if _aliases(item) & set(_BROKEN):
            item.fixturenames.insert(0, "_motivekit_broken_server")  # type: ignore[attr-defined]


@pytest.fixture
def _motivekit_broken_server(request: pytest.FixtureRequest) -> None:
    for alias in sorted(_aliases(request.node) & set(_BROKEN)):
        pytest.fail(_BROKEN[alias], pytrace=False)
