"""Staff-only API for the tip queue: filters, triage, messages; decryption audit-logged."""

import pytest
from django.contrib.auth.models import Group
from rest_framework.test import APIClient

from portal import roles
from portal.models import AuditEntry
from tests.factories import UserFactory
from tests.tips.factories import TipCategoryFactory, TipFactory
from tips.models import TipMessage
from tips.services.merge import tip_merge

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(investigator):
    client = APIClient()
    client.force_authenticate(investigator)
    client.user = investigator
    return client


def test_anonymous_and_other_staff_are_refused(db):
    TipFactory()
    assert APIClient().get("/api/v1/tips/").status_code in (401, 403)
    clerk = UserFactory(username="clerk")
    clerk.groups.add(Group.objects.get(name=roles.RECORDS_CLERKS))
    client = APIClient()
    client.force_authenticate(clerk)
    assert client.get("/api/v1/tips/").status_code == 403


def test_list_shows_the_queue_without_content_and_is_filterable(api):
    urgent = TipFactory(category=TipCategoryFactory(slug="guns", urgent=True), what="SECRET")
    TipFactory(category=TipCategoryFactory(slug="quality"))
    response = api.get("/api/v1/tips/")
    assert response.status_code == 200
    results = response.json()["results"]
    assert results[0]["number"] == urgent.number
    assert "SECRET" not in response.content.decode()
    assert not AuditEntry.objects.filter(action="tips.tip.decrypted").exists()
    filtered = api.get("/api/v1/tips/?category=quality&status=received").json()["results"]
    assert [r["category"] for r in filtered] == ["quality"]
    assert api.get("/api/v1/tips/?urgent=true").json()["count"] == 1


def test_reading_one_tip_decrypts_it_and_is_audit_logged(api):
    tip = TipFactory(what="Bikes in the blue garage")
    response = api.get(f"/api/v1/tips/{tip.number}/")
    assert response.json()["what"] == "Bikes in the blue garage"
    entry = AuditEntry.objects.get(action="tips.tip.decrypted")
    assert entry.actor == api.user and entry.detail == {"via": "api"}


def test_triage_through_the_api_goes_through_the_rules(api):
    tip = TipFactory()
    response = api.patch(
        f"/api/v1/tips/{tip.number}/",
        {"status": "reviewing", "assigned_to": "ivy", "priority": 2},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "reviewing"
    assert response.json()["first_triaged_at"]
    refused = api.patch(f"/api/v1/tips/{tip.number}/", {"status": "closed"}, format="json")
    assert refused.status_code == 400
    assert refused.json()["code"] == "outcome_required"


def test_message_to_the_tipster_through_the_api(api):
    tip = TipFactory()
    response = api.post(
        f"/api/v1/tips/{tip.number}/messages/", {"body": "Which garage?"}, format="json"
    )
    assert response.status_code == 201
    assert TipMessage.objects.get(tip=tip).body == "Which garage?"


def test_schema_lists_the_tip_endpoints_without_warnings():
    from django.core.management import call_command

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null")


def test_the_detail_shows_merges_in_the_same_number_of_queries(api):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tips import services

    survivor = TipFactory()

    def queries() -> int:
        with CaptureQueriesContext(connection) as seen:
            assert api.get(f"/api/v1/tips/{survivor.number}/").status_code == 200
        return len(seen)

    queries()  # the first request warms the caches (content types, permissions)
    alone = queries()
    for question in ("Which garage?", "What colour?", "When?"):
        duplicate = TipFactory()
        services.tip_message_send(tip=duplicate, actor=api.user, body=question)
        tip_merge(duplicate=duplicate, into=survivor, actor=api.user)
    data = api.get(f"/api/v1/tips/{survivor.number}/").json()
    assert queries() == alone
    duplicates = sorted(t.number for t in survivor.duplicates.all())
    assert sorted(data["merged"]) == duplicates
    moved = [m for m in data["messages"] if m["body"] == "Which garage?"]
    assert moved and moved[0]["merged_from"] in duplicates
    assert TipFactory().number not in data["merged"]


def test_a_merged_tip_points_at_the_survivor(api):
    survivor, duplicate = TipFactory(), TipFactory()
    tip_merge(duplicate=duplicate, into=survivor, actor=api.user)
    data = api.get(f"/api/v1/tips/{duplicate.number}/").json()
    assert data["duplicate_of"] == survivor.number
    assert data["merged"] == []


def test_a_transition_the_tips_state_refuses_is_a_409_with_its_code(api):
    tip = TipFactory(status="closed", outcome="not_actionable")
    refused = api.patch(f"/api/v1/tips/{tip.number}/", {"status": "reward"}, format="json")
    assert refused.status_code == 409
    assert refused.json()["code"] == "bad_transition"
    tip.refresh_from_db()
    assert tip.status == "closed"
