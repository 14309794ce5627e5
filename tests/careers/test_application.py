"""The internship application: submit, confirmation and status page, reviewers' changes through
one service with audit entries and e-mails, the CV encrypted at rest, throttling, errors."""

import io
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.admin.models import LogEntry
from pypdf import PdfReader
from reportlab.pdfgen import canvas

from careers import crypto, services
from careers.models import InternshipApplication, private_storage
from portal.errors import DomainError
from portal.models import AuditEntry, Notification
from tests.careers.factories import CV_TEXT, cv_pdf

pytestmark = pytest.mark.django_db

Status = InternshipApplication.Status


def _form(**overrides):
    cv = io.BytesIO(cv_pdf())
    cv.name = "my-cv.pdf"
    data = {
        "name": "Ana Reyes",
        "email": "ana@example.org",
        "phone": "",
        "school": "Eastbrook Community College",
        "program_of_study": "Criminal justice",
        "expected_graduation": "May 2028",
        "semester": "fall",
        "hours_per_week": "12",
        "statement": "I want to see how a police department serves its residents.",
        "cv": cv,
    }
    data.update(overrides)
    return data


def _submit(client, prefix="", **overrides):
    return client.post(f"{prefix}/careers/internship/apply/", _form(**overrides))


def test_application_gives_a_tracking_code_a_status_link_and_an_e_mail(client):
    response = _submit(client)
    assert response.status_code == 302
    application = InternshipApplication.objects.get()
    assert application.status == Status.RECEIVED
    page = client.get(response["Location"]).content.decode()
    assert application.tracking_code in page
    assert "Received" in page
    mail = Notification.objects.get(recipient="ana@example.org")
    assert application.tracking_code in mail.subject
    link = re.search(r"http://\S+/careers/internship/status/\S+/", mail.body).group(0)
    assert client.get(link.split("8000", 1)[-1]).status_code == 200
    assert AuditEntry.objects.filter(action="careers.application.submitted").count() == 1


def test_application_in_spanish_answers_in_spanish(client):
    response = _submit(client, prefix="/es")
    assert response["Location"].startswith("/es/careers/internship/status/")
    application = InternshipApplication.objects.get()
    assert application.language == "es"
    page = client.get(response["Location"]).content.decode()
    assert "Recibida" in page
    mail = Notification.objects.get()
    assert "/es/careers/internship/status/" in mail.body
    assert "solicitud" in mail.body


def test_a_forged_status_link_is_not_found(client):
    _submit(client)
    assert client.get("/careers/internship/status/forged/").status_code == 404


def test_cv_is_stored_rasterised_and_encrypted(client):
    original = cv_pdf()
    assert CV_TEXT.encode() in original  # the raw file shows its text
    _submit(client)
    application = InternshipApplication.objects.get()
    with private_storage().open(application.cv.name, "rb") as handle:
        stored = handle.read()
    assert CV_TEXT.encode() not in stored
    assert b"%PDF" not in stored
    clean = crypto.decrypt_file(application.cv)
    assert clean.startswith(b"%PDF")
    assert CV_TEXT not in "".join(
        page.extract_text() for page in PdfReader(io.BytesIO(clean)).pages
    )


def test_a_cv_that_is_not_a_pdf_is_refused_in_the_users_language_and_nothing_is_saved(client):
    not_pdf = io.BytesIO(b"Just some text pretending to be a CV")
    not_pdf.name = "cv.pdf"
    response = _submit(client, prefix="/es", cv=not_pdf)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Su CV debe ser un PDF" in page
    assert 'value="Ana Reyes"' in page  # what was typed stays
    assert not InternshipApplication.objects.exists()
    assert not Notification.objects.exists()
    assert not list(Path(settings.CAREERS_FILE_ROOT).rglob("*.bin"))


def test_missing_fields_are_refused_with_clear_errors(client):
    response = _submit(client, school="", hours_per_week="60")
    assert response.status_code == 200
    page = response.content.decode()
    assert "This field is required." in page
    assert "less than or equal to 40" in page
    assert not InternshipApplication.objects.exists()


def test_applications_are_throttled_per_client(client, settings):
    settings.CAREERS_APPLICATIONS_PER_HOUR = 2
    assert _submit(client).status_code == 302
    assert _submit(client).status_code == 302
    response = _submit(client)
    assert response.status_code == 429
    assert InternshipApplication.objects.count() == 2
    other = client.post("/careers/internship/apply/", _form(), REMOTE_ADDR="198.51.100.7")
    assert other.status_code == 302


def test_invalid_submissions_do_not_count_toward_the_throttle(client, settings):
    settings.CAREERS_APPLICATIONS_PER_HOUR = 1
    assert _submit(client, school="").status_code == 200
    assert _submit(client).status_code == 302


def test_status_change_is_audited_and_e_mailed_in_the_applicants_language(client, reviewer):
    _submit(client, prefix="/es")
    application = InternshipApplication.objects.get()
    Notification.objects.all().delete()
    services.application_update(actor=reviewer, application=application, status=Status.UNDER_REVIEW)
    application.refresh_from_db()
    assert application.status == Status.UNDER_REVIEW
    assert application.reviewed_by == reviewer
    entry = AuditEntry.objects.get(action="careers.application.status_changed")
    assert entry.actor == reviewer
    assert entry.detail == {"from": "received", "to": "under_review"}
    mail = Notification.objects.get()
    assert "En revisión" in mail.subject


