"""Every Python snippet in docs/ runs (each page's blocks in order, in a fresh folder), and
the terminal tour behind ``make tour`` runs to completion."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SNIPPET = re.compile(r"```python\n(.*?)```", re.S)
PAGES = [p for p in sorted((ROOT / "docs").glob("*.md")) if SNIPPET.search(p.read_text("utf-8"))]


def clean_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k != "MOTIVEKIT_URL"}


def test_there_are_pages_with_snippets() -> None:
    assert {p.name for p in PAGES} >= {
        "goals.md",
        "concepts.md",
        "storage.md",
        "errors.md",
        "rules.md",
    }


@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
def test_page_snippets_run(page: Path, tmp_path: Path) -> None:
    blocks = SNIPPET.findall(page.read_text(encoding="utf-8"))
    run = subprocess.run(
        [sys.executable, "-c", "\n".join(blocks)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=clean_env(),
        timeout=120,
    )
    assert run.returncode == 0, run.stderr


def test_walkthrough_runs_from_any_directory(tmp_path: Path) -> None:
    script = ROOT / "examples" / "goals_walkthrough.py"
    run = subprocess.run(
        [sys.executable, str(script)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=clean_env(),
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    assert "NotPermitted: only the goal's owner may pause goal" in run.stdout
    assert "journal size before: 23, after: 23" in run.stdout
    assert list(tmp_path.iterdir()) == []  # it writes next to itself, not into the cwd
