"""Which records fields are kept in English and Spanish (django-modeltranslation): columns
`<field>_en` and `<field>_es`; the plain attribute reads the active language, falling back to
English."""

from modeltranslation.translator import TranslationOptions, register

from records.models import Fee, FeeScheduleItem


@register(FeeScheduleItem)
class FeeScheduleItemTranslation(TranslationOptions):
    fields = ("name",)


@register(Fee)
class FeeTranslation(TranslationOptions):
    fields = ("description",)
