"""``record`` and ``record_many`` on PostgreSQL and MariaDB, with 1, 2 and 4 writer processes,
in one tenant and across four, each beside the bare batched insert of the same journal rows
in the same run.

What is measured
----------------
For each server, each tenancy and each number of writer processes ``P``, the writers start
together (a barrier) and the figure is the events all of them recorded over the wall time
from the barrier until the last one finished (aggregate events per second):

* ``record_many``: each writer records ``batches`` batches of ``batch`` events, one
  ``kit.record_many`` each (one transaction each);
* ``record``: each writer records ``singles`` events one ``kit.record`` at a time.

Each database is made for the figure and gets the scenario's setup (goals) and one batch of
events before any clock starts, then ``ANALYZE``: a database in use, whose planner has
statistics (autovacuum gives them within a minute; a database made a moment ago has none,
and PostgreSQL then reads the tenant's entries to find a batch's event ids, once each).

Scenarios (``_ingest_workloads.py``): ``plain`` (the event moves nothing but the journal and
the log) and ``goals`` (every event moves two goals of its actor). Each writer takes its own
range of event numbers, so no two writers send the same id; they share the users, so in one
tenant they update the same goals.

Tenancy: ``one``: every writer writes to one tenant, so they take turns on its log head;
``four``: writer ``p`` sends its ``j``-th batch (or event) to tenant ``(p + j) % 4``, so up
to four transactions can commit at once.

The floor
---------
Beside each figure, in the same run and interleaved with it, the same writers insert the
same number of journal rows (the rows motivekit writes for those events: sealed entries of
the same bytes, renumbered) into a plain table of the journal's shape (primary key ``seq``,
unique ``event_id``) with the raw driver's ``executemany`` (psycopg 3 pipelines it; PyMySQL
sends one multi-row ``INSERT``), one transaction per batch (``record_many``) or per row
(``record``), on a connection set up as the Kit's (READ COMMITTED). It reads nothing and
updates nothing: what appending the journal alone costs on that server. The ratio is the
floor's events per second over motivekit's (how many times slower). Target: ``record_many``
within 3x of its floor with one writer. Each figure is the median of ``--repeat`` runs.

Servers: the admin URLs in ``MOTIVEKIT_TEST_POSTGRES`` and ``MOTIVEKIT_TEST_MARIADB`` (set by
``eval "$(scripts/test-databases.sh)"``), or the local defaults; each run makes throwaway
databases there. Both servers flush their log at every commit (their defaults), so the
figures are bound by ``fsync`` on this machine's disk.
"""

from __future__ import annotations

import argparse
import importlib
import itertools
import json
import multiprocessing
import os
import statistics
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any, Literal

import attrs
import sqlalchemy as sa
from _common import progress, versions
from _ingest_workloads import Scenario, Workload, open_kit

from motivekit._entries import event_draft, seal

Server = Literal["postgresql", "mariadb"]
Tenancy = Literal["one", "four"]
ADMIN: dict[Server, tuple[str, str]] = {
    "postgresql": (
        "MOTIVEKIT_TEST_POSTGRES",
        "postgresql+psycopg://postgres@127.0.0.1:5432/postgres",
    ),
    "mariadb": ("MOTIVEKIT_TEST_MARIADB", "mysql+pymysql://root@127.0.0.1:3306/mysql"),
}
TENANTS = ("t0", "t1", "t2", "t3")
USERS = 40
TARGET = 3.0
WARM_FIRST = 900_000_000
"""Event numbers of the batch each database gets before it is measured (the writers take
theirs from 10,000,000 on)."""


@attrs.frozen
class Settings:
    batch: int
    batches: int
    singles: int
    repeat: int
    processes: tuple[int, ...]


FULL = Settings(batch=500, batches=4, singles=150, repeat=3, processes=(1, 2, 4))
QUICK = Settings(batch=20, batches=2, singles=5, repeat=1, processes=(1, 2))


# -- databases --------------------------------------------------------------------------------


def admin_url(server: Server) -> sa.URL:
    env, default = ADMIN[server]
    return sa.make_url(os.environ.get(env) or default)


