"""Anonymity forensics for complaints, as for tips: after an anonymous complaint with a file,
the raw database, the encryption tokens, the files on disk, the outbox and the audit log hold
nothing that names the resident's connection or device, and no time finer than the hour."""

import base64
import datetime as dt
import os
import struct

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client

from complaints import services
from complaints.models import Complaint, ComplaintAttachment
from portal.models import AuditEntry, Notification
from tests.complaints.conftest import jpeg_bytes

pytestmark = pytest.mark.django_db

AN_ODD_MOMENT = dt.datetime(2026, 11, 3, 14, 37, 29, 123456, tzinfo=dt.UTC)
HOUR = int(AN_ODD_MOMENT.replace(minute=0, second=0, microsecond=0).timestamp())
ADDRESS = "203.0.113.77"
AGENT = "Mozilla/5.0 (UniqueAgent-4242)"
MARKER = "MARKER-ANON-5521"


def token_time(token: str) -> int:
    raw = base64.urlsafe_b64decode(token.encode())
    return struct.unpack(">Q", raw[1:9])[0]


def _raw_rows() -> str:
    """Every row of every complaints table, as the database stores it."""
    dump = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            if table.startswith("complaints_"):
                cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - our own table names
                dump.extend(repr(row) for row in cursor.fetchall())
    return "\n".join(dump)


@pytest.fixture
def anonymous(officer, ia, settings, django_capture_on_commit_callbacks):
    photo = SimpleUploadedFile("IMG_20261103_143729.jpg", jpeg_bytes(), "image/jpeg")
    with (
        time_machine.travel(AN_ODD_MOMENT, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = Client(
            REMOTE_ADDR=ADDRESS,
            HTTP_USER_AGENT=AGENT,
            HTTP_X_FORWARDED_FOR=ADDRESS,
            HTTP_REFERER="https://example.net/from-here",
        ).post(
            "/complaints/file/",
            {
                "kind": "complaint",
                "filing": "anonymous",
                "officer_name": "E1042",
                "what": MARKER,
                "where": MARKER,
                "attachments": [photo],
            },
        )
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert response["Referrer-Policy"] == "no-referrer"
    assert not response.cookies
    return Complaint.objects.get()


def test_the_database_keeps_no_address_agent_or_text(anonymous):
    dump = _raw_rows()
    for secret in (ADDRESS, AGENT, "UniqueAgent", MARKER, "IMG_20261103", "example.net"):
        assert secret not in dump
    audit = repr(list(AuditEntry.objects.values()))
    assert ADDRESS not in audit and AGENT not in audit
    assert not AuditEntry.objects.filter(target_id=str(anonymous.pk)).exists()


def test_no_time_finer_than_the_hour_in_rows_tokens_or_files(anonymous):
    assert anonymous.received_at.timestamp() == HOUR
    with connection.cursor() as cursor:
        cursor.execute("SELECT what, passphrase_hash FROM complaints_complaint")
        what, _hash = cursor.fetchone()
    assert token_time(what) == HOUR
    attachment = ComplaintAttachment.objects.get()
    assert attachment.created_at.timestamp() == HOUR
    assert attachment.status == "clean"  # cleaned after commit
    for field in (attachment.original, attachment.clean):
        path = field.storage.path(field.name)
        assert os.stat(path).st_mtime == HOUR
        with open(path, "rb") as handle:
            assert token_time(handle.read().decode()) == HOUR
        assert "IMG_" not in field.name


def test_the_notice_to_internal_affairs_is_private_and_says_nothing(anonymous, ia):
    notice = Notification.objects.get(recipient=ia.email)
    assert notice.private
    assert notice.created_at.timestamp() == HOUR
    assert notice.next_attempt_at.timestamp() == HOUR
    assert MARKER not in notice.body and MARKER not in notice.subject


def test_the_clean_copy_has_no_location(anonymous):
    import io

    from PIL import Image

    from complaints import crypto
    from tests.support.files import gps_exif

    with time_machine.travel(AN_ODD_MOMENT, tick=False):
        result = services.complaint_submit(
            kind="complaint",
            filing="anonymous",
            what="Second one",
            officers=[services.OfficerGiven(name="E1042")],
            files=[jpeg_bytes(exif=gps_exif())],
        )
    attachment = result.complaint.attachments.get()
    services.attachment_scrub(attachment_id=attachment.pk)
    attachment.refresh_from_db()
    with attachment.clean.open("rb") as handle:
        clean = crypto.decrypt_bytes(handle.read())
    assert not Image.open(io.BytesIO(clean)).getexif()
