"""The Records Division's back office: the deadline-driven work queue, each request's page with
its workflow, messages and fees, the fee schedule, the fingerprinting calendar and settings.

Every change goes through records.services, which writes the audit log; opening a request is
logged too (audit_views)."""

import csv
from datetime import timedelta

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from solo.admin import SingletonModelAdmin

from portal import roles
from portal.admin import AuditedModelAdmin, CappedCountPaginator
from portal.services.audit import audit_record
from records import redact, release, selectors, services
from records.forms import ATTACHMENT_TYPES, FORMS, FingerprintingForm, read_upload
from records.models import (
    ClosureReason,
    Document,
    Fee,
    FeeScheduleItem,
    FingerprintSlot,
    Message,
    RecordCheckLetter,
    RecordRequest,
    RecordsSettings,
    Redaction,
    ReleasePacket,
    RequestKind,
    Status,
    TimelineEntry,
)

# --- Filters -------------------------------------------------------------------------------------


class DueFilter(admin.SimpleListFilter):
    title = _("deadline")
    parameter_name = "due"

    def lookups(self, request, model_admin):
        return [
            ("today", _("Due today")),
            ("overdue", _("Overdue")),
            ("week", _("Due in the next 7 days")),
            ("paused", _("Paused (waiting for the requester)")),
            ("open", _("All open")),
        ]

    def queryset(self, request, queryset):
        today = services.local_date(timezone.now())
        working = list(services.WORKING)
        if self.value() == "today":
            return queryset.filter(due_date=today, status__in=working)
        if self.value() == "overdue":
            return queryset.filter(due_date__lt=today, status__in=working)
        if self.value() == "week":
            return queryset.filter(
                due_date__gte=today, due_date__lte=today + timedelta(days=7), status__in=working
            )
        if self.value() == "paused":
            return queryset.filter(status=Status.AWAITING_REQUESTER)
        if self.value() == "open":
            return queryset.exclude(status=Status.CLOSED)
        return queryset


class AssigneeFilter(admin.SimpleListFilter):
    title = _("assigned clerk")
    parameter_name = "clerk"

    def lookups(self, request, model_admin):
        clerks = (
            get_user_model()
            .objects.filter(is_active=True, groups__name=roles.RECORDS_CLERKS)
            .order_by("username")
        )
        return [
            ("none", _("Unassigned")),
            ("me", _("Assigned to me")),
            *[(str(user.pk), user.get_full_name() or user.get_username()) for user in clerks],
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "none":
            return queryset.filter(assigned_to__isnull=True)
        if value == "me":
            return queryset.filter(assigned_to=request.user)
        if value and value.isdigit():
            return queryset.filter(assigned_to_id=int(value))
        return queryset


# --- Bulk actions with a reason ------------------------------------------------------------------


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (kept in the audit log)"), widget=forms.Textarea(attrs={"rows": 3})
    )


