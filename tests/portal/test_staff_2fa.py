"""With STAFF_REQUIRE_2FA on, a password alone opens nothing: not admin, not the staff pages,
not the session-authenticated API, not the enrolment of an authenticator. Handhelds keep their
tokens, which expire and can be revoked. Staff enrol through one-time invitations. The demo
password is refused when DEBUG=0."""

import datetime
import io

import pytest
import time_machine
from django.conf import settings as django_settings
from django.contrib.auth import authenticate
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token as DrfToken

from parking.api import CachedTokenAuthentication
from portal import roles, staff_auth
from portal.management.commands import demo_setup
from portal.models import AuditEntry
from portal.services import staff
from tests.factories import UserFactory
from tests.support.otp import verified_login
from tests.tips.conftest import TEST_KEY
from tests.tips.factories import TipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_factor(settings, tmp_path):
    settings.STAFF_REQUIRE_2FA = True
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.FIELD_ENCRYPTION_KEYS = [TEST_KEY]


def _investigator():
    return UserFactory(username="ivy", roles=[roles.TIP_INVESTIGATORS])


def _officer():
    return UserFactory(username="otto", roles=[roles.PARKING_OFFICERS])


# --- A password-only session opens nothing ---------------------------------------------------


def test_password_alone_does_not_read_a_tip_through_the_api(client, two_factor):
    tip = TipFactory()
    client.force_login(_investigator())
    response = client.get(f"/api/v1/tips/{tip.number}/")
    assert response.status_code in (401, 403)
    assert not AuditEntry.objects.filter(action__startswith="tips.").exists()


def test_password_alone_does_not_open_the_officers_page(client, two_factor):
    client.force_login(_officer())
    response = client.get("/parking/officer/")
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_password_alone_does_not_list_the_nights_through_the_api(client, two_factor):
    client.force_login(_officer())
    assert client.get("/api/v1/parking/nights/").status_code in (401, 403)


def test_password_alone_cannot_enrol_an_authenticator(client, two_factor):
    user = UserFactory(username="newhire")
    client.force_login(user)
    response = client.get(reverse("two_factor:setup"))
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=user).exists()


def test_staff_without_an_authenticator_is_told_to_ask_for_an_invitation(client, two_factor):
    UserFactory(username="newhire", is_superuser=True)
    response = client.post(
        reverse("two_factor:login"),
        {
            "auth-username": "newhire",
            "auth-password": "correct horse battery",
            "login_view-current_step": "auth",
        },
    )
    assert response.status_code == 200
    assert b"invitation" in response.content
    assert "_auth_user_id" not in client.session


def test_a_verified_session_reads_tips_and_uses_the_officer_tools(client, two_factor):
    tip = TipFactory()
    verified_login(client, _investigator())
    assert client.get(f"/api/v1/tips/{tip.number}/").status_code == 200
    verified_login(client, _officer())
    assert client.get("/parking/officer/").status_code == 200
    assert client.get("/api/v1/parking/nights/").status_code == 200


def test_without_the_requirement_a_password_session_works_as_before(client, settings):
    settings.STAFF_REQUIRE_2FA = False
    client.force_login(_officer())
    assert client.get("/parking/officer/").status_code == 200


# --- Handheld tokens --------------------------------------------------------------------------


def test_a_handheld_token_works_without_a_session_and_expires(client, two_factor):
    officer = _officer()
    token, key = staff.staff_token_issue(user=officer, name="Handheld 3", actor=None, days=30)
    auth = {"HTTP_AUTHORIZATION": f"Token {key}"}
    assert client.get("/api/v1/parking/nights/", **auth).status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None
    assert token.key_hash != key and key not in token.key_hash
    later = timezone.now() + datetime.timedelta(days=31)
    CachedTokenAuthentication._known.clear()  # parking remembers a token for a minute
    with time_machine.travel(later):
        assert client.get("/api/v1/parking/nights/", **auth).status_code == 401


def test_a_revoked_token_is_refused_and_both_are_audited(client, two_factor):
    admin = UserFactory(username="root", is_superuser=True)
    token, key = staff.staff_token_issue(user=_officer(), name="Handheld 4", actor=admin)
    staff.staff_token_revoke(token=token, actor=admin)
    response = client.get("/api/v1/parking/nights/", HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 401
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"portal.stafftoken.issued", "portal.stafftoken.revoked"} <= actions


# --- One-time invitations ---------------------------------------------------------------------


