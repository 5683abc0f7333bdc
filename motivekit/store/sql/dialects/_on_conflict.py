"""What the dialects whose ``INSERT`` has ``ON CONFLICT`` (SQLite, PostgreSQL) build alike.

Their insert constructs differ in class but not in how an upsert or an insert-or-ignore is
spelled, so each dialect module passes its own ``insert(table)`` here.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import Insert as PostgresInsert
from sqlalchemy.dialects.sqlite import Insert as SqliteInsert

__all__ = ["bound", "ignore_on_conflict", "upsert_on_conflict"]

I = TypeVar("I", bound=sa.Insert)  # noqa: E741
OnConflict = TypeVar("OnConflict", SqliteInsert, PostgresInsert)


def bound(statement: I, columns: Sequence[str] | None, rows: sa.Select[Any] | None = None) -> I:
    """``statement`` with ``columns`` bound by name, in this order (None: as executed),
    or, given ``rows``, inserting that query's rows into ``columns``."""
    if rows is not None:
        if columns is None:
            raise ValueError("rows need the columns they go into")
        return statement.from_select(list(columns), rows)
    return statement if columns is None else statement.values({c: sa.bindparam(c) for c in columns})


def upsert_on_conflict(
    statement: OnConflict,
    table: sa.Table,
    key: Sequence[sa.Column[Any]],
    *,
    columns: Sequence[str] | None,
    replace: Sequence[str],
    add: Sequence[str],
    rows: sa.Select[Any] | None = None,
) -> OnConflict:
    """``INSERT ... ON CONFLICT (key) DO UPDATE SET``: ``excluded`` is the new row, and an
    added column is ``c = table.c + excluded.c``, computed on the conflicting row."""
    statement = bound(statement, columns, rows)
    new = statement.excluded
    changes: dict[str, Any] = {c: new[c] for c in replace}
    changes.update({c: table.c[c] + new[c] for c in add})
    return statement.on_conflict_do_update(index_elements=key, set_=changes)


def ignore_on_conflict(
    statement: OnConflict, key: Sequence[sa.Column[Any]], *, columns: Sequence[str]
) -> OnConflict:
    """``INSERT ... ON CONFLICT (key) DO NOTHING``."""
    return bound(statement, columns).on_conflict_do_nothing(index_elements=key)
