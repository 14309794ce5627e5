"""The queue of requests, overdue first. One submission of a request's page is one service call
(services.request_update); the list's actions (actions.py) call the same services. Opening a
request (which shows the resident's contact details) is logged (audit_views)."""

from django.contrib import admin
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from portal.admin import (
    AuditedModelAdmin,
    CappedCountPaginator,
    FormActionMixin,
    ServiceChangeMixin,
)
from service_requests import selectors, services
from service_requests.admin.actions import QueueActionsMixin
from service_requests.admin.forms import StaffRequestForm
from service_requests.admin.views import RequestViewsMixin
from service_requests.choices import Status
from service_requests.models import RequestEvent, ServiceRequest


class OverdueFilter(admin.SimpleListFilter):
    title = _("due")
    parameter_name = "due"

    def lookups(self, request, model_admin):
        return [("overdue", _("Overdue")), ("open", _("Not closed")), ("mine", _("Assigned to me"))]

    def queryset(self, request, queryset):
        if self.value() == "overdue":
            return queryset.filter(expected_at__lt=timezone.now()).exclude(status=Status.CLOSED)
        if self.value() == "open":
            return queryset.exclude(status=Status.CLOSED)
        if self.value() == "mine":
            return queryset.filter(assigned_to=request.user)
        return queryset


class EventInline(admin.TabularInline):
    model = RequestEvent
    extra = 0
    can_delete = False
    fields = ["at", "kind", "from_status", "to_status", "close_reason", "text", "actor"]
    readonly_fields = fields
    verbose_name_plural = _("History, notes and messages")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ServiceRequest)
class ServiceRequestAdmin(
    QueueActionsMixin, RequestViewsMixin, FormActionMixin, ServiceChangeMixin, AuditedModelAdmin
):
    audit_views = True
    form = StaffRequestForm
    list_display = [
        "reference",
        "service",
        "neighborhood",
        "status",
        "due",
        "assigned_to",
        "requested_at",
        "followers",
    ]
    list_filter = [OverdueFilter, "status", "division", "service", "neighborhood"]
    list_select_related = ["service", "neighborhood", "assigned_to"]
    search_fields = ["=short_code", "=public_id"]
    show_full_result_count = False
    paginator = CappedCountPaginator
    list_per_page = 50
    sortable_by = ["requested_at", "expected_at"]
    actions = ["acknowledge", "start", "close", "assign", "merge"]
    inlines = [EventInline]
    readonly_fields = [
        "reference",
        "public_id",
        "short_code",
        "service",
        "division",
        "status",
        "close_reason",
        "due",
        "requested_at",
        "acknowledged_at",
        "closed_at",
        "assigned_to",
        "merged_into",
        "followers",
        "where",
        "neighborhood",
        "answers",
        "description",
        "photo_links",
        "contact_details",
        "language",
        "source",
    ]
    fieldsets = [
        (
            _("Request"),
            {
                "fields": [
                    "reference",
                    "service",
                    "division",
                    "status",
                    "close_reason",
                    "due",
                    "requested_at",
                    "acknowledged_at",
                    "closed_at",
                    "assigned_to",
                    "merged_into",
                    "followers",
                    "source",
                ]
            },
        ),
        (_("Where"), {"fields": ["where", "neighborhood"]}),
        (_("What the resident said"), {"fields": ["answers", "description", "photo_links"]}),
        (_("Resident"), {"fields": ["contact_details", "language"]}),
        (
            _("Work on it"),
            {
                "fields": [
                    "new_status",
                    "reason",
                    "assignee",
                    "note",
                    "message",
                    "merge_into",
                ]
            },
        ),
    ]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        # Not super(): it would order by queue_rank before queue_order annotates it.
        # The contact is decrypted only on a request's own page, not for each row of the list.
        return selectors.queue_order(self.model._default_manager.defer("contact"))

    def get_ordering(self, request):
        # The queue's own order: overdue first (selectors.queue_order annotates queue_rank).
        return ["queue_rank", "expected_at", "-requested_at"]

    # -- one submission, one service ----------------------------------------------------------

    def apply_change(self, request, obj, form):
        data = form.cleaned_data
        services.request_update(
            service_request=obj,
            actor=request.user,
            status=data.get("new_status") or None,
            reason=data.get("reason") or "",
            assignee=data.get("assignee"),
            note=data.get("note") or "",
            message=data.get("message") or "",
            merge_into=data.get("merge_into"),
        )

    # -- columns ------------------------------------------------------------------------------

    @admin.display(description=_("request"))
    def reference(self, obj):
        return str(obj.public_id)[:8]

    @admin.display(description=_("due"), ordering="expected_at")
    def due(self, obj):
        when = timezone.localtime(obj.expected_at).strftime("%Y-%m-%d %H:%M")
        if obj.status != Status.CLOSED and obj.expected_at < timezone.now():
            return format_html('<strong class="sr-overdue">{} ({})</strong>', when, _("overdue"))
        return when

    @admin.display(description=_("place"))
    def where(self, obj):
        parts = [obj.address or ""]
        if obj.lat is not None:
            parts.append(f"{obj.lat}, {obj.long}")
        return " — ".join(p for p in parts if p) or "—"

    @admin.display(description=_("answers"))
    def answers(self, obj):
        if not obj.attributes:
            return "—"
        return format_html(
            "<table>{}</table>",
            format_html_join(
                "",
                "<tr><th scope='row'>{}</th><td>{}</td></tr>",
                (
                    (key, ", ".join(v) if isinstance(v, list) else v)
                    for key, v in obj.attributes.items()
                ),
            ),
        )

    @admin.display(description=_("photos"))
    def photo_links(self, obj):
        photos = list(obj.photos.all())
        if not photos:
            return "—"
        return format_html_join(
            " ",
            '<a href="{}">{}</a>',
            (
                (
                    reverse("admin:service_requests_servicerequest_photo", args=[obj.pk, p.pk]),
                    _("Photo %(n)d") % {"n": p.order},
                )
                for p in photos
            ),
        )

    @admin.display(description=_("contact"))
    def contact_details(self, obj):
        contact = obj.contact or {}
        shown = [contact.get(k) for k in ("first_name", "last_name", "email", "phone")]
        text = " · ".join(v for v in shown if v)
        if not text:
            return _("None given")
        wants = []
        if obj.notify_email:
            wants.append(_("e-mail"))
        if obj.notify_sms:
            wants.append(pgettext_lazy("SMS", "text"))
        if wants:
            text += " — " + str(_("wants updates by")) + " " + ", ".join(str(w) for w in wants)
        return text

    # -- photos and figures (views.py) ------------------------------------------------------

    def get_urls(self):
        return [
            path(
                "<int:object_id>/photos/<int:photo_id>/",
                self.admin_site.admin_view(self.photo_view),
                name="service_requests_servicerequest_photo",
            ),
            path(
                "on-time/",
                self.admin_site.admin_view(self.on_time_view),
                name="service_requests_servicerequest_on_time",
            ),
            *super().get_urls(),
        ]
