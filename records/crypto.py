"""Encryption at rest for the files residents and clerks upload (identity documents above all):
the "records" keyring of portal/services/encryption.py.

Fernet keys come from RECORDS_ENCRYPTION_KEYS, newest first, so a key can be rotated by
prepending a new one: new files are written with the first, old ones stay readable. In DEBUG only,
with no key configured, one is derived from SECRET_KEY so the demo runs out of the box; with
DEBUG=0 and no key, the system check portal.E101 stops every manage.py command.
"""

import hashlib

from portal.services.encryption import InvalidToken, keyring_register

__all__ = ["KEYRING", "InvalidToken", "decrypt", "decrypt_file", "encrypt", "encrypted_file"]

KEYRING = keyring_register(
    name="records",
    setting="RECORDS_ENCRYPTION_KEYS",
    # The derivation records has always used, so files written by the demo stay readable.
    development_key=lambda secret: hashlib.sha256(("records-files:" + secret).encode()).digest(),
)

encrypt = KEYRING.encrypt_bytes
decrypt = KEYRING.decrypt_bytes
encrypted_file = KEYRING.encrypted_file
decrypt_file = KEYRING.decrypt_file
