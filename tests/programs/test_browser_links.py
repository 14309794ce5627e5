"""The subscription's confirm and unsubscribe pages in headless Chromium, in English and
Spanish: opening the link changes nothing, the button (pressed from the keyboard) acts, and
axe-core finds no violation before or after (issue 13, finding 8)."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from portal.models import Neighborhood
from programs.models import Subscription
from programs.services import neighborhoods
from tests.browser import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXT = {
    "en": {
        "confirm": "Confirm my subscription",
        "confirmed": "You are subscribed",
        "stop": "Stop these e-mails",
        "stopped": "You will get no more e-mail",
    },
    "es": {
        "confirm": "Confirmar mi suscripción",
        "confirmed": "Está suscrito",
        "stop": "Dejar de recibir estos correos",
        "stopped": "No recibirá más correos",
    },
}


@pytest.fixture
def demo(live_server, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("demo_setup", verbosity=0)
    return live_server


def _press(page, name):
    page.get_by_role("button", name=name).focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")


@pytest.mark.parametrize("language", ["en", "es"])
def test_confirm_and_unsubscribe_pages_act_only_on_the_button(demo, page, language):
    text = TEXT[language]
    prefix = "" if language == "en" else "/es"
    subscription = neighborhoods.subscription_request(
        neighborhood=Neighborhood.objects.get(slug="riverside"),
        email=f"{language}@example.org",
        language=language,
    )
    confirm = neighborhoods.subscription_token(subscription, "confirm")
    page.goto(f"{demo.url}{prefix}/neighborhoods/subscription/{confirm}/confirm/")
    assert page.locator("html").get_attribute("lang") == language
    assert page.locator("h1").count() == 1
    assert axe_violations(page) == []
    assert Subscription.objects.get(pk=subscription.pk).confirmed_at is None
    _press(page, text["confirm"])
    expect(page.locator("main")).to_contain_text(text["confirmed"])
    assert axe_violations(page) == []
    assert Subscription.objects.get(pk=subscription.pk).confirmed_at is not None

    stop = neighborhoods.subscription_token(subscription, "unsubscribe")
    page.goto(f"{demo.url}{prefix}/neighborhoods/subscription/{stop}/stop/")
    assert axe_violations(page) == []
    assert Subscription.objects.filter(pk=subscription.pk).exists()
    _press(page, text["stop"])
    expect(page.locator("main")).to_contain_text(text["stopped"])
    assert axe_violations(page) == []
    assert not Subscription.objects.filter(pk=subscription.pk).exists()
