"""The warning about identifying words in Chromium: a live hint while typing and a warning
before sending (JavaScript on, files kept), the server's warning (JavaScript off), by keyboard,
in English and Spanish, with zero axe-core violations; and the page's script finds exactly what
the server finds."""

import pytest
from playwright.sync_api import expect

from tests.browser import axe_violations, phone_context
from tests.support.cues import IDENTIFYING, NOT_IDENTIFYING
from tests.support.uploads import jpeg_file
from tips.cues import cues_find
from tips.models import Tip

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXT = {
    "en": {
        "prefix": "",
        "what": "My neighbor keeps four dirt bikes in the blue garage.",
        "phrase": "My neighbor",
        "reason": "It says how you know someone",
        "send": "Send the tip",
        "as_is": "Send it as it is",
        "edit": "Edit my tip",
        "title": "Check before sending:",
    },
    "es": {
        "prefix": "/es",
        "what": "Mi vecino guarda cuatro motos en la cochera azul.",
        "phrase": "Mi vecino",
        "reason": "Dice qué relación tiene usted con alguien",
        "send": "Enviar la denuncia",
        "as_is": "Enviarla tal como está",
        "edit": "Corregir mi denuncia",
        "title": "Revise antes de enviar:",
    },
}


def _sent(text) -> int:
    return sum(1 for tip in Tip.objects.all() if tip.what == text)  # encrypted: no SQL filter


def _start(page, base, text):
    page.goto(f"{base}{text['prefix']}/tips/")
    page.locator("label.usa-radio__label").first.click()
    page.locator("#id_where").fill("Mill Street")
    page.locator("#id_what").fill(text["what"])


@pytest.mark.parametrize("language", ["en", "es"])
def test_with_javascript_the_words_are_pointed_out_while_typing_and_before_sending(
    demo, page, language, tmp_path
):
    text = TEXT[language]
    _start(page, demo.url, text)
    hint = page.locator("#id_what-cues")
    expect(hint).to_contain_text(text["phrase"])
    expect(hint).to_contain_text(text["reason"])
    assert hint.get_attribute("aria-live") == "polite"
    assert axe_violations(page) == []

    photo = jpeg_file(tmp_path, size=(200, 150))
    page.set_input_files("input[name=attachments]", str(photo))
    page.get_by_role("button", name=text["send"]).focus()
    page.keyboard.press("Enter")
    warning = page.locator("#cue-warning")
    expect(warning).to_be_visible()
    expect(warning).to_be_focused()
    assert warning.get_attribute("role") == "alert"
    expect(warning).to_contain_text(f"“{text['phrase']}”")
    assert _sent(text["what"]) == 0
    # Nothing was sent, so the chosen file is still chosen.
    assert page.locator("input[name=attachments]").evaluate("e => e.files.length") == 1
    assert page.locator("#cue-warning-files").count() == 0
    assert axe_violations(page) == []

    # Enter in a one-line field is not a choice to send as it is.
    page.locator("#id_contact").focus()
    page.keyboard.press("Enter")
    page.wait_for_timeout(300)
    assert _sent(text["what"]) == 0

    # "Edit my tip" goes to the field, by keyboard.
    page.get_by_role("link", name=text["edit"]).focus()
    page.keyboard.press("Enter")
    # The fragment navigation is asynchronous: wait for it (on a busy machine it can lag).
    page.wait_for_function("location.hash === '#id_what'", timeout=10_000)
    assert page.url.endswith("#id_what")

    page.get_by_role("button", name=text["as_is"]).focus()
    page.keyboard.press("Enter")
    page.wait_for_selector("[data-testid=passphrase]")
    assert _sent(text["what"]) == 1
    tip = next(tip for tip in Tip.objects.all() if tip.what == text["what"])
    assert tip.attachments.count() == 1


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_servers_warning_is_focused_and_accessible(demo, page, language):
    text = TEXT[language]
    _start(page, demo.url, text)
    # form.submit() skips the page's own check: the server's warning answers.
    page.evaluate("document.getElementById('tip-form').submit()")
    page.wait_for_selector("#cue-warning")
    assert page.title().startswith(text["title"])
    expect(page.locator("#cue-warning")).to_be_focused()
    expect(page.locator("#cue-warning")).to_contain_text(f"“{text['phrase']}”")
    assert page.locator("#id_what").input_value() == text["what"]
    assert page.locator("#id_where").input_value() == "Mill Street"
    assert axe_violations(page) == []
    assert _sent(text["what"]) == 0
    page.get_by_role("button", name=text["as_is"]).focus()
    page.keyboard.press("Enter")
    page.wait_for_selector("[data-testid=passphrase]")
    assert _sent(text["what"]) == 1


