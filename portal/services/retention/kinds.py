"""Kinds of record, the department's periods, and what is due (see the package's rules)."""

import datetime
from dataclasses import dataclass

from django.apps import apps
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.contenttypes.models import ContentType
from django.core import checks
from django.core.exceptions import FieldDoesNotExist
from django.db import connection, models, transaction
from django.db.models import CharField, Exists, OuterRef
from django.db.models.functions import Cast
from django.utils.translation import gettext as _

from portal import registry
from portal.errors import DomainError
from portal.localtime import department_zone, local_today
from portal.retention_models import LegalHold, RetentionPolicy
from portal.services.audit import audit_record

AUDIT_KIND = "portal.auditentry"


# --- Kinds and policies -------------------------------------------------------------------------


def kind_get(key: str) -> registry.RetentionKind:
    for kind in registry.retention_kinds.all():
        if kind.key == key:
            return kind
    raise DomainError(
        _("There is no kind of record %(key)s."), code="unknown_kind", params={"key": key}
    )


def kind_model(kind: registry.RetentionKind) -> type[models.Model]:
    return apps.get_model(kind.model)


def retention_policies_sync() -> None:
    """Give every registered kind its policy row, with the default period (run after migrate;
    nothing to do while the table is not there, migrated back past it)."""
    if RetentionPolicy._meta.db_table not in connection.introspection.table_names():
        return
    existing = set(RetentionPolicy.objects.values_list("key", flat=True))
    RetentionPolicy.objects.bulk_create(
        [
            RetentionPolicy(key=kind.key, days=kind.default_days)
            for kind in registry.retention_kinds.all()
            if kind.key not in existing
        ],
        ignore_conflicts=True,
    )


def policy_for(kind: registry.RetentionKind) -> RetentionPolicy:
    policy, _created = RetentionPolicy.objects.get_or_create(
        key=kind.key, defaults={"days": kind.default_days}
    )
    return policy


def retention_days(key: str) -> int:
    """The department's period for a kind, for an app that tells residents about it or runs an
    early job of its own on the same records."""
    return policy_for(kind_get(key)).days


@transaction.atomic
def retention_policy_update(
    *, actor: AbstractBaseUser, policy: RetentionPolicy, days: int, enabled: bool
) -> RetentionPolicy:
    """Change a kind's period (admin). Refuses a period under the kind's minimum."""
    kind = kind_get(policy.key)
    policy = RetentionPolicy.objects.select_for_update().get(pk=policy.pk)
    if days < kind.minimum_days:
        raise DomainError(
            _("Keep these records at least %(days)d days."),
            code="below_minimum",
            field="days",
            params={"days": kind.minimum_days},
        )
    before = {"days": policy.days, "enabled": policy.enabled}
    policy.days, policy.enabled = days, enabled
    policy.full_clean()
    policy.save()
    audit_record(
        actor=actor,
        action="portal.retentionpolicy.changed",
        target=policy,
        detail={"before": before, "after": {"days": days, "enabled": enabled}},
    )
    return policy


# --- What is due --------------------------------------------------------------------------------


def cutoff_for(*, days: int, on: datetime.date) -> datetime.datetime:
    """Rows whose date is before this moment are due on the local day `on`: a row is due
    `days` days after its own local day."""
    first_kept_day = on - datetime.timedelta(days=days - 1)
    return datetime.datetime.combine(first_kept_day, datetime.time.min, tzinfo=department_zone())


def _date_filter(model, path: str, cutoff: datetime.datetime) -> models.Q:
    field = _resolve_field(model, path)
    if isinstance(field, models.DateTimeField):
        return models.Q(**{f"{path}__lt": cutoff})
    return models.Q(**{f"{path}__lt": cutoff.date()})  # a DateField: the local day itself


def _resolve_field(model, path: str):
    parts = path.split("__")
    for part in parts[:-1]:
        model = model._meta.get_field(part).related_model
    return model._meta.get_field(parts[-1])


def _held_model(model, path: str):
    if not path:
        return model
    for part in path.split("__"):
        model = model._meta.get_field(part).related_model
    return model


