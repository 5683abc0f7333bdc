"""The test project itself: the app is installed under its label, the databases are the
test ones, and a server alias reaches its server."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import connections


def test_the_app_is_installed_under_its_label() -> None:
    config = apps.get_app_config("motivekit")
    assert config.name == "motivekit_django"
    assert config.verbose_name == "motivekit"


@pytest.mark.django_db
def test_users_are_the_custom_model_with_uuid_keys() -> None:
    user = get_user_model().objects.create_user(username="ada", password="pw")
    assert get_user_model()._meta.label == "accounts.User"
    assert len(str(user.pk)) == 36


@pytest.mark.django_db(databases=["default", "postgres"])
def test_the_postgres_alias_is_a_fresh_test_database() -> None:
    connection = connections["postgres"]
    assert connection.vendor == "postgresql"
    assert connection.settings_dict["NAME"].startswith("mk_dj_")
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_database()")
        assert cursor.fetchone() == (connection.settings_dict["NAME"],)


@pytest.mark.django_db(databases=["default", "mariadb"])
def test_the_mariadb_alias_is_a_fresh_test_database() -> None:
    connection = connections["mariadb"]
    assert connection.vendor == "mysql"
    assert connection.settings_dict["NAME"].startswith("mk_dj_")
    with connection.cursor() as cursor:
        cursor.execute("SELECT DATABASE(), VERSION()")
        name, version = cursor.fetchone()
    assert name == connection.settings_dict["NAME"]
    assert "MariaDB" in version
