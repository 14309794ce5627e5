"""Information sessions reach the careers page through the kernel registry, not an import:
with programs' panel registered they show, without it the page works all the same."""

from pathlib import Path

import pytest

import careers
from portal import registry
from tests.programs.factories import EventFactory

pytestmark = pytest.mark.django_db


def test_upcoming_information_sessions_show_on_the_careers_page(client):
    session = EventFactory(information_session=True, title_en="Meet the recruiters")
    EventFactory(title_en="Youth basketball")
    page = client.get("/careers/").content.decode()
    assert "Information sessions" in page
    assert session.title in page
    assert "Youth basketball" not in page


def test_no_panel_is_shown_without_an_information_session(client):
    EventFactory(title_en="Youth basketball")
    assert "Information sessions" not in client.get("/careers/").content.decode()


def test_careers_page_works_without_programs_panel(client, monkeypatch):
    monkeypatch.setattr(registry.careers_panels, "_items", {})
    EventFactory(information_session=True, title_en="Meet the recruiters")
    response = client.get("/careers/")
    assert response.status_code == 200
    assert "Meet the recruiters" not in response.content.decode()


def test_careers_renders_whatever_panel_is_registered(client, monkeypatch):
    monkeypatch.setattr(registry.careers_panels, "_items", {})
    registry.careers_panels.register(
        registry.Panel(
            key="test",
            template="programs/panels/careers_information_sessions.html",
            context=lambda request, **kwargs: {"events": []},
        )
    )
    assert "Information sessions" in client.get("/careers/").content.decode()


def test_programs_registers_its_information_session_panel():
    assert "information-sessions" in {panel.key for panel in registry.careers_panels.all()}


def test_careers_code_does_not_import_programs():
    root = Path(careers.__file__).parent
    for source in root.rglob("*.py"):
        assert "programs" not in source.read_text().replace('"programs"', ""), source
