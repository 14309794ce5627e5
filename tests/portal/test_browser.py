"""The public site in headless Chromium: zero axe-core violations on every page in English and
Spanish, usable by keyboard, with and without JavaScript."""

import pytest

from tests.browser import axe_violations, phone_context

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = [
    "/",
    "/tips/",
    "/parking/",
    "/records/",
    "/programs/",
    "/events/",
    "/neighborhoods/",
    "/neighborhoods/north-end/",
    "/contact/",
    "/no-such-page/",
]


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("path", PAGES)
def test_public_page_has_no_accessibility_violations(demo, page, path, language):
    url = demo.url + (path if language == "en" else f"/es{path}")
    page.goto(url)
    assert page.locator("html").get_attribute("lang") == language
    assert page.locator("h1").count() == 1
    assert axe_violations(page) == []


def test_home_on_a_phone_has_no_accessibility_violations(demo, browser):
    context = phone_context(browser)
    phone = context.new_page()
    phone.goto(demo.url + "/es/")
    assert axe_violations(phone) == []
    phone.get_by_role("button", name="Menú").click()
    assert phone.get_by_role("link", name="Denuncias").is_visible()
    assert axe_violations(phone) == []
    context.close()


def test_keyboard_user_skips_to_the_content_and_switches_language(demo, page):
    page.goto(demo.url + "/")
    page.keyboard.press("Tab")
    skip = page.locator(":focus")
    assert skip.inner_text() == "Skip to main content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main-content"

    # Tab to the language switcher and press it, without a mouse: at most once per focusable
    # element of the page (the home page grows a card with each app).
    focusable = page.locator("a[href], button, input, select, textarea, [tabindex]").count()
    for _ in range(focusable + 5):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.getAttribute('lang')") == "es":
            break
    else:
        pytest.fail("the language switcher cannot be reached with Tab")
    page.keyboard.press("Enter")
    page.wait_for_url(demo.url + "/es/")
    assert page.locator("html").get_attribute("lang") == "es"

    # The choice is remembered: a printed English URL now opens in Spanish.
    page.goto(demo.url + "/parking/")
    assert page.url == demo.url + "/es/parking/"


def test_menu_is_usable_on_a_phone_with_javascript_off(demo, browser):
    context = phone_context(browser, javascript=False)
    phone = context.new_page()
    phone.goto(demo.url + "/")
    assert phone.get_by_role("link", name="Tips", exact=True).is_visible()
    phone.get_by_role("link", name="Contact", exact=True).click()
    assert phone.url == demo.url + "/contact/"
    context.close()


def test_home_page_screenshot_for_the_readme(demo, page, tmp_path):
    page.goto(demo.url + "/")
    path = tmp_path / "home.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 10_000