def _accept(client, url, *, password="a long new passphrase 42", code=None):  # noqa: S107
    page = client.get(url)
    assert page.status_code == 200
    secret = client.session["staff_invitation_key"]
    if code is None:
        code = f"{TOTP(bytes.fromhex(secret)).token():06d}"
    return client.post(
        url, {"new_password1": password, "new_password2": password, "otp_token": code}
    )


def test_an_invitation_sets_password_and_authenticator_once(client, two_factor):
    admin = UserFactory(username="root", is_superuser=True)
    newhire = UserFactory(username="newhire", password="!")
    newhire.set_unusable_password()
    newhire.save()
    _invitation, url = staff.invitation_create(user=newhire, actor=admin)
    response = _accept(client, url)
    assert response.status_code == 302
    newhire.refresh_from_db()
    assert newhire.check_password("a long new passphrase 42")
    assert TOTPDevice.objects.filter(user=newhire, confirmed=True).count() == 1
    assert client.get(reverse("admin:index")).status_code == 200  # a verified session
    client.logout()
    assert client.get(url).status_code == 404  # once only
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"portal.invitation.created", "portal.invitation.accepted"} <= actions


def test_an_invitation_refuses_a_wrong_code(client, two_factor):
    newhire = UserFactory(username="newhire")
    _invitation, url = staff.invitation_create(user=newhire, actor=None)
    response = _accept(client, url, code="000000")
    assert response.status_code == 200
    assert not TOTPDevice.objects.filter(user=newhire).exists()


def test_an_expired_invitation_is_refused(client, two_factor, settings):
    newhire = UserFactory(username="newhire")
    _invitation, url = staff.invitation_create(user=newhire, actor=None)
    later = timezone.now() + datetime.timedelta(hours=settings.STAFF_INVITATION_HOURS + 1)
    with time_machine.travel(later):
        assert client.get(url).status_code == 404


def test_a_site_administrator_cannot_invite_a_tip_investigator(two_factor):
    site_admin = UserFactory(username="sam", roles=[roles.SITE_ADMINISTRATORS])
    with pytest.raises(staff.ValidationError):
        staff.invitation_create(user=_investigator(), actor=site_admin)
    with pytest.raises(staff.ValidationError):
        staff.invitation_create(user=UserFactory(is_superuser=True), actor=site_admin)


# --- Demo accounts ----------------------------------------------------------------------------


def test_the_demo_password_is_refused_when_debug_is_off(settings):
    settings.DEBUG = False
    user = UserFactory(username="demo-officer", password="eastbrook-demo")
    request = RequestFactory().post("/account/login/")
    assert authenticate(request, username="demo-officer", password="eastbrook-demo") is None
    settings.DEBUG = True
    assert authenticate(request, username="demo-officer", password="eastbrook-demo") == user


def test_group_fixture_is_in_place():
    assert Group.objects.filter(name=roles.TIP_INVESTIGATORS).exists()


def settings_base() -> str:
    return django_settings.PORTAL_BASE_URL.rstrip("/")


def test_the_refused_password_is_the_one_demo_setup_gives(db):
    assert demo_setup.DEMO_PASSWORD == staff_auth.DEMO_PASSWORD


def test_staff_invite_prints_a_working_link(client, two_factor):
    out = io.StringIO()
    UserFactory(username="chief", is_superuser=True)
    call_command("staff_invite", "chief", stdout=out)
    url = out.getvalue().split()[0]
    assert client.get(url.removeprefix(settings_base())).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_handhelds_keep_the_tokens_they_had_before_the_token_model(client, two_factor):
    """Migration portal.0007 turns each DRF token into a hashed StaffToken and deletes the
    clear key: the device keeps working, the database no longer holds a usable key."""
    executor = MigrationExecutor(connection)
    before = [("portal", "0006_audit_action_recent_index")]
    # Every app's latest migration, not portal's alone: going back to 0006 also unapplies the
    # apps whose migrations depend on later kernel ones (complaints, service requests...).
    latest = executor.loader.graph.leaf_nodes()
    executor.migrate(before)
    officer = _officer()
    DrfToken.objects.create(user=officer, key="k" * 40)
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(latest)
    assert not DrfToken.objects.exists()
    CachedTokenAuthentication._known.clear()
    response = client.get("/api/v1/parking/nights/", HTTP_AUTHORIZATION=f"Token {'k' * 40}")
    assert response.status_code == 200
