"""Encryption at rest for every feature: one Fernet service, one keyring per feature.

Rules:
- A feature registers a named keyring (`keyring_register`) that says which setting holds its keys,
  so each keeps its own environment variable: the tip line's FIELD_ENCRYPTION_KEYS (or
  FIELD_ENCRYPTION_KEY_FILE, one key a line), records' RECORDS_ENCRYPTION_KEYS. Keys live outside
  the database, comma separated, newest first.
- Rotation (MultiFernet): new data is always written with the first key; data written with any
  listed key stays readable. `Keyring.rotate_bytes` rewrites a token with the newest key, after
  which the old key can be dropped.
- With DEBUG=1 and no key, a key derived from SECRET_KEY (the keyring's own derivation, so data
  written by the demo stays readable) is used and a warning is logged. With DEBUG=0 and no key,
  encrypting or decrypting raises ImproperlyConfigured naming the variable to set.
- Secrets that are not Fernet keys but must be set in production (the passphrase pepper) are
  registered with `required_secret_register`, once, by the module that reads them.
- The registry is the one list of what production needs: `production_secrets_generate` makes a
  fresh value for SECRET_KEY, each keyring (one Fernet key) and each required secret, and
  `manage.py portal_secrets` prints them as NAME=value lines for a .env file. Scripts, the
  Makefile and the tests take the list from there, never from a copy.
- One system check (`check_encryption_config`, registered by PortalConfig) stops every manage.py
  command with DEBUG=0 while a registered keyring has no key or a registered secret is empty,
  and in any mode while a key is malformed or a key file cannot be read.

Fernet is AES-128-CBC with HMAC-SHA256 (cryptography's implementation): a token that was altered,
or written with a key that is not listed, raises InvalidToken.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.checks import Error
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.db import models

logger = logging.getLogger(__name__)

__all__ = [
    "EncryptedJSONField",
    "EncryptedTextField",
    "InvalidToken",
    "Keyring",
    "RequiredSecret",
    "check_encryption_config",
    "derive_key",
    "keyring_get",
    "keyring_list",
    "keyring_register",
    "production_secrets_generate",
    "required_secret_list",
    "required_secret_register",
    "required_setting_list",
]

KEY_HINT = (
    "Make one with: python -c 'from cryptography.fernet import Fernet; "
    "print(Fernet.generate_key().decode())' (`python manage.py portal_secrets` makes every "
    "key and secret production needs)."
)


def derive_key(secret: str, purpose: str) -> bytes:
    """A stable 32-byte key for `purpose`, derived from `secret` (HMAC-SHA256)."""
    return hmac.new(secret.encode(), purpose.encode(), hashlib.sha256).digest()


@lru_cache(maxsize=16)
def _multi_fernet(keys: tuple[str, ...], setting: str) -> MultiFernet:
    try:
        return MultiFernet([Fernet(key.encode()) for key in keys])
    except ValueError as exc:
        raise ImproperlyConfigured(
            f"{setting} holds a key that is not a Fernet key (32 url-safe base64 bytes)."
        ) from exc


@dataclass(eq=False)
class Keyring:
    """The keys of one feature, newest first, and everything done with them."""

    name: str
    setting: str
    file_setting: str = ""
    # secret key -> 32 raw bytes: the key used with DEBUG=1 when none is configured.
    development_key: Callable[[str], bytes] | None = None
    # Fernet writes the second of encryption, in clear, into every token. With this set (3600
    # for the tip line), tokens carry the start of the hour instead, also when rotated, so a
    # stolen database tells no more than the rows' own rounded times.
    coarse_seconds: int | None = None
    _warned: bool = field(default=False, repr=False)

    # --- keys ------------------------------------------------------------------------------

    def configured_keys(self) -> list[str]:
        """The keys from the setting, else from the key file, newest first (may be empty).
        Raises OSError when the key file cannot be read."""
        raw = getattr(settings, self.setting, None) or []
        if isinstance(raw, str):
            raw = raw.split(",")
        keys = [key.strip() for key in raw if key and key.strip()]
        path = getattr(settings, self.file_setting, "") if self.file_setting else ""
        if not keys and path:
            with open(path, encoding="ascii") as handle:
                keys = [
                    line.strip()
                    for line in handle
                    if line.strip() and not line.lstrip().startswith("#")
                ]
        return keys

    def variables(self) -> str:
        """The variable(s) that configure this keyring, for messages."""
        return f"{self.setting} or {self.file_setting}" if self.file_setting else self.setting

    def _development_key(self) -> str:
        derive = self.development_key or (
            lambda secret: derive_key(secret, f"portal.encryption.{self.name}")
        )
        return base64.urlsafe_b64encode(derive(settings.SECRET_KEY)).decode()

    def keys(self) -> list[str]:
        """The keys in use: the configured ones, or the development key with DEBUG=1."""
        keys = self.configured_keys()
        if keys:
            return keys
        if not settings.DEBUG:
            raise ImproperlyConfigured(
                f"The {self.name} keyring needs {self.variables()} when DEBUG=0."
            )
        if not self._warned:
            logger.warning(
                "No %s set: %s data is encrypted with a development key derived from "
                "SECRET_KEY. Set %s in production.",
                self.setting,
                self.name,
                self.setting,
            )
            self._warned = True
        return [self._development_key()]

    def fernet(self) -> MultiFernet:
        return _multi_fernet(tuple(self.keys()), self.setting)

    def key_generate(self) -> str:
        """A new key for this keyring's setting: one Fernet key, which is a list of one."""
        return Fernet.generate_key().decode("ascii")

    def available(self) -> bool:
        """Whether data can be encrypted in this configuration (a key, or development mode)."""
        try:
            return bool(self.configured_keys()) or bool(settings.DEBUG)
        except OSError:
            return False

    def newest_key_id(self) -> bytes:
        """A short fingerprint of the newest key (never the key), to tell which data needs
        rewriting."""
        return hashlib.sha256(self.keys()[0].encode()).digest()[:4]

    # --- bytes and text --------------------------------------------------------------------

    def _coarse(self, seconds: float) -> int:
        return int(seconds) // self.coarse_seconds * self.coarse_seconds

    def encrypt_bytes(self, data: bytes) -> bytes:
        if self.coarse_seconds:
            return self.fernet().encrypt_at_time(data, self._coarse(time.time()))
        return self.fernet().encrypt(data)

    def decrypt_bytes(self, token: bytes, *, ttl: int | None = None) -> bytes:
        """The plain bytes; InvalidToken if altered, written with an unlisted key, or (with
        `ttl`) older than `ttl` seconds."""
        if ttl is not None:
            return self.fernet().decrypt(token, ttl=ttl)
        return self.fernet().decrypt(token)

    def encrypt_text(self, text: str) -> str:
        return self.encrypt_bytes(text.encode()).decode("ascii")

    def decrypt_text(self, token: str, *, ttl: int | None = None) -> str:
        return self.decrypt_bytes(token.encode("ascii"), ttl=ttl).decode()

    def rotate_bytes(self, token: bytes) -> bytes:
        """The same plaintext, encrypted with the newest key (and, for a coarse keyring, with
        its time rounded down, whatever the old token said)."""
        fernet = self.fernet()
        if self.coarse_seconds:
            written = fernet.extract_timestamp(token)
            return fernet.encrypt_at_time(fernet.decrypt(token), self._coarse(written))
        return fernet.rotate(token)

    # --- files -----------------------------------------------------------------------------

    def encrypted_file(self, data: bytes, name: str = "f.bin") -> ContentFile:
        """`data` encrypted, ready for `FieldFile.save()` or a storage's `save()`."""
        return ContentFile(self.encrypt_bytes(data), name=name)

    def decrypt_file(self, file: Any) -> bytes:
        """The plain bytes of a stored encrypted file (a FieldFile, or anything with `open`)."""
        with file.open("rb") as handle:
            return self.decrypt_bytes(handle.read())


