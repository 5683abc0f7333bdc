"""The audit log on a real Kit: checkpoints, proofs, bundles, key rotation, erasure."""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import attrs
import pytest

import motivekit.goals._service as service
from motivekit import (
    BadSignature,
    ConfigError,
    Ed25519Signer,
    Event,
    GuardedSigner,
    InconsistentCheckpoints,
    InvalidInput,
    InvalidProof,
    Kit,
    NoteVerifier,
    ProofBundle,
    TamperedEntry,
    UnknownKey,
    verify_bundle,
)
from motivekit._entries import Draft
from motivekit.audit import verify_consistency, verify_inclusion
from motivekit.audit._merkle import append_leaves

from .conftest import FakeClock


@pytest.fixture
def key() -> Ed25519Signer:
    return Ed25519Signer.generate("example.com/log")


@pytest.fixture
def audited(kit_url: str, clock: FakeClock, key: Ed25519Signer) -> Iterator[Kit]:
    with Kit.open(
        kit_url, clock=clock, origin="example.com/log", signers=[key], checkpoint_every=None
    ) as kit:
        yield kit


def record(kit: Kit, n: int, actor: str = "ada", start: int = 0) -> None:
    kit.record_many(
        Event(f"e{i}", "review.submitted", actor, data={"i": i}) for i in range(start, start + n)
    )


def test_checkpoint_signs_the_current_head(
    audited: Kit, key: Ed25519Signer, clock: FakeClock
) -> None:
    record(audited, 10)
    signed = audited.audit.checkpoint()
    cp = signed.checkpoint
    assert (cp.origin, cp.size, cp.time) == ("example.com/log", 10, clock.now)
    assert audited.audit.head() == (10, cp.root)
    lines = signed.note.split("\n")
    assert lines[:2] == ["example.com/log", "10"]
    assert lines[3] == "time 2026-11-02T09:00:00.000000Z"
    assert lines[5].startswith("\u2014 example.com/log ")
    assert audited.audit.latest() == signed
    signed.verified([key.verifier()])


def test_every_entry_is_provable_offline(audited: Kit, key: Ed25519Signer) -> None:
    record(audited, 37)
    audited.goals.create("ada", "Reviews", {"event": "review.submitted", "count": 3})
    audited.audit.checkpoint()
    for seq in range(1, 39):
        bundle = ProofBundle.from_json(audited.audit.prove(seq).to_json())
        assert verify_bundle(bundle, [key.verifier()]).checkpoint.size == 38
        assert bundle.payload["seq"] == seq
        assert "actor" not in bundle.payload  # nothing personal unless disclosed


def test_disclosed_bundles_open_the_commitment(audited: Kit, key: Ed25519Signer) -> None:
    record(audited, 3)
    audited.audit.checkpoint()
    bundle = audited.audit.prove(2, disclose=True)
    verify_bundle(bundle, [key.verifier()])
    assert (bundle.payload["actor"], bundle.payload["data"]) == ("ada", {"i": 1})
    forged = ProofBundle(
        bundle.seq,
        bundle.entry,
        bundle.inclusion,
        bundle.checkpoint,
        bundle.opening[:32] + b'{"actor":"eve","data":{"i":1}}',
    )  # type: ignore[index]
    with pytest.raises(InvalidProof, match="personal part does not match"):
        verify_bundle(forged, [key.verifier()])


@pytest.mark.parametrize(
    ("change", "error", "message"),
    [
        (lambda b: {"seq": b.seq + 1}, InvalidProof, r"does not place this entry at position"),
        (lambda b: {"inclusion": b.inclusion[:-1]}, InvalidProof, r"does not place this entry"),
        (lambda b: {"entry": b.entry.replace(b'"v":2', b'"v":3')}, InvalidProof, r"does not place"),
        (lambda b: {"seq": 99}, InvalidProof, r"entry 99 is not in a checkpoint of 5 entries"),
    ],
)
def test_bundles_that_do_not_prove_are_rejected(
    audited: Kit, key: Ed25519Signer, change: object, error: type[Exception], message: str
) -> None:
    record(audited, 5)
    audited.audit.checkpoint()
    bundle = audited.audit.prove(3)
    bad = attrs.evolve(bundle, **change(bundle))  # type: ignore[operator]
    with pytest.raises(error, match=message):
        verify_bundle(bad, [key.verifier()])