def test_notes_change_is_audited_without_an_e_mail(client, reviewer):
    _submit(client)
    application = InternshipApplication.objects.get()
    Notification.objects.all().delete()
    services.application_update(actor=reviewer, application=application, notes="Strong statement")
    application.refresh_from_db()
    assert application.notes == "Strong statement"
    assert AuditEntry.objects.filter(action="careers.application.noted").count() == 1
    assert not Notification.objects.exists()


def test_a_move_the_table_does_not_allow_is_refused(client, reviewer):
    _submit(client)
    application = InternshipApplication.objects.get()
    with pytest.raises(DomainError) as refused:
        services.application_update(actor=reviewer, application=application, status=Status.OFFERED)
    assert refused.value.domain_code == "transition_not_allowed"
    application.refresh_from_db()
    assert application.status == Status.RECEIVED


def test_the_whole_path_to_an_offer_sets_the_decision_time(client, reviewer):
    _submit(client)
    application = InternshipApplication.objects.get()
    for status in (Status.UNDER_REVIEW, Status.SHORTLISTED, Status.INTERVIEW, Status.OFFERED):
        services.application_update(actor=reviewer, application=application, status=status)
    application.refresh_from_db()
    assert application.status == Status.OFFERED
    assert application.decided_at is not None
    assert Notification.objects.filter(recipient="ana@example.org").count() == 5
    page = client.get(
        f"/careers/internship/status/{services.status_token(application=application)}/"
    ).content.decode()
    assert "Offered a place" in page


# --- The admin door ---------------------------------------------------------------------------


def test_reviewer_shortlists_from_the_admin_list(client, reviewer):
    _submit(client)
    application = InternshipApplication.objects.get()
    client.force_login(reviewer)
    response = client.post(
        "/admin/careers/internshipapplication/",
        {"action": "shortlist", "_selected_action": [application.pk]},
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Status.SHORTLISTED
    assert AuditEntry.objects.filter(
        action="careers.application.status_changed", actor=reviewer
    ).exists()
    assert Notification.objects.filter(subject__contains="Shortlisted").exists()


def test_reviewer_changes_status_and_notes_in_the_change_form(client, reviewer):
    _submit(client)
    application = InternshipApplication.objects.get()
    client.force_login(reviewer)
    url = f"/admin/careers/internshipapplication/{application.pk}/change/"
    assert client.get(url).status_code == 200
    response = client.post(url, {"status": "under_review", "notes": "Call the school"})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Status.UNDER_REVIEW
    assert application.notes == "Call the school"
    assert AuditEntry.objects.filter(action="careers.application.noted").exists()


def test_the_change_form_refuses_a_move_the_table_does_not_allow(client, reviewer):
    _submit(client)
    application = InternshipApplication.objects.get()
    client.force_login(reviewer)
    url = f"/admin/careers/internshipapplication/{application.pk}/change/"
    response = client.post(url, {"status": "offered", "notes": "Great"}, follow=True)
    assert response.redirect_chain[-1][0] == url
    assert [str(m) for m in response.context["messages"]] == [
        "An application that is “Received” cannot become “Offered a place”."
    ]
    application.refresh_from_db()
    assert application.status == Status.RECEIVED
    assert application.notes == ""  # nothing of the refused submission was saved
    assert not AuditEntry.objects.filter(
        action__in=["careers.application.noted", "careers.application.status_changed"]
    ).exists()
    assert not LogEntry.objects.filter(object_id=str(application.pk)).exists()


def test_reviewer_downloads_the_clean_cv_and_it_is_audited(client, reviewer):
    _submit(client)
    application = InternshipApplication.objects.get()
    client.force_login(reviewer)
    response = client.get(f"/admin/careers/internshipapplication/{application.pk}/cv/")
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    assert AuditEntry.objects.filter(action="careers.application.cv_downloaded").exists()


def test_staff_without_the_role_cannot_read_applications(client, user_in_role):
    _submit(client)
    application = InternshipApplication.objects.get()
    client.force_login(user_in_role())
    assert client.get(f"/admin/careers/internshipapplication/{application.pk}/cv/").status_code in (
        302,
        403,
    )
    assert client.get("/admin/careers/internshipapplication/").status_code == 403


def test_a_failure_after_the_cv_is_stored_leaves_neither_row_nor_file(client, monkeypatch):
    def refuse(**kwargs):
        raise RuntimeError("outbox down")

    monkeypatch.setattr(services, "notification_enqueue", refuse)
    with pytest.raises(RuntimeError):
        services.application_submit(
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
            language="en",
        )
    assert not InternshipApplication.objects.exists()
    assert not AuditEntry.objects.filter(action="careers.application.submitted").exists()
    assert not list(Path(settings.CAREERS_FILE_ROOT).rglob("*.bin"))


def test_a_cv_with_too_many_pages_is_refused_with_the_limit(client, settings):
    settings.CAREERS_CV_MAX_PAGES = 1
    two_pages = io.BytesIO(_two_page_pdf())
    two_pages.name = "cv.pdf"
    response = _submit(client, cv=two_pages)
    assert "Your CV may have from 1 to 1 pages." in response.content.decode()
    assert not InternshipApplication.objects.exists()


def _two_page_pdf() -> bytes:
    out = io.BytesIO()
    drawing = canvas.Canvas(out)
    drawing.drawString(72, 700, "one")
    drawing.showPage()
    drawing.drawString(72, 700, "two")
    drawing.showPage()
    drawing.save()
    return out.getvalue()
