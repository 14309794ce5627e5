"""Encryption at rest for complaints and commendations: the "complaints" keyring of
portal/services/encryption.py.

Who complained (name, contact details, the person they speak for), what they wrote, their
witnesses, the investigators' notes and every file are encrypted with the Fernet keys in
COMPLAINTS_ENCRYPTION_KEYS (comma separated, newest first); with DEBUG=0 and none set, the
kernel's system check (portal.E101) stops every manage.py command.

As on the tip line, every token carries the start of the hour it was written in, never the
second (`coarse_seconds=3600`): an anonymous complaint keeps no finer time anywhere.
"""

from portal.services.encryption import InvalidToken, keyring_register

__all__ = ["KEYRING", "InvalidToken", "decrypt_bytes", "encrypt_bytes"]

KEYRING = keyring_register(
    name="complaints", setting="COMPLAINTS_ENCRYPTION_KEYS", coarse_seconds=3600
)

encrypt_bytes = KEYRING.encrypt_bytes
decrypt_bytes = KEYRING.decrypt_bytes
encrypt_text = KEYRING.encrypt_text
decrypt_text = KEYRING.decrypt_text
