"""Replays: the progress of rebuilding projections under a rules version (resumable).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from motivekit.store.sql._types import MYSQL_TABLE

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "motivekit_replays",
        sa.Column("version", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("cursor", sa.String(200), nullable=True),
        sa.Column("people_done", sa.BigInteger, nullable=False),
        sa.Column("started_at", sa.BigInteger, nullable=False),
        sa.Column("finished_at", sa.BigInteger, nullable=True),
        **MYSQL_TABLE,
    )


def downgrade() -> None:
    op.drop_table("motivekit_replays")
