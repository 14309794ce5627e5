"""`manage.py` run in a child process in production mode, for the tests that hold production to
refusing to start unsafe: the environment it needs, and the variables a test takes away."""

import base64
import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# The variables production mode requires beyond SECRET_KEY and ALLOWED_HOSTS: every keyring's
# keys and every required secret (portal/services/encryption.py's system check).
PRODUCTION_SECRETS = (
    "FIELD_ENCRYPTION_KEYS",
    "RECORDS_ENCRYPTION_KEYS",
    "CAREERS_ENCRYPTION_KEYS",
    "SERVICE_REQUESTS_ENCRYPTION_KEYS",
    "COMPLAINTS_ENCRYPTION_KEYS",
    "TIPS_PASSPHRASE_PEPPER",
)
# What the test run's own environment may set that a production start must not inherit.
DEVELOPMENT_ONLY = ("SECRET_KEY", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE", "FIELD_ENCRYPTION_KEY_FILE")


def fernet_key() -> str:
    return base64.urlsafe_b64encode(os.urandom(32)).decode()


def production_env(**overrides) -> dict[str, str]:
    """What production mode needs: a real secret key, host names, the encryption keys and the
    tip line's pepper. The database is out of reach on purpose: these checks must not need one."""
    return {
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "portal.example.org",
        "FIELD_ENCRYPTION_KEYS": fernet_key(),
        "RECORDS_ENCRYPTION_KEYS": fernet_key(),
        "CAREERS_ENCRYPTION_KEYS": fernet_key(),
        "SERVICE_REQUESTS_ENCRYPTION_KEYS": fernet_key(),
        "COMPLAINTS_ENCRYPTION_KEYS": fernet_key(),
        "TIPS_PASSPHRASE_PEPPER": secrets.token_urlsafe(32),
        "DATABASE_URL": "postgres://nobody@127.0.0.1:1/unreachable",
        **overrides,
    }


def manage(*args, **env) -> subprocess.CompletedProcess:
    """`manage.py <args>` with only `env` on top of what the test run's environment holds once
    the development settings and every production secret are taken out."""
    unset = DEVELOPMENT_ONLY + PRODUCTION_SECRETS
    environment = {k: v for k, v in os.environ.items() if k not in unset}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**environment, **env},
        timeout=120,
    )
