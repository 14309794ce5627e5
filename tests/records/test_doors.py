"""Rules that live in one service and hold at every door: the admin, the public pages, the
services called directly (as an API or a task would)."""

import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import translation

from portal import registry, roles
from portal.models import AuditEntry, Notification
from records import services
from records.models import FeeScheduleItem, Message, ReleasePacket, Status
from records.services import Upload, release
from tests.factories import UserFactory
from tests.records.factories import FeeScheduleItemFactory, RecordRequestFactory
from tests.records.test_release import _prepared

pytestmark = pytest.mark.django_db
QUEUE = "/admin/records/recordrequest/"


@pytest.fixture
def clerk(client):
    user = UserFactory(username="carmen", roles=[roles.RECORDS_CLERKS])
    client.force_login(user)
    return user


# --- The cap on copies ---------------------------------------------------------------------------


def test_the_fee_schedule_service_refuses_copies_above_the_cap():
    with pytest.raises(ValidationError) as refused:
        services.fee_schedule_item_save(item=FeeScheduleItemFactory.build(amount=Decimal("0.51")))
    assert refused.value.error_dict["amount"][0].code == "above_fee_cap"
    assert not FeeScheduleItem.objects.exists()


def test_the_fee_schedule_admin_refuses_copies_above_the_cap_on_the_amount_field(client):
    client.force_login(UserFactory(roles=[roles.SITE_ADMINISTRATORS]))
    data = {
        "name_en": "Copies",
        "name_es": "Copias",
        "kind": "",
        "unit": "per_page",
        "is_copy": "on",
        "amount": "0.51",
        "active": "on",
    }
    response = client.post("/admin/records/feescheduleitem/add/", data)
    assert response.status_code == 200
    assert "amount" in response.context["adminform"].form.errors
    assert not FeeScheduleItem.objects.exists()
    response = client.post("/admin/records/feescheduleitem/add/", {**data, "amount": "0.50"})
    assert response.status_code == 302
    item = FeeScheduleItem.objects.get()
    assert (item.name_en, item.name_es, item.amount) == ("Copies", "Copias", Decimal("0.50"))


# --- One submission of a request's page ----------------------------------------------------------


def test_request_update_keeps_nothing_when_one_part_is_refused():
    record_request = RecordRequestFactory()
    clerk = UserFactory()
    with pytest.raises(ValidationError) as refused:
        services.request_update(
            record_request=record_request,
            actor=clerk,
            changes={"requester_phone": "860-555-0101"},
            message="We are copying your report.",
            fee_item=FeeScheduleItemFactory(),
            fee_quantity=2,
            fee_waived=True,
            fee_waiver_reason="",
        )
    assert refused.value.error_dict["waiver_reason"][0].code == "waiver_reason"
    record_request.refresh_from_db()
    assert record_request.requester_phone == ""
    assert not Message.objects.exists()
    assert not record_request.fees.exists()
    assert not Notification.objects.exists()


def test_the_admin_page_keeps_nothing_when_one_part_is_refused(client, clerk):
    record_request = RecordRequestFactory()
    base = {
        "requester_name": record_request.requester_name,
        "requester_email": record_request.requester_email,
        "requester_phone": "860-555-0101",
        "sent_at": record_request.sent_at.strftime("%Y-%m-%dT%H:%M"),
        "message": "We are copying your report.",
        "fee_item": FeeScheduleItemFactory().pk,
        "fee_quantity": "2",
        "fee_waived": "on",
        "fee_waiver_reason": "",
    }
    for prefix in ["timeline", "messages", "fees", "documents", "redactions"]:
        base.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    response = client.post(f"{QUEUE}{record_request.pk}/change/", base, follow=True)
    assert "Give the reason for the waiver." in response.content.decode()
    assert "was changed successfully" not in response.content.decode()
    record_request.refresh_from_db()
    assert record_request.requester_phone == ""
    assert not Message.objects.exists()
    assert not record_request.fees.exists()


def test_request_update_corrects_the_requester_and_audits_the_fields():
    record_request = RecordRequestFactory()
    updated = services.request_update(
        record_request=record_request,
        actor=UserFactory(),
        changes={"requester_phone": " 860-555-0101 ", "status": Status.CLOSED},
    )
    assert updated.requester_phone == "860-555-0101"
    assert updated.status == Status.RECEIVED  # only what a clerk may correct
    entry = AuditEntry.objects.get(action="records.recordrequest.changed")
    assert entry.detail == {"fields": ["requester_phone"]}


# --- The release packet's steps ------------------------------------------------------------------


def test_a_new_packet_waits_until_the_latest_is_released(client, clerk):
    record_request = RecordRequestFactory(status=Status.IN_REVIEW)
    packet = _prepared(record_request, UserFactory())
    assert [s for s, _label in services.packet_steps(record_request=record_request)] == ["approve"]
    with pytest.raises(ValidationError) as refused:
        services.packet_prepare(record_request=record_request, actor=clerk)
    assert refused.value.code == "packet_in_progress"
    client.post(f"{QUEUE}{record_request.pk}/packet/prepare/")
    assert list(record_request.packets.all()) == [packet]
    ReleasePacket.objects.filter(pk=packet.pk).update(state=ReleasePacket.State.READY)
    assert "prepare" in dict(services.packet_steps(record_request=record_request))
    client.post(f"{QUEUE}{record_request.pk}/packet/prepare/")
    assert record_request.packets.count() == 2


# --- Downloads -----------------------------------------------------------------------------------


def test_document_for_download_checks_the_link_and_the_fees_and_audits():
    record_request = RecordRequestFactory(status=Status.READY)
    document = services.document_release(
        record_request=record_request,
        upload=Upload(name="report.pdf", content_type="application/pdf", data=b"%PDF-1.4 x"),
        actor=None,
    )
    services.document_approve(document=document, actor=UserFactory())  # issue 13
    with pytest.raises(Http404):
        services.document_for_download(token="forged")
    token = services.download_token(document=document)
    found, data = services.document_for_download(token=token)
    assert (found, data) == (document, b"%PDF-1.4 x")
    assert AuditEntry.objects.filter(action="records.document.downloaded").count() == 1


# --- Fee names in both languages -----------------------------------------------------------------


def test_a_fee_keeps_both_names_whatever_the_clerks_language(client):
    item = FeeScheduleItemFactory(name_en="Copies", name_es="Copias")
    record_request = RecordRequestFactory(status=Status.READY)
    with translation.override("es"):
        fee = services.fee_add(record_request=record_request, item=item, quantity=2, actor=None)
    fee.refresh_from_db()
    assert (fee.description_en, fee.description_es) == ("Copies", "Copias")
    token = services.tracking_token(record_request=record_request)
    assert "Copias" in client.get(f"/es/records/track/{token}/").content.decode()
    assert "Copies" in client.get(f"/records/track/{token}/").content.decode()


# --- Audit actions -------------------------------------------------------------------------------


def test_every_audit_action_records_writes_is_registered():
    source = "\n".join(p.read_text() for p in Path("records").rglob("*.py"))
    written = set(re.findall(r'"(records\.[a-z_]+\.[a-z_]+)"', source))
    written -= set(release.LEGACY_PREPARING_ACTIONS)  # only read, in the old log
    written |= {t.audit_action for t in services.TRANSITIONS.values()}
    assert written
    assert {name for name in written if not registry.audit_action_known(name)} == set()
