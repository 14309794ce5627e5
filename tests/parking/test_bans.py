"""Snow emergencies and blanket nights: one job cancels every overlapping permit and tells each
holder once; those nights do not count; new requests for them are refused with the reason."""

import datetime
import zoneinfo

import pytest
from django.db import transaction

from parking import services
from parking.models import BlanketNight, Permit, PermitNight, SnowEmergency
from parking.services import ban_apply, ban_declare, permit_request
from portal import roles
from portal.errors import DomainError
from portal.models import AuditEntry, Notification
from portal.services import page_cache
from portal.services.page_cache import HIT_HEADER
from tests.factories import UserFactory
from tests.parking.factories import PermitFactory, hold_nights
from tests.parking.factories import permit_request as make_request

D = datetime.date
NY = zoneinfo.ZoneInfo("America/New_York")


def _local(*args):
    return datetime.datetime(*args, tzinfo=NY)


def _declare(**kwargs):
    return ban_declare(
        starts_at=kwargs.get("starts_at", _local(2026, 11, 24, 20, 0)),
        ends_at=kwargs.get("ends_at", _local(2026, 11, 25, 12, 0)),
        message_en="Plowing after the storm.",
        message_es="Limpieza de nieve después de la tormenta.",
    )


@pytest.mark.django_db
def test_ban_cancels_only_the_nights_it_overlaps_and_tells_each_holder_once(
    rules, street, frozen, django_capture_on_commit_callbacks
):
    hit = hold_nights("HIT1", [D(2026, 11, 23), D(2026, 11, 24)], language="es")
    spared = hold_nights("SPARED1", [D(2026, 11, 25)])
    with django_capture_on_commit_callbacks(execute=True):
        ban = _declare()
    assert dict(hit.nights.values_list("night", "status")) == {
        D(2026, 11, 23): "active",
        D(2026, 11, 24): "banned",
    }
    assert spared.nights.get().status == "active"
    message = Notification.objects.get(recipient=hit.email, subject__icontains="cancel")
    assert message.language == "es"
    assert "Limpieza de nieve" in message.body
    ban.refresh_from_db()
    assert ban.applied_at is not None and ban.permits_cancelled == 1
    assert AuditEntry.objects.filter(action="parking.ban.declared").exists()
    assert AuditEntry.objects.filter(action="parking.ban.applied").exists()


@pytest.mark.django_db
def test_a_permit_whose_every_night_is_banned_is_cancelled(
    rules, street, frozen, django_capture_on_commit_callbacks
):
    permit = hold_nights("HIT1", [D(2026, 11, 24)])
    with django_capture_on_commit_callbacks(execute=True):
        _declare()
    permit.refresh_from_db()
    assert permit.status == Permit.Status.CANCELLED


@pytest.mark.django_db
def test_running_the_ban_job_again_changes_nothing_and_sends_nothing_more(
    rules, street, frozen, django_capture_on_commit_callbacks
):
    hold_nights("HIT1", [D(2026, 11, 24)], mobile="(860) 555-0101")
    with django_capture_on_commit_callbacks(execute=True):
        ban = _declare()
    sent = Notification.objects.count()
    assert ban_apply(ban_id=ban.pk) == 0
    assert Notification.objects.count() == sent == 2  # one e-mail, one text


@pytest.mark.django_db
def test_one_job_cancels_thousands_of_permits_in_batches(
    rules, street, frozen, django_capture_on_commit_callbacks
):
    permits = Permit.objects.bulk_create(
        [
            PermitFactory.build(
                street=street, plate=f"BULK{i}", code=f"C{i:07d}X", first_night=D(2026, 11, 24)
            )
            for i in range(1200)
        ]
    )
    PermitNight.objects.bulk_create(
        [
            PermitNight(
                permit=p,
                night=D(2026, 11, 24),
                plate=p.plate,
                plate_state="CT",
                street=street,
                house_number=12,
            )
            for p in permits
        ]
    )
    with django_capture_on_commit_callbacks() as callbacks:
        ban = _declare()
    # The declaration queues one job, not a loop (the other callback starts a new page-cache
    # generation: the home page shows the ban).
    jobs = [callback for callback in callbacks if callback is not page_cache._bump]
    assert len(jobs) == 1
    assert PermitNight.objects.filter(status="active").count() == 1200
    jobs[0]()  # the job (inline in tests)
    assert not PermitNight.objects.filter(status="active").exists()
    ban.refresh_from_db()
    assert ban.permits_cancelled == 1200
    assert Notification.objects.filter(channel="email").count() == 1200


