"""Records in Chromium: submit, track, reply, download; zero axe violations in English and
Spanish; the request form usable by keyboard alone."""

import re

import pytest
from playwright.sync_api import expect

from portal.models import Notification
from records.models import Document, RecordRequest, Status
from records.services import Upload, tracking_token
from records.services.documents import store_document
from tests.browser import axe_violations
from tests.factories import UserFactory
from tests.records.factories import FingerprintSlotFactory, RecordRequestFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[3 0 R]"
    b"/Count 1>>endobj 3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def _prefix(language: str) -> str:
    return "" if language == "en" else "/es"


@pytest.mark.parametrize("language", ["en", "es"])
def test_resident_submits_a_police_report_request_and_lands_on_its_tracking_page(
    live_server, page, language
):
    base = live_server.url + _prefix(language)
    page.goto(base + "/records/")
    assert axe_violations(page) == []
    page.locator("a[href$='/records/request/police-report/']").click()
    assert axe_violations(page) == []

    # Sent empty: an error summary, errors tied to their fields, no violations.
    page.locator("form.usa-form button[type=submit]").click()
    page.wait_for_selector("[data-error-summary]")
    assert page.evaluate("document.activeElement.hasAttribute('data-error-summary')")
    name = page.locator("#id_requester_name")
    assert "id_requester_name-error" in name.get_attribute("aria-describedby")
    assert axe_violations(page) == []

    name.fill("Dana Whitlock")
    page.locator("#id_requester_email").fill("dana@example.org")
    page.locator("#id_case_number").fill("26-004512")
    page.locator("#id_relation").select_option("involved")
    page.locator("form.usa-form button[type=submit]").click()
    page.wait_for_url(re.compile(r".*/records/track/.*"))

    record_request = RecordRequest.objects.get()
    assert page.locator("h1").inner_text().endswith(record_request.tracking_number)
    assert record_request.language == language
    assert axe_violations(page) == []


@pytest.mark.parametrize("language", ["en", "es"])
def test_resident_tracks_by_number_and_code_and_replies_with_a_file(
    live_server, page, language, tmp_path
):
    record_request = RecordRequestFactory(
        requester_email="dana@example.org",
        status=Status.AWAITING_REQUESTER,
        pause_reason="Which day was it?",
        business_days_left=2,
        language=language,
    )
    base = live_server.url + _prefix(language)
    page.goto(base + "/records/track/")
    assert axe_violations(page) == []
    page.locator("#id_tracking_number").fill(record_request.tracking_number)
    page.locator("#id_email").fill("dana@example.org")
    page.locator("form.usa-form button[type=submit]").click()
    page.wait_for_selector("#id_code")
    assert axe_violations(page) == []
    code = re.search(r"(\d{6})", Notification.objects.get().body).group(1)
    page.locator("#id_code").fill(code)
    page.locator("form.usa-form button[type=submit]").click()
    page.wait_for_url(re.compile(r".*/records/track/[^/]+/$"))
    assert record_request.tracking_number in page.locator("h1").inner_text()
    expect(page.locator("body")).to_contain_text("Which day was it?")
    assert axe_violations(page) == []

    photo = tmp_path / "receipt.pdf"
    photo.write_bytes(PDF)
    page.locator("#id_body").fill("It was the 3rd of May, around noon.")
    page.locator("#id_attachment").set_input_files(str(photo))
    page.locator("form[action$='/reply/'] button[type=submit]").click()
    page.wait_for_url(re.compile(r".*sent=1.*"))
    expect(page.locator("body")).to_contain_text("It was the 3rd of May, around noon.")
    expect(page.locator("body")).to_contain_text("receipt.pdf")
    assert axe_violations(page) == []


def test_resident_downloads_a_released_document(live_server, page):
    record_request = RecordRequestFactory(status=Status.READY)
    store_document(
        record_request=record_request,
        kind=Document.Kind.RELEASED,
        upload=Upload(name="incident-report.pdf", content_type="application/pdf", data=PDF),
        approved_by=UserFactory(),  # a second clerk's approval (issue 13)
    )
    page.goto(live_server.url + f"/records/track/{tracking_token(record_request=record_request)}/")
    assert axe_violations(page) == []
    with page.expect_download() as info:
        page.get_by_role("link", name="incident-report.pdf").click()
    download = info.value
    assert download.suggested_filename == "incident-report.pdf"
    with open(download.path(), "rb") as handle:
        assert handle.read() == PDF


def test_fingerprinting_form_by_keyboard_alone(live_server, page):
    FingerprintSlotFactory(capacity=2)
    page.goto(live_server.url + "/es/records/request/fingerprinting/")
    assert axe_violations(page) == []
    page.locator("#id_requester_name").focus()
    page.keyboard.type("Ana Ruiz")
    page.keyboard.press("Tab")
    page.keyboard.type("ana@example.org")
    page.keyboard.press("Tab")  # phone (optional)
    page.keyboard.press("Tab")  # purpose
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Tab")  # the first time
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_selector("h1:has-text('Solicitud')")
    booking = RecordRequest.objects.get()
    assert booking.slot is not None
    assert booking.details["purpose"] == "employment"
    assert axe_violations(page) == []


@pytest.mark.parametrize("language", ["en", "es"])
def test_figures_and_letter_check_pages_have_no_accessibility_violations(
    live_server, page, language
):
    RecordRequestFactory()
    base = live_server.url + _prefix(language)
    for path in ["/records/figures/", "/records/verify/", "/records/verify/?code=AAAA-BBBB-CCCC"]:
        page.goto(base + path)
        assert page.locator("h1").count() == 1
        assert axe_violations(page) == [], path


@pytest.mark.parametrize("language", ["en", "es"])
def test_requester_pays_online_by_keyboard_and_reaches_the_checkout_page(
    live_server, page, settings, language
):
    """The Pay button is reached and pressed by keyboard, the page has no axe violations, and
    the browser follows the redirect to the provider's page (the page's CSP allows it)."""
    from decimal import Decimal

    from records.models import Fee
    from tests.support.stripe import SECRET_KEY, WEBHOOK_SECRET, StripeStandIn

    with StripeStandIn() as stripe:
        stripe.checkout_base = stripe.url
        settings.STRIPE_SECRET_KEY, settings.STRIPE_WEBHOOK_SECRET = SECRET_KEY, WEBHOOK_SECRET
        settings.STRIPE_API_BASE = settings.STRIPE_CHECKOUT_ORIGIN = stripe.url
        record_request = RecordRequestFactory(status=Status.READY, language=language)
        Fee.objects.create(
            request=record_request,
            description="Copies",
            quantity=6,
            unit_price=Decimal("0.50"),
            amount=Decimal("3.00"),
        )
        token = tracking_token(record_request=record_request)
        page.goto(f"{live_server.url}{_prefix(language)}/records/track/{token}/")
        assert axe_violations(page) == []
        button = page.locator("form[action$='/pay/'] button")
        for _ in range(60):  # Tab until the Pay button has the focus
            page.keyboard.press("Tab")
            if button.evaluate("b => b === document.activeElement"):
                break
        else:
            pytest.fail("the Pay button cannot be reached with Tab")
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile(r".*/c/pay/cs_test_.*"))
        expect(page.locator("h1")).to_have_text("Pay 3.00 USD")
