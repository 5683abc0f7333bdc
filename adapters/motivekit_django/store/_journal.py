"""The journal slice: entries, the log head (every write locks it first), Merkle tiles,
checkpoints, erasure, the people the journal is about, and replay progress."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import cast

from django.db.models import F

from motivekit._time import from_micros, to_micros
from motivekit.store._records import ReplayState, StoredCheckpoint, StoredEntry
from motivekit_django import models as m
from motivekit_django.store._base import SessionBase, slices
from motivekit_django.store._rows import ENTRY_FIELDS, as_bytes, entry_from, entry_model

__all__ = ["JournalSlice"]

HEAD = 1
"""The number of a tenant's one log head row."""


class JournalSlice(SessionBase):
    """:class:`~motivekit.store.JournalSession` on the Django ORM."""

    def lock_head(self) -> None:
        """Take this tenant's writers' lock, its log head row, as the first statement of a
        write (creating the row on the tenant's first write). On PostgreSQL and MariaDB
        ``SELECT ... FOR UPDATE``; SQLite has no row locks and ignores ``FOR UPDATE``, so
        a no-op ``UPDATE`` takes the database's write lock instead, before anything is
        read (what ``BEGIN IMMEDIATE`` does): a writer never fails halfway on a snapshot
        another writer moved."""
        head = self.rows(m.LogHead, number=HEAD)
        for _ in range(2):
            if self._vendor == "sqlite":
                if head.update(size=F("size")):
                    return
            else:
                found = list(head.select_for_update().values_list("size", "frontier"))
                if found:
                    size, frontier = found[0]
                    self._head = (int(size), as_bytes(frontier))
                    return
            # Two first writers insert at once: one row, the other insert does nothing.
            self.create(
                m.LogHead,
                [m.LogHead(tenant=self._tenant, number=HEAD, size=0, frontier=b"")],
                ignore_conflicts=True,
            )
        raise AssertionError("the log head row was created but cannot be read")

    def known_events(self, event_ids: Collection[str]) -> dict[str, int]:
        found: dict[str, int] = {}
        for chunk in slices(event_ids):
            rows = self.rows(m.Entry, event_id__in=chunk)
            found.update((e, s) for e, s in rows.values_list("event_id", "seq") if e is not None)
        return found

    def head(self) -> tuple[int, bytes]:
        if self._head is not None:
            return self._head
        found = list(self.rows(m.LogHead, number=HEAD).values_list("size", "frontier"))
        if not found:
            return 0, b""
        size, frontier = found[0]
        return int(size), as_bytes(frontier)

    def advance_head(self, old_size: int, new_size: int, frontier: bytes) -> bool:
        moved = (
            self.rows(m.LogHead)
            .filter(number=HEAD, size=old_size)
            .update(size=new_size, frontier=frontier)
        )
        if moved == 1:
            self._head = (new_size, frontier)
        return moved == 1

    def append(self, entries: Sequence[StoredEntry]) -> None:
        self.create(m.Entry, [entry_model(self._tenant, e) for e in entries])

    def add_tiles(self, nodes: Sequence[tuple[int, int, bytes]]) -> None:
        tiles = [m.TreeTile(tenant=self._tenant, level=lv, idx=i, hash=h) for lv, i, h in nodes]
        self.create(m.TreeTile, tiles)

    def node_hashes(self, level: int, start: int, end: int) -> list[bytes]:
        if level == 0:  # leaf i is the entry with seq i + 1
            leaves = self.rows(m.Entry, seq__gt=start, seq__lte=end).order_by("seq")
            return [as_bytes(h) for h in leaves.values_list("leaf_hash", flat=True)]
        tiles = self.rows(m.TreeTile, level=level, idx__gte=start, idx__lt=end)
        return [as_bytes(h) for h in tiles.order_by("idx").values_list("hash", flat=True)]

    def entries(self, after: int, limit: int) -> list[StoredEntry]:
        rows = self.rows(m.Entry, seq__gt=after).order_by("seq")[:limit]
        return [entry_from(r) for r in rows.values_list(*ENTRY_FIELDS)]

    def scan(self, after: int, limit: int) -> list[tuple[int, bytes, bytes, bytes | None]]:
        rows = self.rows(m.Entry, seq__gt=after).order_by("seq")[:limit]
        found = rows.values_list("seq", "entry", "leaf_hash", "personal")
        if self._vendor != "postgresql":  # the others' drivers give bytes already
            return cast(list[tuple[int, bytes, bytes, bytes | None]], list(found))
        return [
            (seq, as_bytes(raw), as_bytes(leaf), None if p is None else as_bytes(p))
            for seq, raw, leaf, p in found
        ]

    def last_entries(self, limit: int) -> list[StoredEntry]:
        rows = self.rows(m.Entry).order_by("-seq")[:limit]
        return [entry_from(r) for r in rows.values_list(*ENTRY_FIELDS)][::-1]

    def journal_size(self) -> int:
        return self.head()[0]

    def erase_personal(self, subject: str) -> int:
        return self.rows(m.Entry, subject=subject).update(subject=None, personal=None)

    def subjects(self, after: str | None, limit: int) -> list[str]:
        about = self.rows(m.Entry, subject__isnull=False)
        if after is not None:
            about = about.filter(subject__gt=after)
        people = about.order_by("subject").values_list("subject", flat=True).distinct()
        return [p for p in people[:limit] if p is not None]

    def subject_entries(self, subject: str) -> list[StoredEntry]:
        rows = self.rows(m.Entry, subject=subject).order_by("seq")
        return [entry_from(r) for r in rows.values_list(*ENTRY_FIELDS)]

    def replay_state(self) -> ReplayState | None:
        fields = ("version", "cursor", "people_done", "started_at", "finished_at", "mastery_seq")
        found = list(self.rows(m.Replay).order_by("-version").values_list(*fields)[:1])
        if not found:
            return None
        version, cursor, done, started, finished, mastery_seq = found[0]
        return ReplayState(
            version,
            cursor,
            done,
            from_micros(started),
            None if finished is None else from_micros(finished),
            mastery_seq,
        )

    def save_replay_state(self, state: ReplayState) -> None:
        values = {
            "cursor": state.cursor,
            "people_done": state.people_done,
            "started_at": to_micros(state.started_at),
            "finished_at": None if state.finished_at is None else to_micros(state.finished_at),
            "mastery_seq": state.mastery_seq,
        }
        if not self.rows(m.Replay, version=state.version).update(**values):
            self.create(m.Replay, [m.Replay(tenant=self._tenant, version=state.version, **values)])

    def add_checkpoint(self, checkpoint: StoredCheckpoint) -> None:
        self.rows(m.Checkpoint, size=checkpoint.size).delete()
        stored = m.Checkpoint(
            tenant=self._tenant,
            size=checkpoint.size,
            note=checkpoint.note,
            created_at=to_micros(checkpoint.created_at),
        )
        self.create(m.Checkpoint, [stored])

    def checkpoints(self) -> list[StoredCheckpoint]:
        rows = self.rows(m.Checkpoint).order_by("size").values_list("size", "note", "created_at")
        return [StoredCheckpoint(size, note, from_micros(at)) for size, note, at in rows]
