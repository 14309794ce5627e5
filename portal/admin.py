"""The kernel's back office, and `AuditedModelAdmin`, which every app's admin builds on so that
every change (and, where a record is sensitive, every view) lands in the audit log."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TranslationAdmin
from solo.admin import SingletonModelAdmin

from portal import registry
from portal.models import (
    AuditEntry,
    DepartmentSettings,
    Division,
    Neighborhood,
    Notification,
    Officer,
    SmsOptOut,
    Street,
)
from portal.selectors import audit_action_list
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


class FormActionMixin:
    """An admin action that asks for something first (a reason, a clerk, a number of days) on an
    intermediate page, then applies one service to each selected row.

        @admin.action(description=_("Close"), permissions=["change"])
        def close(self, request, queryset):
            return self.form_action(
                request, queryset, form_class=CloseForm, title=_("Close"),
                apply=lambda row, data: services.request_close(..., actor=request.user),
                done=lambda n: ngettext("%(count)d request closed.", ..., n) % {"count": n},
            )

    A row the service refuses (a `ValidationError`) is left as it was and named in a warning;
    the others go ahead, each in the service's own transaction."""

    form_action_template = "admin/portal/form_action.html"

    def form_action(
        self,
        request,
        queryset,
        *,
        form_class,
        title,
        apply,
        done=None,
        intro: str = "",
        submit_label=None,
    ):
        if "apply" in request.POST:
            form = form_class(request.POST)
            if form.is_valid():
                count, refused = 0, []
                for row in queryset:
                    try:
                        apply(row, form.cleaned_data)
                    except ValidationError as error:
                        refused.append(f"{row}: {' '.join(error.messages)}")
                    else:
                        count += 1
                message = (
                    done(count)
                    if done
                    else ngettext("%(count)d item updated.", "%(count)d items updated.", count)
                    % {"count": count}
                )
                self.message_user(request, message, messages.SUCCESS)
                for line in refused:
                    self.message_user(request, line, messages.WARNING)
                return None
        else:
            form = form_class()
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": title,
            "intro": intro,
            "submit_label": submit_label or _("Apply"),
            "form": form,
            "queryset": queryset,
            "action": request.POST.get("action"),
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            "select_across": request.POST.get("select_across", "0"),
        }
        return TemplateResponse(request, self.form_action_template, context)


class ServiceChangeMixin:
    """A change page whose one submission is one service call. The subclass implements
    `apply_change(request, obj, form)`, which calls that service (it saves and writes its own
    audit entry); put the mixin before `AuditedModelAdmin`.

    When the service refuses (a `ValidationError`), it kept nothing (its own transaction rolled
    back): the page says why and shows again, without admin's "changed" log entry or message.
    Inlines are read-only: nothing is saved through their formsets."""

    def apply_change(self, request, obj, form) -> None:
        raise NotImplementedError

    def save_model(self, request, obj, form, change):
        try:
            self.apply_change(request, obj, form)
        except ValidationError as error:
            obj._update_refused = True
            for message in error.messages:
                self.message_user(request, message, messages.ERROR)

    def log_change(self, request, obj, message):
        if not getattr(obj, "_update_refused", False):
            super().log_change(request, obj, message)

    def response_change(self, request, obj):
        if getattr(obj, "_update_refused", False):
            return redirect(request.path)
        return super().response_change(request, obj)

    def save_related(self, request, form, formsets, change):
        # Admin's change message reads these lists.
        for formset in formsets:
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []


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
            action=self._action("changed" if change else "added"),
            target=obj,
            detail={"fields": sorted(form.changed_data)} if change else {},
        )

    def delete_model(self, request, obj):
        audit_record(actor=request.user, action=self._action("deleted"), target=obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            audit_record(actor=request.user, action=self._action("deleted"), target=obj)
        super().delete_queryset(request, queryset)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if self.audit_views and request.method == "GET":
            obj = self.get_object(request, admin.utils.unquote(object_id))
            if obj is not None and self.has_view_or_change_permission(request, obj):
                audit_record(actor=request.user, action=self._action("viewed"), target=obj)
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
        (_("Open311"), {"fields": ["open311_jurisdiction_id"]}),
    ]


@admin.register(Division)
class DivisionAdmin(AuditedModelAdmin, TranslationAdmin):
    list_display = ["name", "phone", "email", "order", "is_published"]
    list_editable = ["order", "is_published"]
    search_fields = ["name", "description"]


@admin.register(Officer)
class OfficerAdmin(AuditedModelAdmin, TranslationAdmin):
    list_display = ["name", "rank", "badge_number", "assignment", "phone", "email"]
    search_fields = ["name", "badge_number", "assignment", "email"]
    autocomplete_fields = ["user", "supervisor"]


class StreetInline(admin.TabularInline):
    model = Street
    extra = 0
    fields = ["name", "number_from", "number_to"]


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
    list_display = ["name", "neighborhood", "number_from", "number_to"]
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
        "provider_status",
        "cost",
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
                actor=request.user, action="portal.notification.retried", target=notification
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
        labels = {action.key: action.label for action in registry.audit_actions.all()}
        return [(action, labels.get(action, action)) for action in audit_action_list()]

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


# Staff accounts, groups, invitations and device tokens (portal/staff_admin.py); retention
# periods and legal holds (portal/retention_admin.py); accountability reports.
from portal import accountability_admin, retention_admin, staff_admin  # noqa: E402, F401


@admin.register(SmsOptOut)
class SmsOptOutAdmin(admin.ModelAdmin):
    """Numbers that replied STOP (or PARAR…) to our text messages, and whether they opted back
    in. Written only by the numbers themselves (portal/sms/): read-only here."""

    list_display = ["number", "opted_out", "keyword", "changed_at"]
    list_filter = ["opted_out"]
    search_fields = ["=number"]
    readonly_fields = ["number", "opted_out", "keyword", "changed_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