def _token() -> str:
    return secrets.token_urlsafe(32)


@dataclass(frozen=True)
class RequiredSecret:
    """A setting that must hold a secret when DEBUG=0 (it has a development default only).
    `generate` makes a fresh value for it (a URL-safe random token unless told otherwise)."""

    name: str
    setting: str
    hint: str = ""
    generate: Callable[[], str] = field(default=_token, compare=False)


_keyrings: dict[str, Keyring] = {}
_secrets: dict[str, RequiredSecret] = {}


def keyring_register(
    *,
    name: str,
    setting: str,
    file_setting: str = "",
    development_key: Callable[[str], bytes] | None = None,
    coarse_seconds: int | None = None,
) -> Keyring:
    """Register (or return, if already registered the same way) the keyring `name`."""
    existing = _keyrings.get(name)
    if existing is not None:
        if (existing.setting, existing.file_setting) != (setting, file_setting):
            raise ImproperlyConfigured(f"The keyring {name!r} is already registered differently.")
        return existing
    keyring = Keyring(
        name=name,
        setting=setting,
        file_setting=file_setting,
        development_key=development_key,
        coarse_seconds=coarse_seconds,
    )
    _keyrings[name] = keyring
    return keyring


def keyring_get(name: str) -> Keyring:
    try:
        return _keyrings[name]
    except KeyError:
        raise ImproperlyConfigured(f"No keyring named {name!r} is registered.") from None


def keyring_list() -> list[Keyring]:
    """Every registered keyring, in the order the apps registered them."""
    return list(_keyrings.values())