@contextmanager
def database(server: Server) -> Iterator[str]:
    """A new empty database on ``server``; its URL while the block runs."""
    name = f"mkbench_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(admin_url(server), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(sa.text(f"CREATE DATABASE {name}"))
        yield admin_url(server).set(database=name).render_as_string(hide_password=False)
    finally:
        force = " WITH (FORCE)" if server == "postgresql" else ""
        with admin.connect() as conn:
            conn.execute(sa.text(f"DROP DATABASE IF EXISTS {name}{force}"))
        admin.dispose()


FLOOR_TABLE = """CREATE TABLE floor_journal (
    seq BIGINT PRIMARY KEY, type VARCHAR(16) NOT NULL, name VARCHAR(128) NOT NULL,
    event_id VARCHAR(200) UNIQUE, recorded_at BIGINT NOT NULL, entry {blob} NOT NULL,
    leaf_hash {hash} NOT NULL, subject VARCHAR(200), personal {blob})"""
FLOOR_INSERT = (
    "INSERT INTO floor_journal (seq, type, name, event_id, recorded_at, entry, leaf_hash,"
    " subject, personal) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)"
)


def analyze(url: str, server: Server) -> None:
    """Give the planner the statistics autovacuum (PostgreSQL) or InnoDB's automatic
    recalculation (MariaDB) have by the time a live database is measured. A database made
    a moment ago has none: PostgreSQL then guesses a handful of journal rows per tenant
    and reads them all to find a batch's event ids (each checked against the ids once by
    hash: linear in the journal, where the unique index takes 0.7 ms)."""
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        if server == "postgresql":
            conn.exec_driver_sql("ANALYZE")
        else:
            tables = sa.inspect(conn).get_table_names()
            conn.exec_driver_sql(f"ANALYZE TABLE {', '.join(tables)}").all()
    engine.dispose()


def create_floor(url: str, server: Server) -> None:
    blob, hash_ = ("BYTEA", "BYTEA") if server == "postgresql" else ("LONGBLOB", "VARBINARY(32)")
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql(FLOOR_TABLE.format(blob=blob, hash=hash_))
    engine.dispose()


def driver_connection(url: str, server: Server) -> Any:
    """A raw driver connection, READ COMMITTED as the Kit's writers."""
    parsed = sa.make_url(url)
    if server == "postgresql":
        import psycopg

        return psycopg.connect(
            host=parsed.host,
            port=parsed.port,
            user=parsed.username,
            dbname=parsed.database,
            password=parsed.password or "",
        )
    pymysql: Any = importlib.import_module("pymysql")  # untyped
    conn = pymysql.connect(
        host=parsed.host,
        port=parsed.port or 3306,
        user=parsed.username,
        password=parsed.password or "",
        database=parsed.database,
        charset="utf8mb4",
    )
    with conn.cursor() as cursor:
        cursor.execute("SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED")
    return conn


# -- the writers ------------------------------------------------------------------------------


Job = tuple[str, Scenario, str, Tenancy, int, int, Settings]
"""(kind: "kit" or "floor", scenario, url, tenancy, process, processes, settings)."""


def _events(scenario: Scenario, process: int, settings: Settings, mode: str) -> list[Any]:
    count = settings.batch * settings.batches if mode == "record_many" else settings.singles
    workload = Workload(scenario, USERS, first=(process + 1) * 10_000_000)
    return workload.take(count)


def _tenant_for(tenancy: Tenancy, process: int, j: int) -> str | None:
    return None if tenancy == "one" else TENANTS[(process + j) % len(TENANTS)]


