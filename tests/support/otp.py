"""Sign a test client in as staff who gave password and authenticator code (a verified session),
as the portal requires when STAFF_REQUIRE_2FA is on."""

from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice


def verified_login(client, user) -> TOTPDevice:
    """`client.force_login(user)` plus the mark django-otp leaves after a correct code."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="default", confirmed=True)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return device
