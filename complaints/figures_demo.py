"""Many plausible closed cases at once, for the transparency page's demo figures and its
benchmark (bench/accountability.py): bulk inserts straight into the tables, with the columns
the figures count filled in the way the services fill them (received_month in the department's
zone, days_to_close from the calendar days). What a resident would have written is a fixed
placeholder: nothing here is anyone's words."""

import random
from datetime import date, datetime, time, timedelta

from django.db import transaction

from complaints import crypto
from complaints.models import Allegation, BoardReview, Complaint
from portal.figures import figures_changed
from portal.localtime import department_zone, local_today
from portal.models import Neighborhood

PLACEHOLDER = "Generated case for the figures page (demo)."
MARKER = "Generated allegation (demo)."
BATCH = 5000


def generate(
    count: int, *, years: int = 10, seed: int = 15, today: date | None = None
) -> dict[str, int]:
    """Insert `count` cases received over the last `years` years; return what was made."""
    rng = random.Random(seed)  # noqa: S311 - demo data, not secrets
    today = today or local_today()
    zone = department_zone()
    neighborhoods = list(Neighborhood.objects.values_list("pk", flat=True)) or [None]
    span_days = 365 * years
    made = {"complaints": 0, "allegations": 0, "reviews": 0}
    categories = [c for c, _label in Allegation.Category.choices]
    findings = [
        Allegation.Finding.SUSTAINED,
        Allegation.Finding.NOT_SUSTAINED,
        Allegation.Finding.EXONERATED,
        Allegation.Finding.UNFOUNDED,
        Allegation.Finding.POLICY_FAILURE,
    ]
    finding_weights = [22, 30, 20, 24, 4]
    remaining = count
    while remaining > 0:
        size = min(BATCH, remaining)
        remaining -= size
        cases = []
        for _n in range(size):
            received_on = today - timedelta(days=rng.randrange(span_days))
            received_at = datetime.combine(received_on, time(rng.randrange(24)), tzinfo=zone)
            kind = Complaint.Kind.COMMENDATION if rng.random() < 0.2 else Complaint.Kind.COMPLAINT
            case = Complaint(
                kind=kind,
                filing=rng.choice([c for c, _label in Complaint.Filing.choices]),
                channel=rng.choice([c for c, _label in Complaint.Channel.choices]),
                neighborhood_id=None if rng.random() < 0.1 else rng.choice(neighborhoods),
                what=PLACEHOLDER,
                received_at=received_at,
                received_month=received_on.replace(day=1),
            )
            if kind == Complaint.Kind.COMMENDATION:
                case.stage = Complaint.Stage.CLOSED
                case.outcome = Complaint.Outcome.DELIVERED
                case.closed_on = received_on + timedelta(days=rng.randrange(1, 10))
            else:
                case.seriousness = rng.choice(["minor", "minor", "serious"])
                days = int(rng.gammavariate(2.0, 35.0)) + 3
                if received_on + timedelta(days=days) < today:
                    case.stage = Complaint.Stage.CLOSED
                    case.closed_on = received_on + timedelta(days=days)
                    case.outcome = rng.choice(
                        ["no_action", "training", "counseling", "discipline", "mediation"]
                    )
                else:
                    case.stage = rng.choice(["intake", "investigation", "finding"])
            if case.closed_on and case.closed_on > today:
                case.closed_on = today
            if case.closed_on:
                case.closed_at = datetime.combine(case.closed_on, time(12), tzinfo=zone)
                case.days_to_close = (case.closed_on - received_on).days
            cases.append(case)
        with transaction.atomic():
            Complaint.objects.bulk_create(cases, batch_size=1000)
            allegations, reviews = [], []
            for case in cases:
                if case.kind != Complaint.Kind.COMPLAINT:
                    continue
                closed = case.stage == Complaint.Stage.CLOSED
                for _n in range(1 if rng.random() < 0.7 else 2):
                    allegations.append(
                        Allegation(
                            complaint_id=case.pk,
                            category=rng.choices(categories, weights=[40, 12, 30, 8, 10])[0],
                            summary=MARKER,
                            finding=rng.choices(findings, weights=finding_weights)[0]
                            if closed
                            else "",
                            finding_on=case.closed_on,
                        )
                    )
                if closed and rng.random() < 0.35:
                    reviewed_on = case.closed_on + timedelta(days=rng.randrange(7, 60))
                    if reviewed_on <= today:
                        reviews.append(
                            BoardReview(
                                complaint_id=case.pk,
                                position="agree" if rng.random() < 0.82 else "disagree",
                                reviewed_on=reviewed_on,
                            )
                        )
            Allegation.objects.bulk_create(allegations, batch_size=2000)
            BoardReview.objects.bulk_create(reviews, batch_size=2000)
        made["complaints"] += len(cases)
        made["allegations"] += len(allegations)
        made["reviews"] += len(reviews)
    # bulk_create sends no post_save: say so to the page's cache ourselves.
    figures_changed("complaints")
    return made


def load_demo() -> None:
    """The demo's figures: three years of cases, once (run twice, it adds nothing)."""
    if Allegation.objects.filter(summary=MARKER).exists():
        return
    if not crypto.KEYRING.available():
        return  # the cases' text is encrypted: production with no key loads none
    generate(900, years=3, seed=2026)
