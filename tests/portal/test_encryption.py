"""The encryption service: keyrings, rotation, wrong keys, files, fields, and the system check
that refuses production without keys or required secrets."""

import datetime
import logging

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import FileSystemStorage

from portal.services import encryption
from portal.services.encryption import EncryptedJSONField, EncryptedTextField, InvalidToken

K1 = Fernet.generate_key().decode()
K2 = Fernet.generate_key().decode()

# Ciphertext made by the tip line's and records' own crypto modules before they moved onto this
# service (commit ec35c28), with the keys and SECRET_KEY below: data already in databases and
# files must stay readable.
LEGACY_SECRET_KEY = "legacy-secret-key-" + "k" * 40
LEGACY_TIPS_KEY = "Zm9vYmFyYmF6cXV4Zm9vYmFyYmF6cXV4Zm9vYmFyYmE="
LEGACY_TIPS_OLD_KEY = "cXV4cXV4cXV4cXV4cXV4cXV4cXV4cXV4cXV4cXV4cXU="
LEGACY_RECORDS_KEY = "cmVjb3Jkcy1rZXktcmVjb3Jkcy1rZXktcmVjb3Jkcy0="
LEGACY = {
    # tips.crypto.encrypt_text with FIELD_ENCRYPTION_KEYS=[tips key, old key]
    "tips_text": (
        "gAAAAABrBH5Pu2LP_AR2k5khfuZNV-dAQjOyGMSpfLEq9HOHKvqCZuYtY6ghOEOxDMbJcAEATDnLbYdt"
        "zTCvAzcNCUBDaRDAeNUgBz3-SeB_qB0WVntMFm-5C8-wp8jbmPqBp2av3N1Z"
    ),
    # ... and with the old key alone (text, then a file's bytes)
    "tips_text_old_key": (
        "gAAAAABrBH5Pk0CJYvTiP-_PZ3OluelJ6uh5KhHSRLKpjWdF-WNcQPCbIv_j5W3-BzZF27Jp6piAUpi1"
        "CaNlxLB_AkbdlOaaBl-gy8Kj6aCsMYvtbULAWBg="
    ),
    "tips_bytes_old_key": (
        "gAAAAABrBH5PLWeSEfDHvurdLi4oPttz5_IVCNVKZ7i8XJ-eDpHjMuAcC0y9qjRLHZR5ns29QmtU-pHq"
        "uuwgCLTfYz_6taBzjo1xXVtAlwioraLFqDOMJzI="
    ),
    # DEBUG=1 without a key: the development key derived from SECRET_KEY
    "tips_dev": (
        "gAAAAABrBH5Pn6uFmO7lLoGiji8SSggtq5EMncrZdsFaSNS5CAiit-d6N_aOdfy0NjKzxtGpfDxIT0J5"
        "mpYW_AAR8UcdgrX5NWQwxm_7P9QPI8UTlOb0ZE8="
    ),
    # records.crypto.encrypt with RECORDS_ENCRYPTION_KEYS=[records key], then with DEBUG=1, none
    "records_file": (
        "gAAAAABrBH5PBSwtTq-vOwnlFHj6K9J9WpfDjsvjBRd_k2oMq8pyHMX4QWYr3HZQ7oygyZ2EtvJLS7eW"
        "QyzpFM8ShC51p-tfl_BjH22IK2tenN7oYdujziE="
    ),
    "records_dev": (
        "gAAAAABrBH5PsxKk7_JH_6NwlUtU5j9gGfS2b0EBQTHVFwz9dlK8iNX9Pb1fBD6zj2D83Z6k_pKxCgD7"
        "uPZaM4C0BHQGmOQobSTD9FJSmyazzRq21Kg2efc="
    ),
}


@pytest.fixture
def ring(settings, monkeypatch):
    """A keyring of its own, registered only for this test."""
    monkeypatch.setattr(encryption, "_keyrings", dict(encryption._keyrings))
    monkeypatch.setattr(encryption, "_secrets", dict(encryption._secrets))
    settings.TEST_ENCRYPTION_KEYS = [K1]
    settings.TEST_ENCRYPTION_KEY_FILE = ""
    return encryption.keyring_register(
        name="test", setting="TEST_ENCRYPTION_KEYS", file_setting="TEST_ENCRYPTION_KEY_FILE"
    )


