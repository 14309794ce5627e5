"""The Celery app. Tasks live beside the services they run (pretix's layout): <app>/tasks.py."""

import os

from celery import Celery
from celery.signals import after_setup_logger, after_setup_task_logger, task_prerun

from portal.log_privacy import add_filter_to

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@task_prerun.connect
def _read_singletons_afresh(**kwargs) -> None:
    """A task sees the settings as the request that queued it saved them (portal/singletons.py)."""
    # portal/__init__ imports this module before Django's apps load; singletons import models.
    from portal.singletons import forget_local_singletons  # noqa: PLC0415

    forget_local_singletons()


@after_setup_logger.connect
@after_setup_task_logger.connect
def _keep_anonymous_tasks_out_of_logs(logger=None, **kwargs) -> None:
    """The worker's log handlers drop lines naming an anonymous feature's tasks
    (portal/log_privacy.py)."""
    add_filter_to(logger)
