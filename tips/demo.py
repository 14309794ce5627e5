"""The tip line's part of the demo department: the categories residents choose from, and a few
tips (in our own words) so the investigators' queue has something to show."""

from django.conf import settings
from django.db import transaction

from portal.passphrases import passphrase_hash
from tips import crypto
from tips.models import Tip, TipCategory, TipMessage
from tips.services import tip_submit

DEMO_NUMBER = "DEM23-45678"
DEMO_PASSPHRASE = "lantern orbit pebble meadow crisp harbor velvet"  # noqa: S105 - demo only

CATEGORIES = [
    ("guns", "Guns and shootings", "Armas y tiroteos", True),
    ("drugs", "Drugs", "Drogas", False),
    ("violence", "Group and gang violence", "Violencia de grupos y pandillas", True),
    (
        "atv",
        "ATVs and dirt bikes, including where they are stored",
        "Cuatrimotos y motos de cross, también dónde las guardan",
        False,
    ),
    ("wanted", "Wanted person", "Persona buscada", False),
    ("theft", "Theft and burglary", "Robos y hurtos en viviendas", False),
    ("quality", "Quality of life", "Calidad de vida", False),
    ("other", "Other", "Otro", False),
]

DEMO_TIPS = [
    (
        "atv",
        "Four dirt bikes are kept behind the laundromat on Mill Street and ridden on the "
        "sidewalks every evening around seven.",
        "Behind the laundromat, Mill Street",
    ),
    (
        "drugs",
        "A grey sedan parks outside the corner store most afternoons and people walk up to "
        "the driver's window for a minute each.",
        "Corner of Oak and Fifth",
    ),
    (
        "guns",
        "Heard three shots near the basketball courts last night, and saw two people run "
        "toward the river path.",
        "Riverside park courts",
    ),
]


@transaction.atomic
def load_demo() -> None:
    categories = {}
    for order, (slug, name_en, name_es, urgent) in enumerate(CATEGORIES, start=1):
        category, _ = TipCategory.objects.update_or_create(
            slug=slug,
            defaults={
                "name_en": name_en,
                "name_es": name_es,
                "name": name_en,
                "urgent": urgent,
                "order": order * 10,
            },
        )
        categories[slug] = category
    if Tip.objects.exists() or not crypto.available():
        return  # no key in production mode: the categories are enough
    tips = [
        tip_submit(category=categories[slug], what=what, where=where, language="en").tip
        for slug, what, where in DEMO_TIPS
    ]
    if settings.DEBUG:
        # A published number and passphrase, so the check-back page can be tried in the demo
        # (docs/tips.md); only with DEBUG=1, like the demo staff accounts.
        first = tips[0]
        first.number = DEMO_NUMBER
        first.passphrase_hash = passphrase_hash(DEMO_PASSPHRASE)
        first.status = Tip.Status.REVIEWING
        first.save(update_fields=["number", "passphrase_hash", "status"])
        TipMessage.objects.create(
            tip=first,
            direction=TipMessage.Direction.INVESTIGATOR,
            body="Thank you. Are the bikes there during the day too, or only in the evening?",
        )
