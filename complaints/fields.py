"""The encrypted text field of complaints: portal's EncryptedTextField on the "complaints"
keyring (complaints/crypto.py)."""

from complaints import crypto  # noqa: F401 - registers the "complaints" keyring
from portal.services.encryption import EncryptedTextField as _EncryptedTextField


class EncryptedTextField(_EncryptedTextField):
    keyring_name = "complaints"