@pytest.fixture
def production(settings):
    """Production mode with every registered keyring and secret set."""
    settings.DEBUG = False
    for keyring in encryption.keyring_list():
        setattr(settings, keyring.setting, [Fernet.generate_key().decode()])
        if keyring.file_setting:
            setattr(settings, keyring.file_setting, "")
    for secret in encryption.required_secret_list():
        setattr(settings, secret.setting, "a secret")
    return settings


def _ids(errors) -> list[str]:
    return sorted(error.id for error in errors)


# --- Bytes, text, rotation ---------------------------------------------------------------------


def test_text_round_trips_and_is_not_stored_in_the_clear(ring):
    token = ring.encrypt_text("Señora Núñez, 12 Elm St.")
    assert "Elm" not in token
    assert ring.decrypt_text(token) == "Señora Núñez, 12 Elm St."
    assert Fernet(K1.encode()).decrypt(token.encode()).decode() == "Señora Núñez, 12 Elm St."


def test_new_data_is_written_with_the_first_key_and_old_data_stays_readable(ring, settings):
    old = ring.encrypt_bytes(b"written with the old key")
    settings.TEST_ENCRYPTION_KEYS = [K2, K1]
    assert ring.decrypt_bytes(old) == b"written with the old key"
    new = ring.encrypt_bytes(b"written with the new key")
    assert Fernet(K2.encode()).decrypt(new) == b"written with the new key"
    with pytest.raises(InvalidToken):
        Fernet(K1.encode()).decrypt(new)


def test_rotated_data_is_readable_once_the_old_key_is_dropped(ring, settings):
    old = ring.encrypt_bytes(b"rotate me")
    settings.TEST_ENCRYPTION_KEYS = [K2, K1]
    rotated = ring.rotate_bytes(old)
    settings.TEST_ENCRYPTION_KEYS = [K2]
    assert ring.decrypt_bytes(rotated) == b"rotate me"
    with pytest.raises(InvalidToken):
        ring.decrypt_bytes(old)


@pytest.fixture
def coarse_ring(ring, monkeypatch):
    monkeypatch.setattr(ring, "coarse_seconds", 3600)
    return ring


def test_a_coarse_keyring_writes_only_the_hour_into_its_tokens(coarse_ring, time_machine):
    time_machine.move_to("2026-03-04 15:47:13.250 +00:00", tick=False)
    token = coarse_ring.encrypt_bytes(b"a tip")
    written = Fernet(K1.encode()).extract_timestamp(token)
    assert written == int(datetime.datetime(2026, 3, 4, 15, tzinfo=datetime.UTC).timestamp())
    assert coarse_ring.decrypt_bytes(token) == b"a tip"


def test_rotating_a_precise_token_with_a_coarse_keyring_rounds_its_time(
    coarse_ring, settings, time_machine
):
    time_machine.move_to("2026-03-04 15:47:13 +00:00", tick=False)
    precise = Fernet(K1.encode()).encrypt(b"written before the change")
    settings.TEST_ENCRYPTION_KEYS = [K2, K1]
    rotated = coarse_ring.rotate_bytes(precise)
    assert Fernet(K2.encode()).extract_timestamp(rotated) % 3600 == 0
    assert Fernet(K2.encode()).extract_timestamp(rotated) == int(
        datetime.datetime(2026, 3, 4, 15, tzinfo=datetime.UTC).timestamp()
    )
    assert coarse_ring.decrypt_bytes(rotated) == b"written before the change"


def test_newest_key_id_changes_with_the_first_key_only(ring, settings):
    first = ring.newest_key_id()
    settings.TEST_ENCRYPTION_KEYS = [K1, K2]
    assert ring.newest_key_id() == first
    settings.TEST_ENCRYPTION_KEYS = [K2, K1]
    assert ring.newest_key_id() != first


def test_data_written_with_an_unlisted_key_is_refused(ring, settings):
    token = ring.encrypt_text("secret")
    settings.TEST_ENCRYPTION_KEYS = [K2]
    with pytest.raises(InvalidToken):
        ring.decrypt_text(token)


def test_an_altered_token_is_refused(ring):
    token = bytearray(ring.encrypt_bytes(b"secret"))
    token[-5] = ord("A") if token[-5] != ord("A") else ord("B")
    with pytest.raises(InvalidToken):
        ring.decrypt_bytes(bytes(token))


