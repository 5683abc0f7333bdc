"""Journal with Merkle leaf hashes, log head, tree tiles, checkpoints, goals, day counts,
consent.

Revision ID: 0001
Revises:
Create Date: 2026-11-21
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from motivekit.store.sql._types import BLOB, HASH, MYSQL_TABLE, TEXT

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "motivekit_journal",
        sa.Column("seq", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("type", sa.String(16), nullable=False),
        sa.Column("name", sa.String(128), nullable=False),
        sa.Column("event_id", sa.String(200), nullable=True),
        sa.Column("recorded_at", sa.BigInteger, nullable=False),
        sa.Column("entry", BLOB, nullable=False),
        sa.Column("leaf_hash", HASH, nullable=False),
        sa.Column("subject", sa.String(200), nullable=True),
        sa.Column("personal", BLOB, nullable=True),
        sa.UniqueConstraint("event_id", name="motivekit_journal_event_id_key"),
        **MYSQL_TABLE,
    )
    op.create_index("motivekit_journal_subject", "motivekit_journal", ["subject"])
    head = op.create_table(
        "motivekit_log_head",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("size", sa.BigInteger, nullable=False),
        sa.Column("frontier", BLOB, nullable=False),
        **MYSQL_TABLE,
    )
    op.bulk_insert(head, [{"id": 1, "size": 0, "frontier": b""}])
    op.create_table(
        "motivekit_tree_tiles",
        sa.Column("level", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("idx", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("hash", HASH, nullable=False),
        **MYSQL_TABLE,
    )
    op.create_table(
        "motivekit_checkpoints",
        sa.Column("size", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("note", TEXT, nullable=False),
        sa.Column("created_at", sa.BigInteger, nullable=False),
        **MYSQL_TABLE,
    )
    op.create_table(
        "motivekit_goals",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("owner", sa.String(200), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("event_kind", sa.String(128), nullable=False),
        sa.Column("title", TEXT, nullable=False),
        sa.Column("measure", TEXT, nullable=False),
        sa.Column("why", TEXT, nullable=True),
        sa.Column("plan", TEXT, nullable=True),
        sa.Column("visibility", sa.String(16), nullable=False),
        sa.Column("tz", sa.String(64), nullable=False),
        sa.Column("template_id", sa.String(200), nullable=True),
        sa.Column("created_at", sa.BigInteger, nullable=False),
        sa.Column("updated_at", sa.BigInteger, nullable=False),
        sa.Column("total", sa.BigInteger, nullable=False),
        sa.Column("created_seq", sa.BigInteger, nullable=False),
        **MYSQL_TABLE,
    )
    op.create_index("motivekit_goals_watch", "motivekit_goals", ["owner", "status", "event_kind"])
    op.create_table(
        "motivekit_goal_days",
        sa.Column("goal_id", sa.String(64), primary_key=True),
        sa.Column("day", sa.Date, primary_key=True),
        sa.Column("count", sa.BigInteger, nullable=False),
        **MYSQL_TABLE,
    )
    op.create_table(
        "motivekit_consents",
        sa.Column("user_id", sa.String(200), primary_key=True),
        sa.Column("mechanic", sa.String(32), primary_key=True),
        sa.Column("enabled", sa.Boolean, nullable=False),
        sa.Column("updated_at", sa.BigInteger, nullable=False),
        **MYSQL_TABLE,
    )


def downgrade() -> None:
    for table in (
        "motivekit_consents",
        "motivekit_goal_days",
        "motivekit_goals",
        "motivekit_checkpoints",
        "motivekit_tree_tiles",
        "motivekit_log_head",
        "motivekit_journal",
    ):
        op.drop_table(table)