def test_bundle_checkpoint_signatures_are_checked(audited: Kit, key: Ed25519Signer) -> None:
    record(audited, 2)
    audited.audit.checkpoint()
    text = audited.audit.prove(1).to_json()
    with pytest.raises(UnknownKey):
        verify_bundle(ProofBundle.from_json(text), [Ed25519Signer.generate("other").verifier()])
    tampered = text.replace("example.com/log\\n2\\n", "example.com/log\\n3\\n", 1)
    with pytest.raises(BadSignature):
        verify_bundle(ProofBundle.from_json(tampered), [key.verifier()])
    for junk in ("{}", "not json", '{"format": "motivekit-proof-bundle/1", "seq": 0}'):
        with pytest.raises(InvalidProof):
            ProofBundle.from_json(junk)


def test_prove_needs_a_checkpoint(audited: Kit) -> None:
    record(audited, 2)
    with pytest.raises(InvalidProof, match="no signed checkpoint covers entry 1 yet"):
        audited.audit.prove(1)


def test_consistency_between_checkpoints(audited: Kit) -> None:
    sizes = []
    for batch in (1, 6, 250, 300):
        record(audited, batch, start=sum(sizes) * 1000)
        sizes.append(audited.audit.checkpoint().checkpoint.size)
    checkpoints = audited.audit.checkpoints()
    assert [c.checkpoint.size for c in checkpoints] == [1, 7, 257, 557]
    for old in checkpoints:
        for new in checkpoints:
            if old.checkpoint.size <= new.checkpoint.size:
                proof = audited.audit.consistency(old.checkpoint.size, new.checkpoint.size)
                assert verify_consistency(
                    old.checkpoint.size,
                    new.checkpoint.size,
                    old.checkpoint.root,
                    new.checkpoint.root,
                    proof,
                )


def test_inclusion_across_tile_boundaries(audited: Kit) -> None:
    record(audited, 600)  # nodes at level 8 are stored, the rest folded from tiles
    root = audited.audit.checkpoint().checkpoint.root
    for seq in (1, 255, 256, 257, 512, 513, 600):
        bundle = audited.audit.prove(seq)
        leaf = hashlib.sha256(b"\x00" + bundle.entry).digest()
        assert verify_inclusion(leaf, seq - 1, 600, bundle.inclusion, root)


def test_automatic_checkpoints_every_n_entries(
    kit_url: str, clock: FakeClock, key: Ed25519Signer
) -> None:
    with Kit.open(kit_url, clock=clock, signers=[key], checkpoint_every=10) as kit:
        for i in range(25):
            kit.record(Event(f"e{i}", "k", "ada"))
        assert [c.checkpoint.size for c in kit.audit.checkpoints()] == [10, 20]
        kit.goals.create("ada", "R", {"event": "k", "count": 1})  # commands count too
        record(kit, 4, start=100)
        assert kit.audit.latest().checkpoint.size == 30  # type: ignore[union-attr]


def test_automatic_checkpoints_every_t_seconds(
    kit_url: str, clock: FakeClock, key: Ed25519Signer
) -> None:
    with Kit.open(
        kit_url, clock=clock, signers=[key], checkpoint_every=None, checkpoint_interval=60
    ) as kit:
        kit.record(Event("a", "k", "ada"))
        assert kit.audit.latest().checkpoint.size == 1  # type: ignore[union-attr]
        clock.advance(seconds=30)
        kit.record(Event("b", "k", "ada"))
        assert kit.audit.latest().checkpoint.size == 1  # type: ignore[union-attr]
        clock.advance(seconds=31)
        kit.record(Event("c", "k", "ada"))
        assert kit.audit.latest().checkpoint.size == 3  # type: ignore[union-attr]


