"""pytest-django for the Django tests (Django is set up by ``tests/conftest.py``).

A test on a server alias (``postgres``, ``mariadb``) fails, before Django creates its test
databases, when that server cannot be reached or its driver is missing: never a skip.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterable

import pytest
from django.conf import settings
from django.test import TransactionTestCase

from tests._servers import SERVERS

DRIVERS = {"mariadb": ("MySQLdb", "mysqlclient")}
"""alias -> (module, distribution) of the driver Django's backend imports."""


def _aliases(items: Iterable[pytest.Item]) -> set[str]:
    """The database aliases the collected tests use (as pytest-django counts them)."""
    found: set[str] = set()
    for item in items:
        marker = item.get_closest_marker("django_db")
        databases: object = marker.kwargs.get("databases") if marker else None
        cls = getattr(item, "cls", None)
        if isinstance(cls, type) and issubclass(cls, TransactionTestCase):
            databases = cls.databases
        if databases == "__all__":
            return set(settings.DATABASES)
        if isinstance(databases, Iterable) and not isinstance(databases, str):
            found.update(str(alias) for alias in databases)
    return found


@pytest.fixture(scope="session")
def _motivekit_test_servers(request: pytest.FixtureRequest) -> None:
    for alias in sorted(_aliases(request.session.items) & set(settings.SERVER_ALIASES)):
        if alias in DRIVERS:
            module, dist = DRIVERS[alias]
            if importlib.util.find_spec(module) is None:
                pytest.fail(
                    f"the {alias!r} database needs Django's MySQL driver {dist} "
                    f"(`pip install {dist}`); the server tests do not skip",
                    pytrace=False,
                )
        SERVERS[settings.SERVER_ALIASES[alias]]._admin()  # fails with the fix if away


@pytest.fixture(scope="session")
def django_db_setup(_motivekit_test_servers: None, django_db_setup: None) -> None:
    """pytest-django's, after the servers the tests need are known to be up."""
