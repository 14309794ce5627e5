"""The Records Division's admin pages in Chromium, signed in with password and authenticator
code: the queue's bulk actions and their reason pages, a request's workflow steps, the release
packet steps, and the redaction page (drawing a box with the mouse, typing one by keyboard);
zero axe-core violations on each page."""

import re

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from portal import roles
from portal.models import AuditEntry
from records import services
from records.models import Redaction, ReleasePacket, RequestKind, Status
from tests.browser import axe_violations
from tests.factories import UserFactory
from tests.records.factories import RecordRequestFactory
from tests.support.redaction import marked_pdf as _marked_pdf

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
QUEUE = "/admin/records/recordrequest/"


def _sign_in(page, base: str, user) -> None:
    """Password, then the authenticator's code (as every staff member does in production)."""
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


@pytest.fixture
def clerk(clerk, live_server, settings, page):
    """The clerk, signed in in the browser with password and authenticator code."""
    settings.STAFF_REQUIRE_2FA = True
    _sign_in(page, live_server.url, clerk)
    return clerk


@pytest.mark.parametrize(
    ("action", "fill"),
    [
        ("assign", {"#id_reason": "Spread the week's work"}),
        ("acknowledge", {"#id_reason": "Letters sent"}),
        ("extend", {"#id_business_days": "3", "#id_reason": "Archive retrieval"}),
        ("close", {"#id_reason": "Records released", "#id_exemption": ""}),
    ],
)
def test_bulk_actions_ask_for_a_reason_on_an_accessible_page_usable_by_keyboard(
    live_server, page, clerk, action, fill
):
    requests = [RecordRequestFactory(), RecordRequestFactory()]
    page.goto(live_server.url + QUEUE)
    assert (v := axe_violations(page)) == [], "\n".join(v)
    for record_request in requests:
        page.get_by_role("checkbox", name=re.compile(record_request.tracking_number)).check()
    page.locator("select[name=action]").select_option(action)
    page.locator("button[name=index]").click()
    expect(page.locator("#id_reason")).to_be_visible()
    assert (v := axe_violations(page)) == [], "\n".join(v)

    # Sent empty: the errors are shown and the page is still clean.
    page.locator("input[name=apply]").click()
    expect(page.locator(".errorlist").first).to_be_visible()
    assert (v := axe_violations(page)) == [], "\n".join(v)

    for selector, value in fill.items():
        page.locator(selector).fill(value)
    if action == "assign":
        page.locator("#id_clerk").select_option(label="carmen")
    if action == "close":
        page.locator("#id_closure_reason").select_option("withdrawn")
    page.locator("input[name=apply]").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_load_state()
    expect(page.locator(".messagelist")).to_contain_text("2 requests updated")
    assert (v := axe_violations(page)) == [], "\n".join(v)
    assert AuditEntry.objects.filter(action__startswith="records.").count() >= 2


@pytest.mark.parametrize("action", ["acknowledge", "close"])
def test_a_requests_workflow_step_page_is_accessible(live_server, page, clerk, action):
    record_request = RecordRequestFactory()
    page.goto(live_server.url + f"{QUEUE}{record_request.pk}/change/")
    assert (v := axe_violations(page)) == [], "\n".join(v)
    page.goto(live_server.url + f"{QUEUE}{record_request.pk}/act/{action}/")
    assert (v := axe_violations(page)) == [], "\n".join(v)
    if action == "close":
        page.locator("#id_closure_reason").select_option("denied")
        page.locator("input[type=submit]").click()  # a denial without its statute
        expect(page.locator(".errorlist, .errornote").first).to_be_visible()
        assert (v := axe_violations(page)) == [], "\n".join(v)
        page.locator("#id_exemption").fill("C.G.S. §1-210(b)(3)")
    page.locator("#id_note").fill("Done by keyboard")
    page.locator("input[type=submit]").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf".*{QUEUE}{record_request.pk}/change/$"))
    record_request.refresh_from_db()
    assert record_request.status == (Status.CLOSED if action == "close" else Status.ACKNOWLEDGED)


def test_the_release_packet_steps_and_the_letter_page_are_accessible(
    live_server, page, clerk, settings
):
    record_request = RecordRequestFactory(kind=RequestKind.RECORD_CHECK, status=Status.READY)
    services.responsive_upload(record_request=record_request, upload=_marked_pdf(), actor=None)
    base = live_server.url + f"{QUEUE}{record_request.pk}"
    page.goto(base + "/packet/prepare/")
    assert (v := axe_violations(page)) == [], "\n".join(v)
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_url(re.compile(r".*/change/$"))
    assert (v := axe_violations(page)) == [], "\n".join(v)
    packet = ReleasePacket.objects.get()
    supervisor = UserFactory(username="sam", roles=[roles.RECORDS_CLERKS])
    _sign_in(page, live_server.url, supervisor)
    page.goto(base + "/packet/approve/")
    assert (v := axe_violations(page)) == [], "\n".join(v)
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_url(re.compile(r".*/change/$"))
    packet.refresh_from_db()
    assert packet.state == ReleasePacket.State.APPROVED
    page.goto(base + "/packet/letter/")
    assert (v := axe_violations(page)) == [], "\n".join(v)
    page.get_by_label("Records found", exact=True).check()
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_url(re.compile(r".*/change/$"))
    assert record_request.letters.get().records_found