def test_checkpoint_needs_a_signer_and_keeps_its_origin(
    kit_url: str, clock: FakeClock, key: Ed25519Signer
) -> None:
    with Kit.open(kit_url, clock=clock) as kit, pytest.raises(ConfigError, match="no signer"):
        kit.audit.checkpoint()
    if kit_url == "memory://":
        return  # a new memory Kit is a new log: nothing to compare the origin with
    with Kit.open(kit_url, clock=clock, signers=[key], origin="a.example/log") as kit:
        kit.audit.checkpoint()
    with (
        Kit.open(kit_url, clock=clock, signers=[key], origin="b.example/log") as kit,
        pytest.raises(ConfigError, match=r"checkpoints name the origin 'a\.example/log'"),
    ):
        kit.audit.checkpoint()


def test_key_rotation_without_a_gap(tmp_path: Path, clock: FakeClock) -> None:
    url = f"sqlite:///{tmp_path / 'rot.db'}"
    old, new = Ed25519Signer.generate("log-2026"), Ed25519Signer.generate("log-2027")
    switch = clock.now + timedelta(days=1)
    keys = [
        NoteVerifier(old.name, old.public_key, not_after=switch + timedelta(hours=1)),
        NoteVerifier(new.name, new.public_key, not_before=switch),
    ]
    with Kit.open(url, clock=clock, signers=[old], checkpoint_every=None) as kit:
        record(kit, 5)
        kit.audit.checkpoint()
    clock.now = switch  # overlap: both keys sign
    with Kit.open(url, clock=clock, signers=[old, new], checkpoint_every=None) as kit:
        record(kit, 5, start=10)
        both = kit.audit.checkpoint()
        assert both.note.count("\u2014 ") == 2
    clock.now = switch + timedelta(days=1)  # the old key has retired
    with Kit.open(url, clock=clock, signers=[new], checkpoint_every=None) as kit:
        record(kit, 5, start=20)
        kit.audit.checkpoint()
        report = kit.audit.verify(keys)
        assert (report.size, report.checkpoints) == (15, 3)
    with Kit.open(url, clock=clock, signers=[old], checkpoint_every=None) as kit:
        kit.audit.checkpoint()  # a retired key signs again: outside its window
        with pytest.raises(BadSignature, match="was not valid at"):
            kit.audit.verify(keys)


def test_the_signer_refuses_an_inconsistent_checkpoint(tmp_path: Path, clock: FakeClock) -> None:
    key_file, state = tmp_path / "log.key", tmp_path / "log.key.state"
    key_file.write_text(Ed25519Signer.generate("example.com/log").private_key)
    signer = GuardedSigner(Ed25519Signer.from_file(key_file), state)
    with Kit.open(f"sqlite:///{tmp_path / 'a.db'}", clock=clock, signers=[signer]) as kit:
        record(kit, 5)
        kit.audit.checkpoint()
    assert state.is_file()
    # Another database (a fork, or a restored backup) cannot get the same key's signature.
    again = GuardedSigner(Ed25519Signer.from_file(key_file), state)
    with Kit.open(f"sqlite:///{tmp_path / 'b.db'}", clock=clock, signers=[again]) as kit:
        record(kit, 7, actor="mallory")
        with pytest.raises(
            InconsistentCheckpoints,
            match="refuses to sign size 7: it is not consistent with size 5",
        ):
            kit.audit.checkpoint()
        assert kit.audit.checkpoints() == []


