"""The catalogue fields residents read in English and Spanish (django-modeltranslation)."""

from modeltranslation.translator import TranslationOptions, register

from service_requests.models import AttributeValue, Service, ServiceAttribute, ServiceGroup


@register(ServiceGroup)
class ServiceGroupTranslation(TranslationOptions):
    fields = ("name",)


@register(Service)
class ServiceTranslation(TranslationOptions):
    fields = ("name", "description", "emergency_note")


@register(ServiceAttribute)
class ServiceAttributeTranslation(TranslationOptions):
    fields = ("description", "datatype_description")


@register(AttributeValue)
class AttributeValueTranslation(TranslationOptions):
    fields = ("name",)
