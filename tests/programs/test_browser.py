"""Programs, events and neighborhoods in headless Chromium: a resident finds an event, signs up
and cancels by keyboard; an officer writes a draft and a publisher publishes it in admin; zero
axe-core violations in English and Spanish; no Content-Security-Policy violation."""

import pytest
from playwright.sync_api import expect

from portal import roles
from programs.models import Program, Registration
from programs.services import registrations
from tests.browser import axe_violations
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = [
    "/programs/",
    "/programs/gun-buy-back/",
    "/programs/pal/",
    "/events/",
    "/events/pal-basketball/",
    "/events/buy-back-spring/",
    "/neighborhoods/riverside/",
    "/neighborhoods/",
    "/neighborhoods/?address=42+chapel+st",
    "/",
]


def _watch_csp(page) -> list[str]:
    problems = []
    page.on(
        "console",
        lambda message: (
            problems.append(message.text)
            if "Content Security Policy" in message.text or "Refused to" in message.text
            else None
        ),
    )
    return problems


@pytest.mark.parametrize("language", ["en", "es"])
def test_programs_events_and_neighborhood_pages_have_no_accessibility_violations(
    demo, page, language
):
    csp = _watch_csp(page)
    for path in PAGES:
        page.goto(demo.url + (path if language == "en" else f"/es{path}"))
        assert page.locator("html").get_attribute("lang") == language
        assert page.locator("h1").count() == 1, path
        assert axe_violations(page) == [], path
    assert csp == []


def test_resident_finds_an_event_signs_up_a_child_and_cancels_by_keyboard(demo, page):
    csp = _watch_csp(page)
    page.goto(demo.url + "/events/")
    page.get_by_label("Program").select_option(label="Police Activities League")
    page.get_by_role("button", name="Show events").click()
    page.get_by_role("link", name="PAL basketball league (ages 10 to 14)").click()
    assert page.locator('script[type="application/ld+json"]').count() == 1

    # A first try with the age out of range: the error is announced and the entries are kept.
    page.get_by_label("Young person's full name").fill("Sam Lee")
    page.get_by_label("Young person's age").fill("17")
    page.get_by_label("Parent or guardian's full name").fill("Ana Lee")
    page.get_by_role("textbox", name="E-mail").fill("ana@example.org")
    page.get_by_label("I am this young person's parent or guardian").focus()
    page.keyboard.press("Space")  # the USWDS checkbox, ticked from the keyboard
    with page.expect_navigation():
        page.get_by_role("textbox", name="E-mail").press("Enter")
    assert page.get_by_role("alert").is_visible()
    expect(page.locator("body")).to_contain_text("This activity is for ages 10 to 14.")
    assert page.get_by_label("Young person's full name").input_value() == "Sam Lee"
    assert axe_violations(page) == []

    page.get_by_label("Young person's age").fill("12")
    page.get_by_label("Young person's age").press("Enter")
    expect(page.locator("body")).to_contain_text("Check your e-mail")
    assert axe_violations(page) == []
    registration = Registration.objects.get(email="ana@example.org")
    assert registration.status == Registration.Status.HELD

    # The link from the e-mail, then the button that confirms the held place, by keyboard.
    page.goto(demo.url + f"/events/signup/{registrations.registration_token(registration)}/")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Confirm my place").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator("body")).to_contain_text("Sam Lee has a place.")
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CONFIRMED

    # The cancel link from the e-mail, then the button, by keyboard.
    page.goto(demo.url + f"/events/cancel/{registrations.registration_token(registration)}/")
    cancel = page.get_by_role("button", name="Cancel my sign-up")
    cancel.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator("body")).to_contain_text("Your sign-up is cancelled")
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CANCELLED
    assert csp == []


def test_spanish_sign_up_form_has_no_accessibility_violations_with_errors(demo, page):
    page.goto(demo.url + "/es/events/pal-homework-club/")
    page.get_by_role("button", name="Inscribirse").click()
    assert page.get_by_role("alert").is_visible()
    assert axe_violations(page) == []


