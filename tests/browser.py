"""Shared pieces of the browser tests: Chromium from Debian, driven by Playwright, and axe-core
for accessibility."""

import os

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, BrowserContext, sync_playwright

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# A phone held upright (an iPhone 12-15's viewport), as residents and officers on the street use.
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True}
AXE_OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"],
    },
    "resultTypes": ["violations"],
}


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()


def phone_context(browser: Browser, *, javascript: bool = True) -> BrowserContext:
    """A browser context on a phone, with JavaScript on or off; the test closes it."""
    return browser.new_context(**PHONE, java_script_enabled=javascript)


def axe_violations(page) -> list[str]:
    """Each violation as one readable line: rule, impact, and the first offending elements."""
    results = Axe().run(page, options=AXE_OPTIONS)
    lines = []
    for violation in results.response["violations"]:
        targets = [node["target"] for node in violation["nodes"][:3]]
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']} {targets}")
    return lines
