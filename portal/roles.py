"""Staff roles: Django groups with the permissions each role needs.

The groups are created by a migration (0002). Their permissions are declared here and by each
feature app (`grant(...)` in its AppConfig.ready()) and applied after every migrate, so a new
app's permissions reach its role without anyone clicking in admin. Granting is additive: what a
site administrator adds by hand in admin is kept.
"""

from collections import defaultdict

from django.contrib.auth.models import Group, Permission
from django.db import models, transaction

from portal import audit_context

TIP_INVESTIGATORS = "Tip investigators"
RECORDS_CLERKS = "Records clerks"
PARKING_OFFICERS = "Parking officers"
COMMUNITY_OFFICERS = "Community officers"
SITE_ADMINISTRATORS = "Site administrators"
INTERNSHIP_REVIEWERS = "Internship reviewers"
ANIMAL_CONTROL_OFFICERS = "Animal control officers"
INTERNAL_AFFAIRS = "Internal affairs"
SUPERVISORS = "Supervisors"
REVIEW_BOARD = "Civilian review board"

ROLES = [
    TIP_INVESTIGATORS,
    RECORDS_CLERKS,
    PARKING_OFFICERS,
    COMMUNITY_OFFICERS,
    SITE_ADMINISTRATORS,
    INTERNSHIP_REVIEWERS,
    ANIMAL_CONTROL_OFFICERS,
    INTERNAL_AFFAIRS,
    SUPERVISORS,
    REVIEW_BOARD,
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
    """Create any missing group and give each the permissions declared for it. Not audited
    entry by entry: what it grants is declared in code, reviewed and versioned."""
    with audit_context.quiet():
        _roles_sync()


def _roles_sync() -> None:
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
# people: reading tips (their text, messages, notes, attachments), or working records requests
# (adding, changing, releasing). Only a superuser puts someone in (or takes someone out of) such a
# group, changes its permissions, or invites or edits one of its members; a site administrator
# does everything else in the user admin. Reference data (tip categories, the fee schedule, the
# records settings) and reading the records queue, which site administrators have, do not count.
# Roles that read what a person gave in confidence: tips, records requests and identity
# documents, internship applicants' CVs. Only a superuser grants them (portal/staff_admin.py).
SENSITIVE_ROLES = [
    TIP_INVESTIGATORS,
    RECORDS_CLERKS,
    INTERNSHIP_REVIEWERS,
    INTERNAL_AFFAIRS,
    SUPERVISORS,
    REVIEW_BOARD,
]
TIP_CONTENT_MODELS = ("tip", "tipmessage", "tipnote", "tipattachment")
RECORDS_REFERENCE_MODELS = ("feescheduleitem", "recordssettings")


def _sensitive_permission_q(prefix: str = "permissions__") -> models.Q:
    content_type = f"{prefix}content_type__"
    return (
        models.Q(
            **{f"{content_type}app_label": "tips", f"{content_type}model__in": TIP_CONTENT_MODELS}
        )
        | models.Q(**{f"{content_type}app_label": "complaints"})
        | (
            models.Q(**{f"{content_type}app_label": "records"})
            & ~models.Q(**{f"{content_type}model__in": RECORDS_REFERENCE_MODELS})
            & ~models.Q(**{f"{prefix}codename__startswith": "view_"})
        )
    )


def sensitive_groups():
    """The sensitive roles and every other group that grants tip or records access."""
    return Group.objects.filter(
        models.Q(name__in=SENSITIVE_ROLES) | _sensitive_permission_q()
    ).distinct()


def is_sensitive_user(user) -> bool:
    """A superuser, a member of a sensitive group, or an account given such a permission
    directly: only a superuser may manage them."""
    if user.is_superuser:
        return True
    if user.pk is None:
        return False
    return (
        sensitive_groups().filter(user=user).exists()
        or user.user_permissions.filter(_sensitive_permission_q(prefix="")).exists()
    )