def run_writer(job: Job, mode: str, ready: Any, go: Any, out: Any) -> None:
    """One writer process: prepare everything, wait for ``go``, write, report seconds."""
    kind, scenario, url, tenancy, process, _, settings = job
    events = _events(scenario, process, settings, mode)
    groups = (
        [events[i : i + settings.batch] for i in range(0, len(events), settings.batch)]
        if mode == "record_many"
        else [[e] for e in events]
    )
    server: Server = "postgresql" if url.startswith("postgresql") else "mariadb"
    if kind == "kit":
        kits = {
            t: open_kit(scenario, url, tenant=t)
            for t in {_tenant_for(tenancy, process, j) for j in range(4)}
        }
        # Warm every Kit's connection and statement cache on an event of its own.
        for k, kit in enumerate(kits.values()):
            kit.record(_events(scenario, process + 100 + k, settings, "record")[0])
        ready.set()
        go.wait()
        start = time.perf_counter()
        for j, group in enumerate(groups):
            kit = kits[_tenant_for(tenancy, process, j)]
            outcomes = kit.record_many(group) if mode == "record_many" else [kit.record(group[0])]
            if any(o.duplicate for o in outcomes):
                raise RuntimeError("benchmark bug: a writer sent an id twice")
        elapsed = time.perf_counter() - start
        for kit in kits.values():
            kit.close()
    else:
        now = datetime.now(UTC)
        base = (process + 1) * 10_000_000
        rows = [
            [
                _row(seal(event_draft(e, now, 0, 1 << 20), base + j * 10_000 + i))
                for i, e in enumerate(g)
            ]
            for j, g in enumerate(groups)
        ]
        conn = driver_connection(url, server)
        ready.set()
        go.wait()
        start = time.perf_counter()
        with conn.cursor() as cursor:
            for group_rows in rows:
                cursor.executemany(FLOOR_INSERT, group_rows)
                conn.commit()
        elapsed = time.perf_counter() - start
        conn.close()
    out.put(elapsed)


def _row(entry: Any) -> tuple[Any, ...]:
    return (
        entry.seq,
        entry.type,
        entry.name,
        entry.event_id,
        0,
        entry.raw,
        entry.leaf_hash,
        entry.subject,
        entry.personal,
    )


def run_all(jobs: Sequence[Job], mode: str) -> float:
    """Start one process per job, release them together; the slowest one's seconds."""
    spawn = multiprocessing.get_context("spawn")
    go, out = spawn.Event(), spawn.Queue()
    readies = [spawn.Event() for _ in jobs]
    procs = [
        spawn.Process(target=run_writer, args=(job, mode, ready, go, out))
        for job, ready in zip(jobs, readies, strict=True)
    ]
    for proc in procs:
        proc.start()
    for ready, proc in zip(readies, procs, strict=True):
        while not ready.wait(1):
            if not proc.is_alive():
                raise RuntimeError(f"a writer failed to start (exit {proc.exitcode})")
    go.set()
    seconds: list[float] = [out.get(timeout=600) for _ in procs]
    for proc in procs:
        proc.join(60)
        if proc.exitcode != 0:
            raise RuntimeError(f"a writer failed (exit {proc.exitcode})")
    return max(seconds)


# -- one configuration ------------------------------------------------------------------------


@attrs.frozen
class Result:
    server: Server
    scenario: Scenario
    tenancy: Tenancy
    processes: int
    mode: str
    events: int
    kit_s: tuple[float, ...]
    floor_s: tuple[float, ...]

    @property
    def kit_eps(self) -> float:
        return self.events / statistics.median(self.kit_s)

    @property
    def floor_eps(self) -> float:
        return self.events / statistics.median(self.floor_s)

    @property
    def ratio(self) -> float:
        return self.floor_eps / self.kit_eps

    def as_json(self) -> dict[str, Any]:
        return {
            **attrs.asdict(self),
            "kit_eps": self.kit_eps,
            "floor_eps": self.floor_eps,
            "ratio": self.ratio,
        }


