"""System check: online payment needs both Stripe secrets, or neither (then it is off)."""

from django.conf import settings
from django.core.checks import Error, Warning


def check_payment_config(app_configs=None, **kwargs) -> list:
    key, secret = settings.STRIPE_SECRET_KEY, settings.STRIPE_WEBHOOK_SECRET
    if bool(key) != bool(secret):
        return [
            Error(
                "Only one of STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET is set: online payment "
                "stays off, and Stripe's webhooks would be refused or never come.",
                hint="Set both, or neither (docs/operations.md, Paying records fees online).",
                id="records.E010",
            )
        ]
    if key.startswith(("sk_test_", "rk_test_")) and not settings.DEBUG:
        return [
            Warning(
                "STRIPE_SECRET_KEY is a test-mode key: requesters' payments are not real.",
                id="records.W011",
            )
        ]
    return []
