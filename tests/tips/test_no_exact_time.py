"""Issue 13, finding 2: the tip line keeps no time finer than the hour, anywhere a stolen
database, disk, outbox or log could show it."""

import base64
import datetime as dt
import os
import struct

import pytest
import time_machine
from cryptography.fernet import Fernet
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import connection

from portal import roles
from portal.models import Notification
from tests.factories import UserFactory
from tests.support.files import gps_exif, jpeg_bytes
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
    before = open(path, "rb").read()  # noqa: SIM115, PTH123
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode(), old_key]

    def power_cut(*args, **kwargs):
        raise OSError("the disk went away")

    monkeypatch.setattr(os, "replace", power_cut)
    with pytest.raises(OSError, match="disk went away"):
        call_command("tips_reencrypt", verbosity=0)
    assert open(path, "rb").read() == before  # noqa: SIM115, PTH123
    assert sorted(os.listdir(os.path.dirname(path))) == [os.path.basename(path)]
