"""With a real Celery worker and Redis: investigators are e-mailed without tip content, and the
photos are cleaned off the request path."""

import io
import time

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import Group
from django.test import Client
from PIL import Image

from portal import roles
from portal.models import Notification
from tests.factories import UserFactory
from tests.support.files import PDF_MARKERS, gps_exif, pdf_with_hidden_details
from tests.support.uploads import jpeg_upload
from tests.tips.factories import TipFactory
from tips import crypto, packets
from tips.models import Tip, TipAttachment

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

MARKER = "MARKER-WORKER-7731"


@pytest.fixture
def shared_with_worker(settings):
    """The worker runs with DEBUG=1 and the default media folder: use the same key and folder."""
    settings.DEBUG = True
    settings.FIELD_ENCRYPTION_KEYS = []
    settings.FIELD_ENCRYPTION_KEY_FILE = ""
    settings.MEDIA_ROOT = django_settings.BASE_DIR / "media"
    created = []
    yield created
    for attachment in TipAttachment.objects.all():
        for field in (attachment.original, attachment.clean):
            if field:
                field.storage.delete(field.name)


def test_investigators_get_an_email_with_no_tip_content(
    celery_worker, category, shared_with_worker
):
    user = UserFactory(username="onduty", email="onduty@example.org")
    user.groups.add(Group.objects.get(name=roles.TIP_INVESTIGATORS))
    response = Client().post(
        "/tips/",
        {"category": category.pk, "what": MARKER, "where": MARKER, "contact": MARKER},
    )
    assert response.status_code == 200
    tip = Tip.objects.get()
    # The worker writes the outbox row (tip_notify_task), then delivers it.
    notice = celery_worker.wait_for(
        lambda: Notification.objects.filter(recipient="onduty@example.org").first()
    )
    celery_worker.wait_for(lambda: Notification.objects.get(pk=notice.pk).status == "sent")
    mails = [m for m in celery_worker.mails() if f"<{notice.pk}@" in m]
    assert len(mails) == 1
    assert tip.number in mails[0]
    assert f"/admin/tips/tip/{tip.pk}/change/" in mails[0]
    assert MARKER not in mails[0]
    assert not Tip.objects.get(pk=tip.pk).notice_pending


def test_the_worker_cleans_photos_after_the_tip_is_saved(
    celery_worker, category, shared_with_worker
):
    photo = jpeg_upload(size=(120, 90), exif=gps_exif())
    Client().post("/tips/", {"category": category.pk, "what": "Photo", "attachments": [photo]})
    attachment = TipAttachment.objects.get()
    celery_worker.wait_for(
        lambda: TipAttachment.objects.get(pk=attachment.pk).status == "clean", timeout=60
    )
    attachment.refresh_from_db()
    clean = crypto.decrypt_bytes(attachment.clean.read())
    assert dict(Image.open(io.BytesIO(clean)).getexif()) == {}


def test_a_packet_asked_for_while_the_broker_is_down_is_built_after_the_sweep(
    celery_worker, broker_proxy, category, shared_with_worker
):
    investigator = UserFactory(username="packet-ivy")
    tip = TipFactory(category=category, what="Packet during an outage")
    broker_proxy.stop()
    try:
        started = time.monotonic()
        packets.packet_request(tip=tip, actor=investigator)  # must not raise
        assert time.monotonic() - started < 5
        time.sleep(2)
        owed = Tip.objects.get(pk=tip.pk)
        assert owed.packet_pending and not owed.packet
    finally:
        broker_proxy.start()
    # No one asks again: the worker reconnects and beat's packet sweep queues the build.
    celery_worker.wait_for(lambda: not Tip.objects.get(pk=tip.pk).packet_pending, timeout=90)
    built = Tip.objects.get(pk=tip.pk)
    try:
        assert built.packet and built.packet_built_at
    finally:
        built.packet.storage.delete(built.packet.name)


def test_the_worker_rasterises_pdfs_after_the_tip_is_saved(
    celery_worker, category, shared_with_worker
):
    document = io.BytesIO(pdf_with_hidden_details())
    document.name = "report.pdf"
    Client().post("/tips/", {"category": category.pk, "what": "PDF", "attachments": [document]})
    attachment = TipAttachment.objects.get()
    celery_worker.wait_for(
        lambda: TipAttachment.objects.get(pk=attachment.pk).status == "clean", timeout=60
    )
    attachment.refresh_from_db()
    clean = crypto.decrypt_bytes(attachment.clean.read())
    assert clean.startswith(b"%PDF-")
    assert [name for name, marker in PDF_MARKERS.items() if marker in clean] == []
    assert b"Exif" not in clean and b"/Annots" not in clean
