"""Staff roles: Django groups with the permissions each role needs.

The groups are created by a migration (0002). Their permissions are declared here and by each
feature app (`grant(...)` in its AppConfig.ready()) and applied after every migrate, so a new
app's permissions reach its role without anyone clicking in admin. Granting is additive: what a
site administrator adds by hand in admin is kept.
"""

from collections import defaultdict

from django.contrib.auth.models import Group, Permission
from django.db import models, transaction

TIP_INVESTIGATORS = "Tip investigators"
RECORDS_CLERKS = "Records clerks"
PARKING_OFFICERS = "Parking officers"
COMMUNITY_OFFICERS = "Community officers"
SITE_ADMINISTRATORS = "Site administrators"

ROLES = [
    TIP_INVESTIGATORS,
    RECORDS_CLERKS,
    PARKING_OFFICERS,
    COMMUNITY_OFFICERS,
    SITE_ADMINISTRATORS,
]

_grants: dict[str, set[str]] = defaultdict(set)


def grant(role: str, *permissions: str) -> None:
    """Declare that `role` needs each "app_label.codename" permission."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}")
    _grants[role].update(permissions)


def declared_permissions(role: str) -> set[str]:
    return set(_grants[role])


@transaction.atomic
def roles_sync() -> None:
    """Create any missing group and give each the permissions declared for it."""
    for role in ROLES:
        group, _ = Group.objects.get_or_create(name=role)
        wanted = _grants[role]
        if not wanted:
            continue
        by_app: dict[str, set[str]] = defaultdict(set)
        for dotted in wanted:
            app_label, codename = dotted.split(".", 1)
            by_app[app_label].add(codename)
        permissions = []
        for app_label, codenames in by_app.items():
            permissions.extend(
                Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
            )
        group.permissions.add(*permissions)


# --- Sensitive groups ---------------------------------------------------------------------------
# A group is sensitive when it opens what a tipster or a requester was promised stays with few
# people: the tip line and records requests. Only a superuser puts someone in (or takes someone
# out of) such a group, or invites or resets the account of one of its members; everything else a
# site administrator may do in the user admin.
SENSITIVE_ROLES = [TIP_INVESTIGATORS, RECORDS_CLERKS]
SENSITIVE_APPS = ("tips", "records")


def sensitive_groups():
    """The sensitive roles and every other group that grants a tips or records permission."""
    return Group.objects.filter(
        models.Q(name__in=SENSITIVE_ROLES)
        | models.Q(permissions__content_type__app_label__in=SENSITIVE_APPS)
    ).distinct()


def is_sensitive_user(user) -> bool:
    """A superuser, or a member of a sensitive group: only a superuser may manage them."""
    if user.is_superuser:
        return True
    return user.pk is not None and sensitive_groups().filter(user=user).exists()
