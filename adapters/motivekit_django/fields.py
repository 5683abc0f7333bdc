"""Column types that store the same bytes and compare the same way on every database.

motivekit's ids are case-sensitive (``Alice`` and ``alice`` are two people) and sort by
code point, as the SQL store's do. MariaDB's and MySQL's default collations ignore case,
so on them every text column here uses ``utf8mb4_bin`` (other databases keep their own
default); a hash is ``VARBINARY(32)`` there, since a ``BLOB`` cannot be part of a key.
The collation is chosen per connection in ``db_parameters``, so it never appears in
migrations and one migration serves every database.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper

__all__ = ["HashField", "IdField", "LongTextField"]

MYSQL_COLLATION = "utf8mb4_bin"

if TYPE_CHECKING:  # django-stubs' fields are generic; Django's are not subscriptable
    _Char = models.CharField[str, str]
    _Text = models.TextField[str, str]
    _Binary = models.BinaryField[bytes, bytes]
else:
    _Char, _Text, _Binary = models.CharField, models.TextField, models.BinaryField


def _binary_collation(params: dict[str, Any], connection: BaseDatabaseWrapper) -> dict[str, Any]:
    if connection.vendor == "mysql":
        params["collation"] = MYSQL_COLLATION
    return params


class IdField(_Char):
    """A case-sensitive string (ids, names, kinds), compared by code point."""

    def db_parameters(self, connection: BaseDatabaseWrapper) -> dict[str, Any]:
        return _binary_collation(super().db_parameters(connection), connection)


class LongTextField(_Text):
    """Text of any length (JSON, notes, titles), case-sensitive like :class:`IdField`."""

    def db_parameters(self, connection: BaseDatabaseWrapper) -> dict[str, Any]:
        return _binary_collation(super().db_parameters(connection), connection)


class HashField(_Binary):
    """A 32-byte SHA-256 hash; usable in a key on every database."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 32)
        super().__init__(*args, **kwargs)

    def db_type(self, connection: BaseDatabaseWrapper) -> str | None:
        if connection.vendor == "mysql":
            return "varbinary(32)"
        return super().db_type(connection)
