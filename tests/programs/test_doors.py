"""The rules of a staff form submission hold whichever door it comes through: the admin's form
or the service (publishing.program_save, events.event_update) that the admin calls."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils.timezone import localtime

from portal.errors import DomainError
from portal.models import AuditEntry, Notification
from programs.models import Event, Program, ProgramRevision, Registration
from programs.services import events, publishing
from tests.programs.factories import EventFactory, ProgramFactory, RegistrationFactory
from tests.support.program_forms import program_form_data

pytestmark = pytest.mark.django_db

S = Program.Status
DOORS = ["admin", "service"]


def _save_program(door, client, actor, program, **changes):
    if door == "admin":
        client.force_login(actor)
        response = client.post(
            reverse("admin:programs_program_change", args=[program.pk]),
            program_form_data(program, **changes),
        )
        assert response.status_code == 302, response.content.decode()[:3000]
    else:
        program = Program.objects.get(pk=program.pk)
        for name, value in changes.items():
            setattr(program, name, value)
        publishing.program_save(actor=actor, program=program, changed_fields=list(changes))


def _actions(program):
    return list(
        AuditEntry.objects.filter(target_id=str(program.pk)).values_list(
            "action", "actor__username"
        )
    )


@pytest.mark.parametrize("door", DOORS)
def test_an_officers_change_to_a_published_program_waits_for_a_publisher(
    door, client, officer, publisher
):
    program = ProgramFactory(status=S.PUBLISHED, editors=[officer], body_en="Old timetable.")
    _save_program(door, client, officer, program, body_en="New timetable.")
    program.refresh_from_db()
    assert program.body_en == "Old timetable." and program.status == S.PUBLISHED
    change = publishing.pending_change(program)
    assert change.state == ProgramRevision.State.PENDING and change.author == officer
    assert change.snapshot["body_en"] == "New timetable."
    assert _actions(program) == [("programs.program.proposed", officer.username)]

    publishing.program_change_submit(actor=officer, revision=change)
    publishing.program_change_approve(actor=publisher, revision=change)
    program.refresh_from_db()
    assert program.body_en == "New timetable."


@pytest.mark.parametrize("door", DOORS)
def test_a_publishers_change_to_a_published_program_goes_live(door, client, publisher):
    program = ProgramFactory(status=S.PUBLISHED, body_en="Old timetable.")
    _save_program(door, client, publisher, program, body_en="New timetable.")
    program.refresh_from_db()
    assert program.body_en == "New timetable." and program.status == S.PUBLISHED
    assert publishing.pending_change(program) is None
    revision = program.revisions.get()
    assert revision.state == ProgramRevision.State.SAVED and "body_en" in revision.changed_fields
    assert _actions(program) == [("programs.program.changed", publisher.username)]


@pytest.mark.parametrize("door", DOORS)
def test_an_officer_changes_a_draft_directly_but_not_its_status(door, client, officer):
    program = ProgramFactory(status=S.DRAFT, editors=[officer])
    _save_program(door, client, officer, program, body_en="Draft text.", status=S.PUBLISHED)
    program.refresh_from_db()
    assert program.body_en == "Draft text." and program.status == S.DRAFT


def test_the_service_refuses_an_officer_not_assigned_to_the_program(officer):
    program = ProgramFactory(status=S.DRAFT, body_en="Theirs.")
    program.body_en = "Hijacked"
    with pytest.raises(DomainError) as error:
        publishing.program_save(actor=officer, program=program)
    assert error.value.domain_code == "not_assigned"
    assert Program.objects.get(pk=program.pk).body_en == "Theirs."


def test_an_officer_who_writes_a_new_program_may_go_on_editing_it(officer):
    program = Program(
        slug="night-basketball", title_en="Night basketball", summary_en="Fridays.", status=S.DRAFT
    )
    revision = publishing.program_save(actor=officer, program=program)
    assert list(program.editors.all()) == [officer]
    assert revision.state == ProgramRevision.State.SAVED
    assert _actions(program) == [("programs.program.added", officer.username)]


def _event_form(client, event) -> dict:
    """The admin change form of `event` as it stands, as POST data."""
    form = (
        client.get(reverse("admin:programs_event_change", args=[event.pk]))
        .context["adminform"]
        .form
    )
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if value is not None:
            data[name] = value.pk if hasattr(value, "pk") else value
    registrations = list(event.registrations.all())
    data.update(
        {
            "registrations-TOTAL_FORMS": str(len(registrations)),
            "registrations-INITIAL_FORMS": str(len(registrations)),
            "registrations-MIN_NUM_FORMS": "0",
            "registrations-MAX_NUM_FORMS": "1000",
        }
    )
    for n, registration in enumerate(registrations):
        data[f"registrations-{n}-id"] = str(registration.pk)
        data[f"registrations-{n}-event"] = str(event.pk)
    return {k: v for k, v in data.items() if k not in ("starts_at", "ends_at")}


def _move_event(door, client, actor, event, days, note=""):
    new_start = localtime(event.starts_at + timedelta(days=days)).replace(microsecond=0)
    new_end = localtime(event.ends_at + timedelta(days=days)).replace(microsecond=0)
    if door == "admin":
        client.force_login(actor)
        data = _event_form(client, event)
        data.update(
            {
                "starts_at_0": new_start.strftime("%Y-%m-%d"),
                "starts_at_1": new_start.strftime("%H:%M:%S"),
                "ends_at_0": new_end.strftime("%Y-%m-%d"),
                "ends_at_1": new_end.strftime("%H:%M:%S"),
                "status_note_en": note,
            }
        )
        response = client.post(reverse("admin:programs_event_change", args=[event.pk]), data)
        assert response.status_code == 302, response.content.decode()[:3000]
    else:
        event = Event.objects.get(pk=event.pk)
        event.starts_at, event.ends_at = new_start, new_end
        event.status_note = note
        events.event_update(actor=actor, event=event, changed_fields=["starts_at", "ends_at"])
    return new_start


@pytest.mark.parametrize("door", DOORS)
def test_moving_an_event_tells_the_people_signed_up(door, client, officer, publisher):
    event = EventFactory(
        program=ProgramFactory(editors=[officer]), registration=Event.Registration.SIMPLE
    )
    RegistrationFactory(event=event, email="a@example.org")
    RegistrationFactory(event=event, email="b@example.org", status=Registration.Status.WAITING)
    RegistrationFactory(event=event, email="c@example.org", status=Registration.Status.CANCELLED)
    old_start = event.starts_at
    new_start = _move_event(door, client, officer, event, days=2, note="The gym is painted.")
    # An officer's change to a program's event waits for a publisher (issue 13).
    event.refresh_from_db()
    assert event.starts_at == old_start and event.pending_change
    assert not Notification.objects.filter(subject__startswith="New date").exists()
    events.event_change_approve(actor=publisher, event=event)
    event.refresh_from_db()
    assert event.status == Event.Status.RESCHEDULED and event.sequence == 1
    assert event.starts_at == new_start and event.previous_starts_at == old_start
    notices = Notification.objects.filter(subject__startswith="New date")
    assert set(notices.values_list("recipient", flat=True)) == {"a@example.org", "b@example.org"}
    assert all("The gym is painted." in notice.body for notice in notices)
    assert AuditEntry.objects.filter(action="programs.event.proposed", actor=officer).exists()
    assert AuditEntry.objects.filter(action="programs.event.rescheduled", actor=publisher).exists()


@pytest.mark.parametrize("door", DOORS)
def test_saving_an_event_at_the_same_time_tells_nobody(door, client, officer):
    event = EventFactory(
        program=ProgramFactory(editors=[officer]), registration=Event.Registration.SIMPLE
    )
    RegistrationFactory(event=event)
    _move_event(door, client, officer, event, days=0)
    event.refresh_from_db()
    assert event.status == Event.Status.SCHEDULED and event.sequence == 0
    assert not Notification.objects.filter(subject__startswith="New date").exists()
    assert AuditEntry.objects.filter(action="programs.event.changed", actor=officer).exists()


def test_the_service_refuses_to_move_an_event_of_a_program_not_assigned(officer):
    event = EventFactory(registration=Event.Registration.SIMPLE)
    RegistrationFactory(event=event)
    starts_at = event.starts_at
    event.starts_at += timedelta(days=1)
    event.ends_at += timedelta(days=1)
    with pytest.raises(DomainError) as error:
        events.event_update(actor=officer, event=event)
    assert error.value.domain_code == "not_assigned"
    assert Event.objects.get(pk=event.pk).starts_at == starts_at
    assert not Notification.objects.filter(subject__startswith="New date").exists()
