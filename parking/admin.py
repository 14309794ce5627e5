"""The parking back office: rules, permits (by night, street, status; revoke with a reason),
snow emergencies, blanket nights, refusals and the statistics page."""

import datetime

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TranslationAdmin
from solo.admin import SingletonModelAdmin

from parking import nights, selectors, services
from parking.models import (
    BlanketNight,
    ExcludedBlock,
    NightlyList,
    ParkingRules,
    Permit,
    PermitNight,
    Refusal,
    SnowEmergency,
    VehicleType,
)
from portal.admin import AuditedModelAdmin, CappedCountPaginator, FormActionMixin


class ParkingRulesForm(forms.ModelForm):
    excluded_vehicle_types = forms.MultipleChoiceField(
        label=_("vehicle types that get no exemption"),
        choices=VehicleType.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = ParkingRules
        fields = [
            "max_consecutive_nights",
            "window_nights",
            "window_days",
            "nights_per_year",
            "nights_per_address_per_month",
            "excluded_vehicle_types",
            "cutoff_time",
            "lead_time_minutes",
            "max_days_ahead",
            "ban_start",
            "ban_end",
            "list_minutes_before_ban",
            "supervisor_email",
            "requests_per_hour",
        ]


class ExcludedBlockInline(admin.TabularInline):
    model = ExcludedBlock
    extra = 0
    autocomplete_fields = ["street"]


@admin.register(ParkingRules)
class ParkingRulesAdmin(AuditedModelAdmin, SingletonModelAdmin):
    form = ParkingRulesForm
    inlines = [ExcludedBlockInline]
    fieldsets = [
        (
            _("Limits"),
            {
                "fields": [
                    "max_consecutive_nights",
                    ("window_nights", "window_days"),
                    "nights_per_year",
                    "nights_per_address_per_month",
                    "excluded_vehicle_types",
                ]
            },
        ),
        (
            _("Times"),
            {
                "fields": [
                    "cutoff_time",
                    "lead_time_minutes",
                    "max_days_ahead",
                    "requests_per_hour",
                ]
            },
        ),
        (
            _("The nightly ban and the list"),
            {
                "fields": [
                    ("ban_start", "ban_end"),
                    "list_minutes_before_ban",
                    "supervisor_email",
                ]
            },
        ),
    ]


class PermitNightInline(admin.TabularInline):
    model = PermitNight
    extra = 0
    fields = ["night", "status"]
    readonly_fields = ["night", "status"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class NightFilter(admin.SimpleListFilter):
    title = _("night")
    parameter_name = "night"

    def lookups(self, request, model_admin):
        # Last night, tonight and the coming fortnight: the nights staff ask about.
        tonight = nights.tonight()
        days = [tonight + datetime.timedelta(days=offset) for offset in range(-2, 15)]
        return [(day.isoformat(), nights.night_label(day)) for day in days]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        try:
            night = datetime.date.fromisoformat(self.value())
        except ValueError:  # a hand-edited URL: nothing, rather than an error page
            return queryset.none()
        return self.holding(queryset, night)

    def holding(self, queryset, night: datetime.date):
        # The permits holding that night, by the nights' index: no join, no DISTINCT.
        return queryset.filter(pk__in=PermitNight.objects.filter(night=night).values("permit_id"))


class NightOfPermitNightFilter(NightFilter):
    def holding(self, queryset, night: datetime.date):
        return queryset.filter(night=night)


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (the holder reads it)"), max_length=300, widget=forms.Textarea
    )


@admin.register(Permit)
class PermitAdmin(FormActionMixin, AuditedModelAdmin):
    audit_views = True
    list_display = [
        "display_code",
        "plate",
        "plate_state",
        "address_display",
        "first_night",
        "last_night",
        "status",
        "created_at",
    ]
    list_filter = [NightFilter, "status", "street", "reason"]
    search_fields = ["=plate", "=code"]
    list_select_related = ["street"]
    # A million permits: no full count, no date hierarchy (its DISTINCT reads every row; the
    # night filter serves instead), newest first by an index (bench: 1.3 s to 0.2 s a page).
    show_full_result_count = False
    paginator = CappedCountPaginator
    inlines = [PermitNightInline]
    actions = ["revoke"]
    readonly_fields = [
        "code",
        "plate",
        "plate_state",
        "vehicle_type",
        "make",
        "model",
        "colour",
        "street",
        "house_number",
        "reason",
        "reason_note",
        "email",
        "mobile",
        "language",
        "status",
        "status_reason",
        "first_night",
        "last_night",
        "created_at",
    ]
    fields = readonly_fields
    change_list_template = "admin/parking/permit/change_list.html"

    def get_search_results(self, request, queryset, search_term):
        term = nights.normalise_plate(search_term)
        if term:
            return queryset.filter(plate=term) | queryset.filter(
                code=nights.normalise_code(search_term)
            ), False
        return super().get_search_results(request, queryset, search_term)

    @admin.display(description=_("address"), ordering="street__name")
    def address_display(self, obj):
        return obj.address

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(
        description=_("Revoke the selected permits (with a reason)"), permissions=["change"]
    )
    def revoke(self, request, queryset):
        return self.form_action(
            request,
            queryset,
            form_class=RevokeForm,
            title=_("Revoke permits"),
            intro=_(
                "The holders of these permits are told by e-mail or text message, with the "
                "reason you give. Nights still to come are cancelled."
            ),
            submit_label=_("Revoke"),
            apply=lambda permit, data: services.permit_revoke(
                permit=permit, reason=data["reason"], actor=request.user
            ),
            done=lambda count: (
                ngettext(
                    "%(count)d permit revoked; the holder is notified.",
                    "%(count)d permits revoked; the holders are notified.",
                    count,
                )
                % {"count": count}
            ),
        )

    def get_urls(self):
        return [
            path(
                "statistics/",
                self.admin_site.admin_view(self.statistics_view),
                name="parking_permit_statistics",
            ),
            *super().get_urls(),
        ]

    def statistics_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        stats = selectors.statistics(days=30)
        services.audit_record(actor=request.user, action="parking.statistics.viewed")
        return TemplateResponse(
            request,
            "admin/parking/permit/statistics.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Overnight parking statistics (last 30 days)"),
                "opts": self.model._meta,
                **stats,
            },
        )


