"""A throttle per e-mail address for the public forms that send e-mail (sign-ups and
subscriptions), so nobody can use them to flood someone's mailbox.

It is the kernel's throttle service (portal/clients.py) keyed on the address instead of the
client: a keyed hash of the normalised address that changes every hour (the address itself is
never stored in the cache), counted in clock-hour windows. Only valid submissions are counted:
the services call this after the form's checks. The use is counted before it is compared, in
one round trip (as the API's throttles, portal/throttling.py): two submissions at the same
moment cannot both take the last place. A refused use counts too, which changes nothing: the
window's count is already past the limit.
"""

from portal.clients import address_key, throttle_record


def address_allowed(*, scope: str, email: str, limit: int, window_seconds: int = 3600) -> bool:
    """Count one use of `scope` by `email`; False once more than `limit` fall in the window."""
    purpose = f"programs.{scope}"
    key = address_key(email.strip().lower(), purpose)
    return throttle_record(purpose, key, window_seconds) <= limit
