"""The shipped store contract (``motivekit.testing``) on the Django ORM store, on SQLite,
PostgreSQL and MariaDB: every slice, tenants kept apart, several writing processes and
durability. Each test runs on a fresh test database whose tables ``migrate`` made; the
units of work commit for real (``transaction=True``), as in production."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from motivekit.store import Store
from motivekit.testing import Capability, StoreContract, StoreOpener, TenantContract, TenantOpener
from tests.django._stores import opener

BOTH = frozenset({Capability.SEVERAL_PROCESSES, Capability.DURABLE})


class _OnAlias(StoreContract):
    alias = "default"

    @pytest.fixture
    def store_opener(self) -> StoreOpener:
        return opener(self.alias)

    @pytest.fixture
    def store(self, store_opener: StoreOpener) -> Iterator[Store]:
        store = store_opener()
        yield store
        store.close()


@pytest.mark.django_db(transaction=True, databases=["default"])
class TestDjangoStoreSqlite(_OnAlias):
    capabilities = BOTH


@pytest.mark.django_db(transaction=True, databases=["default", "postgres"])
class TestDjangoStorePostgres(_OnAlias):
    capabilities = BOTH
    alias = "postgres"


@pytest.mark.django_db(transaction=True, databases=["default", "mariadb"])
class TestDjangoStoreMariaDb(_OnAlias):
    capabilities = BOTH
    alias = "mariadb"


class _TenantsOnAlias(TenantContract):
    alias = "default"

    @pytest.fixture
    def tenant_opener(self) -> TenantOpener:
        from motivekit_django.store import DjangoStore

        return lambda tenant: DjangoStore(using=self.alias, tenant=tenant)


@pytest.mark.django_db(transaction=True, databases=["default"])
class TestDjangoTenantsSqlite(_TenantsOnAlias):
    pass


@pytest.mark.django_db(transaction=True, databases=["default", "postgres"])
class TestDjangoTenantsPostgres(_TenantsOnAlias):
    alias = "postgres"


@pytest.mark.django_db(transaction=True, databases=["default", "mariadb"])
class TestDjangoTenantsMariaDb(_TenantsOnAlias):
    alias = "mariadb"


def test_every_django_store_class_declares_both_capabilities() -> None:
    # Dropping a flag silently drops its tests: change this only with the store's behaviour.
    for cls in (TestDjangoStoreSqlite, TestDjangoStorePostgres, TestDjangoStoreMariaDb):
        assert cls.capabilities == BOTH, cls.__name__
