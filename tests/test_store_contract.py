"""Run the store contract against every store this machine has, as a third party would."""

from __future__ import annotations

import functools
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from motivekit.store import MemoryStore, SqlStore, Store
from motivekit.testing import Capability, StoreContract, StoreOpener, TenantContract, TenantOpener


class TestMemoryStore(StoreContract):
    @pytest.fixture
    def store(self) -> Iterator[Store]:
        store = MemoryStore()
        yield store
        store.close()


class TestSqliteFileStore(StoreContract):
    capabilities = frozenset({Capability.SEVERAL_PROCESSES, Capability.DURABLE})

    @pytest.fixture
    def store_opener(self, tmp_path: Path) -> StoreOpener:
        return functools.partial(SqlStore, f"sqlite:///{tmp_path / 'contract.db'}")

    @pytest.fixture
    def store(self, store_opener: StoreOpener) -> Iterator[Store]:
        store = store_opener()
        yield store
        store.close()


class TestSqliteMemoryStore(StoreContract):
    @pytest.fixture
    def store(self) -> Iterator[Store]:
        store = SqlStore("sqlite://")
        yield store
        store.close()


class TestPostgresStore(StoreContract):
    capabilities = frozenset({Capability.SEVERAL_PROCESSES, Capability.DURABLE})

    @pytest.fixture
    def store_opener(self, postgres_url: str) -> StoreOpener:
        return functools.partial(SqlStore, postgres_url)

    @pytest.fixture
    def store(self, store_opener: StoreOpener) -> Iterator[Store]:
        store = store_opener()
        yield store
        store.close()


class TestMariaDbStore(StoreContract):
    capabilities = frozenset({Capability.SEVERAL_PROCESSES, Capability.DURABLE})

    @pytest.fixture
    def store_opener(self, mariadb_url: str) -> StoreOpener:
        return functools.partial(SqlStore, mariadb_url)

    @pytest.fixture
    def store(self, store_opener: StoreOpener) -> Iterator[Store]:
        store = store_opener()
        yield store
        store.close()


class TestMemoryTenants(TenantContract):
    """Every ``MemoryStore()`` is a database of its own: the tenants checked are those of
    one database, opened with ``tenant_store``."""

    @pytest.fixture
    def tenant_opener(self) -> TenantOpener:
        return MemoryStore().tenant_store


class TestSqliteTenants(TenantContract):
    @pytest.fixture
    def tenant_opener(self, tmp_path: Path) -> TenantOpener:
        url = f"sqlite:///{tmp_path / 'tenants.db'}"
        return lambda tenant: SqlStore(url, tenant=tenant)


class TestPostgresTenants(TenantContract):
    @pytest.fixture
    def tenant_opener(self, postgres_url: str) -> TenantOpener:
        return lambda tenant: SqlStore(postgres_url, tenant=tenant)


class TestMariaDbTenants(TenantContract):
    @pytest.fixture
    def tenant_opener(self, mariadb_url: str) -> TenantOpener:
        return lambda tenant: SqlStore(mariadb_url, tenant=tenant)


BUILT_IN = [
    TestMemoryStore,
    TestSqliteFileStore,
    TestSqliteMemoryStore,
    TestPostgresStore,
    TestMariaDbStore,
]


def test_each_built_in_store_declares_its_capabilities() -> None:
    # Dropping a flag silently drops its tests: change this only with the store's behaviour.
    assert TestSqliteFileStore.capabilities == {Capability.SEVERAL_PROCESSES, Capability.DURABLE}
    assert TestSqliteMemoryStore.capabilities == frozenset()
    assert TestPostgresStore.capabilities == {Capability.SEVERAL_PROCESSES, Capability.DURABLE}
    assert TestMemoryStore.capabilities == frozenset()
    assert TestMariaDbStore.capabilities == {Capability.SEVERAL_PROCESSES, Capability.DURABLE}


def test_capability_tests_are_collected_only_where_declared() -> None:
    gated = StoreContract.capability_tests()
    assert set(gated.values()) == {
        frozenset({Capability.SEVERAL_PROCESSES}),
        frozenset({Capability.DURABLE}),
    }
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "--collect-only",
            "-q",
            "-p",
            "no:cacheprovider",
            __file__,
        ],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).parent.parent,
    )
    plain = {n for n in dir(StoreContract) if n.startswith("test_") and n not in gated}
    assert len(plain) > 40
    ids = [line.split("::") for line in run.stdout.splitlines() if "::" in line]
    for cls in BUILT_IN:
        tests = {parts[2] for parts in ids if len(parts) == 3 and parts[1] == cls.__name__}
        expected = {name for name, needs in gated.items() if needs <= cls.capabilities}
        assert tests == plain | expected, cls.__name__


def test_a_subclass_that_drops_a_flag_drops_its_tests() -> None:
    class Fewer(TestSqliteFileStore):
        capabilities = frozenset({Capability.DURABLE})

    for name, needs in StoreContract.capability_tests().items():
        assert callable(getattr(Fewer, name)) == (needs <= Fewer.capabilities), name
        assert callable(getattr(TestSqliteFileStore, name)), name


def test_capabilities_must_be_a_frozenset_of_flags() -> None:
    with pytest.raises(TypeError, match="must be a frozenset of Capability members"):

        class Wrong(StoreContract):
            capabilities = {Capability.DURABLE}  # type: ignore[assignment]  # noqa: RUF012
