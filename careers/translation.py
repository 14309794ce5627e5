"""The careers fields residents read in English and Spanish (django-modeltranslation)."""

from modeltranslation.translator import TranslationOptions, register

from careers.models import HiringStep, Position


@register(Position)
class PositionTranslation(TranslationOptions):
    fields = ("title", "summary", "description", "requirements", "salary", "how_to_apply")


@register(HiringStep)
class HiringStepTranslation(TranslationOptions):
    fields = ("title", "description")
