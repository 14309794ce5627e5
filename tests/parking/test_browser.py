"""The resident's form and the officer's page in headless Chromium: completed by keyboard alone,
in English and Spanish, with zero axe-core violations on the form, its error state and the
confirmation."""

import pytest

from parking import nights
from parking.models import Permit, PermitNight
from portal import roles
from portal.models import Street
from tests.browser import axe_violations, phone_context
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXT = {
    "en": {"submit": "Ask for the exemption", "approved": "Approved", "errors": "Please correct"},
    "es": {"submit": "Solicitar el permiso", "approved": "Aprobado", "errors": "Corrija lo"},
}


def _focused(page) -> str:
    return page.evaluate("document.activeElement.id || document.activeElement.textContent")


def _tab_to(page, target: str, limit: int = 80) -> None:
    """Press Tab until the element with id `target` (or the button with that text) has focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if _focused(page).strip() == target:
            return
    pytest.fail(f"{target} cannot be reached with Tab")


def _type_into(page, field_id: str, text: str) -> None:
    _tab_to(page, field_id)
    page.keyboard.type(text)


@pytest.mark.parametrize("language", ["en", "es"])
def test_resident_completes_the_form_by_keyboard_alone(demo, page, language):
    words = TEXT[language]
    prefix = "" if language == "en" else "/es"
    page.goto(demo.url + prefix + "/parking/")
    assert page.locator("html").get_attribute("lang") == language
    assert axe_violations(page) == []

    # Submitting nothing shows the error summary, each error tied to its field.
    _tab_to(page, words["submit"])
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert words["errors"] in page.locator("#error-summary").inner_text()
    assert page.locator("#id_plate").get_attribute("aria-invalid") == "true"
    assert axe_violations(page) == []

    page.locator("body").focus()
    page.evaluate("window.scrollTo(0, 0)")
    _type_into(page, "id_plate", "kb-" + language + "42")
    _type_into(page, "id_make", "Kia")
    _type_into(page, "id_model", "Soul")
    _type_into(page, "id_colour", "Yellow" if language == "en" else "Amarillo")
    _type_into(page, "id_house_number", "17")
    _tab_to(page, "id_street")
    page.keyboard.type("Oak")
    # The street's option gives its house numbers: "Oak Street (numbers 1–399)".
    assert page.locator("#id_street option:checked").inner_text().startswith("Oak Street (")
    _tab_to(page, "id_reason")
    page.keyboard.press("ArrowDown")
    assert page.locator("#id_reason").input_value() == "guest"
    _type_into(page, "id_email", f"keyboard.{language}@example.org")
    _tab_to(page, words["submit"])
    with page.expect_navigation():
        page.keyboard.press("Enter")

    assert words["approved"] in page.locator("main").inner_text()
    permit = Permit.objects.get(plate=f"KB{language.upper()}42")
    assert permit.display_code in page.locator("main").inner_text()
    assert permit.language == language
    assert axe_violations(page) == []


def test_a_refusal_keeps_what_was_typed_and_has_no_violations(demo, page):
    page.goto(demo.url + "/es/parking/")
    page.fill("#id_plate", "TRL 9")
    page.select_option("#id_vehicle_type", "trailer")
    page.fill("#id_make", "Haulmark")
    page.fill("#id_model", "Box")
    page.fill("#id_colour", "Blanco")
    page.fill("#id_house_number", "9")
    page.select_option("#id_street", str(Street.objects.get(name="Oak Street").pk))
    page.select_option("#id_reason", "guest")
    page.fill("#id_email", "trailer@example.org")
    page.get_by_role("button", name="Solicitar el permiso").click()
    assert "No se dan permisos nocturnos" in page.locator("#refusal").inner_text()
    assert page.locator("#id_make").input_value() == "Haulmark"
    assert axe_violations(page) == []


def test_a_number_the_street_does_not_have_is_shown_beside_the_field(demo, page):
    oak = Street.objects.get(name="Oak Street")
    page.goto(demo.url + "/parking/")
    page.fill("#id_plate", "NUM 1")
    page.fill("#id_make", "Kia")
    page.fill("#id_model", "Soul")
    page.fill("#id_colour", "Red")
    page.fill("#id_house_number", str(oak.number_to + 1))
    page.select_option("#id_street", str(oak.pk))
    page.select_option("#id_reason", "guest")
    page.fill("#id_email", "number@example.org")
    page.get_by_role("button", name="Ask for the exemption").click()
    error = page.locator("#id_house_number-error").inner_text()
    assert f"Oak Street has no number {oak.number_to + 1}" in error
    assert page.locator("#id_house_number").get_attribute("aria-invalid") == "true"
    assert page.locator("#id_house_number").input_value() == str(oak.number_to + 1)
    assert not Permit.objects.filter(plate="NUM1").exists()
    assert axe_violations(page) == []


@pytest.mark.parametrize("language", ["en", "es"])
def test_officer_checks_a_plate_on_a_phone(demo, browser, language):
    UserFactory(username="nightshift", password="night shift 2026", roles=[roles.PARKING_OFFICERS])
    night = PermitNight.objects.filter(status="active").order_by("night").first()
    context = phone_context(browser)
    phone = context.new_page()
    prefix = "" if language == "en" else "/es"
    phone.goto(demo.url + prefix + "/parking/officer/")
    phone.fill("#id_username", "nightshift")
    phone.fill("#id_password", "night shift 2026")
    phone.keyboard.press("Enter")
    phone.wait_for_url(lambda url: "login" not in url and url.endswith("/parking/officer/"))
    assert axe_violations(phone) == []

    tonight = nights.tonight()
    plate = (
        PermitNight.objects.filter(night=tonight, status="active").values_list("plate", flat=True)
    ).first() or night.plate
    phone.keyboard.type(plate.lower())
    with phone.expect_navigation():
        phone.keyboard.press("Enter")
    result = phone.locator(".parking-officer__result").inner_text()
    permitted = "Permitted tonight" if language == "en" else "Con permiso esta noche"
    assert permitted in result
    assert axe_violations(phone) == []
    phone.fill("#id_plate", "NOPE123")
    with phone.expect_navigation():
        phone.keyboard.press("Enter")
    expected = "No permit" if language == "en" else "Sin permiso"
    assert expected in phone.locator("main").inner_text()
    assert axe_violations(phone) == []
    context.close()


@pytest.mark.parametrize("language", ["en", "es"])
def test_finding_a_permit_by_code_and_plate_has_no_violations(demo, page, language):
    permit = Permit.objects.order_by("pk").first()
    prefix = "" if language == "en" else "/es"
    page.goto(demo.url + prefix + "/parking/find/")
    assert axe_violations(page) == []
    page.fill("#id_code", "AAAA-AAAAA")
    page.fill("#id_plate", permit.plate)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("#error-summary").is_visible()
    assert axe_violations(page) == []
    page.fill("#id_code", permit.display_code)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert permit.display_code in page.locator("main").inner_text()
    assert axe_violations(page) == []
