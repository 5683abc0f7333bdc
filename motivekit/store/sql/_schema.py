"""Table definitions used by the SQL store's queries.

Every table starts with ``tenant`` (see :func:`_tenant`). The schema is created and
upgraded by the Alembic migrations shipped in ``motivekit/store/sql/migrations``;
``tests/test_migrations.py`` checks that these definitions and the migrated database
agree.
"""

from __future__ import annotations

import sqlalchemy as sa

from motivekit.store.sql._types import BLOB, HASH, MYSQL_TABLE, TEXT

__all__ = [
    "checkpoints",
    "consents",
    "goal_days",
    "goals",
    "forgotten",
    "identity_groups",
    "impact_contributions",
    "impact_feed",
    "impact_items",
    "impact_prefs",
    "impact_referrals",
    "journal",
    "log_head",
    "metadata",
    "mission_parts",
    "missions",
    "replays",
    "skill_bands",
    "skill_items",
    "skills",
    "tree_tiles",
]

PREFIX = "motivekit_"
VERSION_TABLE = PREFIX + "alembic_version"

TENANT_LENGTH = 64
"""The longest tenant name."""

metadata = sa.MetaData()


def _tenant() -> sa.Column[str]:
    """The first column of every table and of its primary key: whose row it is. Rows from
    before tenants (revision 0005) belong to the default tenant, ``''``. Every primary key,
    unique constraint and lookup index starts with it, so a table can be distributed by
    tenant (Citus) without change (see docs/tenants.md)."""
    return sa.Column("tenant", sa.String(TENANT_LENGTH), primary_key=True, server_default="")


