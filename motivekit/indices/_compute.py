"""``compute``: the behavioural indices of a period, from journal entries alone."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Mapping
from datetime import datetime
from typing import TYPE_CHECKING

import attrs

from motivekit import InvalidInput, JournalEntry, Rules
from motivekit.indices._fold import IndexFold, PersonCounts
from motivekit.indices._values import (
    Activity,
    Autonomy,
    Challenge,
    GroupIndices,
    Indices,
    Persistence,
    PersonIndices,
    Windows,
)

if TYPE_CHECKING:
    from motivekit import Kit

__all__ = ["compute", "from_kit", "journal_entries"]

DEFAULT_CONSENT = {"goals": True, "impact": True}
"""Who has goals and impact on without a choice of their own: everyone (``Kit.open``'s
defaults)."""
_PAGE = 1000


def _instant(value: object, field: str) -> datetime | None:
    if value is None:
        return None
    if not isinstance(value, datetime) or value.utcoffset() is None:
        raise InvalidInput(
            f"{field} must be a timezone-aware datetime or None, got {value!r}; e.g. "
            f"datetime(2026, 11, 2, tzinfo=timezone.utc)"
        )
    return value


def _names(value: object, field: str) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, Mapping) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        raise InvalidInput(f"{field} must map user ids to group names (strings), got {value!r}")
    return dict(value)


def _missions(rules: Rules | None) -> dict[str, list[tuple[str, int]]]:
    out: dict[str, list[tuple[str, int]]] = {}
    for mission in () if rules is None else rules.design.missions:
        out.setdefault(mission.target.event, []).append((mission.id, mission.target.count))
    return out


def _person(user: str, counts: PersonCounts) -> PersonIndices:
    kinds = {k: Activity(**attrs.asdict(v)) for k, v in sorted(counts.kinds.items())}
    releases = [r for r in counts.releases if r.counted]
    return PersonIndices(
        user,
        _total(kinds.values()),
        kinds,
        Persistence(
            len(releases),
            sum(r.continued for r in releases),
            sum(r.new_goal for r in releases),
        ),
        Challenge(
            counts.bands_up,
            counts.bands_down,
            counts.renegotiations_up,
            counts.renegotiations_down,
        ),
        Autonomy(counts.own, counts.adopted, counts.adjusted),
    )


def _total(kinds: Iterable[Activity]) -> Activity:
    values = list(kinds)
    return Activity(*(sum(getattr(a, f.name) for a in values) for f in attrs.fields(Activity)))


def compute(
    entries: Iterable[JournalEntry],
    *,
    rules: Rules | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    windows: Windows | None = None,
    groups: Mapping[str, str] | None = None,
    people: Collection[str] | None = None,
    kinds: Collection[str] | None = None,
    consent_defaults: Mapping[str, bool] | None = None,
    aims: Mapping[str, float] | None = None,
) -> Indices:
    """The behavioural indices of the period ``[since, until)`` (``docs/measuring.md``).

    ``entries``: the whole journal, oldest first (:func:`journal_entries`), since what
    counted before the period decides what counts in it. ``rules``: the design file whose
    missions count events. ``groups`` maps people to a group (a team, a cohort, a design
    version's arm). ``people``: whom to report (default: everyone with an entry that was
    not erased, so a period without activity shows as zeros). ``kinds``: the event kinds
    that are activity (default: all). ``consent_defaults``: the Kit's defaults for
    ``goals`` and ``impact`` (default: on). ``aims``: each track's default target, to
    tell a band reset harder from easier (default: 0.75).
    """
    start, end = _instant(since, "since"), _instant(until, "until")
    if start is not None and end is not None and end <= start:
        raise InvalidInput(f"until ({end.isoformat()}) must be later than since")
    if windows is not None and not isinstance(windows, Windows):
        raise InvalidInput(f"windows must be a motivekit.indices.Windows, got {windows!r}")
    if rules is not None and not isinstance(rules, Rules):
        raise InvalidInput(f"rules must be loaded Rules (motivekit.load_rules), got {rules!r}")
    membership = _names(groups, "groups")
    fold = IndexFold(
        missions=_missions(rules),
        since=start,
        until=end,
        windows=windows or Windows(),
        kinds=None if kinds is None else set(kinds),
        consent_defaults={**DEFAULT_CONSENT, **(consent_defaults or {})},
        aims=dict(aims or {}),
    )
    for i, entry in enumerate(entries):
        if not isinstance(entry, JournalEntry):
            raise InvalidInput(
                f"entries[{i}] is a {type(entry).__name__}; pass JournalEntry values, e.g. "
                f"motivekit.indices.journal_entries(kit)"
            )
        fold.add(entry)
    wanted = sorted(fold.people if people is None else set(people))
    found = {
        user: _person(user, fold.people[user].counts if user in fold.people else PersonCounts())
        for user in wanted
    }
    by_group: dict[str, list[PersonIndices]] = {}
    for user, value in found.items():
        if user in membership:
            by_group.setdefault(membership[user], []).append(value)
    return Indices(
        start,
        end,
        fold.windows,
        found,
        {g: GroupIndices.of(v) for g, v in sorted(by_group.items())},
        GroupIndices.of(found.values()),
        {u: g for u, g in membership.items() if u in found},
    )


def journal_entries(kit: Kit, *, page: int = _PAGE) -> Iterator[JournalEntry]:
    """Every entry of ``kit``'s journal, oldest first, read a page at a time."""
    after = 0
    while batch := kit.journal.read(after, page):
        yield from batch
        after = batch[-1].seq


def from_kit(
    kit: Kit,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    windows: Windows | None = None,
    groups: Mapping[str, str] | None = None,
    people: Collection[str] | None = None,
    kinds: Collection[str] | None = None,
) -> Indices:
    """:func:`compute` over ``kit``'s journal, with its design file, consent defaults and
    tracks' default targets."""
    defaults = {str(m): v for m, v in kit.consent.defaults.items()}
    return compute(
        journal_entries(kit),
        rules=kit.rules,
        since=since,
        until=until,
        windows=windows,
        groups=groups,
        people=people,
        kinds=kinds,
        consent_defaults=defaults,
        aims={t.id: t.target for t in kit.mastery.tracks},
    )
