"""Closed tips are purged with their files on the day their retention period ends; a legal hold
keeps a tip (and its check-back thread) until it is lifted; a tip a running transaction holds is
left for the next run; files leave storage only once the deletion has committed."""

import datetime
import threading
import zoneinfo

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.urls import reverse

from portal import registry, roles
from portal import retention as portal_retention
from portal.errors import DomainError
from portal.models import AuditEntry, LegalHold, PurgeFile
from portal.services import retention
from tests.factories import UserFactory
from tests.support.otp import verified_login
from tests.support.retention import run_while_the_lock_is_held
from tests.tips.factories import TipFactory
from tips import demo as tips_demo
from tips.models import Tip, TipAttachment, TipMessage
from tips.originals import attachment_originals_purge

ZONE = zoneinfo.ZoneInfo("America/New_York")
CLOSED = datetime.datetime(2026, 1, 10, 15, 0, tzinfo=ZONE)
DUE = datetime.date(2026, 1, 10) + datetime.timedelta(days=3 * 365)  # 9 January 2029


def _local(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=ZONE)


def _closed_tip(**fields) -> Tip:
    tip = TipFactory(
        status=Tip.Status.CLOSED, outcome=Tip.Outcome.NOT_ACTIONABLE, closed_at=CLOSED, **fields
    )
    tip.packet.save("packet.pdf", ContentFile(b"%PDF-1.7 packet"), save=True)
    attachment = TipAttachment(
        tip=tip, kind="image", content_type="image/jpeg", size=9, status="clean"
    )
    attachment.original.save("o.bin", ContentFile(b"encrypted original"), save=False)
    attachment.clean.save("c.bin", ContentFile(b"encrypted clean copy"), save=False)
    attachment.save()
    TipMessage.objects.create(tip=tip, body="Any news?", direction="tipster")
    return tip


def _files(tip: Tip) -> list:
    names = [(tip.packet.storage, tip.packet.name)]
    for attachment in tip.attachments.all():
        names += [
            (attachment.original.storage, attachment.original.name),
            (attachment.clean.storage, attachment.clean.name),
        ]
    return names


def _purge(capture, **kwargs):
    with capture(execute=True):
        return retention.retention_purge(**kwargs)


@pytest.fixture
def site_admin(client):
    user = UserFactory(username="rosa", roles=[roles.SITE_ADMINISTRATORS])
    verified_login(client, user)
    return user


@pytest.mark.django_db
def test_a_closed_tip_and_its_files_are_purged_on_the_day_it_is_due(
    django_capture_on_commit_callbacks,
):
    tip = _closed_tip()
    files = _files(tip)
    with time_machine.travel(_local(DUE - datetime.timedelta(days=1), 23, 59), tick=False):
        _purge(django_capture_on_commit_callbacks)
    assert Tip.objects.filter(pk=tip.pk).exists()
    assert all(storage.exists(name) for storage, name in files)
    with time_machine.travel(_local(DUE, 0, 5), tick=False):
        report = _purge(django_capture_on_commit_callbacks)
    assert report.rows["tips.tip"] == 1
    assert not Tip.objects.filter(pk=tip.pk).exists()
    assert not TipAttachment.objects.exists() and not TipMessage.objects.exists()
    assert not any(storage.exists(name) for storage, name in files)
    assert not PurgeFile.objects.exists()
    entry = AuditEntry.objects.get(action="portal.retention.purged", detail__kind="tips.tip")
    assert (entry.detail["count"], entry.detail["files"]) == (1, 3)
    assert tip.number not in str(entry.detail)


@pytest.mark.django_db
def test_a_tip_still_open_is_never_purged(django_capture_on_commit_callbacks):
    tip = TipFactory(status=Tip.Status.REVIEWING)
    Tip.objects.filter(pk=tip.pk).update(closed_at=CLOSED)  # a tip reopened after closing
    with time_machine.travel(_local(DUE + datetime.timedelta(days=400), 12), tick=False):
        _purge(django_capture_on_commit_callbacks)
    assert Tip.objects.filter(pk=tip.pk).exists()


@pytest.mark.django_db
def test_the_check_back_thread_goes_a_year_after_closing_and_the_tip_stays():
    tip = _closed_tip()
    with time_machine.travel(_local(datetime.date(2027, 1, 9), 12), tick=False):
        retention.retention_purge(keys=["tips.message"])
    assert TipMessage.objects.filter(tip=tip).exists()
    with time_machine.travel(_local(datetime.date(2027, 1, 10), 12), tick=False):
        retention.retention_purge(keys=["tips.message"])
    assert not TipMessage.objects.filter(tip=tip).exists()
    assert Tip.objects.filter(pk=tip.pk).exists()


