"""The staff back office: the catalogue of services (with their questions and choices) and the
queue of requests, overdue first. One submission of a request's page is one service call
(services.request_update); the list's actions call the same services. Opening a request (which
shows the resident's contact details) is logged (audit_views)."""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TranslationAdmin, TranslationStackedInline

from portal.admin import AuditedModelAdmin, CappedCountPaginator, FormActionMixin
from portal.charts import bar_chart
from service_requests import selectors, services
from service_requests.choices import TRANSITIONS, CloseReason, Status
from service_requests.models import (
    AttributeValue,
    RequestEvent,
    RequestPhoto,
    Service,
    ServiceAttribute,
    ServiceGroup,
    ServiceRequest,
)


def _staff():
    return get_user_model().objects.filter(is_staff=True, is_active=True).order_by("username")


# --- The catalogue --------------------------------------------------------------------------


@admin.register(ServiceGroup)
class ServiceGroupAdmin(AuditedModelAdmin, TranslationAdmin):
    list_display = ["name", "order"]


class AttributeInline(TranslationStackedInline):
    model = ServiceAttribute
    extra = 0
    fields = [
        "code",
        "datatype",
        "required",
        "variable",
        "description",
        "datatype_description",
        "order",
    ]
    show_change_link = True


@admin.register(Service)
class ServiceAdmin(AuditedModelAdmin, TranslationAdmin):
    list_display = [
        "name",
        "code",
        "group",
        "division",
        "target",
        "callback_required",
        "sensitive_location",
        "is_active",
    ]
    list_filter = ["group", "division", "is_active"]
    list_select_related = ["group", "division"]
    search_fields = ["name", "code"]
    inlines = [AttributeInline]

    @admin.display(description=_("response target"))
    def target(self, obj):
        return f"{obj.target_value} {obj.get_target_unit_display()}"


class ValueInline(TranslationStackedInline):
    model = AttributeValue
    extra = 0
    fields = ["key", "name", "order"]


@admin.register(ServiceAttribute)
class ServiceAttributeAdmin(AuditedModelAdmin, TranslationAdmin):
    list_display = ["description", "service", "code", "datatype", "required"]
    list_filter = ["service"]
    list_select_related = ["service"]
    inlines = [ValueInline]


# --- The queue ------------------------------------------------------------------------------


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


