"""The back office's door to complaints: a read-only list for internal affairs, linking to the
case pages (/staff/complaints/), where the work is done one service per form.

The admin's usual rule ("a superuser may do everything") does not hold here: only members of
Internal affairs see these lists (complaints/access.py); a superuser or a site administrator
outside it gets 403, and the models are not on their admin index. Nothing is added, changed or
deleted here: a complaint comes in through the resident's form or the front desk's, and moves
through the services."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from complaints import access, selectors
from complaints.models import Complaint
from portal.admin import AuditedModelAdmin


@admin.register(Complaint)
class ComplaintAdmin(AuditedModelAdmin):
    audit_views = True
    list_display = [
        "tracking_code",
        "kind",
        "stage",
        "seriousness",
        "neighborhood",
        "received_at",
        "closed_on",
        "case_page",
    ]
    list_filter = ["kind", "stage", "seriousness", "filing", "channel", "neighborhood"]
    search_fields = ["tracking_code"]
    date_hierarchy = "received_at"
    # What is in clear and not who complained: the case page shows the rest, audited.
    fields = [
        "tracking_code",
        "kind",
        "filing",
        "channel",
        "stage",
        "seriousness",
        "neighborhood",
        "received_at",
        "assignee_kind",
        "assigned_to",
        "investigation_due_on",
        "outcome",
        "closed_on",
        "days_to_close",
    ]
    readonly_fields = fields

    @admin.display(description=_("case page"))
    def case_page(self, obj):
        return format_html(
            '<a href="{}">{}</a>', reverse("complaints_staff:case", args=[obj.pk]), _("Open")
        )

    def _allowed(self, request, obj=None) -> bool:
        if not access.is_internal_affairs(request.user):
            return False
        return obj is None or not access.named_in(request.user, obj)

    def has_module_permission(self, request):
        return self._allowed(request)

    def has_view_permission(self, request, obj=None):
        return self._allowed(request, obj)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        if not access.is_internal_affairs(request.user):
            return Complaint.objects.none()
        return selectors.staff_queue(user=request.user)
