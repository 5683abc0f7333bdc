"""The server-store tests fail, never skip, when their database server is missing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parent.parent


def test_a_missing_server_fails_the_run_with_the_fix(tmp_path: Path) -> None:
    probe = tmp_path / "test_probe.py"
    probe.write_text("def test_needs_postgres(postgres_url):\n    pass\n")
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-p",
            "tests.conftest",
            probe,
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={
            **os.environ,
            "MOTIVEKIT_TEST_POSTGRES": "postgresql+psycopg://postgres@127.0.0.1:1/x",
        },
    )
    assert run.returncode == 1, run.stdout + run.stderr
    assert "1 error" in run.stdout
    assert "skipped" not in run.stdout
    assert (
        "PostgreSQL is not reachable at postgresql+psycopg://postgres@127.0.0.1:1/x" in run.stdout
    )
    assert "scripts/test-databases.sh" in run.stdout
