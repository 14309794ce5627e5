"""Backups restore: the archive from `portal_backup`, restored by `portal_restore` (the script an
operator runs, in its own process) into an empty database and empty file stores, gives back a
tip with its photo, a records request's identity document and a parking permit, readable with
the keys, and with nothing else. PostgreSQL only (pg_dump, pg_restore)."""

import hashlib
import io
import json
import os
import re
import subprocess
import sys
import tarfile
import uuid
from contextlib import contextmanager
from pathlib import Path

import psycopg2
import pytest
from cryptography.fernet import Fernet
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command
from django.db import connection

from parking.services.common import permit_from_token, permit_token
from portal import passphrases
from records import crypto as records_crypto
from records.models import Document, RecordRequest, RequestKind
from records.services import request_submit
from records.services.documents import Upload
from tests.parking.factories import PermitFactory
from tests.support.files import jpeg_bytes
from tests.support.production import PRODUCTION_SECRETS
from tests.tips.factories import TipCategoryFactory
from tips import crypto as tips_crypto
from tips.models import Tip
from tips.services import tip_submit

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("on_postgresql")]

ROOT = Path(__file__).resolve().parents[2]
PEPPER = "pepper-" + uuid.uuid4().hex
# Every keyring production requires (tests/support/production.py keeps that list).
KEYS = {
    name: Fernet.generate_key().decode()
    for name in PRODUCTION_SECRETS
    if name.endswith("_ENCRYPTION_KEYS")
}
TIP_TEXT = "Two dirt bikes race on the rail trail every evening " + uuid.uuid4().hex
ID_DOCUMENT = b"\x89PNG\r\n\x1a\n identity document of the requester " + uuid.uuid4().bytes


@pytest.fixture
def stores(settings, tmp_path):
    """The live installation's keys and file stores."""
    for name, key in KEYS.items():
        setattr(settings, name, [key])
    settings.TIPS_PASSPHRASE_PEPPER = PEPPER
    settings.MEDIA_ROOT = tmp_path / "live" / "media"
    settings.RECORDS_FILE_ROOT = tmp_path / "live" / "records"
    settings.CAREERS_FILE_ROOT = tmp_path / "live" / "careers"
    return settings


def _admin_dsn(dbname: str) -> dict:
    db = connection.settings_dict
    return {
        "dbname": dbname,
        "user": db["USER"] or None,
        "password": db["PASSWORD"] or None,
        "host": db["HOST"] or None,
        "port": db["PORT"] or None,
    }


@pytest.fixture
def empty_database():
    """A new, empty database on the same server, dropped afterwards."""
    name = f"{connection.settings_dict['NAME']}_restore_{uuid.uuid4().hex[:8]}"
    admin = psycopg2.connect(**_admin_dsn("postgres"))
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    yield name
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


def _database_url(name: str) -> str:
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"


