"""`motivekit audit` on a real SQLite file: every kind of tampering has its own exit code."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from motivekit import Ed25519Signer, Event, Kit
from motivekit.audit._merkle import append_leaves
from motivekit.cli import main

TAMPERED, MISSING, REORDERED, BAD_SIGNATURE, INCONSISTENT, UNKNOWN_KEY, INVALID_PROOF = range(
    11, 18
)


class Log:
    vkey: str

    def __init__(self, tmp_path: Path) -> None:
        self.dir = tmp_path
        self.db = tmp_path / "log.db"
        self.url = f"sqlite:///{self.db}"
        self.key_file = tmp_path / "log.key"
        self.state = tmp_path / "pinned.checkpoint"

    def run(self, *args: str) -> tuple[int, str, str]:
        result = CliRunner().invoke(main, list(args))
        return result.exit_code, result.stdout, result.stderr

    def verify(self, *extra: str) -> tuple[int, str, str]:
        return self.run("audit", "verify", "--url", self.url, "--key", self.vkey, *extra)

    def sql(self, *statements: str) -> None:
        conn = sqlite3.connect(self.db, isolation_level=None)
        try:
            for statement in statements:
                conn.execute(statement)
        finally:
            conn.close()

    def grow(self, start: int, n: int) -> None:
        with Kit.open(self.url) as kit:
            kit.record_many(
                Event(f"e{i}", "review.submitted", f"user{i % 7}", data={"i": i})
                for i in range(start, start + n)
            )
        code, _, err = self.run(
            "audit",
            "checkpoint",
            "--url",
            self.url,
            "--key-file",
            str(self.key_file),
            "--origin",
            "example.com/log",
        )
        assert code == 0, err


@pytest.fixture
def log(tmp_path: Path) -> Log:
    log = Log(tmp_path)
    code, out, _ = log.run("audit", "keygen", "example.com/log", "--out", str(log.key_file))
    assert code == 0
    log.vkey = out.strip()
    assert (log.key_file.stat().st_mode & 0o777) == 0o600
    log.grow(0, 150)
    log.grow(150, 150)  # 300 entries: tiles at level 8 exist; checkpoints at 150 and 300
    code, out, _ = log.verify("--state", str(log.state))
    assert (code, out) == (0, "ok: 300 entries, 2 checkpoints verified, latest signed size 300\n")
    return log


def test_an_intact_log_verifies_and_pins_its_latest_checkpoint(log: Log) -> None:
    assert log.state.read_text().startswith("example.com/log\n300\n")
    assert log.verify("--strict")[0] == 0
    log.grow(300, 10)
    assert log.verify("--state", str(log.state))[0] == 0
    assert log.state.read_text().startswith("example.com/log\n310\n")


def test_flipped_byte(log: Log) -> None:
    log.sql(
        "UPDATE motivekit_journal SET entry = "
        "CAST(replace(CAST(entry AS TEXT), 'review', 'reviex') AS BLOB) WHERE seq = 77"
    )
    code, _, err = log.verify()
    assert code == TAMPERED
    assert "TamperedEntry: entry 77: its bytes do not match its logged leaf hash" in err


def test_flipped_byte_with_its_leaf_hash_rewritten_too(log: Log) -> None:
    conn = sqlite3.connect(log.db)
    raw = conn.execute("SELECT entry FROM motivekit_journal WHERE seq = 77").fetchone()[0]
    forged = raw.replace(b"review", b"reviex")
    conn.execute(
        "UPDATE motivekit_journal SET entry = ?, leaf_hash = ? WHERE seq = 77",
        (forged, hashlib.sha256(b"\x00" + forged).digest()),
    )
    conn.commit()
    conn.close()
    code, _, err = log.verify()
    assert code == TAMPERED
    assert "does not match the entries" in err or "no longer hash to the root" in err


def test_deleted_middle_row(log: Log) -> None:
    log.sql("DELETE FROM motivekit_journal WHERE seq = 120")
    code, _, err = log.verify()
    assert code == MISSING
    assert "MissingEntry: entry 120 is missing: the next stored entry is 121" in err


def test_swapped_rows(log: Log) -> None:
    log.sql(
        "UPDATE motivekit_journal SET seq = -1 WHERE seq = 10",
        "UPDATE motivekit_journal SET seq = 10 WHERE seq = 20",
        "UPDATE motivekit_journal SET seq = 20 WHERE seq = -1",
    )
    code, _, err = log.verify()
    assert code == REORDERED
    assert "ReorderedEntries: the entry stored at position 10 was logged as entry 20" in err


def test_truncated_tail(log: Log) -> None:
    log.sql("DELETE FROM motivekit_journal WHERE seq > 250")
    code, _, err = log.verify()
    assert code == MISSING
    assert "only 250 are stored" in err


def test_truncated_tail_with_head_and_checkpoint_cleaned_up(log: Log) -> None:
    # A careful attacker makes the database look like a log of 150 entries ...
    conn = sqlite3.connect(log.db)
    conn.execute("DELETE FROM motivekit_journal WHERE seq > 150")
    conn.execute("DELETE FROM motivekit_checkpoints WHERE size > 150")
    conn.execute("DELETE FROM motivekit_tree_tiles")
    leaves = [r[0] for r in conn.execute("SELECT leaf_hash FROM motivekit_journal ORDER BY seq")]
    frontier, _ = append_leaves([], 0, leaves)
    conn.execute("UPDATE motivekit_log_head SET size = 150, frontier = ?", (b"".join(frontier),))
    conn.commit()
    conn.close()
    assert log.verify()[0] == 0  # ... which verifies on its own,
    code, _, err = log.verify("--state", str(log.state))  # but not against the pinned checkpoint
    assert code == INCONSISTENT
    assert "the log holds 150 entries, fewer than the 300 of the pinned checkpoint" in err
    assert "pinned:\n    example.com/log\n    300" in err
    assert "now:\n    example.com/log\n    150" in err


def test_restored_older_copy(log: Log, tmp_path: Path) -> None:
    older = tmp_path / "older.db"
    # Simulate yesterday's backup: the log as it was at 150 entries, checkpoint included.
    fresh = Log(tmp_path / "b")
    (tmp_path / "b").mkdir()
    shutil.copy(log.key_file, fresh.key_file)
    fresh.vkey = log.vkey
    fresh.grow(0, 150)
    shutil.copy(fresh.db, older)
    log.db.unlink()
    shutil.copy(older, log.db)
    code, _, err = log.verify("--state", str(log.state))
    assert code == INCONSISTENT
    assert "truncated or restored from an older copy" in err


def test_rewritten_and_resigned_with_another_key(log: Log, tmp_path: Path) -> None:
    forged = Log(tmp_path / "forged")
    (tmp_path / "forged").mkdir()
    forged.run("audit", "keygen", "example.com/log", "--out", str(forged.key_file))
    forged.grow(0, 300)
    log.db.unlink()
    shutil.copy(forged.db, log.db)
    code, _, err = log.verify()
    assert code == UNKNOWN_KEY
    assert "UnknownKey: no signature by a trusted key; signed by: example.com/log (" in err


def test_altered_checkpoint(log: Log) -> None:
    log.sql(
        "UPDATE motivekit_checkpoints SET note = replace(note, "
        "'example.com/log\n150\n', 'example.com/log\n151\n') WHERE size = 150"
    )
    code, _, err = log.verify()
    assert code == BAD_SIGNATURE
    assert "BadSignature: the signature by example.com/log" in err


def test_forked_history_against_the_pinned_checkpoint(log: Log, tmp_path: Path) -> None:
    # Same size, other content: the signer state refuses to sign it, so use a second
    # signer with its own state, as an operator restoring a key elsewhere might.
    fork = Log(tmp_path / "fork")
    (tmp_path / "fork").mkdir()
    shutil.copy(log.key_file, fork.key_file)
    fork.vkey = log.vkey
    fork.grow(0, 300)
    fork.grow(1000, 5)
    shutil.copy(fork.db, log.db)
    for suffix in ("-wal", "-shm"):
        Path(str(log.db) + suffix).unlink(missing_ok=True)
    code, _, err = log.verify("--state", str(log.state))
    assert code == INCONSISTENT
    assert "do not hash to the pinned checkpoint's root: its history was rewritten" in err


def test_prove_and_verify_bundle(log: Log, tmp_path: Path) -> None:
    code, out, _ = log.run("audit", "prove", "200", "--url", log.url)
    assert code == 0
    bundle = tmp_path / "200.json"
    bundle.write_text(out)
    code, out, _ = log.run("audit", "verify-bundle", str(bundle), "--key", log.vkey)
    assert (code, out) == (0, "ok: entry 200 is in example.com/log at size 300\n")
    other = Ed25519Signer.generate("someone").verifier()
    assert log.run("audit", "verify-bundle", str(bundle), "--key", str(other))[0] == UNKNOWN_KEY
    bundle.write_text(bundle.read_text().replace('"seq": 200', '"seq": 201'))
    code, _, err = log.run("audit", "verify-bundle", str(bundle), "--key", log.vkey)
    assert code == INVALID_PROOF
    assert "InvalidProof" in err


def test_keys_file_with_validity_windows(log: Log, tmp_path: Path) -> None:
    keys = tmp_path / "trusted.keys"
    keys.write_text(f"# the log's key\n{log.vkey} not-before=2000-01-01T00:00:00.000000Z\n")
    assert log.run("audit", "verify", "--url", log.url, "--keys", str(keys))[0] == 0
    keys.write_text(f"{log.vkey} not-after=2000-01-01T00:00:00.000000Z\n")
    assert log.run("audit", "verify", "--url", log.url, "--keys", str(keys))[0] == BAD_SIGNATURE
    keys.write_text(f"{log.vkey} sometimes=yes\n")
    code, _, err = log.run("audit", "verify", "--url", log.url, "--keys", str(keys))
    assert code == 1
    assert "unknown option 'sometimes=yes'" in err


def test_export_checkpoint_and_usage_errors(log: Log) -> None:
    code, out, _ = log.run("audit", "export-checkpoint", "--url", log.url)
    assert code == 0
    assert out.startswith("example.com/log\n300\n")
    assert log.run("audit", "verify", "--url", log.url)[0] == 2  # no keys given
    assert (
        log.run("audit", "keygen", "again", "--out", str(log.key_file))[0] == 1
    )  # never overwritten


def test_real_console_script_exit_code(log: Log) -> None:
    log.sql("DELETE FROM motivekit_journal WHERE seq = 5")
    exe = Path(sys.executable).with_name("motivekit")
    run = subprocess.run(
        [str(exe), "audit", "verify", "--url", log.url, "--key", log.vkey],
        capture_output=True,
        text=True,
    )
    assert run.returncode == MISSING
    assert "MissingEntry" in run.stderr


def test_a_signing_key_from_the_environment_needs_a_state_file(
    log: Log, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MOTIVEKIT_SIGNING_KEY", log.key_file.read_text().strip())
    args = ("audit", "checkpoint", "--url", log.url, "--origin", "example.com/log")
    code, _, err = log.run(*args)
    assert code == 2
    assert "give --signer-state (or MOTIVEKIT_SIGNER_STATE)" in err
    monkeypatch.setenv("MOTIVEKIT_SIGNER_STATE", str(tmp_path / "env.state"))
    code, out, _ = log.run(*args)
    assert code == 0
    assert out.startswith("example.com/log\n300\n")


def test_verify_with_the_expected_origin(log: Log) -> None:
    assert log.verify("--origin", "example.com/log")[0] == 0
    code, _, err = log.verify("--origin", "other.example/log")
    assert code == BAD_SIGNATURE
    assert "it was signed for another log" in err
