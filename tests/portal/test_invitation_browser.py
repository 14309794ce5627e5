"""A new staff member accepts an invitation in Chromium, by keyboard alone, on a page with no
axe-core violations, and ends signed in with a verified session. (Staff pages, like the admin,
are served in the site's default language: they sit outside the /es/ pages.)"""

import base64
from urllib.parse import urlsplit

import pytest
from django_otp.oath import TOTP

from portal.services import staff
from tests.browser import axe_violations
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_new_staff_member_accepts_an_invitation_by_keyboard(demo, page, settings):
    settings.STAFF_REQUIRE_2FA = True
    admin = UserFactory(username="root-inviter", is_superuser=True)
    newhire = UserFactory(username="newhire")
    newhire.set_unusable_password()
    newhire.save()
    _invitation, link = staff.invitation_create(user=newhire, actor=admin)
    page.goto(demo.url + urlsplit(link).path)
    assert page.locator("h1").inner_text() == "Set up your staff account"
    assert axe_violations(page) == []

    secret = page.locator("code").inner_text().strip()
    page.keyboard.press("Tab")  # from the top of the page to the first field, by Tab alone
    for _ in range(60):
        if page.evaluate("document.activeElement.name") == "new_password1":
            break
        page.keyboard.press("Tab")
    else:
        pytest.fail("the password field cannot be reached with Tab")
    page.keyboard.type("a long new passphrase 42")
    page.keyboard.press("Tab")
    page.keyboard.type("a long new passphrase 42")
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.name") == "otp_token":
            break
    else:
        pytest.fail("the code field cannot be reached with Tab")
    page.keyboard.type(_code(secret))
    page.keyboard.press("Enter")
    page.wait_for_url("**/admin/**")
    newhire.refresh_from_db()
    assert newhire.check_password("a long new passphrase 42")
    assert axe_violations(page) == []


def _code(secret: str) -> str:
    """The code an authenticator app makes from the key the page shows (base32)."""
    secret = secret.replace(" ", "").upper()
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    return f"{TOTP(key).token():06d}"