def not_held(
    queryset: models.QuerySet,
    hold_paths: tuple[str, ...] = ("",),
    hold_generic: tuple[str, str] = (),
) -> models.QuerySet:
    """`queryset` less the rows an active legal hold covers through any of `hold_paths`. For an
    app's own purge jobs too: `not_held(Application.objects.filter(...))`."""
    model = queryset.model
    for path in hold_paths:
        target = _held_model(model, path)
        ref = f"{path}__pk" if path else "pk"
        held = LegalHold.objects.filter(
            content_type=ContentType.objects.get_for_model(target, for_concrete_model=False),
            object_id=Cast(OuterRef(ref), CharField()),
            lifted_at__isnull=True,
        )
        queryset = queryset.filter(~Exists(held))
    if hold_generic:
        type_field, id_field = hold_generic
        held = LegalHold.objects.filter(
            content_type=OuterRef(type_field), object_id=OuterRef(id_field), lifted_at__isnull=True
        )
        queryset = queryset.filter(~Exists(held))
    return queryset


def _candidates(kind: registry.RetentionKind, days: int, on: datetime.date) -> models.QuerySet:
    model = kind_model(kind)
    queryset = model._base_manager.all()
    if kind.eligible is not None:
        queryset = kind.eligible(queryset)
    return queryset.filter(_date_filter(model, kind.date_field, cutoff_for(days=days, on=on)))


def due_queryset(kind: registry.RetentionKind, *, days: int, on: datetime.date) -> models.QuerySet:
    """The rows of `kind` the purge removes on the local day `on`."""
    return not_held(_candidates(kind, days, on), kind.hold_paths, kind.hold_generic)


@dataclass(frozen=True)
class DueRow:
    kind: registry.RetentionKind
    policy: RetentionPolicy
    due_today: int
    due_next_week: int
    held: int


def retention_due_list(*, today: datetime.date | None = None) -> list[DueRow]:
    """Per kind: what the purge removes today, what in the next seven days, and how much of the
    latter a legal hold keeps. Three counts per kind, whatever the data size."""
    today = today or local_today()
    week = today + datetime.timedelta(days=7)
    policies = {p.key: p for p in RetentionPolicy.objects.all()}
    rows = []
    for kind in registry.retention_kinds.all():
        policy = policies.get(kind.key) or policy_for(kind)
        within_week = _candidates(kind, policy.days, week)
        due_week = not_held(within_week, kind.hold_paths, kind.hold_generic).count()
        rows.append(
            DueRow(
                kind=kind,
                policy=policy,
                due_today=due_queryset(kind, days=policy.days, on=today).count(),
                due_next_week=due_week,
                held=within_week.count() - due_week,
            )
        )
    return rows


def file_fields(kind: registry.RetentionKind, model) -> list[tuple[str, str]]:
    """(ORM path, "app_label.ModelName.field") for each of the kind's file paths."""
    out = []
    for path in kind.files:
        field = _resolve_field(model, path)
        out.append((path, f"{field.model._meta.label}.{field.name}"))
    return out


def retention_kinds_check() -> list[str]:
    """Problems with the registered kinds (a model, date field or file path that does not
    exist), for the system check and the tests."""
    problems = []
    for kind in registry.retention_kinds.all():
        try:
            model = kind_model(kind)
            _resolve_field(model, kind.date_field)
            file_fields(kind, model)
            for path in kind.hold_paths:
                _held_model(model, path)
            if kind.case_field != "pk":
                model._meta.get_field(kind.case_field)
        except (LookupError, FieldDoesNotExist, AttributeError) as error:
            problems.append(f"{kind.key}: {error}")
        if kind.default_days < kind.minimum_days:
            problems.append(f"{kind.key}: default shorter than its minimum")
    return problems


def check_retention_kinds(app_configs=None, **kwargs) -> list[checks.Error]:
    """System check: every registered kind names a real model, date, file and hold path."""
    return [
        checks.Error(problem, hint="Fix the kind in its app's retention.py.", id="portal.E301")
        for problem in retention_kinds_check()
    ]
