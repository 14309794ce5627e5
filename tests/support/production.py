"""`manage.py` run in a child process in production mode, for the tests that hold production to
refusing to start unsafe: the environment it needs, and the variables a test takes away."""

import os
import subprocess
import sys
from pathlib import Path

from django.apps import apps

from portal.services.encryption import (
    keyring_list,
    production_secrets_generate,
    required_setting_list,
)

ROOT = Path(__file__).resolve().parents[2]


def production_secrets() -> tuple[str, ...]:
    """The variables production mode requires beyond SECRET_KEY and ALLOWED_HOSTS: every
    keyring's keys and every required secret, as the apps registered them (the system check's
    own list, portal/services/encryption.py). The registry is filled once the apps are ready."""
    apps.check_apps_ready()
    return tuple(required_setting_list())


PRODUCTION_SECRETS = production_secrets()
# What the test run's own environment may set that a production start must not inherit: its
# development settings, and a keyring's key file, which would stand in for a missing key.
DEVELOPMENT_ONLY = (
    "SECRET_KEY",
    "DEBUG",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    *(keyring.file_setting for keyring in keyring_list() if keyring.file_setting),
)


def production_env(**overrides) -> dict[str, str]:
    """What production mode needs: host names and a fresh value for every secret
    (`manage.py portal_secrets`' own). The database is out of reach on purpose: these checks
    must not need one."""
    return {
        "DEBUG": "0",
        "ALLOWED_HOSTS": "portal.example.org",
        **production_secrets_generate(),
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