def _restore(archive: Path, database: str, target: Path, **keys: str):
    """`manage.py portal_restore` in a process of its own, configured only by its environment,
    as an operator runs it on a new machine."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.endswith(("_ENCRYPTION_KEYS", "_FILE_ROOT")) and key != "MEDIA_ROOT"
    }
    env.update(
        DATABASE_URL=_database_url(database),
        MEDIA_ROOT=str(target / "media"),
        RECORDS_FILE_ROOT=str(target / "records"),
        CAREERS_FILE_ROOT=str(target / "careers"),
        SECRET_KEY=django_settings.SECRET_KEY,
        TIPS_PASSPHRASE_PEPPER=keys.pop("TIPS_PASSPHRASE_PEPPER", PEPPER),
        **{**KEYS, **keys},
    )
    return subprocess.run(
        [sys.executable, "manage.py", "portal_restore", str(archive)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _make_data():
    photo = jpeg_bytes(color=(10, 120, 200))
    tip = tip_submit(
        category=TipCategoryFactory(slug="atv"), what=TIP_TEXT, files=[photo], language="en"
    )
    request = request_submit(
        kind=RequestKind.RECORD_CHECK,
        requester_name="Dana Whitfield",
        requester_email="dana@example.org",
        details={"purpose": "employment", "home_address": "4 Elm Street"},
        id_document=Upload(name="licence.png", content_type="image/png", data=ID_DOCUMENT),
    )
    permit = PermitFactory(plate="BKP2026")
    attachment = tip.tip.attachments.get()
    assert attachment.clean, "the photo was cleaned (task run inline after commit)"
    clean_photo = tips_crypto.KEYRING.decrypt_file(attachment.clean)
    return tip, request, permit, clean_photo


def test_a_backup_restores_into_an_empty_database_and_store_and_reads_back_with_the_keys(
    stores, empty_database, tmp_path
):
    tip, request, permit, clean_photo = _make_data()
    token = permit_token(permit)

    archive = tmp_path / "portal.backup.tar"
    call_command("portal_backup", str(archive), stderr=io.StringIO())
    assert oct(archive.stat().st_mode & 0o777) == "0o600"

    # The archive holds what the keys encrypt, never the keys, the pepper or the plaintext.
    blob = archive.read_bytes()
    for secret in [*KEYS.values(), PEPPER]:
        assert secret.encode() not in blob
    assert TIP_TEXT.encode() not in blob
    assert ID_DOCUMENT not in blob
    assert clean_photo not in blob
    with tarfile.open(archive) as tar:
        names = set(tar.getnames())
        manifest = json.load(tar.extractfile("manifest.json"))
    assert {"manifest.json", "database.dump", "files/media.tar", "files/records.tar"} <= names
    rings = {ring["variable"].split(" ")[0]: ring for ring in manifest["keys"]["keyrings"]}
    assert set(KEYS) <= set(rings)
    assert all(len(ring["fingerprints"]) == 1 for ring in rings.values())
    assert {s["name"]: s["files"] for s in manifest["file_stores"]}["records"] == 1

    target = tmp_path / "new-machine"

    # Without the key the tip line's data was written with, nothing is restored.
    refused = _restore(
        archive, empty_database, target, FIELD_ENCRYPTION_KEYS=Fernet.generate_key().decode()
    )
    assert refused.returncode != 0
    assert "FIELD_ENCRYPTION_KEYS" in refused.stderr
    assert rings["FIELD_ENCRYPTION_KEYS"]["fingerprints"][0] in refused.stderr
    # ...nor with another pepper (every tipster's passphrase would be wrong).
    refused = _restore(archive, empty_database, target, TIPS_PASSPHRASE_PEPPER="another")
    assert refused.returncode != 0
    assert "TIPS_PASSPHRASE_PEPPER" in refused.stderr
    assert not target.exists() or not any(target.rglob("*.*"))

    done = _restore(archive, empty_database, target)
    assert done.returncode == 0, done.stderr
    assert "Restored" in done.stdout

    # Read everything back from the restored database and the restored file stores.
    stores.MEDIA_ROOT = target / "media"
    stores.RECORDS_FILE_ROOT = target / "records"
    stores.CAREERS_FILE_ROOT = target / "careers"
    with _connected_to(empty_database):
        _read_back(empty_database, tip, request, permit, token, clean_photo)


@contextmanager
def _connected_to(name: str):
    """The test's connection pointed at another database for a while (Django's test case
    allows no second alias), and back to the test database before its clean-up."""
    original = connection.settings_dict["NAME"]
    connection.close()
    connection.settings_dict["NAME"] = name
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict["NAME"] = original


def _read_back(database, tip, request, permit, token, clean_photo):
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_database()")
        assert cursor.fetchone()[0] == database

    restored_tip = Tip.objects.get(number=tip.tip.number)
    assert restored_tip.what == TIP_TEXT
    assert passphrases.passphrase_verify(restored_tip.passphrase_hash, tip.passphrase)
    restored_attachment = restored_tip.attachments.get()
    assert tips_crypto.KEYRING.decrypt_file(restored_attachment.clean) == clean_photo

    restored_request = RecordRequest.objects.get(tracking_number=request.tracking_number)
    assert restored_request.requester_email == "dana@example.org"
    document = Document.objects.get(request=restored_request, kind=Document.Kind.ID_DOCUMENT)
    assert records_crypto.KEYRING.decrypt_file(document.file) == ID_DOCUMENT

    restored_permit = type(permit).objects.get(code=permit.code)
    assert (restored_permit.plate, restored_permit.first_night) == ("BKP2026", permit.first_night)
    # The link the resident was sent opens the restored permit.
    assert permit_from_token(token) == restored_permit

    # The audit log's append-only trigger came back with the schema.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE c.relname = 'portal_auditentry' AND NOT t.tgisinternal"
        )
        assert cursor.fetchone()[0] >= 1


def test_restore_refuses_a_database_that_has_tables_and_a_damaged_archive(stores, tmp_path):
    _make_data()
    archive = tmp_path / "portal.backup.tar"
    call_command("portal_backup", str(archive), stderr=io.StringIO())
    for root in ("MEDIA_ROOT", "RECORDS_FILE_ROOT", "CAREERS_FILE_ROOT"):
        setattr(stores, root, tmp_path / "empty" / root)

    # The live (test) database has tables: refused before anything is written.
    with pytest.raises(CommandError, match="already has tables"):
        call_command("portal_restore", str(archive))
    assert not (tmp_path / "empty").exists()

    # One flipped byte in the dump: refused by its checksum.
    damaged = tmp_path / "damaged.tar"
    with tarfile.open(archive) as source, tarfile.open(damaged, "w") as out:
        for member in source.getmembers():
            data = source.extractfile(member).read()
            if member.name == "database.dump":
                data = data[:-10] + bytes([data[-10] ^ 0xFF]) + data[-9:]
            out.addfile(member, io.BytesIO(data))
    with pytest.raises(CommandError, match=r"database\.dump does not match its checksum"):
        call_command("portal_restore", str(damaged))

    # A non-empty file store is refused too.
    (tmp_path / "empty" / "RECORDS_FILE_ROOT").mkdir(parents=True)
    (tmp_path / "empty" / "RECORDS_FILE_ROOT" / "stray.bin").write_bytes(b"x")
    with pytest.raises(CommandError, match=r"RECORDS_FILE_ROOT .* is not empty"):
        call_command("portal_restore", str(archive))


def test_restore_refuses_a_store_entry_that_would_land_outside_its_store(stores, tmp_path):
    """A tampered archive (its manifest's checksums made to match) with `../` in a store: refused
    before the database or any store is touched."""
    _make_data()
    archive = tmp_path / "portal.backup.tar"
    call_command("portal_backup", str(archive), stderr=io.StringIO())

    evil_store = io.BytesIO()
    with tarfile.open(fileobj=evil_store, mode="w") as store:
        payload = b"planted"
        info = tarfile.TarInfo("../../planted.txt")
        info.size = len(payload)
        store.addfile(info, io.BytesIO(payload))
    evil_bytes = evil_store.getvalue()

    tampered = tmp_path / "tampered.tar"
    with tarfile.open(archive) as source, tarfile.open(tampered, "w") as out:
        members = {m.name: source.extractfile(m).read() for m in source.getmembers()}
        manifest = json.loads(members["manifest.json"])
        for entry in manifest["file_stores"]:
            if entry["name"] == "media":
                entry["sha256"] = hashlib.sha256(evil_bytes).hexdigest()
        members["files/media.tar"] = evil_bytes
        members["manifest.json"] = json.dumps(manifest).encode()
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            out.addfile(info, io.BytesIO(data))

    target = tmp_path / "new" / "stores"
    for root in ("MEDIA_ROOT", "RECORDS_FILE_ROOT", "CAREERS_FILE_ROOT"):
        setattr(stores, root, target / root)
    with pytest.raises(CommandError, match=re.escape("unsafe entry: '../../planted.txt'")):
        call_command("portal_restore", str(tampered))
    assert not (tmp_path / "new").exists()
    assert not list(tmp_path.rglob("planted.txt"))
