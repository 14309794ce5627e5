"""Program fields written in English and Spanish side by side (django-modeltranslation)."""

from modeltranslation.translator import TranslationOptions, register

from programs.models import Event, NewsItem, Partner, Problem, ProblemNote, Program, ProgramImage


@register(Program)
class ProgramTranslation(TranslationOptions):
    fields = ("title", "summary", "body")


@register(ProgramImage)
class ProgramImageTranslation(TranslationOptions):
    fields = ("alt_text", "caption")


@register(Partner)
class PartnerTranslation(TranslationOptions):
    fields = ("description",)


@register(NewsItem)
class NewsItemTranslation(TranslationOptions):
    fields = ("title", "body")


@register(Event)
class EventTranslation(TranslationOptions):
    fields = ("title", "description", "accessibility", "status_note")


@register(Problem)
class ProblemTranslation(TranslationOptions):
    fields = ("title", "description")


@register(ProblemNote)
class ProblemNoteTranslation(TranslationOptions):
    fields = ("text",)
