"""Bookings from the department's booking system: the import API, the CSV import, release, and
the booking systems' keys.

Rules (department policy, issue 16):
- One record per booking number: sending the same booking again updates it (idempotent upsert),
  whether through the API or a CSV file; both go through `booking_import`.
- A person under 18 on the day of booking is a juvenile whatever the system says (state law
  keeps juvenile custody records out of public view); the system may also flag one juvenile or
  confidential. Neither is ever shown (custody/selectors.py).
- A release takes the person out of public view at once (the search reads `released_at`).
- Released records are purged by the kernel's retention rules (portal/services/retention/):
  the period the retention page sets for "custody.custodyrecord" (30 days after release by
  default), never while a legal hold is on the booking, under the purge's lock: its hourly
  run covers custody's kinds, and custody has no purge of its own.
- A booking system proves itself with a key of which only the SHA-256 is kept; it is created
  with its key in one write, so no row ever stands without one.
"""

import csv
import datetime
import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from custody.forms import BookingForm
from custody.models import BookingSystem, CustodyRecord
from portal.errors import DomainError
from portal.localtime import to_local
from portal.services.audit import audit_record
from portal.services.keys import hashed_key_authenticate, hashed_key_revoke

JUVENILE_AGE = 18
CSV_MAX_ROWS = 5000
CSV_MAX_BYTES = 2 * 1024 * 1024


class InvalidBooking(ValidationError):
    """A payload refused field by field; the API answers 400 with `code` "invalid_booking"."""

    domain_code = "invalid_booking"


