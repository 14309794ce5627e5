"""Who may read what of a complaint, at every door: the staff pages, the admin and the API.
Only internal affairs sees who complained; the named officer sees nothing of the case; site
administrators and superusers outside the roles see nothing at all; every reading is audited."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test import Client

from complaints import services
from portal import roles
from portal.models import AuditEntry
from tests.complaints.conftest import advance, file_complaint
from tests.support.otp import verified_login

pytestmark = pytest.mark.django_db

NAME = "Jordan Ellis"
WITNESS = "Kim Park"


def staff(user):
    client = Client()
    verified_login(client, user)
    return client


def test_internal_affairs_sees_who_complained_and_the_reading_is_audited(filed, ia):
    response = staff(ia).get(f"/staff/complaints/{filed.pk}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert NAME in page and WITNESS in page and "jordan@example.org" in page
    actions = set(
        AuditEntry.objects.filter(actor=ia, target_id=str(filed.pk)).values_list(
            "action", flat=True
        )
    )
    assert {"complaints.complaint.opened", "complaints.complainant.viewed"} <= actions


def test_the_assigned_supervisor_sees_the_case_but_not_who_complained(filed, ia, supervisor_user):
    advance(
        filed, ia, to="investigation", seriousness="minor", assignee=("supervisor", supervisor_user)
    )
    response = staff(supervisor_user).get(f"/staff/complaints/{filed.pk}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "shouted at me" in page
    assert NAME not in page and WITNESS not in page and "jordan@example.org" not in page
    api = staff(supervisor_user).get(f"/api/v1/complaints/cases/{filed.pk}/")
    assert api.status_code == 200 and api.json()["complainant"] is None


def test_a_supervisor_not_assigned_sees_nothing(filed, supervisor_user):
    client = staff(supervisor_user)
    assert client.get(f"/staff/complaints/{filed.pk}/").status_code == 403
    assert client.get(f"/api/v1/complaints/cases/{filed.pk}/").status_code == 403
    assert client.get("/api/v1/complaints/cases/").json() == []


def test_the_named_officer_never_sees_the_case_even_in_internal_affairs(filed, ia, ia2):
    officer = filed.officers.get().officer
    officer.user = ia2
    officer.save()
    client = staff(ia2)
    assert client.get(f"/staff/complaints/{filed.pk}/").status_code == 403
    assert filed.tracking_code not in client.get("/staff/complaints/").content.decode()
    assert client.get(f"/api/v1/complaints/cases/{filed.pk}/").status_code == 403
    assert client.get("/api/v1/complaints/cases/").json() == []
    assert client.get(f"/admin/complaints/complaint/{filed.pk}/change/").status_code in (302, 403)
    assert filed.tracking_code not in client.get("/admin/complaints/complaint/").content.decode()
    with pytest.raises(services.workflow.DomainError):
        services.complaint_open(actor=ia2, complaint=filed)
    advance(filed, ia, to="closed")
    assert client.get(f"/staff/complaints/board/{filed.pk}/").status_code == 403


@pytest.mark.parametrize("who", ["site_admin", "superuser"])
def test_site_administrators_and_superusers_cannot_read_complainants(filed, who, request):
    user = request.getfixturevalue(who)
    client = staff(user)
    for url in (
        f"/staff/complaints/{filed.pk}/",
        "/staff/complaints/",
        "/staff/complaints/board/",
        f"/api/v1/complaints/cases/{filed.pk}/",
        "/api/v1/complaints/cases/",
    ):
        response = client.get(url)
        assert response.status_code == 403, url
        assert NAME not in response.content.decode()
    admin_list = client.get("/admin/complaints/complaint/")
    assert admin_list.status_code == 403
    admin_case = client.get(f"/admin/complaints/complaint/{filed.pk}/change/")
    assert admin_case.status_code in (302, 403)
    assert NAME not in admin_case.content.decode()
    index = client.get("/admin/").content.decode()
    assert "/admin/complaints/" not in index
    assert not AuditEntry.objects.filter(action__startswith="complaints.", actor=user).exists()


def test_the_board_sees_closed_complaints_without_who_complained(filed, ia, board_member):
    client = staff(board_member)
    assert client.get(f"/staff/complaints/board/{filed.pk}/").status_code == 403  # still open
    advance(filed, ia, to="closed")
    response = client.get(f"/staff/complaints/board/{filed.pk}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Shouted at a resident" in page and "Sustained" in page
    assert NAME not in page and WITNESS not in page and "jordan@example.org" not in page
    assert "shouted at me" not in page  # the resident's own words stay with internal affairs
    assert AuditEntry.objects.filter(
        actor=board_member, action="complaints.review.viewed", target_id=str(filed.pk)
    ).exists()
    # The staff page sends the board to its own view; the API is not theirs.
    assert client.get(f"/staff/complaints/{filed.pk}/").status_code == 302
    assert client.get(f"/api/v1/complaints/cases/{filed.pk}/").status_code == 403


def test_the_api_shows_internal_affairs_who_complained_and_audits_it(filed, ia):
    response = staff(ia).get(f"/api/v1/complaints/cases/{filed.pk}/")
    assert response.status_code == 200
    assert response.json()["complainant"]["name"] == NAME
    assert AuditEntry.objects.filter(actor=ia, action="complaints.complainant.viewed").exists()


def test_files_are_opened_by_internal_affairs_only_and_audited(officer, ia, supervisor_user):
    from tests.complaints.conftest import jpeg_bytes

    complaint = file_complaint(files=[jpeg_bytes()]).complaint
    attachment = complaint.attachments.get()
    services.attachment_scrub(attachment_id=attachment.pk)
    url = f"/staff/complaints/{complaint.pk}/files/{attachment.pk}/"
    assert staff(supervisor_user).get(url).status_code == 403
    response = staff(ia).get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert AuditEntry.objects.filter(actor=ia, action="complaints.attachment.viewed").exists()


def test_who_complained_is_encrypted_at_rest(filed):
    with connection.cursor() as cursor:
        cursor.execute("SELECT complainant_name, complainant_email, what FROM complaints_complaint")
        row = cursor.fetchone()
        cursor.execute("SELECT name, contact FROM complaints_witness")
        witness = cursor.fetchone()
    raw = " ".join(row + witness)
    for secret in (NAME, "jordan@example.org", "shouted", WITNESS, "555-0101"):
        assert secret not in raw
    assert row[0].startswith("gAAAA")  # a Fernet token


def test_signing_in_without_the_second_factor_opens_nothing(filed, ia, settings):
    settings.STAFF_REQUIRE_2FA = True
    client = Client()
    client.force_login(ia)  # a password-only session
    response = client.get(f"/staff/complaints/{filed.pk}/")
    assert response.status_code == 302
    assert NAME not in response.content.decode()
    assert client.get(f"/api/v1/complaints/cases/{filed.pk}/").status_code in (401, 403)


def test_the_three_roles_are_sensitive_so_only_a_superuser_grants_them(db):
    sensitive = set(roles.sensitive_groups().values_list("name", flat=True))
    assert {roles.INTERNAL_AFFAIRS, roles.SUPERVISORS, roles.REVIEW_BOARD} <= sensitive
    custom = Group.objects.create(name="Front desk")
    custom.permissions.add(*Permission.objects.filter(codename="enter_complaint"))
    assert roles.sensitive_groups().filter(pk=custom.pk).exists()


def test_the_officers_record_counts_commendations_for_staff_only(officer, ia, site_admin):
    services.commendation_deliver(actor=ia, complaint=file_complaint(kind="commendation").complaint)
    page = staff(ia).get(f"/staff/complaints/officers/{officer.pk}/")
    assert page.status_code == 200
    assert '<dd data-testid="commendations">1</dd>' in page.content.decode()
    assert staff(site_admin).get(f"/staff/complaints/officers/{officer.pk}/").status_code == 403


def test_a_case_page_sent_back_with_an_error_is_a_reading_too(filed, ia):
    before = AuditEntry.objects.filter(action="complaints.complainant.viewed").count()
    response = staff(ia).post(f"/staff/complaints/{filed.pk}/", {"action": "submit_findings"})
    assert response.status_code == 400 and NAME in response.content.decode()
    after = AuditEntry.objects.filter(action="complaints.complainant.viewed").count()
    assert after == before + 1
