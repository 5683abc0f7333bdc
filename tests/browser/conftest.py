"""The demo served on a free local port, and Debian's Chromium driven by Playwright.

Playwright never downloads a browser here: it drives the executable named by
``MOTIVEKIT_TEST_CHROMIUM`` (default ``/usr/bin/chromium``; ``scripts/test-browser.sh``
installs it). A missing browser fails the tests loudly; they never skip.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Page, Playwright, sync_playwright
from werkzeug.serving import make_server

from examples.flask_demo.app import create_app

SCREENS = Path(__file__).parents[2] / "build" / "screenshots"
"""Where the page screenshots are saved (git-ignored), as test artefacts."""
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[str]:
    """The demo app on 127.0.0.1 with a fresh instance folder; yields its base URL."""
    app = create_app(str(tmp_path / "instance"))
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(5)
        app.extensions["motivekit"].close()


@pytest.fixture(scope="package")
def playwright() -> Iterator[Playwright]:
    # Package scope: Playwright's sync API keeps an event loop running in this thread, and
    # Django refuses database work while one runs (SynchronousOnlyOperation), so it must
    # stop once the browser tests are done, before tests/django/ runs.
    os.environ["PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD"] = "1"
    with sync_playwright() as p:
        yield p


@pytest.fixture
def browser(playwright: Playwright, tmp_path: Path) -> Iterator[BrowserContext]:
    """A fresh Chromium profile (its own user-data-dir) for one test."""
    chromium = os.environ.get("MOTIVEKIT_TEST_CHROMIUM", "/usr/bin/chromium")
    if not os.access(chromium, os.X_OK):
        pytest.fail(
            f'no Chromium at {chromium}: run `eval "$(scripts/test-browser.sh)"` (it installs '
            f"Debian's chromium) or set MOTIVEKIT_TEST_CHROMIUM"
        )
    context = playwright.chromium.launch_persistent_context(
        str(tmp_path / "profile"),
        executable_path=chromium,
        headless=True,
        args=ARGS,
        viewport={"width": 1100, "height": 900},
    )
    context.set_default_timeout(10_000)
    try:
        yield context
    finally:
        context.close()


@pytest.fixture
def page(browser: BrowserContext) -> Page:
    return browser.pages[0] if browser.pages else browser.new_page()


@pytest.fixture
def screenshot() -> Callable[[Page, str], Path]:
    SCREENS.mkdir(parents=True, exist_ok=True)

    def take(page: Page, name: str) -> Path:
        path = SCREENS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
