import pytest
from django.utils import translation

from complaints import services
from complaints.models import Complaint
from portal import roles
from portal.models import Officer
from tests.support.files import jpeg_bytes  # noqa: F401 - complaint tests import it here

TEST_KEY = "v7kQm9bq0XnV3oQd3Yw2fH3r8cZ5u6e1aT4pLsN0dJk="


@pytest.fixture(autouse=True)
def _complaints_settings(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.COMPLAINTS_ENCRYPTION_KEYS = [TEST_KEY]
    with translation.override(settings.LANGUAGE_CODE):
        yield settings


@pytest.fixture
def ia(user_in_role):
    return user_in_role(roles.INTERNAL_AFFAIRS, username="iris", email="iris@example.org")


@pytest.fixture
def ia2(user_in_role):
    return user_in_role(roles.INTERNAL_AFFAIRS, username="ian", email="ian@example.org")


@pytest.fixture
def supervisor_user(user_in_role):
    return user_in_role(roles.SUPERVISORS, username="sam", email="sam@example.org")


@pytest.fixture
def board_member(user_in_role):
    return user_in_role(roles.REVIEW_BOARD, username="bea", email="bea@example.org")


@pytest.fixture
def site_admin(user_in_role):
    return user_in_role(roles.SITE_ADMINISTRATORS, username="ada", email="ada@example.org")


@pytest.fixture
def superuser(user_in_role):
    return user_in_role(
        roles.SITE_ADMINISTRATORS, username="root", is_superuser=True, email="root@example.org"
    )


@pytest.fixture
def sergeant(db, supervisor_user):
    return Officer.objects.create(
        name="Rosa Lind", badge_number="S200", email="lind@example.org", user=supervisor_user
    )


@pytest.fixture
def officer(db, sergeant):
    return Officer.objects.create(
        name="Dana Whitfield",
        badge_number="E1042",
        email="whitfield@example.org",
        supervisor=sergeant,
    )


def file_complaint(**overrides) -> services.Submitted:
    values = {
        "kind": Complaint.Kind.COMPLAINT,
        "filing": Complaint.Filing.NAMED,
        "what": "The officer shouted at me during a stop.",
        "complainant_name": "Jordan Ellis",
        "complainant_email": "jordan@example.org",
        "officers": [services.OfficerGiven(name="E1042")],
        "witnesses": [services.WitnessGiven(name="Kim Park", contact="555-0101")],
    }
    values.update(overrides)
    return services.complaint_submit(**values)


@pytest.fixture
def filed(officer):
    """A named complaint about `officer`, as filed."""
    return file_complaint().complaint


def advance(complaint, actor, *, to: str, assignee=None, seriousness="serious"):
    """Take a complaint through the services up to stage `to`."""
    order = [value for value, _label in Complaint.Stage.choices]
    complaint.refresh_from_db()
    while order.index(complaint.stage) < order.index(to):
        stage = complaint.stage
        if stage == "intake":
            services.complaint_accept(actor=actor, complaint=complaint)
        elif stage == "classification":
            if not complaint.allegations.exists():
                services.allegation_add(
                    actor=actor,
                    complaint=complaint,
                    category="courtesy",
                    summary="Shouted at a resident during a stop.",
                    officer=complaint.officers.first(),
                )
            services.complaint_classify(actor=actor, complaint=complaint, seriousness=seriousness)
        elif stage == "assignment":
            services.complaint_assign(
                actor=actor,
                complaint=complaint,
                assignee_kind="internal_affairs" if assignee is None else assignee[0],
                assigned_to=actor if assignee is None else assignee[1],
            )
        elif stage == "investigation":
            services.investigation_finish(actor=actor, complaint=complaint)
        elif stage == "finding":
            for allegation in complaint.allegations.all():
                services.allegation_find(actor=actor, allegation=allegation, finding="sustained")
            services.findings_submit(actor=actor, complaint=complaint)
        elif stage == "outcome":
            services.complaint_close(
                actor=actor,
                complaint=complaint,
                outcome="training",
                outcome_summary="Two hours of training on courtesy.",
            )
        complaint.refresh_from_db()
    return complaint
