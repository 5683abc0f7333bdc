"""Impact feed paging: page time at 1,000 vs 100,000 feed entries, and paging under writes.

What is measured
----------------
Two SQLite files are built, each with one person (``ada``) whose feed holds ``--small``
(default 1,000) or ``--large`` (default 100,000) entries: ada posts that many answers and
each is marked helpful once by one of 1,000 other people (every answer gets its own
entry). Other people's feeds are filled too (a tenth as many entries), so the table is not
ada's alone. The files are built before any clock starts, with ``record_many`` in batches
of 2,000 and ``synchronous=OFF`` (setup only); measurements reopen them with the defaults
(WAL, ``synchronous=FULL``).

* ``page``: ``kit.impact.feed("ada", limit=20, cursor=c)`` for ``--pages`` cursors (default
  2,000) drawn uniformly over the whole feed (the first page included), each page timed
  alone; the p50 and p95 are reported per size. The figure the issue judges is
  ``p95(large) / p95(small)``: keyset pages cost the same however long the feed is
  (target <= 1.5).
* ``floor``: the bare index range scan a page needs, on the sqlite3 driver of the same
  file (``SELECT * FROM motivekit_impact_feed WHERE recipient = ? AND position < ? ORDER
  BY position DESC LIMIT 21``), rows fetched, nothing decoded, at the same cursors. Its
  p95 beside the page's shows what building entries and stories costs on top.
* ``walk``: the whole large feed paged from the first page to the last (limit 20) while a
  second process records new answers, help on new answers and help on answers all over
  the feed (the walk starts once the writer has written). Every entry at or below the
  first page's newest must be seen exactly once, and nothing else (entries that arrive
  later belong to a fresh first page): the duplicates and gaps found are printed (both
  must be 0). ``--quick`` pauses 5 ms between pages so the writes interleave.

Method
------
Each timed page runs alone with the garbage collector collected and frozen before the
sample set; sampling order is shuffled (same seed for both sizes). ``--quick`` (a smoke
test) uses 200 and 2,000 entries and 300 pages; its numbers mean little.

Usage: ``python benchmarks/feed.py [--quick] [--json] [--small N] [--large N] [--pages N]``.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import FEED_RULES as RULES
from _common import progress, versions

from motivekit import Event, Kit

LIMIT = 20
TARGET = 1.5


def _build(path: Path, rules: Path, entries: int) -> None:
    """ada gets ``entries`` feed entries; ten others a tenth as many between them."""
    with Kit.open(f"sqlite:///{path}", rules=str(rules), synchronous="OFF") as kit:
        batch: list[Event] = []
        others = max(1, entries // 10)

        def flush() -> None:
            kit.record_many(batch)
            batch.clear()

        for owner, count in (("ada", entries), *((f"o{j}", others // 10 + 1) for j in range(10))):
            for i in range(count):
                answer = f"{owner}-{i}"
                batch.append(
                    Event(f"p-{answer}", "answer.posted", owner, data={"answer_id": answer})
                )
                batch.append(
                    Event(
                        f"h-{answer}",
                        "answer.marked_helpful",
                        f"reader{i % 1000}",
                        data={"answer_id": answer},
                    )
                )
                if len(batch) >= 2000:
                    flush()
        flush()


def _positions(path: Path) -> list[int]:
    with sqlite3.connect(path) as db:
        rows = db.execute(
            "SELECT position FROM motivekit_impact_feed WHERE recipient = 'ada' "
            "ORDER BY position DESC"
        ).fetchall()
    return [r[0] for r in rows]


def _percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _measure(path: Path, rules: Path, pages: int, seed: int) -> dict[str, Any]:
    positions = _positions(path)
    rng = random.Random(seed)
    cursors: list[int | None] = [None] + [rng.choice(positions) for _ in range(pages - 1)]
    rng.shuffle(cursors)
    page_s: list[float] = []
    floor_s: list[float] = []
    with Kit.open(f"sqlite:///{path}", rules=str(rules)) as kit:
        db = sqlite3.connect(path)
        for c in cursors[:50]:  # warm the page cache
            kit.impact.feed("ada", LIMIT, None if c is None else f"f1.{c}")
        gc.collect()
        gc.freeze()
        for c in cursors:
            cursor = None if c is None else f"f1.{c}"
            start = time.perf_counter()
            page = kit.impact.feed("ada", LIMIT, cursor)
            page_s.append(time.perf_counter() - start)
            assert len(page) == LIMIT or page.cursor is None
            before = (1 << 62) if c is None else c
            start = time.perf_counter()
            db.execute(
                "SELECT * FROM motivekit_impact_feed WHERE recipient = ? AND position < ? "
                "ORDER BY position DESC LIMIT ?",
                ("ada", before, LIMIT + 1),
            ).fetchall()
            floor_s.append(time.perf_counter() - start)
        db.close()
        gc.unfreeze()
    return {
        "entries": len(positions),
        "pages": len(cursors),
        "page_p50_ms": statistics.median(page_s) * 1e3,
        "page_p95_ms": _percentile(page_s, 0.95) * 1e3,
        "floor_p50_ms": statistics.median(floor_s) * 1e3,
        "floor_p95_ms": _percentile(floor_s, 0.95) * 1e3,
    }


def _writer(path: str, rules: str, stop: str) -> None:
    """Record new answers and help on old and new ones until ``stop`` exists."""
    events = 0
    with Kit.open(f"sqlite:///{path}", rules=rules) as kit:
        i = 0
        while not os.path.exists(stop):
            answer = f"new-{i}"
            kit.record_many(
                [
                    Event(f"wp-{i}", "answer.posted", "ada", data={"answer_id": answer}),
                    Event(f"wh-{i}", "answer.marked_helpful", "bob", data={"answer_id": answer}),
                    Event(
                        f"wo-{i}",
                        "answer.marked_helpful",
                        "cy",
                        data={"answer_id": f"ada-{(i * 7919) % 1000}"},
                    ),
                ]
            )
            i += 1
            events += 3
            if i == 1:
                Path(stop).with_suffix(".ready").touch()
    print(events)


def _walk(path: Path, rules: Path, pause: float) -> dict[str, Any]:
    stop = path.with_suffix(".stop")
    writer = subprocess.Popen(
        [sys.executable, __file__, "--writer", str(path), str(rules), str(stop)],
        stdout=subprocess.PIPE,
        text=True,
    )
    seen: list[int] = []
    pages = 0
    try:
        while not stop.with_suffix(".ready").exists():  # the writer is writing
            if writer.poll() is not None:
                raise RuntimeError("the writer process stopped")
            time.sleep(0.01)
        with Kit.open(f"sqlite:///{path}", rules=str(rules)) as kit:
            cursor = None
            page = kit.impact.feed("ada", LIMIT, cursor)
            # What the first page saw is the feed the walk must cover exactly.
            first = int(page.entries[0].id) if page.entries else 0
            before = [p for p in _positions(path) if p <= first]
            while True:
                pages += 1
                seen += [int(e.id) for e in page]
                if page.cursor is None:
                    break
                cursor = page.cursor
                time.sleep(pause)
                page = kit.impact.feed("ada", LIMIT, cursor)
    finally:
        stop.touch()
        out, _ = writer.communicate(timeout=60)
    written = int(out.strip() or 0)
    after = _positions(path)
    start = set(before)
    return {
        "entries_at_start": len(before),
        "pages": pages,
        "events_written_meanwhile": written,
        "entries_at_end": len(after),
        "duplicates": len(seen) - len(set(seen)),
        "gaps": len(start - set(seen)),
        "unexpected": len(set(seen) - start),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--small", type=int, default=1_000)
    parser.add_argument("--large", type=int, default=100_000)
    parser.add_argument("--pages", type=int, default=2_000)
    parser.add_argument("--writer", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.writer:
        _writer(*args.writer)
        return
    if args.quick:
        args.small, args.large, args.pages = 200, 2_000, 300
    with tempfile.TemporaryDirectory() as tmp:
        rules = Path(tmp) / "motivation.yaml"
        rules.write_text(RULES)
        sizes = {}
        for name, n in (("small", args.small), ("large", args.large)):
            progress(f"building {n:,} feed entries ... ")
            path = Path(tmp) / f"{name}.db"
            start = time.perf_counter()
            _build(path, rules, n)
            progress(f"{time.perf_counter() - start:.0f} s\n")
            sizes[name] = path
        results = {}
        for name, path in sizes.items():
            progress(f"paging the {name} feed ...\n")
            results[name] = _measure(path, rules, args.pages, seed=7)
        progress("walking the large feed while another process writes ...\n")
        walk = _walk(sizes["large"], rules, pause=0.005 if args.quick else 0.0)
    ratio = results["large"]["page_p95_ms"] / results["small"]["page_p95_ms"]
    report = {
        "versions": versions(),
        "limit": LIMIT,
        "sizes": results,
        "p95_ratio_large_to_small": ratio,
        "target": TARGET,
        "walk": walk,
    }
    if args.json:
        print(json.dumps(report, indent=2))
        return
    print(f"impact feed paging, limit {LIMIT} (SQLite, WAL, synchronous=FULL)")
    print(
        f"{'entries':>9} {'pages':>6} {'p50 ms':>8} {'p95 ms':>8} "
        f"{'floor p95 ms':>13} {'x floor':>8}"
    )
    for r in results.values():
        over = r["page_p95_ms"] / r["floor_p95_ms"]
        print(
            f"{r['entries']:>9,} {r['pages']:>6,} {r['page_p50_ms']:>8.3f} "
            f"{r['page_p95_ms']:>8.3f} {r['floor_p95_ms']:>13.3f} {over:>8.1f}"
        )
    verdict = "ok" if ratio <= TARGET else "MISSED"
    print(
        f"p95 at {args.large:,} / p95 at {args.small:,}: {ratio:.2f}x "
        f"(target <= {TARGET}x: {verdict})"
    )
    print(
        f"walk: {walk['entries_at_start']:,} entries in {walk['pages']:,} pages while another "
        f"process recorded {walk['events_written_meanwhile']:,} events: "
        f"{walk['duplicates']} duplicates, {walk['gaps']} gaps, {walk['unexpected']} unexpected"
    )


if __name__ == "__main__":
    main()
