"""The journal slice's contract: entries, the head, Merkle tiles, checkpoints, erasure,
the people the journal is about, replay progress; and, for stores that declare them,
several writing processes and durability.
"""

from __future__ import annotations

import multiprocessing
import time
from multiprocessing.synchronize import Barrier

import attrs
import pytest

from motivekit.store import ReplayState, Store, StoredCheckpoint
from motivekit.testing._capabilities import Capability, Contract, StoreOpener, requires
from motivekit.testing._values import AT, append, entry, opened

__all__ = ["JournalContract"]

_WORKERS = 2
_UNITS = 40
"""Units of work per process; unit ``u`` appends ``1 + u % 3`` entries."""
_FRONTIER = b"f" * 32


def _append_from_process(opener: StoreOpener, worker: int, ready: Barrier) -> None:
    """Append ``_UNITS`` units of entries the way the log writer does: try the head this
    process wrote last, and if another process moved it, read the head (which holds the
    writers' lock until the unit ends) and reserve from there."""
    store = opener()
    try:
        ready.wait(60)
        last: int | None = None
        for unit in range(_UNITS):
            n = 1 + unit % 3
            with store.writing() as s:
                size = last
                if size is None or not s.advance_head(size, size + n, _FRONTIER):
                    size, _ = s.head()
                    if not s.advance_head(size, size + n, _FRONTIER):
                        raise AssertionError(f"the head moved under worker {worker}'s lock")
                s.append([entry(size + k + 1, f"w{worker}-u{unit}-{k}") for k in range(n)])
            last = size + n
            # A pause between units lets the other process in: a writer that commits and
            # begins again at once can keep a waiting one out (SQLite's busy wait backs
            # off), and the two would take turns only once, not race all along.
            time.sleep(0.005)
    finally:
        store.close()


