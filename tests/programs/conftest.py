import pytest
from django.utils import translation


@pytest.fixture
def officer(community_officer):
    return community_officer


@pytest.fixture(autouse=True)
def _english_by_default():
    """A request to /es/... leaves Spanish active in the thread; each test starts in English."""
    translation.activate("en")
    yield
    translation.activate("en")
