"""Demo data (make run): officers with badge numbers and supervisors, and complaints and
commendations at every stage, in our own words. Cases come in through the intake service
(encryption, passphrases); later stages are set directly, as a department migrating its old
register would. Run twice, it changes nothing."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from complaints import crypto, services
from complaints.models import (
    Allegation,
    BoardReview,
    Complaint,
    InvestigationStep,
    month_start,
)
from portal.localtime import department_zone
from portal.models import Neighborhood, Officer
from portal.passphrases import passphrase_hash

# With DEBUG=1 only, the first case opens on the follow page with these (as the tip line's demo).
DEMO_CODE = "DEMC2-34567"
DEMO_PASSPHRASE = "seven plain words open the demo case"  # noqa: S105 - published, DEBUG only

PATROL = [
    # name, badge, email handle
    ("Dana Whitfield", "E1042", "dwhitfield"),
    ("Marco Reyes", "E1177", "mreyes"),
    ("Keisha Grant", "E1203", "kgrant"),
    ("Tom Okafor", "E1268", "tokafor"),
]

CASES = [
    # kind, filing, stage, badge, what, category, finding, outcome, weeks ago
    (
        "complaint",
        "anonymous",
        "intake",
        "",
        "During a stop on Maple Avenue the officer shouted at my friend and would not say why "
        "we had been stopped.",
        None,
        None,
        None,
        0,
    ),
    (
        "complaint",
        "named",
        "investigation",
        "E1177",
        "The officer searched my car without asking and left my things on the ground.",
        "procedure",
        None,
        None,
        3,
    ),
    (
        "complaint",
        "on_behalf",
        "closed",
        "E1042",
        "My father, who speaks little English, was laughed at when he came to report a theft.",
        "courtesy",
        "sustained",
        "training",
        14,
    ),
    (
        "complaint",
        "named",
        "closed",
        "E1268",
        "I was pushed against a wall although I was not resisting.",
        "use_of_force",
        "not_sustained",
        "no_action",
        20,
    ),
    (
        "commendation",
        "named",
        "closed",
        "E1203",
        "The officer stayed with my son after his bike accident until his mother arrived and "
        "called the next day to ask how he was.",
        None,
        None,
        "delivered",
        2,
    ),
    (
        "commendation",
        "anonymous",
        "intake",
        "E1042",
        "Thank you to the officer who helped an old man across Route 6 in the snow.",
        None,
        None,
        None,
        0,
    ),
]


@transaction.atomic
def load_demo() -> None:
    if Complaint.objects.exists():
        return
    coordinators = list(Officer.objects.filter(neighborhoods__isnull=False).distinct()[:2])
    officers = {}
    for index, (name, badge, handle) in enumerate(PATROL):
        officer, _created = Officer.objects.update_or_create(
            badge_number=badge,
            defaults={
                "name": name,
                "rank_en": "Officer",
                "rank_es": "Agente",
                "email": f"{handle}@police.eastbrook.example",
                "supervisor": coordinators[index % len(coordinators)] if coordinators else None,
            },
        )
        officers[badge] = officer
    user_model = get_user_model()
    supervisor_user = user_model.objects.filter(username="supervisor").first()
    if supervisor_user and coordinators and not hasattr(supervisor_user, "officer"):
        coordinators[0].user = supervisor_user
        coordinators[0].save(update_fields=["user"])
    if not crypto.KEYRING.available():
        return  # what residents wrote could not be encrypted (production with no key): no cases
    hoods = list(Neighborhood.objects.all()[:3])
    for index, (kind, filing, stage, badge, what, category, finding, outcome, weeks) in enumerate(
        CASES
    ):
        named = filing != "anonymous"
        result = services.complaint_submit(
            kind=kind,
            filing=filing,
            what=what,
            where="Maple Avenue near the library" if index % 2 else "",
            neighborhood=hoods[index % len(hoods)] if hoods else None,
            complainant_name="Jordan Ellis" if named else "",
            complainant_email="jordan.ellis@example.org" if named else "",
            on_behalf_of="My father, Luis Ellis" if filing == "on_behalf" else "",
            officers=[services.OfficerGiven(name=badge)]
            if badge
            else [
                services.OfficerGiven(
                    unknown=True, seen_when="Last Friday around 9 pm", seen_where="Maple Avenue"
                )
            ],
        )
        complaint = result.complaint
        received = complaint.received_at - timedelta(weeks=weeks)
        complaint.received_at = received
        complaint.received_month = month_start(received.astimezone(department_zone()).date())
        complaint.notice_pending = False
        complaint.stage = stage
        if kind == "complaint" and stage != "intake":
            complaint.seriousness = "serious" if category == "use_of_force" else "minor"
            complaint.assignee_kind = "internal_affairs"
            Allegation.objects.create(
                complaint=complaint,
                officer=complaint.officers.first(),
                category=category,
                summary={
                    "procedure": "Searched a car without consent or a stated reason.",
                    "courtesy": "Mocked a resident reporting a theft.",
                    "use_of_force": "Pushed a person who was not resisting.",
                }[category],
                finding=finding or "",
                finding_on=timezone.localdate() if finding else None,
            )
            InvestigationStep.objects.create(
                complaint=complaint,
                kind="interview",
                title="Interview the officer",
                due_on=timezone.localdate() + timedelta(days=7 if stage != "closed" else -60),
                done_on=timezone.localdate() - timedelta(days=60) if stage == "closed" else None,
            )
        if stage == "closed":
            closed = received + timedelta(days=40 if kind == "complaint" else 3)
            complaint.closed_at = closed
            complaint.closed_on = closed.astimezone(department_zone()).date()
            complaint.days_to_close = (
                complaint.closed_on - received.astimezone(department_zone()).date()
            ).days
            complaint.outcome = outcome
            if outcome == "training":
                complaint.outcome_summary = "Four hours of training on serving residents with "
                complaint.outcome_summary += "limited English."
        if index == 0 and settings.DEBUG:
            complaint.tracking_code = DEMO_CODE
            complaint.passphrase_hash = passphrase_hash(DEMO_PASSPHRASE)
        complaint.save()
        if kind == "complaint" and stage == "closed" and outcome == "no_action":
            BoardReview.objects.create(
                complaint=complaint,
                position="disagree",
                reasons="The body camera footage was not requested before the finding.",
                recommendation="Request footage in every use-of-force investigation.",
                reviewed_on=complaint.closed_on + timedelta(days=10),
            )
