"""The example Django site (``examples/django_site/``) run as its own process: its
``manage.py`` commands, and ``runserver`` on a free local port.

The site has its own settings, so it never runs inside the test process (whose Django is
the test project, ``tests.django.settings``); ``DJANGO_SETTINGS_MODULE`` is left out of its
environment and ``DJANGO_SITE_DATA`` points it at a fresh data folder.
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import pytest

SITE = Path(__file__).resolve().parents[1] / "examples" / "django_site"
_LEFT_OUT = {"DJANGO_SETTINGS_MODULE", "MOTIVEKIT_URL"}


def site_env(data: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _LEFT_OUT}
    env.update(DJANGO_SITE_DATA=str(data), PYTHONUNBUFFERED="1")
    return env


def manage(data: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``python manage.py <args>`` in the site's folder, on the data folder ``data``."""
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=SITE,
        env=site_env(data),
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serve(data: Path) -> Iterator[str]:
    """``migrate``, then ``runserver`` until the block ends; yields the base URL."""
    migrated = manage(data, "migrate", "--no-input")
    assert migrated.returncode == 0, migrated.stderr
    port = _free_port()
    log = data / "runserver.log"
    with log.open("w") as out:
        server = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
            cwd=SITE,
            env=site_env(data),
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            if server.poll() is not None:
                pytest.fail(f"runserver stopped:\n{log.read_text()}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail(f"runserver did not listen in 60 s:\n{log.read_text()}")
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(10)


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


class Visitor:
    """One person's browser without JavaScript: cookies, forms with their CSRF token, and
    redirects reported rather than followed."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirects()
        )
        self.token = ""

    def _open(self, request: urllib.request.Request) -> tuple[int, str, str]:
        try:
            with self.opener.open(request, timeout=30) as r:
                status, location, body = r.status, r.headers.get("Location", ""), r.read()
        except urllib.error.HTTPError as e:
            status, location, body = e.code, e.headers.get("Location", ""), e.read()
        html = body.decode()
        found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
        if found:
            self.token = found[1]
        return status, location, html

    def get(self, path: str) -> tuple[int, str]:
        """GET ``path``: its status and HTML."""
        status, _, html = self._open(urllib.request.Request(self.base + path))
        return status, html

    def post(self, path: str, form: Mapping[str, str] | None = None) -> tuple[int, str, str]:
        """POST ``form`` (with the last page's CSRF token): status, Location, HTML."""
        data = urllib.parse.urlencode({"csrfmiddlewaretoken": self.token, **(form or {})})
        request = urllib.request.Request(self.base + path, data=data.encode(), method="POST")
        return self._open(request)

    def sign_up(self, name: str) -> None:
        self.get("/accounts/signup/")
        password = f"{name} answers questions gladly"
        form = {"username": name, "password1": password, "password2": password}
        status, location, html = self.post("/accounts/signup/", form)
        assert (status, location) == (303, "/"), html
