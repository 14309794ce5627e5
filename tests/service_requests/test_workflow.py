"""Staff's work on a request, through the services and through the admin (two doors): the
state machine, close reasons, assignment, notes, messages, merging, bulk closing, the queue's
order, what the resident and followers are told, the digest."""

import datetime as dt

import pytest
import time_machine
from django.contrib.admin.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portal.errors import DomainError
from portal.models import AuditEntry, Notification
from service_requests import selectors, services
from service_requests.models import RequestEvent, RequestFollower, ServiceRequest
from tests.support.otp import verified_login

pytestmark = pytest.mark.django_db

ADMIN = "/admin/service_requests/servicerequest/"


def make(**kwargs):
    defaults = {
        "service_code": "stray-animal",
        "attributes": {"kind": "dog"},
        "address": "42 Chapel Street",
        "contact": {"email": "ana@example.org", "phone": "8605550199"},
        "notify_email": True,
    }
    defaults.update(kwargs)
    return services.request_submit(**defaults)


def test_the_status_moves_forward_and_the_resident_is_told(stray, clerk_staff):
    request = make()
    Notification.objects.all().delete()
    services.request_transition(
        service_request=request, to_status="acknowledged", actor=clerk_staff
    )
    services.request_transition(service_request=request, to_status="in_progress", actor=clerk_staff)
    request = services.request_transition(
        service_request=request,
        to_status="closed",
        actor=clerk_staff,
        reason="resolved",
        message="We took the dog to the shelter.",
    )
    assert request.status == "closed" and request.closed_at and request.acknowledged_at
    subjects = list(Notification.objects.order_by("created_at").values_list("subject", flat=True))
    assert len(subjects) == 3 and "Closed" in subjects[-1]
    assert "shelter" in Notification.objects.order_by("-created_at").first().body
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {
        "service_requests.request.acknowledged",
        "service_requests.request.started",
        "service_requests.request.closed",
    } <= actions


def test_a_transition_not_in_the_table_is_refused_as_a_conflict(stray, clerk_staff):
    request = make()
    with pytest.raises(DomainError) as caught:
        services.request_transition(
            service_request=request, to_status="acknowledged", actor=clerk_staff
        )
        services.request_transition(service_request=request, to_status="open", actor=clerk_staff)
    assert caught.value.domain_code == "transition_not_allowed" and caught.value.conflict


def test_closing_needs_a_reason(stray, clerk_staff):
    request = make()
    with pytest.raises(DomainError) as caught:
        services.request_transition(service_request=request, to_status="closed", actor=clerk_staff)
    assert caught.value.domain_code == "close_reason_required"
    request.refresh_from_db()
    assert request.status == "open"


def test_closing_needs_a_reason_in_the_admin_too(client, stray, clerk_staff):
    request = make()
    verified_login(client, clerk_staff)
    response = client.post(f"{ADMIN}{request.pk}/change/", {"new_status": "closed"}, follow=True)
    assert "Say why the request is closed." in response.content.decode()
    request.refresh_from_db()
    assert request.status == "open"


def test_a_refused_admin_update_stays_on_the_page_without_a_change_logged(
    client, stray, clerk_staff
):
    request = make()
    verified_login(client, clerk_staff)
    page = f"{ADMIN}{request.pk}/change/"
    response = client.post(page, {"new_status": "closed", "note": "Dog gone."})
    assert (response.status_code, response.url) == (302, page)
    assert not LogEntry.objects.filter(object_id=str(request.pk)).exists()
    assert not RequestEvent.objects.filter(request=request, kind="note").exists()


