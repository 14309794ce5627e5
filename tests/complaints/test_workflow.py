"""Each stage of a complaint, its rules, and the same rules through the staff page."""

import datetime as dt

import pytest
import time_machine
from django.test import Client

from complaints import selectors, services
from complaints.models import InvestigationStep
from portal.errors import DomainError
from portal.localtime import department_zone
from portal.models import AuditEntry, Notification
from tests.complaints.conftest import advance, file_complaint
from tests.support.otp import verified_login

pytestmark = pytest.mark.django_db


def refused(code, call, **kwargs):
    with pytest.raises(DomainError) as error:
        call(**kwargs)
    assert error.value.domain_code == code
    return error.value


def staff(user):
    client = Client()
    verified_login(client, user)
    return client


def test_the_stages_follow_in_order_only(filed, ia):
    refused(
        "bad_transition",
        services.complaint_classify,
        actor=ia,
        complaint=filed,
        seriousness="minor",
    )
    refused("bad_transition", services.investigation_finish, actor=ia, complaint=filed)
    services.complaint_accept(actor=ia, complaint=filed)
    refused("bad_transition", services.complaint_accept, actor=ia, complaint=filed)
    filed.refresh_from_db()
    assert filed.stage == "classification"


def test_classifying_needs_an_allegation_with_its_category(filed, ia):
    advance(filed, ia, to="classification")
    refused(
        "allegation_required",
        services.complaint_classify,
        actor=ia,
        complaint=filed,
        seriousness="minor",
    )
    refused(
        "category", services.allegation_add, actor=ia, complaint=filed, category="rude", summary="x"
    )
    refused(
        "summary_required",
        services.allegation_add,
        actor=ia,
        complaint=filed,
        category="courtesy",
        summary="  ",
    )
    services.allegation_add(actor=ia, complaint=filed, category="bias", summary="Slur used.")
    services.complaint_classify(actor=ia, complaint=filed, seriousness="minor")
    filed.refresh_from_db()
    assert (filed.stage, filed.seriousness) == ("assignment", "minor")


def test_serious_complaints_go_to_internal_affairs_only(filed, ia, supervisor_user):
    advance(filed, ia, to="assignment", seriousness="serious")
    refused(
        "serious_to_supervisor",
        services.complaint_assign,
        actor=ia,
        complaint=filed,
        assignee_kind="supervisor",
        assigned_to=supervisor_user,
    )
    refused(
        "assignee_role",
        services.complaint_assign,
        actor=ia,
        complaint=filed,
        assignee_kind="internal_affairs",
        assigned_to=supervisor_user,
    )


def test_a_minor_one_goes_to_the_officers_own_supervisor(filed, ia, user_in_role):
    from portal import roles

    other = user_in_role(roles.SUPERVISORS, username="other-sergeant")
    advance(filed, ia, to="assignment", seriousness="minor")
    refused(
        "assignee_role",
        services.complaint_assign,
        actor=ia,
        complaint=filed,
        assignee_kind="supervisor",
        assigned_to=other,
    )
    supervisor = filed.officers.get().officer.supervisor.user
    with time_machine.travel(dt.datetime(2026, 12, 1, 15, tzinfo=dt.UTC), tick=False):
        services.complaint_assign(
            actor=ia, complaint=filed, assignee_kind="supervisor", assigned_to=supervisor
        )
    filed.refresh_from_db()
    assert filed.stage == "investigation" and filed.assigned_to == supervisor
    received = filed.received_at.astimezone(department_zone()).date()
    assert filed.investigation_due_on == received + dt.timedelta(days=30)


def test_nobody_named_in_a_case_may_investigate_it(filed, ia2, ia):
    officer = filed.officers.get().officer
    officer.user = ia2
    officer.save()
    advance(filed, ia, to="assignment")
    refused(
        "assignee_named",
        services.complaint_assign,
        actor=ia,
        complaint=filed,
        assignee_kind="internal_affairs",
        assigned_to=ia2,
    )


