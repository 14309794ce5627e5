"""Encryption at rest for the tip line: the "tips" keyring of portal/services/encryption.py.

Tip text, messages, notes, contact details and files are encrypted with the Fernet keys in
FIELD_ENCRYPTION_KEYS (comma separated, newest first) or FIELD_ENCRYPTION_KEY_FILE (one key a
line). Rotation, the development key (DEBUG=1 only) and the system check that refuses DEBUG=0
without a key (portal.E101) are the kernel's; `manage.py tips_reencrypt` rewrites every row and
file with the newest key. The passphrase pepper (TIPS_PASSPHRASE_PEPPER), shared with anonymous
complaints, is the kernel's: portal/passphrases.py registers it.

Every token of this keyring carries the start of the hour it was written in, never the second
(`coarse_seconds=3600`): a stolen database tells no more than the rows' own rounded times.
"""

from portal.services.encryption import InvalidToken, derive_key, keyring_register

__all__ = [
    "KEYRING",
    "InvalidToken",
    "available",
    "decrypt_bytes",
    "decrypt_text",
    "encrypt_bytes",
    "encrypt_text",
    "rotate_bytes",
]

KEYRING = keyring_register(
    name="tips",
    setting="FIELD_ENCRYPTION_KEYS",
    file_setting="FIELD_ENCRYPTION_KEY_FILE",
    # The derivation the tip line has always used, so demo data stays readable.
    development_key=lambda secret: derive_key(secret, "tips.field-encryption"),
    # Fernet writes the second of encryption in clear into each token: tip tokens carry the
    # start of the hour instead (also when rotated), as `received_at` does. Nothing of the tip
    # line may rely on a token's age (Fernet's ttl): its page tokens are signed, not encrypted.
    coarse_seconds=3600,
)

configured_keys = KEYRING.configured_keys
available = KEYRING.available
encrypt_bytes = KEYRING.encrypt_bytes
decrypt_bytes = KEYRING.decrypt_bytes
encrypt_text = KEYRING.encrypt_text
decrypt_text = KEYRING.decrypt_text
rotate_bytes = KEYRING.rotate_bytes
newest_key_id = KEYRING.newest_key_id
