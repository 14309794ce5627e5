"""Demo data (make run): the catalogue of services and a few weeks of requests in each
neighborhood, some open, some overdue, most closed, made through request_submit and the
workflow services so every rule and history line is real."""

import random
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from portal.models import Division, Neighborhood, Street
from service_requests import catalogue, crypto, services
from service_requests.models import (
    AttributeValue,
    RequestEvent,
    Service,
    ServiceAttribute,
    ServiceGroup,
    ServiceRequest,
)

REQUESTS_PER_NEIGHBORHOOD = 12


@transaction.atomic
def load_catalogue() -> None:
    """Create or update the catalogue of catalogue.py (idempotent)."""
    groups = {}
    for order, (key, en, es) in enumerate(catalogue.GROUPS, start=1):
        group = ServiceGroup.objects.filter(name_en=en).first() or ServiceGroup()
        group.name, group.name_en, group.name_es, group.order = en, en, es, order * 10
        group.save()
        groups[key] = group
    divisions = {d.name_en: d for d in Division.objects.all()}
    fallback = Division.objects.order_by("order").first()
    for order, entry in enumerate(catalogue.SERVICES, start=1):
        service, _ = Service.objects.update_or_create(
            code=entry["code"],
            defaults={
                "group": groups[entry["group"]],
                "name": entry["name"][0],
                "name_en": entry["name"][0],
                "name_es": entry["name"][1],
                "description": entry["description"][0],
                "description_en": entry["description"][0],
                "description_es": entry["description"][1],
                "emergency_note": entry["emergency"][0],
                "emergency_note_en": entry["emergency"][0],
                "emergency_note_es": entry["emergency"][1],
                "division": divisions.get(entry["division"], fallback),
                "target_value": entry["target"][0],
                "target_unit": entry["target"][1],
                "callback_required": entry.get("callback", False),
                "sensitive_location": entry.get("sensitive", False),
                "order": order * 10,
            },
        )
        for q_order, (code, datatype, required, text, values) in enumerate(
            entry["questions"], start=1
        ):
            question, _ = ServiceAttribute.objects.update_or_create(
                service=service,
                code=code,
                defaults={
                    "datatype": datatype,
                    "required": required,
                    "description": text[0],
                    "description_en": text[0],
                    "description_es": text[1],
                    "order": q_order,
                },
            )
            for v_order, (key, en, es) in enumerate(values, start=1):
                AttributeValue.objects.update_or_create(
                    attribute=question,
                    key=key,
                    defaults={"name": en, "name_en": en, "name_es": es, "order": v_order},
                )


def _answers(service: Service, rng: random.Random) -> dict:
    answers = {}
    for question in service.attributes.all():
        keys = [v.key for v in question.values.all()]
        if question.datatype == "singlevaluelist":
            answers[question.code] = rng.choice(keys)
        elif question.datatype == "multivaluelist":
            answers[question.code] = rng.sample(keys, k=1)
        elif question.datatype == "number" and question.required:
            answers[question.code] = rng.randint(1, 3)
    return answers


def _point(neighborhood: Neighborhood, rng: random.Random) -> tuple[str, str] | None:
    ring = (neighborhood.boundary or {}).get("coordinates", [[]])[0]
    if not ring:
        return None
    xs, ys = [p[0] for p in ring], [p[1] for p in ring]
    return (
        f"{rng.uniform(min(ys) + 0.001, max(ys) - 0.001):.6f}",
        f"{rng.uniform(min(xs) + 0.001, max(xs) - 0.001):.6f}",
    )


def load_demo() -> None:
    if not Division.objects.exists():
        return
    load_catalogue()
    if Service.objects.filter(requests__isnull=False).exists():
        return  # requests loaded before: the demo is idempotent
    if not crypto.KEYRING.available():
        return  # contact details could not be encrypted: the catalogue alone
    rng = random.Random(14)  # noqa: S311 - demo data, not secrets
    staff = get_user_model().objects.filter(username__in=["animal", "community"]).first()
    offered = list(Service.objects.prefetch_related("attributes__values"))
    now = timezone.now()
    for neighborhood in Neighborhood.objects.exclude(boundary=None):
        streets = list(Street.objects.filter(neighborhood=neighborhood))
        for n in range(REQUESTS_PER_NEIGHBORHOOD):
            service = rng.choice(offered)
            when = now - timedelta(hours=rng.randint(1, 24 * 25))
            point = _point(neighborhood, rng) if n % 2 else None
            address = f"{rng.randint(1, 240)} {rng.choice(streets).name}" if streets else ""
            if not point and not address:
                continue
            made = services.request_submit(
                service_code=service.code,
                attributes=_answers(service, rng),
                address=address,
                lat=point[0] if point else None,
                long=point[1] if point else None,
                contact={"phone": "(860) 555-0188"} if service.callback_required else None,
                language=rng.choice(["en", "en", "es"]),
                requested_at=when,
            )
            if rng.random() < 0.3:
                continue  # still open, some of them overdue by now
            services.request_transition(service_request=made, to_status="acknowledged", actor=staff)
            if rng.random() < 0.8:
                services.request_transition(
                    service_request=made,
                    to_status="closed",
                    actor=staff,
                    reason=rng.choice(["resolved", "resolved", "gone", "referred"]),
                )
            _backdate(made, rng)


def _backdate(made: ServiceRequest, rng: random.Random) -> None:
    """The demo's staff worked as the requests came in, not all at the moment of loading: move
    their history to plausible times (about four in five within the target)."""
    made.refresh_from_db()
    span = made.expected_at - made.requested_at
    factor = rng.uniform(0.1, 0.9) if rng.random() < 0.8 else rng.uniform(1.1, 1.6)
    acknowledged = made.requested_at + span * factor / 3
    closed = made.requested_at + span * factor
    if closed > timezone.now():
        closed = acknowledged = timezone.now()
    ServiceRequest.objects.filter(pk=made.pk).update(
        acknowledged_at=acknowledged,
        closed_at=closed if made.closed_at else None,
        updated_at=closed if made.closed_at else acknowledged,
    )
    RequestEvent.objects.filter(request=made, to_status="acknowledged").update(at=acknowledged)
    RequestEvent.objects.filter(request=made, to_status="closed").update(at=closed)