def test_the_outcome_waits_for_a_finding_on_every_allegation(filed, ia):
    advance(filed, ia, to="classification")
    services.allegation_add(actor=ia, complaint=filed, category="courtesy", summary="Shouted.")
    services.allegation_add(actor=ia, complaint=filed, category="procedure", summary="No reason.")
    advance(filed, ia, to="finding")
    first, second = filed.allegations.all()
    refused(
        "bad_transition", services.complaint_close, actor=ia, complaint=filed, outcome="no_action"
    )
    services.allegation_find(actor=ia, allegation=first, finding="exonerated")
    refused("finding_missing", services.findings_submit, actor=ia, complaint=filed)
    refused("finding", services.allegation_find, actor=ia, allegation=second, finding="guilty")
    services.allegation_find(actor=ia, allegation=second, finding="policy_failure")
    services.findings_submit(actor=ia, complaint=filed)
    filed.refresh_from_db()
    assert filed.stage == "outcome"


def test_training_or_discipline_needs_a_summary_and_closing_counts_the_days(filed, ia):
    with time_machine.travel(dt.datetime(2026, 10, 1, 14, 20, tzinfo=dt.UTC), tick=False):
        complaint = file_complaint().complaint
    advance(complaint, ia, to="outcome")
    refused(
        "summary_required",
        services.complaint_close,
        actor=ia,
        complaint=complaint,
        outcome="discipline",
    )
    refused("outcome", services.complaint_close, actor=ia, complaint=complaint, outcome="delivered")
    with time_machine.travel(dt.datetime(2026, 11, 15, 16, tzinfo=dt.UTC), tick=False):
        services.complaint_close(
            actor=ia,
            complaint=complaint,
            outcome="discipline",
            outcome_summary="Written reprimand.",
        )
    complaint.refresh_from_db()
    assert complaint.stage == "closed"
    assert complaint.closed_on == dt.date(2026, 11, 15)
    assert complaint.days_to_close == 45
    assert complaint.finding_notice_pending
    assert AuditEntry.objects.filter(action="complaints.complaint.closed").count() == 1


def test_the_complainant_is_told_the_finding_in_their_language(officer, ia):
    complaint = file_complaint(language="es").complaint
    advance(complaint, ia, to="closed")
    assert services.finding_notify(complaint_id=complaint.pk)
    assert not services.finding_notify(complaint_id=complaint.pk)  # once
    notice = Notification.objects.get(recipient="jordan@example.org")
    assert notice.language == "es"
    assert complaint.tracking_code in notice.subject
    assert "Jordan" not in notice.body
    complaint.refresh_from_db()
    assert complaint.complainant_notified_on is not None


def test_steps_have_deadlines_and_reminders_go_once_a_day(filed, ia):
    advance(filed, ia, to="investigation")
    refused(
        "title_required", services.step_add, actor=ia, complaint=filed, kind="interview", title=""
    )
    with time_machine.travel(dt.datetime(2026, 12, 1, 15, tzinfo=dt.UTC), tick=False):
        step = services.step_add(
            actor=ia,
            complaint=filed,
            kind="interview",
            title="Interview the witness",
            due_on=dt.date(2026, 12, 2),
        )
        far = services.step_add(
            actor=ia,
            complaint=filed,
            kind="evidence",
            title="Ask for footage",
            due_on=dt.date(2026, 12, 30),
        )
        assert services.reminders_send() == 1
        assert services.reminders_send() == 0
    reminder = Notification.objects.get(recipient=ia.email, subject__contains="Interview")
    assert "Interview the witness" in reminder.body
    with time_machine.travel(dt.datetime(2026, 12, 3, 15, tzinfo=dt.UTC), tick=False):
        assert services.reminders_send() == 1  # overdue: again the next day
        services.step_complete(actor=ia, step=step)
        assert services.reminders_send() == 0
    assert InvestigationStep.objects.get(pk=far.pk).reminded_on is None


