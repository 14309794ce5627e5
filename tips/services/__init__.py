"""The tip line's rules (issue 4), one module per concern:

- `intake`: a tip comes in whole or not at all; its files are cleaned after commit.
- `tipster`: the tipster checks back with number + passphrase and writes on.
- `throttles`: how often one client may send tips or try to check back.
- `triage`: staff triage (one service per form or API submission), messages, notes, links,
  reading encrypted files; who may be given a tip.
- `merge`: duplicates merged into the tip that survives.
- `notices`: what investigators are told, and the sweep for notices whose task was lost.

Each module's docstring names its rules. This package re-exports the services that views,
admin, API and tasks call, and nothing else; the rest (constants, the parts `tip_triage`
combines) is imported from its module.
"""

from tips.services.intake import attachment_scrub, attachment_sweep, tip_submit
from tips.services.notices import tip_notify, tip_notify_sweep
from tips.services.throttles import (
    tip_check_counted,
    tip_check_throttle,
    tip_submit_counted,
    tip_submit_throttle,
)
from tips.services.tipster import tip_authenticate, tipster_reply
from tips.services.triage import attachment_read, tip_decrypted_view, tip_message_send, tip_triage

__all__ = [
    "attachment_read",
    "attachment_scrub",
    "attachment_sweep",
    "tip_authenticate",
    "tip_check_counted",
    "tip_check_throttle",
    "tip_decrypted_view",
    "tip_message_send",
    "tip_notify",
    "tip_notify_sweep",
    "tip_submit",
    "tip_submit_counted",
    "tip_submit_throttle",
    "tip_triage",
    "tipster_reply",
]
