"""The example site's settings: a help desk on motivekit's Django app.

Everything the site keeps is in its data folder, ``examples/django_site/data/`` (git-ignored;
``DJANGO_SITE_DATA`` puts it elsewhere): the SQLite database (the site's tables and
motivekit's, one database, created by ``manage.py migrate``), the Ed25519 key that signs
the audit log and the secret key, both made on first start.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from pathlib import Path

from motivekit import Ed25519Signer

BASE_DIR = Path(__file__).resolve().parent.parent
DATA = Path(os.environ.get("DJANGO_SITE_DATA") or BASE_DIR / "data")
DATA.mkdir(parents=True, exist_ok=True)
ORIGIN = "example.com/helpdesk"
"""The audit log's name in its signed checkpoints."""


def _made_once(path: Path, make: Callable[[], str]) -> Path:
    """``path``, written with ``make()`` on first start, readable by the owner only."""
    if not path.exists():
        path.write_text(make())
        path.chmod(0o600)
    return path


SECRET_KEY = _made_once(DATA / "secret.txt", lambda: secrets.token_urlsafe(50)).read_text()
DEBUG = os.environ.get("DJANGO_SITE_DEBUG", "1") == "1"
ALLOWED_HOSTS = ["localhost", "127.0.0.1", "[::1]", "testserver"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "motivekit_django",
    "helpdesk",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
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
DATABASES = {
    "default": {"ENGINE": "django.db.backends.sqlite3", "NAME": DATA / "site.sqlite3"},
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_TZ = True
STATIC_URL = "static/"

MOTIVEKIT = {
    "RULES": BASE_DIR / "motivation.yaml",
    "SIGNING_KEY_FILE": _made_once(
        DATA / "motivekit.key", lambda: Ed25519Signer.generate(ORIGIN).private_key
    ),
    "ORIGIN": ORIGIN,
    "NAMES": "helpdesk.people.display_name",
    "PAGES_LAYOUT": "helpdesk/base.html",
    "PAGES_CANDIDATES": "helpdesk.people.open_questions",
    "PAGES_CHALLENGE_LINK": "helpdesk.people.question_link",
}
