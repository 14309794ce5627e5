"""Handing work to Celery after the transaction that caused it commits.

The rule (docs/architecture.md): the database row that says work is owed (a tip's
`notice_pending`, a packet in "queued", a ban not yet applied) is written in the same
transaction as the change; after commit a task is queued to do it at once; and a beat sweep
finds the rows whose task was lost (broker down, process killed between commit and queueing)
and queues them again. So a broker outage delays the work and never drops it.

`after_commit` is the middle step. A broker that refuses the message is logged at WARNING and
otherwise ignored: the sweep owns the retry.
"""

import logging

from django.db import transaction

logger = logging.getLogger(__name__)


def dispatch(task, *args, **kwargs) -> bool:
    """Queue `task` now; False (and a warning) when the broker refuses. For sweeps, and for
    `after_commit`."""
    try:
        task.delay(*args, **kwargs)
    except Exception:  # noqa: BLE001 - any broker failure: the beat sweep queues it again
        logger.warning("Broker unreachable; %s%r left for the sweep", task.name, args)
        return False
    return True


def after_commit(task, *args, **kwargs) -> None:
    """Queue `task(*args, **kwargs)` once the current transaction commits (at once outside
    one). The caller must have recorded, in that transaction, what its sweep looks for."""
    transaction.on_commit(lambda: dispatch(task, *args, **kwargs))
