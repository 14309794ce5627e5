"""Running an app's purge while another transaction holds the retention purge's advisory lock
(portal/services/retention/holds.py LOCK_KEY), as placing a legal hold does."""

import threading
from collections.abc import Callable
from typing import Any

from django.db import connection, transaction

from portal.services import retention


def run_while_the_lock_is_held(job: Callable[[], Any]) -> tuple[bool, dict[str, Any]]:
    """Hold the lock in this thread's transaction, run `job` in another thread (its own
    connection), and let go after half a second. Returns (whether the job was still waiting
    then, {"value": its result} or {"error": what it raised})."""
    outcome: dict[str, Any] = {}
    started = threading.Event()

    def run() -> None:
        started.set()
        try:
            outcome["value"] = job()
        except BaseException as error:  # noqa: BLE001 - handed back to the test
            outcome["error"] = error
        finally:
            connection.close()

    with transaction.atomic():
        retention.lock()
        worker = threading.Thread(target=run)
        worker.start()
        assert started.wait(10)
        worker.join(0.5)
        waited = worker.is_alive()
    worker.join(20)
    assert not worker.is_alive()
    return waited, outcome
