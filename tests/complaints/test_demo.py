"""The demo data: officers with badges and supervisors, cases at every stage, one that opens on
the follow page with the published passphrase (DEBUG only)."""

import pytest
from django.core.management import call_command

from complaints import demo, selectors
from complaints.figures_demo import load_demo as load_figures_demo
from complaints.models import BoardReview, Complaint
from complaints.services import complaint_authenticate
from portal import registry
from portal.models import Officer

pytestmark = pytest.mark.django_db


def test_demo_setup_loads_cases_at_every_stage_once(settings, monkeypatch):
    # The transparency page's generated cases have a test of their own below.
    monkeypatch.delitem(registry.demo_loaders._items, "complaints-figures")
    settings.DEBUG = True
    call_command("demo_setup", "--users", verbosity=0)
    call_command("demo_setup", verbosity=0)  # run twice: nothing doubles
    assert Complaint.objects.count() == len(demo.CASES)
    assert {c.stage for c in Complaint.objects.all()} >= {"intake", "investigation", "closed"}
    assert BoardReview.objects.count() == 1
    officer = Officer.objects.get(badge_number="E1203")
    assert officer.supervisor is not None
    assert selectors.officer_record(officer=officer)["commendations"] == 1
    case = complaint_authenticate(code=demo.DEMO_CODE, passphrase=demo.DEMO_PASSPHRASE)
    assert case.is_anonymous


def test_the_figures_demo_adds_its_generated_cases_once():
    load_figures_demo()
    made = Complaint.objects.count()
    load_figures_demo()
    assert made >= 900 and Complaint.objects.count() == made


def test_without_debug_no_passphrase_is_published(settings):
    settings.DEBUG = False
    demo.load_demo()
    assert not Complaint.objects.filter(tracking_code=demo.DEMO_CODE).exists()