def required_secret_register(
    *, name: str, setting: str, hint: str = "", generate: Callable[[], str] = _token
) -> RequiredSecret:
    """Register (or return, if already registered under the same name) the secret in
    `setting`, which production must set. One module registers it, the one that reads it:
    a second registration of the setting under another name is refused."""
    existing = _secrets.get(setting)
    if existing is not None:
        if existing.name != name:
            raise ImproperlyConfigured(
                f"The secret {setting} is already registered ({existing.name})."
            )
        return existing
    secret = RequiredSecret(name=name, setting=setting, hint=hint, generate=generate)
    _secrets[secret.setting] = secret
    return secret


def required_secret_list() -> list[RequiredSecret]:
    return list(_secrets.values())


def required_setting_list() -> list[str]:
    """The variables production mode requires for encryption (the system check's list): each
    keyring's keys, then each required secret. SECRET_KEY and ALLOWED_HOSTS are the settings
    module's own requirement, not in this list."""
    names = [keyring.setting for keyring in _keyrings.values()]
    names += [s.setting for s in _secrets.values() if s.setting not in names]
    return names


def production_secrets_generate() -> dict[str, str]:
    """A fresh value for every secret production mode requires, by variable: SECRET_KEY (as
    strong as the settings demand), one Fernet key for each keyring, and a value for each
    required secret. ALLOWED_HOSTS is not a secret and is left to the operator."""
    values = {"SECRET_KEY": secrets.token_urlsafe(64)}
    for keyring in _keyrings.values():
        values[keyring.setting] = keyring.key_generate()
    for secret in _secrets.values():
        values.setdefault(secret.setting, secret.generate())
    return values


# --- The system check ----------------------------------------------------------------------
# portal.E101 no key (DEBUG=0), E102 a malformed key, E103 an unreadable key file,
# E104 a required secret left empty (DEBUG=0).


def check_encryption_config(app_configs=None, **kwargs) -> list[Error]:
    errors: list[Error] = []
    for keyring in _keyrings.values():
        try:
            keys = keyring.configured_keys()
        except OSError as exc:
            errors.append(
                Error(
                    f"The {keyring.name} keyring's key file cannot be read: {exc}",
                    hint=f"Check {keyring.file_setting}.",
                    id="portal.E103",
                )
            )
            continue
        if not keys and not settings.DEBUG:
            errors.append(
                Error(
                    f"No encryption key for the {keyring.name} keyring.",
                    hint=f"Set {keyring.variables()} (newest first). {KEY_HINT}",
                    id="portal.E101",
                )
            )
        for key in keys:
            try:
                Fernet(key.encode())
            except ValueError:
                errors.append(
                    Error(
                        f"{keyring.setting} holds a key that is not a valid Fernet key "
                        f"(the {keyring.name} keyring).",
                        hint=KEY_HINT,
                        id="portal.E102",
                    )
                )
                break
    if not settings.DEBUG:
        for secret in _secrets.values():
            if not getattr(settings, secret.setting, ""):
                errors.append(
                    Error(
                        f"{secret.setting} is required when DEBUG=0 ({secret.name}).",
                        hint=secret.hint or None,
                        id="portal.E104",
                    )
                )
    return errors


# --- Model fields --------------------------------------------------------------------------


class EncryptedTextField(models.TextField):
    """Text stored encrypted: the database only ever holds the token, the model the plain text.
    Tokens differ for equal text, so such a column cannot be filtered or indexed on.

    `keyring` names a registered keyring; a subclass may fix it with the class attribute
    `keyring_name` (and then leaves it out of migrations)."""

    description = "Text encrypted at rest"
    keyring_name: str = ""

    def __init__(self, *args, keyring: str = "", **kwargs):
        if keyring:
            self.keyring_name = keyring
        elif not self.keyring_name:
            raise TypeError(f"{type(self).__name__} needs keyring='<name>'.")
        self._explicit_keyring = bool(keyring)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if self._explicit_keyring:
            kwargs["keyring"] = self.keyring_name
        return name, path, args, kwargs

    @property
    def keyring(self) -> Keyring:
        return keyring_get(self.keyring_name)

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return self.keyring.decrypt_text(value)

    def to_python(self, value):
        return value

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return self.keyring.encrypt_text(value)

    def get_internal_type(self) -> str:
        return "TextField"


class EncryptedJSONField(EncryptedTextField):
    """A JSON value (dict, list, str, number, bool) stored as an encrypted token of its JSON text.
    None is stored as NULL (the column needs null=True for it)."""

    description = "JSON encrypted at rest"

    def from_db_value(self, value, expression, connection):
        if value is None:
            return value
        return json.loads(self.keyring.decrypt_text(value))

    def get_prep_value(self, value):
        if value is None:
            return None
        return self.keyring.encrypt_text(json.dumps(value, separators=(",", ":")))

    def value_to_string(self, obj):
        return json.dumps(self.value_from_object(obj))
