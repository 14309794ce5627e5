"""The Celery app as the test worker runs it: the portal's own app, plus one test-only step.

Transactional tests flush the database between tests, and the rows re-created after a flush
(content types above all) get new ids. A long-lived worker would keep the old ids in Django's
ContentType cache and write audit entries that point at rows that no longer exist; so before
each task the test worker forgets them. Production never flushes, and keeps its cache.
"""

from celery.signals import task_prerun

from portal.celery import app

__all__ = ["app"]


@task_prerun.connect
def _forget_content_types(**kwargs) -> None:
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()
