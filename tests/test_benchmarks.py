"""The ingest benchmark runs end to end (a smoke test: it asserts shape, never timings)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import attrs
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


SCENARIOS = ("plain", "goals", "mastery", "impact", "community")
BACKENDS = ("memory", "sqlite")
MODES = ("record", "record_many")
WAL_FULL = "journal_mode=wal, synchronous=FULL"


def test_ingest_benchmark_reports_every_figure_beside_its_floor(
    ingest_report: dict[str, Any],
) -> None:
    results = ingest_report["results"]
    cells = {(r["scenario"], r["backend"], r["mode"]) for r in results}
    assert cells == {(s, b, m) for s in SCENARIOS for b in BACKENDS for m in MODES}
    for r in results:
        assert r["events_per_s"] > 0
        assert r["floor_events_per_s"] > 0
        assert r["ratio"] > 0
        assert r["floor"] == {"record": "per-row", "record_many": "raw-driver"}[r["mode"]]
        assert r["target"].startswith("<= ")
        assert isinstance(r["met"], bool)
    sqlite = [r for r in results if r["backend"] == "sqlite"]
    assert {r["durability"] for r in sqlite} == {WAL_FULL}


def test_ingest_benchmark_counts_statements_and_driver_calls_per_event(
    ingest_report: dict[str, Any],
) -> None:
    counted = {(s["scenario"], s["mode"]): s for s in ingest_report["statements"]}
    assert set(counted) == {(s, m) for s in SCENARIOS for m in MODES}
    for (scenario, mode), s in counted.items():
        assert s["backend"] == "sqlite"
        assert s["statements_per_event"] > 0, scenario
        assert s["driver_calls_per_event"] > 0, scenario
        assert s["statements_per_event"] == pytest.approx(
            sum(s["statements"].values()) / s["events"], abs=1e-3
        )
        assert "BEGIN" not in s["statements"]
        assert "COMMIT" not in s["driver_calls"]
        # BEGIN and COMMIT, counted apart: one of each per transaction
        assert s["transaction_statements_per_transaction"] == 2
        assert s["floor_rows_per_event"] >= 1
        if mode == "record":
            assert s["transactions"] == s["events"]
            # one transaction per event: at least the journal row each
            assert s["statements_per_event"] >= 1
        else:
            assert (s["transactions"], s["events"]) == (1, 1000)
            assert s["statements_per_transaction"] == pytest.approx(
                s["statements_per_event"] * 1000, abs=1
            )
            assert s["target"] == "<= 2 stmt/ev"
            assert s["met"] == (s["statements_per_event"] <= 2)


AUDIT_TABLES = {"journal", "log_head", "tree_tiles", "checkpoints"}


def test_ingest_benchmark_floors_write_what_each_scenario_really_wrote(
    ingest_report: dict[str, Any],
) -> None:
    """The raw floor's rows come from the pilot's batch: beside the journal, each scenario
    wrote projection rows (a scenario that silently did less shows here, and fails the
    run's own checks)."""
    rows = {
        scenario: {
            table.removeprefix("motivekit_"): sum(counts.values())
            for table, counts in tables.items()
        }
        for scenario, tables in ingest_report["pilot_rows"].items()
    }
    assert set(rows) == set(SCENARIOS)
    projections = {
        scenario: sum(n for table, n in tables.items() if table not in AUDIT_TABLES)
        for scenario, tables in rows.items()
    }
    for tables in rows.values():
        assert tables["journal"] >= 1000
    assert projections["plain"] == 0
    for scenario in ("goals", "mastery"):
        assert projections[scenario] > 0
    # 500 answers (contributions) and 500 marks of help crediting four people each
    for scenario in ("impact", "community"):
        assert projections[scenario] > 2000
    assert projections["community"] > projections["impact"]  # goals, skills, the mission


def test_ingest_benchmark_reports_the_cost_per_event_after_a_small_and_a_large_history(
    ingest_report: dict[str, Any],
) -> None:
    histories = ingest_report["history"]
    assert {(h["scenario"], h["backend"]) for h in histories} == {
        (s, b) for s in SCENARIOS for b in BACKENDS
    }
    for history in histories:
        assert history["mode"] == "record"
        assert history["durability"] == (
            WAL_FULL if history["backend"] == "sqlite" else "in memory"
        )
        small, large = history["small"], history["large"]
        assert (small["history_events_wanted"], large["history_events_wanted"]) == (200, 2000)
        assert small["history_events"] == 200
        assert small["entries"] < large["entries"]
        assert small["events"] == large["events"] > 0
        for row in (small, large):
            assert row["events_per_s"] > 0
            assert row["ms_per_event"] > 0
            assert row["cpu_ms_per_event"] > 0
            assert len(row["runs_s"]) == len(row["cpu_runs_s"]) == 3
        assert history["ratio"] > 0
        assert history["cpu_ratio"] > 0


def _workloads() -> Any:
    sys.path.insert(0, str(SCRIPT.parent))
    try:
        import _ingest_workloads  # type: ignore[import-not-found]
    finally:
        sys.path.remove(str(SCRIPT.parent))
    return _ingest_workloads


@pytest.mark.parametrize(
    ("scenario", "kind", "lost"),
    [
        ("goals", "review.submitted", "goal_changes"),
        ("mastery", "review.submitted", "skill_changes"),
        ("impact", "answer.marked_helpful", "impact_changes"),
        ("community", "answer.posted", "skill_changes"),
        ("community", "answer.posted", "mission_changes"),
        ("community", "answer.posted", "goal_changes"),
        ("community", "answer.marked_helpful", "impact_changes"),
    ],
)
def test_ingest_benchmark_fails_a_scenario_that_silently_did_less(
    scenario: str, kind: str, lost: str
) -> None:
    """The check run after every timed run: record real events, drop part of what one of
    them changed, and the check refuses it."""
    workloads = _workloads()
    workload = workloads.Workload(scenario, 20)
    with workloads.open_kit(scenario, "memory://") as kit:
        workload.setup(kit)
        events = workload.take(4)
        outcomes = kit.record_many(events)
        workload.check(kit, events, outcomes)  # as recorded: passes
        at = next(i for i, event in enumerate(events) if event.kind == kind)
        assert getattr(outcomes[at], lost)
        partial = [*outcomes]
        partial[at] = attrs.evolve(outcomes[at], **{lost: getattr(outcomes[at], lost)[:-1]})
        with pytest.raises(RuntimeError, match="benchmark bug"):
            workload.check(kit, events, partial)


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


QUICK_SERVERS = ("--quick", "--json", "--scenario", "plain", "--tenancy", "one")


def test_server_benchmark_reports_each_figure_beside_its_floor() -> None:
    script = SCRIPT.parent / "servers.py"
    run = subprocess.run(
        [sys.executable, str(script), *QUICK_SERVERS],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    results = json.loads(run.stdout)["results"]
    seen = {(r["server"], r["processes"], r["mode"]) for r in results}
    assert seen == {
        (server, processes, mode)
        for server in ("postgresql", "mariadb")
        for processes in (1, 2)
        for mode in ("record", "record_many")
    }
    for r in results:
        assert r["events"] == (40 if r["mode"] == "record_many" else 5) * r["processes"]
        assert r["kit_eps"] > 0
        assert r["floor_eps"] > 0
        assert r["ratio"] == pytest.approx(r["floor_eps"] / r["kit_eps"])


def test_flask_api_benchmark_reports_feed_and_record_beside_the_bare_endpoint() -> None:
    script = SCRIPT.parent / "flask_api.py"
    run = subprocess.run(
        [sys.executable, str(script), "--quick", "--json"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout)
    assert report["environment"]["durability"] == "journal_mode=wal, synchronous=FULL"
    assert report["environment"]["server"].startswith("gunicorn gthread")
    results = {r["endpoint"]: r for r in report["results"]}
    assert list(results) == ["bare", "feed", "record"]
    assert results["feed"]["path"] == "/motivekit/api/impact/feed?limit=20"
    assert results["bare"]["slowdown"] == pytest.approx(1.0)
    for r in results.values():
        assert r["requests_per_s"] > 0
        assert 0 < r["p50_ms"] <= r["p95_ms"]
        assert r["slowdown"] > 0
        assert r["p95_ratio"] > 0
        assert len(r["rounds"]) == report["settings"]["rounds"] == 1
        assert all(run["requests"] > 0 for run in r["rounds"])
