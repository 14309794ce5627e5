"""The board's accountability reports in admin: a board member or a site administrator asks for
one (portal/services/accountability.py); a worker draws it."""

from django import forms as django_forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from portal.accountability_models import AccountabilityReport
from portal.forms import add_domain_errors
from portal.services import accountability as accountability_services


class AccountabilityReportForm(django_forms.ModelForm):
    """Asking for a report: the service creates it (in the admin's transaction) and hands its
    drawing to a worker after commit."""

    class Meta:
        model = AccountabilityReport
        fields = ["period_start", "period_end"]

    def clean(self):
        data = super().clean()
        if self.errors or self.instance.pk:
            return data
        try:
            self.instance = accountability_services.report_request(
                period_start=data["period_start"],
                period_end=data["period_end"],
                requested_by=self.request_user,
            )
        except ValidationError as error:
            add_domain_errors(self, error)
        return data

    def validate_unique(self):
        pass  # the service answers "already asked for" in words


@admin.register(AccountabilityReport)
class AccountabilityReportAdmin(admin.ModelAdmin):
    form = AccountabilityReportForm
    list_display = ["__str__", "status", "requested_at", "generated_at", "worker_seconds"]
    list_filter = ["status"]
    readonly_fields = ["status", "requested_at", "generated_at", "worker_seconds", "download"]

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.request_user = request.user
        return form

    def get_readonly_fields(self, request, obj=None):
        if obj is not None:
            return ["period_start", "period_end", *self.readonly_fields]
        return []

    def save_model(self, request, obj, form, change):
        pass  # report_request saved it, with its audit entry, in form.clean()

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("download"))
    def download(self, obj):
        if obj.status != AccountabilityReport.Status.READY:
            return "—"
        return format_html(
            '<a href="{}">{}</a>', reverse("accountability-report", args=[obj.pk]), _("PDF")
        )
