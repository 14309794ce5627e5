"""Encryption at rest for the files residents and clerks upload (identity documents above all).

Fernet keys come from settings.RECORDS_ENCRYPTION_KEYS, newest first, so a key can be rotated
by prepending a new one: new files are written with the first, old ones stay readable. In DEBUG
only, with no key configured, one is derived from SECRET_KEY so the demo runs out of the box.
"""

import base64
import hashlib

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def _fernet() -> MultiFernet:
    keys = list(getattr(settings, "RECORDS_ENCRYPTION_KEYS", []) or [])
    if not keys:
        if not settings.DEBUG:
            raise ImproperlyConfigured("RECORDS_ENCRYPTION_KEYS must be set when DEBUG=0")
        digest = hashlib.sha256(("records-files:" + settings.SECRET_KEY).encode()).digest()
        keys = [base64.urlsafe_b64encode(digest).decode()]
    return MultiFernet([Fernet(key) for key in keys])


def encrypt(data: bytes) -> bytes:
    return _fernet().encrypt(data)


def decrypt(token: bytes) -> bytes:
    return _fernet().decrypt(token)
