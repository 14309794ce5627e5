"""Notifications through a transactional outbox.

Rules:
- A feature queues a message with `notification_enqueue` inside the transaction that makes the
  change the message is about. If that transaction rolls back, no message exists; if it commits,
  the message exists even when the broker is down at that moment.
- After commit the message is handed to Celery. A broker that cannot be reached is not an error
  for the resident: the periodic sweep (Celery beat, `notification_sweep`) hands over whatever is
  still pending once it is due.
- Delivery is exactly-once as the mail server sees it, but for one window whose size is
  measured (docs/operations.md, "Delivery"): a worker first *claims* the message (status
  `sending`, `claimed_at`, committed), then hands it to the server outside any transaction,
  then marks it sent in a one-statement transaction of its own. Two workers, a retry and the
  sweep together cannot claim it twice. A worker that dies before the server accepted the
  message leaves it claimed; once the claim is older than NOTIFICATION_SENDING_LEASE_SECONDS
  (longer than any send can take, EMAIL_TIMEOUT included) the sweep hands it over again. Only a
  death between the server's acceptance and the commit of "sent" (the server's reply, one
  UPDATE) makes that second send a duplicate, and so does a reply to the end of the data that
  does not come within EMAIL_TIMEOUT (the message is retried); it carries the same Message-ID
  (`<id@domain>`), so a receiving server or mailbox that drops repeated Message-IDs drops it,
  and the row says in `last_error` that it was sent again after a lost worker.
- Failures are retried with exponential back-off up to NOTIFICATION_MAX_ATTEMPTS, then the
  message is marked failed and stays visible in admin. A permanent refusal by the mail server
  (a 5xx reply: no such mailbox, say) fails the message at once, with the server's reason.
- Urgent messages (the default) and `bulk` ones (neighborhood notices) go to separate Celery
  queues, so a newsletter to thousands never stands in front of a cancelled permit. Messages
  queued in one transaction are handed over in batches of NOTIFICATION_BATCH_SIZE, and a batch
  is sent over one connection to the mail server.
- `dedupe_key` makes "tell them exactly once" notices safe to queue from jobs that may run twice.
- E-mails may carry attachments. The row names each file's generator (a function marked with
  `@attachment_generator`) and its keyword arguments, not the bytes: the file is made when the
  message is sent, on every attempt, so a retry attaches it again and the outbox stays small.
  A generator that fails counts as a failed delivery and is retried like one.
- A `private` message (one about an anonymous tip) keeps no time finer than the hour: queued,
  due and sent times are rounded, and its text is removed as soon as it is sent, so the outbox
  that site administrators read tells no more than the tip's own rounded time.
- Every message's text, headers and attachments are removed NOTIFICATION_BODY_RETENTION_DAYS
  after it was sent (`notification_bodies_purge`, daily): links to residents' pages and what
  they were told do not stay in the database for ever. The row (who, when, status) stays.
"""

from .delivery import (
    MAX_BACKOFF_SECONDS,
    BatchResult,
    DeliveryResult,
    PermanentFailure,
    notification_deliver,
    notification_deliver_batch,
)
from .outbox import (
    HOUR,
    MASS_PRIORITY,
    ONE_BY_ONE_PRIORITY,
    Attachment,
    attachment_generator,
    notification_dispatch,
    notification_dispatch_batch,
    notification_enqueue,
    notification_enqueue_many,
)
from .sweep import notification_bodies_purge, notification_retry, notification_sweep

__all__ = [
    "HOUR",
    "MASS_PRIORITY",
    "MAX_BACKOFF_SECONDS",
    "ONE_BY_ONE_PRIORITY",
    "Attachment",
    "BatchResult",
    "DeliveryResult",
    "PermanentFailure",
    "attachment_generator",
    "notification_bodies_purge",
    "notification_deliver",
    "notification_deliver_batch",
    "notification_dispatch",
    "notification_dispatch_batch",
    "notification_enqueue",
    "notification_enqueue_many",
    "notification_retry",
    "notification_sweep",
]
