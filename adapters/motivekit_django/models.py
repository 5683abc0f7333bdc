"""motivekit's tables as Django models: the same tables, columns, keys and indexes as the
SQL store's schema (``motivekit/store/sql/_schema.py``), created by this app's migrations.

Every primary key starts with ``tenant`` (a composite primary key), and so does every
unique constraint and lookup index, so a table can be distributed by tenant (Citus)
unchanged. Instants are microseconds since the epoch (UTC) and tuples compact JSON lists,
as in the SQL store. The rows are written only by :class:`motivekit_django.DjangoStore`;
the admin shows them read-only (``admin.py``), through the ``*Row`` views at the end of
this module (Django's admin cannot show a model with a composite primary key).
"""

from __future__ import annotations

from typing import Any

from django.db import models

from motivekit_django.fields import HashField, IdField, LongTextField

__all__ = [
    "Checkpoint",
    "CheckpointRow",
    "Consent",
    "Contribution",
    "Entry",
    "EntryRow",
    "FeedEntry",
    "Forgotten",
    "Goal",
    "GoalRow",
    "GoalDay",
    "IdentityGroup",
    "ImpactItem",
    "ImpactItemRow",
    "ImpactPrefs",
    "LogHead",
    "Mission",
    "MissionPart",
    "Referral",
    "Replay",
    "Skill",
    "SkillRow",
    "SkillBand",
    "SkillItem",
    "TreeTile",
]

TENANT_LENGTH = 64
"""The longest tenant name (as in the SQL store)."""


def _tenant() -> IdField:
    """Whose row it is: the first column of every table and of its primary key."""
    return IdField(max_length=TENANT_LENGTH, default="")


def _id(length: int = 200, **kwargs: Any) -> IdField:
    return IdField(max_length=length, **kwargs)


def _text(**kwargs: Any) -> LongTextField:
    return LongTextField(**kwargs)


class Entry(models.Model):
    """A journal entry: its canonical leaf bytes, and its personal part unless erased."""

    tenant = _tenant()
    seq = models.BigIntegerField()
    type = _id(16)
    name = _id(128)
    event_id = _id(null=True)
    recorded_at = models.BigIntegerField()
    entry = models.BinaryField()
    leaf_hash = HashField()
    subject = _id(null=True)
    personal = models.BinaryField(null=True)
    pk = models.CompositePrimaryKey("tenant", "seq")

    class Meta:
        app_label = "motivekit"
        db_table = "motivekit_journal"
        verbose_name = "journal entry"
        verbose_name_plural = "journal entries"
        constraints = (
            models.UniqueConstraint(
                fields=["tenant", "event_id"], name="motivekit_journal_event_id_key"
            ),
        )
        indexes = (models.Index(fields=["tenant", "subject"], name="mk_journal_subject"),)


class LogHead(models.Model):
    """A tenant's log head: its size and Merkle frontier. Every write locks it first."""

    tenant = _tenant()
    number = models.IntegerField(db_column="id")
    size = models.BigIntegerField()
    frontier = models.BinaryField()
    pk = models.CompositePrimaryKey("tenant", "number")

    class Meta:
        app_label = "motivekit"
        db_table = "motivekit_log_head"


class TreeTile(models.Model):
    """A stored Merkle node (levels that are multiples of 8)."""

    tenant = _tenant()
    level = models.IntegerField()
    idx = models.BigIntegerField()
    hash = HashField()
    pk = models.CompositePrimaryKey("tenant", "level", "idx")

    class Meta:
        app_label = "motivekit"
        db_table = "motivekit_tree_tiles"


class Checkpoint(models.Model):
    """A signed checkpoint of the audit log (a C2SP signed note)."""

    tenant = _tenant()
    size = models.BigIntegerField()
    note = _text()
    created_at = models.BigIntegerField()
    pk = models.CompositePrimaryKey("tenant", "size")

    class Meta:
        app_label = "motivekit"
        db_table = "motivekit_checkpoints"


