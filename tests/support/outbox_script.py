"""Run by fault tests in a stack of their own (tests/support/stack.py), with that stack's
DATABASE_URL: queue messages through the outbox, or say where they stand.

    python -m tests.support.outbox_script enqueue --count 300 --prefix storm [--bulk]
    python -m tests.support.outbox_script status --prefix storm
"""

import argparse
import json
import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
django.setup()

from django.db import transaction  # noqa: E402
from django.db.models import Count  # noqa: E402

from portal.models import Notification  # noqa: E402
from portal.services.notifications import notification_enqueue  # noqa: E402


def enqueue(count: int, prefix: str, bulk: bool) -> None:
    with transaction.atomic():
        for i in range(count):
            notification_enqueue(
                channel=Notification.Channel.EMAIL,
                recipient=f"{prefix}-{i}@example.org",
                subject="Parking ban tonight",
                body="Your overnight permit for tonight is cancelled: a snow emergency.",
                bulk=bulk,
            )
    print(json.dumps({"queued": count}))


def status(prefix: str) -> None:
    rows = Notification.objects.filter(recipient__startswith=f"{prefix}-")
    counts = dict(rows.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
    failed = dict(
        rows.filter(status=Notification.Status.FAILED).values_list("recipient", "last_error")
    )
    resent = list(rows.filter(last_error__startswith="Sent again").values_list("pk", flat=True))
    put_off = rows.filter(last_error__contains="451").count()
    ids = {str(pk): recipient for pk, recipient in rows.values_list("pk", "recipient")}
    print(
        json.dumps(
            {
                "status": counts,
                "put_off": put_off,
                "failed": failed,
                "resent": [str(pk) for pk in resent],
                "ids": ids,
            }
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("command", choices=["enqueue", "status"])
    parser.add_argument("--count", type=int, default=0)
    parser.add_argument("--prefix", required=True)
    parser.add_argument("--bulk", action="store_true")
    args = parser.parse_args()
    if args.command == "enqueue":
        enqueue(args.count, args.prefix, args.bulk)
    else:
        status(args.prefix)


if __name__ == "__main__":
    main()