class AssignForm(ReasonForm):
    clerk = forms.ModelChoiceField(
        label=_("Clerk"),
        queryset=get_user_model().objects.none(),
        required=False,
        help_text=_("Leave empty to unassign."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["clerk"].queryset = get_user_model().objects.filter(
            is_active=True, groups__name=roles.RECORDS_CLERKS
        )


class ExtendForm(ReasonForm):
    business_days = forms.IntegerField(label=_("Business days"), min_value=1, max_value=30)
    reason = forms.CharField(
        label=_("Reason (sent to the requester)"), widget=forms.Textarea(attrs={"rows": 3})
    )


class CloseForm(ReasonForm):
    closure_reason = forms.ChoiceField(label=_("Closure reason"), choices=ClosureReason.choices)
    exemption = forms.CharField(
        label=_("Statutory exemption (for a denial)"), max_length=200, required=False
    )
    reason = forms.CharField(
        label=_("Note to the requester"), widget=forms.Textarea(attrs={"rows": 3})
    )


class RedactionForm(forms.Form):
    exemption = forms.CharField(
        label=_("Exemption cited"),
        max_length=200,
        help_text=_("For example: C.G.S. §1-210(b)(3)(A) (identity of an uninvolved witness)."),
    )
    note = forms.CharField(
        label=_("What is withheld (shown in the redaction log)"), max_length=200, required=False
    )


def _percent_field(label):
    return forms.DecimalField(
        label=label,
        min_value=0,
        max_value=100,
        max_digits=5,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
    )


class AreaForm(RedactionForm):
    left = _percent_field(_("From the left edge (%)"))
    top = _percent_field(_("From the top edge (%)"))
    width = _percent_field(_("Width (% of the page width)"))
    height = _percent_field(_("Height (% of the page height)"))
    field_order = ["left", "top", "width", "height", "exemption", "note"]


class WholePageForm(RedactionForm):
    pass


class TermForm(RedactionForm):
    term = forms.CharField(
        label=_("Word, name or number"),
        max_length=200,
        help_text=_("Every occurrence in the whole document, on every page, is blacked out."),
    )
    field_order = ["term", "exemption", "note"]


class TransitionForm(forms.Form):
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    closure_reason = forms.ChoiceField(
        label=_("Closure reason"), choices=[("", "---"), *ClosureReason.choices], required=False
    )
    exemption = forms.CharField(
        label=_("Statutory exemption (for a denial)"), max_length=200, required=False
    )


# --- Inlines -------------------------------------------------------------------------------------


class ReadOnlyInline(admin.TabularInline):
    """Part of a request's page: whoever may see the request sees it."""

    extra = 0
    can_delete = False
    template = "admin/records/readonly_inline.html"

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("records.view_recordrequest")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class TimelineInline(ReadOnlyInline):
    model = TimelineEntry
    fields = ["at", "action", "status", "note", "public", "actor"]
    readonly_fields = fields
    verbose_name_plural = _("timeline")


class MessageInline(ReadOnlyInline):
    model = Message
    fields = ["created_at", "author", "staff", "body", "attachments"]
    readonly_fields = fields

    @admin.display(description=_("files"))
    def attachments(self, obj):
        return ", ".join(d.original_name for d in obj.documents.all())


class FeeInline(ReadOnlyInline):
    model = Fee
    fields = ["description", "quantity", "unit_price", "amount", "waived", "waiver_reason"]
    readonly_fields = fields


class DocumentInline(ReadOnlyInline):
    model = Document
    fields = ["kind", "open_link", "content_type", "size", "pages", "uploaded_at", "purged_at"]
    readonly_fields = fields

    @admin.display(description=_("file"))
    def open_link(self, obj):
        if obj.purged_at:
            return obj.original_name
        link = format_html(
            '<a href="{}">{}</a>',
            reverse("admin:records_recordrequest_document", args=[obj.request_id, obj.pk]),
            obj.original_name,
        )
        if obj.kind != Document.Kind.RESPONSIVE:
            return link
        return format_html(
            '{} — <a href="{}">{}</a>',
            link,
            reverse("admin:records_recordrequest_redact", args=[obj.request_id, obj.pk]),
            _("Redact"),
        )


class RedactionInline(ReadOnlyInline):
    """The redactions marked so far; they are marked on each record's redaction page."""

    model = Redaction
    fields = ["document", "page", "area", "exemption", "note", "created_by", "created_at"]
    readonly_fields = fields

    @admin.display(description=_("area"))
    def area(self, obj):
        if obj.whole_page:
            return _("whole page")
        return _("%(width)s%% × %(height)s%% at %(left)s%%, %(top)s%%") % {
            "left": obj.left,
            "top": obj.top,
            "width": obj.width,
            "height": obj.height,
        }


# --- The request's page --------------------------------------------------------------------------


# One labelled control (the admin's split date and time inputs have no labels of their own).
LOCAL_DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def _sent_at_field(required: bool = True) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=_("sent"),
        required=required,
        widget=LOCAL_DATETIME,
        help_text=_("When the requester sent it (postmark, e-mail or web form)."),
    )


class RecordRequestForm(forms.ModelForm):
    """Besides the few editable fields: a message to the requester, an internal note, a fee, a
    payment, a released document. Each is applied through the services on save."""

    sent_at = _sent_at_field()
    message = forms.CharField(
        label=_("Message to the requester (e-mailed)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    internal_note = forms.CharField(
        label=_("Internal note (never shown to the requester)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    fee_item = forms.ModelChoiceField(
        label=_("Add a fee"), queryset=FeeScheduleItem.objects.filter(active=True), required=False
    )
    fee_quantity = forms.IntegerField(
        label=_("Pages or quantity"), min_value=1, required=False, initial=1
    )
    fee_waived = forms.BooleanField(label=_("Waive this fee"), required=False)
    fee_waiver_reason = forms.CharField(
        label=_("Reason for the waiver"), max_length=300, required=False
    )
    payment_choice = forms.ChoiceField(
        label=_("Mark the fees paid"),
        required=False,
        choices=[
            ("", "---"),
            ("in_person", _("In person at the window")),
            ("mail", _("By mail (check or money order)")),
        ],
    )
    payment_receipt = forms.CharField(
        label=_("Receipt or check number"), max_length=120, required=False
    )
    responsive_file = forms.FileField(
        label=_("Upload a responsive record (to redact and release in a packet)"),
        required=False,
        help_text=_("A PDF or a scanned page (JPEG or PNG). Kept internal until released."),
    )
    release_file = forms.FileField(
        label=_("Upload a document to release as it is"),
        required=False,
        help_text=_("Shown to the requester once the request is ready and the fees settled."),
    )

    class Meta:
        model = RecordRequest
        fields = ["requester_name", "requester_email", "requester_phone", "sent_at"]
        widgets = {"sent_at": LOCAL_DATETIME}

    def clean_responsive_file(self):
        uploaded = self.cleaned_data.get("responsive_file")
        return read_upload(uploaded, ATTACHMENT_TYPES, "responsive_file") if uploaded else None

    def clean_release_file(self):
        uploaded = self.cleaned_data.get("release_file")
        return read_upload(uploaded, ATTACHMENT_TYPES, "release_file") if uploaded else None


class ClerkEntryMixin(forms.Form):
    """What a clerk adds to a resident's typed form when entering a request that came by mail,
    phone or at the window: the requester's language and when it was sent."""

    language = forms.ChoiceField(
        label=_("The requester's language (for every e-mail and letter)"),
        choices=[("en", "English"), ("es", "Español")],
    )
    sent_at = _sent_at_field(required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["requester_name"].label = _("Requester's full name")
        self.fields["requester_email"].label = _("Requester's e-mail")
        self.fields["requester_email"].help_text = _(
            "The tracking number and every answer go here."
        )
        self.fields["requester_phone"].label = _("Requester's phone (optional)")
        self.fields["sent_at"].help_text = _(
            "When the requester sent it (postmark or e-mail); empty: now."
        )


def clerk_entry_form(form_class: type[forms.Form]) -> type[forms.Form]:
    """The public form of that type, with the clerk's fields: the same checks as online."""
    return type(f"Clerk{form_class.__name__}", (ClerkEntryMixin, form_class), {})


@admin.register(RecordRequest)
class RecordRequestAdmin(AuditedModelAdmin):
    audit_views = True
    list_display = [
        "tracking_number",
        "kind",
        "status",
        "due_date",
        "deadline",
        "assigned_to",
        "received_at",
    ]
    list_filter = [DueFilter, AssigneeFilter, "kind", "status"]
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
        "slot",
        "workflow",
        "packet_panel",
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
                ]
            },
        ),
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
                    if hasattr(error, "error_dict"):
                        for field, errs in error.error_dict.items():
                            form.add_error(field if field in form.fields else None, errs)
                    else:
                        form.add_error(None, error)
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

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if form.changed_data and set(form.changed_data) & set(RecordRequestForm.Meta.fields):
            super().save_model(request, obj, form, change)
        try:
            if data.get("message"):
                services.message_from_clerk(
                    record_request=obj, body=data["message"], actor=request.user
                )
            if data.get("internal_note"):
                services.message_from_clerk(
                    record_request=obj,
                    body=data["internal_note"],
                    actor=request.user,
                    internal=True,
                )
            if data.get("fee_item"):
                services.fee_add(
                    record_request=obj,
                    item=data["fee_item"],
                    quantity=data.get("fee_quantity") or 1,
                    actor=request.user,
                    waived=data.get("fee_waived", False),
                    waiver_reason=data.get("fee_waiver_reason", ""),
                )
            if data.get("payment_choice"):
                services.payment_record(
                    record_request=obj,
                    method=data["payment_choice"],
                    reference=data.get("payment_receipt", ""),
                    actor=request.user,
                )
            if data.get("responsive_file"):
                release.responsive_upload(
                    record_request=obj, upload=data["responsive_file"], actor=request.user
                )
            if data.get("release_file"):
                services.document_release(
                    record_request=obj, upload=data["release_file"], actor=request.user
                )
        except ValidationError as error:
            transaction.set_rollback(True)
            for message in error.messages:
                self.message_user(request, message, messages.ERROR)

    def save_related(self, request, form, formsets, change):
        """Every inline is read-only: nothing is saved through the formsets (admin's change
        message reads these lists)."""
        for formset in formsets:
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []

    # -- columns ----------------------------------------------------------------------------------

    @admin.display(description=_("business days left"))
    def deadline(self, obj):
        if not obj.is_open:
            return "—"
        days = services.business_days_left(record_request=obj)
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
        total = services.fees_total(record_request=obj)
        settled = services.fees_settled(record_request=obj)
        return format_html("${} — {}", total, _("settled") if settled else _("due"))

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

    @admin.display(description=_("release packet"))
    def packet_panel(self, obj):
        packet = obj.packets.first()
        steps = []
        if packet is None or packet.state in {ReleasePacket.State.READY}:
            steps.append(("prepare", _("Prepare a release packet")))
        elif packet.state == ReleasePacket.State.PREPARED:
            steps.append(("approve", _("Approve the packet (a second person)")))
        elif packet.state in {ReleasePacket.State.APPROVED, ReleasePacket.State.FAILED}:
            steps.append(("generate", _("Generate the release packet")))
        if obj.kind == "record_check":
            steps.append(("letter", _("Issue the record-check letter")))
        links = format_html_join(
            " ",
            '<a class="button" href="{}">{}</a>',
            (
                (reverse("admin:records_recordrequest_packet", args=[obj.pk, step]), label)
                for step, label in steps
            ),
        )
        if packet is None:
            return format_html("{} {}", _("No packet yet."), links)
        return format_html(
            '<span data-packet-progress="{}" data-packet-state="{}">{}: '
            '<progress max="100" value="{}">{}%</progress> {}%</span>{} {}',
            reverse("admin:records_recordrequest_packet_progress", args=[obj.pk]),
            packet.state,
            packet.get_state_display(),
            packet.progress,
            packet.progress,
            packet.progress,
            format_html(" — {} ", packet.error) if packet.error else "",
            links,
        )

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
                "<int:object_id>/packet-progress/",
                self.admin_site.admin_view(self.packet_progress_view),
                name="records_recordrequest_packet_progress",
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
                if hasattr(error, "error_dict"):
                    for field, errs in error.error_dict.items():
                        form.add_error(field if field in form.fields else None, errs)
                else:
                    form.add_error(None, error)
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

    def document_view(self, request, object_id: int, document_id: int):
        """Open a request's file (decrypted); each opening is in the audit log."""
        record_request = get_object_or_404(RecordRequest, pk=object_id)
        if not self.has_view_permission(request, record_request):
            raise PermissionDenied
        document = get_object_or_404(
            Document, pk=document_id, request=record_request, purged_at__isnull=True
        )
        data = services.document_read(document=document)
        audit_record(
            actor=request.user,
            action="records.document.view",
            target=record_request,
            detail={"document": document.pk, "kind": document.kind},
        )
        response = HttpResponse(data, content_type=document.content_type)
        safe = "".join(c for c in document.original_name if c.isalnum() or c in "._- ")
        response["Content-Disposition"] = f'attachment; filename="{safe or "document"}"'
        response["Cache-Control"] = "private, no-store"
        return response

    def _responsive(self, request, object_id: int, document_id: int):
        record_request = get_object_or_404(RecordRequest, pk=object_id)
        if not self.has_view_permission(request, record_request):
            raise PermissionDenied
        document = get_object_or_404(
            Document,
            pk=document_id,
            request=record_request,
            kind=Document.Kind.RESPONSIVE,
            purged_at__isnull=True,
        )
        return record_request, document

    def page_image_view(self, request, object_id: int, document_id: int, page: int):
        """A page of a responsive record as an image, its redactions shaded and numbered as in
        the list beside it. Each look is in the audit log."""
        record_request, document = self._responsive(request, object_id, document_id)
        if not 1 <= page <= (document.pages or 1):
            raise Http404
        data = services.document_read(document=document)
        if document.content_type == "application/pdf":
            image = redact.render_pdf_page(data, page, dpi=redact.PREVIEW_DPI)
        else:
            image = redact.render_image(data)
        numbered = [
            (number, redact.Box(r.left, r.top, r.width, r.height))
            for number, r in enumerate(document.redactions.all(), 1)
            if r.page == page and not r.whole_page
        ]
        audit_record(
            actor=request.user,
            action="records.document.view",
            target=record_request,
            detail={"document": document.pk, "kind": document.kind, "page": page},
        )
        response = HttpResponse(redact.preview_png(image, numbered), content_type="image/png")
        response["Cache-Control"] = "private, no-store"
        return response

    def redact_view(self, request, object_id: int, document_id: int):
        """Mark redactions on one page of a responsive record: drag a box on the page (with a
        mouse), type its coordinates (keyboard), withhold the page, or black out every
        occurrence of a word or number; remove one marked in error."""
        record_request, document = self._responsive(request, object_id, document_id)
        pages = document.pages or 1
        try:
            page = min(max(int(request.GET.get("page", 1)), 1), pages)
        except ValueError:
            page = 1
        is_pdf = document.content_type == "application/pdf"
        forms_by_name = {
            "area": AreaForm(prefix="area"),
            "page": WholePageForm(prefix="page"),
            "term": TermForm(prefix="term") if is_pdf else None,
        }
        if request.method == "POST":
            if not self.has_change_permission(request, record_request):
                raise PermissionDenied
            do = request.POST.get("do", "")
            try:
                if do == "remove":
                    redaction = get_object_or_404(
                        Redaction, pk=request.POST.get("redaction"), document=document
                    )
                    release.redaction_remove(redaction=redaction, actor=request.user)
                    self.message_user(request, _("The redaction was removed."), messages.SUCCESS)
                    return redirect(f"{request.path}?page={page}")
                form = forms_by_name.get(do)
                if form is None:
                    raise PermissionDenied
                form = type(form)(request.POST, prefix=do)
                forms_by_name[do] = form
                if form.is_valid():
                    data = form.cleaned_data
                    if do == "area":
                        release.redaction_add(
                            document=document,
                            page=page,
                            exemption=data["exemption"],
                            note=data["note"],
                            actor=request.user,
                            region=(data["left"], data["top"], data["width"], data["height"]),
                        )
                        done = _("The area is marked for blacking out.")
                    elif do == "page":
                        release.redaction_add(
                            document=document,
                            page=page,
                            exemption=data["exemption"],
                            note=data["note"],
                            actor=request.user,
                            whole_page=True,
                        )
                        done = _("The page is marked to be withheld.")
                    else:
                        found = release.redaction_for_term(
                            document=document,
                            term=data["term"],
                            exemption=data["exemption"],
                            note=data["note"],
                            actor=request.user,
                        )
                        done = ngettext(
                            "%(count)d occurrence is marked for blacking out.",
                            "%(count)d occurrences are marked for blacking out.",
                            len(found),
                        ) % {"count": len(found)}
                    self.message_user(request, done, messages.SUCCESS)
                    return redirect(f"{request.path}?page={page}")
            except ValidationError as error:
                form = forms_by_name.get(request.POST.get("do", ""))
                if form is not None and hasattr(error, "error_dict"):
                    for field, errs in error.error_dict.items():
                        form.add_error(field if field in form.fields else None, errs)
                elif form is not None:
                    form.add_error(None, error)
                else:
                    for message in error.messages:
                        self.message_user(request, message, messages.ERROR)
        redactions = list(document.redactions.all())
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Redact %(name)s, page %(page)d of %(pages)d")
            % {"name": document.original_name, "page": page, "pages": pages},
            "record_request": record_request,
            "document": document,
            "page": page,
            "pages": range(1, pages + 1),
            "page_count": pages,
            "previous_page": page - 1 if page > 1 else None,
            "next_page": page + 1 if page < pages else None,
            "image_url": reverse(
                "admin:records_recordrequest_page_image",
                args=[record_request.pk, document.pk, page],
            ),
            "numbered": list(enumerate(redactions, 1)),
            "on_page": sum(1 for r in redactions if r.page == page),
            "area_form": forms_by_name["area"],
            "page_form": forms_by_name["page"],
            "term_form": forms_by_name["term"],
            "can_change": self.has_change_permission(request, record_request),
        }
        return TemplateResponse(request, "admin/records/redact.html", context)

    def packet_progress_view(self, request, object_id: int):
        record_request = get_object_or_404(RecordRequest, pk=object_id)
        if not self.has_view_permission(request, record_request):
            raise PermissionDenied
        packet = record_request.packets.first()
        if packet is None:
            return JsonResponse({"state": None})
        return JsonResponse(
            {
                "state": packet.state,
                "label": str(packet.get_state_display()),
                "progress": packet.progress,
            }
        )

    def packet_view(self, request, object_id: int, step: str):
        record_request = get_object_or_404(RecordRequest, pk=object_id)
        if not self.has_change_permission(request, record_request) or step not in {
            "prepare",
            "approve",
            "generate",
            "letter",
        }:
            raise PermissionDenied
        if request.method == "POST":
            packet = record_request.packets.first()
            try:
                if step == "prepare":
                    release.packet_prepare(record_request=record_request, actor=request.user)
                elif step == "approve" and packet:
                    release.packet_approve(packet=packet, actor=request.user)
                elif step == "generate" and packet:
                    release.packet_generate(packet=packet, actor=request.user)
                elif step == "letter":
                    release.letter_issue(
                        record_request=record_request,
                        records_found=request.POST.get("records_found") == "1",
                        actor=request.user,
                    )
            except ValidationError as error:
                for message in error.messages:
                    self.message_user(request, message, messages.ERROR)
            else:
                self.message_user(request, _("Done."), messages.SUCCESS)
            return redirect("admin:records_recordrequest_change", record_request.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": record_request.tracking_number,
            "record_request": record_request,
            "step": step,
        }
        return TemplateResponse(request, "admin/records/packet.html", context)

    class Media:
        js = ["records/admin.js"]
        css = {"all": ["records/admin.css"]}

    # -- bulk actions -----------------------------------------------------------------------------

    def _bulk(self, request, queryset, *, form_class, title, apply):
        if "apply" in request.POST:
            form = form_class(request.POST)
            if form.is_valid():
                done, refused = 0, []
                for record_request in queryset:
                    try:
                        apply(record_request, form.cleaned_data)
                        done += 1
                    except ValidationError as error:
                        refused.append(f"{record_request}: {' '.join(error.messages)}")
                self.message_user(
                    request,
                    ngettext("%(count)d request updated.", "%(count)d requests updated.", done)
                    % {"count": done},
                    messages.SUCCESS,
                )
                for line in refused:
                    self.message_user(request, line, messages.WARNING)
                return None
        else:
            form = form_class()
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": title,
            "form": form,
            "queryset": queryset,
            "action": request.POST.get("action"),
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            "select_across": request.POST.get("select_across", "0"),
        }
        return TemplateResponse(request, "admin/records/bulk.html", context)

    @admin.action(description=_("Assign to a clerk"), permissions=["change"])
    def assign(self, request, queryset):
        return self._bulk(
            request,
            queryset,
            form_class=AssignForm,
            title=_("Assign to a clerk"),
            apply=lambda rr, data: services.request_assign(
                record_request=rr, clerk=data["clerk"], actor=request.user, reason=data["reason"]
            ),
        )

    @admin.action(description=_("Acknowledge"), permissions=["change"])
    def acknowledge(self, request, queryset):
        return self._bulk(
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
        )

    @admin.action(description=_("Extend the due date"), permissions=["change"])
    def extend(self, request, queryset):
        return self._bulk(
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
        )

    @admin.action(description=_("Close"), permissions=["change"])
    def close(self, request, queryset):
        return self._bulk(
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
        )

    @admin.action(description=_("Export to CSV"), permissions=["view"])
    def export_csv(self, request, queryset):
        audit_record(
            actor=request.user,
            action="records.recordrequest.export",
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

        writer = csv.writer(Echo())

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


@admin.register(FeeScheduleItem)
class FeeScheduleItemAdmin(AuditedModelAdmin):
    list_display = ["name", "kind", "unit", "amount", "is_copy", "active"]
    list_filter = ["kind", "active"]


class RepeatForm(forms.Form):
    weeks = forms.IntegerField(label=_("For how many weeks"), min_value=1, max_value=12, initial=4)


@admin.register(FingerprintSlot)
class FingerprintSlotAdmin(AuditedModelAdmin):
    list_display = ["starts_at", "ends_at", "capacity", "booked"]
    readonly_fields = ["booked"]
    date_hierarchy = "starts_at"
    actions = ["repeat_weekly"]

    @admin.action(description=_("Repeat the selected times every week"), permissions=["add"])
    def repeat_weekly(self, request, queryset):
        if "apply" in request.POST:
            form = RepeatForm(request.POST)
            if form.is_valid():
                made = services.slots_repeat(
                    slots=list(queryset), weeks=form.cleaned_data["weeks"], actor=request.user
                )
                self.message_user(
                    request,
                    ngettext("%(count)d time added.", "%(count)d times added.", made)
                    % {"count": made},
                    messages.SUCCESS,
                )
                return None
        else:
            form = RepeatForm()
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Repeat the selected times every week"),
            "form": form,
            "queryset": queryset,
            "action": "repeat_weekly",
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            "select_across": request.POST.get("select_across", "0"),
            "changelist_url": "admin:records_fingerprintslot_changelist",
        }
        return TemplateResponse(request, "admin/records/bulk.html", context)

    def get_queryset(self, request):
        return (
            super().get_queryset(request).filter(starts_at__gte=timezone.now() - timedelta(days=30))
        )

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.booked:
            return False  # people are booked: move them first
        return super().has_delete_permission(request, obj)


