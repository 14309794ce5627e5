"""The lock-up's back office: bookings (read, import a CSV), booking systems' keys, visiting
slots and requests, and the settings with the visiting information."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin
from solo.admin import SingletonModelAdmin

from custody import services
from custody.forms import CsvUploadForm
from custody.models import BookingSystem, CustodyRecord, CustodySettings, VisitRequest, VisitSlot
from portal.admin import AuditedModelAdmin
from portal.forms import add_domain_errors
from portal.links import SignedLink

# The previewed file travels back with the confirmation, signed so the import is the file
# that was previewed.
CSV_PREVIEW = SignedLink(salt="custody.csv-preview", max_age=3600)


@admin.register(CustodySettings)
class CustodySettingsAdmin(AuditedModelAdmin, TranslationAdmin, SingletonModelAdmin):
    pass


class BookingSystemForm(forms.ModelForm):
    """Adding a system: once the name is clean and found unique, the form hands it to
    `services.booking_system_create`, so a refusal (a name another member of staff added at
    the same moment) shows beside the name, as typed. The admin's add view is one transaction:
    the system commits with the page that shows its key. `actor` is set by `get_form`."""

    actor = None
    created: tuple[BookingSystem, str] | None = None

    class Meta:
        model = BookingSystem
        fields = ["name"]

    def validate_unique(self):
        # The last of the form's checks (after the model's own unique check), so the row the
        # service adds is not taken for a duplicate of itself.
        super().validate_unique()
        if self.errors or self.instance.pk is not None:
            return  # a rename is the model form's own save
        try:
            self.created = services.booking_system_create(
                name=self.cleaned_data["name"], actor=self.actor
            )
        except ValidationError as error:
            add_domain_errors(self, error)


@admin.register(BookingSystem)
class BookingSystemAdmin(AuditedModelAdmin):
    form = BookingSystemForm
    list_display = ["name", "prefix", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["prefix", "created_at", "last_used_at", "revoked_at"]
    actions = ["issue_key", "revoke"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.actor = request.user  # a class made for this request (modelform_factory)
        return form

    def save_model(self, request, obj, form, change):
        if change:  # a new name
            super().save_model(request, obj, form, change)
            return
        # Validating the form saved the system with its key and the audit entry, in one
        # service call (BookingSystemForm.validate_unique).
        system, key = form.created
        obj.pk = system.pk
        self._message_key(request, system, key)

    def _show_key(self, request, system):
        key = services.booking_system_issue_key(system=system, actor=request.user)
        self._message_key(request, system, key)

    def _message_key(self, request, system, key):
        messages.warning(
            request,
            _("Key for %(name)s (shown once, copy it now): %(key)s")
            % {"name": system.name, "key": key},
        )

    @admin.action(description=_("Issue a new key (the old one stops working)"))
    def issue_key(self, request, queryset):
        for system in queryset:
            self._show_key(request, system)

    @admin.action(description=_("Revoke the key"))
    def revoke(self, request, queryset):
        for system in queryset:
            services.booking_system_revoke(system=system, actor=request.user)


@admin.register(CustodyRecord)
class CustodyRecordAdmin(AuditedModelAdmin):
    audit_views = True
    list_display = [
        "booking_number",
        "last_name",
        "first_name",
        "charge_category",
        "booked_at",
        "released_at",
        "juvenile",
        "confidential",
    ]
    list_filter = [
        "charge_category",
        "juvenile",
        "confidential",
        ("released_at", admin.EmptyFieldListFilter),
    ]
    search_fields = ["booking_number", "last_name"]
    date_hierarchy = "booked_at"
    change_list_template = "admin/custody/custodyrecord/change_list.html"

    def has_add_permission(self, request):
        return False  # bookings come from the booking system (API or CSV)

    def has_change_permission(self, request, obj=None):
        return False

    def get_urls(self):
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.csv_import_view),
                name="custody_custodyrecord_import",
            ),
            *super().get_urls(),
        ]

    def csv_import_view(self, request):
        if not request.user.has_perm("custody.import_custodyrecord"):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Import bookings from a CSV file"),
        }
        if request.method == "POST" and "confirm" in request.POST:
            content = CSV_PREVIEW.read(request.POST.get("content", ""))
            if content is None:
                messages.error(request, _("The preview expired. Upload the file again."))
                return redirect("admin:custody_custodyrecord_import")
            counts = services.csv_import(content=content.encode(), actor=request.user)
            messages.success(
                request,
                _("%(created)d created, %(updated)d updated, %(refused)d refused.") % counts,
            )
            return redirect("admin:custody_custodyrecord_changelist")
        form = CsvUploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            content = upload.read(services.bookings.CSV_MAX_BYTES + 1)
            try:
                rows = services.csv_preview(content=content)
            except ValidationError as error:
                add_domain_errors(form, error)
            else:
                context.update(
                    rows=rows,
                    fields=list(rows[0].data),
                    valid=sum(1 for row in rows if not row.errors),
                    refused=sum(1 for row in rows if row.errors),
                    signed=CSV_PREVIEW.make(content.decode("utf-8-sig")),
                )
        context["form"] = form
        return TemplateResponse(request, "admin/custody/import.html", context)


@admin.register(VisitSlot)
class VisitSlotAdmin(AuditedModelAdmin):
    list_display = ["date", "starts_at", "minutes", "capacity", "booked"]
    date_hierarchy = "date"

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                booked_count=Count(
                    "requests", filter=Q(requests__status=VisitRequest.Status.BOOKED)
                )
            )
        )

    @admin.display(description=_("booked"), ordering="booked_count")
    def booked(self, obj):
        return obj.booked_count


@admin.register(VisitRequest)
class VisitRequestAdmin(AuditedModelAdmin):
    list_display = ["slot", "name", "visiting", "email", "phone", "status"]
    list_filter = ["status", "slot__date"]
    search_fields = ["name", "visiting"]
    list_select_related = ["slot"]
    readonly_fields = [
        "slot",
        "name",
        "email",
        "phone",
        "visiting",
        "language",
        "status",
        "created_at",
        "cancelled_at",
    ]
    actions = ["cancel"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Cancel the selected visits"))
    def cancel(self, request, queryset):
        for visit in queryset:
            services.visit_cancel(visit_id=visit.pk)
