import factory

from portal.passphrases import passphrase_hash
from tips.models import Tip, TipCategory

PASSPHRASE = "seven plain words make a decent passphrase"


class TipCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TipCategory
        django_get_or_create = ["slug"]

    slug = factory.Sequence(lambda n: f"category-{n}")
    name_en = factory.Sequence(lambda n: f"Category {n}")
    name_es = factory.Sequence(lambda n: f"Categoría {n}")
    name = factory.LazyAttribute(lambda c: c.name_en)
    urgent = False


class TipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tip

    category = factory.SubFactory(TipCategoryFactory)
    what = "Someone keeps dirt bikes in the garage behind the store."
    where = "Mill Street"
    passphrase_hash = factory.LazyFunction(lambda: passphrase_hash(PASSPHRASE))
