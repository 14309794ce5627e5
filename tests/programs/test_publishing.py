"""Program pages: the per-program permission, the workflow, revisions and scheduled publishing."""

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from portal.errors import DomainError
from portal.models import AuditEntry
from programs.models import Program, ProgramRevision
from programs.services import publishing
from programs.text import render_markdown
from tests.programs.factories import EventFactory, ProgramFactory, RegistrationFactory
from tests.support.program_forms import program_form_data

pytestmark = pytest.mark.django_db

S = Program.Status


def test_officer_lists_and_opens_only_the_programs_assigned_to_them(client, officer):
    mine = ProgramFactory(status=S.DRAFT, editors=[officer])
    theirs = ProgramFactory(status=S.DRAFT)
    client.force_login(officer)
    listing = client.get(reverse("admin:programs_program_changelist")).content.decode()
    assert str(mine.title) in listing
    assert str(theirs.title) not in listing
    assert client.get(reverse("admin:programs_program_change", args=[mine.pk])).status_code == 200
    other = client.get(reverse("admin:programs_program_change", args=[theirs.pk]))
    assert other.status_code == 302  # admin sends a record outside your queryset to the list


def test_officer_edit_keeps_a_revision_and_an_audit_entry(client, officer):
    program = ProgramFactory(status=S.DRAFT, editors=[officer])
    client.force_login(officer)
    response = client.post(
        reverse("admin:programs_program_change", args=[program.pk]),
        program_form_data(program, body_en="New text for the page."),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    revision = ProgramRevision.objects.get(program=program)
    assert revision.author == officer
    assert "body_en" in revision.changed_fields
    assert revision.snapshot["body_en"] == "New text for the page."
    assert AuditEntry.objects.filter(action="programs.program.changed", actor=officer).exists()


def test_service_refuses_an_officer_who_is_not_assigned(officer):
    program = ProgramFactory(status=S.DRAFT)
    with pytest.raises(DomainError) as error:
        publishing.program_transition(actor=officer, program=program, transition="submit")
    assert error.value.domain_code == "not_assigned"
    assert Program.objects.get(pk=program.pk).status == S.DRAFT


def test_only_a_publisher_approves(officer, publisher):
    program = ProgramFactory(status=S.DRAFT, editors=[officer])
    publishing.program_transition(actor=officer, program=program, transition="submit")
    with pytest.raises(DomainError) as error:
        publishing.program_transition(actor=officer, program=program, transition="approve")
    assert error.value.domain_code == "forbidden"
    published = publishing.program_transition(
        actor=publisher, program=program, transition="approve"
    )
    assert published.status == S.PUBLISHED
    assert published.published_at is not None
    actions = list(
        AuditEntry.objects.filter(target_id=str(program.pk))
        .order_by("at", "id")
        .values_list("action", "actor__username")
    )
    assert actions == [
        ("programs.program.submitted", officer.username),
        ("programs.program.approved", publisher.username),
    ]


def test_workflow_refuses_a_step_the_table_does_not_allow(publisher):
    program = ProgramFactory(status=S.PUBLISHED)
    with pytest.raises(DomainError) as error:
        publishing.program_transition(actor=publisher, program=program, transition="approve")
    assert error.value.domain_code == "bad_transition"


def test_officers_edit_a_published_page_only_as_a_pending_change(officer, publisher):
    program = ProgramFactory(status=S.PUBLISHED, editors=[officer])
    assert publishing.can_edit(officer, program) and publishing.edits_are_pending(officer, program)
    assert publishing.can_edit(publisher, program)
    assert not publishing.edits_are_pending(publisher, program)
    program.body_en = "An officer's new text."
    change = publishing.program_save(actor=officer, program=program, changed_fields=["body_en"])
    # Not saved to the published page: kept as its pending change.
    assert change.state == ProgramRevision.State.PENDING
    assert Program.objects.get(pk=program.pk).body_en != "An officer's new text."


def test_officer_publishes_through_admin_buttons_only_with_the_permission(
    client, officer, publisher
):
    program = ProgramFactory(status=S.REVIEW, editors=[officer])
    url = reverse("admin:programs_program_transition", args=[program.pk, "approve"])
    client.force_login(officer)
    client.post(url)
    assert Program.objects.get(pk=program.pk).status == S.REVIEW
    client.force_login(publisher)
    client.post(url)
    assert Program.objects.get(pk=program.pk).status == S.PUBLISHED


def test_draft_is_hidden_from_the_public_and_previewed_by_its_editor(client, officer):
    program = ProgramFactory(status=S.DRAFT, editors=[officer])
    assert client.get(program.get_absolute_url()).status_code == 404
    assert program.title_en not in client.get(reverse("programs:index")).content.decode()
    client.force_login(officer)
    preview = client.get(program.get_absolute_url())
    assert preview.status_code == 200
    assert "Preview for staff" in preview.content.decode()
    assert "no-store" in preview["Cache-Control"]


def test_scheduled_page_goes_live_at_its_time_and_comes_down_at_its_end(publisher):
    start = timezone.now() + timedelta(hours=2)
    program = ProgramFactory(
        status=S.DRAFT, publish_at=start, unpublish_at=start + timedelta(days=1)
    )
    publishing.program_transition(actor=publisher, program=program, transition="publish")
    program.refresh_from_db()
    assert program.status == S.PUBLISHED and not program.is_live()
    assert program.published_at is None
    with time_machine.travel(start + timedelta(minutes=1)):
        assert publishing.programs_schedule_run() == {"published": 1, "unpublished": 0}
        assert publishing.programs_schedule_run() == {"published": 0, "unpublished": 0}
        program.refresh_from_db()
        assert program.is_live() and program.published_at is not None
    with time_machine.travel(start + timedelta(days=1, minutes=1)):
        assert publishing.programs_schedule_run()["unpublished"] == 1
    program.refresh_from_db()
    assert program.status == S.DRAFT
    assert AuditEntry.objects.filter(
        action="programs.program.unpublished", actor_label="scheduler"
    ).exists()


def test_the_beat_schedule_runs_scheduled_publishing():
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "programs.tasks.programs_schedule_run" in tasks
    assert "programs.tasks.registration_offers_expire" in tasks
    assert "programs.tasks.event_reminders_send" in tasks


def test_revert_puts_back_the_old_text_and_records_itself(officer):
    program = ProgramFactory(status=S.DRAFT, editors=[officer], body_en="First version.")
    first = publishing.program_save(actor=officer, program=program, changed_fields=["body_en"])
    program.body_en = "Second version."
    program.save()
    publishing.program_save(actor=officer, program=program, changed_fields=["body_en"])
    publishing.program_revert(actor=officer, revision=first)
    program.refresh_from_db()
    assert program.body_en == "First version."
    assert program.revisions.count() == 3
    assert AuditEntry.objects.filter(action="programs.program.reverted").count() == 1


def test_markdown_keeps_structure_and_drops_scripts_and_javascript_links():
    html = render_markdown(
        "## Title\n\n<script>alert(1)</script>\n\n[bad](javascript:alert(1)) "
        '[good](https://example.org) <img src=x onerror="alert(1)">'
    )
    assert "<h2>Title</h2>" in html
    assert "<script" not in html and "javascript:" not in html and "onerror" not in html
    assert 'href="https://example.org"' in html


def test_page_missing_its_spanish_translation_says_so_in_spanish(client):
    program = ProgramFactory(body_es="", summary_es="")
    page = client.get(f"/es/programs/{program.slug}/").content.decode()
    assert "todavía no se ha traducido al español" in page
    english = client.get(program.get_absolute_url()).content.decode()
    assert "translated" not in english


def test_publishing_refreshes_the_cached_program_list(
    client, publisher, django_capture_on_commit_callbacks
):
    program = ProgramFactory(status=S.DRAFT, title_en="Brand new program")
    assert "Brand new program" not in client.get("/programs/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        publishing.program_transition(actor=publisher, program=program, transition="publish")
    assert "Brand new program" in client.get("/programs/").content.decode()


def test_officer_sees_the_sign_ups_of_their_programs_events_only(client, officer):
    mine = EventFactory(program=ProgramFactory(editors=[officer]), registration="simple")
    theirs = EventFactory(registration="simple")
    RegistrationFactory(event=mine, name="Mine Person")
    RegistrationFactory(event=theirs, name="Their Person")
    client.force_login(officer)
    page = client.get(reverse("admin:programs_registration_changelist")).content.decode()
    assert "Mine Person" in page and "Their Person" not in page
    events = client.get(reverse("admin:programs_event_changelist")).content.decode()
    assert mine.title_en in events and theirs.title_en not in events