@admin.register(PermitNight)
class PermitNightAdmin(AuditedModelAdmin):
    audit_views = True
    list_display = ["night", "plate", "plate_state", "house_number", "street", "status", "code"]
    list_filter = [NightOfPermitNightFilter, "status", "street"]
    search_fields = ["=plate", "=permit__code"]
    paginator = CappedCountPaginator
    list_select_related = ["street", "permit"]
    readonly_fields = [
        "permit",
        "night",
        "plate",
        "plate_state",
        "street",
        "house_number",
        "status",
    ]
    show_full_result_count = False

    @admin.display(description=_("code"))
    def code(self, obj):
        url = reverse("admin:parking_permit_change", args=[obj.permit_id])
        return format_html('<a href="{}">{}</a>', url, obj.permit.display_code)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Refusal)
class RefusalAdmin(AuditedModelAdmin):
    audit_views = True
    list_display = ["at", "rule", "night", "plate", "plate_state", "street", "language"]
    list_filter = ["rule", "language"]
    date_hierarchy = "at"
    search_fields = ["=plate"]
    list_select_related = ["street"]
    readonly_fields = [f.name for f in Refusal._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(SnowEmergency)
class SnowEmergencyAdmin(AuditedModelAdmin, TranslationAdmin):
    list_display = ["starts_at", "ends_at", "declared_by", "applied_at", "permits_cancelled"]
    # "message" is shown as message_en and message_es side by side (parking/translation.py).
    fields = ["starts_at", "ends_at", "message", "applied_at", "permits_cancelled"]
    readonly_fields = ["applied_at", "permits_cancelled"]

    def save_model(self, request, obj, form, change):
        # The service saves, audits and queues the cancelling job in this transaction.
        services.ban_declare(
            starts_at=obj.starts_at,
            ends_at=obj.ends_at,
            message_en=obj.message_en,
            message_es=obj.message_es,
            actor=request.user,
            ban=obj,
        )
        self.message_user(
            request,
            _(
                "The ban is declared. Overlapping permits are being cancelled and their "
                "holders told."
            ),
            messages.SUCCESS,
        )

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(BlanketNight)
class BlanketNightAdmin(AuditedModelAdmin, TranslationAdmin):
    list_display = ["night", "name_en", "name_es"]
    date_hierarchy = "night"


@admin.register(NightlyList)
class NightlyListAdmin(AuditedModelAdmin):
    list_display = ["night", "vehicles", "sent_to", "generated_at", "downloads"]
    date_hierarchy = "night"
    readonly_fields = ["night", "vehicles", "sent_to", "generated_at"]

    @admin.display(description=_("download"))
    def downloads(self, obj):
        night = obj.night.isoformat()
        return format_html(
            '<a href="{}">CSV</a> · <a href="{}">PDF</a>',
            reverse("parking:list-csv", args=[night]),
            reverse("parking:list-pdf", args=[night]),
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
