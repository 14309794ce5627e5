import pytest

from tests.support.files import GPS_LAT, gps_exif, jpeg_bytes  # noqa: F401 - tip tests import them here
from tests.tips.factories import TipCategoryFactory

TEST_KEY = "x3AwQx0Lw1nBlx6m4c6dwbm1nKpHqRYgB0tH0hHVp0Y="


@pytest.fixture(autouse=True)
def _default_language(settings):
    """Each test starts in the default language: a request to /es/ leaves Spanish active in the
    thread, and the demo loader reads the active language."""
    from django.utils import translation

    with translation.override(settings.LANGUAGE_CODE):
        yield


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.FIELD_ENCRYPTION_KEYS = [TEST_KEY]
    return settings.MEDIA_ROOT


@pytest.fixture
def demo_settings(demo_settings):
    demo_settings.DEBUG = True  # the demo's development key, as under `make run`
    demo_settings.FIELD_ENCRYPTION_KEYS = []
    return demo_settings


@pytest.fixture
def category(db):
    return TipCategoryFactory(slug="atv", name_en="ATVs and dirt bikes", name_es="Cuatrimotos")


@pytest.fixture
def urgent_category(db):
    return TipCategoryFactory(slug="guns", name_en="Guns", name_es="Armas", urgent=True)
