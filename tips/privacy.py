"""Keeping tipsters anonymous beyond the request path.

The request itself is made anonymous by the kernel (portal/anonymity.py, for the paths tips
registers in tips/apps.py): no address, user agent or referrer reaches a view, a log or an
error report, and only a keyed, hourly rotating hash of the address is left for throttling.
Here:
- Tip pages are never cached and never send a referrer or a cookie of ours (`private_page`).
- Throttle counters (tips/services/throttles.py, on portal/clients.py) live only in Redis with a
  short TTL (the window), under a key that rotates every hour: after two hours nothing links
  two submissions.
- Wrong passphrases for a tip number are counted under a keyed hash of the number, so the
  counters do not list which numbers exist, and a locked number answers exactly like an unknown one.
"""

from django.conf import settings

from portal.anonymity import private_page
from portal.passphrases import Lockout

__all__ = ["lockout_active", "lockout_clear", "lockout_fail", "private_page"]

# The key stays "tips:lockout:<hmac of tips.lockout.NUMBER>", as before the move to the kernel.
_LOCKOUT = Lockout(
    "tips.lockout",
    max_failures=lambda: settings.TIPS_CHECK_MAX_FAILURES,
    seconds=lambda: settings.TIPS_CHECK_LOCKOUT_SECONDS,
)
lockout_active = _LOCKOUT.active
lockout_fail = _LOCKOUT.fail
lockout_clear = _LOCKOUT.clear
