"""Visiting information written in English and Spanish side by side (django-modeltranslation)."""

from modeltranslation.translator import TranslationOptions, register

from custody.models import CustodySettings


@register(CustodySettings)
class CustodySettingsTranslation(TranslationOptions):
    fields = ("visiting_hours", "visiting_rules", "what_to_bring", "accessibility")