def test_officer_writes_a_draft_and_a_publisher_publishes_it_in_admin(demo, page):
    officer = UserFactory(username="writer", roles=[roles.COMMUNITY_OFFICERS])
    program = Program.objects.get(slug="faith-partners")
    program.editors.add(officer)
    publisher = UserFactory(username="publisher", roles=[roles.SITE_ADMINISTRATORS])

    def sign_in(user):
        page.context.clear_cookies()
        page.goto(demo.url + "/admin/login/?next=/admin/")
        page.get_by_label("Username").fill(user.username)
        page.get_by_label("Password").fill("correct horse battery")
        page.get_by_label("Password").press("Enter")
        page.wait_for_url(demo.url + "/admin/")

    sign_in(officer)
    page.goto(demo.url + f"/admin/programs/program/{program.pk}/change/")
    page.locator("#id_summary_es").fill("Congregaciones y agentes junto a las familias.")
    page.get_by_role("button", name="Save and continue editing").click()
    page.get_by_role("button", name="Send for review").click()
    expect(page.locator("body")).to_contain_text("is now: In review")
    assert page.get_by_role("button", name="Approve and publish").count() == 0
    assert Program.objects.get(pk=program.pk).status == Program.Status.REVIEW

    sign_in(publisher)
    page.goto(demo.url + f"/admin/programs/program/{program.pk}/change/")
    page.get_by_role("button", name="Approve and publish").click()
    expect(page.locator("body")).to_contain_text("is now: Published")
    page.goto(demo.url + "/programs/")
    assert page.get_by_role("link", name="Faith partners").is_visible()


def test_officer_changes_a_published_page_and_a_publisher_approves_it(demo, page):
    officer = UserFactory(username="pal-writer", roles=[roles.COMMUNITY_OFFICERS])
    program = Program.objects.get(slug="pal")
    program.editors.add(officer)
    publisher = UserFactory(username="approver", roles=[roles.SITE_ADMINISTRATORS])
    new_summary = "Basketball, boxing and homework help with officers, every week."
    new_summary_es = "Baloncesto, boxeo y ayuda con las tareas junto a agentes, cada semana."

    def sign_in(user):
        page.context.clear_cookies()
        page.goto(demo.url + "/admin/login/?next=/admin/")
        page.get_by_label("Username").fill(user.username)
        page.get_by_label("Password").fill("correct horse battery")
        page.get_by_label("Password").press("Enter")
        page.wait_for_url(demo.url + "/admin/")

    def public_text(path):
        page.context.clear_cookies()
        page.goto(demo.url + path)
        return page.locator("main").inner_text()

    assert new_summary not in public_text("/programs/pal/")  # cached now
    sign_in(officer)
    page.goto(demo.url + f"/admin/programs/program/{program.pk}/change/")
    expect(page.locator("body")).to_contain_text("Your changes are kept as a pending change")
    page.locator("#id_summary_en").fill(new_summary)
    page.locator("#id_summary_es").fill(new_summary_es)
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator("body")).to_contain_text("saved as a pending change")
    page.get_by_role("link", name="Preview the pending change").click()
    expect(page.locator("main")).to_contain_text(new_summary)
    page.go_back()
    page.get_by_role("button", name="Send the change for review").click()
    expect(page.locator("body")).to_contain_text("sent for review")
    assert page.get_by_role("button", name="Approve and publish the change").count() == 0
    assert new_summary not in public_text("/programs/pal/")  # the published page stays

    sign_in(publisher)
    page.goto(demo.url + f"/admin/programs/program/{program.pk}/change/")
    expect(page.locator("#pending-change")).to_contain_text("summary_en")
    page.get_by_role("button", name="Approve and publish the change").focus()
    page.keyboard.press("Enter")
    expect(page.locator("body")).to_contain_text("The change is approved")
    assert new_summary in public_text("/programs/pal/")
    assert axe_violations(page) == []
    assert new_summary_es in public_text("/es/programs/pal/")
    assert axe_violations(page) == []
