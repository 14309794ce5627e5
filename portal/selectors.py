"""Kernel reads. Each returns what a page needs in a constant number of queries."""

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
    from django.contrib.contenttypes.models import ContentType

    content_type = ContentType.objects.get_for_model(target, for_concrete_model=False)
    return AuditEntry.objects.filter(target_type=content_type, target_id=str(target.pk))
