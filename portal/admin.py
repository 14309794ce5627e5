"""The kernel's back office, and `AuditedModelAdmin`, which every app's admin builds on so that
every change (and, where a record is sensitive, every view) lands in the audit log."""

from django.contrib import admin, messages
from django.core.paginator import Paginator
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TranslationAdmin
from solo.admin import SingletonModelAdmin

from portal.models import (
    AuditEntry,
    DepartmentSettings,
    Division,
    Neighborhood,
    Notification,
    Officer,
    Street,
)
from portal.services.audit import audit_record
from portal.services.notifications import notification_retry

COUNT_CAP = 10_000


class CappedCountPaginator(Paginator):
    """Counts at most COUNT_CAP rows, so a page of a long list (records requests, parking
    permits, the audit log) costs the same with a million rows as with a thousand: a full
    count(*) would read the whole filtered table. Use with `show_full_result_count = False`."""

    @cached_property
    def count(self) -> int:
        query = self.object_list.values("pk").order_by()[:COUNT_CAP]
        return query.count()


class AuditedModelAdmin(admin.ModelAdmin):
    """Records each add, change and delete made in admin; with `audit_views = True`, also each
    time a staff member opens a record."""

    audit_views = False

    def _action(self, verb: str) -> str:
        return f"{self.opts.app_label}.{self.opts.model_name}.{verb}"

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # Admin's change form runs in a transaction: the entry commits with the change.
        audit_record(
            actor=request.user,
            action=self._action("change" if change else "add"),
            target=obj,
            detail={"fields": sorted(form.changed_data)} if change else {},
        )

    def delete_model(self, request, obj):
        audit_record(actor=request.user, action=self._action("delete"), target=obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            audit_record(actor=request.user, action=self._action("delete"), target=obj)
        super().delete_queryset(request, queryset)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if self.audit_views and request.method == "GET":
            obj = self.get_object(request, admin.utils.unquote(object_id))
            if obj is not None and self.has_view_or_change_permission(request, obj):
                audit_record(actor=request.user, action=self._action("view"), target=obj)
        return super().change_view(request, object_id, form_url, extra_context)


@admin.register(DepartmentSettings)
class DepartmentSettingsAdmin(AuditedModelAdmin, TranslationAdmin, SingletonModelAdmin):
    fieldsets = [
        (
            _("Department"),
            {
                "fields": [
                    "name",
                    "town",
                    "state",
                    "street_address",
                    "postal_code",
                    "logo",
                    "time_zone",
                ]
            },
        ),
        (
            _("Phone numbers shown on every page"),
            {
                "fields": ["phone_emergency", "phone_non_emergency", "phone_tip_line", "email"],
            },
        ),
        (_("Hours"), {"fields": ["hours"]}),
    ]


@admin.register(Division)
class DivisionAdmin(AuditedModelAdmin, TranslationAdmin):
    list_display = ["name", "phone", "email", "order", "is_published"]
    list_editable = ["order", "is_published"]
    search_fields = ["name", "description"]


@admin.register(Officer)
class OfficerAdmin(AuditedModelAdmin, TranslationAdmin):
    list_display = ["name", "rank", "assignment", "phone", "email"]
    search_fields = ["name", "assignment", "email"]
    autocomplete_fields = ["user"]


class StreetInline(admin.TabularInline):
    model = Street
    extra = 0
    fields = ["name"]


@admin.register(Neighborhood)
class NeighborhoodAdmin(AuditedModelAdmin, TranslationAdmin):
    list_display = ["name", "coordinator", "order"]
    list_editable = ["order"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]
    autocomplete_fields = ["coordinator"]
    inlines = [StreetInline]


@admin.register(Street)
class StreetAdmin(AuditedModelAdmin):
    list_display = ["name", "neighborhood"]
    list_filter = ["neighborhood"]
    search_fields = ["name"]
    list_select_related = ["neighborhood"]


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = [
        "created_at",
        "channel",
        "recipient",
        "subject",
        "status",
        "attempts",
        "sent_at",
    ]
    list_filter = ["created_at", "status", "channel"]  # a date hierarchy reads every row
    search_fields = ["recipient", "subject"]
    show_full_result_count = False
    paginator = CappedCountPaginator  # every confirmation and reminder is a row
    readonly_fields = [f.name for f in Notification._meta.fields]
    actions = ["retry_failed"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Try the selected failed messages again"), permissions=["change"])
    def retry_failed(self, request, queryset):
        failed = list(queryset.filter(status=Notification.Status.FAILED))
        for notification in failed:
            notification_retry(notification=notification)
            audit_record(
                actor=request.user, action="portal.notification.retry", target=notification
            )
        self.message_user(
            request,
            ngettext(
                "%(count)d message queued again.",
                "%(count)d messages queued again.",
                len(failed),
            )
            % {"count": len(failed)},
            messages.SUCCESS,
        )


class AuditActionFilter(admin.SimpleListFilter):
    """The actions recorded so far, read through the action index (portal/selectors.py)."""

    title = _("action")
    parameter_name = "action"

    def lookups(self, request, model_admin):
        from portal.selectors import audit_action_list

        return [(action, action) for action in audit_action_list()]

    def queryset(self, request, queryset):
        return queryset.filter(action=self.value()) if self.value() else queryset


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["at", "actor_label", "action", "target_type", "target_label"]
    # With a million entries a date hierarchy's list of dates and a DISTINCT over the actions
    # each read every row (0.5 and 0.3 s): "when" is a date-range filter, the actions come
    # from the index.
    list_filter = ["at", AuditActionFilter, "target_type"]
    search_fields = ["actor_label", "action", "target_label", "target_id"]
    list_select_related = ["target_type"]
    readonly_fields = [f.name for f in AuditEntry._meta.fields]
    show_full_result_count = False
    paginator = CappedCountPaginator  # every plate lookup is an entry: it grows fast

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