@pytest.mark.django_db
def test_new_requests_for_a_banned_night_are_refused_with_the_reason(
    rules, street, frozen, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _declare()
    with pytest.raises(DomainError) as caught:
        permit_request(data=make_request(street, first_night=D(2026, 11, 24)))
    assert caught.value.domain_code == "parking_ban"
    assert "snow emergency" in caught.value.messages[0]
    permit = permit_request(data=make_request(street, first_night=D(2026, 11, 25)))
    assert permit.status == Permit.Status.ACTIVE
    assert permit.nights.filter(status=PermitNight.Status.ACTIVE).count() == 1


@pytest.mark.django_db
def test_banned_nights_do_not_count_against_the_holders_limits(
    rules, street, frozen, django_capture_on_commit_callbacks
):
    hold_nights("ABC123", [D(2026, 11, 24), D(2026, 11, 25)])
    hold_nights("ABC123", [D(2026, 11, 23)])
    with django_capture_on_commit_callbacks(execute=True):
        _declare(starts_at=_local(2026, 11, 24, 20), ends_at=_local(2026, 11, 26, 8))
    # Without the ban, 23-27 would be five nights in a row and five in 14 days.
    permit = permit_request(data=make_request(street, first_night=D(2026, 11, 27), nights=1))
    assert permit.status == Permit.Status.ACTIVE
    assert permit.nights.filter(status=PermitNight.Status.ACTIVE).count() == 1


@pytest.mark.django_db
def test_declaring_a_ban_in_admin_queues_the_job(
    client, rules, street, frozen, django_capture_on_commit_callbacks
):
    client.force_login(UserFactory(roles=[roles.PARKING_OFFICERS]))
    permit = hold_nights("HIT1", [D(2026, 11, 24)])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/parking/snowemergency/add/",
            {
                "starts_at_0": "2026-11-24",
                "starts_at_1": "20:00",
                "ends_at_0": "2026-11-25",
                "ends_at_1": "12:00",
                "message_en": "Storm",
                "message_es": "Tormenta",
            },
        )
    assert response.status_code == 302
    assert permit.nights.get().status == "banned"
    assert SnowEmergency.objects.get().declared_by is not None


@pytest.mark.django_db
def test_a_ban_the_broker_lost_is_queued_again_by_the_sweep(rules, street, frozen):
    # Declared without running its on-commit hand-over: as if the broker had been down.
    ban = _declare()
    permit = hold_nights("LOST1", [D(2026, 11, 24)])
    frozen.shift(datetime.timedelta(minutes=2))
    assert services.ban_sweep() == 1  # tasks run inline in tests
    assert permit.nights.get().status == "banned"
    assert services.ban_sweep() == 0
    ban.refresh_from_db()
    assert ban.applied_at is not None


@pytest.mark.django_db
def test_blanket_night_needs_no_request_and_a_request_is_told_so(rules, street, frozen):
    BlanketNight.objects.create(night=D(2026, 11, 25), name_en="Thanksgiving Eve", name_es="x")
    with pytest.raises(DomainError) as caught:
        permit_request(data=make_request(street, first_night=D(2026, 11, 24), nights=2))
    assert caught.value.domain_code == "blanket_night"
    assert "No permit is needed for the night of November 25" in caught.value.messages[0]


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_ban_job_runs_on_a_real_worker_and_every_holder_gets_the_message(
    celery_worker, rules, street
):
    tomorrow = datetime.datetime.now(NY).date() + datetime.timedelta(days=1)
    holders = [
        hold_nights(f"SNOW{i}", [tomorrow], email=f"holder{i}@example.org") for i in range(5)
    ]
    with transaction.atomic():
        ban = ban_declare(
            starts_at=datetime.datetime.combine(tomorrow, datetime.time(18), tzinfo=NY),
            ends_at=datetime.datetime.combine(
                tomorrow + datetime.timedelta(days=1), datetime.time(9), tzinfo=NY
            ),
            message_en="Storm warning",
        )
    celery_worker.wait_for(
        lambda: (
            Notification.objects.filter(status="sent", subject__icontains="cancel").count() == 5
        ),
        timeout=60,
    )
    mails = celery_worker.mails()
    for holder in holders:
        assert sum(holder.email in mail and "Storm warning" in mail for mail in mails) == 1
    ban.refresh_from_db()
    assert ban.permits_cancelled == 5


@pytest.mark.django_db
def test_home_page_warns_of_a_snow_emergency_only_while_there_is_one(client, rules, street, frozen):
    assert "Snow emergency" not in client.get("/").content.decode()
    _declare()
    text = client.get("/es/").content.decode()
    assert "Emergencia por nieve" in text
    assert "Limpieza de nieve después de la tormenta." in text


@pytest.mark.django_db
def test_cached_home_page_shows_a_ban_or_blanket_night_as_soon_as_it_is_declared(
    client, rules, street, frozen
):
    """The home page is cached whole (portal.services.page_cache): parking's panel says so, and
    declaring a ban or a blanket night starts a new generation."""

    client.get("/")
    cached = client.get("/")
    assert cached[HIT_HEADER] == "hit"
    assert "Snow emergency" not in cached.content.decode()

    _declare()
    page = client.get("/")
    assert page[HIT_HEADER] == "miss"
    assert "Snow emergency" in page.content.decode()

    assert client.get("/")[HIT_HEADER] == "hit"
    BlanketNight.objects.create(
        night=D(2026, 11, 26), name_en="Thanksgiving", name_es="Acción de Gracias"
    )
    page = client.get("/")
    assert page[HIT_HEADER] == "miss"
    assert "Thanksgiving" in page.content.decode()
