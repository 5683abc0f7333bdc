"""The pieces every SQL statement of the session is built from (``_statements.py``).

Each one scopes a statement to the session's tenant (the ``:tenant`` bind every statement
takes) or renders a batch's keys the way the dialect reads them fastest.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa

from motivekit.store.sql.dialects import KEYS, TENANT, Dialect, KeyType
from motivekit.store.sql.dialects._keys_join import KeysJoin

__all__ = [
    "TID",
    "data",
    "in_keys",
    "insert",
    "insert_ignore",
    "join_keys",
    "mine",
    "sorted_apart",
    "upsert",
]

TID: sa.BindParameter[str] = sa.bindparam(TENANT, type_=sa.String)
"""The tenant every statement takes (the session binds it on every execution)."""


def data(table: sa.Table) -> list[sa.Column[Any]]:
    """The columns a query reads: all but the tenant, which the query is scoped to."""
    return [c for c in table.columns if c.name != "tenant"]


def mine(table: sa.Table) -> sa.ColumnElement[bool]:
    """``table.tenant = :tid``: every statement reads and changes one tenant's rows."""
    return table.c.tenant == TID


def insert(table: sa.Table) -> sa.Insert:
    """``INSERT`` of one row of ``table``, every column bound by its name, for the
    session's tenant."""
    return (
        table.insert()
        .values({c.name: sa.bindparam(c.name) for c in data(table)})
        .values(tenant=TID)
    )


def upsert(d: Dialect, table: sa.Table, key: Sequence[sa.Column[Any]], **kw: Any) -> sa.Insert:
    """The dialect's upsert on ``(tenant, *key)``, writing the session's tenant."""
    return d.upsert(table, [table.c.tenant, *key], **kw).values(tenant=TID)


def insert_ignore(
    d: Dialect, table: sa.Table, key: Sequence[sa.Column[Any]], columns: Sequence[str]
) -> sa.Insert:
    """The dialect's insert-or-ignore on ``(tenant, *key)``, writing the session's tenant."""
    return d.insert_ignore(table, [table.c.tenant, *key], columns=columns).values(tenant=TID)


def in_keys(
    d: Dialect, column: sa.ColumnElement[Any], kind: KeyType = "text", *, name: str = KEYS
) -> sa.ColumnElement[bool]:
    """``column IN`` the keys bound as the JSON array ``name``."""
    return column.in_(sa.select(d.json_rows([kind], name=name).c.k1))


def join_keys(
    d: Dialect, query: sa.Select[Any], on: Sequence[tuple[sa.ColumnElement[Any], KeyType]]
) -> sa.Select[Any]:
    """``query`` joined to the (multi-column) keys bound as the JSON array ``:ids``, the
    keys the outer loop (:class:`KeysJoin`)."""
    keys = d.json_rows([kind for _, kind in on])
    table = on[0][0].table
    match = [column == keys.c[f"k{i}"] for i, (column, _) in enumerate(on, 1)]
    return query.select_from(KeysJoin(table, keys, sa.and_(*match))).where(table.c.tenant == TID)


def sorted_apart(d: Dialect, column: sa.ColumnElement[int]) -> sa.ColumnElement[int]:
    """An integer sort key the primary key cannot give in order, on SQLite: one person's
    rows are then found through their index and sorted, instead of walking the tenant's
    whole table in key order (which SQLite, without statistics, takes for cheap: it reads
    ``tenant = ?`` as a selective prefix)."""
    return column + 0 if d.name == "sqlite" else column
