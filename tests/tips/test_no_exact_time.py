"""Issue 13, finding 2: the tip line keeps no time finer than the hour, anywhere a stolen
database, disk, outbox or log could show it."""

import base64
import datetime as dt
import io
import json
import os
import re
import struct

import pytest
import time_machine
from cryptography.fernet import Fernet
from django.conf import settings as django_settings
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import connection
from django.test import Client

from portal import roles
from portal.models import Notification
from tests.factories import UserFactory
from tests.support.files import gps_exif, jpeg_bytes, pdf_with_hidden_details
from tests.tips.conftest import TEST_KEY
from tests.tips.factories import TipFactory
from tips import crypto, packets, services
from tips.models import Tip, TipAttachment, TipMessage

pytestmark = pytest.mark.django_db

AN_ODD_MOMENT = dt.datetime(2026, 11, 3, 14, 37, 29, 123456, tzinfo=dt.UTC)


def token_time(token: str | bytes) -> int:
    """The clear timestamp of a Fernet token (bytes 1..9 of the decoded token), no key needed."""
    raw = base64.urlsafe_b64decode(token if isinstance(token, bytes) else token.encode())
    return struct.unpack(">Q", raw[1:9])[0]


def test_tip_tokens_carry_only_the_hour():
    with time_machine.travel(AN_ODD_MOMENT, tick=False):
        token = crypto.encrypt_text("what happened")
        tip = TipFactory()
    assert token_time(token) % 3600 == 0
    assert token_time(token) == int(AN_ODD_MOMENT.replace(minute=0, second=0).timestamp())
    assert Fernet(TEST_KEY.encode()).extract_timestamp(token.encode()) % 3600 == 0
    tip.refresh_from_db()
    assert tip.what  # still readable


def _hour_of(moment) -> int:
    return int(moment.replace(minute=0, second=0, microsecond=0).timestamp())


def _mtime(field) -> float:
    return os.stat(field.storage.path(field.name)).st_mtime


@pytest.fixture
def investigator(db):
    user = UserFactory(username="hours-ivy", email="ivy@example.org")
    user.groups.add(Group.objects.get(name=roles.TIP_INVESTIGATORS))
    return user


