"""The demo in a real browser: the story end to end, by mouse and by keyboard alone, an
axe-core scan of every page, and a screenshot of each."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from tests.browser._steps import adopt_answer_questions, go, serious, tab_to

Shot = Callable[[Page, str], Path]


def sign_in(page: Page, base: str, who: str) -> None:
    page.goto(f"{base}/signin")
    page.get_by_label(re.compile(f"^{who},")).check()
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text(f"You are signed in as {who}.")).to_be_visible()


def evidence(page: Page, base: str) -> str:
    page.goto(f"{base}/me/skills")
    facts = page.locator("dl.mk-facts").first
    return facts.inner_text()


def test_the_story_from_start_to_finish(page: Page, demo: str, screenshot: Shot) -> None:
    # Bruno signs in and adopts a goal from the menu, with a why and a plan
    sign_in(page, demo, "Bruno")
    page.get_by_role("link", name="My goals").click()
    adopt_answer_questions(page, "I want to give back")
    expect(page.get_by_text("0 of 2 this week")).to_be_visible()
    before = evidence(page, demo)

    # he joins the mission, then answers Chidi's question
    page.get_by_role("link", name="Missions").first.click()
    page.get_by_role("button", name=re.compile("^Join")).click()
    expect(page.get_by_text("You are part of this mission.")).to_be_visible()
    page.get_by_role("link", name="Questions").click()
    page.get_by_role("link", name="What changes for users in the 2.0 release?").click()
    page.get_by_role("textbox", name="Answer").fill(
        "The old config keys are gone; see the upgrade guide."
    )
    page.get_by_role("button", name="Post my answer").click()
    expect(page.get_by_text("Your answer is posted.")).to_be_visible()
    page.get_by_role("link", name="My goals").click()
    expect(page.get_by_text("1 of 2 this week")).to_be_visible()

    # Chidi finds it helpful
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, demo, "Chidi")
    page.get_by_role("link", name="What changes for users in the 2.0 release?").click()
    page.get_by_role("button", name="This helped me (answer by Bruno)").click()
    expect(page.get_by_text("You found this helpful.")).to_be_visible()

    # Bruno sees the story, why it is there, his skill grown, and his part in the mission
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, demo, "Bruno")
    page.get_by_role("link", name="My impact").click()
    expect(page.get_by_text("Chidi found your answer helpful", exact=True)).to_be_visible()
    screenshot(page, "story-impact")
    page.get_by_role("link", name=re.compile("Why is this here")).first.click()
    expect(page.get_by_role("heading", name="Why this story is here")).to_be_visible()
    after = evidence(page, demo)
    assert after != before
    assert "1 piece" in after
    page.get_by_role("link", name="My missions").click()  # the pages' own missions page
    expect(page.locator("main")).to_contain_text("One of the 7 contributions was yours")

    # anyone can verify the log with the public key
    page.get_by_role("link", name="Audit log").click()
    page.get_by_role("button", name="Sign the log as it is now").click()
    page.get_by_role("button", name="Verify the log").click()
    expect(page.get_by_text(re.compile(r"Verified: \d+ entries"))).to_be_visible()
    screenshot(page, "story-audit")


def key_sign_in(page: Page, person: str) -> None:
    tab_to(page, 'a[href="/signin"]')
    go(page, "Enter")
    page.wait_for_url("**/signin")
    tab_to(page, "input[name=person]")
    while not page.evaluate(f"document.getElementById('person-{person}').checked"):
        page.keyboard.press("ArrowDown")
    tab_to(page, "button[type=submit]:not(.site button)")
    go(page, "Enter")
    page.wait_for_url(re.compile(r"/$"))


def test_the_same_path_with_the_keyboard_alone(page: Page, demo: str) -> None:
    page.goto(demo)
    key_sign_in(page, "bruno")
    tab_to(page, 'a[href="/me/goals"]')
    go(page, "Enter")
    page.wait_for_url("**/me/goals")
    tab_to(page, "#adopt-weekly-answers-why")
    page.keyboard.type("I want to give back")
    tab_to(page, 'form:has(input[value="weekly-answers"]) button')
    go(page, "Space")
    expect(page.get_by_text("You chose the goal “Answer questions”.")).to_be_visible()

    tab_to(page, 'nav[aria-label=Forum] a[href="/missions"]')
    go(page, "Enter")
    tab_to(page, "main button")
    go(page, "Enter")
    expect(page.get_by_text("You are part of this mission.")).to_be_visible()

    tab_to(page, 'nav[aria-label=Forum] a[href="/"]')
    go(page, "Enter")
    tab_to(page, 'a[href="/questions/q-release"]')
    go(page, "Enter")
    tab_to(page, "#answer-body")
    page.keyboard.type("The old config keys are gone; see the upgrade guide.")
    tab_to(page, 'form[action$="/answers"] button')
    go(page, "Enter")
    expect(page.get_by_text("Your answer is posted.")).to_be_visible()

    tab_to(page, ".site button")  # sign out
    go(page, "Space")
    page.wait_for_url(re.compile(r"/$"))
    key_sign_in(page, "chidi")
    tab_to(page, 'a[href="/questions/q-release"]')
    go(page, "Enter")
    tab_to(page, 'form[action*="/helpful"] button')
    go(page, "Enter")
    expect(page.get_by_text("You found this helpful.")).to_be_visible()

    tab_to(page, ".site button")
    go(page, "Enter")
    page.wait_for_url(re.compile(r"/$"))
    key_sign_in(page, "bruno")
    tab_to(page, 'a[href="/me/impact"]')
    go(page, "Enter")
    expect(page.get_by_text("Chidi found your answer helpful", exact=True)).to_be_visible()
    tab_to(page, 'a[href$="/why"]')
    go(page, "Enter")
    expect(page.get_by_role("heading", name="Why this story is here")).to_be_visible()
    tab_to(page, 'a[href="/me/skills"]')
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"  # the focused link shows where the focus is
    go(page, "Enter")
    expect(page.locator("dl.mk-facts").first).to_contain_text("1 piece")

    tab_to(page, 'a[href="/audit"]')
    go(page, "Enter")
    tab_to(page, 'form[action$="/audit/checkpoint"] button')
    go(page, "Enter")
    page.wait_for_url("**/audit")
    tab_to(page, 'form[action$="/audit/verify"] button')
    go(page, "Enter")
    expect(page.get_by_text(re.compile(r"Verified: \d+ entries"))).to_be_visible()


def test_axe_finds_no_serious_violation_on_any_page(
    page: Page, demo: str, screenshot: Shot
) -> None:
    axe = Axe()
    sign_in(page, demo, "Ada")
    page.goto(f"{demo}/me/impact")
    why = page.get_by_role("link", name=re.compile("Why is this here")).first.get_attribute("href")
    pages = {
        "questions": "/",
        "question": "/questions/q-install",
        "forum-missions": "/missions",
        "audit": "/audit",
        "goals": "/me/goals",
        "skills": "/me/skills",
        "impact": "/me/impact",
        "impact-why": why,
        "skill-why": "/me/skills/helping/why",
        "missions": "/me/missions",
        "settings": "/me/settings",
    }
    found: dict[str, list[str]] = {}
    for name, path in pages.items():
        page.goto(f"{demo}{path}")
        found[name] = serious(axe, page)
        screenshot(page, name)
    # a refused form: the problem shown beside its field
    page.goto(f"{demo}/me/goals")
    page.locator("#create-title").fill(" ")
    page.locator("#create-title").evaluate("e => e.removeAttribute('required')")
    page.get_by_role("button", name="Save my goal").click()
    expect(page.locator("#create-title-error")).to_be_visible()
    found["goals-error"] = serious(axe, page)
    screenshot(page, "goals-error")
    page.get_by_role("button", name="Sign out").click()
    page.goto(f"{demo}/signin")
    found["signin"] = serious(axe, page)
    screenshot(page, "signin")
    assert {k: v for k, v in found.items() if v} == {}


def test_the_scan_does_catch_a_serious_violation(page: Page) -> None:
    page.set_content('<html><body><img src="data:,"><button></button></body></html>')
    found = serious(Axe(), page)
    assert any(v.startswith("image-alt") for v in found), found
    assert any(v.startswith("button-name") for v in found), found
