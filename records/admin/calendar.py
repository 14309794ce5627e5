"""The fingerprinting calendar: times with room for a number of people, repeated weekly."""

from datetime import timedelta

from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from portal.admin import AuditedModelAdmin, FormActionMixin
from records import services
from records.admin.forms import RepeatForm
from records.models import FingerprintSlot


@admin.register(FingerprintSlot)
class FingerprintSlotAdmin(FormActionMixin, AuditedModelAdmin):
    list_display = ["starts_at", "ends_at", "capacity", "booked"]
    readonly_fields = ["booked"]
    date_hierarchy = "starts_at"
    actions = ["repeat_weekly"]

    @admin.action(description=_("Repeat the selected times every week"), permissions=["add"])
    def repeat_weekly(self, request, queryset):
        made = []
        return self.form_action(
            request,
            queryset,
            form_class=RepeatForm,
            title=_("Repeat the selected times every week"),
            apply=lambda slot, data: made.append(
                services.slots_repeat(slots=[slot], weeks=data["weeks"], actor=request.user)
            ),
            done=lambda count: (
                ngettext("%(count)d time added.", "%(count)d times added.", sum(made))
                % {"count": sum(made)}
            ),
        )

    def get_queryset(self, request):
        return (
            super().get_queryset(request).filter(starts_at__gte=timezone.now() - timedelta(days=30))
        )

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.booked:
            return False  # people are booked: move them first
        return super().has_delete_permission(request, obj)
