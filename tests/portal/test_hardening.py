"""Smaller promises: what a failed sign-in leaves behind, the client address axes counts
behind the proxy, a Permissions-Policy on every response, and key rotation that keeps links."""

import base64
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def _settings_in_production(code: str, **env) -> subprocess.CompletedProcess:
    """Run `code` in a fresh process with production mode's environment (no database)."""
    fernet = base64.urlsafe_b64encode(os.urandom(32)).decode()
    production = {
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "portal.example.org",
        "FIELD_ENCRYPTION_KEYS": fernet,
        "RECORDS_ENCRYPTION_KEYS": fernet,
        "SERVICE_REQUESTS_ENCRYPTION_KEYS": fernet,
        "TIPS_PASSPHRASE_PEPPER": secrets.token_urlsafe(32),
        "DATABASE_URL": "postgres://nobody@127.0.0.1:1/unreachable",
        "DJANGO_SETTINGS_MODULE": "portal.settings",
    }
    keep = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "SECRET_KEY")}
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**keep, **production, **env},
        timeout=120,
    )


def test_axes_keeps_no_readable_trace_of_the_name_typed(client):
    typed = "my-Secret-passw0rd"
    client.post(reverse("admin:login"), {"username": typed, "password": "wrong"})
    attempt = AccessAttempt.objects.get()
    assert typed not in attempt.username and typed not in str(attempt.post_data)


def test_behind_the_proxy_a_lockout_holds_one_client_not_the_whole_town(client, settings):
    settings.BEHIND_TLS_PROXY = True
    settings.TRUSTED_PROXY_COUNT = 1
    UserFactory(username="target")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            reverse("admin:login"),
            {"username": "target", "password": "guess"},
            HTTP_X_FORWARDED_FOR="203.0.113.5",
        )
    locked = client.post(
        reverse("admin:login"),
        {"username": "target", "password": "correct horse battery"},
        HTTP_X_FORWARDED_FOR="203.0.113.5",
    )
    assert locked.status_code == 429
    elsewhere = client.post(
        reverse("admin:login"),
        {"username": "target", "password": "correct horse battery"},
        HTTP_X_FORWARDED_FOR="198.51.100.7",
    )
    assert elsewhere.status_code == 302


@pytest.mark.parametrize("path", ["/", "/es/tips/", "/admin/login/", "/api/v1/contacts/", "/nope/"])
def test_every_response_carries_a_permissions_policy(client, path):
    policy = client.get(path)["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()"):
        assert feature in policy


def test_secret_key_fallbacks_come_from_the_environment():
    result = _settings_in_production(
        "from django.conf import settings; print(len(settings.SECRET_KEY_FALLBACKS))",
        SECRET_KEY_FALLBACKS="old-key-" + "x" * 60 + ",older-" + "y" * 60,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip().endswith("2")
