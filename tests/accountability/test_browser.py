"""The transparency page in Chromium: zero axe violations in English and Spanish, on a desktop
and on a phone; reachable from the footer; the downloads and every table reachable by keyboard
alone; the charts hidden from screen readers beside their tables."""

import pytest

from tests.browser import axe_violations, phone_context

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_page_has_no_axe_violations_and_works_by_keyboard(
    live_server, page, hand_cases, language
):
    base = live_server.url + ("" if language == "en" else "/es")
    page.goto(base + "/")
    footer = page.locator("footer a[href$='/accountability/']")
    assert footer.count() == 1
    footer.click()
    page.wait_for_selector("h1")
    assert page.locator("html").get_attribute("lang") == language
    assert axe_violations(page) == []

    # The charts are decoration: hidden from screen readers, each beside its table.
    charts = page.locator("svg.portal-chart")
    assert charts.count() >= 5
    for n in range(charts.count()):
        assert charts.nth(n).get_attribute("aria-hidden") == "true"
    assert page.locator("table").count() == page.locator("div.portal-figure").count()

    # Keyboard only: Tab reaches the CSV link, the JSON link and every table's scroll region.
    reached = []
    for _ in range(120):
        page.keyboard.press("Tab")
        reached.append(
            page.evaluate(
                "(() => { const e = document.activeElement;"
                " return (e.getAttribute('href') ||"
                " (e.getAttribute('role') === 'region' ?"
                " 'region:' + e.getAttribute('aria-labelledby') : e.tagName)); })()"
            )
        )
    assert any(r.endswith("/accountability/figures.csv") for r in reached)
    assert any(r.endswith("/accountability/figures.json") for r in reached)
    regions = {r for r in reached if r.startswith("region:")}
    assert len(regions) == page.locator("table").count()
    # Enter on the contents link moves to the section.
    page.keyboard.press("Home")
    page.locator("a[href='#set-complaints']").focus()
    page.keyboard.press("Enter")
    assert page.url.endswith("#set-complaints")


def test_the_page_on_a_phone(live_server, browser, hand_cases):
    context = phone_context(browser)
    try:
        page = context.new_page()
        page.goto(live_server.url + "/es/accountability/")
        assert "Rendición de cuentas en cifras" in page.locator("h1").inner_text()
        assert page.locator("td", has_text="<5").count() > 0
        assert axe_violations(page) == []
    finally:
        context.close()
