"""The report opens in a real browser with its plots and asks the network for nothing."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import BrowserContext, Page, Route

from motivekit.report import render_html
from tests.test_report import sample

Shot = Callable[[Page, str], Path]


def test_the_report_renders_offline(
    browser: BrowserContext, page: Page, tmp_path: Path, screenshot: Shot
) -> None:
    asked: list[str] = []

    def refuse(route: Route) -> None:
        asked.append(route.request.url)
        route.abort()

    browser.route("http*://**/*", refuse)
    report = tmp_path / "report.html"
    report.write_text(render_html(sample()), "utf-8")
    page.goto(report.as_uri())
    assert page.title() == "Help desk & motivation"
    plots = page.locator("figure svg[role=img]")
    assert plots.count() == 2
    for i in range(2):
        box = plots.nth(i).bounding_box()
        assert box is not None
        assert box["width"] > 300
        assert box["height"] > 100
    assert page.get_by_role("img", name="Interest and enjoyment by design version").is_visible()
    page.get_by_text("The numbers").first.click()
    assert page.get_by_role("cell", name="fewer than 10 respondents").is_visible()
    assert asked == []
    shot = screenshot(page, "report")
    assert shot.stat().st_size > 10_000
