import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from portal.models import Division, Neighborhood, Officer, Street


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"staff{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    is_staff = True

    @factory.post_generation
    def password(self, create, extracted, **kwargs):
        self.set_password(extracted or "correct horse battery")
        if create:
            self.save(update_fields=["password"])

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        for role in extracted or []:
            self.groups.add(Group.objects.get(name=role))


class OfficerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Officer

    name = factory.Sequence(lambda n: f"Officer {n}")
    rank_en = "Lieutenant"
    rank_es = "Teniente"
    phone = "(860) 555-0100"
    email = factory.Sequence(lambda n: f"officer{n}@example.org")


class NeighborhoodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Neighborhood

    name = factory.Sequence(lambda n: f"Neighborhood {n}")
    slug = factory.Sequence(lambda n: f"neighborhood-{n}")
    summary_en = "A quiet place."
    summary_es = "Un lugar tranquilo."
    coordinator = factory.SubFactory(OfficerFactory)


class StreetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Street

    name = factory.Sequence(lambda n: f"{n} Elm Street")
    neighborhood = factory.SubFactory(NeighborhoodFactory)


class DivisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Division

    name_en = factory.Sequence(lambda n: f"Division {n}")
    name_es = factory.Sequence(lambda n: f"División {n}")
    phone = "(860) 555-0142"
