"""Who may be given a tip is one rule, held by `services.tip_triage` at every door: the admin's
change form, the admin's "assign to me" action, the API, and the service itself. A refused
assignment refuses the whole submission: nothing about the tip changes."""

import pytest
from django.contrib.auth.models import Group
from rest_framework.test import APIClient

from portal import roles
from portal.errors import DomainError
from portal.models import AuditEntry
from tests.factories import UserFactory
from tests.tips.factories import TipFactory
from tips import services
from tips.models import Tip, TipMessage

pytestmark = pytest.mark.django_db


def _investigator(username: str, **kwargs):
    user = UserFactory(username=username, **kwargs)
    user.groups.add(Group.objects.get(name=roles.TIP_INVESTIGATORS))
    return user


@pytest.fixture
def investigator():
    return _investigator("ivy")


@pytest.fixture
def clerk():
    """Active staff, but not a tip investigator."""
    user = UserFactory(username="clerk")
    user.groups.add(Group.objects.get(name=roles.RECORDS_CLERKS))
    return user


def _unchanged(tip: Tip) -> None:
    fresh = Tip.objects.get(pk=tip.pk)
    assert fresh.assigned_to_id is None
    assert fresh.status == Tip.Status.RECEIVED
    assert fresh.first_triaged_at is None
    assert not TipMessage.objects.filter(tip=tip).exists()
    assert not AuditEntry.objects.filter(action="tips.tip.changed").exists()


# --- The service ---------------------------------------------------------------------------------


def test_the_service_gives_a_tip_to_an_active_investigator(investigator):
    tip = TipFactory()
    services.tip_triage(tip=tip, actor=investigator, assigned_to=investigator)
    tip.refresh_from_db()
    assert tip.assigned_to == investigator and tip.first_triaged_at is not None


@pytest.mark.parametrize("who", ["clerk", "inactive investigator", "superuser"])
def test_the_service_refuses_anyone_else_and_changes_nothing(investigator, clerk, who):
    assignee = {
        "clerk": clerk,
        "inactive investigator": _investigator("gone", is_active=False),
        "superuser": UserFactory(username="root", is_superuser=True),
    }[who]
    tip = TipFactory()
    with pytest.raises(DomainError) as refused:
        services.tip_triage(
            tip=tip,
            actor=investigator,
            status=Tip.Status.REVIEWING,
            assigned_to=assignee,
            message="Which garage?",
        )
    assert refused.value.domain_code == "not_investigator"
    _unchanged(tip)


# --- The admin -----------------------------------------------------------------------------------


def _post_change(client, tip, **data):
    form = {
        "category": tip.category_id,
        "status": tip.status,
        "priority": tip.priority,
        "neighborhood": "",
        "assigned_to": "",
        "outcome": tip.outcome,
        "message_to_tipster": "",
        "internal_note": "",
        "merge_into": "",
        "link_with": "",
        **{
            f"{p}-{k}": v
            for p in ("messages", "notes", "attachments")
            for k, v in {"TOTAL_FORMS": 0, "INITIAL_FORMS": 0}.items()
        },
        **data,
    }
    return client.post(f"/admin/tips/tip/{tip.pk}/change/", form)


def test_the_admin_form_refuses_a_non_investigator_and_changes_nothing(client, investigator, clerk):
    client.force_login(investigator)
    tip = TipFactory()
    response = _post_change(
        client, tip, status="reviewing", assigned_to=clerk.pk, message_to_tipster="Which garage?"
    )
    assert response.status_code == 200  # the form again, with the error
    assert response.context["adminform"].form.errors["assigned_to"]
    _unchanged(tip)


def test_the_admin_form_shows_the_services_refusal_beside_its_field(client, investigator):
    client.force_login(investigator)
    tip = TipFactory()
    response = _post_change(client, tip, status="closed", message_to_tipster="Which garage?")
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "Choose an outcome to close the tip." in errors["outcome"]
    _unchanged(tip)
    # The page shown again holds the decrypted tip: that reading is in the audit log too.
    assert AuditEntry.objects.filter(action="tips.tip.decrypted", target_id=str(tip.pk)).exists()


def test_the_admin_form_gives_a_tip_to_an_investigator(client, investigator):
    client.force_login(investigator)
    tip = TipFactory()
    response = _post_change(client, tip, assigned_to=investigator.pk, internal_note="Call ATF")
    assert response.status_code == 302
    tip.refresh_from_db()
    assert tip.assigned_to == investigator and tip.notes.get().body == "Call ATF"


def test_assign_to_me_in_admin_refuses_a_superuser_who_is_not_an_investigator(client):
    root = UserFactory(username="root", is_superuser=True)
    client.force_login(root)
    tip = TipFactory()
    response = client.post(
        "/admin/tips/tip/",
        {"action": "assign_to_me", "_selected_action": [tip.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert "active tip investigator" in response.content.decode()
    _unchanged(tip)


def test_assign_to_me_in_admin_gives_the_tip_to_an_investigator(client, investigator):
    client.force_login(investigator)
    tip = TipFactory()
    client.post("/admin/tips/tip/", {"action": "assign_to_me", "_selected_action": [tip.pk]})
    tip.refresh_from_db()
    assert tip.assigned_to == investigator


# --- The API -------------------------------------------------------------------------------------


@pytest.fixture
def api(investigator):
    client = APIClient()
    client.force_authenticate(investigator)
    return client


def test_the_api_refuses_active_staff_who_are_not_investigators(api, clerk):
    tip = TipFactory()
    response = api.patch(
        f"/api/v1/tips/{tip.number}/",
        {"status": "reviewing", "assigned_to": clerk.username},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "not_investigator"
    assert response.json()["assigned_to"]
    _unchanged(tip)


def test_the_api_gives_a_tip_to_an_investigator(api):
    tip = TipFactory()
    other = _investigator("iris")
    response = api.patch(
        f"/api/v1/tips/{tip.number}/", {"assigned_to": other.username}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["assigned_to"] == "iris"
    assert Tip.objects.get(pk=tip.pk).assigned_to == other