def test_a_token_older_than_its_ttl_is_refused(ring, time_machine):
    time_machine.move_to("2026-01-01 12:00:00Z", tick=False)
    token = ring.encrypt_text("short-lived")
    time_machine.move_to("2026-01-01 12:01:00Z", tick=False)
    assert ring.decrypt_text(token, ttl=120) == "short-lived"
    with pytest.raises(InvalidToken):
        ring.decrypt_text(token, ttl=30)


def test_keyrings_do_not_read_each_others_data(ring, settings):
    settings.OTHER_ENCRYPTION_KEYS = [K2]
    other = encryption.keyring_register(name="other", setting="OTHER_ENCRYPTION_KEYS")
    with pytest.raises(InvalidToken):
        other.decrypt_bytes(ring.encrypt_bytes(b"for test only"))


def test_registering_a_name_twice_differently_is_refused(ring):
    assert (
        encryption.keyring_register(
            name="test", setting="TEST_ENCRYPTION_KEYS", file_setting="TEST_ENCRYPTION_KEY_FILE"
        )
        is ring
    )
    with pytest.raises(ImproperlyConfigured):
        encryption.keyring_register(name="test", setting="ANOTHER_SETTING")


def test_keys_are_read_from_the_key_file_newest_first(ring, settings, tmp_path):
    path = tmp_path / "keys"
    path.write_text(f"# test keys, newest first\n{K2}\n\n{K1}\n")
    settings.TEST_ENCRYPTION_KEYS = []
    settings.TEST_ENCRYPTION_KEY_FILE = str(path)
    assert ring.configured_keys() == [K2, K1]
    assert Fernet(K2.encode()).decrypt(ring.encrypt_bytes(b"x")) == b"x"


def test_production_without_a_key_refuses_to_encrypt_or_decrypt(ring, settings):
    token = ring.encrypt_text("written before")
    settings.DEBUG = False
    settings.TEST_ENCRYPTION_KEYS = []
    with pytest.raises(ImproperlyConfigured, match="TEST_ENCRYPTION_KEYS"):
        ring.encrypt_text("anything")
    with pytest.raises(ImproperlyConfigured):
        ring.decrypt_text(token)
    assert not ring.available()


def test_development_without_a_key_uses_a_derived_key_and_says_so(ring, settings, caplog):
    settings.DEBUG = True
    settings.TEST_ENCRYPTION_KEYS = []
    with caplog.at_level(logging.WARNING, logger="portal.services.encryption"):
        token = ring.encrypt_text("demo")
    assert "development key" in caplog.text and "TEST_ENCRYPTION_KEYS" in caplog.text
    assert ring.decrypt_text(token) == "demo"
    settings.SECRET_KEY = "another-secret-key-" + "z" * 40
    with pytest.raises(InvalidToken):
        ring.decrypt_text(token)


def test_a_malformed_key_is_refused_at_use(ring, settings):
    settings.TEST_ENCRYPTION_KEYS = ["not-a-fernet-key"]
    with pytest.raises(ImproperlyConfigured, match="TEST_ENCRYPTION_KEYS"):
        ring.encrypt_text("anything")


# --- Files -------------------------------------------------------------------------------------


def test_files_are_stored_encrypted_and_read_back(ring, tmp_path):
    storage = FileSystemStorage(location=tmp_path)
    name = storage.save("doc.bin", ring.encrypted_file(b"%PDF-1.7 identity document"))
    assert b"identity" not in (tmp_path / name).read_bytes()
    assert ring.decrypt_file(storage.open(name)) == b"%PDF-1.7 identity document"


# --- Ciphertext written by the old modules -----------------------------------------------------


def test_tip_line_data_written_before_the_move_stays_readable(settings):
    tips = encryption.keyring_get("tips")
    settings.SECRET_KEY = LEGACY_SECRET_KEY
    settings.FIELD_ENCRYPTION_KEY_FILE = ""
    settings.FIELD_ENCRYPTION_KEYS = [LEGACY_TIPS_KEY, LEGACY_TIPS_OLD_KEY]
    assert tips.decrypt_text(LEGACY["tips_text"]) == "Legacy tip — señor, 12 Elm St."
    assert tips.decrypt_text(LEGACY["tips_text_old_key"]) == "written with the older key"
    packet = tips.decrypt_bytes(LEGACY["tips_bytes_old_key"].encode())
    assert packet == b"%PDF-1.4 legacy packet\x00\xff"
    settings.DEBUG = True
    settings.FIELD_ENCRYPTION_KEYS = []
    assert tips.decrypt_text(LEGACY["tips_dev"]) == "demo tip, development key"


