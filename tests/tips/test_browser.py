"""The tip line in Chromium: the whole check-back dialogue, by keyboard, in English and Spanish,
with and without JavaScript, and zero axe-core violations on every page on the way."""

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from tests.browser import axe_violations, phone_context
from tests.support.uploads import jpeg_file
from tips import services
from tips.models import Tip
from tips.services.merge import tip_merge

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXT = {
    "en": {
        "send": "Send the tip",
        "check": "Check my copy",
        "right": "Your copy is right",
        "open": "Open my tip",
        "status": "Being reviewed",
        "reply": "Send",
        "thanks": "was sent to the investigators",
        "error": "Tell us what happened.",
    },
    "es": {
        "send": "Enviar la denuncia",
        "check": "Comprobar mi copia",
        "right": "Su copia es correcta",
        "open": "Abrir mi denuncia",
        "status": "En revisión",
        "reply": "Enviar",
        "thanks": "se envió a los investigadores",
        "error": "Cuéntenos qué pasó.",
    },
}


def _dialogue(page, base: str, language: str, *, axe: bool = True) -> None:
    def _check_axe(page):
        if axe:  # axe-core is JavaScript: it cannot run in a page with JavaScript off
            assert axe_violations(page) == [], page.url

    text = TEXT[language]
    prefix = "" if language == "en" else "/es"
    page.goto(f"{base}{prefix}/tips/")
    _check_axe(page)

    # A first try without the required text: the error summary, and what was typed is kept.
    page.locator("label.usa-radio__label").first.click()
    page.locator("#id_where").fill("Mill Street")
    page.get_by_role("button", name=text["send"]).click()
    assert text["error"] in page.locator("#error-summary").inner_text()
    assert page.locator("#id_where").input_value() == "Mill Street"
    _check_axe(page)

    page.locator("#id_what").fill("Four dirt bikes are kept in the blue garage.")
    page.locator("#id_what").press("Tab")
    page.get_by_role("button", name=text["send"]).focus()
    page.keyboard.press("Enter")
    page.wait_for_selector("[data-testid=passphrase]")
    _check_axe(page)
    number = page.locator("[data-testid=tip-number]").inner_text().strip()
    passphrase = page.locator("[data-testid=passphrase]").inner_text().strip()
    assert len(passphrase.split()) >= 7

    # Retype to confirm: a mistake first, then the right words.
    page.locator("#id_typed").fill("wrong words")
    page.locator("#id_typed").press("Enter")
    page.wait_for_selector("#id_typed-error")
    _check_axe(page)
    page.locator("#id_typed").fill(passphrase)
    page.locator("#id_typed").press("Enter")
    page.wait_for_selector(f"text={text['right']}")
    assert passphrase not in page.content()
    _check_axe(page)

    # An investigator asks a question.
    tip = Tip.objects.get(number=number)
    investigator = get_user_model().objects.get_or_create(username="browser-ivy")[0]
    services.tip_message_send(tip=tip, actor=investigator, body="What colour are the bikes?")

    # The tipster comes back with number and passphrase, reads it and answers.
    page.goto(f"{base}{prefix}/tips/check/")
    _check_axe(page)
    page.locator("#id_number").fill(number)
    page.locator("#id_passphrase").fill(passphrase)
    page.locator("#id_passphrase").press("Enter")
    page.wait_for_selector("[data-testid=status]")
    assert page.locator("[data-testid=status]").inner_text() == text["status"]
    expect(page.locator("body")).to_contain_text("What colour are the bikes?")
    _check_axe(page)
    page.locator("#id_body").fill("Red and black, with no plates.")
    page.get_by_role("button", name=text["reply"], exact=True).click()
    page.wait_for_selector(f"text={text['thanks']}")
    _check_axe(page)
    assert tip.messages.filter(direction="tipster").get().body == "Red and black, with no plates."


@pytest.mark.parametrize("language", ["en", "es"])
def test_check_back_dialogue_end_to_end_with_no_accessibility_violations(demo, page, language):
    _dialogue(page, demo.url, language)


def test_check_back_dialogue_works_with_javascript_off_on_a_phone(demo, browser):
    context = phone_context(browser, javascript=False)
    phone = context.new_page()
    try:
        _dialogue(phone, demo.url, "es", axe=False)
    finally:
        context.close()


def test_no_request_leaves_our_origin(demo, page):
    seen = []
    page.on("request", lambda request: seen.append(request.url))
    page.goto(demo.url + "/tips/")
    page.goto(demo.url + "/tips/check/")
    assert seen and all(url.startswith(demo.url) for url in seen), seen


def test_progress_bar_shows_only_with_javascript_and_files(demo, page, tmp_path):
    photo = jpeg_file(tmp_path, size=(400, 300))
    page.goto(demo.url + "/tips/")
    assert page.locator("#tip-progress").is_hidden()
    page.locator("label.usa-radio__label").first.click()
    page.locator("#id_what").fill("With a photo.")
    page.set_input_files("input[name=attachments]", str(photo))
    page.get_by_role("button", name="Send the tip").click()
    page.wait_for_selector("[data-testid=passphrase]")
    tip = Tip.objects.get(number=page.locator("[data-testid=tip-number]").inner_text().strip())
    assert tip.attachments.count() == 1


def test_resident_switches_the_tip_form_to_spanish_from_the_page(demo, page):
    page.goto(demo.url + "/tips/")
    page.get_by_role("link", name="Esta página en español").click()
    page.wait_for_url(demo.url + "/es/tips/")
    assert page.locator("html").get_attribute("lang") == "es"


@pytest.mark.parametrize("language", ["en", "es"])
def test_a_merged_tip_says_so_to_its_tipster_with_no_accessibility_violations(demo, page, language):
    from tests.tips.factories import PASSPHRASE, TipFactory

    investigator = get_user_model().objects.get_or_create(username="browser-ivy")[0]
    survivor, duplicate = TipFactory(), TipFactory()
    services.tip_message_send(tip=duplicate, actor=investigator, body="Which garage?")
    tip_merge(duplicate=duplicate, into=survivor, actor=investigator)
    prefix = "" if language == "en" else "/es"
    page.goto(f"{demo.url}{prefix}/tips/check/")
    page.locator("#id_number").fill(duplicate.number)
    page.locator("#id_passphrase").fill(PASSPHRASE)
    page.locator("#id_passphrase").press("Enter")
    page.wait_for_selector("[data-testid=merged]")
    expect(page.locator("body")).to_contain_text("Which garage?")
    assert survivor.number not in page.content()
    assert axe_violations(page) == []
