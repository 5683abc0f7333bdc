"""The ingest benchmark runs end to end (a smoke test: it asserts shape, never timings)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "benchmarks" / "ingest.py"


@pytest.fixture(scope="module")
def ingest_report() -> dict[str, Any]:
    """One quick run of the ingest benchmark, shared by the tests that read it."""
    run = subprocess.run(
        [sys.executable, str(SCRIPT), "--quick", "--json"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    report: dict[str, Any] = json.loads(run.stdout)
    return report


def test_ingest_benchmark_reports_every_figure_beside_its_floor(
    ingest_report: dict[str, Any],
) -> None:
    results = ingest_report["results"]
    cells = {(r["scenario"], r["backend"], r["mode"]) for r in results}
    assert cells == {
        (s, b, m)
        for s in ("plain", "goals", "mastery")
        for b in ("memory", "sqlite")
        for m in ("record", "record_many")
    }
    for r in results:
        assert r["events_per_s"] > 0
        assert r["floor_events_per_s"] > 0
        assert r["ratio"] > 0
    sqlite = [r for r in results if r["backend"] == "sqlite"]
    assert {r["durability"] for r in sqlite} == {"journal_mode=wal, synchronous=FULL"}


def test_ingest_benchmark_reports_the_cost_per_event_after_a_small_and_a_large_history(
    ingest_report: dict[str, Any],
) -> None:
    history = ingest_report["history"]
    assert (history["scenario"], history["backend"], history["mode"]) == (
        "mastery",
        "sqlite",
        "record",
    )
    assert history["durability"] == "journal_mode=wal, synchronous=FULL"
    small, large = history["small"], history["large"]
    assert small["entries"] < large["entries"]
    assert small["events"] == large["events"] > 0
    for row in (small, large):
        assert row["events_per_s"] > 0
        assert row["ms_per_event"] > 0
        assert row["cpu_ms_per_event"] > 0
        assert len(row["runs_s"]) == len(row["cpu_runs_s"]) == 3
    assert history["ratio"] > 0
    assert history["cpu_ratio"] > 0


def test_audit_benchmark_reports_append_and_verify_beside_their_floors() -> None:
    script = SCRIPT.with_name("audit.py")
    run = subprocess.run(
        [sys.executable, str(script), "--quick", "--json"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout)
    assert {r["mode"] for r in report["append"]} == {"single", "batch"}
    for row in [*report["append"], report["verify"]]:
        assert row["entries_per_s"] > 0
        assert row["floor_entries_per_s"] > 0
        assert row["ratio"] > 0


def test_replay_benchmark_reports_every_replay_beside_its_floor() -> None:
    script = SCRIPT.with_name("replay.py")
    run = subprocess.run(
        [sys.executable, str(script), "--quick", "--json"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout)
    db = report["database"]
    assert report["environment"]["durability"] == "journal_mode=wal, synchronous=FULL"
    results = {r["measure"]: r for r in report["results"]}
    assert set(results) == {"dry_run", "replay", "unchanged"}
    assert {r["measure"] for r in report["references"]} == {"floor", "scan"}
    for row in [*report["results"], *report["references"]]:
        assert (row["people"], row["entries"]) == (db["people"], db["entries"])
        assert row["people_per_s"] > 0
        assert row["entries_per_s"] > 0
        assert row["ratio"] > 0
        assert len(row["runs_s"]) == 3
    assert results["dry_run"]["changed"] == results["replay"]["changed"] > 0
    assert results["unchanged"]["changed"] == 0


FEED = SCRIPT.parent / "feed.py"


def test_feed_benchmark_pages_both_sizes_and_walks_without_duplicates_or_gaps() -> None:
    run = subprocess.run(
        [sys.executable, str(FEED), "--quick", "--json"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout)
    assert [r["entries"] for r in report["sizes"].values()] == [200, 2000]
    for r in report["sizes"].values():
        assert r["page_p95_ms"] > 0
        assert r["floor_p95_ms"] > 0
    assert report["p95_ratio_large_to_small"] > 0
    walk = report["walk"]
    assert walk["events_written_meanwhile"] > 0
    assert (walk["duplicates"], walk["gaps"], walk["unexpected"]) == (0, 0, 0)
    assert walk["entries_at_start"] >= 2000
