"""Keep the anonymous lines out of time-stamped logs.

A log line carries the second it was written. A worker that logs "Task tips.tip_notify[...]
received" at INFO tells anyone who reads the logs when a tip arrived, to the second, although
the tip itself keeps only the hour. The filter below drops every log record that names a task
of an anonymous feature (`ANONYMOUS_TASK_PREFIXES`, e.g. "tips."). It sits on the handlers, so it
sees records propagated from Celery's own loggers too; `portal/celery.py` adds it to the
handlers Celery sets up in a worker, and `LOGGING` to Django's console handler.
"""

import logging

from django.conf import settings


class DropAnonymousTasks(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        prefixes = tuple(getattr(settings, "ANONYMOUS_TASK_PREFIXES", ()))
        if not prefixes:
            return True
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a malformed record is not ours to judge
            return True
        return not any(prefix in message for prefix in prefixes)


def add_filter_to(logger: logging.Logger) -> None:
    for handler in logger.handlers:
        if not any(isinstance(f, DropAnonymousTasks) for f in handler.filters):
            handler.addFilter(DropAnonymousTasks())
