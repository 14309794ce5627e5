"""The tip line's encrypted text field: portal's EncryptedTextField on the "tips" keyring. It
stays at this path because the tip line's migrations name it (tips.fields.EncryptedTextField)."""

from portal.services.encryption import EncryptedTextField as _EncryptedTextField
from tips import crypto  # noqa: F401 - registers the "tips" keyring


class EncryptedTextField(_EncryptedTextField):
    keyring_name = "tips"
