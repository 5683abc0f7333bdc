"""The Django store benchmark runs end to end (a smoke test: it asserts shape, never
timings): both stores, both backends, both scenarios and modes, each ORM figure beside the
SQL store's on the same server with the same durability settings."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests._servers import SERVERS

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "django_store.py"


def test_the_django_store_benchmark_reports_every_figure_beside_the_sql_store() -> None:
    SERVERS["postgresql"]._admin()  # fails with the fix if the server is away
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    run = subprocess.run(
        [sys.executable, str(SCRIPT), "--quick", "--json"],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )
    assert run.returncode == 0, run.stderr
    results = json.loads(run.stdout)["results"]
    cells = {(r["backend"], r["scenario"], r["mode"]) for r in results}
    assert cells == {
        (b, s, m)
        for b in ("sqlite", "postgresql")
        for s in ("plain", "goals")
        for m in ("record", "record_many")
    }
    for r in results:
        assert r["django_events_per_s"] > 0
        assert r["sql_events_per_s"] > 0
        assert r["ratio"] > 0
    sqlite = {r["durability"] for r in results if r["backend"] == "sqlite"}
    assert sqlite == {"journal_mode=wal, synchronous=FULL"}