def test_tip_notices_in_the_outbox_keep_only_the_hour(
    category, investigator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        submitted = services.tip_submit(category=category, what="Notice me")
    assert services.tip_notify(tip_id=submitted.tip.pk)
    tip = Tip.objects.get(pk=submitted.tip.pk)
    tip.assigned_to = investigator
    tip.save(update_fields=["assigned_to"])
    with django_capture_on_commit_callbacks(execute=False):
        services.tipster_reply(tip=tip, body="One more thing")
    notices = list(Notification.objects.filter(recipient=investigator.email))
    assert len(notices) == 2
    for notice in notices:
        assert notice.private
        for moment in (notice.created_at, notice.next_attempt_at):
            assert (moment.minute, moment.second, moment.microsecond) == (0, 0, 0)


def test_attachment_files_carry_the_hour_not_the_second(
    category, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        submitted = services.tip_submit(
            category=category, what="Photo", files=[jpeg_bytes(exif=gps_exif())]
        )
    attachment = TipAttachment.objects.get(tip=submitted.tip)
    assert _mtime(attachment.original) == _hour_of(attachment.created_at)
    assert services.attachment_scrub(attachment_id=attachment.pk)
    attachment.refresh_from_db()
    assert _mtime(attachment.clean) == _hour_of(attachment.created_at)
    assert os.stat(attachment.clean.storage.path(attachment.clean.name)).st_atime % 3600 == 0


def test_case_packet_files_carry_the_hour_not_the_second():
    tip = TipFactory(what="Packet text")
    assert packets.packet_build(tip_id=tip.pk)
    tip.refresh_from_db()
    assert _mtime(tip.packet) % 3600 == 0


def _raw(table: str, column: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT "{column}" FROM {table} WHERE id = %s', [pk])  # noqa: S608
        return cursor.fetchone()[0]


def test_reencrypt_keeps_the_hour_of_every_token_and_file(
    settings, category, django_capture_on_commit_callbacks
):
    old_key = settings.FIELD_ENCRYPTION_KEYS[0]
    with time_machine.travel(AN_ODD_MOMENT, tick=False):
        with django_capture_on_commit_callbacks(execute=False):
            submitted = services.tip_submit(category=category, what="old", files=[jpeg_bytes()])
        TipMessage.objects.create(tip=submitted.tip, direction="tipster", body="old message")
    tip = submitted.tip
    attachment = TipAttachment.objects.get(tip=tip)
    message = TipMessage.objects.get(tip=tip)
    new_key = Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [new_key, old_key]
    call_command("tips_reencrypt", verbosity=0)
    hour = _hour_of(AN_ODD_MOMENT)
    new = Fernet(new_key.encode())
    for token in (_raw("tips_tip", "what", tip.pk), _raw("tips_tipmessage", "body", message.pk)):
        assert token_time(token) == hour
        new.decrypt(token.encode())  # written with the new key
    with attachment.original.open("rb") as handle:
        token = handle.read()
    assert token_time(token) == hour
    new.decrypt(token)
    assert _mtime(attachment.original) == hour


def test_reencrypt_replaces_a_file_whole_or_not_at_all(settings, category, monkeypatch):
    old_key = settings.FIELD_ENCRYPTION_KEYS[0]
    tip = TipFactory()
    attachment = TipAttachment(tip=tip, kind="image", content_type="image/jpeg", size=3)
    attachment.original.save("f.bin", ContentFile(crypto.encrypt_bytes(b"abc")), save=False)
    attachment.save()
    path = attachment.original.storage.path(attachment.original.name)
    before = open(path, "rb").read()  # noqa: SIM115
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode(), old_key]

    def power_cut(*args, **kwargs):
        raise OSError("the disk went away")

    monkeypatch.setattr(os, "replace", power_cut)
    with pytest.raises(OSError, match="disk went away"):
        call_command("tips_reencrypt", verbosity=0)
    assert open(path, "rb").read() == before  # noqa: SIM115
    assert sorted(os.listdir(os.path.dirname(path))) == [os.path.basename(path)]


# --- The whole line, with a real worker on PostgreSQL ---------------------------------------

FERNET_TOKEN = re.compile(r"gAAAAA[A-Za-z0-9_\-]{40,}={0,2}")
CLOCK_TIME = re.compile(r"\b(\d{1,2}):(\d{2}):(\d{2})")
ISO_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[T ](\d{2}):(\d{2})(?::(\d{2}))?")


def _finer_than_the_hour(value, where: str) -> list[str]:
    """What in one stored value tells a time finer than the hour (nothing is decrypted)."""
    found = []
    if isinstance(value, dt.datetime):
        if (value.minute, value.second, value.microsecond) != (0, 0, 0):
            found.append(f"{where}: {value.isoformat()}")
        return found
    if isinstance(value, memoryview | bytes):
        value = bytes(value).decode("latin-1")
    if isinstance(value, dict | list):
        value = json.dumps(value)
    if not isinstance(value, str):
        return found
    for token in FERNET_TOKEN.findall(value):
        if token_time(token) % 3600:
            found.append(f"{where}: a token written at {token_time(token)}")
    for match in CLOCK_TIME.finditer(value):
        if match.group(2, 3) != ("00", "00"):
            found.append(f"{where}: {match.group(0)}")
    for match in ISO_TIME.finditer(value):
        if match.group(2) != "00" or (match.group(3) or "00") != "00":
            found.append(f"{where}: {match.group(0)}")
    return found


def _rows(sql: str, params=()) -> list[dict]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [column.name for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


@pytest.fixture
def shared_with_worker(settings):
    """The worker runs with DEBUG=1 and the default media folder: use the same key and folder."""
    settings.DEBUG = True
    settings.FIELD_ENCRYPTION_KEYS = []
    settings.FIELD_ENCRYPTION_KEY_FILE = ""
    settings.MEDIA_ROOT = django_settings.BASE_DIR / "media"
    yield settings.MEDIA_ROOT
    for attachment in TipAttachment.objects.all():
        for field in (attachment.original, attachment.clean):
            if field:
                field.storage.delete(field.name)


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_tip_leaves_no_time_finer_than_the_hour_anywhere(
    celery_worker, category, shared_with_worker
):
    investigator = UserFactory(username="hours-worker", email="hours-worker@example.org")
    investigator.groups.add(Group.objects.get(name=roles.TIP_INVESTIGATORS))
    log_start = len(celery_worker.log)
    photo = io.BytesIO(jpeg_bytes(size=(120, 90), exif=gps_exif()))
    photo.name = "IMG_20261103_143729.jpg"
    document = io.BytesIO(pdf_with_hidden_details())
    document.name = "report.pdf"
    response = Client().post(
        "/tips/",
        {
            "category": category.pk,
            "what": "Seen at 14:37:29 on the corner",
            "attachments": [photo, document],
        },
    )
    assert response.status_code == 200
    tip = Tip.objects.get()
    # The tipster checks back and writes once more, to the investigator the tip is assigned to.
    Tip.objects.filter(pk=tip.pk).update(assigned_to=investigator)
    html = (
        Client()
        .post(
            "/tips/check/",
            {"number": tip.number, "passphrase": _passphrase(response.content.decode())},
        )
        .content.decode()
    )
    access = re.search(r'name="access" value="([^"]+)"', html).group(1)
    Client().post("/tips/check/reply/", {"access": access, "body": "And a red car."})

    celery_worker.wait_for(
        lambda: set(TipAttachment.objects.values_list("status", flat=True)) == {"clean"},
        timeout=90,
    )
    celery_worker.wait_for(
        lambda: (
            Notification.objects.filter(recipient=investigator.email, status="sent").count() == 2
        ),
        timeout=60,
    )

    found = []
    # Every column of every table of the tip line, as stored.
    tables = [t for t in connection.introspection.table_names() if t.startswith("tips_")]
    assert {"tips_tip", "tips_tipattachment", "tips_tipmessage"} <= set(tables)
    for table in tables:
        for row in _rows(f"SELECT * FROM {connection.ops.quote_name(table)}"):  # noqa: S608
            for column, value in row.items():
                found += _finer_than_the_hour(value, f"{table}.{column}")
    # The outbox rows of its notices.
    notices = _rows("SELECT * FROM portal_notification WHERE recipient = %s", [investigator.email])
    assert len(notices) == 2
    for row in notices:
        assert row["private"] and row["body"] == ""  # the text is gone once sent
        for column, value in row.items():
            found += _finer_than_the_hour(value, f"portal_notification.{column}")
    # The files on disk: their modification times.
    for row in _rows("SELECT original, clean FROM tips_tipattachment"):
        for name in row.values():
            path = shared_with_worker / name
            if os.stat(path).st_mtime % 3600:
                found.append(f"{name}: mtime {os.stat(path).st_mtime}")
    assert found == []
    # The worker's log: no line names a task of the tip line.
    lines = celery_worker.log[log_start:]
    assert lines, "the worker logged nothing at all"
    assert [line for line in lines if "tips." in line] == []
    assert not any(tip.number in line for line in lines)


def _passphrase(html: str) -> str:
    return re.search(r'data-testid="passphrase">([^<]+)<', html).group(1).strip()
