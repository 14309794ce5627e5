"""A closed records request goes with its (encrypted) documents two years after closing, unless
a legal hold keeps it; an open one is never purged. A hold on the request also keeps its
identity documents from their own, earlier purge."""

import datetime
import os
import zoneinfo

import pytest
import time_machine
from django.utils import timezone

from portal import roles
from portal.models import AuditEntry
from portal.services import retention
from records import jobs
from records.models import Document, RecordRequest, RequestKind, Status
from records.services import Upload
from records.services.documents import store_document
from tests.factories import UserFactory
from tests.records.factories import RecordRequestFactory
from tests.support.retention import run_while_the_lock_is_held

pytestmark = pytest.mark.django_db

ZONE = zoneinfo.ZoneInfo("America/New_York")
CLOSED = datetime.datetime(2026, 3, 2, 16, 0, tzinfo=ZONE)
DUE = datetime.date(2026, 3, 2) + datetime.timedelta(days=730)


def _noon(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(12), tzinfo=ZONE)


def _request_with_document(**fields) -> tuple[RecordRequest, str]:
    record_request = RecordRequestFactory(
        kind=RequestKind.RECORD_CHECK, status=Status.CLOSED, closed_at=CLOSED, **fields
    )
    document = store_document(
        record_request=record_request,
        kind=Document.Kind.ID_DOCUMENT,
        upload=Upload(name="id.png", content_type="image/png", data=b"\x89PNG..."),
    )
    return record_request, document.file.path


def test_a_closed_request_and_its_documents_go_on_the_day_they_are_due(
    django_capture_on_commit_callbacks,
):
    record_request, path = _request_with_document()
    still_open = RecordRequestFactory(status=Status.IN_PROGRESS)
    RecordRequest.objects.filter(pk=still_open.pk).update(closed_at=CLOSED)
    with (
        time_machine.travel(_noon(DUE - datetime.timedelta(days=1)), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        retention.retention_purge(keys=["records.request"])
    assert RecordRequest.objects.filter(pk=record_request.pk).exists() and os.path.exists(path)
    with (
        time_machine.travel(_noon(DUE), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        report = retention.retention_purge(keys=["records.request"])
    assert report.rows == {"records.request": 1}
    assert not RecordRequest.objects.filter(pk=record_request.pk).exists()
    assert not Document.objects.exists()
    assert not os.path.exists(path)
    assert RecordRequest.objects.filter(pk=still_open.pk).exists()
    entry = AuditEntry.objects.get(action="portal.retention.purged")
    assert (entry.detail["count"], entry.detail["files"]) == (1, 1)


def test_a_hold_on_a_request_keeps_it_and_its_identity_documents(
    django_capture_on_commit_callbacks,
):
    record_request, path = _request_with_document()
    admin = UserFactory(roles=[roles.SITE_ADMINISTRATORS])
    retention.legal_hold_place(
        actor=admin,
        kind_key="records.request",
        case=record_request.tracking_number,
        reason="FOI Commission appeal",
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert jobs.id_documents_purge(now=timezone.now() + datetime.timedelta(days=3650)) == 0
        with time_machine.travel(_noon(DUE + datetime.timedelta(days=365)), tick=False):
            assert retention.retention_purge(keys=["records.request"]).rows == {}
    assert os.path.exists(path)
    assert Document.objects.get().purged_at is None


@pytest.mark.django_db(transaction=True)
def test_the_identity_document_purge_waits_for_the_lock_a_hold_placement_takes(on_postgresql):
    _record_request, path = _request_with_document()
    later = timezone.now() + datetime.timedelta(days=3650)
    waited, outcome = run_while_the_lock_is_held(lambda: jobs.id_documents_purge(now=later))
    assert waited and outcome == {"value": 1}
    assert Document.objects.get().purged_at is not None
    assert not os.path.exists(path)
