"""The tip line's rules (issue 4), one module per concern:

- `intake`: a tip comes in whole or not at all; its files are cleaned after commit.
- `tipster`: the tipster checks back with number + passphrase and writes on.
- `throttles`: how often one connection may send tips or try to check back.
- `triage`: staff triage (one service per form or API submission), messages, notes, links,
  reading encrypted files; who may be given a tip.
- `merge`: duplicates merged into the tip that survives.
- `notices`: what investigators are told, and the sweep for notices whose task was lost.

Each module's docstring names its rules. This package re-exports what views, admin, API and
tasks call; the modules' other names are their own.
"""

from tips.services.intake import (
    TEXT_LIMITS,
    Submitted,
    attachment_scrub,
    attachment_sweep,
    tip_submit,
)
from tips.services.merge import tip_merge
from tips.services.notices import tip_notify, tip_notify_sweep
from tips.services.throttles import tip_check_throttle, tip_submit_throttle
from tips.services.tipster import MESSAGE_LIMIT, tip_authenticate, tipster_reply
from tips.services.triage import (
    TRANSITIONS,
    attachment_read,
    tip_decrypted_view,
    tip_link,
    tip_message_send,
    tip_note_add,
    tip_triage,
)

__all__ = [
    "MESSAGE_LIMIT",
    "TEXT_LIMITS",
    "TRANSITIONS",
    "Submitted",
    "attachment_read",
    "attachment_scrub",
    "attachment_sweep",
    "tip_authenticate",
    "tip_check_throttle",
    "tip_decrypted_view",
    "tip_link",
    "tip_merge",
    "tip_message_send",
    "tip_note_add",
    "tip_notify",
    "tip_notify_sweep",
    "tip_submit",
    "tip_submit_throttle",
    "tip_triage",
    "tipster_reply",
]
