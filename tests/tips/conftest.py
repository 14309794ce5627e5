import io

import pytest
from PIL import Image

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


def jpeg_bytes(*, size=(64, 48), exif=None, color=(200, 30, 30)) -> bytes:
    out = io.BytesIO()
    image = Image.new("RGB", size, color)
    kwargs = {"exif": exif} if exif is not None else {}
    image.save(out, format="JPEG", **kwargs)
    return out.getvalue()


GPS_LAT = "41.7658"


def gps_exif() -> bytes:
    """EXIF with a GPS position and a camera owner name, as a phone would write."""
    exif = Image.Exif()
    exif[0x013B] = "MARKER-ARTIST-Jane-Tipster"  # Artist
    exif[0x010F] = "MarkerPhoneMaker"  # Make
    gps = {
        1: "N",
        2: (41.0, 45.0, 57.0),
        3: "W",
        4: (72.0, 40.0, 30.0),
    }
    exif[0x8825] = gps
    return exif.tobytes()
