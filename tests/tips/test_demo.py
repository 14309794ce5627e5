"""The demo data: the categories of the issue, and a published tip to try the check-back page."""

import pytest

from tips import demo
from tips.models import Tip, TipCategory
from tips.services import tip_authenticate

pytestmark = pytest.mark.django_db


def test_demo_loads_the_categories_and_a_tip_that_opens_with_the_published_passphrase(settings):
    settings.DEBUG = True
    demo.load_demo()
    demo.load_demo()  # idempotent
    assert TipCategory.objects.count() == len(demo.CATEGORIES)
    assert TipCategory.objects.get(slug="guns").name_es == "Armas y tiroteos"
    assert Tip.objects.count() == len(demo.DEMO_TIPS)
    tip = tip_authenticate(number=demo.DEMO_NUMBER, passphrase=demo.DEMO_PASSPHRASE)
    assert tip.messages.filter(direction="investigator").exists()


def test_demo_without_debug_publishes_no_passphrase(settings):
    settings.DEBUG = False
    demo.load_demo()
    assert not Tip.objects.filter(number=demo.DEMO_NUMBER).exists()