class StaffRequestForm(forms.ModelForm):
    """The staff page's inputs; nothing is saved by the form itself (see save_model)."""

    new_status = forms.ChoiceField(label=_("Move to"), required=False)
    reason = forms.ChoiceField(
        label=_("Close reason"),
        required=False,
        choices=[("", "—"), *CloseReason.choices],
    )
    assignee = forms.ModelChoiceField(label=_("Assigned to"), queryset=_staff(), required=False)
    note = forms.CharField(
        label=_("Internal note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Staff only: never shown to the resident."),
    )
    message = forms.CharField(
        label=_("Message to the resident"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Shown on their tracking page and sent by e-mail or text. Sent with the status "
            "change when there is one."
        ),
    )
    merge_into = forms.CharField(
        label=_("Duplicate of"),
        required=False,
        max_length=40,
        help_text=_("The request id of the request to keep: this one is closed as its duplicate."),
    )

    class Meta:
        model = ServiceRequest
        fields: list[str] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = _staff()
        if self.instance.pk:
            current = self.instance.status
            self.fields["new_status"].choices = [("", "—")] + [
                (s, Status(s).label) for s in TRANSITIONS[current]
            ]
            self.fields["assignee"].initial = self.instance.assigned_to_id

    def clean_merge_into(self):
        value = self.cleaned_data["merge_into"].strip()
        if not value:
            return None
        try:
            return selectors.request_get(public_id=value)
        except ValidationError as error:
            raise forms.ValidationError(error.messages) from None


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
class ServiceRequestAdmin(FormActionMixin, AuditedModelAdmin):
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

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        try:
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
        for formset in formsets:
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []

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
            wants.append(_("text"))
        if wants:
            text += " — " + str(_("wants updates by")) + " " + ", ".join(str(w) for w in wants)
        return text

    # -- list actions -------------------------------------------------------------------------

    def _each(self, request, queryset, to_status):
        done, refused = 0, []
        for row in queryset:
            try:
                services.request_transition(
                    service_request=row, to_status=to_status, actor=request.user
                )
                done += 1
            except ValidationError as error:
                refused.append(f"{row}: {' '.join(error.messages)}")
        self.message_user(
            request,
            ngettext("%(count)d request updated.", "%(count)d requests updated.", done)
            % {"count": done},
            messages.SUCCESS,
        )
        for line in refused:
            self.message_user(request, line, messages.WARNING)

    @admin.action(description=_("Acknowledge"), permissions=["change"])
    def acknowledge(self, request, queryset):
        self._each(request, queryset, Status.ACKNOWLEDGED)

    @admin.action(description=_("Start work"), permissions=["change"])
    def start(self, request, queryset):
        self._each(request, queryset, Status.IN_PROGRESS)

    @admin.action(description=_("Close with a reason"), permissions=["change"])
    def close(self, request, queryset):
        if "apply" in request.POST:
            form = CloseForm(request.POST)
            if form.is_valid():
                try:
                    count = services.request_bulk_close(
                        requests=list(queryset),
                        reason=form.cleaned_data["reason"],
                        message=form.cleaned_data["message"],
                        actor=request.user,
                    )
                except ValidationError as error:
                    self.message_user(request, " ".join(error.messages), messages.ERROR)
                    return None
                self.message_user(
                    request,
                    ngettext("%(count)d request closed.", "%(count)d requests closed.", count)
                    % {"count": count},
                    messages.SUCCESS,
                )
                return None
        return self.form_action(
            request,
            queryset,
            form_class=CloseForm,
            title=_("Close requests"),
            apply=lambda row, data: None,
        )

    @admin.action(description=_("Assign"), permissions=["change"])
    def assign(self, request, queryset):
        return self.form_action(
            request,
            queryset,
            form_class=AssignForm,
            title=_("Assign requests"),
            apply=lambda row, data: services.request_assign(
                service_request=row, assignee=data["assignee"], actor=request.user
            ),
        )

    @admin.action(description=_("Merge duplicates into one"), permissions=["change"])
    def merge(self, request, queryset):
        rows = list(queryset.order_by("requested_at"))
        if len(rows) < 2:
            self.message_user(request, _("Select two requests or more."), messages.WARNING)
            return None
        keep_form = type(
            "KeepForm",
            (forms.Form,),
            {
                "keep": forms.ChoiceField(
                    label=_("Keep this request (the others are closed as its duplicates)"),
                    choices=[(r.pk, f"{r} — {r.requested_at:%Y-%m-%d %H:%M}") for r in rows],
                )
            },
        )
        kept = {r.pk: r for r in rows}

        def apply(row, data):
            keep = kept[int(data["keep"])]
            if row.pk != keep.pk:
                services.request_merge(duplicate=row, into=keep, actor=request.user)

        return self.form_action(
            request, queryset, form_class=keep_form, title=_("Merge duplicates"), apply=apply
        )

    # -- photos and figures -------------------------------------------------------------------

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

    def photo_view(self, request, object_id, photo_id):
        if not self.has_view_or_change_permission(request):
            raise Http404
        photo = get_object_or_404(RequestPhoto, pk=photo_id, request_id=object_id)
        response = FileResponse(photo.file.open("rb"), content_type=photo.content_type)
        response["Cache-Control"] = "private, no-store"
        return response

    def on_time_view(self, request):
        if not self.has_view_or_change_permission(request):
            raise Http404
        by_service = selectors.on_time_by_service()
        by_neighborhood = selectors.on_time_by_neighborhood()
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("On-time rate"),
            "overall": selectors.on_time_overall(),
            "by_service": by_service,
            "by_neighborhood": by_neighborhood,
            "overdue": selectors.overdue_list().count(),
            "service_chart": bar_chart(
                values=[r.rate for r in by_service],
                labels=[r.label for r in by_service],
                title_id="by-service",
                unit="%",
            ),
            "neighborhood_chart": bar_chart(
                values=[r.rate for r in by_neighborhood],
                labels=[r.label for r in by_neighborhood],
                title_id="by-neighborhood",
                unit="%",
            ),
        }
        return TemplateResponse(request, "admin/service_requests/on_time.html", context)


class CloseForm(forms.Form):
    reason = forms.ChoiceField(label=_("Close reason"), choices=CloseReason.choices)
    message = forms.CharField(
        label=_("Message to the residents (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(label=_("Assign to"), queryset=_staff(), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = _staff()
