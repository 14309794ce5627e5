"""Encryption at rest: keys outside the database, rotation, and a clear refusal without a key."""

import logging

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection

from tests.support.production import manage, production_env
from tests.tips.factories import TipFactory
from tips import crypto
from tips.models import Tip, TipMessage

pytestmark = pytest.mark.django_db


def _raw(table: str, column: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT "{column}" FROM {table} WHERE id = %s', [pk])  # noqa: S608
        return cursor.fetchone()[0]


def test_tip_text_is_stored_as_a_token_not_as_text():
    tip = TipFactory(what="MARKER-secret-text")
    raw = _raw("tips_tip", "what", tip.pk)
    assert "MARKER" not in raw
    assert Tip.objects.get(pk=tip.pk).what == "MARKER-secret-text"


def test_new_key_writes_new_data_and_old_data_stays_readable(settings):
    old_key = settings.FIELD_ENCRYPTION_KEYS[0]
    tip = TipFactory(what="written with the old key")
    new_key = Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [new_key, old_key]
    assert Tip.objects.get(pk=tip.pk).what == "written with the old key"
    fresh = TipFactory(what="written with the new key")
    token = _raw("tips_tip", "what", fresh.pk)
    assert Fernet(new_key.encode()).decrypt(token.encode()) == b"written with the new key"


def test_reencrypt_command_moves_every_row_to_the_newest_key(settings):
    old_key = settings.FIELD_ENCRYPTION_KEYS[0]
    tip = TipFactory(what="old words")
    TipMessage.objects.create(tip=tip, direction="tipster", body="old message")
    new_key = Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [new_key, old_key]
    call_command("tips_reencrypt", verbosity=0)
    settings.FIELD_ENCRYPTION_KEYS = [new_key]  # the old key is gone now
    assert Tip.objects.get(pk=tip.pk).what == "old words"
    assert TipMessage.objects.get(tip=tip).body == "old message"


def test_key_file_is_read_newest_first(settings, tmp_path):
    key = Fernet.generate_key().decode()
    path = tmp_path / "keys"
    path.write_text(f"# tip line keys\n{key}\n")
    settings.FIELD_ENCRYPTION_KEYS = []
    settings.FIELD_ENCRYPTION_KEY_FILE = str(path)
    token = crypto.encrypt_text("hello")
    assert Fernet(key.encode()).decrypt(token.encode()) == b"hello"


def test_production_without_a_key_fails_the_system_check(settings):
    from portal.services.encryption import check_encryption_config

    settings.DEBUG = False
    settings.FIELD_ENCRYPTION_KEYS = []
    settings.FIELD_ENCRYPTION_KEY_FILE = ""
    errors = [e for e in check_encryption_config() if "FIELD_ENCRYPTION_KEYS" in e.hint]
    assert [e.id for e in errors] == ["portal.E101"]
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured):
        crypto.encrypt_text("anything")


def test_development_without_a_key_derives_one_and_says_so(settings, caplog):
    from portal.services.encryption import check_encryption_config

    settings.DEBUG = True
    settings.FIELD_ENCRYPTION_KEYS = []
    settings.FIELD_ENCRYPTION_KEY_FILE = ""
    crypto.KEYRING._warned = False
    with caplog.at_level(logging.WARNING, logger="portal.services.encryption"):
        assert crypto.decrypt_text(crypto.encrypt_text("dev")) == "dev"
    assert "development key" in caplog.text
    assert check_encryption_config() == []


def test_an_invalid_key_is_named_by_the_check(settings):
    from portal.services.encryption import check_encryption_config

    settings.FIELD_ENCRYPTION_KEYS = ["not-a-key"]
    errors = [e for e in check_encryption_config() if "FIELD_ENCRYPTION_KEYS" in e.msg]
    assert [e.id for e in errors] == ["portal.E102"]


def test_production_mode_refuses_to_run_without_the_tip_line_key():
    production = production_env()
    del production["FIELD_ENCRYPTION_KEYS"]
    result = manage("check", "--deploy", **production)
    assert result.returncode != 0
    assert "portal.E101" in result.stderr and "FIELD_ENCRYPTION_KEYS" in result.stderr
