import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from portal import roles
from tests.factories import DivisionFactory, NeighborhoodFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_every_role_exists_as_a_group_with_its_declared_permissions():
    for role in roles.ROLES:
        group = Group.objects.get(name=role)
        granted = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}
        assert roles.declared_permissions(role) <= granted, role


def test_sync_keeps_permissions_an_administrator_added():
    from django.contrib.auth.models import Permission

    group = Group.objects.get(name=roles.PARKING_OFFICERS)
    extra = Permission.objects.get(codename="view_division")
    group.permissions.add(extra)
    roles.roles_sync()
    assert group.permissions.filter(pk=extra.pk).exists()


def test_community_officer_edits_neighborhoods_but_not_the_directory(client):
    officer = UserFactory(roles=[roles.COMMUNITY_OFFICERS])
    neighborhood = NeighborhoodFactory()
    division = DivisionFactory()
    client.force_login(officer)
    change = client.get(reverse("admin:portal_neighborhood_change", args=[neighborhood.pk]))
    assert change.status_code == 200
    refused = client.get(reverse("admin:portal_division_change", args=[division.pk]))
    assert refused.status_code == 403