def measure(
    server: Server, scenario: Scenario, tenancy: Tenancy, processes: int, mode: str, s: Settings
) -> Result:
    kit_runs, floor_runs = [], []
    for _ in range(s.repeat):
        with database(server) as url:
            with open_kit(scenario, url) as kit:  # the schema, before the writers open it
                pass
            for tenant in TENANTS if tenancy == "four" else (None,):
                with open_kit(scenario, url, tenant=tenant) as kit:
                    workload = Workload(scenario, USERS, first=WARM_FIRST)
                    workload.setup(kit)
                    kit.record_many(workload.take(s.batch))  # a database in use
            analyze(url, server)
            create_floor(url, server)
            jobs = [("floor", scenario, url, tenancy, p, processes, s) for p in range(processes)]
            floor_runs.append(run_all(jobs, mode))
            jobs = [("kit", scenario, url, tenancy, p, processes, s) for p in range(processes)]
            kit_runs.append(run_all(jobs, mode))
    per = s.batch * s.batches if mode == "record_many" else s.singles
    return Result(
        server,
        scenario,
        tenancy,
        processes,
        mode,
        per * processes,
        tuple(kit_runs),
        tuple(floor_runs),
    )


def table(results: Sequence[Result]) -> str:
    lines = [
        f"{'server':<11}{'scenario':<9}{'tenants':<8}{'procs':>5}  {'mode':<12}"
        f"{'events':>7}{'floor ev/s':>12}{'ev/s':>10}{'ratio':>8}  target",
        "-" * 92,
    ]
    for r in results:
        target = ""
        if r.mode == "record_many" and r.processes == 1:
            target = f"<= {TARGET:g}x  {'ok' if r.ratio <= TARGET else 'MISSED'}"
        lines.append(
            f"{r.server:<11}{r.scenario:<9}{r.tenancy:<8}{r.processes:>5}  {r.mode:<12}"
            f"{r.events:>7,}{r.floor_eps:>12,.0f}{r.kit_eps:>10,.0f}{r.ratio:>7.2f}x  {target}"
        )
    return "\n".join(lines)


def scaling(results: Sequence[Result]) -> list[str]:
    """Whether aggregate throughput across four tenants grows with writers."""
    out = []
    for server in ("postgresql", "mariadb"):
        for mode in ("record", "record_many"):
            for scenario in {r.scenario for r in results}:
                rows = sorted(
                    (r.processes, r.kit_eps)
                    for r in results
                    if (r.server, r.mode, r.scenario, r.tenancy) == (server, mode, scenario, "four")
                )
                if len(rows) > 1:
                    grows = all(b[1] > a[1] for a, b in itertools.pairwise(rows))
                    figures = ", ".join(f"{p}: {eps:,.0f}" for p, eps in rows)
                    verdict = "grows" if grows else "DOES NOT GROW"
                    out.append(
                        f"{server} {scenario} {mode}, four tenants, ev/s by writers: "
                        f"{figures} ({verdict})"
                    )
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="tiny counts (smoke test)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument("--server", action="append", choices=("postgresql", "mariadb"))
    parser.add_argument("--scenario", action="append", choices=("plain", "goals"))
    parser.add_argument("--tenancy", action="append", choices=("one", "four"))
    parser.add_argument("--repeat", type=int, help="runs per figure (median)")
    parser.add_argument(
        "--processes", type=int, action="append", help="writer processes (default: 1, 2 and 4)"
    )
    args = parser.parse_args(argv)
    settings = QUICK if args.quick else FULL
    if args.repeat:
        settings = attrs.evolve(settings, repeat=args.repeat)
    if args.processes:
        settings = attrs.evolve(settings, processes=tuple(args.processes))
    results = []
    for server in args.server or ("postgresql", "mariadb"):
        for scenario in args.scenario or ("plain", "goals"):
            for tenancy in args.tenancy or ("one", "four"):
                for processes in settings.processes:
                    for mode in ("record_many", "record"):
                        progress(f"{server} {scenario} {tenancy} x{processes} {mode} ... ")
                        result = measure(server, scenario, tenancy, processes, mode, settings)
                        progress(f"{result.kit_eps:,.0f} ev/s ({result.ratio:.2f}x)\n")
                        results.append(result)
    if args.json:
        report = {
            "versions": versions(),
            "settings": attrs.asdict(settings),
            "results": [r.as_json() for r in results],
        }
        print(json.dumps(report, indent=2))
    else:
        print(table(results))
        print()
        for line in scaling(results):
            print(line)
        print(
            "\nratio = floor ev/s / motivekit ev/s; "
            "floor: the same journal rows, raw driver executemany"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
