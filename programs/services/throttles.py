"""A throttle per e-mail address for the public forms that send e-mail (sign-ups and
subscriptions), so nobody can use them to flood someone's mailbox.

It is the kernel's throttle service (portal/clients.py) keyed on the address instead of the
client: a keyed hash of the normalised address that changes every hour (the address itself is
never stored in the cache), counted in clock-hour windows. Only valid submissions are counted:
the services call this after the form's checks.
"""

from portal.clients import address_key, throttle_allowed, throttle_record


def address_allowed(*, scope: str, email: str, limit: int, window_seconds: int = 3600) -> bool:
    """Count one use of `scope` by `email`; False once more than `limit` fall in the window."""
    purpose = f"programs.{scope}"
    key = address_key(email.strip().lower(), purpose)
    if not throttle_allowed(purpose, key, limit, window_seconds):
        return False
    throttle_record(purpose, key, window_seconds)
    return True