def test_staff_close_from_the_admin_page_with_a_message(client, stray, clerk_staff):
    request = make()
    verified_login(client, clerk_staff)
    assert client.get(f"{ADMIN}{request.pk}/change/").status_code == 200
    response = client.post(
        f"{ADMIN}{request.pk}/change/",
        {
            "new_status": "closed",
            "reason": "gone",
            "message": "No dog there when we came.",
            "note": "Checked the yard too.",
            "assignee": clerk_staff.pk,
        },
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert (request.status, request.close_reason, request.assigned_to) == (
        "closed",
        "gone",
        clerk_staff,
    )
    kinds = set(RequestEvent.objects.filter(request=request).values_list("kind", flat=True))
    assert {"note", "status", "assigned"} <= kinds
    assert AuditEntry.objects.filter(action="service_requests.servicerequest.viewed").exists()


def test_a_note_is_never_on_the_tracking_page(client, stray, clerk_staff):
    request = make()
    services.request_note_add(
        service_request=request, text="Owner is known to us", actor=clerk_staff
    )
    services.request_message_send(
        service_request=request, text="We are on our way.", actor=clerk_staff
    )
    page = client.get(services.tracking_path(request)).content.decode()
    assert "We are on our way." in page
    assert "Owner is known" not in page


def test_a_message_needs_a_way_to_reach_the_resident(stray, clerk_staff):
    request = make(contact=None, notify_email=False)
    with pytest.raises(DomainError) as caught:
        services.request_message_send(service_request=request, text="Hello", actor=clerk_staff)
    assert caught.value.domain_code == "no_contact"


def test_only_active_staff_can_be_assigned(stray, clerk_staff, django_user_model):
    request = make()
    resident = django_user_model.objects.create(username="not-staff", is_staff=False)
    with pytest.raises(DomainError) as caught:
        services.request_assign(service_request=request, assignee=resident, actor=clerk_staff)
    assert caught.value.domain_code == "assignee_invalid"


def test_merging_closes_the_duplicate_and_its_reporter_follows_the_one_kept(stray, clerk_staff):
    first = make()
    second = make(contact={"email": "ben@example.org"}, address="44 Chapel Street")
    duplicate = services.request_merge(duplicate=second, into=first, actor=clerk_staff)
    assert duplicate.status == "closed" and duplicate.close_reason == "duplicate"
    assert duplicate.merged_into == first
    first.refresh_from_db()
    assert first.followers == 1
    assert RequestFollower.objects.get(request=first).contact["email"] == "ben@example.org"
    Notification.objects.all().delete()
    services.request_transition(
        service_request=first, to_status="closed", actor=clerk_staff, reason="resolved"
    )
    recipients = set(Notification.objects.values_list("recipient", flat=True))
    assert {"ana@example.org", "ben@example.org"} <= recipients
    with pytest.raises(DomainError) as caught:
        services.request_merge(duplicate=first, into=first, actor=clerk_staff)
    assert caught.value.domain_code == "merge_invalid"


def test_merge_from_the_admin_list(client, stray, clerk_staff):
    first = make()
    second = make(address="44 Chapel Street")
    verified_login(client, clerk_staff)
    response = client.post(
        ADMIN,
        {
            "action": "merge",
            "_selected_action": [first.pk, second.pk],
            "apply": "1",
            "keep": first.pk,
        },
    )
    assert response.status_code == 302
    second.refresh_from_db()
    assert second.merged_into == first and second.status == "closed"


def test_bulk_close_from_the_admin_closes_all_with_the_reason(client, stray, clerk_staff):
    rows = [make(address=f"{n} Chapel Street") for n in (1, 3, 5)]
    verified_login(client, clerk_staff)
    response = client.post(
        ADMIN,
        {
            "action": "close",
            "_selected_action": [r.pk for r in rows],
            "apply": "1",
            "reason": "referred",
            "message": "Sent to the state.",
        },
    )
    assert response.status_code == 302
    assert set(ServiceRequest.objects.values_list("status", "close_reason")) == {
        ("closed", "referred")
    }


def test_bulk_close_refuses_without_a_reason_and_changes_nothing(stray, clerk_staff):
    rows = [make(address=f"{n} Chapel Street") for n in (1, 3)]
    with pytest.raises(DomainError):
        services.request_bulk_close(requests=rows, reason="", actor=clerk_staff)
    assert not ServiceRequest.objects.filter(status="closed").exists()


def test_the_queue_puts_overdue_requests_first(client, stray, bite, clerk_staff):
    with time_machine.travel(dt.datetime(2026, 12, 1, 15, 0, tzinfo=dt.UTC)):
        late = make()  # due an hour later: overdue by now
    fresh = make(service_code="animal-bite", attributes={})
    ordered = list(selectors.queue_order(ServiceRequest.objects.all()))
    assert ordered[0] == late and ordered[1] == fresh
    verified_login(client, clerk_staff)
    page = client.get(ADMIN).content.decode()
    assert page.index(str(late.public_id)[:8]) < page.index(str(fresh.public_id)[:8])
    assert "overdue" in page


def test_the_queue_costs_the_same_queries_with_more_requests(client, stray, clerk_staff):
    verified_login(client, clerk_staff)
    make()
    client.get(ADMIN)
    with CaptureQueriesContext(connection) as few:
        client.get(ADMIN)
    for n in range(20):
        make(address=f"{n + 1} Chapel Street")
    with CaptureQueriesContext(connection) as many:
        client.get(ADMIN)
    assert len(many) == len(few)


def test_a_role_without_service_requests_cannot_open_the_queue(client, stray, user_in_role):
    from portal import roles

    parking = user_in_role(roles.PARKING_OFFICERS, username="pat")
    verified_login(client, parking)
    assert client.get(ADMIN).status_code == 403


def test_community_officers_work_the_queue_too(client, stray, community_officer):
    request = make()
    verified_login(client, community_officer)
    response = client.post(f"{ADMIN}{request.pk}/change/", {"new_status": "acknowledged"})
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == "acknowledged"


def test_the_on_time_admin_page_shows_figures(client, stray, clerk_staff):
    request = make()
    services.request_transition(
        service_request=request, to_status="closed", actor=clerk_staff, reason="resolved"
    )
    verified_login(client, clerk_staff)
    page = client.get(f"{ADMIN}on-time/").content.decode()
    assert "100.0%" in page and "<svg" in page


# --- The digest ---------------------------------------------------------------------------


def test_the_digest_goes_once_a_day_to_each_division_with_open_requests(stray):
    stray.division.email = "animal.control@example.org"
    stray.division.save()
    with time_machine.travel(dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.UTC)):
        make()
    with time_machine.travel(dt.datetime(2026, 12, 2, 11, 0, tzinfo=dt.UTC)):  # 6 a.m. local
        assert services.digest_send() == 0
    with time_machine.travel(dt.datetime(2026, 12, 2, 13, 0, tzinfo=dt.UTC)):  # 8 a.m. local
        assert services.digest_send() == 1
        assert services.digest_send() == 0
    digest = Notification.objects.get(recipient="animal.control@example.org")
    assert "Overdue: 1" in digest.body and "Stray or injured animal" in digest.body
    assert AuditEntry.objects.filter(action="service_requests.digest.sent").count() == 1