class Goal(models.Model):
    """A person's goal: what it counts, its status and its running total."""

    tenant = _tenant()
    goal_id = _id(64, db_column="id")
    owner = _id()
    status = _id(16)
    event_kind = _id(128)
    title = _text()
    measure = _text()
    why = _text(null=True)
    plan = _text(null=True)
    visibility = _id(16)
    tz = _id(64)
    template_id = _id(null=True)
    created_at = models.BigIntegerField()
    updated_at = models.BigIntegerField()
    total = models.BigIntegerField()
    created_seq = models.BigIntegerField()
    pk = models.CompositePrimaryKey("tenant", "goal_id")

    class Meta:
        app_label = "motivekit"
        db_table = "motivekit_goals"
        indexes = (
            models.Index(fields=["tenant", "owner", "status", "event_kind"], name="mk_goals_watch"),
        )


class GoalDay(models.Model):
    """How many counted events a goal had on one local day."""

    tenant = _tenant()
    goal_id = _id(64)
    day = models.DateField()
    count = models.BigIntegerField()
    pk = models.CompositePrimaryKey("tenant", "goal_id", "day")

    class Meta:
        app_label = "motivekit"
        db_table = "motivekit_goal_days"


class Consent(models.Model):
    """One person's choice for one mechanic."""

    tenant = _tenant()
    user_id = _id()
    mechanic = _id(32)
    enabled = models.BooleanField()
    updated_at = models.BigIntegerField()
    pk = models.CompositePrimaryKey("tenant", "user_id", "mechanic")

    class Meta:
        app_label = "motivekit"
        db_table = "motivekit_consents"


class Replay(models.Model):
    """How far rebuilding the projections under one rules version has come."""

    tenant = _tenant()
    version = models.BigIntegerField()
    cursor = _id(null=True)
    people_done = models.BigIntegerField()
    started_at = models.BigIntegerField()
    finished_at = models.BigIntegerField(null=True)
    mastery_seq = models.BigIntegerField(null=True)
    pk = models.CompositePrimaryKey("tenant", "version")

    class Meta:
        app_label = "motivekit"
        db_table = "motivekit_replays"


# Floats are FloatField: 8-byte IEEE on every database, so a stored estimate reads back
# exactly equal to the one computed.
class Skill(models.Model):
    """One person's state on one skill track."""

    tenant = _tenant()
    user_id = _id()
    track = _id()
    evidence = models.BigIntegerField()
    successes = models.FloatField()
    theta = models.FloatField()
    p_known = models.FloatField()
    at_difficulty = models.BigIntegerField()
    last_at = models.BigIntegerField(null=True)
    recent = _text()
    seq = models.BigIntegerField()
    level = _id(null=True)
    pk = models.CompositePrimaryKey("tenant", "user_id", "track")

    class Meta:
        app_label = "motivekit"
        db_table = "motivekit_skills"


class SkillItem(models.Model):
    """An item's learned difficulty on a track."""

    tenant = _tenant()
    track = _id()
    item = _id()
    d = models.FloatField()
    n = models.BigIntegerField()
    pk = models.CompositePrimaryKey("tenant", "track", "item")

    class Meta:
        app_label = "motivekit"
        db_table = "motivekit_skill_items"


class SkillBand(models.Model):
    """A person's own challenge band on one track."""

    tenant = _tenant()
    user_id = _id()
    track = _id()
    low = models.FloatField()
    high = models.FloatField()
    target = models.FloatField()
    updated_at = models.BigIntegerField()
    pk = models.CompositePrimaryKey("tenant", "user_id", "track")

    class Meta:
        app_label = "motivekit"
        db_table = "motivekit_skill_bands"


class Contribution(models.Model):
    """A contribution (an answer, a fix) and what it builds on."""

    tenant = _tenant()
    contribution_id = _id(db_column="id")
    owner = _id(null=True)
    kind = _id(128)
    noun = _id()
    parents = _text()
    seq = models.BigIntegerField()
    at = models.BigIntegerField()
    pk = models.CompositePrimaryKey("tenant", "contribution_id")

    class Meta:
        app_label = "motivekit"
        db_table = "motivekit_impact_contributions"
        indexes = (models.Index(fields=["tenant", "owner"], name="mk_contributions_owner"),)


