"""The Django ORM store (``DjangoStore``) against the SQLAlchemy store (``SqlStore``) on the
same database server, in one run: ``record`` and ``record_many``.

What is measured
----------------
Events per second of a Kit on each store, for

* ``record``: ``kit.record(event)`` in a loop, one transaction per event;
* ``record_many``: ``kit.record_many(batch)`` with 500 events per call;

in two scenarios of the ingest benchmark (``_ingest_workloads.py``): ``plain`` (the event
moves nothing but the journal and its log) and ``goals`` (every event moves two goals of
its actor), over 40 users, on

* SQLite: two files in one temporary directory, both in WAL mode with
  ``synchronous=FULL`` (the SQL store's default; the Django connection gets the same
  through ``OPTIONS["init_command"]``, and the settings are read back from both and
  printed);
* PostgreSQL: two throwaway databases on the server of ``MOTIVEKIT_TEST_POSTGRES`` (set by
  ``eval "$(scripts/test-databases.sh)"``), or the local default.

The two stores have the same tables (the Django app's migrations make the SQL store's
schema), so each needs a database of its own; the SQL store's migrations and Django's
``migrate`` make them before any clock starts, and each Kit gets the scenario's setup
(goals) and one untimed batch first (then, on PostgreSQL, ``ANALYZE`` of both databases,
as ``servers.py`` does). Every timed event's outcome is checked afterwards
(``Workload.check``): a store that silently did less fails the run.

The floor
---------
The SQL store is the floor: the same events, on the same server with the same settings,
measured in the same run and interleaved with the ORM store's runs (SQL, then Django, each
repetition). The ratio is the ORM store's time over the SQL store's (how many times slower
the ORM store is). Each figure is the median of ``--repeat`` runs.

Usage: ``python benchmarks/django_store.py [--quick] [--json] [--repeat N]``; ``--quick``
(a smoke test) shrinks the counts, and its numbers mean nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Literal

import attrs
import sqlalchemy as sa
from _common import MedianRuns, progress, sqlite_settings, timed, versions
from _ingest_workloads import Scenario, Workload, open_kit, rules_for

from motivekit import Kit

Backend = Literal["sqlite", "postgresql"]
Mode = Literal["record", "record_many"]
BACKENDS: tuple[Backend, ...] = ("sqlite", "postgresql")
SCENARIOS: tuple[Scenario, ...] = ("plain", "goals")
MODES: tuple[Mode, ...] = ("record", "record_many")
USERS = 40
POSTGRES = ("MOTIVEKIT_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


@attrs.frozen
class Counts:
    singles: int
    batch: int
    repeat: int


FULL = Counts(singles=300, batch=500, repeat=5)
QUICK = Counts(singles=10, batch=20, repeat=1)


@attrs.frozen
class Result(MedianRuns):
    backend: Backend
    scenario: Scenario
    mode: Mode
    events: int
    runs_s: tuple[float, ...]
    """The ORM store's seconds per repetition."""
    floor_runs_s: tuple[float, ...]
    """The SQL store's seconds per repetition."""
    durability: str

    def as_json(self) -> dict[str, Any]:
        return {
            "backend": self.backend,
            "scenario": self.scenario,
            "mode": self.mode,
            "events": self.events,
            "django_events_per_s": self.events / self.seconds,
            "sql_events_per_s": self.events / self.floor_seconds,
            "ratio": self.ratio,
            "runs": len(self.runs_s),
            "durability": self.durability,
        }


# -- databases --------------------------------------------------------------------------


def _postgres_admin() -> sa.URL:
    env, default = POSTGRES
    return sa.make_url(os.environ.get(env) or default)


@contextmanager
def _postgres_database() -> Iterator[sa.URL]:
    """A new empty PostgreSQL database; its URL while the block runs."""
    name = f"mkbench_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(_postgres_admin(), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(sa.text(f"CREATE DATABASE {name}"))
        yield _postgres_admin().set(database=name)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()


def _django_database(backend: Backend, target: sa.URL | Path) -> dict[str, Any]:
    if isinstance(target, Path):
        # The SQL store's settings (WAL, synchronous=FULL) on Django's connection.
        options = {"init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL"}
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": str(target), "OPTIONS": options}
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": target.database,
        "USER": target.username or "",
        "PASSWORD": target.password or "",
        "HOST": target.host or "127.0.0.1",
        "PORT": str(target.port or ""),
    }


def _set_up_django(databases: dict[str, dict[str, Any]]) -> None:
    import django
    from django.conf import settings
    from django.core.management import call_command

    settings.configure(DATABASES=databases, INSTALLED_APPS=["motivekit_django"], USE_TZ=True)
    django.setup()
    for alias in databases:
        call_command("migrate", database=alias, verbosity=0)


def _django_durability(alias: str) -> str:
    from django.db import connections

    with connections[alias].cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        (mode,) = cursor.fetchone()
        cursor.execute("PRAGMA synchronous")
        (sync,) = cursor.fetchone()
    names = {0: "OFF", 1: "NORMAL", 2: "FULL", 3: "EXTRA"}
    return f"journal_mode={mode}, synchronous={names.get(sync, sync)}"


