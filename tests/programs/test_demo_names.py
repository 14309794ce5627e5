"""The demo names the programs as a department would: PROSPER and Project Longevity beside
the gun buy-back and PAL (issue 13). Loading the demo over an older one renames in place."""

import pytest

from programs.demo import load_demo
from programs.models import Event, Partner, Program, Registration
from tests.programs.factories import EventFactory, ProgramFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_the_demo_names_prosper_and_project_longevity_in_both_languages():
    load_demo()
    slugs = set(Program.objects.values_list("slug", flat=True))
    assert {"gun-buy-back", "pal", "prosper", "project-longevity"} <= slugs
    assert not slugs & {"bridges", "step-away"}
    prosper = Program.objects.get(slug="prosper")
    longevity = Program.objects.get(slug="project-longevity")
    for program, name in ((prosper, "PROSPER"), (longevity, "Project Longevity")):
        assert name in program.title_en and name in program.title_es
        assert name in program.body_en and name in program.body_es
    assert Event.objects.filter(slug="project-longevity-community-night").exists()


def test_loading_the_demo_over_the_old_names_renames_in_place():
    bridges = ProgramFactory(slug="bridges", title_en="Bridges")
    Partner.objects.create(program=bridges, name="State Judicial Branch, Adult Probation")
    step_away = ProgramFactory(slug="step-away", title_en="Step Away")
    night = EventFactory(slug="step-away-community-night", program=step_away)
    signed_up = RegistrationFactory(event=night)
    load_demo()
    assert Program.objects.get(pk=bridges.pk).slug == "prosper"
    assert Program.objects.get(pk=step_away.pk).slug == "project-longevity"
    assert Program.objects.filter(slug__in=["prosper", "project-longevity"]).count() == 2
    assert Event.objects.get(pk=night.pk).slug == "project-longevity-community-night"
    assert Registration.objects.get(pk=signed_up.pk).event_id == night.pk
    # The old program's partners do not follow the new one.
    assert not Partner.objects.filter(name="State Judicial Branch, Adult Probation").exists()
    load_demo()  # and a second load changes nothing more
    assert Program.objects.filter(slug__in=["prosper", "project-longevity"]).count() == 2
