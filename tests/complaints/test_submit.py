"""Filing a complaint or a commendation: the public form and the front desk's, through the one
intake service; bad input refused with a clear message and nothing half-saved."""

import pytest
from django.test import Client

from complaints import services
from complaints.models import Complaint, ComplaintAttachment, ComplaintOfficer, Witness
from portal.localtime import department_zone
from portal.models import AuditEntry
from tests.complaints.conftest import file_complaint, jpeg_bytes
from tests.support.otp import verified_login

pytestmark = pytest.mark.django_db


def form(**overrides):
    data = {
        "kind": "complaint",
        "filing": "named",
        "complainant_name": "Jordan Ellis",
        "complainant_email": "jordan@example.org",
        "officer_name": "E1042",
        "what": "The officer shouted at me during a stop on Maple Avenue.",
        "witness_0_name": "Kim Park",
        "witness_0_contact": "555-0101",
    }
    data.update(overrides)
    return data


def nothing_saved():
    return not (
        Complaint.objects.exists()
        or ComplaintOfficer.objects.exists()
        or Witness.objects.exists()
        or ComplaintAttachment.objects.exists()
    )


def test_a_named_complaint_gets_a_tracking_code_and_a_passphrase(officer):
    response = Client().post("/complaints/file/", form())
    assert response.status_code == 200
    complaint = Complaint.objects.get()
    page = response.content.decode()
    assert complaint.tracking_code in page
    assert "Write these down now" in page
    assert complaint.complainant_name == "Jordan Ellis"
    assert complaint.officers.get().officer == officer  # the badge number matched
    assert complaint.witnesses.get().name == "Kim Park"
    assert complaint.received_at.minute == 0 and complaint.received_at.second == 0
    local_day = complaint.received_at.astimezone(department_zone()).date()
    assert complaint.received_month == local_day.replace(day=1)


def test_an_anonymous_commendation_keeps_nothing_about_who_sent_it(officer):
    response = Client().post(
        "/complaints/file/",
        form(
            kind="commendation",
            filing="anonymous",
            complainant_name="",
            complainant_email="",
            witness_0_name="",
            witness_0_contact="",
        ),
    )
    assert response.status_code == 200
    complaint = Complaint.objects.get()
    assert complaint.is_anonymous and complaint.is_commendation
    assert not (complaint.complainant_name or complaint.complainant_email)
    assert complaint.entered_by is None
    assert "the only way we can tell you" in response.content.decode()


def test_on_behalf_of_someone_needs_who_they_are(officer):
    response = Client().post("/complaints/file/", form(filing="on_behalf"))
    assert response.status_code == 400
    assert "who you are writing for" in response.content.decode()
    assert nothing_saved()
    Client().post(
        "/complaints/file/", form(filing="on_behalf", on_behalf_of="My father, Luis Ellis")
    )
    assert Complaint.objects.get().on_behalf_of == "My father, Luis Ellis"


def test_an_empty_story_is_refused_in_the_residents_language(officer):
    response = Client().post("/es/complaints/file/", form(what="   "))
    assert response.status_code == 400
    page = response.content.decode()
    assert "Cuéntenos qué pasó." in page
    assert 'value="Jordan Ellis"' in page  # what was typed stays
    assert nothing_saved()


def test_over_long_text_is_refused_at_every_door(officer):
    response = Client().post("/complaints/file/", form(what="x" * 5001))
    assert response.status_code == 400
    assert "under 5000 characters" in response.content.decode()
    assert nothing_saved()
    with pytest.raises(services.intake.DomainError) as refused:
        file_complaint(where="y" * 501)
    assert refused.value.domain_code == "too_long"
    assert nothing_saved()


def test_staying_anonymous_with_a_name_is_refused(officer):
    with pytest.raises(services.intake.DomainError) as refused:
        file_complaint(filing="anonymous")
    assert refused.value.domain_code == "anonymous_with_identity"
    response = Client().post("/complaints/file/", form(filing="anonymous"))
    assert response.status_code == 400
    assert nothing_saved()


def test_i_dont_know_who_needs_when_and_where(officer):
    response = Client().post(
        "/complaints/file/", form(officer_name="", officer_unknown="on", officer_seen_when="")
    )
    assert response.status_code == 400
    assert "when and where you met them" in response.content.decode()
    assert nothing_saved()
    Client().post(
        "/complaints/file/",
        form(
            officer_name="",
            officer_unknown="on",
            officer_seen_when="Friday 9 pm",
            officer_seen_where="Maple Avenue",
        ),
    )
    link = ComplaintOfficer.objects.get()
    assert link.unknown and link.officer is None and link.seen_where == "Maple Avenue"


def test_no_officer_at_all_is_refused(officer):
    response = Client().post("/complaints/file/", form(officer_name=""))
    assert response.status_code == 400
    assert nothing_saved()


def test_a_file_that_is_not_a_photo_pdf_or_video_is_refused(officer):
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("photo.jpg", b"#!/bin/sh\necho not a photo\n", "image/jpeg")
    response = Client().post("/complaints/file/", {**form(), "attachments": [fake]})
    assert response.status_code == 400
    assert "checked by what they contain" in response.content.decode()
    assert nothing_saved()


def test_more_files_than_allowed_are_refused(officer):
    from django.core.files.uploadedfile import SimpleUploadedFile

    files = [SimpleUploadedFile(f"p{i}.jpg", jpeg_bytes(), "image/jpeg") for i in range(6)]
    response = Client().post("/complaints/file/", {**form(), "attachments": files})
    assert response.status_code == 400
    assert nothing_saved()


def test_a_photo_is_stored_encrypted_and_cleaned(officer, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    photo = SimpleUploadedFile("p.jpg", jpeg_bytes(), "image/jpeg")
    Client().post("/complaints/file/", {**form(), "attachments": [photo]})
    attachment = ComplaintAttachment.objects.get()
    with attachment.original.open("rb") as handle:
        assert not handle.read().startswith(b"\xff\xd8")  # encrypted, not a JPEG
    services.attachment_scrub(attachment_id=attachment.pk)
    attachment.refresh_from_db()
    assert attachment.status == "clean"


def test_front_desk_staff_enter_a_complaint_through_the_same_form(ia, officer):
    client = Client()
    verified_login(client, ia)
    response = client.post("/staff/complaints/new/", form(channel="front_desk"))
    assert response.status_code == 200
    complaint = Complaint.objects.get()
    assert complaint.channel == "front_desk"
    assert complaint.entered_by == ia
    assert complaint.tracking_code in response.content.decode()
    assert AuditEntry.objects.filter(action="complaints.complaint.entered", actor=ia).exists()


def test_entering_from_the_desk_takes_the_permission(site_admin, officer):
    client = Client()
    verified_login(client, site_admin)
    assert client.post("/staff/complaints/new/", form(channel="mail")).status_code == 403
    with pytest.raises(services.intake.DomainError) as refused:
        file_complaint(channel="mail", entered_by=site_admin)
    assert refused.value.domain_code == "not_allowed"
    assert nothing_saved()


def test_every_page_links_to_complaints_from_its_footer(db):
    page = Client().get("/contact/").content.decode()
    footer = page[page.index("<footer") :]
    assert 'href="/complaints/"' in footer
    spanish = Client().get("/es/contact/").content.decode()
    assert 'href="/es/complaints/"' in spanish[spanish.index("<footer") :]


def test_the_policy_page_says_retaliation_is_prohibited(db):
    page = Client().get("/complaints/").content.decode()
    assert "Retaliation is prohibited" in page
    assert "days" in page
