"""Every statement the SQL session runs, built once per dialect.

Building and cache-keying a Core statement costs more than SQLite takes to run it, so the
session never builds one per call: :func:`statements` builds the whole set the first time
a dialect is used and keeps it. What differs between databases (the upserts, insert-or-
ignore, batched multi-column key lookups) comes from the dialect module; everything else
is plain Core and renders the same SQL everywhere.

Batched lookups bind their keys as one JSON array (``:ids``, the dialect's ``json_rows``),
so their SQL is the same for any number of keys and is compiled once; the few lookups off
the record path that still take an IN-list (``:ids`` expanding) are sliced by the session.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from motivekit.goals._model import GoalStatus
from motivekit.store.sql._building import (
    TID,
    data,
    in_keys,
    insert,
    insert_ignore,
    join_keys,
    mine,
    sorted_apart,
    upsert,
)
from motivekit.store.sql._rows import (
    CONTRIBUTION_COLUMNS,
    ENTRY_COLUMNS,
    FEED_COLUMNS,
    IDENTITY_COLUMNS,
    IMPACT_ITEM_COLUMNS,
    ITEM_COLUMNS,
    MISSION_COLUMNS,
    PART_COLUMNS,
    REFERRAL_COLUMNS,
    SKILL_COLUMNS,
)
from motivekit.store.sql._schema import (
    checkpoints,
    consents,
    forgotten,
    goal_days,
    goals,
    identity_groups,
    impact_contributions,
    impact_feed,
    impact_items,
    impact_prefs,
    impact_referrals,
    journal,
    log_head,
    mission_parts,
    missions,
    replays,
    skill_bands,
    skill_items,
    skills,
    tree_tiles,
)
from motivekit.store.sql.dialects import TENANT, Dialect

__all__ = ["TENANT", "Statements", "statements"]

_BUILT: dict[str, Statements] = {}


def statements(dialect: Dialect) -> Statements:
    """The statements for ``dialect``, built on first use (building them twice in a race
    is harmless: both sets are the same)."""
    built = _BUILT.get(dialect.name)
    if built is None:
        built = _BUILT[dialect.name] = Statements(dialect)
    return built


class Statements:
    """The session's statements for one dialect, one attribute each, grouped by slice."""

    def __init__(self, d: Dialect) -> None:
        self.dialect = d
        """The dialect they were built for (the session asks it about driver errors)."""
        self._journal(d)
        self._goals(d)
        self._consent(d)
        self._skills(d)
        self._impact(d)

    def _journal(self, d: Dialect) -> None:
        self.known_events = sa.select(journal.c.event_id, journal.c.seq).where(
            mine(journal), d.among_keys(journal.c.event_id)
        )
        self.head = sa.select(log_head.c.size, log_head.c.frontier).where(
            mine(log_head), log_head.c.id == 1
        )
        self.head_size = sa.select(log_head.c.size).where(mine(log_head), log_head.c.id == 1)
        self.create_head = insert_ignore(
            d, log_head, [log_head.c.id], columns=("id", "size", "frontier")
        )
        self.advance_head = (
            log_head.update()
            .where(
                mine(log_head),
                log_head.c.id == 1,
                log_head.c.size == sa.bindparam("old", type_=sa.BigInteger),
            )
            .values(
                size=sa.bindparam("new", type_=sa.BigInteger),
                frontier=sa.bindparam("frontier", type_=sa.LargeBinary),
            )
        )
        self.insert_entry = (
            journal.insert().values({c: sa.bindparam(c) for c in ENTRY_COLUMNS}).values(tenant=TID)
        )
        self.insert_tile = (
            tree_tiles.insert()
            .values({c: sa.bindparam(c) for c in ("level", "idx", "hash")})
            .values(tenant=TID)
        )
        self.leaf_hashes = (
            sa.select(journal.c.leaf_hash)
            .where(
                mine(journal),
                journal.c.seq > sa.bindparam("start"),
                journal.c.seq <= sa.bindparam("end"),
            )
            .order_by(journal.c.seq)
        )
        self.tile_hashes = (
            sa.select(tree_tiles.c.hash)
            .where(
                mine(tree_tiles),
                tree_tiles.c.level == sa.bindparam("level"),
                tree_tiles.c.idx >= sa.bindparam("start"),
                tree_tiles.c.idx < sa.bindparam("end"),
            )
            .order_by(tree_tiles.c.idx)
        )
        self.entries_after = (
            sa.select(*data(journal))
            .where(mine(journal), journal.c.seq > sa.bindparam("after"))
            .order_by(journal.c.seq)
            .limit(sa.bindparam("limit"))
        )
        self.scan = (
            sa.select(journal.c.seq, journal.c.entry, journal.c.leaf_hash, journal.c.personal)
            .where(mine(journal), journal.c.seq > sa.bindparam("after"))
            .order_by(journal.c.seq)
            .limit(sa.bindparam("limit"))
        )
        self.last_entries = (
            sa.select(*data(journal))
            .where(mine(journal))
            .order_by(journal.c.seq.desc())
            .limit(sa.bindparam("limit"))
        )
        self.erase_personal = (
            journal.update()
            .where(mine(journal), journal.c.subject == sa.bindparam("b_subject"))
            .values(subject=None, personal=None)
        )
        subjects = (
            sa.select(journal.c.subject)
            .where(mine(journal), journal.c.subject.is_not(None))
            .distinct()
        )
        self.subjects_first = subjects.order_by(journal.c.subject).limit(sa.bindparam("limit"))
        self.subjects_after = (
            subjects.where(journal.c.subject > sa.bindparam("after"))
            .order_by(journal.c.subject)
            .limit(sa.bindparam("limit"))
        )
        self.subject_entries = (
            sa.select(*data(journal))
            .where(mine(journal), journal.c.subject == sa.bindparam("subject"))
            .order_by(sorted_apart(d, journal.c.seq))
        )
        self.last_replay = (
            sa.select(*data(replays))
            .where(mine(replays))
            .order_by(replays.c.version.desc())
            .limit(1)
        )
        self.update_replay = replays.update().where(
            mine(replays), replays.c.version == sa.bindparam("b_version")
        )
        self.insert_replay = insert(replays)
        self.delete_checkpoint = checkpoints.delete().where(
            mine(checkpoints), checkpoints.c.size == sa.bindparam("size")
        )
        self.insert_checkpoint = insert(checkpoints)
        self.checkpoints = (
            sa.select(*data(checkpoints)).where(mine(checkpoints)).order_by(checkpoints.c.size)
        )

    def _goals(self, d: Dialect) -> None:
        self.goal = sa.select(*data(goals)).where(mine(goals), goals.c.id == sa.bindparam("goal"))
        # What counting reads (goals.Watched): parsed for every goal a batch can move.
        self.active_goals = sa.select(
            goals.c.id,
            goals.c.owner,
            goals.c.measure,
            goals.c.tz,
            goals.c.created_at,
            goals.c.total,
        ).where(
            mine(goals),
            in_keys(d, goals.c.owner),
            goals.c.status == GoalStatus.ACTIVE.value,
            in_keys(d, goals.c.event_kind, name="kinds"),
        )
        # Every goal a batch moved, in one statement: ``total = total + n`` computed on
        # the locked row (UPDATE ... FROM the (goal, n) pairs bound as one JSON array).
        pairs = d.json_rows(["text", "integer"])
        added: sa.FromClause = pairs
        if d.name == "sqlite":
            # SQLite may put the pairs in the inner loop of an UPDATE ... FROM (reading
            # every pair for every goal of the tenant); materialized first (a copy of the
            # json_each rows), they are the outer loop and each goal is one search of its
            # key.
            added = pairs.element.cte("json_each_keys").prefix_with("MATERIALIZED")
        self.add_totals = (
            goals.update()
            .where(mine(goals), goals.c.id == added.c.k1)
            .values(total=goals.c.total + added.c.k2)
        )
        self.add_day = upsert(
            d,
            goal_days,
            [goal_days.c.goal_id, goal_days.c.day],
            columns=("goal_id", "day", "count"),
            add=("count",),
        )
        # Where the dialect does it faster: every (goal, day, n) of a batch in one statement.
        days = d.json_rows(["text", "date", "integer"])
        self.add_days = d.upsert(
            goal_days,
            [goal_days.c.tenant, goal_days.c.goal_id, goal_days.c.day],
            columns=("tenant", "goal_id", "day", "count"),
            add=("count",),
            # WHERE: SQLite reads ON after a FROM as a join's ON otherwise.
            rows=sa.select(TID, days.c.k1, days.c.k2, days.c.k3).where(sa.true()),
        )
        self.day_counts = sa.select(goal_days.c.goal_id, goal_days.c.day, goal_days.c.count).where(
            mine(goal_days),
            in_keys(d, goal_days.c.goal_id),
            goal_days.c.day >= sa.bindparam("start", type_=sa.Date),
            goal_days.c.day < sa.bindparam("end", type_=sa.Date),
        )
        self.goal_days = sa.select(goal_days.c.goal_id, goal_days.c.day, goal_days.c.count).where(
            mine(goal_days), in_keys(d, goal_days.c.goal_id), goal_days.c.count != 0
        )
        by_creation = sa.select(*data(goals)).where(mine(goals)).order_by(goals.c.created_seq)
        self.all_goals = by_creation
        self.owner_goals = by_creation.where(goals.c.owner == sa.bindparam("owner"))
        self.goals_by_status = by_creation.where(goals.c.status == sa.bindparam("status"))
        self.owner_goals_by_status = self.owner_goals.where(
            goals.c.status == sa.bindparam("status")
        )
        self.update_goal = goals.update().where(mine(goals), goals.c.id == sa.bindparam("b_id"))
        self.insert_goal = insert(goals)
        self.delete_goal_days = goal_days.delete().where(
            mine(goal_days),
            goal_days.c.goal_id.in_(
                sa.select(goals.c.id)
                .where(mine(goals), goals.c.owner == sa.bindparam("owner"))
                .scalar_subquery()
            ),
        )
        self.delete_goals = goals.delete().where(
            mine(goals), goals.c.owner == sa.bindparam("owner")
        )

    def _consent(self, d: Dialect) -> None:
        choices = sa.select(consents.c.user_id, consents.c.mechanic, consents.c.enabled)
        self.consents = choices.where(mine(consents), in_keys(d, consents.c.user_id))
        self.delete_consents = consents.delete().where(
            mine(consents), consents.c.user_id == sa.bindparam("user")
        )
        self.delete_consent = consents.delete().where(
            mine(consents),
            consents.c.user_id == sa.bindparam("user"),
            consents.c.mechanic == sa.bindparam("mechanic"),
        )
        self.insert_consent = insert(consents)

    def _skills(self, d: Dialect) -> None:
        # (user, track) and (track, item) keys go in as arrays of the JSON array
        self.skills = join_keys(
            d, sa.select(*data(skills)), [(skills.c.user_id, "text"), (skills.c.track, "text")]
        )
        self.user_skills = (
            sa.select(*data(skills))
            .where(mine(skills), skills.c.user_id == sa.bindparam("user"))
            .order_by(skills.c.track)
        )
        page = (
            sa.select(*data(skills)).where(mine(skills)).order_by(skills.c.user_id, skills.c.track)
        )
        self.skills_first = page.limit(sa.bindparam("limit"))
        after_user: sa.BindParameter[Any] = sa.bindparam("user")
        self.skills_after = page.where(
            sa.or_(
                skills.c.user_id > after_user,
                sa.and_(skills.c.user_id == after_user, skills.c.track > sa.bindparam("track")),
            )
        ).limit(sa.bindparam("limit"))
        self.save_skills = upsert(
            d,
            skills,
            [skills.c.user_id, skills.c.track],
            columns=SKILL_COLUMNS,
            replace=SKILL_COLUMNS[2:],
        )
        self.skill_items = join_keys(
            d,
            sa.select(*data(skill_items)),
            [(skill_items.c.track, "text"), (skill_items.c.item, "text")],
        )
        self.save_skill_items = upsert(
            d,
            skill_items,
            [skill_items.c.track, skill_items.c.item],
            columns=ITEM_COLUMNS,
            replace=("d", "n"),
        )
        self.skill_bands = join_keys(
            d,
            sa.select(*data(skill_bands)),
            [(skill_bands.c.user_id, "text"), (skill_bands.c.track, "text")],
        )
        self.delete_skill_band = skill_bands.delete().where(
            mine(skill_bands),
            skill_bands.c.user_id == sa.bindparam("user"),
            skill_bands.c.track == sa.bindparam("track"),
        )
        self.insert_skill_band = insert(skill_bands)
        self.user_bands = (
            sa.select(
                skill_bands.c.track, skill_bands.c.low, skill_bands.c.high, skill_bands.c.target
            )
            .where(mine(skill_bands), skill_bands.c.user_id == sa.bindparam("user"))
            .order_by(skill_bands.c.track)
        )
        self.delete_user_bands = skill_bands.delete().where(
            mine(skill_bands), skill_bands.c.user_id == sa.bindparam("user")
        )
        self.delete_user_skills = skills.delete().where(
            mine(skills), skills.c.user_id == sa.bindparam("user")
        )
        self.clear_mastery = (
            skills.delete().where(mine(skills)),
            skill_items.delete().where(mine(skill_items)),
        )

    def _impact(self, d: Dialect) -> None:
        # (recipient, key), (recipient, position, beneficiary) and (mission, user) keys are
        # are joined to the JSON array of keys
        user: sa.BindParameter[Any] = sa.bindparam("user")
        contributions = impact_contributions
        # With each contribution, its owner's referrer (NULL: none): the walk up the graph
        # needs both for every level, so a level costs one read, not two.
        self.contributions = (
            sa.select(*data(contributions), impact_referrals.c.referrer)
            .select_from(
                contributions.outerjoin(
                    impact_referrals,
                    sa.and_(
                        impact_referrals.c.tenant == contributions.c.tenant,
                        impact_referrals.c.user_id == contributions.c.owner,
                    ),
                )
            )
            .where(mine(contributions), in_keys(d, contributions.c.id))
        )
        self.add_contributions = insert_ignore(
            d, contributions, [contributions.c.id], CONTRIBUTION_COLUMNS
        )
        self.owned_contributions = (
            sa.select(*data(contributions))
            .where(mine(contributions), contributions.c.owner == user)
            .order_by(contributions.c.seq, contributions.c.id)
        )
        self.referrers = sa.select(impact_referrals.c.user_id, impact_referrals.c.referrer).where(
            mine(impact_referrals), in_keys(d, impact_referrals.c.user_id)
        )
        self.add_referrals = insert_ignore(
            d, impact_referrals, [impact_referrals.c.user_id], REFERRAL_COLUMNS
        )
        self.forgotten = sa.select(forgotten.c.digest).where(
            mine(forgotten), in_keys(d, forgotten.c.digest, "binary")
        )
        self.add_forgotten = insert_ignore(d, forgotten, [forgotten.c.digest], ("digest",))
        # Joined, not IN: SQLite would rather scan the covering group index otherwise.
        self.identity_groups = join_keys(
            d,
            sa.select(identity_groups.c.user_id, identity_groups.c.group_id),
            [(identity_groups.c.user_id, "text")],
        )
        self.identity_members = (
            sa.select(identity_groups.c.user_id)
            .where(mine(identity_groups), identity_groups.c.group_id == sa.bindparam("group"))
            .order_by(identity_groups.c.user_id)
        )
        self.set_identity_groups = upsert(
            d,
            identity_groups,
            [identity_groups.c.user_id],
            columns=IDENTITY_COLUMNS,
            replace=("group_id",),
        )
        feed = impact_feed
        self.feed_groups = join_keys(
            d, sa.select(*data(feed)), [(feed.c.recipient, "text"), (feed.c.group_key, "text")]
        )
        self.save_feed_groups = upsert(
            d,
            feed,
            [feed.c.recipient, feed.c.position],
            columns=FEED_COLUMNS,
            replace=FEED_COLUMNS[2:],
        )
        # One range scan of the primary key, newest first: the cost of a page does not
        # depend on how long the feed is.
        feed_page = (
            sa.select(*data(feed))
            .where(mine(feed), feed.c.recipient == sa.bindparam("recipient"))
            .order_by(feed.c.position.desc())
            .limit(sa.bindparam("limit"))
        )
        self.feed_first = feed_page
        self.feed_before = feed_page.where(feed.c.position < sa.bindparam("before"))
        items = impact_items
        self.add_impact_items = (
            items.insert()
            .values({c: sa.bindparam(c) for c in IMPACT_ITEM_COLUMNS})
            .values(tenant=TID)
        )
        self.seen_beneficiaries = join_keys(
            d,
            sa.select(items.c.recipient, items.c.position, items.c.beneficiary),
            [
                (items.c.recipient, "text"),
                (items.c.position, "integer"),
                (items.c.beneficiary, "text"),
            ],
        )
        self.group_items = (
            sa.select(*data(items))
            .where(
                mine(items),
                items.c.recipient == sa.bindparam("recipient"),
                items.c.position == sa.bindparam("position"),
            )
            .order_by(items.c.seq, items.c.n)
            .limit(sa.bindparam("limit"))
        )
        self.event_items = (
            sa.select(*data(items))
            .where(mine(items), items.c.seq == sa.bindparam("seq"))
            .order_by(items.c.n)
        )
        self.recipient_items = (
            sa.select(*data(items))
            .where(
                mine(items),
                items.c.recipient == sa.bindparam("recipient"),
                items.c.seq > sa.bindparam("after"),
            )
            .order_by(items.c.seq, items.c.n)
            .limit(sa.bindparam("limit"))
        )
        self.beneficiary_items = (
            sa.select(*data(items))
            .where(mine(items), items.c.beneficiary == user)
            .order_by(sorted_apart(d, items.c.seq), sorted_apart(d, items.c.n))
        )
        self.impact_prefs = sa.select(*data(impact_prefs)).where(
            mine(impact_prefs), in_keys(d, impact_prefs.c.user_id)
        )
        self.save_impact_prefs = upsert(
            d,
            impact_prefs,
            [impact_prefs.c.user_id],
            columns=("user_id", "visibility", "digest", "digest_seq", "digest_at"),
            replace=("visibility", "digest", "digest_seq", "digest_at"),
        )
        digest_page = (
            sa.select(*data(impact_prefs))
            .where(mine(impact_prefs), impact_prefs.c.digest.is_not(None))
            .order_by(impact_prefs.c.user_id)
            .limit(sa.bindparam("limit"))
        )
        self.digest_first = digest_page
        self.digest_after = digest_page.where(impact_prefs.c.user_id > sa.bindparam("after"))
        self.missions = sa.select(*data(missions)).where(mine(missions), in_keys(d, missions.c.id))
        self.save_missions = upsert(
            d, missions, [missions.c.id], columns=MISSION_COLUMNS, replace=("total", "announced")
        )
        parts = mission_parts
        self.mission_parts = join_keys(
            d, sa.select(*data(parts)), [(parts.c.mission, "text"), (parts.c.user_id, "text")]
        )
        self.add_mission_parts = upsert(
            d, parts, [parts.c.mission, parts.c.user_id], columns=PART_COLUMNS, add=("count",)
        )
        contributors = (
            sa.select(parts.c.user_id, parts.c.count)
            .where(mine(parts), parts.c.mission == sa.bindparam("mission"))
            .order_by(parts.c.user_id)
            .limit(sa.bindparam("limit"))
        )
        self.contributors_first = contributors
        self.contributors_after = contributors.where(parts.c.user_id > sa.bindparam("after"))
        self.user_mission_parts = (
            sa.select(parts.c.mission, parts.c.count)
            .where(mine(parts), parts.c.user_id == user)
            .order_by(parts.c.mission)
        )
        self.impact_counts = (
            sa.select(items.c.recipient, sa.func.count())
            .where(mine(items))
            .group_by(items.c.recipient)
        )
        # forgetting a person
        self.delete_user_items = items.delete().where(mine(items), items.c.recipient == user)
        self.delete_user_feed = feed.delete().where(mine(feed), feed.c.recipient == user)
        self.named_in_feed = sa.select(feed.c.recipient, feed.c.position, feed.c.names).where(
            mine(feed),
            sa.tuple_(feed.c.recipient, feed.c.position).in_(
                sa.select(items.c.recipient, items.c.position)
                .where(mine(items), items.c.beneficiary == user)
                .distinct()
            ),
        )
        self.set_feed_names = (
            feed.update()
            .where(
                mine(feed),
                feed.c.recipient == sa.bindparam("b_recipient"),
                feed.c.position == sa.bindparam("b_position"),
            )
            .values(names=sa.bindparam("names"))
        )
        self.forget_beneficiary = (
            items.update().where(mine(items), items.c.beneficiary == user).values(beneficiary=None)
        )
        self.forget_owner = (
            contributions.update()
            .where(mine(contributions), contributions.c.owner == user)
            .values(owner=None)
        )
        self.forget_person = (
            impact_referrals.delete().where(
                mine(impact_referrals),
                sa.or_(impact_referrals.c.user_id == user, impact_referrals.c.referrer == user),
            ),
            identity_groups.delete().where(
                mine(identity_groups), identity_groups.c.user_id == user
            ),
            impact_prefs.delete().where(mine(impact_prefs), impact_prefs.c.user_id == user),
            mission_parts.delete().where(mine(mission_parts), mission_parts.c.user_id == user),
        )
        # what a replay rebuilds
        self.clear_impact = tuple(
            table.delete().where(mine(table))
            for table in (contributions, impact_referrals, feed, items, missions, mission_parts)
        )