@pytest.mark.django_db
def test_a_held_tip_is_kept_and_purged_once_the_hold_is_lifted(
    django_capture_on_commit_callbacks, site_admin
):
    tip = _closed_tip()
    files = _files(tip)
    hold = retention.legal_hold_place(
        actor=site_admin, kind_key="tips.tip", case=tip.number, reason="Civil suit 26-114"
    )
    with time_machine.travel(_local(DUE + datetime.timedelta(days=30), 12), tick=False):
        rows = {row.kind.key: row for row in retention.retention_due_list()}
        assert (rows["tips.tip"].due_today, rows["tips.tip"].held) == (0, 1)
        _purge(django_capture_on_commit_callbacks)
        assert Tip.objects.filter(pk=tip.pk).exists()
        assert TipMessage.objects.filter(tip=tip).exists()  # the thread is held with its tip
        assert all(storage.exists(name) for storage, name in files)
        retention.legal_hold_lift(actor=site_admin, hold=hold, reason="Suit settled")
        _purge(django_capture_on_commit_callbacks)
    assert not Tip.objects.filter(pk=tip.pk).exists()
    assert not any(storage.exists(name) for storage, name in files)
    placed = AuditEntry.objects.get(action="portal.legal_hold.placed")
    lifted = AuditEntry.objects.get(action="portal.legal_hold.lifted")
    assert placed.actor == site_admin and placed.detail["reason"] == "Civil suit 26-114"
    assert lifted.actor == site_admin and lifted.detail["reason"] == "Suit settled"


@pytest.mark.django_db
def test_a_hold_needs_a_reason_and_a_case_that_exists(site_admin):
    tip = _closed_tip()
    with pytest.raises(DomainError) as no_reason:
        retention.legal_hold_place(
            actor=site_admin, kind_key="tips.tip", case=tip.number, reason=" "
        )
    with pytest.raises(DomainError) as no_case:
        retention.legal_hold_place(actor=site_admin, kind_key="tips.tip", case="T-0000", reason="x")
    assert (no_reason.value.domain_code, no_case.value.domain_code) == (
        "reason_required",
        "no_such_case",
    )
    retention.legal_hold_place(actor=site_admin, kind_key="tips.tip", case=tip.number, reason="x")
    with pytest.raises(DomainError) as twice:
        retention.legal_hold_place(
            actor=site_admin, kind_key="tips.tip", case=tip.number, reason="y"
        )
    assert twice.value.domain_code == "already_held"
    assert LegalHold.objects.count() == 1


@pytest.mark.django_db
def test_a_hold_is_placed_and_lifted_in_admin_with_a_reason(client, site_admin):
    tip = _closed_tip()
    add = reverse("admin:portal_legalhold_add")
    refused = client.post(add, {"kind": "tips.tip", "case": tip.number, "reason": ""})
    assert refused.status_code == 200 and not LegalHold.objects.exists()
    unknown = client.post(add, {"kind": "tips.tip", "case": "T-0000", "reason": "Claim"})
    assert "No case T-0000 was found" in unknown.content.decode() and not LegalHold.objects.exists()
    response = client.post(add, {"kind": "tips.tip", "case": tip.number, "reason": "Claim 7"})
    assert response.status_code == 302
    hold = LegalHold.objects.get()
    assert hold.active and hold.placed_by == site_admin and hold.object_id == str(tip.pk)
    changelist = reverse("admin:portal_legalhold_changelist")
    response = client.post(
        changelist,
        {"action": "lift", "_selected_action": [hold.pk], "apply": "1", "reason": "Closed"},
    )
    assert response.status_code == 302
    hold.refresh_from_db()
    assert not hold.active and hold.lift_reason == "Closed" and hold.lifted_by == site_admin
    assert AuditEntry.objects.filter(action="portal.legal_hold.lifted", actor=site_admin).exists()


@pytest.mark.django_db
def test_staff_without_the_role_cannot_place_a_hold(client):
    verified_login(client, UserFactory(roles=[roles.TIP_INVESTIGATORS]))
    tip = _closed_tip()
    response = client.post(
        reverse("admin:portal_legalhold_add"),
        {"kind": "tips.tip", "case": tip.number, "reason": "Mine"},
    )
    assert response.status_code == 403
    assert not LegalHold.objects.exists()


@pytest.fixture
def failing_attachment_kind():
    """Attachments whose purge deletes the rows and then fails: the transaction rolls back."""

    def purge(rows):
        rows.delete()
        raise RuntimeError("database went away")

    kind = registry.retention_kinds.register(
        registry.RetentionKind(
            key="tests.attachments",
            label="Attachments",
            model="tips.TipAttachment",
            date_field="created_at",
            default_days=1,
            schedule="-",
            files=("original", "clean"),
            hold_paths=("tip",),
            purge=purge,
        )
    )
    yield kind
    registry.retention_kinds.unregister(kind.key)