def test_forget_erases_personal_data_and_every_checkpoint_still_verifies(
    tmp_path: Path, clock: FakeClock, key: Ed25519Signer
) -> None:
    path = tmp_path / "privacy.db"
    name = "zebulon-7731"
    with Kit.open(f"sqlite:///{path}", clock=clock, signers=[key], checkpoint_every=None) as kit:
        kit.goals.create(
            name, "Write the guide", {"event": "page.written", "count": 9}, why="I care"
        )
        kit.consent.set(name, "nudges", True, by=name)
        kit.record_many(
            Event(f"z{i}", "page.written", name, data={"note": f"{name} wrote"}) for i in range(3)
        )
        record(kit, 3)
        before = kit.audit.checkpoint()
        leaves_before = [e.raw for e in kit.journal.read(0, 100)]
        erased = kit.privacy.forget(name)
        assert (erased.entries, erased.goals, erased.seq) == (5, 1, 9)
        after = kit.audit.checkpoint()
        assert [e.raw for e in kit.journal.read(0, 8)] == leaves_before
        report = kit.audit.verify()
        assert (report.size, report.checkpoints) == (9, 2)
        assert (before.checkpoint.size, after.checkpoint.size) == (8, 9)
        entries = kit.journal.read(0, 100)
        assert [e.erased for e in entries] == [
            True,
            True,
            True,
            True,
            True,
            False,
            False,
            False,
            False,
        ]
        assert entries[-1].payload == {
            "v": 2,
            "seq": 9,
            "type": "erasure",
            "at": "2026-11-02T09:00:00.000000Z",
            "rules": 0,
            "erased": 5,
        }
        assert kit.goals.list(name) == []
        assert kit.consent.get(name).choices == {}
        # Without the salt, guessing the erased content cannot be checked against the leaf.
        commitment = entries[2].payload["personal"]
        guess = b'{"actor":"zebulon-7731","data":{"note":"zebulon-7731 wrote"}}'
        assert entries[2].opening is None  # the salt is gone with the data
        assert hashlib.sha256(guess).hexdigest() != commitment
    raw = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.name.startswith("privacy.db"))
    assert name.encode() not in raw  # not in the database file, nor in its WAL
    assert b"I care" not in raw


def test_a_rolled_back_append_leaves_no_entry_and_the_tree_stays_right(
    audited: Kit, monkeypatch: pytest.MonkeyPatch
) -> None:
    record(audited, 3)
    goal = audited.goals.create("ada", "Reviews", {"event": "review.submitted", "count": 3})

    def broken_views(*args: object) -> object:
        raise RuntimeError("disk on fire")  # fails after the entry was appended

    monkeypatch.setattr(service, "_views", broken_views)
    with pytest.raises(RuntimeError, match="disk on fire"):
        audited.goals.pause(goal.id, by="ada")
    monkeypatch.undo()
    assert audited.journal.size() == 4
    assert audited.goals.get(goal.id).status.value == "active"
    record(audited, 2, start=10)  # the writer finds the head where it really is
    assert [e.seq for e in audited.journal.read(0, 10)] == [1, 2, 3, 4, 5, 6]
    audited.audit.checkpoint()
    assert audited.audit.verify().size == 6


def test_the_pin_never_moves_backwards(
    tmp_path: Path, clock: FakeClock, key: Ed25519Signer
) -> None:
    url, pin = f"sqlite:///{tmp_path / 'pin.db'}", tmp_path / "pinned"
    with Kit.open(url, clock=clock, signers=[key], checkpoint_every=10) as kit:
        record(kit, 20)
        kit.audit.verify(state=pin)
        assert pin.read_text().split("\n")[1] == "20"
    # Someone deletes the newest checkpoint row, hoping to shrink the pin ...
    conn = sqlite3.connect(tmp_path / "pin.db")
    conn.execute("DELETE FROM motivekit_checkpoints WHERE size = 20")
    conn.commit()
    with Kit.open(url, clock=clock, signers=[key], checkpoint_every=None) as kit:
        kit.audit.verify(state=pin)
        assert pin.read_text().split("\n")[1] == "20"  # ... but the pin stays at 20,
        conn.execute("DELETE FROM motivekit_journal WHERE seq > 10")
        leaves = [r[0] for r in conn.execute("SELECT leaf_hash FROM motivekit_journal")]
        frontier, _ = append_leaves([], 0, leaves)
        conn.execute("UPDATE motivekit_log_head SET size = 10, frontier = ?", (b"".join(frontier),))
        conn.commit()
        with pytest.raises(InconsistentCheckpoints, match="fewer than the 20"):
            kit.audit.verify(state=pin)  # so truncating to 10 is still caught.
    conn.close()


