"""The staff accounts' back office: users, groups, invitations and device tokens.

A site administrator manages staff accounts, but only a superuser grants superuser status or
single permissions, changes a group's permissions, or touches a sensitive group (portal.roles):
for anyone else those fields are read-only, a sensitive member's account is view-only, and
the sensitive groups are not offered. Every change is audited (AuditedModelAdmin for the form,
portal/signals.py for group membership and permissions, whichever door they came through)."""

from django.contrib import admin, messages
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, User
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from portal import roles
from portal.admin import AuditedModelAdmin
from portal.services import staff
from portal.staff_models import StaffInvitation, StaffToken

admin.site.unregister(User)
admin.site.unregister(Group)


@admin.register(User)
class StaffUserAdmin(AuditedModelAdmin, UserAdmin):
    readonly_fields = ["last_login", "date_joined"]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields += ["is_superuser", "user_permissions"]
        return fields

    def has_change_permission(self, request, obj=None):
        if obj is not None and not staff.may_manage(actor=request.user, user=obj):
            return False  # a superuser or a sensitive group's member: view only
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and not staff.may_manage(actor=request.user, user=obj):
            return False
        return super().has_delete_permission(request, obj)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "groups" and not request.user.is_superuser:
            kwargs["queryset"] = Group.objects.exclude(pk__in=roles.sensitive_groups())
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_related(self, request, form, formsets, change):
        """A non-superuser's form offers no sensitive group: whatever the account had of them
        stays, and none is added (even by a forged POST)."""
        if request.user.is_superuser or "groups" not in form.cleaned_data:
            return super().save_related(request, form, formsets, change)
        sensitive = set(roles.sensitive_groups())
        kept = set(form.instance.groups.all()) & sensitive if change else set()
        chosen = {group for group in form.cleaned_data["groups"] if group not in sensitive}
        form.cleaned_data["groups"] = sorted(chosen | kept, key=lambda group: group.pk)
        return super().save_related(request, form, formsets, change)


@admin.register(Group)
class StaffGroupAdmin(AuditedModelAdmin, GroupAdmin):
    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields.append("permissions")
        return fields

    def has_change_permission(self, request, obj=None):
        if (
            obj is not None
            and not request.user.is_superuser
            and roles.sensitive_groups().filter(pk=obj.pk).exists()
        ):
            return False
        return super().has_change_permission(request, obj)


def _response_add(model_admin, request, obj):
    """After a service issued (or refused) an invitation or a token: back to the list, with the
    one-time link or key already in a message, or the refusal."""
    refused = getattr(request, "staff_admin_refused", None)
    if refused is not None:
        model_admin.message_user(request, " ".join(refused.messages), messages.ERROR)
    return model_admin.response_post_save_add(request, obj)


@admin.register(StaffInvitation)
class StaffInvitationAdmin(admin.ModelAdmin):
    """Create one to enrol a staff member (or re-enrol one who lost a phone): the link is shown
    once, here; give it to the person yourself. It works once, for STAFF_INVITATION_HOURS."""

    list_display = ["user", "created_at", "created_by", "expires_at", "accepted_at"]
    list_select_related = ["user", "created_by"]
    fields = ["user"]
    autocomplete_fields = ["user"]
    search_fields = ["user__username"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        try:
            invitation, url = staff.invitation_create(user=obj.user, actor=request.user)
        except ValidationError as error:
            request.staff_admin_refused = error
            return
        obj.pk = invitation.pk
        self.message_user(
            request,
            _("Give this one-time link to %(user)s in person or by a channel you trust: %(url)s")
            % {"user": obj.user, "url": url},
            messages.SUCCESS,
        )

    def response_add(self, request, obj, post_url_continue=None):
        return _response_add(self, request, obj)

    def save_related(self, request, form, formsets, change):
        pass  # nothing related; the service saved what it had to

    def log_addition(self, request, obj, message):
        pass  # the audit log has it (portal.invitation.created)


@admin.register(StaffToken)
class StaffTokenAdmin(admin.ModelAdmin):
    """A token for an officer's handheld. The key is shown once, when issued; revoke a lost
    device's token here. Tokens expire after STAFF_TOKEN_DAYS."""

    list_display = ["name", "user", "prefix", "created_at", "expires_at", "revoked_at"]
    list_filter = ["revoked_at", "expires_at"]
    list_select_related = ["user"]
    fields = ["user", "name"]
    autocomplete_fields = ["user"]
    search_fields = ["name", "user__username", "prefix"]
    actions = ["revoke"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        try:
            token, key = staff.staff_token_issue(user=obj.user, name=obj.name, actor=request.user)
        except ValidationError as error:
            request.staff_admin_refused = error
            return
        obj.pk = token.pk
        self.message_user(
            request,
            _("Enter this token in the device now; it is not shown again: %(key)s") % {"key": key},
            messages.SUCCESS,
        )

    def response_add(self, request, obj, post_url_continue=None):
        return _response_add(self, request, obj)

    def save_related(self, request, form, formsets, change):
        pass

    def log_addition(self, request, obj, message):
        pass

    def has_revoke_permission(self, request) -> bool:
        return request.user.has_perm("portal.add_stafftoken")

    @admin.action(description=_("Revoke the selected tokens"), permissions=["revoke"])
    def revoke(self, request, queryset):
        tokens = list(queryset.filter(revoked_at__isnull=True))
        for token in tokens:
            staff.staff_token_revoke(token=token, actor=request.user)
        self.message_user(
            request,
            ngettext("%(count)d token revoked.", "%(count)d tokens revoked.", len(tokens))
            % {"count": len(tokens)},
            messages.SUCCESS,
        )
