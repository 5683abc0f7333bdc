"""What impact holds about one person, as JSON-ready dicts (``kit.privacy.export``).

Other people appear only as the person's own stories show them: a beneficiary who chose to
stay anonymous, or was forgotten, is "someone"; the people credited for help the person
received are not named (their own feeds hold that); the people they brought in are not
listed (those referrals come from the newcomers' events, and the help their work did
shows in the person's ``referral`` stories).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from motivekit._time import format_instant
from motivekit.impact._service import feed_entry, namer
from motivekit.impact._spec import ImpactSpec
from motivekit.store._protocol import FeedGroup, ImpactItem, ImpactPrefs, ImpactSession

__all__ = ["export_impact"]

_PAGE = 512
_ITEMS = 2048  # more than one event's items (at most 1024), so a page ends on a whole event


def export_impact(
    session: ImpactSession, user: str, spec: ImpactSpec, now: datetime
) -> dict[str, Any]:
    """Everything impact holds about ``user``: their choices, referrer, identity link,
    contributions, feed (newest first, each entry with its items), the help they
    received and their parts in missions."""
    prefs = session.impact_prefs([user]).get(user)
    groups = _feed(session, user)
    items = _items(session, user)
    shown = namer(
        session, [*(n for g in groups for n in g.names), *(i.beneficiary for i in items)], None
    )
    by_group: dict[int, list[ImpactItem]] = {}
    for item in items:
        by_group.setdefault(item.position, []).append(item)
    titles = {m.id: m.title for m in spec.missions}
    helped = sorted({(i.seq, i.root, i.at) for i in session.beneficiary_items(user)})
    shown_prefs = prefs or ImpactPrefs(user)
    return {
        "preferences": {
            "chosen": prefs is not None,
            "visibility": shown_prefs.visibility,
            "digest": shown_prefs.digest,
            "digest_seq": shown_prefs.digest_seq,
            "digest_at": _instant(shown_prefs.digest_at),
        },
        "referred_by": session.referrers([user]).get(user),
        "identity_group": session.identity_groups([user]).get(user),
        "contributions": [
            {
                "id": c.id,
                "kind": c.kind,
                "noun": c.noun,
                "builds_on": list(c.parents),
                "seq": c.seq,
                "at": format_instant(c.at),
            }
            for c in session.owned_contributions(user)
        ],
        "feed": [_entry(g, by_group.get(g.position, []), shown, now) for g in groups],
        "help_received": [
            {"seq": seq, "at": format_instant(at), "contribution": root} for seq, root, at in helped
        ],
        "missions": [
            {"mission": mission, "title": titles.get(mission), "part": part}
            for mission, part in sorted(session.user_mission_parts(user).items())
        ],
    }


def _feed(session: ImpactSession, user: str) -> list[FeedGroup]:
    out: list[FeedGroup] = []
    before = None
    while True:
        page = session.feed_page(user, before, _PAGE)
        out += page
        if len(page) < _PAGE:
            return out
        before = page[-1].position


def _items(session: ImpactSession, user: str) -> list[ImpactItem]:
    out: list[ImpactItem] = []
    after = 0
    while True:
        page = session.recipient_items(user, after, _ITEMS)
        if len(page) < _ITEMS:
            return out + page
        last = page[-1].seq  # its items may go on in the next page: read them whole then
        whole = [i for i in page if i.seq != last]
        out += whole
        after = whole[-1].seq


def _entry(
    group: FeedGroup, items: list[ImpactItem], shown: Callable[[str | None], str], now: datetime
) -> dict[str, Any]:
    entry = feed_entry(group, shown, now)
    return {
        "id": entry.id,
        "kind": entry.kind,
        "story": entry.story,
        "people": entry.people,
        "items": entry.items,
        "beneficiaries": list(entry.beneficiaries),
        "contribution": entry.contribution,
        "noun": entry.noun,
        "week": entry.week.isoformat(),
        "first_at": format_instant(entry.first_at),
        "last_at": format_instant(entry.last_at),
        "depth": entry.depth,
        "credits": [
            {
                "seq": i.seq,
                "n": i.n,
                "at": format_instant(i.at),
                "beneficiary": shown(i.beneficiary),
                "root": i.root,
                "contribution": i.node,
                "depth": i.depth,
                "share": i.share,
            }
            for i in items
        ],
    }


def _instant(value: datetime | None) -> str | None:
    return None if value is None else format_instant(value)
