"""The Records Division's part of the Eastbrook demo: a fee schedule, two weeks of
fingerprinting times and a queue of requests in every state. Written by us; idempotent."""

from datetime import datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from portal.localtime import department_zone, local_today
from records import services
from records.businessdays import is_business_day
from records.models import (
    ClosureReason,
    FeeScheduleItem,
    FingerprintSlot,
    RecordRequest,
    RecordsSettings,
    RequestKind,
)

DEMO_DOMAIN = "@residents.eastbrook.example"

FEES = [
    (
        "Copies of records (per page)",
        "Copias de documentos (por página)",
        "",
        "per_page",
        True,
        "0.50",
    ),
    (
        "Accident report",
        "Informe de accidente",
        RequestKind.ACCIDENT_REPORT,
        "flat",
        False,
        "16.00",
    ),
    (
        "Record-check letter",
        "Carta de antecedentes",
        RequestKind.RECORD_CHECK,
        "flat",
        False,
        "25.00",
    ),
    ("Fingerprinting", "Toma de huellas", RequestKind.FINGERPRINTING, "flat", False, "15.00"),
]

REQUESTS = [
    # (kind, name, details, description, days ago received, steps, language)
    (
        RequestKind.POLICE_REPORT,
        "Marisol Vega",
        {"case_number": "26-003318", "relation": "involved"},
        "",
        1,
        [],
        "es",
    ),
    (
        RequestKind.ACCIDENT_REPORT,
        "Owen Blake",
        {
            "accident_date": "2026-10-30",
            "location": "Route 44 at Elm Street",
            "driver_or_plate": "CT 7XR-114",
        },
        "",
        2,
        ["acknowledge"],
        "en",
    ),
    (
        RequestKind.OTHER_FOI,
        "Eastbrook Courier newsroom",
        {"delivery": "electronic", "includes_video": True},
        "Body-worn camera video of the traffic stop on Mill Road on October 12, and the incident "
        "report.",
        9,
        ["acknowledge", "start"],
        "en",
    ),
    (
        RequestKind.POLICE_REPORT,
        "Priya Raman",
        {"incident_date": "2026-11-02", "location": "Library parking lot", "relation": "involved"},
        "My car window was broken.",
        3,
        ["acknowledge", "await"],
        "en",
    ),
    (
        RequestKind.POLICE_REPORT,
        "Tomás Herrera",
        {"case_number": "26-002990", "relation": "representative"},
        "",
        6,
        ["acknowledge", "start", "review", "approve"],
        "es",
    ),
    (
        RequestKind.OTHER_FOI,
        "Gail Porter",
        {"delivery": "paper"},
        "Any complaints about noise at 40 Quarry Lane this year.",
        12,
        ["acknowledge", "start", "close_no_records"],
        "en",
    ),
]


def _slots() -> None:
    zone = department_zone()
    today = local_today()
    day = today
    for _ in range(14):
        day += timedelta(days=1)
        if not is_business_day(day):
            continue
        for hour, minute in [(9, 0), (9, 30), (10, 0), (13, 30), (14, 0)]:
            start = datetime.combine(day, time(hour, minute), tzinfo=zone)
            FingerprintSlot.objects.get_or_create(
                starts_at=start,
                defaults={"ends_at": start + timedelta(minutes=20), "capacity": 2},
            )


@transaction.atomic
def load_demo() -> None:
    RecordsSettings.get_solo()
    for name_en, name_es, kind, unit, is_copy, amount in FEES:
        FeeScheduleItem.objects.update_or_create(
            name_en=name_en,
            defaults={
                "name_es": name_es,
                "kind": kind,
                "unit": unit,
                "is_copy": is_copy,
                "amount": Decimal(amount),
            },
        )
    _slots()
    clerk = get_user_model().objects.filter(username="clerk").first()
    demo = RecordRequest.objects.filter(requester_email__endswith=DEMO_DOMAIN)
    if demo.exists():
        # The clerk's account is made after the loaders on the first run: hand them the
        # queue on the next one.
        if clerk is not None:
            for rr in demo.filter(assigned_to__isnull=True).exclude(status="closed")[:3]:
                services.request_assign(
                    record_request=rr, clerk=clerk, actor=None, reason="Demo queue"
                )
        return
    copies = FeeScheduleItem.objects.get(name_en=FEES[0][0])
    now = timezone.now()
    for kind, name, details, description, days_ago, steps, language in REQUESTS:
        received = now - timedelta(days=days_ago)
        email = name.lower().replace(" ", ".").replace("á", "a") + DEMO_DOMAIN
        rr = services.request_submit(
            kind=kind,
            requester_name=name,
            requester_email=email,
            language=language,
            details=details,
            description=description,
            received_at=received,
        )
        if clerk is not None:
            services.request_assign(record_request=rr, clerk=clerk, actor=None, reason="Demo queue")
        for step in steps:
            if step == "acknowledge":
                services.request_transition(record_request=rr, action="acknowledge", actor=None)
            elif step == "start":
                services.request_transition(record_request=rr, action="start", actor=None)
            elif step == "review":
                services.request_transition(
                    record_request=rr, action="submit_for_review", actor=None
                )
            elif step == "approve":
                services.fee_add(record_request=rr, item=copies, quantity=6, actor=None)
                services.request_transition(record_request=rr, action="approve", actor=None)
            elif step == "await":
                services.request_transition(
                    record_request=rr,
                    action="await_requester",
                    actor=None,
                    note="Please tell us roughly what time of day it happened.",
                )
            elif step == "close_no_records":
                services.request_transition(
                    record_request=rr,
                    action="close",
                    actor=None,
                    closure_reason=ClosureReason.NO_RECORDS,
                    note="We searched the complaint log and found no complaints for that address.",
                )
