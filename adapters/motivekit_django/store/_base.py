"""What every slice of the Django session shares: its database alias, tenant and helpers.

Each unit of work is one session on one alias. Every query goes through :meth:`rows`,
which scopes it to the session's tenant: a session never reads or changes another
tenant's rows. Batched lookups take their keys in slices of :data:`KEYS_PER_QUERY`, so a
batch costs a query per slice, never one per key.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from itertools import islice
from typing import Any, TypeVar

from django.db import connections, models

__all__ = ["KEYS_PER_QUERY", "SessionBase", "slices"]

KEYS_PER_QUERY = 500
"""Keys per ``IN`` list: well below every database's limit on bound parameters (SQLite's
is 999 where the library is old), for keys of up to three columns."""

M = TypeVar("M", bound=models.Model)
K = TypeVar("K")


def slices(keys: Collection[K], size: int = KEYS_PER_QUERY) -> Iterator[list[K]]:
    """``keys`` (deduplicated) in lists of at most ``size``."""
    it = iter(set(keys))
    while chunk := list(islice(it, size)):
        yield chunk


class SessionBase:
    """One unit of work's alias and tenant."""

    def __init__(self, alias: str, tenant: str, vendor: str) -> None:
        self._alias = alias
        self._tenant = tenant
        self._vendor = vendor
        self._head: tuple[int, bytes] | None = None
        """The head as this unit of work locked (or last moved) it; None: not read."""

    def rows(self, model: type[M], **lookups: Any) -> models.QuerySet[M, M]:
        """``model``'s rows of this tenant matching ``lookups``, on this session's
        database (one ``filter``: every query is built afresh, so a step saved counts)."""
        return model._default_manager.using(self._alias).filter(tenant=self._tenant, **lookups)

    def create(self, model: type[M], objects: list[M], **options: Any) -> None:
        """``bulk_create`` on this session's database (Django splits what the database's
        limit on bound parameters does not take in one statement)."""
        if objects:
            model._default_manager.using(self._alias).bulk_create(objects, **options)

    def upsert(self, model: type[M], objects: list[M], key: list[str], update: list[str]) -> None:
        """Insert ``objects`` or, where a row with the same ``key`` (after the tenant)
        exists, replace its ``update`` fields: one ``INSERT ... ON CONFLICT`` (``ON
        DUPLICATE KEY UPDATE`` on MariaDB and MySQL, where the key is implied)."""
        if not objects:
            return
        manager = model._default_manager.using(self._alias)
        if connections[self._alias].features.supports_update_conflicts_with_target:
            manager.bulk_create(
                objects,
                update_conflicts=True,
                unique_fields=["tenant", *key],
                update_fields=update,
            )
        else:
            manager.bulk_create(objects, update_conflicts=True, update_fields=update)

    def matching(
        self, model: type[M], fields: tuple[str, ...], keys: Collection[tuple[Any, ...]]
    ) -> Iterator[tuple[set[tuple[Any, ...]], models.QuerySet[M, M]]]:
        """For each slice of multi-column ``keys`` (values of ``fields``), the slice and
        the rows whose ``fields`` each take one of the slice's values: an ``IN`` list per
        column, through the index that starts with them, cheaper to build than a tuple
        ``IN`` (the caller keeps the rows whose key is in the slice)."""
        for chunk in slices(keys):
            lists = {f"{field}__in": {k[i] for k in chunk} for i, field in enumerate(fields)}
            yield set(chunk), self.rows(model).filter(**lists)
