"""Client applications of the Open311 server in the back office: a site administrator issues
a key (shown once, stored hashed) and revokes it; the server honours both. The rule "only a
live key posts" is proved through the admin door here and the service door in
test_open311_api.py."""

import re

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from portal import roles
from portal.models import AuditEntry, DepartmentSettings
from service_requests.models import Open311Client, ServiceRequest
from tests.factories import UserFactory
from tests.service_requests.factories import INSIDE_WEST
from tests.support.otp import verified_login

pytestmark = pytest.mark.django_db


@pytest.fixture
def site_admin(client):
    user = UserFactory(username="sam", roles=[roles.SITE_ADMINISTRATORS])
    verified_login(client, user)
    return user


@pytest.fixture(autouse=True)
def _jurisdiction(db):
    department = DepartmentSettings.get_solo()
    department.open311_jurisdiction_id = "springfield.gov"
    department.save()


def issue(client, name="Civic app") -> str:
    response = client.post(
        reverse("admin:service_requests_open311client_add"),
        {"name": name, "contact": "Dana, dana@example.org"},
        follow=True,
    )
    assert response.status_code == 200
    (message,) = [str(m) for m in get_messages(response.wsgi_request)]
    return re.search(r"not shown again: (\S+)$", message).group(1)


def post(client, key):
    return client.post(
        "/open311/v2/requests.json",
        {
            "api_key": key,
            "service_code": "stray-animal",
            "lat": INSIDE_WEST[0],
            "long": INSIDE_WEST[1],
            "attribute[kind]": "dog",
        },
    )


def test_a_site_administrator_issues_a_key_shown_once_and_stored_hashed(client, site_admin):
    key = issue(client)
    application = Open311Client.objects.get()
    assert application.created_by == site_admin
    assert application.prefix == key[:8] and key not in application.key_hash
    page = client.get(reverse("admin:service_requests_open311client_change", args=[application.pk]))
    assert page.status_code == 200 and key not in page.content.decode()
    listing = client.get(reverse("admin:service_requests_open311client_changelist"))
    assert key not in listing.content.decode()
    assert AuditEntry.objects.filter(
        action="service_requests.open311client.issued", actor=site_admin
    ).exists()


def test_a_key_issued_in_admin_posts_and_revoked_in_admin_is_refused(client, site_admin, stray):
    key = issue(client)
    client.logout()
    assert post(client, key).status_code == 200
    verified_login(client, site_admin)
    application = Open311Client.objects.get()
    client.post(
        reverse("admin:service_requests_open311client_changelist"),
        {"action": "revoke", "_selected_action": [application.pk]},
    )
    application.refresh_from_db()
    assert application.revoked_at is not None
    client.logout()
    refused = post(client, key)
    assert refused.status_code == 403
    assert ServiceRequest.objects.count() == 1


def test_staff_without_the_role_cannot_issue_keys(client, stray):
    verified_login(client, UserFactory(username="pat", roles=[roles.COMMUNITY_OFFICERS]))
    response = client.get(reverse("admin:service_requests_open311client_add"))
    assert response.status_code == 403
    assert Open311Client.objects.count() == 0
