"""Custody pages in headless Chromium, in English and Spanish: a search, a visit request made
and cancelled by keyboard, zero axe-core violations."""

import pytest
from playwright.sync_api import expect

from custody.models import VisitRequest
from tests.browser import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXT = {
    "en": {
        "last": "Last name",
        "search": "Search",
        "name": "Your name",
        "email": "E-mail",
        "visiting": "Person to visit",
        "request": "Request the visit",
        "booked": "Your visit is booked",
        "cancel": "Cancel my visit",
        "cancelled": "Your visit is cancelled",
    },
    "es": {
        "last": "Apellido",
        "search": "Buscar",
        "name": "Su nombre",
        "email": "Correo electrónico",
        "visiting": "Persona a visitar",
        "request": "Solicitar la visita",
        "booked": "Su visita está reservada",
        "cancel": "Cancelar mi visita",
        "cancelled": "Su visita está cancelada",
    },
}


@pytest.mark.parametrize("language", ["en", "es"])
def test_search_shows_held_adults_only_with_no_accessibility_violations(demo, page, language):
    text = TEXT[language]
    prefix = "" if language == "en" else "/es"
    page.goto(f"{demo.url}{prefix}/custody/")
    assert page.locator("html").get_attribute("lang") == language
    assert page.locator('meta[name="robots"]').get_attribute("content") == "noindex, nofollow"
    assert axe_violations(page) == []
    page.get_by_label(text["last"], exact=True).fill("R")
    page.get_by_label(text["last"], exact=True).press("Enter")
    expect(page.locator("body")).not_to_contain_text("EB-26-0101")
    assert axe_violations(page) == []
    page.get_by_label(text["last"], exact=True).fill("Rivera")
    page.get_by_role("button", name=text["search"], exact=True).click()
    body = page.locator("body")
    expect(body).to_contain_text("EB-26-0101")  # Daniel
    expect(body).to_contain_text("EB-26-0102")  # Ana
    expect(body).not_to_contain_text("EB-26-0105")  # juvenile
    expect(body).not_to_contain_text("EB-26-0106")  # confidential
    assert axe_violations(page) == []


@pytest.mark.parametrize("language", ["en", "es"])
def test_visit_request_and_cancel_by_keyboard(demo, page, language):
    text = TEXT[language]
    prefix = "" if language == "en" else "/es"
    page.goto(f"{demo.url}{prefix}/custody/visit/")
    assert axe_violations(page) == []
    page.locator('input[name="slot"]').first.focus()
    page.keyboard.press("Space")
    page.get_by_label(text["name"]).fill("Sam Visitor")
    page.get_by_label(text["email"]).fill("sam@example.org")
    page.get_by_label(text["visiting"]).fill("EB-26-0101")
    with page.expect_navigation():
        page.get_by_label(text["visiting"]).press("Enter")
    expect(page.locator("body")).to_contain_text(text["booked"])
    assert axe_violations(page) == []
    page.get_by_role("button", name=text["cancel"]).focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator("body")).to_contain_text(text["cancelled"])
    assert axe_violations(page) == []
    assert VisitRequest.objects.get().status == VisitRequest.Status.CANCELLED