def test_a_commendation_reaches_the_officer_and_the_supervisor_and_counts(officer, ia):
    commendation = file_complaint(kind="commendation", what="Thank you for your patience.")
    services.commendation_deliver(actor=ia, complaint=commendation.complaint)
    recipients = set(
        Notification.objects.filter(subject__startswith="A commendation").values_list(
            "recipient", flat=True
        )
    )
    assert recipients == {"whitfield@example.org", "lind@example.org"}
    assert selectors.officer_record(officer=officer)["commendations"] == 1
    commendation.complaint.refresh_from_db()
    assert commendation.complaint.stage == "closed"
    assert commendation.complaint.outcome == "delivered"


def test_a_commendation_for_an_unknown_officer_waits_to_be_identified(officer, ia):
    commendation = file_complaint(
        kind="commendation",
        officers=[services.OfficerGiven(description="Tall, red bicycle")],
    ).complaint
    refused("officer_unknown", services.commendation_deliver, actor=ia, complaint=commendation)
    services.officer_identify(actor=ia, link=commendation.officers.get(), officer=officer)
    services.commendation_deliver(actor=ia, complaint=commendation)
    assert selectors.officer_record(officer=officer)["commendations"] == 1


# --- the same rules through the staff page -------------------------------------------------------


def test_internal_affairs_takes_a_case_through_the_staff_page(filed, ia):
    client = staff(ia)
    url = f"/staff/complaints/{filed.pk}/"
    assert client.post(url, {"action": "accept"}).status_code == 302
    response = client.post(url, {"action": "classify", "classify-seriousness": "minor"})
    assert response.status_code == 400  # no allegation yet: the rule holds at this door too
    assert "Add at least one allegation" in response.content.decode()
    client.post(
        url,
        {
            "action": "allegation",
            "allegation-category": "courtesy",
            "allegation-summary": "Shouted at a resident.",
        },
    )
    assert (
        client.post(url, {"action": "classify", "classify-seriousness": "serious"}).status_code
        == 302
    )
    client.post(
        url,
        {
            "action": "assign",
            "assign-assignee_kind": "internal_affairs",
            "assign-assigned_to": ia.pk,
        },
    )
    client.post(
        url,
        {
            "action": "step",
            "step-kind": "interview",
            "step-title": "Talk to Kim",
            "step-due_on": "2030-01-05",
        },
    )
    client.post(url, {"action": "finish_investigation"})
    allegation = filed.allegations.get()
    client.post(
        url,
        {
            "action": "finding",
            "finding-allegation": allegation.pk,
            "finding-finding": "not_sustained",
        },
    )
    client.post(url, {"action": "submit_findings"})
    response = client.post(url, {"action": "close", "close-outcome": "no_action"})
    assert response.status_code == 302
    filed.refresh_from_db()
    assert filed.stage == "closed"
    assert filed.allegations.get().finding == "not_sustained"
    assert filed.steps.get().title == "Talk to Kim"


def test_a_wrong_step_on_the_staff_page_says_why(filed, ia):
    response = staff(ia).post(f"/staff/complaints/{filed.pk}/", {"action": "submit_findings"})
    assert response.status_code == 400
    assert "that step is not possible now" in response.content.decode()
    filed.refresh_from_db()
    assert filed.stage == "intake"


def test_a_supervisor_investigates_a_minor_case_but_internal_affairs_closes_it(
    filed, ia, supervisor_user
):
    advance(
        filed, ia, to="investigation", seriousness="minor", assignee=("supervisor", supervisor_user)
    )
    client = staff(supervisor_user)
    url = f"/staff/complaints/{filed.pk}/"
    assert client.post(url, {"action": "finish_investigation"}).status_code == 302
    allegation = filed.allegations.get()
    client.post(
        url,
        {"action": "finding", "finding-allegation": allegation.pk, "finding-finding": "sustained"},
    )
    client.post(url, {"action": "submit_findings"})
    response = client.post(url, {"action": "close", "close-outcome": "no_action"})
    assert response.status_code == 400
    filed.refresh_from_db()
    assert filed.stage == "outcome"
    refused(
        "not_allowed",
        services.complaint_close,
        actor=supervisor_user,
        complaint=filed,
        outcome="no_action",
    )