def test_a_clerk_draws_a_box_with_the_mouse_and_types_one_by_keyboard(live_server, page, clerk):
    record_request = RecordRequestFactory()
    document = services.responsive_upload(
        record_request=record_request, upload=_marked_pdf(), actor=None
    )
    page.goto(live_server.url + f"{QUEUE}{record_request.pk}/change/")
    page.get_by_role("link", name="Redact").click()
    expect(page.locator("h1")).to_contain_text("page 1 of 2")
    expect(page.locator("[data-redact-stage] img")).to_have_js_property("complete", True)
    assert (v := axe_violations(page)) == [], "\n".join(v)

    # Drag from 10 %, 10 % to 60 %, 25 % of the page image.
    stage = page.locator("[data-redact-stage]").bounding_box()
    page.mouse.move(stage["x"] + stage["width"] * 0.1, stage["y"] + stage["height"] * 0.1)
    page.mouse.down()
    page.mouse.move(stage["x"] + stage["width"] * 0.6, stage["y"] + stage["height"] * 0.25, steps=5)
    page.mouse.up()
    assert abs(float(page.locator("#id_area-left").input_value()) - 10) < 0.5
    assert abs(float(page.locator("#id_area-height").input_value()) - 15) < 0.5
    assert page.evaluate("document.activeElement.id") == "id_area-exemption"
    page.keyboard.type("C.G.S. §1-210(b)(3)(A)")
    page.keyboard.press("Enter")
    expect(page.locator(".records-redact-list")).to_contain_text("C.G.S. §1-210(b)(3)(A)")
    assert (v := axe_violations(page)) == [], "\n".join(v)
    drawn = Redaction.objects.get()
    assert abs(float(drawn.left) - 10) < 0.5 and abs(float(drawn.width) - 50) < 0.5

    # By keyboard alone on page 2: tab to the fields, type the numbers, send.
    page.get_by_role("link", name="Next page").focus()
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_contain_text("page 2 of 2")
    page.locator("#id_area-left").focus()
    for value in ["5", "5", "40", "10"]:
        page.keyboard.type(value)
        page.keyboard.press("Tab")
    expect(page.locator(".records-redact-box")).to_be_visible()  # the typed box is shown
    page.keyboard.type("§1-210(b)(2)")
    page.keyboard.press("Enter")
    expect(page.locator(".records-redact-list tbody tr")).to_have_count(2)
    typed = Redaction.objects.get(page=2)
    assert (float(typed.left), float(typed.width), typed.document_id) == (5, 40, document.pk)
    assert (v := axe_violations(page)) == [], "\n".join(v)

    # Remove the first one again.
    page.get_by_role("button", name="Remove redaction 1").click()
    expect(page.locator(".records-redact-list tbody tr")).to_have_count(1)
    assert Redaction.objects.count() == 1


def test_a_clerk_enters_a_phoned_in_crash_report_request_by_keyboard(live_server, page, clerk):
    page.goto(live_server.url + QUEUE + "add/")
    assert (v := axe_violations(page)) == [], "\n".join(v)
    page.get_by_role("link", name="Copy of an accident (crash) report").click()
    page.get_by_label("Requester's full name").fill("Luis Ortega")
    page.get_by_label("Requester's e-mail").fill("luis@example.org")
    page.locator("#id_language").select_option("es")
    page.locator("input[type=submit]").press("Enter")
    expect(page.locator(".errornote").first).to_be_visible()  # neither case number nor details
    assert (v := axe_violations(page)) == [], "\n".join(v)
    page.get_by_label("Case number (if you know it)").fill("26-0042")
    page.locator("input[type=submit]").press("Enter")
    page.wait_for_url(re.compile(r".*/change/$"))
    assert (v := axe_violations(page)) == [], "\n".join(v)


def test_a_refund_is_asked_for_on_an_accessible_page_usable_by_keyboard(
    live_server, page, clerk, client, stripe
):
    from records.models import PaymentRefund
    from tests.records.refunds_support import paid

    payment = paid(client, stripe)
    page.goto(f"{live_server.url}{QUEUE}{payment.request.pk}/change/")
    page.get_by_role("link", name=re.compile("Refund the payment of")).click()
    expect(page.locator("#id_reason")).to_be_visible()
    assert (v := axe_violations(page)) == [], "\n".join(v)

    # Sent by keyboard without a reason: the error is beside the field, the page still clean.
    page.locator("#id_amount").focus()
    page.keyboard.press("Enter")
    expect(page.locator(".errorlist").first).to_be_visible()
    assert (v := axe_violations(page)) == [], "\n".join(v)
    assert stripe.refunds_made() == []

    page.locator("#id_reason").fill("Request denied: no such report.")
    page.locator("#id_reason").press("Tab")
    page.keyboard.press("Enter")  # the Refund button is next in the tab order
    page.wait_for_url(re.compile(rf".*/recordrequest/{payment.request.pk}/change/$"))
    assert (v := axe_violations(page)) == [], "\n".join(v)
    assert len(stripe.refunds_made()) == 1
    assert PaymentRefund.objects.get().state == PaymentRefund.State.ISSUED
