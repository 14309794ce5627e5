"""Open311 client applications in the back office: site administrators issue a key to an
application (shown once, here), see what each sent, and revoke a key."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from service_requests.models import Open311Client, Open311Submission
from service_requests.open311 import services


@admin.register(Open311Client)
class Open311ClientAdmin(admin.ModelAdmin):
    list_display = ["name", "prefix", "contact", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["revoked_at"]
    search_fields = ["name", "contact", "prefix"]
    fields = ["name", "contact", "reply_with_token"]
    readonly_fields = ["prefix", "created_at", "created_by", "last_used_at", "revoked_at"]
    actions = ["revoke"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return self.fields
        return [*self.fields, *self.readonly_fields]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        try:
            client, key = services.client_issue(
                name=obj.name,
                contact=obj.contact,
                reply_with_token=obj.reply_with_token,
                actor=request.user,
            )
        except ValidationError as error:
            request.open311_refused = error
            return
        obj.pk = client.pk
        self.message_user(
            request,
            _("Give this api_key to %(name)s now; it is not shown again: %(key)s")
            % {"name": client.name, "key": key},
            messages.SUCCESS,
        )

    def response_add(self, request, obj, post_url_continue=None):
        refused = getattr(request, "open311_refused", None)
        if refused is not None:
            self.message_user(request, " ".join(refused.messages), messages.ERROR)
        return self.response_post_save_add(request, obj)

    def save_related(self, request, form, formsets, change):
        pass  # nothing related; the service saved the application

    def log_addition(self, request, obj, message):
        pass  # the audit log has it (service_requests.open311client.issued)

    def has_revoke_permission(self, request) -> bool:
        return request.user.has_perm("service_requests.add_open311client")

    @admin.action(description=_("Revoke the selected applications' keys"), permissions=["revoke"])
    def revoke(self, request, queryset):
        clients = list(queryset.filter(revoked_at__isnull=True))
        for client in clients:
            services.client_revoke(client=client, actor=request.user)
        self.message_user(
            request,
            ngettext("%(count)d key revoked.", "%(count)d keys revoked.", len(clients))
            % {"count": len(clients)},
            messages.SUCCESS,
        )


@admin.register(Open311Submission)
class Open311SubmissionAdmin(admin.ModelAdmin):
    list_display = ["request", "client", "account_id", "created_at"]
    list_filter = ["client"]
    list_select_related = ["request__service", "client"]
    fields = ["request", "client", "account_id", "media_url", "created_at"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