def _age_on(born: datetime.date, day: datetime.date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def _clean(data: Mapping[str, Any]) -> dict[str, Any]:
    if not isinstance(data, Mapping):
        raise InvalidBooking(
            {"booking": [ValidationError(_("Send one booking as an object."), code="not_object")]}
        )
    form = BookingForm(data={key: value for key, value in data.items() if value is not None})
    if not form.is_valid():
        raise InvalidBooking(form.errors.as_data())
    cleaned = form.cleaned_data
    if cleaned["released_at"] and cleaned["released_at"] < cleaned["booked_at"]:
        raise InvalidBooking(
            {
                "released_at": [
                    ValidationError(_("The release is before the booking."), code="before_booking")
                ]
            }
        )
    if cleaned["date_of_birth"] > to_local(cleaned["booked_at"]).date():
        raise InvalidBooking(
            {
                "date_of_birth": [
                    ValidationError(_("The date of birth is after the booking."), code="future")
                ]
            }
        )
    return cleaned


@transaction.atomic
def booking_import(
    *, data: Mapping[str, Any], source: BookingSystem | None = None, actor=None
) -> tuple[CustodyRecord, bool]:
    """Create or update the record of `data["booking_number"]`. Returns (record, created)."""
    cleaned = _clean(data)
    bond_status, bond_amount = cleaned["bond"]
    booked_on = to_local(cleaned["booked_at"]).date()
    juvenile = cleaned["juvenile"] or _age_on(cleaned["date_of_birth"], booked_on) < JUVENILE_AGE
    values = {
        "last_name": cleaned["last_name"].strip(),
        "first_name": cleaned["first_name"].strip(),
        "date_of_birth": cleaned["date_of_birth"],
        "juvenile": juvenile,
        "confidential": cleaned["confidential"],
        "charge_category": cleaned["charge_category"],
        "bond_status": bond_status,
        "bond_amount": bond_amount,
        "court_date": cleaned["court_date"],
        "court_time": cleaned["court_time"],
        "court_name": cleaned["court_name"],
        "court_address": cleaned["court_address"],
        "booked_at": cleaned["booked_at"],
        "released_at": cleaned["released_at"],
    }
    record = (
        CustodyRecord.objects.select_for_update()
        .filter(booking_number=cleaned["booking_number"])
        .first()
    )
    created = record is None
    if created:
        record = CustodyRecord(booking_number=cleaned["booking_number"], source=source)
    elif record.released_at and not values["released_at"]:
        # A later import that forgets the release does not bring the person back into view.
        values["released_at"] = record.released_at
    changed = [name for name, value in values.items() if getattr(record, name) != value]
    for name, value in values.items():
        setattr(record, name, value)
    if source is not None:
        record.source = source
    record.full_clean(validate_unique=False)
    if created or changed:
        record.save()
        audit_record(
            actor=actor,
            actor_label=source.name if source else "",
            action="custody.record.imported",
            target=record,
            detail={"created": created, "changed": sorted(changed)},
        )
    return record, created


@transaction.atomic
def booking_release(
    *,
    booking_number: str,
    released_at: datetime.datetime | None = None,
    source: BookingSystem | None = None,
    actor=None,
) -> CustodyRecord:
    record = CustodyRecord.objects.select_for_update().filter(booking_number=booking_number).first()
    if record is None:
        raise DomainError(
            _("No booking has this number."), code="unknown_booking", field="booking_number"
        )
    if record.released_at is None:
        record.released_at = released_at or timezone.now()
        record.save(update_fields=["released_at", "updated_at"])
        audit_record(
            actor=actor,
            actor_label=source.name if source else "",
            action="custody.record.released",
            target=record,
        )
    return record


# --- Booking systems' keys ------------------------------------------------------------------


def booking_system_authenticate(key: str) -> BookingSystem | None:
    return hashed_key_authenticate(BookingSystem.objects.all(), key)


@transaction.atomic
def booking_system_create(*, name: str, actor) -> tuple[BookingSystem, str]:
    """A new booking system with its key, saved once (never a row without a key); the key is
    returned to be shown once, never stored."""
    system = BookingSystem(name=name.strip())
    key = system.set_new_key()
    system.full_clean()
    try:
        with transaction.atomic():
            system.save()
    except IntegrityError:
        # Another system of this name was added at the same moment: full_clean could not see
        # it yet, the unique constraint did. Anything else (a key hash collision) stays a 500.
        if not BookingSystem.objects.filter(name=system.name).exists():
            raise
        raise DomainError(
            _("A booking system with this name already exists."),
            code="name_taken",
            field="name",
            conflict=True,
        ) from None
    audit_record(actor=actor, action="custody.bookingsystem.created", target=system)
    return system, key


@transaction.atomic
def booking_system_issue_key(*, system: BookingSystem, actor) -> str:
    """A new key for `system` (the old one stops working); shown once, never stored."""
    key = system.set_new_key()
    system.revoked_at = None
    system.save()
    audit_record(actor=actor, action="custody.bookingsystem.key_issued", target=system)
    return key


def booking_system_revoke(*, system: BookingSystem, actor) -> None:
    """Stop `system`'s key; revoking a revoked key again changes nothing."""
    hashed_key_revoke(system, actor=actor, action="custody.bookingsystem.revoked")


# --- CSV ------------------------------------------------------------------------------------


@dataclass
class CsvRow:
    line: int
    data: dict[str, str]
    errors: dict[str, list[str]] = field(default_factory=dict)


def _read_csv(content: bytes) -> list[dict[str, str]]:
    if len(content) > CSV_MAX_BYTES:
        raise DomainError(_("The file is larger than 2 MB."), code="csv_too_large", field="file")
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DomainError(
            _("The file is not UTF-8 text."), code="csv_encoding", field="file"
        ) from None
    try:
        reader = csv.DictReader(io.StringIO(text, newline=""), strict=True)
        rows = []
        for row in reader:
            if len(rows) >= CSV_MAX_ROWS:
                raise DomainError(
                    _("The file has more than %(max)d rows.") % {"max": CSV_MAX_ROWS},
                    code="csv_too_many_rows",
                    field="file",
                )
            if None in row:  # more cells than the header names
                raise DomainError(
                    _("Row %(line)d has more cells than the header.") % {"line": reader.line_num},
                    code="csv_bad_row",
                    field="file",
                )
            rows.append({(k or "").strip(): (v or "").strip() for k, v in row.items()})
    except csv.Error as error:
        raise DomainError(
            _("The file is not a readable CSV file (%(error)s).") % {"error": error},
            code="csv_unreadable",
            field="file",
        ) from None
    if not rows or "booking_number" not in rows[0]:
        raise DomainError(
            _("The file has no header row with a booking_number column."),
            code="csv_no_header",
            field="file",
        )
    return rows


def csv_preview(*, content: bytes) -> list[CsvRow]:
    """Each row of the file with the errors it would be refused with; writes nothing."""
    result = []
    for number, data in enumerate(_read_csv(content), start=2):
        row = CsvRow(line=number, data=data)
        try:
            _clean(data)
        except ValidationError as error:
            row.errors = error.message_dict
        result.append(row)
    return result


@transaction.atomic
def csv_import(*, content: bytes, actor) -> dict[str, int]:
    """Import every valid row (each through `booking_import`); refused rows are counted."""
    counts = {"created": 0, "updated": 0, "refused": 0}
    for data in _read_csv(content):
        try:
            with transaction.atomic():
                _record, created = booking_import(data=data, actor=actor)
        except ValidationError:
            counts["refused"] += 1
        else:
            counts["created" if created else "updated"] += 1
    audit_record(actor=actor, action="custody.csv.imported", detail=counts)
    return counts
