"""A batched lookup's join of a table to its keys, which a dialect may render its own way.

:class:`KeysJoin` is an inner join of a table (left) to the derived table of a batch's keys
(right, :meth:`Dialect.json_rows`). Everywhere it renders as SQLAlchemy's plain
``table JOIN keys ON ...``; a dialect whose planner needs telling which side to loop over
registers its own rendering (SQLite: ``keys CROSS JOIN table``, see ``sqlite.py``).
"""

from __future__ import annotations

from sqlalchemy.sql.expression import Join

__all__ = ["KeysJoin"]


class KeysJoin(Join):
    """``table JOIN keys ON ...``, with the keys meant as the outer loop: each key one
    index search of the table, whatever the table's size."""

    inherit_cache = True
