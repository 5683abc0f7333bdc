"""Steps both browser tests take: the keyboard, the axe scan, adopting the menu goal."""

from __future__ import annotations

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

__all__ = ["adopt_answer_questions", "go", "serious", "tab_to"]


def tab_to(page: Page, selector: str, limit: int = 120) -> None:
    """Press Tab until the focused element matches ``selector`` (fails if it never does)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def go(page: Page, key: str) -> None:
    """Press ``key`` on the focused link or button and wait for the page it opens."""
    with page.expect_navigation():
        page.keyboard.press(key)


def serious(axe: Axe, page: Page) -> list[str]:
    results = axe.run(page, options={"resultTypes": ["violations"]})
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def adopt_answer_questions(page: Page, why: str) -> None:
    """On the goals page, adopt the menu's "Answer questions" with ``why`` and a plan."""
    name = "Adopt “Answer questions”"
    adopt = page.locator("form", has=page.get_by_role("button", name=name))
    adopt.get_by_label("Why this matters to me").fill(why)
    adopt.get_by_label("When…").fill("I have my Friday coffee")
    adopt.get_by_label("then I will…").fill("I answer one open question")
    adopt.get_by_role("button", name=name).click()
    expect(page.get_by_text("You chose the goal “Answer questions”.")).to_be_visible()
