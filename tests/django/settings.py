"""The test project every Django test runs in (``DJANGO_SETTINGS_MODULE``).

Three databases: ``default`` is a SQLite file; ``postgres`` and ``mariadb`` are the test
servers of the rest of the suite (``MOTIVEKIT_TEST_POSTGRES`` / ``MOTIVEKIT_TEST_MARIADB``,
exported by ``eval "$(scripts/test-databases.sh)"``; see ``tests/_servers.py``). A test
that uses a server alias (``@pytest.mark.django_db(databases=["postgres"])``) FAILS, with
that fix, when the server cannot be reached or its driver is missing: ``tests/django/conftest.py`` checks before
Django creates its test databases. Every database name carries the process id, so several
runs (and xdist workers) never share one.

The users are a custom ``AUTH_USER_MODEL`` (``accounts.User``, a UUID primary key), so
every test also shows that nothing assumes Django's own ``auth.User``.
"""

from __future__ import annotations

import os
import tempfile
import uuid
from pathlib import Path
from typing import Any

from tests._servers import SERVERS
from tests.django._drivers import mysql_driver

BASE_DIR = Path(__file__).resolve().parent
_RUN = f"{uuid.uuid4().hex[:8]}_{os.getpid()}"
_TMP = Path(tempfile.gettempdir())

SECRET_KEY = "motivekit-tests-only"  # a test project
DEBUG = False
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
USE_TZ = True
TIME_ZONE = "UTC"

INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.admin",
    "tests.django.accounts",
    "motivekit_django",
]
AUTH_USER_MODEL = "accounts.User"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast; tests only

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
ROOT_URLCONF = "tests.django.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    }
]
STATIC_URL = "/static/"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


def _server(kind: str, engine: str) -> dict[str, Any]:
    """A Django database on one of the suite's test servers (a new test database)."""
    url = SERVERS[kind].admin_url
    return {
        "ENGINE": engine,
        "NAME": url.database,
        "USER": url.username or "",
        "PASSWORD": url.password or "",
        "HOST": url.host or "127.0.0.1",
        "PORT": str(url.port or ""),
        "TEST": {"NAME": f"mk_dj_{_RUN}"},
    }


DATABASES: dict[str, dict[str, Any]] = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(_TMP / f"motivekit_django_{_RUN}.sqlite3"),
        "TEST": {"NAME": str(_TMP / f"motivekit_django_test_{_RUN}.sqlite3")},
    },
    "postgres": _server("postgresql", "django.db.backends.postgresql"),
}
if mysql_driver():  # mysqlclient, or PyMySQL standing in for it (tests/django/_drivers.py)
    # Without a driver the alias is left out (Django loads every alias's backend) and a
    # test on it fails naming the driver (conftest.py).
    DATABASES["mariadb"] = _server("mariadb", "django.db.backends.mysql")
SERVER_ALIASES = {"postgres": "postgresql", "mariadb": "mariadb"}
"""The aliases on the suite's test servers (alias -> ``tests._servers.SERVERS`` key)."""

MOTIVEKIT: dict[str, Any] = {}
