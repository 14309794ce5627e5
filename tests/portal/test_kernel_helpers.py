"""The helpers every app shares: the department's clock, links, the after-commit hand-off,
domain errors on forms and in the API."""

import datetime
import logging

import pytest
import time_machine
from django import forms
from django.db import transaction
from django.utils import translation
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from portal import handoff, links, localtime
from portal.errors import DomainError, check_length
from portal.forms import add_domain_errors
from portal.selectors import department_get


def test_absolute_url_joins_the_base_without_a_double_slash(settings):
    settings.PORTAL_BASE_URL = "https://portal.town.gov/"
    assert links.absolute_url("/tips/check/") == "https://portal.town.gov/tips/check/"


def test_a_signed_link_reads_back_its_value():
    link = links.SignedLink(salt="test.link")
    assert link.read(link.make({"id": 7})) == {"id": 7}


def test_a_link_signed_for_one_purpose_is_refused_by_another():
    token = links.SignedLink(salt="test.track").make("abc")
    assert links.SignedLink(salt="test.download").read(token) is None


@pytest.mark.parametrize("token", ["", "garbage", "abc:def:ghi"])
def test_a_forged_link_reads_as_none(token):
    assert links.SignedLink(salt="test.link").read(token) is None


def test_a_link_past_its_age_reads_as_none():
    link = links.SignedLink(salt="test.link", max_age=60)
    with time_machine.travel(datetime.datetime(2026, 1, 1, 12, tzinfo=datetime.UTC), tick=False):
        token = link.make("x")
    with time_machine.travel(datetime.datetime(2026, 1, 1, 12, 2, tzinfo=datetime.UTC)):
        assert link.read(token) is None


@pytest.mark.django_db
def test_the_department_clock_uses_the_zone_set_in_admin():
    department = department_get()
    department.time_zone = "America/Chicago"
    department.save()
    assert localtime.department_zone().key == "America/Chicago"
    assert localtime.local_now().utcoffset() in {
        datetime.timedelta(hours=-6),
        datetime.timedelta(hours=-5),
    }


@pytest.mark.django_db
def test_the_department_clock_falls_back_to_the_settings_zone(settings):
    department = department_get()
    department.time_zone = ""
    department.save()
    assert localtime.department_zone().key == settings.TIME_ZONE


class _Task:
    name = "tests.fake"

    def __init__(self, fail=False):
        self.fail, self.calls = fail, []

    def delay(self, *args, **kwargs):
        if self.fail:
            raise ConnectionError("broker down")
        self.calls.append((args, kwargs))


@pytest.mark.django_db(transaction=True)
def test_after_commit_queues_only_once_the_transaction_commits():
    task = _Task()
    with transaction.atomic():
        handoff.after_commit(task, 5, actor_id=1)
        assert task.calls == []
    assert task.calls == [((5,), {"actor_id": 1})]


@pytest.mark.django_db(transaction=True)
def test_after_commit_queues_nothing_when_the_transaction_rolls_back():
    task = _Task()
    with pytest.raises(RuntimeError), transaction.atomic():
        handoff.after_commit(task, 5)
        raise RuntimeError
    assert task.calls == []


@pytest.mark.django_db(transaction=True)
def test_a_broker_outage_is_logged_and_left_to_the_sweep(caplog):
    with caplog.at_level(logging.WARNING, logger="portal.handoff"), transaction.atomic():
        handoff.after_commit(_Task(fail=True), 5)
    assert "left for the sweep" in caplog.text


class _Form(forms.Form):
    name = forms.CharField()


def test_a_domain_error_on_a_field_goes_beside_that_field():
    form = _Form({"name": "x"})
    assert form.is_valid()
    add_domain_errors(form, DomainError("Not that name.", code="bad_name", field="name"))
    assert form.errors == {"name": ["Not that name."]}


def test_a_domain_error_without_a_known_field_goes_at_the_top():
    form = _Form({"name": "x"})
    assert form.is_valid()
    add_domain_errors(form, DomainError("Closed today.", code="closed"))
    add_domain_errors(form, DomainError("Gone.", code="gone", field="nonexistent"))
    assert form.non_field_errors() == ["Closed today.", "Gone."]


def test_text_over_its_limit_is_refused_on_its_field_in_the_readers_language():
    check_length("x" * 10, limit=10, field="body")
    with pytest.raises(DomainError) as caught, translation.override("es"):
        check_length("x" * 11, limit=10, field="body")
    assert caught.value.domain_code == "too_long"
    assert caught.value.message_dict == {"body": ["Escriba menos de 10 caracteres."]}


class _Refusing(APIView):
    authentication_classes = []
    permission_classes = []
    error = None

    def post(self, request):
        raise self.error


@pytest.mark.parametrize(
    ("error", "status", "body"),
    [
        (
            DomainError("Too long.", code="too_long", field="body"),
            400,
            {"body": ["Too long."], "code": "too_long"},
        ),
        (
            DomainError("Not from this state.", code="bad_transition", conflict=True),
            409,
            {"detail": ["Not from this state."], "code": "bad_transition"},
        ),
    ],
)
def test_the_api_answers_a_domain_error_with_its_code(error, status, body):
    view = _Refusing.as_view(error=error)
    response = view(APIRequestFactory().post("/x/", {}, format="json"))
    assert response.status_code == status
    assert response.data == body
