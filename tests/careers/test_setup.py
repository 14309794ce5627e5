"""The app's wiring: demo data, the home page's service card, the keyring's production check,
the reviewers' role."""

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from careers.models import HiringStep, InternshipApplication, Position
from portal.services.encryption import check_encryption_config

pytestmark = pytest.mark.django_db


def test_demo_loads_positions_steps_and_applications_and_loading_again_changes_nothing():
    call_command("demo_setup", verbosity=0)
    counts = (
        Position.objects.count(),
        HiringStep.objects.count(),
        InternshipApplication.objects.count(),
    )
    assert counts[0] >= 3 and counts[1] >= 5 and counts[2] >= 2
    assert set(Position.objects.values_list("kind", flat=True)) == set(Position.Kind.values)
    call_command("demo_setup", verbosity=0)
    assert (
        Position.objects.count(),
        HiringStep.objects.count(),
        InternshipApplication.objects.count(),
    ) == counts


def test_home_page_has_a_careers_card(client):
    page = client.get("/").content.decode()
    assert "/careers/" in page
    assert "Careers and the internship" in page
    assert "/es/careers/" in client.get("/es/").content.decode()


def test_production_without_a_careers_key_fails_the_system_check(settings):
    settings.DEBUG = False
    settings.CAREERS_ENCRYPTION_KEYS = []
    errors = [e for e in check_encryption_config() if "CAREERS_ENCRYPTION_KEYS" in str(e)]
    assert [e.id for e in errors] == ["portal.E101"]


def test_reviewers_role_may_change_applications_but_not_positions():
    group = Group.objects.get(name="Internship reviewers")
    codenames = set(group.permissions.values_list("codename", flat=True))
    assert {"view_internshipapplication", "change_internshipapplication"} <= codenames
    assert "change_position" not in codenames
    assert "delete_internshipapplication" not in codenames


def test_demo_without_a_careers_key_in_production_mode_loads_no_applications(settings):
    settings.DEBUG = False
    settings.CAREERS_ENCRYPTION_KEYS = []
    call_command("demo_setup", verbosity=0)
    assert Position.objects.exists()
    assert not InternshipApplication.objects.exists()