@admin.register(RecordCheckLetter)
class RecordCheckLetterAdmin(AuditedModelAdmin):
    """Letters are issued from a request's page; here they are looked up and withdrawn."""

    list_display = ["code", "request", "subject_name", "records_found", "issued_at", "revoked_at"]
    search_fields = ["=code", "=request__tracking_number"]
    list_select_related = ["request"]
    readonly_fields = [
        "code",
        "request",
        "subject_name",
        "date_of_birth",
        "records_found",
        "issued_at",
        "issued_by",
        "revoked_at",
    ]
    exclude = ["document"]
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Withdraw the selected letters"), permissions=["change"])
    def revoke(self, request, queryset):
        if "apply" in request.POST:
            form = ReasonForm(request.POST)
            if form.is_valid():
                for letter_row in queryset:
                    release.letter_revoke(
                        letter_row=letter_row,
                        actor=request.user,
                        reason=form.cleaned_data["reason"],
                    )
                self.message_user(request, _("Done."), messages.SUCCESS)
                return None
        else:
            form = ReasonForm()
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Withdraw the selected letters"),
            "form": form,
            "queryset": queryset,
            "action": "revoke",
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            "select_across": request.POST.get("select_across", "0"),
        }
        return TemplateResponse(request, "admin/records/bulk.html", context)


@admin.register(RecordsSettings)
class RecordsSettingsAdmin(AuditedModelAdmin, SingletonModelAdmin):
    pass
