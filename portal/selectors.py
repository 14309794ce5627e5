"""Kernel reads. Each returns what a page needs in a constant number of queries."""

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from portal.models import AuditEntry, DepartmentSettings, Division, Neighborhood, Street


def department_get() -> DepartmentSettings:
    """The department's settings, from the cache after the first read (django-solo)."""
    return DepartmentSettings.get_solo()


def division_list() -> QuerySet[Division]:
    return Division.objects.filter(is_published=True)


def neighborhood_list() -> QuerySet[Neighborhood]:
    return Neighborhood.objects.select_related("coordinator")


def neighborhood_get(*, slug: str) -> Neighborhood:
    streets = Prefetch("streets", queryset=Street.objects.order_by("name"))
    return get_object_or_404(
        Neighborhood.objects.select_related("coordinator").prefetch_related(streets), slug=slug
    )


def audit_for_target(*, target) -> QuerySet[AuditEntry]:
    content_type = ContentType.objects.get_for_model(target, for_concrete_model=False)
    return AuditEntry.objects.filter(target_type=content_type, target_id=str(target.pk))


# The distinct actions, by skipping through the action index: one probe per action, so a few
# dozen probes whether the log holds a thousand entries or ten million (a DISTINCT reads them
# all: 0.3 s at a million).
_ACTIONS_SKIP_SCAN = """
WITH RECURSIVE actions(action) AS (
    (SELECT action FROM {table} ORDER BY action LIMIT 1)
    UNION ALL
    SELECT (SELECT next.action FROM {table} next WHERE next.action > actions.action
            ORDER BY next.action LIMIT 1)
    FROM actions WHERE actions.action IS NOT NULL
)
SELECT action FROM actions WHERE action IS NOT NULL
"""


def audit_action_list() -> list[str]:
    """Every action the audit log holds, in order."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(_ACTIONS_SKIP_SCAN.format(table=AuditEntry._meta.db_table))
            return [action for (action,) in cursor.fetchall()]
    return list(AuditEntry.objects.order_by("action").values_list("action", flat=True).distinct())
