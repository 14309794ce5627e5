"""The catalogue of services, with their questions and choices."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin, TranslationStackedInline

from portal.admin import AuditedModelAdmin
from service_requests.models import AttributeValue, Service, ServiceAttribute, ServiceGroup


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
