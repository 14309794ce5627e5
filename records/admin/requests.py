"""The clerks' queue and each request's page: the deadline-driven list, entering a request that
came by mail, phone or at the window, the workflow buttons (records/services/lifecycle.py
TRANSITIONS), one submission of the page (records/services/updates.py request_update), bulk
actions with a reason, CSV export. Opening a request is logged (audit_views)."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy

from portal import csv as portal_csv
from portal.admin import (
    AuditedModelAdmin,
    CappedCountPaginator,
    FormActionMixin,
    ServiceChangeMixin,
)
from portal.forms import add_domain_errors
from portal.services.audit import audit_record
from records import selectors, services
from records.admin.filters import AssigneeFilter, DueFilter, RefundFilter
from records.admin.forms import (
    AssignForm,
    CloseForm,
    ExtendForm,
    ReasonForm,
    RecordRequestForm,
    TransitionForm,
    clerk_entry_form,
)
from records.admin.inlines import (
    DocumentInline,
    FeeInline,
    MessageInline,
    RedactionInline,
    TimelineInline,
)
from records.admin.packets import PacketViewsMixin
from records.admin.payments import PaymentColumnsMixin
from records.admin.personnel import PersonnelViewsMixin
from records.admin.redaction import DocumentViewsMixin
from records.forms import FORMS, FingerprintingForm
from records.models import RecordRequest, RequestKind


def _requests_updated(count: int) -> str:
    return ngettext("%(count)d request updated.", "%(count)d requests updated.", count) % {
        "count": count
    }


@admin.register(RecordRequest)
class RecordRequestAdmin(
    DocumentViewsMixin,
    PacketViewsMixin,
    PaymentColumnsMixin,
    PersonnelViewsMixin,
    FormActionMixin,
    ServiceChangeMixin,
    AuditedModelAdmin,
):
    audit_views = True
    list_display = [
        "tracking_number",
        "kind",
        "status",
        "due_date",
        "deadline",
        "assigned_to",
        "payment_state",
        "received_at",
    ]
    list_filter = [DueFilter, AssigneeFilter, "kind", "status", RefundFilter]
    list_select_related = ["assigned_to"]
    search_fields = ["=tracking_number", "=requester_email"]
    ordering = ["due_date", "id"]
    sortable_by = ["due_date", "received_at", "tracking_number"]
    show_full_result_count = False
    paginator = CappedCountPaginator
    list_per_page = 50
    actions = ["assign", "acknowledge", "extend", "close", "export_csv"]
    inlines = [TimelineInline, MessageInline, FeeInline, DocumentInline, RedactionInline]
    readonly_fields = [
        "tracking_number",
        "kind",
        "status",
        "paused_status",
        "pause_reason",
        "business_days_left",
        "deadline",
        "due_date",
        "received_at",
        "first_response_at",
        "deemed_denied_at",
        "closed_at",
        "closure_reason",
        "exemption",
        "closure_note",
        "assigned_to",
        "language",
        "details_table",
        "description",
        "fees_summary",
        "fees_paid_at",
        "payment_method",
        "payment_reference",
        "payments_panel",
        "refund_links",
        "slot",
        "workflow",
        "packet_panel",
        "personnel_panel",
    ]
    fieldsets = [
        (
            _("Request"),
            {
                "fields": [
                    "tracking_number",
                    "kind",
                    "status",
                    "workflow",
                    "deadline",
                    "due_date",
                    "pause_reason",
                    "business_days_left",
                    "assigned_to",
                    "received_at",
                    "sent_at",
                    "first_response_at",
                    "deemed_denied_at",
                ]
            },
        ),
        (
            _("Requester"),
            {"fields": ["requester_name", "requester_email", "requester_phone", "language"]},
        ),
        (_("What is asked for"), {"fields": ["details_table", "description", "slot"]}),
        (
            _("Write"),
            {"fields": ["message", "internal_note"]},
        ),
        (
            _("Fees and payment"),
            {
                "fields": [
                    "fees_summary",
                    "fee_item",
                    "fee_quantity",
                    "fee_waived",
                    "fee_waiver_reason",
                    "payment_choice",
                    "payment_receipt",
                    "fees_paid_at",
                    "payment_method",
                    "payment_reference",
                    "payments_panel",
                ]
            },
        ),
        (_("Personnel records (C.G.S. §1-214)"), {"fields": ["personnel_panel"]}),
        (_("Release"), {"fields": ["packet_panel", "responsive_file", "release_file"]}),
        (
            _("Closure"),
            {"fields": ["closed_at", "closure_reason", "exemption", "closure_note"]},
        ),
    ]

    # -- forms ------------------------------------------------------------------------------------

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = RecordRequestForm
        return super().get_form(request, obj, change=change, **kwargs)

    def add_view(self, request, form_url="", extra_context=None):
        """Enter a request that came by mail, phone or at the window: choose its type, then
        fill that type's form (the residents' form, with the same checks), saved in one
        transaction by services.request_submit, which writes the audit entry."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form_class = FORMS.get(request.GET.get("kind", ""))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Enter a request"),
            "kinds": [(slug, RequestKind(form.kind).label) for slug, form in FORMS.items()],
            "form": None,
        }
        if form_class is None:
            return TemplateResponse(request, "admin/records/add.html", context)
        kwargs = {}
        if form_class is FingerprintingForm:
            kwargs["slots"] = selectors.slot_list_open()
        entry_class = clerk_entry_form(form_class)
        if request.method == "POST":
            form = entry_class(request.POST, request.FILES, **kwargs)
            if form.is_valid():
                data = form.cleaned_data
                try:
                    created = services.request_submit(
                        kind=form.kind,
                        requester_name=data["requester_name"],
                        requester_email=data["requester_email"],
                        requester_phone=data["requester_phone"],
                        language=data["language"],
                        details=form.details(),
                        description=form.description(),
                        id_document=data.get("id_document"),
                        slot_id=data.get("slot"),
                        sent_at=data.get("sent_at"),
                        actor=request.user,
                    )
                except ValidationError as error:
                    add_domain_errors(form, error)
                else:
                    self.message_user(
                        request,
                        _("Request %(number)s entered.") % {"number": created.tracking_number},
                        messages.SUCCESS,
                    )
                    return redirect("admin:records_recordrequest_change", created.pk)
        else:
            form = entry_class(initial={"language": "en"}, **kwargs)
        context.update(
            {
                "title": _("Enter a request: %(kind)s") % {"kind": RequestKind(form.kind).label},
                "form": form,
                "kind_label": RequestKind(form.kind).label,
                "no_slots": form_class is FingerprintingForm and not kwargs["slots"],
            }
        )
        return TemplateResponse(request, "admin/records/add.html", context)

    def apply_change(self, request, obj, form):
        """The whole submission is one service call: it applies every part or none."""
        data = form.cleaned_data
        services.request_update(
            record_request=obj,
            actor=request.user,
            changes={f: data[f] for f in form.changed_data if f in RecordRequestForm.Meta.fields},
            message=data.get("message") or "",
            internal_note=data.get("internal_note") or "",
            fee_item=data.get("fee_item"),
            fee_quantity=data.get("fee_quantity") or 1,
            fee_waived=data.get("fee_waived", False),
            fee_waiver_reason=data.get("fee_waiver_reason", ""),
            payment_method=data.get("payment_choice") or "",
            payment_reference=data.get("payment_receipt", ""),
            responsive_file=data.get("responsive_file"),
            release_file=data.get("release_file"),
        )

    # -- columns ----------------------------------------------------------------------------------

    @admin.display(description=_("business days left"))
    def deadline(self, obj):
        if not obj.is_open:
            return "—"
        days = selectors.business_days_left(record_request=obj)
        if obj.is_paused:
            return format_html("{} ({})", days, _("paused"))
        if days < 0:
            return format_html('<strong class="records-overdue">{}</strong>', days)
        return days

    @admin.display(description=_("details"))
    def details_table(self, obj):
        if not obj.details:
            return "—"
        rows = format_html_join(
            "",
            "<tr><th scope='row'>{}</th><td>{}</td></tr>",
            ((key.replace("_", " "), value) for key, value in obj.details.items()),
        )
        return format_html("<table>{}</table>", rows)

    @admin.display(description=_("fees"))
    def fees_summary(self, obj):
        total = selectors.fees_total(record_request=obj)
        settled = selectors.fees_settled(record_request=obj)
        return format_html(
            "${} — {}", total, _("settled") if settled else pgettext_lazy("fees", "due")
        )

    @admin.display(description=_("workflow"))
    def workflow(self, obj):
        links = [
            format_html(
                '<a class="button" href="{}">{}</a>',
                reverse("admin:records_recordrequest_act", args=[obj.pk, action]),
                services.TRANSITIONS[action].label,
            )
            for action in services.allowed_actions(record_request=obj)
        ]
        return format_html(" ".join(["{}"] * len(links)), *links) if links else "—"

    # -- per-request workflow page ----------------------------------------------------------------

    def get_urls(self):
        return [
            path(
                "<int:object_id>/packet/<str:step>/",
                self.admin_site.admin_view(self.packet_view),
                name="records_recordrequest_packet",
            ),
            path(
                "<int:object_id>/document/<int:document_id>/",
                self.admin_site.admin_view(self.document_view),
                name="records_recordrequest_document",
            ),
            path(
                "<int:object_id>/document/<int:document_id>/redact/",
                self.admin_site.admin_view(self.redact_view),
                name="records_recordrequest_redact",
            ),
            path(
                "<int:object_id>/document/<int:document_id>/page/<int:page>.png",
                self.admin_site.admin_view(self.page_image_view),
                name="records_recordrequest_page_image",
            ),
            path(
                "<int:object_id>/personnel/<str:step>/",
                self.admin_site.admin_view(self.personnel_view),
                name="records_recordrequest_personnel",
            ),
            path(
                "<int:object_id>/packet-progress/",
                self.admin_site.admin_view(self.packet_progress_view),
                name="records_recordrequest_packet_progress",
            ),
            path(
                "<int:object_id>/payment/<int:payment_id>/refund/",
                self.admin_site.admin_view(self.refund_view),
                name="records_recordrequest_refund",
            ),
            path(
                "<int:object_id>/refund/<int:refund_id>/dealt-with/",
                self.admin_site.admin_view(self.refund_dealt_with_view),
                name="records_recordrequest_refund_dealt_with",
            ),
            path(
                "<int:object_id>/act/<str:action>/",
                self.admin_site.admin_view(self.act_view),
                name="records_recordrequest_act",
            ),
            *super().get_urls(),
        ]

    def act_view(self, request, object_id: int, action: str):
        record_request = get_object_or_404(RecordRequest, pk=object_id)
        if not self.has_change_permission(request, record_request):
            raise PermissionDenied
        transition = services.TRANSITIONS.get(action)
        if transition is None:
            raise PermissionDenied
        form = TransitionForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.request_transition(
                    record_request=record_request,
                    action=action,
                    actor=request.user,
                    note=form.cleaned_data["note"],
                    closure_reason=form.cleaned_data["closure_reason"],
                    exemption=form.cleaned_data["exemption"],
                )
            except ValidationError as error:
                add_domain_errors(form, error)
            else:
                self.message_user(request, _("Done."), messages.SUCCESS)
                return redirect("admin:records_recordrequest_change", record_request.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"{record_request}: {transition.label}",
            "record_request": record_request,
            "form": form,
            "action": action,
            "is_close": action == services.Action.CLOSE,
        }
        return TemplateResponse(request, "admin/records/act.html", context)

    class Media:
        js = ["records/admin.js"]
        css = {"all": ["records/admin.css"]}

    # -- bulk actions -----------------------------------------------------------------------------

    @admin.action(description=_("Assign to a clerk"), permissions=["change"])
    def assign(self, request, queryset):
        return self.form_action(
            request,
            queryset,
            form_class=AssignForm,
            title=_("Assign to a clerk"),
            apply=lambda rr, data: services.request_assign(
                record_request=rr, clerk=data["clerk"], actor=request.user, reason=data["reason"]
            ),
            done=_requests_updated,
        )

    @admin.action(description=_("Acknowledge"), permissions=["change"])
    def acknowledge(self, request, queryset):
        return self.form_action(
            request,
            queryset,
            form_class=ReasonForm,
            title=_("Acknowledge"),
            apply=lambda rr, data: services.request_transition(
                record_request=rr,
                action=services.Action.ACKNOWLEDGE,
                actor=request.user,
                note=data["reason"],
            ),
            done=_requests_updated,
        )

    @admin.action(description=_("Extend the due date"), permissions=["change"])
    def extend(self, request, queryset):
        return self.form_action(
            request,
            queryset,
            form_class=ExtendForm,
            title=_("Extend the due date"),
            apply=lambda rr, data: services.request_extend(
                record_request=rr,
                business_days=data["business_days"],
                actor=request.user,
                reason=data["reason"],
            ),
            done=_requests_updated,
        )

    @admin.action(description=_("Close"), permissions=["change"])
    def close(self, request, queryset):
        return self.form_action(
            request,
            queryset,
            form_class=CloseForm,
            title=_("Close"),
            apply=lambda rr, data: services.request_transition(
                record_request=rr,
                action=services.Action.CLOSE,
                actor=request.user,
                note=data["reason"],
                closure_reason=data["closure_reason"],
                exemption=data["exemption"],
            ),
            done=_requests_updated,
        )

    @admin.action(description=_("Export to CSV"), permissions=["view"])
    def export_csv(self, request, queryset):
        audit_record(
            actor=request.user,
            action="records.recordrequest.exported",
            detail={"count": queryset.count()},
        )
        columns = [
            "tracking_number",
            "kind",
            "status",
            "received_at",
            "due_date",
            "first_response_at",
            "closed_at",
            "closure_reason",
            "assigned_to__username",
        ]

        class Echo:
            def write(self, value):
                return value

        writer = portal_csv.writer(Echo())

        def rows():
            yield writer.writerow(columns)
            for row in (
                queryset.order_by("due_date", "id").values_list(*columns).iterator(chunk_size=2000)
            ):
                yield writer.writerow(["" if v is None else v for v in row])

        response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="record-requests.csv"'
        return response

    def has_delete_permission(self, request, obj=None):
        return False  # requests are public records themselves: they are closed, not deleted
