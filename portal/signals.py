"""Kernel receivers: staff sign-ins and sign-outs, and every change of group membership or
permission (admin, shell, a service: m2m_changed catches every door), go to the audit log."""

from django.contrib.auth.models import Group, Permission, User
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import m2m_changed
from django.dispatch import receiver

from portal import audit_context, models, staff_auth
from portal.services import page_cache
from portal.services.audit import audit_record


@receiver(user_logged_in, dispatch_uid="portal.audit_login")
def _audit_login(sender, request, user, **kwargs):
    audit_record(actor=user, action="auth.signed_in")


@receiver(user_logged_out, dispatch_uid="portal.audit_logout")
def _audit_logout(sender, request, user, **kwargs):
    if user is not None:
        audit_record(actor=user, action="auth.signed_out")


@receiver(user_login_failed, dispatch_uid="portal.audit_login_failed")
def _audit_login_failed(sender, credentials, request=None, **kwargs):
    # What was typed as the name is sometimes a password: only a keyed hash is kept.
    typed = str(credentials.get("username", ""))
    audit_record(
        actor=None, action="auth.sign_in_failed", actor_label=staff_auth.username_digest(typed)
    )


def _names(model, pks) -> list[str]:
    if model is Permission:
        rows = Permission.objects.filter(pk__in=pks).select_related("content_type")
        return sorted(f"{p.content_type.app_label}.{p.codename}" for p in rows)
    if model is Group:
        return sorted(Group.objects.filter(pk__in=pks).values_list("name", flat=True))
    return sorted(User.objects.filter(pk__in=pks).values_list("username", flat=True))


def _access_changed(*, action, instance, model, verb, pk_set, reverse_side):
    """One entry per changed account or group. From the other side (group.user_set.add(...),
    permission.group_set...) the entry is written for each account or group on that side."""
    if not pk_set:
        return
    if audit_context.is_quiet():
        return  # roles_sync applying the roles declared in code (portal/roles.py)
    actor = audit_context.current_actor()
    if reverse_side:
        targets = list(model.objects.filter(pk__in=pk_set))
        changed = _names(type(instance), [instance.pk])
    else:
        targets, changed = [instance], _names(model, pk_set)
    for target in targets:
        audit_record(
            actor=actor,
            action=action,
            target=target,
            detail={verb: changed},
            actor_label="" if actor is not None else "system",
        )


_BEFORE_CLEAR = "_portal_before_clear"


def _m2m(action_name: str, owner):
    def receive(sender, instance, action, reverse, model, pk_set, **kwargs):
        reverse_side = not isinstance(instance, owner)
        if action == "pre_clear":
            manager = getattr(instance, _clear_attr(sender, instance))
            setattr(instance, _BEFORE_CLEAR, set(manager.values_list("pk", flat=True)))
            return
        if action == "post_clear":
            pk_set, verb = getattr(instance, _BEFORE_CLEAR, set()), "removed"
        elif action == "post_add":
            verb = "added"
        elif action == "post_remove":
            verb = "removed"
        else:
            return
        _access_changed(
            action=action_name,
            instance=instance,
            model=model,
            verb=verb,
            pk_set=pk_set,
            reverse_side=reverse_side,
        )

    return receive


def _clear_attr(through, instance) -> str:
    if through is User.groups.through:
        return "groups" if isinstance(instance, User) else "user_set"
    if through is User.user_permissions.through:
        return "user_permissions" if isinstance(instance, User) else "user_set"
    return "permissions" if isinstance(instance, Group) else "group_set"


m2m_changed.connect(
    _m2m("auth.user.groups_changed", User),
    sender=User.groups.through,
    weak=False,
    dispatch_uid="portal.audit_user_groups",
)
m2m_changed.connect(
    _m2m("auth.user.permissions_changed", User),
    sender=User.user_permissions.through,
    weak=False,
    dispatch_uid="portal.audit_user_permissions",
)
m2m_changed.connect(
    _m2m("auth.group.permissions_changed", Group),
    sender=Group.permissions.through,
    weak=False,
    dispatch_uid="portal.audit_group_permissions",
)


def _watch_public_content() -> None:
    """What the public pages show of the kernel: a change in admin shows on the next visit
    (the whole-page cache starts a new generation)."""
    page_cache.watch(
        models.DepartmentSettings,
        models.Division,
        models.Officer,
        models.Neighborhood,
        models.Street,
    )


_watch_public_content()