def _analyze(sql_url: str, alias: str) -> None:
    """Give both databases' planners the statistics a database in use has (autovacuum
    gives them within a minute): one made a moment ago has none, and PostgreSQL may then
    look a batch's keys up in a nested loop over a whole table (see ``servers.py``)."""
    from django.db import connections

    engine = sa.create_engine(sql_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.exec_driver_sql("ANALYZE")
    engine.dispose()
    with connections[alias].cursor() as cursor:
        cursor.execute("ANALYZE")


# -- the runs ---------------------------------------------------------------------------


def _django_kit(scenario: Scenario, alias: str, tenant: str) -> Kit:
    from motivekit_django.store import DjangoStore

    return Kit(DjangoStore(using=alias, tenant=tenant), rules=rules_for(scenario))


def _timed_run(kit: Kit, work: Workload, mode: Mode, n: int) -> float:
    events = work.take(n)
    if mode == "record":
        seconds, outcomes = timed(lambda: [kit.record(e) for e in events])
    else:
        seconds, outcomes = timed(lambda: kit.record_many(events))
    work.check(kit, events, outcomes)
    return seconds


def measure(
    backend: Backend,
    scenario: Scenario,
    sql_url: str,
    alias: str,
    counts: Counts,
) -> list[Result]:
    """Both modes of one scenario on one backend: each Kit in a tenant of its own (the
    scenarios share a database), set up and warmed, then timed in turns."""
    tenant = f"bench-{scenario}"
    sql_kit = open_kit(scenario, sql_url, tenant=tenant)
    orm_kit = _django_kit(scenario, alias, tenant)
    results: list[Result] = []
    try:
        kits: dict[str, tuple[Kit, Workload]] = {}
        for name, kit in (("sql", sql_kit), ("orm", orm_kit)):
            work = Workload(scenario, USERS)
            work.setup(kit)
            _timed_run(kit, work, "record_many", counts.batch)  # warm, untimed
            kits[name] = (kit, work)
        if backend == "postgresql":
            _analyze(sql_url, alias)
        durability = "server defaults (same server, same settings)"
        if backend == "sqlite":
            sql_side = sqlite_settings(sa.create_engine(sql_url))
            orm_side = _django_durability(alias)
            if sql_side != orm_side:
                raise RuntimeError(f"benchmark bug: SQL store {sql_side}, Django {orm_side}")
            durability = orm_side
        for mode in MODES:
            n = counts.singles if mode == "record" else counts.batch
            floor: list[float] = []
            orm: list[float] = []
            for _ in range(counts.repeat):
                floor.append(_timed_run(*kits["sql"], mode, n))
                orm.append(_timed_run(*kits["orm"], mode, n))
                progress(".")
            results.append(Result(backend, scenario, mode, n, tuple(orm), tuple(floor), durability))
    finally:
        sql_kit.close()
        orm_kit.close()
    return results


def run(counts: Counts, backends: tuple[Backend, ...]) -> list[Result]:
    results: list[Result] = []
    with tempfile.TemporaryDirectory() as folder, contextmanager_stack(backends) as servers:
        sql_urls: dict[Backend, str] = {}
        databases: dict[str, dict[str, Any]] = {}
        if "sqlite" in backends:
            sql_urls["sqlite"] = f"sqlite:///{Path(folder) / 'sql.db'}"
            databases["sqlite"] = _django_database("sqlite", Path(folder) / "django.db")
        if "postgresql" in backends:
            sql_db, orm_db = servers
            sql_urls["postgresql"] = sql_db.render_as_string(hide_password=False)
            databases["postgresql"] = _django_database("postgresql", orm_db)
        _set_up_django({"default": databases[backends[0]], **databases})
        for backend in backends:
            for scenario in SCENARIOS:
                progress(f"{backend} {scenario} ")
                results.extend(measure(backend, scenario, sql_urls[backend], backend, counts))
                progress("\n")
        from django.db import connections

        connections.close_all()
    return results


@contextmanager
def contextmanager_stack(backends: tuple[Backend, ...]) -> Iterator[tuple[sa.URL, ...]]:
    """Two PostgreSQL databases (the SQL store's, the ORM store's) if PostgreSQL runs."""
    if "postgresql" not in backends:
        yield ()
        return
    with _postgres_database() as sql_db, _postgres_database() as orm_db:
        yield sql_db, orm_db


def _print(results: list[Result], quick: bool) -> None:
    if quick:
        print("--quick: tiny counts, the numbers are not meaningful")
    print(
        f"{'backend':<11}{'scenario':<9}{'mode':<12}{'SqlStore ev/s':>14}"
        f"{'DjangoStore ev/s':>18}{'ratio':>8}"
    )
    for r in results:
        print(
            f"{r.backend:<11}{r.scenario:<9}{r.mode:<12}{r.events / r.floor_seconds:>14,.0f}"
            f"{r.events / r.seconds:>18,.0f}{r.ratio:>7.2f}x"
        )
    print("ratio: the ORM store's median time over the SQL store's, same events, same server")
    for backend in {r.backend for r in results}:
        print(f"{backend}: {next(r.durability for r in results if r.backend == backend)}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="tiny counts (smoke test)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument("--repeat", type=int, help="repetitions per figure (median)")
    args = parser.parse_args(argv)
    counts = QUICK if args.quick else FULL
    if args.repeat:
        counts = attrs.evolve(counts, repeat=args.repeat)
    results = run(counts, BACKENDS)
    if args.json:
        print(json.dumps({"versions": versions(), "results": [r.as_json() for r in results]}))
    else:
        _print(results, args.quick)
    return 0


if __name__ == "__main__":
    sys.exit(main())
