"""Production mode: refuses to start unsafe, passes check --deploy, protects staff sign-in."""

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import UserFactory
from tests.support.production import (
    DEVELOPMENT_ONLY,
    PRODUCTION_SECRETS,
    ROOT,
    manage,
    production_env,
)


def test_production_mode_refuses_to_start_without_a_secret_key():
    production = production_env()
    del production["SECRET_KEY"]
    result = manage("check", **production)
    assert result.returncode != 0
    assert "needs a real SECRET_KEY" in result.stderr


def test_production_mode_refuses_to_start_without_allowed_hosts():
    result = manage("check", **production_env(ALLOWED_HOSTS=""))
    assert result.returncode != 0
    assert "needs ALLOWED_HOSTS" in result.stderr


def test_check_deploy_is_clean_in_production_mode():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **production_env())
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


@pytest.mark.parametrize("variable", PRODUCTION_SECRETS)
def test_production_mode_refuses_to_run_without_each_key_and_secret(variable):
    production = production_env()
    del production[variable]
    result = manage("check", "--deploy", **production)
    assert result.returncode != 0
    assert variable in result.stderr and "portal.E10" in result.stderr


def test_make_deploy_check_sets_everything_production_requires():
    """`make deploy-check` (the README's production self-check) passes as it is written."""
    unset = DEVELOPMENT_ONLY + PRODUCTION_SECRETS
    environment = {k: v for k, v in os.environ.items() if k not in unset}
    environment["DATABASE_URL"] = "postgres://nobody@127.0.0.1:1/unreachable"
    result = subprocess.run(
        # The interpreter of this test run: a worktree has no .venv of its own.
        [
            "make",
            "--no-print-directory",
            "-o",
            "install",
            "deploy-check",
            f"BIN={Path(sys.executable).parent}",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=environment,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


@pytest.mark.django_db
def test_public_pages_send_the_security_headers(client):
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_password_alone_does_not_open_admin_when_a_second_factor_is_required(client, settings):
    settings.STAFF_REQUIRE_2FA = True
    user = UserFactory(is_superuser=True)
    TOTPDevice.objects.create(user=user, name="default", confirmed=True)
    client.force_login(user)
    response = client.get(reverse("admin:index"), follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("two_factor:login"))
    assert b"Token" in response.content or b"token" in response.content.lower()


@pytest.mark.django_db
def test_staff_signs_in_with_password_and_authenticator_code(client, settings):
    settings.STAFF_REQUIRE_2FA = True
    user = UserFactory(username="ivy", is_superuser=True)
    device = TOTPDevice.objects.create(user=user, name="default", confirmed=True)
    login = reverse("two_factor:login")
    client.post(
        login,
        {
            "auth-username": "ivy",
            "auth-password": "correct horse battery",
            "login_view-current_step": "auth",
        },
    )
    code = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
    response = client.post(
        login, {"token-otp_token": f"{code:06d}", "login_view-current_step": "token"}
    )
    assert response.status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200


@pytest.mark.django_db
def test_repeated_failed_sign_ins_lock_the_account_for_a_while(client, settings):
    UserFactory(username="target")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("admin:login"), {"username": "target", "password": "guess"})
    response = client.post(
        reverse("admin:login"), {"username": "target", "password": "correct horse battery"}
    )
    assert response.status_code == 429
    assert b"Too many failed sign-in attempts" in response.content


@pytest.mark.django_db
def test_idle_staff_session_expires(client, settings):
    user = UserFactory(is_superuser=True)
    client.force_login(user)
    assert client.get(reverse("admin:index")).status_code == 200
    idle = timedelta(seconds=settings.SESSION_COOKIE_AGE + 60)
    with time_machine.travel(timezone.now() + idle):
        assert client.get(reverse("admin:index")).status_code == 302


def test_static_files_collect_forproduction_env(tmp_path):
    """The manifest storage refuses a stylesheet that names a missing file: catch it here, not
    in a deploy."""
    result = manage("collectstatic", "--noinput", **production_env(STATIC_ROOT=str(tmp_path)))
    assert result.returncode == 0, result.stderr[-2000:]
    assert list(tmp_path.glob("vendor/uswds/css/uswds.min.*.css"))