def test_state_file_problems_are_config_errors(audited: Kit, tmp_path: Path) -> None:
    record(audited, 2)
    audited.audit.checkpoint()
    with pytest.raises(ConfigError, match=r"state file directory .* does not exist"):
        audited.audit.verify(state=tmp_path / "nowhere" / "pin")
    (tmp_path / "empty").write_text("")
    with pytest.raises(ConfigError, match="does not hold a signed checkpoint"):
        audited.audit.verify(state=tmp_path / "empty")


def test_checkpoints_of_another_log_are_rejected(audited: Kit, key: Ed25519Signer) -> None:
    record(audited, 3)
    audited.audit.checkpoint()
    assert audited.audit.verify(origin="example.com/log").size == 3
    with pytest.raises(
        BadSignature, match=r"names the log 'example\.com/log', not 'other\.example/log'"
    ):
        audited.audit.verify(origin="other.example/log")
    bundle = audited.audit.prove(1)
    with pytest.raises(BadSignature, match=r"is for the log 'example\.com/log'"):
        verify_bundle(bundle, [key.verifier()], origin="other.example/log")


def test_prove_edge_cases(audited: Kit) -> None:
    record(audited, 3)
    audited.audit.checkpoint()
    with pytest.raises(InvalidInput, match="there is no entry 4: the log holds 3 entries"):
        audited.audit.prove(4)
    with pytest.raises(InvalidInput, match="seq must be a journal sequence number"):
        audited.audit.prove(0)


def test_signers_sharing_a_state_file_take_turns(tmp_path: Path, clock: FakeClock) -> None:
    key_file, state = tmp_path / "log.key", tmp_path / "log.state"
    key_file.write_text(Ed25519Signer.generate("example.com/log").private_key)
    url = f"sqlite:///{tmp_path / 'turns.db'}"
    # Two Kits (as two processes would) each with their own signer object, one state file.
    kits = [
        Kit.open(
            url,
            clock=clock,
            signers=[GuardedSigner(Ed25519Signer.from_file(key_file), state)],
            checkpoint_every=None,
        )
        for _ in range(2)
    ]
    errors: list[BaseException] = []

    def work(k: int) -> None:
        try:
            for i in range(15):
                kits[k].record(Event(f"k{k}-{i}", "k", "ada"))
                kits[k].audit.checkpoint()
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert kits[0].audit.verify().size == 30
    for kit in kits:
        kit.close()


def test_strict_verification_also_checks_canonical_form(
    key: Ed25519Signer, clock: FakeClock
) -> None:
    with Kit.open("memory://", clock=clock, signers=[key], checkpoint_every=None) as kit:
        record(kit, 2)
        # A writer bug: an entry logged (and signed) with a space in it.
        odd = Draft("erasure", "privacy.forget", None, clock.now, '{"at": "x"', "", None, None)
        with kit.store.writing() as session:
            kit.audit._writer.append(session, [odd])
        kit.audit.checkpoint()
        assert kit.audit.verify().size == 3  # tamper evidence holds: it is what was signed
        with pytest.raises(
            TamperedEntry, match="entry 3: its bytes are not a canonical journal entry"
        ):
            kit.audit.verify(strict=True)