class Referral(models.Model):
    """Who brought a person in."""

    tenant = _tenant()
    user_id = _id()
    referrer = _id()
    pk = models.CompositePrimaryKey("tenant", "user_id")

    class Meta:
        app_label = "motivekit"
        db_table = "motivekit_impact_referrals"
        indexes = (models.Index(fields=["tenant", "referrer"], name="mk_referrals_referrer"),)


class Forgotten(models.Model):
    """What is kept of a forgotten person: the digest of their id, never the id."""

    tenant = _tenant()
    digest = HashField()
    pk = models.CompositePrimaryKey("tenant", "digest")

    class Meta:
        app_label = "motivekit"
        db_table = "motivekit_forgotten"


class IdentityGroup(models.Model):
    """The linked-identity group the host put a person in."""

    tenant = _tenant()
    user_id = _id()
    group_id = _id()
    pk = models.CompositePrimaryKey("tenant", "user_id")

    class Meta:
        app_label = "motivekit"
        db_table = "motivekit_identity_groups"
        indexes = (
            models.Index(fields=["tenant", "group_id", "user_id"], name="mk_identity_groups_group"),
        )


class FeedEntry(models.Model):
    """One entry of a person's impact feed; a page is one range scan of the key."""

    tenant = _tenant()
    recipient = _id()
    position = models.BigIntegerField()
    group_key = _id(300)
    kind = _id(16)
    contribution = _id(null=True)
    noun = _id()
    story = _text(null=True)
    week = models.DateField()
    items = models.BigIntegerField()
    people = models.BigIntegerField()
    names = _text()
    first_at = models.BigIntegerField()
    last_at = models.BigIntegerField()
    last_seq = models.BigIntegerField()
    depth = models.IntegerField()
    pk = models.CompositePrimaryKey("tenant", "recipient", "position")

    class Meta:
        app_label = "motivekit"
        db_table = "motivekit_impact_feed"
        verbose_name_plural = "feed entries"
        constraints = (
            models.UniqueConstraint(
                fields=["tenant", "recipient", "group_key"], name="motivekit_impact_feed_key"
            ),
        )


class ImpactItem(models.Model):
    """One person credited for one beneficiary event."""

    tenant = _tenant()
    seq = models.BigIntegerField()
    n = models.IntegerField()
    recipient = _id()
    position = models.BigIntegerField()
    root = _id()
    node = _id(null=True)
    beneficiary = _id(null=True)
    depth = models.IntegerField()
    share = models.FloatField()
    at = models.BigIntegerField()
    pk = models.CompositePrimaryKey("tenant", "seq", "n")

    class Meta:
        app_label = "motivekit"
        db_table = "motivekit_impact_items"
        indexes = (
            models.Index(
                fields=["tenant", "recipient", "position", "beneficiary"], name="mk_items_group"
            ),
            models.Index(fields=["tenant", "recipient", "seq", "n"], name="mk_items_recipient"),
            models.Index(fields=["tenant", "beneficiary"], name="mk_items_beneficiary"),
        )


class ImpactPrefs(models.Model):
    """One person's own choices about impact stories."""

    tenant = _tenant()
    user_id = _id()
    visibility = _id(16)
    digest = _id(16, null=True)
    digest_seq = models.BigIntegerField()
    digest_at = models.BigIntegerField(null=True)
    pk = models.CompositePrimaryKey("tenant", "user_id")

    class Meta:
        app_label = "motivekit"
        db_table = "motivekit_impact_prefs"
        verbose_name_plural = "impact prefs"


class Mission(models.Model):
    """A collective mission's progress."""

    tenant = _tenant()
    mission_id = _id(db_column="id")
    total = models.BigIntegerField()
    announced = _text()
    pk = models.CompositePrimaryKey("tenant", "mission_id")

    class Meta:
        app_label = "motivekit"
        db_table = "motivekit_missions"


