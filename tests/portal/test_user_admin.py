"""The user and group admin: a site administrator manages staff accounts, but cannot make
anyone (itself included) a superuser or a member of a sensitive group, and every change of
group membership or permission lands in the audit log, whatever door it came through."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from portal import roles
from portal.models import AuditEntry, StaffInvitation
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def site_admin(client):
    user = UserFactory(username="sam", roles=[roles.SITE_ADMINISTRATORS])
    client.force_login(user)
    return user


def _change(client, user, **overrides):
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on",
        "is_staff": "on",
        "groups": [str(g.pk) for g in user.groups.all()],
        # Today's form asks for these; ours shows them read-only and ignores them.
        "date_joined_0": "2026-01-01",
        "date_joined_1": "00:00:00",
        **overrides,
    }
    return client.post(reverse("admin:auth_user_change", args=[user.pk]), data)


def _group(name):
    return Group.objects.get(name=name)


def test_a_site_administrator_cannot_make_itself_superuser(client, site_admin):
    tips = Permission.objects.get(codename="view_tip")
    response = _change(client, site_admin, is_superuser="on", user_permissions=[str(tips.pk)])
    assert response.status_code == 302
    site_admin.refresh_from_db()
    assert not site_admin.is_superuser
    assert not site_admin.user_permissions.exists()


def test_a_site_administrator_cannot_make_itself_a_tip_investigator(client, site_admin):
    groups = [str(_group(roles.SITE_ADMINISTRATORS).pk), str(_group(roles.TIP_INVESTIGATORS).pk)]
    _change(client, site_admin, groups=groups)  # refused: not a choice offered
    assert not site_admin.groups.filter(name=roles.TIP_INVESTIGATORS).exists()
    assert site_admin.groups.filter(name=roles.SITE_ADMINISTRATORS).exists()


def test_a_site_administrator_cannot_take_an_investigator_out_or_change_one(client, site_admin):
    ivy = UserFactory(username="ivy", roles=[roles.TIP_INVESTIGATORS])
    response = _change(client, ivy, groups=[], email="new@example.org")
    assert response.status_code == 403
    ivy.refresh_from_db()
    assert ivy.groups.filter(name=roles.TIP_INVESTIGATORS).exists()
    assert ivy.email == "ivy@example.org"


def test_a_site_administrator_gives_an_ordinary_role_and_it_is_audited(client, site_admin):
    otto = UserFactory(username="otto")
    response = _change(client, otto, groups=[str(_group(roles.PARKING_OFFICERS).pk)])
    assert response.status_code == 302
    assert otto.groups.filter(name=roles.PARKING_OFFICERS).exists()
    entry = AuditEntry.objects.get(action="auth.user.groups_changed", target_id=str(otto.pk))
    assert entry.actor == site_admin
    assert entry.detail["added"] == [roles.PARKING_OFFICERS]


def test_a_superuser_may_make_a_tip_investigator(client):
    root = UserFactory(username="root", is_superuser=True)
    client.force_login(root)
    ivy = UserFactory(username="ivy")
    _change(client, ivy, groups=[str(_group(roles.TIP_INVESTIGATORS).pk)])
    assert ivy.groups.filter(name=roles.TIP_INVESTIGATORS).exists()
    assert AuditEntry.objects.filter(action="auth.user.groups_changed", actor=root).exists()


def test_every_door_is_audited_group_membership_and_permissions(db):
    user = UserFactory(username="otto")
    group = _group(roles.PARKING_OFFICERS)
    AuditEntry.objects.all()  # the factory's own changes are none: it gave no role
    user.groups.add(group)
    group.user_set.remove(user)
    user.user_permissions.add(Permission.objects.get(codename="view_tip"))
    user.user_permissions.clear()
    _group(roles.SITE_ADMINISTRATORS).permissions.add(Permission.objects.get(codename="view_tip"))
    actions = list(AuditEntry.objects.order_by("id").values_list("action", "detail"))
    assert [a for a, _ in actions] == [
        "auth.user.groups_changed",
        "auth.user.groups_changed",
        "auth.user.permissions_changed",
        "auth.user.permissions_changed",
        "auth.group.permissions_changed",
    ]
    assert actions[1][1]["removed"] == [roles.PARKING_OFFICERS]
    assert actions[3][1]["removed"] == ["tips.view_tip"]


def test_a_group_granting_tip_access_becomes_sensitive(db):
    group = Group.objects.create(name="Night shift")
    group.permissions.add(Permission.objects.get(codename="view_tip"))
    assert group in roles.sensitive_groups()
    assert _group(roles.PARKING_OFFICERS) not in roles.sensitive_groups()


def test_a_site_administrator_cannot_change_group_permissions(client, site_admin):
    group = _group(roles.PARKING_OFFICERS)
    url = reverse("admin:auth_group_change", args=[group.pk])
    tips = Permission.objects.get(codename="view_tip")
    client.post(url, {"name": group.name, "permissions": [str(tips.pk)]})
    assert not group.permissions.filter(codename="view_tip").exists()


def test_a_site_administrator_invites_a_new_staff_member_in_admin(client, site_admin):
    newhire = UserFactory(username="newhire")
    response = client.post(
        reverse("admin:portal_staffinvitation_add"), {"user": newhire.pk}, follow=True
    )
    assert response.status_code == 200
    invitation = StaffInvitation.objects.get(user=newhire)
    assert "/staff/invitation/" in response.content.decode()
    assert AuditEntry.objects.filter(
        action="portal.invitation.created", target_id=str(invitation.pk)
    ).exists()


def test_a_site_administrator_cannot_invite_an_investigator_in_admin(client, site_admin):
    ivy = UserFactory(username="ivy", roles=[roles.TIP_INVESTIGATORS])
    client.post(reverse("admin:portal_staffinvitation_add"), {"user": ivy.pk})
    assert not StaffInvitation.objects.filter(user=ivy).exists()


def test_user_model_is_djangos(db):
    assert get_user_model()._meta.label == "auth.User"
