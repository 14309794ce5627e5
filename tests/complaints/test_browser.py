"""Complaints in Chromium, in English and Spanish, with zero axe-core violations on every page
on the way: a resident files anonymously (by keyboard), follows the case and adds information;
internal affairs takes it through every stage and closes it; the resident reads the finding;
the civilian review board reviews it."""

import re

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from complaints.models import BoardReview, Complaint
from tests.browser import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXT = {
    "en": {
        "received": "Your complaint was received",
        "error": "Tell us what happened.",
        "added": "What you added was sent",
        "closed": "Closed",
        "sustained": "Sustained",
        "reasons": "reasons for disagreeing",
    },
    "es": {
        "received": "Recibimos su queja",
        "error": "Cuéntenos qué pasó.",
        "added": "Lo que añadió se envió",
        "closed": "Cerrad",
        "sustained": "Fundada",
        "reasons": "motivos del desacuerdo",
    },
}


def clean(page):
    assert (violations := axe_violations(page)) == [], page.url + "\n" + "\n".join(violations)


def sign_in(browser, base, user):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    device = TOTPDevice.objects.get_or_create(user=user, name="default", confirmed=True)[0]
    page.goto(base + "/admin/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_label("Password").press("Enter")
    token = page.get_by_label(re.compile("Token", re.I))
    token.fill(f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}")
    token.press("Enter")
    page.wait_for_url(re.compile(r".*/admin/$"))
    return page


def submit(page, form_selector: str) -> None:
    """Send a form by keyboard: focus its button and press Enter."""
    page.locator(f"{form_selector} button[type=submit]").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")


def choose(page, selector: str) -> None:
    """Pick a radio button by keyboard (USWDS draws its own; the input itself is off screen)."""
    page.locator(selector).focus()
    page.keyboard.press("Space")


def action(page, name: str) -> None:
    submit(page, f"form:has(input[name=action][value={name}])")


@pytest.mark.parametrize("language", ["en", "es"])
def test_file_follow_close_and_review_in_chromium(
    language, live_server, browser, settings, officer, ia, board_member
):
    settings.STAFF_REQUIRE_2FA = True
    text = TEXT[language]
    prefix = "" if language == "en" else "/es"
    base = live_server.url

    # --- the resident files anonymously, by keyboard ---------------------------------------
    resident = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = resident.new_page()
    page.goto(f"{base}{prefix}/complaints/")
    clean(page)
    page.locator(f"a[href='{prefix}/complaints/file/?kind=complaint']").first.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    clean(page)
    page.locator("#id_filing_1").focus()
    page.keyboard.press("Space")
    page.locator("#id_officer_name").fill("E1042")
    submit(page, "form[action$='/complaints/file/']")  # the story is missing
    expect(page.locator("#error-summary")).to_contain_text(text["error"])
    assert page.locator("#id_officer_name").input_value() == "E1042"
    clean(page)
    page.locator("#id_what").fill("The officer shouted at my friend during a stop.")
    submit(page, "form[action$='/complaints/file/']")
    expect(page.locator("h1")).to_have_text(text["received"])
    clean(page)
    code = page.get_by_test_id("tracking-code").inner_text()
    passphrase = page.get_by_test_id("passphrase").inner_text()
    complaint = Complaint.objects.get(tracking_code=code)
    assert complaint.is_anonymous

    page.goto(f"{base}{prefix}/complaints/follow/")
    clean(page)
    page.locator("#id_code").fill(code.lower())
    page.locator("#id_passphrase").fill(passphrase)
    with page.expect_navigation():
        page.locator("#id_passphrase").press("Enter")
    expect(page.get_by_test_id("stage")).to_be_visible()
    clean(page)
    page.locator("#id_body").fill("It was car number 12.")
    submit(page, "form[action$='/complaints/follow/add/']")
    expect(page.get_by_role("status")).to_contain_text(text["added"])
    clean(page)

    # --- internal affairs takes it to the end ------------------------------------------------
    staff = sign_in(browser, base, ia)
    url = f"{base}{prefix}/staff/complaints/{complaint.pk}/"
    staff.goto(f"{base}{prefix}/staff/complaints/")
    clean(staff)
    staff.goto(url)
    clean(staff)
    action(staff, "accept")
    clean(staff)
    staff.locator("#id_allegation-category").select_option("courtesy")
    staff.locator("#id_allegation-summary").fill("Shouted at a resident during a stop.")
    action(staff, "allegation")
    choose(staff, "#id_classify-seriousness_1")
    action(staff, "classify")
    clean(staff)
    choose(staff, "#id_assign-assignee_kind_0")
    staff.locator("#id_assign-assigned_to").select_option(str(ia.pk))
    action(staff, "assign")
    clean(staff)
    staff.locator("#id_step-title").fill("Interview the officer")
    staff.locator("#id_step-due_on").fill("2030-01-15")
    action(staff, "step")
    action(staff, "finish_investigation")
    allegation = complaint.allegations.get()
    staff.locator(f"#finding-{allegation.pk}").select_option("sustained")
    action(staff, "finding")
    clean(staff)
    action(staff, "submit_findings")
    staff.locator("#id_close-outcome").select_option("training")
    action(staff, "close")  # training needs its summary
    expect(staff.locator("#error-summary")).to_be_visible()
    clean(staff)
    staff.locator("#id_close-outcome_summary").fill("Two hours of training on courtesy.")
    action(staff, "close")
    expect(staff.get_by_test_id("stage")).to_contain_text(text["closed"])
    clean(staff)
    complaint.refresh_from_db()
    assert complaint.stage == "closed"

    # --- the resident reads the finding ------------------------------------------------------
    page.goto(f"{base}{prefix}/complaints/follow/")
    page.locator("#id_code").fill(code)
    page.locator("#id_passphrase").fill(passphrase)
    with page.expect_navigation():
        page.locator("#id_passphrase").press("Enter")
    expect(page.get_by_test_id("finding")).to_have_text(text["sustained"])
    clean(page)

    # --- the board reviews it ------------------------------------------------------------------
    board = sign_in(browser, base, board_member)
    board.goto(f"{base}{prefix}/staff/complaints/board/")
    clean(board)
    board.locator(f"a:has-text('{code}')").first.focus()
    with board.expect_navigation():
        board.keyboard.press("Enter")
    clean(board)
    assert "car number 12" not in board.content()
    board.locator("#id_position_1").focus()
    board.keyboard.press("Space")
    submit(board, "form")  # disagreeing without reasons
    expect(board.locator("#error-summary")).to_contain_text(text["reasons"])
    clean(board)
    board.locator("#id_reasons").fill("The footage was not requested.")
    submit(board, "form.usa-form")
    expect(board).to_have_url(re.compile(r".*/staff/complaints/board/$"))
    clean(board)
    assert BoardReview.objects.get(complaint=complaint).position == "disagree"
    for context in (resident, staff.context, board.context):
        context.close()