journal = sa.Table(
    PREFIX + "journal",
    metadata,
    _tenant(),
    sa.Column("seq", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("type", sa.String(16), nullable=False),
    sa.Column("name", sa.String(128), nullable=False),
    sa.Column("event_id", sa.String(200), nullable=True),
    sa.Column("recorded_at", sa.BigInteger, nullable=False),
    sa.Column("entry", BLOB, nullable=False),
    sa.Column("leaf_hash", HASH, nullable=False),
    sa.Column("subject", sa.String(200), nullable=True),
    sa.Column("personal", BLOB, nullable=True),
    sa.UniqueConstraint("tenant", "event_id", name=PREFIX + "journal_event_id_key"),
    sa.Index(PREFIX + "journal_subject", "tenant", "subject"),
    **MYSQL_TABLE,
)

log_head = sa.Table(
    PREFIX + "log_head",
    metadata,
    _tenant(),
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("size", sa.BigInteger, nullable=False),
    sa.Column("frontier", BLOB, nullable=False),
    **MYSQL_TABLE,
)

tree_tiles = sa.Table(
    PREFIX + "tree_tiles",
    metadata,
    _tenant(),
    sa.Column("level", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("idx", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("hash", HASH, nullable=False),
    **MYSQL_TABLE,
)

checkpoints = sa.Table(
    PREFIX + "checkpoints",
    metadata,
    _tenant(),
    sa.Column("size", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("note", TEXT, nullable=False),
    sa.Column("created_at", sa.BigInteger, nullable=False),
    **MYSQL_TABLE,
)

goals = sa.Table(
    PREFIX + "goals",
    metadata,
    _tenant(),
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
    sa.Index(PREFIX + "goals_watch", "tenant", "owner", "status", "event_kind"),
    **MYSQL_TABLE,
)

goal_days = sa.Table(
    PREFIX + "goal_days",
    metadata,
    _tenant(),
    sa.Column("goal_id", sa.String(64), primary_key=True),
    sa.Column("day", sa.Date, primary_key=True),
    sa.Column("count", sa.BigInteger, nullable=False),
    **MYSQL_TABLE,
)

consents = sa.Table(
    PREFIX + "consents",
    metadata,
    _tenant(),
    sa.Column("user_id", sa.String(200), primary_key=True),
    sa.Column("mechanic", sa.String(32), primary_key=True),
    sa.Column("enabled", sa.Boolean, nullable=False),
    sa.Column("updated_at", sa.BigInteger, nullable=False),
    **MYSQL_TABLE,
)

replays = sa.Table(
    PREFIX + "replays",
    metadata,
    _tenant(),
    sa.Column("version", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("cursor", sa.String(200), nullable=True),
    sa.Column("people_done", sa.BigInteger, nullable=False),
    sa.Column("started_at", sa.BigInteger, nullable=False),
    sa.Column("finished_at", sa.BigInteger, nullable=True),
    sa.Column("mastery_seq", sa.BigInteger, nullable=True),
    **MYSQL_TABLE,
)

# Floats are sa.Double: 8-byte IEEE everywhere (MariaDB's FLOAT is single precision), so a
# stored estimate reads back exactly equal to the one computed.
skills = sa.Table(
    PREFIX + "skills",
    metadata,
    _tenant(),
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

skill_items = sa.Table(
    PREFIX + "skill_items",
    metadata,
    _tenant(),
    sa.Column("track", sa.String(200), primary_key=True),
    sa.Column("item", sa.String(200), primary_key=True),
    sa.Column("d", sa.Double, nullable=False),
    sa.Column("n", sa.BigInteger, nullable=False),
    **MYSQL_TABLE,
)

skill_bands = sa.Table(
    PREFIX + "skill_bands",
    metadata,
    _tenant(),
    sa.Column("user_id", sa.String(200), primary_key=True),
    sa.Column("track", sa.String(200), primary_key=True),
    sa.Column("low", sa.Double, nullable=False),
    sa.Column("high", sa.Double, nullable=False),
    sa.Column("target", sa.Double, nullable=False),
    sa.Column("updated_at", sa.BigInteger, nullable=False),
    **MYSQL_TABLE,
)

# Impact. Tuples are JSON lists in Text columns (``names`` keeps null for a forgotten
# person); instants are microseconds since the epoch, like everywhere else.
impact_contributions = sa.Table(
    PREFIX + "impact_contributions",
    metadata,
    _tenant(),
    sa.Column("id", sa.String(200), primary_key=True),
    sa.Column("owner", sa.String(200), nullable=True),
    sa.Column("kind", sa.String(128), nullable=False),
    sa.Column("noun", sa.String(200), nullable=False),
    sa.Column("parents", TEXT, nullable=False),
    sa.Column("seq", sa.BigInteger, nullable=False),
    sa.Column("at", sa.BigInteger, nullable=False),
    sa.Index(PREFIX + "impact_contributions_owner", "tenant", "owner"),
    **MYSQL_TABLE,
)

impact_referrals = sa.Table(
    PREFIX + "impact_referrals",
    metadata,
    _tenant(),
    sa.Column("user_id", sa.String(200), primary_key=True),
    sa.Column("referrer", sa.String(200), nullable=False),
    sa.Index(PREFIX + "impact_referrals_referrer", "tenant", "referrer"),
    **MYSQL_TABLE,
)

forgotten = sa.Table(
    PREFIX + "forgotten",
    metadata,
    _tenant(),
    sa.Column("digest", HASH, primary_key=True),
    **MYSQL_TABLE,
)

identity_groups = sa.Table(
    PREFIX + "identity_groups",
    metadata,
    _tenant(),
    sa.Column("user_id", sa.String(200), primary_key=True),
    sa.Column("group_id", sa.String(200), nullable=False),
    sa.Index(PREFIX + "identity_groups_group", "tenant", "group_id", "user_id"),
    **MYSQL_TABLE,
)

# A feed page is one range scan of the primary key: recipient, position descending.
impact_feed = sa.Table(
    PREFIX + "impact_feed",
    metadata,
    _tenant(),
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
    sa.UniqueConstraint("tenant", "recipient", "group_key", name=PREFIX + "impact_feed_key"),
    **MYSQL_TABLE,
)

impact_items = sa.Table(
    PREFIX + "impact_items",
    metadata,
    _tenant(),
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
    sa.Index(PREFIX + "impact_items_group", "tenant", "recipient", "position", "beneficiary"),
    sa.Index(PREFIX + "impact_items_recipient", "tenant", "recipient", "seq", "n"),
    sa.Index(PREFIX + "impact_items_beneficiary", "tenant", "beneficiary"),
    **MYSQL_TABLE,
)

impact_prefs = sa.Table(
    PREFIX + "impact_prefs",
    metadata,
    _tenant(),
    sa.Column("user_id", sa.String(200), primary_key=True),
    sa.Column("visibility", sa.String(16), nullable=False),
    sa.Column("digest", sa.String(16), nullable=True),
    sa.Column("digest_seq", sa.BigInteger, nullable=False),
    sa.Column("digest_at", sa.BigInteger, nullable=True),
    **MYSQL_TABLE,
)

missions = sa.Table(
    PREFIX + "missions",
    metadata,
    _tenant(),
    sa.Column("id", sa.String(200), primary_key=True),
    sa.Column("total", sa.BigInteger, nullable=False),
    sa.Column("announced", TEXT, nullable=False),
    **MYSQL_TABLE,
)

mission_parts = sa.Table(
    PREFIX + "mission_parts",
    metadata,
    _tenant(),
    sa.Column("mission", sa.String(200), primary_key=True),
    sa.Column("user_id", sa.String(200), primary_key=True),
    sa.Column("count", sa.BigInteger, nullable=False),
    sa.Index(PREFIX + "mission_parts_user", "tenant", "user_id"),
    **MYSQL_TABLE,
)
