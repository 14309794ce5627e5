"""The fee schedule and the Records Division's settings."""

from django.contrib import admin
from modeltranslation.admin import TranslationAdmin
from solo.admin import SingletonModelAdmin

from portal.admin import AuditedModelAdmin
from portal.services.audit import audit_record
from records import services
from records.admin.forms import FeeScheduleItemForm
from records.models import FeeScheduleItem, RecordsSettings


@admin.register(FeeScheduleItem)
class FeeScheduleItemAdmin(AuditedModelAdmin, TranslationAdmin):
    form = FeeScheduleItemForm
    list_display = ["name", "kind", "unit", "amount", "is_copy", "active"]
    list_filter = ["kind", "active"]

    def save_model(self, request, obj, form, change):
        services.fee_schedule_item_save(item=obj)  # the cap on copies holds at this door too
        audit_record(
            actor=request.user,
            action=self._action("changed" if change else "added"),
            target=obj,
            detail={"fields": sorted(form.changed_data)} if change else {},
        )


@admin.register(RecordsSettings)
class RecordsSettingsAdmin(AuditedModelAdmin, SingletonModelAdmin):
    pass
