"""The Flask adapter over HTTP: requests per second and p95 latency for a feed page and
for recording an event, beside a bare Flask endpoint, all in the same run.

What is measured
----------------
A host app (``_flask_host.py``) is served on 127.0.0.1 by gunicorn in its own process
(``--workers`` processes of ``--threads`` threads, ``gthread``), on a SQLite file in a
fresh instance folder (WAL, ``synchronous=FULL``: the Kit's defaults). Before the server
starts, ``ada`` is given ``--entries`` impact-feed entries (her answers, each marked
helpful by someone else; built with ``record_many`` and ``synchronous=OFF``, setup only).
Three endpoints are driven by ``--connections`` client processes, each one keep-alive
HTTP/1.1 connection sending requests back to back (Python's ``http.client``; the clients
run in processes of their own, never in the server's):

* ``bare``: ``GET /bare``, a Flask view returning ``{"ok": true}``: the floor (Flask,
  gunicorn and the client, with no motivekit at all);
* ``feed``: ``GET /motivekit/api/impact/feed?limit=20`` as ada through the API blueprint
  (the ``impactFeed`` operation: the loader, the core API, a keyset page of 20 stories,
  the JSON body);
* ``record``: ``POST /answers``, a host view calling ``current_kit.record`` for a new
  ``answer.posted`` event (one durable transaction per request: journal entry, audit log,
  contribution), each client as its own person.

Every response is checked (2xx, and a full page of 20 entries for the feed before the
clock starts); any error fails the run. Each round measures the three endpoints in turn
for ``--seconds`` each, after a warm-up; the figures are the median over ``--rounds``
rounds of each round's requests/s (requests completed / seconds) and of its p95 latency
(per request, measured in the client). Ratios are against the bare endpoint of the same
run: ``slowdown`` = bare req/s / endpoint req/s, ``p95 ratio`` = endpoint p95 / bare p95.
``--quick`` (the smoke test) uses tiny sizes; its numbers mean little.

Usage: ``python benchmarks/flask_api.py [--quick] [--json] [--seconds S] [--rounds N]
[--connections N] [--workers N] [--threads N] [--entries N]``.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from multiprocessing.pool import Pool
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import FEED_RULES as RULES
from _common import progress, versions

from motivekit import Event, Kit

HERE = Path(__file__).resolve().parent
PAGE = 20
ENDPOINTS: dict[str, tuple[str, str]] = {
    "bare": ("GET", "/bare"),
    "feed": ("GET", f"/motivekit/api/impact/feed?limit={PAGE}"),
    "record": ("POST", "/answers"),
}


def _seed(instance: Path, rules: Path, entries: int) -> None:
    """ada gets ``entries`` feed entries (one per answer, each marked helpful once)."""
    with Kit.open(
        f"sqlite:///{instance / 'motivekit.db'}", rules=str(rules), synchronous="OFF"
    ) as kit:
        events = []
        for i in range(entries):
            answer = f"ada-{i}"
            events.append(Event(f"p-{answer}", "answer.posted", "ada", data={"answer_id": answer}))
            events.append(
                Event(
                    f"h-{answer}",
                    "answer.marked_helpful",
                    f"reader{i % 1000}",
                    data={"answer_id": answer},
                )
            )
        for start in range(0, len(events), 2000):
            kit.record_many(events[start : start + 2000])


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _get(port: int, path: str, user: str | None = None) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", path, headers={"X-User": user} if user else {})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


@contextmanager
def _served(instance: Path, rules: Path, workers: int, threads: int) -> Iterator[int]:
    """gunicorn serving the host app on a free port of 127.0.0.1, until the block ends."""
    port = _free_port()
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(HERE), os.environ.get("PYTHONPATH", "")]),
        "BENCH_INSTANCE": str(instance),
        "BENCH_RULES": str(rules),
    }
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        f"--bind=127.0.0.1:{port}",
        f"--workers={workers}",
        f"--threads={threads}",
        "--worker-class=gthread",
        "--keep-alive=30",
        "--log-level=warning",
        "_flask_host:create_app()",
    ]
    server = subprocess.Popen(command, env=env, cwd=instance)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if _get(port, "/bare")[0] == 200:
                    break
            except OSError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn did not start (exit status {server.poll()})")
            time.sleep(0.05)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=30)


def _drive(job: tuple[int, str, str, str, float, float]) -> dict[str, Any]:
    """One client: requests back to back on one keep-alive connection from ``start`` (a
    wall-clock instant shared by every client) until ``stop``; latencies in seconds."""
    port, method, path, user, start, stop = job
    headers = {"X-User": user}
    body = None
    if method == "POST":
        headers["Content-Type"] = "application/json"
        body = b"{}"
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    latencies: list[float] = []
    errors: list[str] = []
    reconnects = 0
    time.sleep(max(0.0, start - time.time()))
    while time.time() < stop:
        began = time.perf_counter()
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            payload = response.read()
        except (http.client.HTTPException, ConnectionError):
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            reconnects += 1
            continue
        latencies.append(time.perf_counter() - began)
        if not 200 <= response.status < 300:
            errors.append(f"{response.status} {payload[:200]!r}")
    conn.close()
    return {"latencies": latencies, "errors": errors[:5], "reconnects": reconnects}


def _percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _measure(
    pool: Pool, port: int, endpoint: str, connections: int, seconds: float
) -> dict[str, float]:
    method, path = ENDPOINTS[endpoint]
    start = time.time() + 0.3  # every client process is ready by then
    jobs = [
        (port, method, path, "ada" if endpoint == "feed" else f"writer{i}", start, start + seconds)
        for i in range(connections)
    ]
    clients = pool.map(_drive, jobs, chunksize=1)
    errors = [e for c in clients for e in c["errors"]]
    if errors:
        raise RuntimeError(f"{endpoint}: {len(errors)} failed requests, e.g. {errors[0]}")
    latencies = [x for c in clients for x in c["latencies"]]
    if not latencies:
        raise RuntimeError(f"{endpoint}: no request completed in {seconds} s")
    return {
        "requests": len(latencies),
        "requests_per_s": len(latencies) / seconds,
        "p50_ms": _percentile(latencies, 0.50) * 1000,
        "p95_ms": _percentile(latencies, 0.95) * 1000,
        "reconnects": sum(c["reconnects"] for c in clients),
    }


def _check_feed(port: int, entries: int) -> None:
    status, body = _get(port, ENDPOINTS["feed"][1], "ada")
    page = json.loads(body)
    if status != 200 or len(page["entries"]) != min(PAGE, entries):
        raise RuntimeError(f"benchmark bug: the feed answered {status} {body[:300]!r}")


def run(args: argparse.Namespace) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="motivekit-flask-bench-") as scratch:
        instance = Path(scratch)
        rules = instance / "motivation.yaml"
        rules.write_text(RULES, "utf-8")
        progress(f"seeding {args.entries} feed entries ... ")
        _seed(instance, rules, args.entries)
        progress("serving\n")
        rounds: dict[str, list[dict[str, float]]] = {name: [] for name in ENDPOINTS}
        spawn = multiprocessing.get_context("spawn")
        with (
            _served(instance, rules, args.workers, args.threads) as port,
            spawn.Pool(args.connections) as pool,
        ):
            _check_feed(port, args.entries)
            # every client process started (and idle) before any clock
            pool.map(time.sleep, [0.5] * args.connections, chunksize=1)
            for name in ENDPOINTS:  # warm-up: imports, first connections, caches
                _measure(pool, port, name, args.connections, args.warmup)
            for r in range(args.rounds):
                for name in ENDPOINTS:
                    progress(f"round {r + 1}/{args.rounds}: {name} ... ")
                    rounds[name].append(_measure(pool, port, name, args.connections, args.seconds))
                    progress(f"{rounds[name][-1]['requests_per_s']:.0f} req/s\n")
    results: list[dict[str, Any]] = []
    for name, runs in rounds.items():
        results.append(
            {
                "endpoint": name,
                "method": ENDPOINTS[name][0],
                "path": ENDPOINTS[name][1],
                "requests_per_s": statistics.median(r["requests_per_s"] for r in runs),
                "p50_ms": statistics.median(r["p50_ms"] for r in runs),
                "p95_ms": statistics.median(r["p95_ms"] for r in runs),
                "rounds": runs,
            }
        )
    bare = results[0]
    for row in results:
        row["slowdown"] = bare["requests_per_s"] / row["requests_per_s"]
        row["p95_ratio"] = row["p95_ms"] / bare["p95_ms"]
    return {
        "environment": {
            **versions(),
            "server": f"gunicorn gthread, {args.workers} workers x {args.threads} threads",
            "clients": f"{args.connections} processes, one keep-alive connection each",
            "cpus": os.cpu_count(),
            "durability": "journal_mode=wal, synchronous=FULL",
        },
        "settings": {
            "entries": args.entries,
            "seconds": args.seconds,
            "rounds": args.rounds,
            "page": PAGE,
        },
        "results": results,
    }


def _table(report: dict[str, Any]) -> str:
    env = report["environment"]
    lines = [
        f"server: {env['server']}; clients: {env['clients']}; {env['cpus']} CPUs; SQLite "
        f"{env['durability']}; feed of {report['settings']['entries']} entries, pages of "
        f"{report['settings']['page']}; median of {report['settings']['rounds']} rounds of "
        f"{report['settings']['seconds']} s",
        f"{'endpoint':<8} {'request':<42} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} "
        f"{'slowdown':>9} {'p95 ratio':>10}",
    ]
    for r in report["results"]:
        lines.append(
            f"{r['endpoint']:<8} {r['method'] + ' ' + r['path']:<42} {r['requests_per_s']:>8.0f} "
            f"{r['p50_ms']:>8.2f} {r['p95_ms']:>8.2f} {r['slowdown']:>8.2f}x "
            f"{r['p95_ratio']:>9.2f}x"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes (a smoke test)")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--warmup", type=float, default=1.0)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--entries", type=int, default=10_000)
    args = parser.parse_args()
    if args.quick:
        args.seconds, args.warmup, args.rounds = 0.3, 0.1, 1
        args.connections, args.workers, args.threads, args.entries = 2, 1, 2, 30
    report = run(args)
    print(json.dumps(report, indent=2) if args.json else _table(report))


if __name__ == "__main__":
    main()