class MissionPart(models.Model):
    """One person's count in one mission."""

    tenant = _tenant()
    mission = _id()
    user_id = _id()
    count = models.BigIntegerField()
    pk = models.CompositePrimaryKey("tenant", "mission", "user_id")

    class Meta:
        app_label = "motivekit"
        db_table = "motivekit_mission_parts"
        indexes = (models.Index(fields=["tenant", "user_id"], name="mk_mission_parts_user"),)


# -- what the admin shows -------------------------------------------------------------
# Django's admin cannot show a model with a composite primary key (5.2, 6.x), so it shows
# these read-only database views instead (migration 0002): one row per row of the table
# underneath, with its key as one ``key`` column (a JSON array of the key's values, unique
# and unambiguous whatever the ids contain). They are not managed: migrations never make
# tables for them, and nothing writes to them.


class _AdminView(models.Model):
    # A view's column: no table is made for it, and nothing checks its length on reading
    # (a key may be longer); 255 keeps MariaDB's system check on key lengths quiet.
    key = models.CharField(max_length=255, primary_key=True, editable=False)
    tenant = models.CharField(max_length=TENANT_LENGTH)

    class Meta:
        abstract = True


class EntryRow(_AdminView):
    """A journal entry, as the admin shows it (``motivekit_admin_journal``)."""

    seq = models.BigIntegerField()
    type = models.CharField(max_length=16)
    name = models.CharField(max_length=128)
    event_id = models.CharField(max_length=200, null=True)
    recorded_at = models.BigIntegerField()
    entry = models.BinaryField()
    leaf_hash = models.BinaryField()
    subject = models.CharField(max_length=200, null=True)

    class Meta:
        app_label = "motivekit"
        managed = False
        db_table = "motivekit_admin_journal"
        verbose_name = "journal entry"
        verbose_name_plural = "journal"


class GoalRow(_AdminView):
    """A goal, as the admin shows it (``motivekit_admin_goals``)."""

    goal_id = models.CharField(max_length=64, db_column="id")
    owner = models.CharField(max_length=200)
    status = models.CharField(max_length=16)
    event_kind = models.CharField(max_length=128)
    title = models.TextField()
    visibility = models.CharField(max_length=16)
    total = models.BigIntegerField()
    created_at = models.BigIntegerField()
    updated_at = models.BigIntegerField()

    class Meta:
        app_label = "motivekit"
        managed = False
        db_table = "motivekit_admin_goals"
        verbose_name = "goal"


class SkillRow(_AdminView):
    """A skill state, as the admin shows it (``motivekit_admin_skills``)."""

    user_id = models.CharField(max_length=200)
    track = models.CharField(max_length=200)
    evidence = models.BigIntegerField()
    theta = models.FloatField()
    p_known = models.FloatField()
    level = models.CharField(max_length=200, null=True)
    last_at = models.BigIntegerField(null=True)

    class Meta:
        app_label = "motivekit"
        managed = False
        db_table = "motivekit_admin_skills"
        verbose_name = "skill"


class ImpactItemRow(_AdminView):
    """An impact item, as the admin shows it (``motivekit_admin_impact``)."""

    seq = models.BigIntegerField()
    n = models.IntegerField()
    recipient = models.CharField(max_length=200)
    root = models.CharField(max_length=200)
    node = models.CharField(max_length=200, null=True)
    beneficiary = models.CharField(max_length=200, null=True)
    depth = models.IntegerField()
    share = models.FloatField()
    at = models.BigIntegerField()

    class Meta:
        app_label = "motivekit"
        managed = False
        db_table = "motivekit_admin_impact"
        verbose_name = "impact item"


class CheckpointRow(_AdminView):
    """A signed checkpoint, as the admin shows it (``motivekit_admin_checkpoints``)."""

    size = models.BigIntegerField()
    note = models.TextField()
    created_at = models.BigIntegerField()

    class Meta:
        app_label = "motivekit"
        managed = False
        db_table = "motivekit_admin_checkpoints"
        verbose_name = "checkpoint"