def test_records_files_written_before_the_move_stay_readable(settings):
    records = encryption.keyring_get("records")
    settings.SECRET_KEY = LEGACY_SECRET_KEY
    settings.RECORDS_ENCRYPTION_KEYS = [LEGACY_RECORDS_KEY]
    document = records.decrypt_bytes(LEGACY["records_file"].encode())
    assert document == b"\x89PNG legacy identity document\x00\x01"
    settings.DEBUG = True
    settings.RECORDS_ENCRYPTION_KEYS = []
    assert records.decrypt_bytes(LEGACY["records_dev"].encode()) == (
        b"demo document, development key"
    )


# --- Model fields ------------------------------------------------------------------------------


def test_encrypted_text_field_stores_a_token_and_reads_text(ring):
    field = EncryptedTextField(keyring="test")
    token = field.get_prep_value("what happened")
    assert token != "what happened"
    assert field.from_db_value(token, None, None) == "what happened"
    assert field.get_prep_value("") == "" and field.get_prep_value(None) is None


def test_encrypted_json_field_round_trips_values(ring):
    field = EncryptedJSONField(keyring="test", null=True)
    value = {"plate": "ABC 123", "nights": [1, 2], "urgent": True}
    token = field.get_prep_value(value)
    assert "ABC" not in token
    assert field.from_db_value(token, None, None) == value
    assert field.get_prep_value(None) is None and field.from_db_value(None, None, None) is None


def test_a_field_names_its_keyring_in_migrations_unless_its_class_fixes_it(ring):
    _name, path, _args, kwargs = EncryptedTextField(keyring="test").deconstruct()
    assert path == "portal.services.encryption.EncryptedTextField" and kwargs["keyring"] == "test"
    from tips.fields import EncryptedTextField as TipsField

    _name, path, _args, kwargs = TipsField(blank=True).deconstruct()
    assert path == "tips.fields.EncryptedTextField" and "keyring" not in kwargs
    with pytest.raises(TypeError):
        EncryptedTextField()


# --- The system check ---------------------------------------------------------------------------


def test_check_is_clean_in_production_with_every_key_and_secret(ring, production):
    assert encryption.check_encryption_config() == []


def test_check_names_every_keyring_without_a_key_in_production(ring, production):
    production.TEST_ENCRYPTION_KEYS = []
    production.RECORDS_ENCRYPTION_KEYS = []
    errors = encryption.check_encryption_config()
    assert _ids(errors) == ["portal.E101", "portal.E101"]
    text = " ".join(f"{e.msg} {e.hint}" for e in errors)
    assert "RECORDS_ENCRYPTION_KEYS" in text and "TEST_ENCRYPTION_KEYS" in text


def test_check_accepts_no_key_in_development(ring, settings):
    settings.DEBUG = True
    settings.TEST_ENCRYPTION_KEYS = []
    settings.RECORDS_ENCRYPTION_KEYS = []
    assert encryption.check_encryption_config() == []


def test_check_names_a_malformed_key_in_any_mode(ring, settings):
    settings.TEST_ENCRYPTION_KEYS = [K1, "not-a-key"]
    for debug in (True, False):
        settings.DEBUG = debug
        errors = [e for e in encryption.check_encryption_config() if e.id == "portal.E102"]
        assert len(errors) == 1 and "TEST_ENCRYPTION_KEYS" in errors[0].msg


def test_check_names_an_unreadable_key_file(ring, settings, tmp_path):
    settings.TEST_ENCRYPTION_KEYS = []
    settings.TEST_ENCRYPTION_KEY_FILE = str(tmp_path / "missing")
    assert "portal.E103" in _ids(encryption.check_encryption_config())


def test_check_requires_the_passphrase_pepper_in_production(ring, production):
    production.TIPS_PASSPHRASE_PEPPER = ""
    errors = encryption.check_encryption_config()
    assert _ids(errors) == ["portal.E104"]
    assert "TIPS_PASSPHRASE_PEPPER" in errors[0].msg
    production.DEBUG = True
    assert encryption.check_encryption_config() == []
