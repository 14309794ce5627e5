"""Encryption at rest for the tip line.

Rules:
- Tip text, messages, contact details and files are encrypted with Fernet keys that live outside
  the database: FIELD_ENCRYPTION_KEYS (comma separated, newest first) or FIELD_ENCRYPTION_KEY_FILE
  (one key a line, newest first).
- Rotation: new data is always written with the first key; data written with an older key stays
  readable as long as that key is listed. `manage.py tips_reencrypt` rewrites every row and file
  with the newest key, after which the old key can be dropped.
- In development (DEBUG=1) with no key configured, a key is derived from SECRET_KEY and a warning
  is logged. With DEBUG=0 and no key, storing or reading a tip raises ImproperlyConfigured that
  says which variable to set, and the system check `check_encryption_keys` (tips.E001/E002)
  stops every manage.py command before that.
"""

import base64
import hashlib
import hmac
import logging
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.checks import Error
from django.core.exceptions import ImproperlyConfigured

logger = logging.getLogger(__name__)

__all__ = ["InvalidToken", "decrypt_bytes", "decrypt_text", "encrypt_bytes", "encrypt_text"]


def configured_keys() -> list[str]:
    """The keys from the environment or the key file, newest first (may be empty)."""
    keys = [k.strip() for k in settings.FIELD_ENCRYPTION_KEYS if k.strip()]
    if not keys and settings.FIELD_ENCRYPTION_KEY_FILE:
        with open(settings.FIELD_ENCRYPTION_KEY_FILE, encoding="ascii") as handle:
            keys = [
                line.strip()
                for line in handle
                if line.strip() and not line.lstrip().startswith("#")
            ]
    return keys


def derive_key(secret: str, purpose: str) -> bytes:
    """A stable 32-byte key for `purpose`, derived from `secret` (HMAC-SHA256)."""
    return hmac.new(secret.encode(), purpose.encode(), hashlib.sha256).digest()


def _development_key() -> str:
    return base64.urlsafe_b64encode(
        derive_key(settings.SECRET_KEY, "tips.field-encryption")
    ).decode()


@lru_cache(maxsize=4)
def _fernet_for(keys: tuple[str, ...]) -> MultiFernet:
    try:
        return MultiFernet([Fernet(key.encode()) for key in keys])
    except ValueError as exc:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEYS holds a key that is not a Fernet key (32 url-safe base64 bytes)."
        ) from exc


def fernet() -> MultiFernet:
    keys = configured_keys()
    if not keys:
        if not settings.DEBUG:
            raise ImproperlyConfigured(
                "The tip line needs FIELD_ENCRYPTION_KEYS or FIELD_ENCRYPTION_KEY_FILE "
                "when DEBUG=0."
            )
        if not getattr(fernet, "_warned", False):
            logger.warning(
                "No FIELD_ENCRYPTION_KEYS set: tips are encrypted with a development key derived "
                "from SECRET_KEY. Set FIELD_ENCRYPTION_KEYS in production."
            )
            fernet._warned = True  # type: ignore[attr-defined]
        keys = [_development_key()]
    return _fernet_for(tuple(keys))


def available() -> bool:
    """Whether tips can be encrypted in this configuration (a key, or development mode)."""
    try:
        return bool(configured_keys()) or settings.DEBUG
    except OSError:
        return False


def encrypt_bytes(data: bytes) -> bytes:
    return fernet().encrypt(data)


def decrypt_bytes(token: bytes, *, ttl: int | None = None) -> bytes:
    if ttl is not None:
        return fernet().decrypt(token, ttl=ttl)
    return fernet().decrypt(token)


def encrypt_text(text: str) -> str:
    return encrypt_bytes(text.encode()).decode("ascii")


def decrypt_text(token: str, *, ttl: int | None = None) -> str:
    return decrypt_bytes(token.encode("ascii"), ttl=ttl).decode()


def rotate_bytes(token: bytes) -> bytes:
    """The same plaintext, encrypted with the newest key."""
    return fernet().rotate(token)


def newest_key_id() -> bytes:
    """A short fingerprint of the newest key (never the key), to tell which rows need rewriting."""
    keys = configured_keys() or [_development_key()]
    return hashlib.sha256(keys[0].encode()).digest()[:4]


# Registered in TipsConfig.ready(): with DEBUG=0 and no key, every manage.py command (migrate,
# check --deploy) stops and names the variable to set; storing or reading a tip refuses too.
def check_encryption_keys(app_configs=None, **kwargs):
    errors = []
    try:
        keys = configured_keys()
    except OSError as exc:
        return [Error(f"FIELD_ENCRYPTION_KEY_FILE cannot be read: {exc}", id="tips.E002")]
    if not keys and not settings.DEBUG:
        errors.append(
            Error(
                "No encryption key for the tip line.",
                hint="Set FIELD_ENCRYPTION_KEYS (newest first) or FIELD_ENCRYPTION_KEY_FILE. "
                "Make one with: python -c 'from cryptography.fernet import Fernet; "
                "print(Fernet.generate_key().decode())'",
                id="tips.E001",
            )
        )
    for key in keys:
        try:
            Fernet(key.encode())
        except ValueError:
            errors.append(
                Error("A tip line encryption key is not a valid Fernet key.", id="tips.E002")
            )
            break
    return errors
