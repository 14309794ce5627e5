"""Careers in Chromium: the careers page, the application form and the status page in English
and Spanish with zero axe violations; the application form completed by keyboard alone."""

import re

import pytest

from careers import services
from careers.models import InternshipApplication
from tests.browser import axe_violations
from tests.careers.factories import HiringStepFactory, PositionFactory, cv_pdf
from tests.programs.factories import EventFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _prefix(language: str) -> str:
    return "" if language == "en" else "/es"


@pytest.fixture
def cv_file(tmp_path):
    path = tmp_path / "my-cv.pdf"
    path.write_bytes(cv_pdf())
    return path


@pytest.mark.parametrize("language", ["en", "es"])
def test_careers_pages_have_no_accessibility_violations(live_server, page, language):
    position = PositionFactory()
    HiringStepFactory(title_en="Written test", title_es="Examen escrito")
    HiringStepFactory(title_en="Polygraph", title_es="Polígrafo")
    EventFactory(information_session=True, title_en="Meet the recruiters", title_es="Reclutadores")
    base = live_server.url + _prefix(language)
    page.goto(base + "/careers/")
    assert page.locator("h1").count() == 1
    assert axe_violations(page) == []
    page.locator(f"a[href$='{position.slug}/']").click()
    page.wait_for_url(re.compile(rf".*/careers/positions/{position.slug}/"))
    assert axe_violations(page) == []
    page.goto(base + "/careers/internship/")
    assert axe_violations(page) == []


@pytest.mark.parametrize("language", ["en", "es"])
def test_student_applies_and_lands_on_the_status_page(live_server, page, language, cv_file):
    base = live_server.url + _prefix(language)
    page.goto(base + "/careers/internship/apply/")
    assert axe_violations(page) == []

    # Sent empty: an error summary, errors tied to their fields, no violations.
    page.locator("form.usa-form button[type=submit]").click()
    page.wait_for_selector("[data-error-summary]")
    school = page.locator("#id_school")
    assert "id_school-error" in school.get_attribute("aria-describedby")
    assert axe_violations(page) == []

    page.locator("#id_name").fill("Ana Reyes")
    page.locator("#id_email").fill("ana@example.org")
    school.fill("Eastbrook Community College")
    page.locator("#id_program_of_study").fill("Criminal justice")
    page.locator("#id_expected_graduation").fill("May 2028")
    page.locator("label[for=id_semester_2]").click()
    page.locator("#id_hours_per_week").fill("12")
    page.locator("#id_statement").fill("I want to learn how the department serves residents.")
    page.locator("#id_cv").set_input_files(str(cv_file))
    page.locator("form.usa-form button[type=submit]").click()
    page.wait_for_url(re.compile(r".*/careers/internship/status/.*"))

    application = InternshipApplication.objects.get()
    assert application.language == language
    assert application.tracking_code in page.locator("main").inner_text()
    assert axe_violations(page) == []


@pytest.mark.parametrize("language", ["en", "es"])
def test_status_page_after_a_decision_has_no_accessibility_violations(
    live_server, page, language, reviewer
):
    application = services.application_submit(
        name="Ana Reyes",
        email="ana@example.org",
        phone="",
        school="Eastbrook Community College",
        program_of_study="Criminal justice",
        expected_graduation="May 2028",
        semester="fall",
        hours_per_week=12,
        statement="I want to learn.",
        cv=cv_pdf(),
        language=language,
    )
    services.application_update(
        actor=reviewer, application=application, status=application.Status.SHORTLISTED
    )
    token = services.status_token(application=application)
    page.goto(live_server.url + _prefix(language) + f"/careers/internship/status/{token}/")
    text = page.locator("main").inner_text()
    assert ("Shortlisted" if language == "en" else "Preseleccionada") in text
    assert axe_violations(page) == []


def test_application_form_by_keyboard_alone(live_server, page, cv_file):
    page.goto(live_server.url + "/es/careers/internship/apply/")
    page.locator("#id_name").focus()
    page.keyboard.type("Ana Reyes")
    page.keyboard.press("Tab")
    page.keyboard.type("ana@example.org")
    page.keyboard.press("Tab")  # phone (optional)
    page.keyboard.press("Tab")
    page.keyboard.type("Eastbrook Community College")
    page.keyboard.press("Tab")
    page.keyboard.type("Criminal justice")
    page.keyboard.press("Tab")
    page.keyboard.type("May 2028")
    page.keyboard.press("Tab")  # the semester: the first choice, spring
    page.keyboard.press("ArrowDown")  # summer
    page.keyboard.press("Tab")
    page.keyboard.type("12")
    page.keyboard.press("Tab")
    page.keyboard.type("Quiero aprender cómo trabaja el departamento.")
    page.keyboard.press("Tab")  # the CV: the browser's file chooser opens from the keyboard
    with page.expect_file_chooser() as chooser:
        page.keyboard.press("Space")
    chooser.value.set_files(str(cv_file))
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/es/careers/internship/status/.*"))
    application = InternshipApplication.objects.get()
    assert application.semester == "summer"
    assert application.hours_per_week == 12
    assert axe_violations(page) == []
