"""Record-check letters: prepared and issued (by two clerks) from a request's page; here
they are looked up and withdrawn."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from portal.admin import AuditedModelAdmin, FormActionMixin
from records import services
from records.admin.forms import ReasonForm
from records.models import RecordCheckLetter


@admin.register(RecordCheckLetter)
class RecordCheckLetterAdmin(FormActionMixin, AuditedModelAdmin):
    list_display = ["code", "request", "subject_name", "records_found", "issued_at", "revoked_at"]
    search_fields = ["=code", "=request__tracking_number"]
    list_select_related = ["request"]
    readonly_fields = [
        "code",
        "request",
        "subject_name",
        "date_of_birth",
        "records_found",
        "prepared_at",
        "prepared_by",
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
        return self.form_action(
            request,
            queryset,
            form_class=ReasonForm,
            title=_("Withdraw the selected letters"),
            apply=lambda letter_row, data: services.letter_revoke(
                letter_row=letter_row, actor=request.user, reason=data["reason"]
            ),
            done=lambda count: _("Done."),
        )
