"""Encryption at rest for applicants' CVs: the "careers" keyring of
portal/services/encryption.py. Keys come from CAREERS_ENCRYPTION_KEYS, newest first; with
DEBUG=0 and none set, the kernel's system check (portal.E101) stops every manage.py command."""

from portal.services.encryption import InvalidToken, keyring_register

__all__ = ["KEYRING", "InvalidToken", "decrypt_file", "encrypted_file"]

KEYRING = keyring_register(name="careers", setting="CAREERS_ENCRYPTION_KEYS")

encrypted_file = KEYRING.encrypted_file
decrypt_file = KEYRING.decrypt_file
