"""Column types and table options for MariaDB and MySQL, with the portable type elsewhere.

MySQL's ``BLOB`` and ``TEXT`` hold 64 KiB and a ``BLOB`` cannot be a key; its default
collations ignore case, and motivekit's ids are case-sensitive (``Alice`` and ``alice``
are two people). So on MySQL and MariaDB only (``with_variant``): byte strings are
``LONGBLOB``, hashes ``VARBINARY(32)``, texts ``LONGTEXT``, and every table is InnoDB in
``utf8mb4`` with the binary collation ``utf8mb4_bin`` (compares code points, as SQLite
does; ids never end in spaces, so its PAD SPACE comparison cannot merge two of them).
Other databases get exactly the types they had.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import mysql

__all__ = ["BLOB", "HASH", "MYSQL_TABLE", "TEXT"]

_MYSQL = ("mysql", "mariadb")

BLOB: sa.types.TypeEngine[bytes] = sa.LargeBinary().with_variant(mysql.LONGBLOB(), *_MYSQL)
HASH: sa.types.TypeEngine[bytes] = sa.LargeBinary(32).with_variant(mysql.VARBINARY(32), *_MYSQL)
TEXT: sa.types.TypeEngine[str] = sa.Text().with_variant(mysql.LONGTEXT(), *_MYSQL)

MYSQL_TABLE: dict[str, Any] = {
    "mysql_engine": "InnoDB",
    "mysql_charset": "utf8mb4",
    "mysql_collate": "utf8mb4_bin",
}
"""Table options for MySQL and MariaDB (other databases ignore ``mysql_`` options)."""
