"""Run the store contract against every store this machine has."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from motivekit.store import MemoryStore, SqlStore, Store

from .store_contract import StoreContract


class TestMemoryStore(StoreContract):
    @pytest.fixture
    def store(self) -> Iterator[Store]:
        store = MemoryStore()
        yield store
        store.close()


class TestSqliteFileStore(StoreContract):
    @pytest.fixture
    def store(self, tmp_path: Path) -> Iterator[Store]:
        store = SqlStore(f"sqlite:///{tmp_path / 'contract.db'}")
        yield store
        store.close()


class TestSqliteMemoryStore(StoreContract):
    @pytest.fixture
    def store(self) -> Iterator[Store]:
        store = SqlStore("sqlite://")
        yield store
        store.close()
