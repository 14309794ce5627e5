import pytest
from django.contrib.auth.models import Permission
from django.utils import translation

from portal import roles
from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def _english_by_default():
    """A request to /es/... leaves Spanish active in the thread; each test starts in English."""
    translation.activate("en")
    yield
    translation.activate("en")


@pytest.fixture
def officer():
    """A community officer: edits the programs they are assigned to."""
    return UserFactory(roles=[roles.COMMUNITY_OFFICERS])


@pytest.fixture
def publisher():
    """A community officer who may also approve and publish any program."""
    user = UserFactory(roles=[roles.COMMUNITY_OFFICERS])
    user.user_permissions.add(Permission.objects.get(codename="publish_program"))
    return user