@pytest.mark.django_db
def test_files_stay_in_storage_when_the_purge_rolls_back(
    django_capture_on_commit_callbacks, failing_attachment_kind
):
    tip = _closed_tip()
    files = _files(tip)[1:]
    with (
        time_machine.travel(_local(DUE, 12), tick=False),
        pytest.raises(RuntimeError),
        django_capture_on_commit_callbacks(execute=True),
    ):
        retention.retention_purge(keys=["tests.attachments"])
    assert TipAttachment.objects.filter(tip=tip).count() == 1
    assert all(storage.exists(name) for storage, name in files)
    assert not PurgeFile.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_tip_a_running_transaction_holds_is_left_for_the_next_run(on_postgresql):
    tip = _closed_tip()
    files = _files(tip)
    locked, release, done = threading.Event(), threading.Event(), threading.Event()

    def investigator_at_work():
        # As a service does: lock the tip, then write on it (a note, a reopening).
        try:
            with transaction.atomic():
                Tip.objects.select_for_update().get(pk=tip.pk)
                locked.set()
                release.wait(10)
        finally:
            connection.close()
            done.set()

    worker = threading.Thread(target=investigator_at_work)
    worker.start()
    assert locked.wait(10)
    with time_machine.travel(_local(DUE, 12), tick=False):
        report = retention.retention_purge(keys=["tips.tip"])
        assert report.rows == {}
        assert Tip.objects.filter(pk=tip.pk).exists()
        assert all(storage.exists(name) for storage, name in files)
        release.set()
        assert done.wait(10)
        worker.join()
        report = retention.retention_purge(keys=["tips.tip"])
    assert report.rows == {"tips.tip": 1}
    assert not Tip.objects.filter(pk=tip.pk).exists()
    assert not any(storage.exists(name) for storage, name in files)


@pytest.mark.django_db(transaction=True)
def test_a_hold_waits_for_a_running_batch_and_then_finds_the_case_purged(on_postgresql):
    """Placing a hold and a purge batch take the same lock: a hold placed while the batch runs
    waits, then refuses (the case is gone) instead of holding nothing."""
    tip = _closed_tip()
    admin = UserFactory(roles=[roles.SITE_ADMINISTRATORS])
    outcome = {}
    started = threading.Event()

    def place_hold():
        started.set()
        try:
            retention.legal_hold_place(
                actor=admin, kind_key="tips.tip", case=tip.number, reason="Subpoena"
            )
            outcome["hold"] = True
        except DomainError as error:
            outcome["refused"] = error.domain_code
        finally:
            connection.close()

    with time_machine.travel(_local(DUE, 12), tick=False), transaction.atomic():
        retention.lock()  # the batch's lock, as purge_batch takes it
        worker = threading.Thread(target=place_hold)
        worker.start()
        assert started.wait(10)
        worker.join(0.5)
        assert worker.is_alive()  # waiting on the lock
        Tip.objects.filter(pk=tip.pk).delete()
    worker.join(10)
    assert outcome == {"refused": "no_such_case"}
    assert not LegalHold.objects.exists()


@pytest.mark.django_db
def test_a_hold_on_the_tip_keeps_its_original_files_past_their_own_limit(settings, site_admin):
    tip = _closed_tip()
    TipAttachment.objects.filter(tip=tip).update(created_at=CLOSED)
    attachment = tip.attachments.get()
    later = CLOSED + datetime.timedelta(days=settings.TIPS_ORIGINAL_RETENTION_DAYS + 30)
    hold = retention.legal_hold_place(
        actor=site_admin, kind_key="tips.tip", case=tip.number, reason="Evidence in case 26-9"
    )
    assert attachment_originals_purge(now=later) == 0
    attachment.refresh_from_db()
    assert attachment.original and attachment.original_purged_on is None
    retention.legal_hold_lift(actor=site_admin, hold=hold, reason="Case closed")
    assert attachment_originals_purge(now=later) == 1


@pytest.mark.django_db(transaction=True)
def test_the_originals_purge_waits_for_the_lock_a_hold_placement_takes(on_postgresql, settings):
    tip = _closed_tip()
    TipAttachment.objects.filter(tip=tip).update(created_at=CLOSED)
    later = CLOSED + datetime.timedelta(days=settings.TIPS_ORIGINAL_RETENTION_DAYS + 30)
    waited, outcome = run_while_the_lock_is_held(lambda: attachment_originals_purge(now=later))
    assert waited and outcome == {"value": 1}
    assert tip.attachments.get().original_purged_on is not None


@pytest.mark.django_db
def test_the_demo_puts_one_tip_under_legal_hold(settings):
    settings.DEBUG = True
    tips_demo.load_demo()
    portal_retention.load_demo()
    portal_retention.load_demo()  # idempotent
    hold = LegalHold.objects.get()
    assert hold.active and hold.content_type.model == "tip"
    assert AuditEntry.objects.filter(action="portal.legal_hold.placed").count() == 1


@pytest.mark.django_db
def test_holds_are_listed_and_shown_but_never_deleted_in_admin(client, site_admin):
    tip = _closed_tip()
    hold = retention.legal_hold_place(
        actor=site_admin, kind_key="tips.tip", case=tip.number, reason="Claim 12"
    )
    listing = client.get(reverse("admin:portal_legalhold_changelist") + "?state=active")
    assert listing.status_code == 200 and tip.number in listing.content.decode()
    page = client.get(reverse("admin:portal_legalhold_change", args=[hold.pk]))
    assert page.status_code == 200 and "Claim 12" in page.content.decode()
    delete = client.post(reverse("admin:portal_legalhold_delete", args=[hold.pk]), {"post": "yes"})
    assert delete.status_code == 403
    assert LegalHold.objects.filter(pk=hold.pk).exists()
