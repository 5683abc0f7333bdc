"""Mastery: skill states, learned item difficulties, people's own challenge bands, and how
far a replay has rebuilt the skill states.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-21
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from motivekit.store.sql._types import MYSQL_TABLE, TEXT

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # sa.Double, not sa.Float: MariaDB's FLOAT is single precision, and replay compares
    # stored estimates with recomputed ones exactly.
    op.create_table(
        "motivekit_skills",
        sa.Column("user_id", sa.String(200), primary_key=True),
        sa.Column("track", sa.String(200), primary_key=True),
        sa.Column("evidence", sa.BigInteger, nullable=False),
        sa.Column("successes", sa.Double, nullable=False),
        sa.Column("theta", sa.Double, nullable=False),
        sa.Column("p_known", sa.Double, nullable=False),
        sa.Column("at_difficulty", sa.BigInteger, nullable=False),
        sa.Column("last_at", sa.BigInteger, nullable=True),
        sa.Column("recent", TEXT, nullable=False),
        sa.Column("seq", sa.BigInteger, nullable=False),
        sa.Column("level", sa.String(200), nullable=True),
        **MYSQL_TABLE,
    )
    op.create_table(
        "motivekit_skill_items",
        sa.Column("track", sa.String(200), primary_key=True),
        sa.Column("item", sa.String(200), primary_key=True),
        sa.Column("d", sa.Double, nullable=False),
        sa.Column("n", sa.BigInteger, nullable=False),
        **MYSQL_TABLE,
    )
    op.create_table(
        "motivekit_skill_bands",
        sa.Column("user_id", sa.String(200), primary_key=True),
        sa.Column("track", sa.String(200), primary_key=True),
        sa.Column("low", sa.Double, nullable=False),
        sa.Column("high", sa.Double, nullable=False),
        sa.Column("target", sa.Double, nullable=False),
        sa.Column("updated_at", sa.BigInteger, nullable=False),
        **MYSQL_TABLE,
    )
    op.add_column("motivekit_replays", sa.Column("mastery_seq", sa.BigInteger, nullable=True))


def downgrade() -> None:
    # Batch mode: SQLite before 3.35 cannot drop a column in place.
    with op.batch_alter_table("motivekit_replays") as batch:
        batch.drop_column("mastery_seq")
    op.drop_table("motivekit_skill_bands")
    op.drop_table("motivekit_skill_items")
    op.drop_table("motivekit_skills")
