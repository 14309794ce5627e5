from datetime import timedelta

import factory
from django.utils import timezone

from programs.models import Event, NewsItem, Problem, ProblemNote, Program, Registration
from tests.factories import NeighborhoodFactory, OfficerFactory


class ProgramFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Program
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"program-{n}")
    title_en = factory.Sequence(lambda n: f"Program {n}")
    title_es = factory.Sequence(lambda n: f"Programa {n}")
    summary_en = "Officers and neighbors working together."
    summary_es = "Agentes y vecinos trabajando juntos."
    body_en = "## What we do\n\nWe meet every week."
    body_es = "## Qué hacemos\n\nNos reunimos cada semana."
    contact_officer = factory.SubFactory(OfficerFactory)
    status = Program.Status.PUBLISHED

    @factory.post_generation
    def editors(self, create, extracted, **kwargs):
        for user in extracted or []:
            self.editors.add(user)


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    slug = factory.Sequence(lambda n: f"event-{n}")
    program = factory.SubFactory(ProgramFactory)
    title_en = factory.Sequence(lambda n: f"Event {n}")
    title_es = factory.Sequence(lambda n: f"Evento {n}")
    description_en = "Come along."
    description_es = "Venga."
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=3))
    ends_at = factory.LazyAttribute(lambda e: e.starts_at + timedelta(hours=2))
    place_name = "Community Center"
    address = "45 Park Avenue, Eastbrook, CT"
    accessibility_en = "Step-free entrance."
    accessibility_es = "Entrada sin escalones."


class MeetingFactory(EventFactory):
    program = None
    neighborhood = factory.SubFactory(NeighborhoodFactory)


class RegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Registration

    event = factory.SubFactory(EventFactory, registration=Event.Registration.SIMPLE)
    status = Registration.Status.CONFIRMED
    name = factory.Sequence(lambda n: f"Resident {n}")
    email = factory.Sequence(lambda n: f"resident{n}@example.org")


class NewsItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NewsItem

    program = factory.SubFactory(ProgramFactory)
    title_en = factory.Sequence(lambda n: f"News {n}")
    title_es = factory.Sequence(lambda n: f"Noticia {n}")
    body_en = "Something happened."
    body_es = "Pasó algo."
    published_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))


class ProblemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Problem

    neighborhood = factory.SubFactory(NeighborhoodFactory)
    title_en = factory.Sequence(lambda n: f"Problem {n}")
    title_es = factory.Sequence(lambda n: f"Problema {n}")
    is_published = True


class ProblemNoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProblemNote

    problem = factory.SubFactory(ProblemFactory)
    stage = Problem.Stage.SCANNING
    text_en = "Raised at the meeting."
    text_es = "Se planteó en la reunión."
