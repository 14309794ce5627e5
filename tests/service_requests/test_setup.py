"""The app's place in the portal: the demo, roles, audit names, the body limit."""

import pytest
from django.core.management import call_command

from portal import registry, roles
from service_requests.models import Service, ServiceRequest

pytestmark = pytest.mark.django_db


def test_demo_loads_the_catalogue_and_requests_and_loading_again_changes_nothing():
    call_command("demo_setup", verbosity=0)
    services = Service.objects.count()
    requests = ServiceRequest.objects.count()
    assert services >= 8 and requests >= 30
    assert ServiceRequest.objects.filter(status="closed").exists()
    assert ServiceRequest.objects.exclude(status="closed").exists()
    assert Service.objects.get(code="animal-bite").callback_required
    call_command("demo_setup", verbosity=0)
    assert (Service.objects.count(), ServiceRequest.objects.count()) == (services, requests)


def test_demo_in_production_without_a_key_loads_the_catalogue_only(settings):
    settings.DEBUG = False
    settings.SERVICE_REQUESTS_ENCRYPTION_KEYS = []
    call_command("demo_setup", verbosity=0)
    assert Service.objects.exists() and not ServiceRequest.objects.exists()


def test_both_roles_may_work_the_queue(user_in_role):
    for role in (roles.ANIMAL_CONTROL_OFFICERS, roles.COMMUNITY_OFFICERS):
        user = user_in_role(role)
        assert user.has_perm("service_requests.change_servicerequest")
        assert not user.has_perm("service_requests.delete_servicerequest")


def test_every_photo_fits_under_the_body_limit(settings):
    limit = next(b for b in registry.body_limits.all() if b.key == "service_requests")
    assert limit.max_bytes > settings.SERVICE_REQUESTS_MAX_PHOTOS * (
        settings.SERVICE_REQUESTS_PHOTO_MAX_MB * 1024 * 1024
    )
    assert "/es/requests/new/" in limit.prefixes
