"""Tenants: every table gains a ``tenant`` column, first in its primary key, its unique
constraints and its lookup indexes. Existing rows become the default tenant's (``''``).

Each table is rebuilt the same way on every database (SQLite cannot change a primary key
in place): a new table with the new keys is created, the rows are copied, the old table is
dropped, the new one takes its name and the indexes are created again. On PostgreSQL all
of it is one transaction; on MariaDB and MySQL every DDL statement commits by itself
(the migration lock keeps other processes out meanwhile), so a run that stopped halfway
is picked up where it stopped: a table already rebuilt is skipped, a half-made copy
dropped, a whole one kept.

Going down keeps the default tenant's rows, and refuses while another tenant has any:
without the column they could not be told apart.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-05
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

from motivekit._errors import StoreError
from motivekit.store.sql._types import MYSQL_TABLE

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

TABLES = tuple(
    "motivekit_" + name
    for name in (
        "journal",
        "log_head",
        "tree_tiles",
        "checkpoints",
        "goals",
        "goal_days",
        "consents",
        "replays",
        "skills",
        "skill_items",
        "skill_bands",
        "impact_contributions",
        "impact_referrals",
        "forgotten",
        "identity_groups",
        "impact_feed",
        "impact_items",
        "impact_prefs",
        "missions",
        "mission_parts",
    )
)
TENANT = "tenant"


def _keys(columns: list[str], tenant: bool) -> list[str]:
    rest = [c for c in columns if c != TENANT]
    return [TENANT, *rest] if tenant else rest


def _rebuild(name: str, *, tenant: bool) -> None:
    """Rebuild table ``name`` with (``tenant=True``) or without the tenant column."""
    bind = op.get_bind()
    postgres = bind.dialect.name == "postgresql"
    temporary = f"{name}__0005"
    present = set(sa.inspect(bind).get_table_names())
    if temporary in present:  # left by a run that stopped halfway (MariaDB: DDL commits)
        if name in present:
            op.drop_table(temporary)  # stopped before the old table was dropped: redo
        else:
            op.rename_table(temporary, name)  # stopped after: the copy is whole
    inspector = sa.inspect(bind)
    if (TENANT in {c["name"] for c in inspector.get_columns(name)}) == tenant:
        return  # rebuilt by a run that stopped later
    old = sa.Table(name, sa.MetaData(), autoload_with=bind)
    primary = [c.name for c in old.primary_key.columns]
    uniques = inspector.get_unique_constraints(name)
    unique_names = {u["name"] for u in uniques}
    assert all(u["name"] for u in uniques)  # every unique constraint of motivekit is named
    indexes = [
        i
        for i in inspector.get_indexes(name)
        if i["name"] not in unique_names and not i.get("duplicates_constraint")
    ]
    kept = [c for c in old.columns if c.name != TENANT]
    columns: list[Any] = []
    if tenant:
        columns.append(sa.Column(TENANT, sa.String(64), nullable=False, server_default=""))
    for column in kept:
        copy = sa.Column(
            column.name,
            column.type,
            nullable=column.nullable,
            primary_key=False,
            autoincrement=False,
        )
        columns.append(copy)
    if postgres:  # constraint names are the schema's: free the old table's first
        op.drop_constraint(f"{name}_pkey", name, type_="primary")
        for unique in uniques:
            op.drop_constraint(str(unique["name"]), name, type_="unique")
    metadata = sa.MetaData()
    new = sa.Table(
        temporary,
        metadata,
        *columns,
        sa.PrimaryKeyConstraint(*_keys(primary, tenant), name=f"{name}_pkey" if postgres else None),
        *[sa.UniqueConstraint(*_keys(u["column_names"], tenant), name=u["name"]) for u in uniques],
        **MYSQL_TABLE,
    )
    new.create(bind)
    names = [c.name for c in kept]
    source = sa.select(*[old.c[n] for n in names])
    if tenant:
        source = sa.select(sa.literal_column("''"), *[old.c[n] for n in names])
        target = [TENANT, *names]
    else:
        target = names
        source = source.where(old.c[TENANT] == "")
    op.execute(new.insert().from_select(target, source))
    op.drop_table(name)
    op.rename_table(temporary, name)
    for index in indexes:
        columns_of = [str(c) for c in index["column_names"]]
        op.create_index(index["name"], name, _keys(columns_of, tenant))


def upgrade() -> None:
    for name in TABLES:
        _rebuild(name, tenant=True)


def downgrade() -> None:
    bind = op.get_bind()
    for name in TABLES:
        table = sa.table(name, sa.column(TENANT))
        found = bind.execute(sa.select(table.c[TENANT]).where(table.c[TENANT] != "").limit(1))
        other = found.scalar()
        if other is not None:
            raise StoreError(
                f"cannot go below revision 0005: {name} holds rows of tenant {other!r}, "
                f"which a schema without tenants cannot tell from the default tenant's; "
                f"export or delete the other tenants' data first"
            )
    for name in TABLES:
        _rebuild(name, tenant=False)