class JournalContract(Contract):
    """The journal slice (:class:`~motivekit.store.JournalSession`); needs no other slice."""

    def test_head_reserves_sequence_numbers_once(self, store: Store) -> None:
        with store.writing() as s:
            assert s.head() == (0, b"")
            assert s.advance_head(0, 2, b"x" * 32)
            assert not s.advance_head(0, 3, b"y" * 32)  # someone else moved it: refused
            assert s.head() == (2, b"x" * 32)
            s.append([entry(1, "e1"), entry(2)])
        with store.writing() as s:
            append(s, entry(3, "e3"))
            s.append([])
        with store.reading() as s:
            assert s.journal_size() == 3
            assert [e.seq for e in s.entries(0, 10)] == [1, 2, 3]

    def test_entries_round_trip_exactly(self, store: Store) -> None:
        new = entry(1, "ev-9")
        with store.writing() as s:
            append(s, new)
            append(s, entry(2, subject=None))
        with store.reading() as s:
            got, log_level = s.entries(0, 2)
        assert got == new
        assert isinstance(got.raw, bytes)
        assert log_level.subject is None
        assert log_level.personal is None

    def test_entries_paging_and_tail(self, store: Store) -> None:
        with store.writing() as s:
            append(s, *(entry(i) for i in range(1, 8)))
        with store.reading() as s:
            assert [e.seq for e in s.entries(2, 3)] == [3, 4, 5]
            assert [e.seq for e in s.entries(6, 10)] == [7]
            assert s.entries(7, 10) == []
            assert [e.seq for e in s.last_entries(3)] == [5, 6, 7]
            assert [e.seq for e in s.last_entries(100)] == list(range(1, 8))
            assert s.node_hashes(0, 2, 5) == [entry(i).leaf_hash for i in (3, 4, 5)]

    def test_known_events_maps_ids_to_seqs(self, store: Store) -> None:
        with store.writing() as s:
            append(s, entry(1, "a"), entry(2), entry(3, "b"))
        with store.reading() as s:
            assert s.known_events(["a", "b", "c"]) == {"a": 1, "b": 3}
            assert s.known_events([]) == {}
            many = [f"x{i}" for i in range(1200)] + ["b"]
            assert s.known_events(many) == {"b": 3}

    def test_tiles_and_checkpoints(self, store: Store) -> None:
        with store.writing() as s:
            s.add_tiles([(8, 0, b"a" * 32), (8, 1, b"b" * 32), (16, 0, b"c" * 32)])
            s.add_checkpoint(StoredCheckpoint(9, "note 9\n", AT))
            s.add_checkpoint(StoredCheckpoint(3, "note 3\n", AT))
        with store.writing() as s:
            s.add_checkpoint(StoredCheckpoint(9, "note 9 again\n", AT))
        with store.reading() as s:
            assert s.node_hashes(8, 0, 2) == [b"a" * 32, b"b" * 32]
            assert s.node_hashes(8, 1, 5) == [b"b" * 32]
            assert s.node_hashes(16, 0, 1) == [b"c" * 32]
            assert [(c.size, c.note) for c in s.checkpoints()] == [
                (3, "note 3\n"),
                (9, "note 9 again\n"),
            ]

    def test_erasing_personal_parts_keeps_the_leaves(self, store: Store) -> None:
        with store.writing() as s:
            append(s, entry(1, "a", "ada"), entry(2, "b", "lin"), entry(3, None, "ada"))
        with store.writing() as s:
            assert s.erase_personal("ada") == 2
            assert s.erase_personal("ada") == 0
        with store.reading() as s:
            stored = s.entries(0, 10)
        assert [(e.subject, e.personal is None) for e in stored] == [
            (None, True),
            ("lin", False),
            (None, True),
        ]
        assert [e.raw for e in stored] == [entry(i).raw for i in (1, 2, 3)]
        assert [e.leaf_hash for e in stored] == [entry(i).leaf_hash for i in (1, 2, 3)]

    def test_subjects_are_listed_in_order_and_paged(self, store: Store) -> None:
        people = ["zoe", "ada", "bo", "ada", "émile", "bo"]
        with store.writing() as s:
            append(s, *(entry(i + 1, subject=p) for i, p in enumerate(people)))
            append(s, entry(7, subject=None))
        with store.reading() as s:
            assert s.subjects(None, 10) == ["ada", "bo", "zoe", "émile"]
            assert s.subjects(None, 2) == ["ada", "bo"]
            assert s.subjects("bo", 10) == ["zoe", "émile"]
            assert s.subjects("émile", 10) == []
            assert [e.seq for e in s.subject_entries("ada")] == [2, 4]
            assert [e.seq for e in s.subject_entries("bo")] == [3, 6]
            assert s.subject_entries("nobody") == []
            assert s.subject_entries("zoe") == [entry(1, subject="zoe")]

    def test_subjects_leave_out_erased_people(self, store: Store) -> None:
        with store.writing() as s:
            append(s, entry(1, subject="ada"), entry(2, subject="bo"))
            s.erase_personal("ada")
        with store.reading() as s:
            assert s.subjects(None, 10) == ["bo"]
            assert s.subject_entries("ada") == []

    def test_replay_state_keeps_how_far_mastery_came(self, store: Store) -> None:
        started = ReplayState(5, None, 0, AT, None)
        assert started.mastery_seq is None
        with store.writing() as s:
            s.save_replay_state(started)
        with store.reading() as s:
            assert s.replay_state() == started
            assert s.replay_state().mastery_seq is None  # type: ignore[union-attr]
        with store.writing() as s:
            s.save_replay_state(attrs.evolve(started, mastery_seq=9_000_000_001))
        with store.reading() as s:
            assert s.replay_state() == ReplayState(5, None, 0, AT, None, 9_000_000_001)
        with store.writing() as s:
            s.save_replay_state(attrs.evolve(started, cursor="bo", mastery_seq=None))
        with store.reading() as s:
            assert s.replay_state() == ReplayState(5, "bo", 0, AT, None, None)

    def test_replay_state_round_trips_and_latest_wins(self, store: Store) -> None:
        with store.reading() as s:
            assert s.replay_state() is None
        first = ReplayState(3, None, 0, AT, None)
        with store.writing() as s:
            s.save_replay_state(first)
            s.save_replay_state(attrs.evolve(first, cursor="bo", people_done=2))
        with store.reading() as s:
            assert s.replay_state() == ReplayState(3, "bo", 2, AT, None)
        with store.writing() as s:
            s.save_replay_state(ReplayState(4, "ada", 1, AT, AT))
            s.save_replay_state(attrs.evolve(first, finished_at=AT))
        with store.reading() as s:
            assert s.replay_state() == ReplayState(4, "ada", 1, AT, AT)

    @requires(Capability.SEVERAL_PROCESSES)
    def test_processes_appending_at_once_keep_the_journal_gapless(
        self, store_opener: StoreOpener
    ) -> None:
        with opened(store_opener) as store, store.reading() as s:
            assert s.journal_size() == 0  # opened (and its schema made) before the race
        spawn = multiprocessing.get_context("spawn")
        ready = spawn.Barrier(_WORKERS)
        workers = [
            spawn.Process(target=_append_from_process, args=(store_opener, w, ready))
            for w in range(_WORKERS)
        ]
        for p in workers:
            p.start()
        for p in workers:
            p.join(120)
        for p in workers:
            if p.exitcode is None:
                p.kill()
        assert [p.exitcode for p in workers] == [0] * _WORKERS
        units = {
            f"w{w}-u{u}": [f"w{w}-u{u}-{k}" for k in range(1 + u % 3)]
            for w in range(_WORKERS)
            for u in range(_UNITS)
        }
        total = sum(len(ids) for ids in units.values())
        with opened(store_opener) as store, store.reading() as s:
            assert s.journal_size() == total
            stored = s.entries(0, total + 1)
            seqs = s.known_events([i for ids in units.values() for i in ids])
        assert [e.seq for e in stored] == list(range(1, total + 1))
        assert sorted(e.event_id or "" for e in stored) == sorted(seqs)  # each exactly once
        assert len(seqs) == total
        for ids in units.values():  # a unit's reservation is one run of numbers
            first = seqs[ids[0]]
            assert [seqs[i] for i in ids] == list(range(first, first + len(ids)))

    @requires(Capability.DURABLE)
    def test_committed_journal_writes_survive_reopening(self, store_opener: StoreOpener) -> None:
        def failing_unit_of_work(store: Store) -> None:
            with store.writing() as s:
                append(s, entry(3, "lost"))
                raise RuntimeError("boom")

        with opened(store_opener) as store:
            with store.writing() as s:
                append(s, entry(1, "a", "ada"), entry(2, "b", "lin"))
                s.add_tiles([(8, 0, b"t" * 32)])
                s.add_checkpoint(StoredCheckpoint(2, "note 2\n", AT))
                s.save_replay_state(ReplayState(3, "bo", 1, AT, None, 2))
            with store.writing() as s:
                s.erase_personal("lin")
            with pytest.raises(RuntimeError, match="boom"):
                failing_unit_of_work(store)
        with opened(store_opener) as store, store.reading() as s:
            assert s.head() == (2, b"f" * 32)
            assert s.entries(0, 10) == [entry(1, "a", "ada"), entry(2, "b", None)]
            assert s.known_events(["a", "b", "lost"]) == {"a": 1, "b": 2}
            assert s.node_hashes(8, 0, 1) == [b"t" * 32]
            assert s.checkpoints() == [StoredCheckpoint(2, "note 2\n", AT)]
            assert s.replay_state() == ReplayState(3, "bo", 1, AT, None, 2)
