"""Service requests in Chromium: every resident page in English and Spanish with zero axe
violations; a request sent with JavaScript (street suggestions) and without (a click on the
map); the form by keyboard alone; the tracking page; a staff member closes the request in admin
and the resident's tracking page and outbox say so."""

import re

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal import maps
from portal.models import Notification
from service_requests import services
from service_requests.models import ServiceRequest
from service_requests.views import PICKER_WIDTH
from tests.browser import axe_violations, phone_context
from tests.service_requests.factories import INSIDE_EAST
from tests.support.files import jpeg_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _prefix(language: str) -> str:
    return "" if language == "en" else "/es"


@pytest.fixture
def photo(tmp_path):
    path = tmp_path / "dog.jpg"
    path.write_bytes(jpeg_bytes(size=(320, 240)))
    return path


def _made(**kwargs):
    defaults = {
        "service_code": "stray-animal",
        "attributes": {"kind": "dog"},
        "address": "40 Chapel Street",
        "contact": {"email": "ana@example.org"},
        "notify_email": True,
    }
    defaults.update(kwargs)
    return services.request_submit(**defaults)


@pytest.mark.parametrize("language", ["en", "es"])
def test_resident_pages_have_no_accessibility_violations(live_server, page, stray, language):
    earlier = _made(language=language)
    base = live_server.url + _prefix(language)
    for path in (
        "/requests/",
        "/requests/new/stray-animal/",
        "/requests/new/stray-animal/?address=12+Chapel+Road",  # an unknown street: errors
        "/requests/new/stray-animal/?address=42+Chapel+Street",  # step 2, with a duplicate
        "/requests/neighborhood/westside/",
        "/requests/on-time/",
        "/requests/track/?code=ZZZZZZZZ",
        earlier.get_absolute_url().replace("/es/", "/"),
        services.tracking_path(earlier).replace("/es/", "/"),
    ):
        page.goto(base + path)
        assert page.locator("h1").count() == 1, path
        assert axe_violations(page) == [], path
    # Step 2 sent with a wrong answer: the error summary and field errors, still accessible.
    page.goto(base + "/requests/new/stray-animal/?address=42+Chapel+Street")
    page.locator("#id_attribute_count").fill("many")
    page.locator("form[method=post] button[type=submit]").click()
    page.wait_for_selector("[data-error-summary]")
    assert axe_violations(page) == []


def test_resident_sends_a_request_with_javascript_and_street_suggestions(
    live_server, page, stray, photo
):
    page.goto(live_server.url + "/requests/new/stray-animal/")
    page.locator("#id_address").type("42 chap", delay=40)
    page.locator("#street-suggestions option").first.wait_for(state="attached", timeout=10_000)
    assert page.locator("#street-suggestions option").first.get_attribute("value") == (
        "42 Chapel Street"
    )
    page.locator("#id_address").fill("42 Chapel Street")
    page.locator("#id_address").press("Enter")
    page.wait_for_selector("#id_attribute_kind_0")
    page.locator("label[for=id_attribute_kind_0]").click()
    page.locator("#id_photos").set_input_files(str(photo))
    page.locator("#id_email").fill("ana@example.org")
    page.locator("label[for=id_notify_email]").click()
    page.locator("form[method=post] button[type=submit]").click()
    page.wait_for_url(re.compile(r".*/requests/t/.*\?new=1"))
    made = ServiceRequest.objects.get()
    assert made.short_code in page.locator("main").inner_text()
    assert made.photos.count() == 1
    assert page.locator("main img").count() == 1  # the photo, served to the link's holder


def test_resident_picks_the_place_on_the_map_without_javascript(
    live_server, browser, stray, town, photo
):
    context = phone_context(browser, javascript=False)
    try:
        page = context.new_page()
        page.goto(live_server.url + "/es/requests/new/stray-animal/")
        town_map = maps.town_map([town["west"], town["east"]], width=PICKER_WIDTH)
        x, y = town_map.projection.to_xy(float(INSIDE_EAST[1]), float(INSIDE_EAST[0]))
        page.locator("input[type=image][name=map]").click(position={"x": x, "y": y})
        page.wait_for_selector("#id_attribute_kind_0")
        assert "Eastside" in page.locator("main").inner_text()
        page.locator("label[for=id_attribute_kind_1]").click()
        page.locator("#id_photos").set_input_files(str(photo))
        page.locator("form[method=post] button[type=submit]").click()
        page.wait_for_url(re.compile(r".*/es/requests/t/.*"))
        # (axe needs JavaScript: the same pages are checked with it in the first test.)
        assert "Gracias" in page.locator("main").inner_text()
    finally:
        context.close()
    made = ServiceRequest.objects.get()
    assert made.neighborhood == town["east"] and made.language == "es"
    assert abs(float(made.lat) - float(INSIDE_EAST[0])) < 0.001


def test_resident_sends_a_request_by_keyboard_alone(live_server, page, stray):
    page.goto(live_server.url + "/requests/new/stray-animal/")
    page.locator("#id_address").focus()
    page.keyboard.type("42 Chapel Street")
    page.keyboard.press("Enter")
    page.wait_for_selector("#id_attribute_kind_0")
    page.locator("#id_attribute_kind_0").focus()
    page.keyboard.press("ArrowDown")  # cat
    page.keyboard.press("Tab")  # the first "what did you see" box
    page.keyboard.press("Space")
    for _ in range(30):  # on to the send button, by Tab alone
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.type") == "submit":
            break
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/requests/t/.*"))
    made = ServiceRequest.objects.get()
    assert made.attributes["kind"] == "cat"


def _sign_in(page, base: str, user) -> None:
    device = TOTPDevice.objects.get_or_create(user=user, name="default", confirmed=True)[0]
    page.context.clear_cookies()
    page.goto(base + "/admin/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_label("Password").press("Enter")
    token = page.get_by_label(re.compile("Token", re.I))
    token.fill(f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}")
    token.press("Enter")
    page.wait_for_url(re.compile(r".*/admin/$"))


def test_staff_close_the_request_and_the_resident_is_told(
    live_server, page, stray, clerk_staff, settings
):
    made = _made(language="es", contact={"email": "ana@example.org"})
    tracking = live_server.url + services.tracking_path(made)
    settings.STAFF_REQUIRE_2FA = True
    _sign_in(page, live_server.url, clerk_staff)
    page.goto(live_server.url + "/admin/service_requests/servicerequest/")
    assert axe_violations(page) == []
    page.locator(f"a[href$='/servicerequest/{made.pk}/change/']").first.click()
    page.locator("#id_new_status").select_option("closed")
    page.locator("#id_reason").select_option("resolved")
    page.locator("#id_message").fill("Lo llevamos al refugio.")
    page.locator("input[name=_save]").click()
    page.wait_for_url(re.compile(r".*/admin/service_requests/servicerequest/$"))
    made.refresh_from_db()
    assert made.status == "closed"
    told = Notification.objects.filter(recipient="ana@example.org").order_by("-created_at")[0]
    assert "Cerrada" in told.subject and "refugio" in told.body
    page.context.clear_cookies()
    page.goto(tracking)
    text = page.locator("main").inner_text()
    assert "Cerrada" in text and "refugio" in text
    assert axe_violations(page) == []
