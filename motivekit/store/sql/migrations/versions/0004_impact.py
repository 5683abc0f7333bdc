"""Impact: contributions and what they build on, referrals, the host's identity links,
people's impact feeds and the items behind them, people's impact choices, and collective
missions with each person's part.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from motivekit.store.sql._types import HASH, MYSQL_TABLE, TEXT

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "motivekit_impact_contributions",
        sa.Column("id", sa.String(200), primary_key=True),
        sa.Column("owner", sa.String(200), nullable=True),
        sa.Column("kind", sa.String(128), nullable=False),
        sa.Column("noun", sa.String(200), nullable=False),
        sa.Column("parents", TEXT, nullable=False),
        sa.Column("seq", sa.BigInteger, nullable=False),
        sa.Column("at", sa.BigInteger, nullable=False),
        **MYSQL_TABLE,
    )
    op.create_index(
        "motivekit_impact_contributions_owner", "motivekit_impact_contributions", ["owner"]
    )
    op.create_table(
        "motivekit_impact_referrals",
        sa.Column("user_id", sa.String(200), primary_key=True),
        sa.Column("referrer", sa.String(200), nullable=False),
        **MYSQL_TABLE,
    )
    op.create_index(
        "motivekit_impact_referrals_referrer", "motivekit_impact_referrals", ["referrer"]
    )
    op.create_table(
        "motivekit_forgotten",
        sa.Column("digest", HASH, primary_key=True),
        **MYSQL_TABLE,
    )
    op.create_table(
        "motivekit_identity_groups",
        sa.Column("user_id", sa.String(200), primary_key=True),
        sa.Column("group_id", sa.String(200), nullable=False),
        **MYSQL_TABLE,
    )
    op.create_index(
        "motivekit_identity_groups_group", "motivekit_identity_groups", ["group_id", "user_id"]
    )
    op.create_table(
        "motivekit_impact_feed",
        sa.Column("recipient", sa.String(200), primary_key=True),
        sa.Column("position", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("group_key", sa.String(300), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("contribution", sa.String(200), nullable=True),
        sa.Column("noun", sa.String(200), nullable=False),
        sa.Column("story", TEXT, nullable=True),
        sa.Column("week", sa.Date, nullable=False),
        sa.Column("items", sa.BigInteger, nullable=False),
        sa.Column("people", sa.BigInteger, nullable=False),
        sa.Column("names", TEXT, nullable=False),
        sa.Column("first_at", sa.BigInteger, nullable=False),
        sa.Column("last_at", sa.BigInteger, nullable=False),
        sa.Column("last_seq", sa.BigInteger, nullable=False),
        sa.Column("depth", sa.Integer, nullable=False),
        sa.UniqueConstraint("recipient", "group_key", name="motivekit_impact_feed_key"),
        **MYSQL_TABLE,
    )
    # sa.Double, not sa.Float: MariaDB's FLOAT is single precision.
    op.create_table(
        "motivekit_impact_items",
        sa.Column("seq", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("n", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("recipient", sa.String(200), nullable=False),
        sa.Column("position", sa.BigInteger, nullable=False),
        sa.Column("root", sa.String(200), nullable=False),
        sa.Column("node", sa.String(200), nullable=True),
        sa.Column("beneficiary", sa.String(200), nullable=True),
        sa.Column("depth", sa.Integer, nullable=False),
        sa.Column("share", sa.Double, nullable=False),
        sa.Column("at", sa.BigInteger, nullable=False),
        **MYSQL_TABLE,
    )
    op.create_index(
        "motivekit_impact_items_group",
        "motivekit_impact_items",
        ["recipient", "position", "beneficiary"],
    )
    op.create_index(
        "motivekit_impact_items_recipient", "motivekit_impact_items", ["recipient", "seq", "n"]
    )
    op.create_index("motivekit_impact_items_beneficiary", "motivekit_impact_items", ["beneficiary"])
    op.create_table(
        "motivekit_impact_prefs",
        sa.Column("user_id", sa.String(200), primary_key=True),
        sa.Column("visibility", sa.String(16), nullable=False),
        sa.Column("digest", sa.String(16), nullable=True),
        sa.Column("digest_seq", sa.BigInteger, nullable=False),
        sa.Column("digest_at", sa.BigInteger, nullable=True),
        **MYSQL_TABLE,
    )
    op.create_table(
        "motivekit_missions",
        sa.Column("id", sa.String(200), primary_key=True),
        sa.Column("total", sa.BigInteger, nullable=False),
        sa.Column("announced", TEXT, nullable=False),
        **MYSQL_TABLE,
    )
    op.create_table(
        "motivekit_mission_parts",
        sa.Column("mission", sa.String(200), primary_key=True),
        sa.Column("user_id", sa.String(200), primary_key=True),
        sa.Column("count", sa.BigInteger, nullable=False),
        **MYSQL_TABLE,
    )
    op.create_index("motivekit_mission_parts_user", "motivekit_mission_parts", ["user_id"])


def downgrade() -> None:
    op.drop_table("motivekit_mission_parts")
    op.drop_table("motivekit_missions")
    op.drop_table("motivekit_impact_prefs")
    op.drop_table("motivekit_impact_items")
    op.drop_table("motivekit_impact_feed")
    op.drop_table("motivekit_identity_groups")
    op.drop_table("motivekit_forgotten")
    op.drop_table("motivekit_impact_referrals")
    op.drop_table("motivekit_impact_contributions")
