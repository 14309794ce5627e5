"""Investigators in admin: the queue, triage, messages, notes, duplicates, closing, packets;
every decryption audit-logged."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portal import roles
from portal.models import AuditEntry
from tests.factories import UserFactory
from tests.support.files import jpeg_bytes
from tests.tips.factories import TipCategoryFactory, TipFactory
from tips import services
from tips.models import Tip, TipMessage, TipNote

pytestmark = pytest.mark.django_db


@pytest.fixture
def investigator(investigator, client):
    """The investigator, signed in on the test client."""
    client.force_login(investigator)
    return investigator


def _change(client, tip, **data):
    form = {
        "category": tip.category_id,
        "status": tip.status,
        "priority": tip.priority,
        "neighborhood": "",
        "assigned_to": "",
        "outcome": tip.outcome,
        "message_to_tipster": "",
        "internal_note": "",
        "merge_into": "",
        "link_with": "",
        **{
            f"{p}-{k}": v
            for p in ("messages", "notes", "attachments")
            for k, v in {"TOTAL_FORMS": 0, "INITIAL_FORMS": 0}.items()
        },
    }
    form.update(data)
    return client.post(f"/admin/tips/tip/{tip.pk}/change/", form)


def test_opening_a_tip_decrypts_it_and_is_audit_logged(client, investigator):
    tip = TipFactory(what="The garage behind the blue house.")
    response = client.get(f"/admin/tips/tip/{tip.pk}/change/")
    assert response.status_code == 200
    assert "The garage behind the blue house." in response.content.decode()
    actions = set(AuditEntry.objects.filter(target_id=str(tip.pk)).values_list("action", flat=True))
    assert "tips.tip.decrypted" in actions
    entry = AuditEntry.objects.get(action="tips.tip.decrypted")
    assert entry.actor == investigator


def test_queue_puts_urgent_categories_first(client, investigator):
    calm = TipFactory(category=TipCategoryFactory(slug="quality"), priority=Tip.Priority.HIGH)
    urgent = TipFactory(
        category=TipCategoryFactory(slug="guns2", urgent=True), priority=Tip.Priority.NORMAL
    )
    html = client.get("/admin/tips/tip/").content.decode()
    assert html.index(urgent.number) < html.index(calm.number)
    assert "The garage" not in html  # the queue shows no tip content


@pytest.mark.parametrize(
    "query",
    [
        "status__exact=received",
        "priority__exact=3",
        "category__id__exact=1",
        "assigned_to__id__exact=1",
        "q=ABCDE",
        "neighborhood__isnull=True",
    ],
)
def test_queue_filters_work(client, investigator, query):
    TipFactory()
    assert client.get(f"/admin/tips/tip/?{query}").status_code == 200


def test_queue_query_count_does_not_grow_with_tips(client, investigator):
    TipFactory.create_batch(3)
    client.get("/admin/tips/tip/")  # warm caches (content types, permissions)
    with CaptureQueriesContext(connection) as few:
        client.get("/admin/tips/tip/")
    TipFactory.create_batch(20)
    with CaptureQueriesContext(connection) as many:
        client.get("/admin/tips/tip/")
    assert len(many) == len(few), "\n".join(q["sql"][:150] for q in many.captured_queries)


def test_assigning_and_reviewing_records_first_triage_and_audit(client, investigator):
    tip = TipFactory()
    response = _change(client, tip, status="reviewing", assigned_to=investigator.pk)
    assert response.status_code == 302, response.content.decode()[:2000]
    tip.refresh_from_db()
    assert tip.status == "reviewing" and tip.assigned_to == investigator
    assert tip.first_triaged_at is not None
    entry = AuditEntry.objects.get(action="tips.tip.changed")
    assert set(entry.detail) >= {"status", "assigned_to"}


def test_message_to_the_tipster_and_internal_note_are_saved_encrypted(client, investigator):
    tip = TipFactory()
    _change(client, tip, message_to_tipster="What colour was the car?", internal_note="Call ATF")
    message = TipMessage.objects.get(tip=tip)
    assert message.direction == "investigator" and message.body == "What colour was the car?"
    assert TipNote.objects.get(tip=tip).body == "Call ATF"
    with connection.cursor() as cursor:
        cursor.execute("SELECT body FROM tips_tipnote")
        assert "ATF" not in cursor.fetchone()[0]


def test_closing_needs_an_outcome(client, investigator):
    tip = TipFactory()
    _change(client, tip, status="closed")
    tip.refresh_from_db()
    assert tip.status == "received"
    _change(client, tip, status="closed", outcome="acted_on")
    tip.refresh_from_db()
    assert tip.status == "closed" and tip.closed_at is not None


def test_merging_closes_the_duplicate_and_links_it(client, investigator):
    first, second = TipFactory(), TipFactory()
    _change(client, second, merge_into=first.number)
    second.refresh_from_db()
    assert second.duplicate_of == first
    assert second.status == "closed" and second.outcome == "duplicate"
    assert first in second.related.all()
    assert AuditEntry.objects.filter(action="tips.tip.merged").exists()


def test_time_to_first_triage_is_shown_as_a_figure(client, investigator):
    tip = TipFactory()
    services.tip_triage(tip=tip, actor=investigator, assigned_to=investigator)
    html = client.get("/admin/tips/tip/").content.decode()
    assert "median" in html and "first triage" in html


def test_clean_attachment_download_is_audit_logged(client, investigator, category):
    result = services.tip_submit(category=category, what="x", files=[jpeg_bytes()])
    attachment = result.tip.attachments.get()
    services.attachment_scrub(attachment_id=attachment.pk)
    url = f"/admin/tips/tip/{result.tip.pk}/attachment/{attachment.pk}/clean/"
    response = client.get(url)
    assert response.status_code == 200
    assert response.content.startswith(b"\xff\xd8")
    assert AuditEntry.objects.filter(action="tips.attachment.viewed").exists()


def test_case_packet_is_built_by_the_task_with_the_clean_photos(client, investigator, category):
    result = services.tip_submit(category=category, what="Packet text", files=[jpeg_bytes()])
    services.attachment_scrub(attachment_id=result.tip.attachments.get().pk)
    from tips.packets import packet_build

    packet_build(tip_id=result.tip.pk, actor_id=investigator.pk)
    response = client.get(f"/admin/tips/tip/{result.tip.pk}/packet/")
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    import io

    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(response.content))
    text = "".join(page.extract_text() for page in reader.pages)
    assert "Packet text" in text
    assert any(page.images for page in reader.pages)
    assert AuditEntry.objects.filter(action="tips.packet.downloaded").exists()


def test_other_roles_cannot_open_tips(client):
    clerk = UserFactory(username="clerk")
    clerk.groups.add(Group.objects.get(name=roles.RECORDS_CLERKS))
    client.force_login(clerk)
    tip = TipFactory()
    assert client.get(f"/admin/tips/tip/{tip.pk}/change/").status_code in (302, 403)
    assert not AuditEntry.objects.filter(action="tips.tip.decrypted").exists()
