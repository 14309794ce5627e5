"""Which parking fields are written in English and Spanish side by side (django-modeltranslation):
a snow emergency's message and a blanket night's occasion. Code and templates read the plain
attribute (`ban.message`, `blanket.name`), which gives the active language's text, falling back
to English when the Spanish is empty."""

from modeltranslation.translator import TranslationOptions, register

from parking.models import BlanketNight, SnowEmergency


@register(SnowEmergency)
class SnowEmergencyTranslation(TranslationOptions):
    fields = ("message",)


@register(BlanketNight)
class BlanketNightTranslation(TranslationOptions):
    fields = ("name",)
    required_languages = ("en", "es")
