"""A small town (two neighborhoods side by side, a few streets) and a catalogue of services."""

import factory

from service_requests.models import AttributeValue, Service, ServiceAttribute, ServiceGroup
from tests.factories import DivisionFactory, NeighborhoodFactory, StreetFactory

# Two squares side by side: west (-72.70 .. -72.68) and east (-72.68 .. -72.66), 41.76 .. 41.78.
WEST = {
    "type": "Polygon",
    "coordinates": [
        [[-72.70, 41.76], [-72.68, 41.76], [-72.68, 41.78], [-72.70, 41.78], [-72.70, 41.76]]
    ],
}
EAST = {
    "type": "Polygon",
    "coordinates": [
        [[-72.68, 41.76], [-72.66, 41.76], [-72.66, 41.78], [-72.68, 41.78], [-72.68, 41.76]]
    ],
}
INSIDE_WEST = ("41.770000", "-72.690000")
INSIDE_EAST = ("41.770000", "-72.670000")
OUTSIDE = ("41.800000", "-72.690000")


class ServiceGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceGroup

    name_en = factory.Sequence(lambda n: f"Group {n}")
    name_es = factory.Sequence(lambda n: f"Grupo {n}")


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Service

    code = factory.Sequence(lambda n: f"service-{n}")
    group = factory.SubFactory(ServiceGroupFactory)
    name_en = factory.Sequence(lambda n: f"Service {n}")
    name_es = factory.Sequence(lambda n: f"Servicio {n}")
    description_en = "Something to look at."
    description_es = "Algo que revisar."
    division = factory.SubFactory(DivisionFactory)
    target_value = 2
    target_unit = "hours"


class AttributeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceAttribute

    service = factory.SubFactory(ServiceFactory)
    code = factory.Sequence(lambda n: f"q{n}")
    datatype = "string"
    description_en = factory.Sequence(lambda n: f"Question {n}?")
    description_es = factory.Sequence(lambda n: f"¿Pregunta {n}?")


def with_choices(attribute, *keys):
    for order, key in enumerate(keys, start=1):
        AttributeValue.objects.create(
            attribute=attribute, key=key, name_en=key.title(), name_es=key.upper(), order=order
        )
    return attribute


__all__ = [
    "EAST",
    "INSIDE_EAST",
    "INSIDE_WEST",
    "OUTSIDE",
    "WEST",
    "AttributeFactory",
    "DivisionFactory",
    "NeighborhoodFactory",
    "ServiceFactory",
    "ServiceGroupFactory",
    "StreetFactory",
    "with_choices",
]
