"""Tip categories are named in English and Spanish side by side (django-modeltranslation)."""

from modeltranslation.translator import TranslationOptions, register

from tips.models import TipCategory


@register(TipCategory)
class TipCategoryTranslation(TranslationOptions):
    fields = ("name", "description")