def test_without_javascript_the_server_warns_and_the_resident_edits_or_sends(demo, browser):
    text = TEXT["es"]
    context = phone_context(browser, javascript=False)
    phone = context.new_page()
    try:
        _start(phone, demo.url, text)
        phone.get_by_role("button", name=text["send"]).click()
        phone.wait_for_selector("#cue-warning")
        assert phone.title().startswith(text["title"])
        assert text["phrase"] in phone.locator("#cue-warning").inner_text()
        assert phone.locator("#id_what").input_value() == text["what"]
        assert _sent(text["what"]) == 0

        # Edit: take the words out and send again; now it goes through.
        phone.get_by_role("link", name=text["edit"]).click()
        phone.locator("#id_what").fill("Guardan cuatro motos en la cochera azul.")
        phone.get_by_role("button", name=text["send"]).click()
        phone.wait_for_selector("[data-testid=passphrase]")
        assert _sent("Guardan cuatro motos en la cochera azul.") == 1

        # Or send it as it is, by keyboard.
        _start(phone, demo.url, text)
        phone.get_by_role("button", name=text["send"]).click()
        phone.wait_for_selector("#cue-warning")
        phone.get_by_role("button", name=text["as_is"]).focus()
        phone.keyboard.press("Enter")
        phone.wait_for_selector("[data-testid=passphrase]")
        assert _sent(text["what"]) == 1
    finally:
        context.close()


def test_the_pages_script_finds_exactly_what_the_server_finds(demo, page):
    samples = [text for text, _kind, _phrase in IDENTIFYING] + NOT_IDENTIFYING
    samples += [
        " ".join(text for text, _kind, _phrase in IDENTIFYING),
        "MI VECINO y MY NEIGHBOR; Me llamó ayer; I'm living in; 2026-11-23 860 555 0199",
    ]
    page.goto(demo.url + "/tips/")
    found = page.evaluate(
        "samples => samples.map(s => window.portalTipCues.find(s)"
        ".map(c => [c.kind, c.phrase, c.start, c.end]))",
        samples,
    )
    expected = [
        [[cue.kind, cue.phrase, cue.start, cue.end] for cue in cues_find(sample)]
        for sample in samples
    ]
    assert found == expected


ANSWER = {
    "en": {
        "prefix": "",
        "body": "My cousin parks the bikes behind the laundromat.",
        "phrase": "My cousin",
        "send": "Send",
        "as_is": "Send it as it is",
        "edit": "Edit my answer",
        "heading": "your answer may show who you are",
    },
    "es": {
        "prefix": "/es",
        "body": "Mi primo guarda las motos detrás de la lavandería.",
        "phrase": "Mi primo",
        "send": "Enviar",
        "as_is": "Enviarla tal como está",
        "edit": "Corregir mi respuesta",
        "heading": "su respuesta podría mostrar quién es usted",
    },
}


def _open_thread(page, base, prefix):
    from tests.tips.factories import PASSPHRASE, TipFactory

    tip = TipFactory()
    page.goto(f"{base}{prefix}/tips/check/")
    page.locator("#id_number").fill(tip.number)
    page.locator("#id_passphrase").fill(PASSPHRASE)
    page.locator("#id_passphrase").press("Enter")
    page.wait_for_selector("#id_body")
    return tip


@pytest.mark.parametrize("language", ["en", "es"])
def test_an_answer_on_the_check_back_page_is_checked_too(demo, page, language):
    text = ANSWER[language]
    tip = _open_thread(page, demo.url, text["prefix"])
    page.locator("#id_body").fill(text["body"])
    hint = page.locator("#id_body-cues")
    expect(hint).to_contain_text(text["phrase"])
    assert axe_violations(page) == []

    page.get_by_role("button", name=text["send"], exact=True).focus()
    page.keyboard.press("Enter")
    warning = page.locator("#cue-warning")
    expect(warning).to_be_focused()
    expect(warning).to_contain_text(text["heading"])
    expect(warning).to_contain_text(f"“{text['phrase']}”")
    assert axe_violations(page) == []
    assert not tip.messages.exists()

    page.get_by_role("link", name=text["edit"]).focus()
    page.keyboard.press("Enter")
    page.wait_for_function("location.hash === '#id_body'", timeout=10_000)
    assert page.url.endswith("#id_body")
    page.get_by_role("button", name=text["as_is"]).focus()
    page.keyboard.press("Enter")
    page.wait_for_selector("#id_body")
    expect(page.locator("body")).to_contain_text(text["body"])
    assert tip.messages.get().body == text["body"]


def test_without_javascript_the_server_checks_the_answer(demo, browser):
    text = ANSWER["es"]
    context = phone_context(browser, javascript=False)
    phone = context.new_page()
    try:
        tip = _open_thread(phone, demo.url, text["prefix"])
        phone.locator("#id_body").fill(text["body"])
        phone.get_by_role("button", name=text["send"], exact=True).click()
        phone.wait_for_selector("#cue-warning")
        assert text["heading"] in phone.locator("#cue-warning").inner_text()
        assert phone.locator("#id_body").input_value() == text["body"]
        assert not tip.messages.exists()
        phone.get_by_role("button", name=text["as_is"]).focus()
        phone.keyboard.press("Enter")
        phone.wait_for_selector("#id_body")
        assert tip.messages.get().body == text["body"]
    finally:
        context.close()
