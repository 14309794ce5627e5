"""`manage.py records_reencrypt`: after a key rotation, every records file is rewritten with the
newest key, atomically, so the old key can be dropped (issue 13)."""

import io
import os

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command

from records import crypto
from records.models import Document
from records.services import Upload, document_read
from records.services.documents import store_document
from tests.records.factories import RecordRequestFactory

pytestmark = pytest.mark.django_db


def _store(record_request, data: bytes) -> Document:
    return store_document(
        record_request=record_request,
        kind=Document.Kind.REQUESTER_UPLOAD,
        upload=Upload(name="id.png", content_type="image/png", data=data),
    )


def test_after_rotation_and_the_command_the_old_key_can_be_dropped(settings):
    old_key = settings.RECORDS_ENCRYPTION_KEYS[0]
    record_request = RecordRequestFactory()
    documents = [_store(record_request, f"file {n}".encode()) for n in range(3)]
    new_key = Fernet.generate_key().decode()
    settings.RECORDS_ENCRYPTION_KEYS = [new_key, old_key]
    documents.append(_store(record_request, b"written after the rotation"))

    call_command("records_reencrypt", stdout=io.StringIO())

    settings.RECORDS_ENCRYPTION_KEYS = [new_key]
    assert [document_read(document=d) for d in documents] == [
        b"file 0",
        b"file 1",
        b"file 2",
        b"written after the rotation",
    ]
    # Nothing but the files themselves is left in their directory (no temporary file).
    directory = os.path.dirname(documents[0].file.path)
    assert sorted(os.listdir(directory)) == sorted(os.path.basename(d.file.path) for d in documents)


def test_running_the_command_again_changes_nothing(settings):
    old_key = settings.RECORDS_ENCRYPTION_KEYS[0]
    document = _store(RecordRequestFactory(), b"scan")
    settings.RECORDS_ENCRYPTION_KEYS = [Fernet.generate_key().decode(), old_key]
    call_command("records_reencrypt", stdout=io.StringIO())
    with open(document.file.path, "rb") as handle:
        first = handle.read()
    call_command("records_reencrypt", stdout=io.StringIO())
    with open(document.file.path, "rb") as handle:
        assert handle.read() == first
    assert crypto.decrypt(first) == b"scan"


def test_a_purged_document_is_skipped(settings):
    document = _store(RecordRequestFactory(), b"scan")
    os.unlink(document.file.path)
    Document.objects.filter(pk=document.pk).update(file="")
    call_command("records_reencrypt", stdout=io.StringIO())
