"""The example Django site (examples/django_site) in a real browser: the story end to end
through the drop-in pages, the same with the keyboard alone, and an axe-core scan of every
page. The site runs as its own process (``runserver``, tests/_django_site.py)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from tests._django_site import serve
from tests.browser._steps import adopt_answer_questions, go, serious, tab_to

Shot = Callable[[Page, str], Path]


@pytest.fixture
def site(tmp_path: Path) -> Iterator[str]:
    with serve(tmp_path / "site") as base:
        yield base


def sign_up(page: Page, base: str, name: str) -> None:
    page.goto(f"{base}/accounts/signup/")
    page.get_by_label("Username").fill(name)
    page.get_by_label("Password", exact=True).fill(f"{name} answers questions gladly")
    page.get_by_label("Password confirmation").fill(f"{name} answers questions gladly")
    page.get_by_role("button", name="Make my account").click()
    expect(page.get_by_text(f"Welcome, {name}.")).to_be_visible()


def sign_in(page: Page, name: str) -> None:
    """Sign in as ``name`` (signed up by :func:`sign_up`) through the "Sign in" link."""
    page.get_by_role("link", name="Sign in").click()
    page.get_by_label("User name").fill(name)
    page.get_by_label("Password").fill(f"{name} answers questions gladly")
    page.get_by_role("button", name="Sign in").click()


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()


def answer_question(page: Page, base: str) -> None:
    page.goto(base)
    page.get_by_role("link", name="What changes for users in the 2.0 release?").click()
    page.get_by_role("textbox", name="Answer").fill("The old keys are gone; see the guide.")
    page.get_by_role("button", name="Post my answer").click()
    expect(page.get_by_text("Your answer is posted. Thank you for helping.")).to_be_visible()


def thank(page: Page, base: str, author: str) -> None:
    page.goto(base)
    page.get_by_role("link", name="What changes for users in the 2.0 release?").click()
    page.get_by_role("button", name=f"This helped me (answer by {author})").click()
    expect(page.get_by_text("You found this helpful.")).to_be_visible()


def test_the_story_from_start_to_finish(page: Page, site: str, screenshot: Shot) -> None:
    sign_up(page, site, "bruno")
    sign_out(page)
    sign_up(page, site, "ada")
    page.get_by_role("link", name="My goals").click()
    adopt_answer_questions(page, "I learned here myself")
    expect(page.get_by_text("0 of 2 this week")).to_be_visible()

    answer_question(page, site)
    page.get_by_role("link", name="My goals").click()
    expect(page.get_by_text("1 of 2 this week")).to_be_visible()
    page.get_by_role("link", name=re.compile("^Why this progress")).click()
    expect(page.get_by_role("heading", name="Why my goal reads as it does")).to_be_visible()

    sign_out(page)
    sign_in(page, "bruno")
    thank(page, site, "ada")
    page.get_by_role("link", name="My impact").click()
    expect(page.get_by_text("No stories yet.")).to_be_visible()  # the story is ada's only

    sign_out(page)
    sign_in(page, "ada")
    page.get_by_role("link", name="My impact").click()
    expect(page.get_by_text("bruno found your answer helpful", exact=True)).to_be_visible()
    screenshot(page, "django-story-impact")
    page.get_by_role("link", name=re.compile("Why is this here")).first.click()
    expect(page.get_by_role("heading", name="Why this story is here")).to_be_visible()
    page.get_by_role("link", name="My skills").click()
    expect(page.locator("dl.mk-facts").first).to_contain_text("1 piece")
    page.get_by_role("link", name="My missions").click()
    expect(page.locator("main")).to_contain_text("Answer every question at the help desk")

    page.get_by_role("link", name="Audit log").click()
    page.get_by_role("button", name="Sign the log as it is now").click()
    expect(page.get_by_text("The log is signed as it is now.")).to_be_visible()
    page.get_by_role("button", name="Verify the log").click()
    expect(page.get_by_text(re.compile(r"Verified: \d+ entries"))).to_be_visible()
    screenshot(page, "django-story-audit")


def test_choosing_and_changing_a_goal_with_the_keyboard_alone(page: Page, site: str) -> None:
    sign_up(page, site, "ada")
    tab_to(page, 'a[href="/me/goals/"]')
    go(page, "Enter")
    page.wait_for_url("**/me/goals/")
    tab_to(page, "#adopt-weekly-answers-why")
    page.keyboard.type("I learned here myself")
    tab_to(page, 'form:has(input[value="weekly-answers"]) button')
    go(page, "Space")
    expect(page.get_by_text("You chose the goal “Answer questions”.")).to_be_visible()
    tab_to(page, "button.mk-quiet")  # pause
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") == "solid"
    go(page, "Enter")
    expect(page.get_by_text("You paused “Answer questions”.")).to_be_visible()
    tab_to(page, "details summary")
    page.keyboard.press("Enter")
    tab_to(page, 'input[name="count"]')
    page.keyboard.press("Control+a")
    page.keyboard.type("3")
    tab_to(page, 'form[action$="/renegotiate/"] button')
    go(page, "Enter")
    expect(page.get_by_text("“Answer questions” now asks for what you chose.")).to_be_visible()
    expect(page.get_by_text("0 of 3 this week")).to_be_visible()


def test_axe_finds_no_serious_violation_on_any_page(
    page: Page, site: str, screenshot: Shot
) -> None:
    axe = Axe()
    found: dict[str, list[str]] = {}

    def scan(name: str, path: str | None = None) -> None:
        if path is not None:
            page.goto(f"{site}{path}")
        found[name] = serious(axe, page)
        screenshot(page, f"django-{name}")

    scan("signed-out", "/me/goals/")
    scan("signup", "/accounts/signup/")
    scan("login", "/accounts/login/")
    sign_up(page, site, "bruno")
    answer_question(page, site)
    sign_out(page)
    sign_up(page, site, "ada")
    answer_question(page, site)
    thank(page, site, "bruno")
    sign_out(page)
    sign_in(page, "bruno")
    thank(page, site, "ada")
    page.goto(f"{site}/me/goals/")
    page.get_by_role("button", name="Adopt “Answer questions”").click()
    goal_why_href = page.get_by_role(
        "link", name=re.compile("Why this progress")
    ).first.get_attribute("href")
    page.goto(f"{site}/me/impact/")
    why = page.get_by_role("link", name=re.compile("Why is this here")).first.get_attribute("href")
    pages = {
        "home": "/",
        "question": "/questions/2/",
        "audit": "/audit/",
        "goals": "/me/goals/",
        "goal-why": goal_why_href,
        "skills": "/me/skills/",
        "skill-why": "/me/skills/helping/why/",
        "impact": "/me/impact/",
        "impact-why": why,
        "missions": "/me/missions/",
        "settings": "/me/settings/",
        "not-found": "/me/skills/nope/why/",
    }
    for name, path in pages.items():
        assert path is not None, name
        scan(name, path)
    # refused forms: the problem shown beside its field
    page.goto(f"{site}/me/goals/")
    page.locator("#create-title").fill(" ")
    page.locator("#create-title").evaluate("e => e.removeAttribute('required')")
    page.get_by_role("button", name="Save my goal").click()
    expect(page.locator("#create-title-error")).to_be_visible()
    scan("goals-error")
    sign_out(page)
    page.goto(f"{site}/accounts/signup/")
    page.get_by_label("Username").fill("ada")  # taken, and the passwords differ
    page.get_by_label("Password", exact=True).fill("one long passphrase")
    page.get_by_label("Password confirmation").fill("another long passphrase")
    page.get_by_role("button", name="Make my account").click()
    expect(page.get_by_text("There is a problem:")).to_be_visible()
    scan("signup-error")
    assert {k: v for k, v in found.items() if v} == {}
