"""The app's shipped migrations: they apply from zero on every database the store
supports, they make exactly the SQL store's schema (tables, columns, primary keys, unique
constraints and indexes, every one tenant first), and ``makemigrations`` finds nothing
left to write."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db import connections

from motivekit.store.sql._schema import metadata

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "postgres", "mariadb"])
ALIASES = ["default", "postgres", "mariadb"]
TABLES = sorted(metadata.tables)


def _django_tables(alias: str) -> set[str]:
    with connections[alias].cursor() as cursor:
        names = connections[alias].introspection.table_names(cursor)
    return {n for n in names if n.startswith("motivekit_")}


def _shape(alias: str, table: str) -> dict[str, object]:
    """Columns, primary key and the other keys and indexes of ``table`` (their columns)."""
    introspection = connections[alias].introspection
    with connections[alias].cursor() as cursor:
        columns = {c.name for c in introspection.get_table_description(cursor, table)}
        constraints = introspection.get_constraints(cursor, table)
    primary = [tuple(c["columns"]) for c in constraints.values() if c["primary_key"]]
    unique = {
        tuple(c["columns"]) for c in constraints.values() if c["unique"] and not c["primary_key"]
    }
    indexes = {
        tuple(c["columns"])
        for c in constraints.values()
        if c["index"] and not c["unique"] and not c["primary_key"]
    }
    return {"columns": columns, "primary": primary, "unique": unique, "indexes": indexes}


def _reference(table: str) -> dict[str, object]:
    t = metadata.tables[table]
    unique = {
        tuple(c.name for c in con.columns)
        for con in t.constraints
        if con.__class__.__name__ == "UniqueConstraint"
    }
    return {
        "columns": {c.name for c in t.columns},
        "primary": [tuple(c.name for c in t.primary_key.columns)],
        "unique": unique,
        "indexes": {tuple(c.name for c in i.columns) for i in t.indexes},
    }


@pytest.mark.parametrize("alias", ALIASES)
def test_migrations_apply_from_zero_and_make_the_sql_stores_schema(alias: str) -> None:
    out = io.StringIO()
    call_command("migrate", "motivekit", "zero", database=alias, stdout=out, verbosity=0)
    assert _django_tables(alias) == set()
    call_command("migrate", "motivekit", database=alias, stdout=out, verbosity=0)
    assert _django_tables(alias) >= set(TABLES)
    for table in TABLES:
        shape = _shape(alias, table)
        assert shape == _reference(table), table
        assert all(key[0] == "tenant" for key in shape["primary"]), table  # type: ignore[attr-defined]
    items = _shape(alias, "motivekit_impact_items")
    assert items["indexes"] == {
        ("tenant", "recipient", "position", "beneficiary"),
        ("tenant", "recipient", "seq", "n"),
        ("tenant", "beneficiary"),
    }
    assert _shape(alias, "motivekit_journal")["unique"] == {("tenant", "event_id")}


def test_mariadb_text_columns_compare_case_and_code_points() -> None:
    with connections["mariadb"].cursor() as cursor:
        cursor.execute(
            "SELECT table_name, column_name, collation_name FROM information_schema.columns "
            "WHERE table_schema = DATABASE() AND table_name LIKE 'motivekit\\_%%' "
            "AND collation_name IS NOT NULL"
        )
        collations = {(t, c): coll for t, c, coll in cursor.fetchall()}
    assert collations
    assert set(collations.values()) == {"utf8mb4_bin"}, collations


def test_makemigrations_finds_nothing_to_write() -> None:
    out = io.StringIO()
    call_command("makemigrations", "motivekit", check=True, dry_run=True, stdout=out)
    assert "No changes detected" in out.getvalue()


def test_the_models_pass_djangos_checks_on_every_database() -> None:
    from django.apps import apps
    from django.core import checks

    found = checks.run_checks(
        app_configs=[apps.get_app_config("motivekit")],
        tags=[checks.Tags.models, checks.Tags.database],
        databases=ALIASES,
    )
    assert found == []
