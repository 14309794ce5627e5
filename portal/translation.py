"""Which kernel fields are edited in English and Spanish side by side (django-modeltranslation)."""

from modeltranslation.translator import TranslationOptions, register

from .models import DepartmentSettings, Division, Neighborhood, Officer


@register(DepartmentSettings)
class DepartmentSettingsTranslation(TranslationOptions):
    fields = ("name", "hours")


@register(Division)
class DivisionTranslation(TranslationOptions):
    fields = ("name", "description", "hours")


@register(Officer)
class OfficerTranslation(TranslationOptions):
    fields = ("rank", "assignment")


@register(Neighborhood)
class NeighborhoodTranslation(TranslationOptions):
    fields = ("summary", "description")
