"""The nightly list per street: CSV, PDF, and the e-mail to the shift supervisor before the
ban starts, with the CSV and the PDF attached (made by the outbox when it sends the e-mail)."""

import datetime
import io
import logging

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import letter
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from parking import nights as n
from parking.models import (
    NightlyList,
    ParkingRules,
    PermitNight,
)
from parking.services.common import rules_get
from portal import csv as portal_csv
from portal.links import absolute_url
from portal.localtime import department_zone
from portal.services.audit import audit_record
from portal.services.notifications import Attachment, attachment_generator, notification_enqueue

logger = logging.getLogger(__name__)

# --- The nightly list --------------------------------------------------------------------------


def nightly_rows(*, night: datetime.date) -> list[PermitNight]:
    return list(
        PermitNight.objects.select_related("permit", "street")
        .filter(night=night, status=PermitNight.Status.ACTIVE)
        .order_by("street__name", "house_number", "plate")
    )


def nightly_csv(*, night: datetime.date) -> str:
    """The night's list for a spreadsheet. Make, model and colour are typed by residents: the
    kernel's writer keeps a cell like "=HYPERLINK(...)" from running as a formula."""
    header = ["night", "street", "number", "plate", "state", "make", "model", "colour", "code"]
    rows = (
        [
            night.isoformat(),
            row.street.name,
            row.house_number,
            row.plate,
            row.plate_state,
            row.permit.make,
            row.permit.model,
            row.permit.colour,
            row.permit.display_code,
        ]
        for row in nightly_rows(night=night)
    )
    return portal_csv.rows_to_text([header, *rows])


def nightly_pdf(*, night: datetime.date, title: str) -> bytes:
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=letter, title=title)
    styles = getSampleStyleSheet()
    story = [Paragraph(title, styles["Title"])]
    rows = nightly_rows(night=night)
    if not rows:
        story.append(Paragraph(_("No permits for this night."), styles["Normal"]))
    street = None
    table: list[list[str]] = []

    def flush():
        if table:
            grid = Table(table, repeatRows=1, hAlign="LEFT")
            grid.setStyle(
                TableStyle(
                    [
                        ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"),
                        ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                        ("BACKGROUND", (0, 0), (-1, 0), colors.lightgrey),
                    ]
                )
            )
            story.append(grid)
            story.append(Spacer(1, 12))

    for row in rows:
        if row.street.name != street:
            flush()
            street = row.street.name
            story.append(Paragraph(street, styles["Heading2"]))
            table = [[_("No."), _("Plate"), _("State"), _("Vehicle"), _("Code")]]
        table.append(
            [
                str(row.house_number),
                row.plate,
                row.plate_state,
                row.permit.vehicle,
                row.permit.display_code,
            ]
        )
    flush()
    doc.build(story)
    return buffer.getvalue()


def _list_title(night: datetime.date) -> str:
    return _("Overnight parking: the night of %(night)s") % {"night": n.night_label(night)}


@attachment_generator
def nightly_csv_attachment(*, night: str) -> bytes:
    """The CSV attached to the supervisor's e-mail, made when the e-mail is sent."""
    return nightly_csv(night=datetime.date.fromisoformat(night)).encode()


@attachment_generator
def nightly_pdf_attachment(*, night: str, language: str) -> bytes:
    """The PDF attached to the supervisor's e-mail, made when the e-mail is sent."""
    day = datetime.date.fromisoformat(night)
    with translation.override(language):
        return nightly_pdf(night=day, title=_list_title(day))


def nightly_list_export(*, actor, night: datetime.date, as_pdf: bool) -> bytes:
    """A staff member downloads a night's list (CSV or PDF); the download is audit-logged."""
    audit_record(
        actor=actor,
        action="parking.list.downloaded",
        detail={"night": night.isoformat(), "as": "pdf" if as_pdf else "csv"},
    )
    if as_pdf:
        return nightly_pdf(night=night, title=_list_title(night))
    return nightly_csv(night=night).encode()


def nightly_list_send(*, now: datetime.datetime | None = None) -> NightlyList | None:
    """Beat calls this every few minutes. Once the list time of a night has come (before the
    ban starts) and the ban has not ended, the night's list is generated and e-mailed to the
    shift supervisor, at most once a night."""
    now = now or timezone.now()
    rules, zone = rules_get(), department_zone()
    today = now.astimezone(zone).date()
    for night in (today - datetime.timedelta(days=1), today):
        ban_start = n.in_utc(n.local_at(night + datetime.timedelta(days=1), rules.ban_start, zone))
        send_at = ban_start - datetime.timedelta(minutes=rules.list_minutes_before_ban)
        ban_end = n.local_at(night + datetime.timedelta(days=1), rules.ban_end, zone)
        if send_at <= now < ban_end:
            return _nightly_list_make(night=night, rules=rules)
    return None


@transaction.atomic
def _nightly_list_make(*, night: datetime.date, rules: ParkingRules) -> NightlyList:
    existing = NightlyList.objects.select_for_update().filter(night=night).first()
    if existing is not None:
        return existing
    rows = nightly_rows(night=night)
    record = NightlyList.objects.create(
        night=night, vehicles=len(rows), sent_to=rules.supervisor_email
    )
    if rules.supervisor_email:
        with translation.override(settings.LANGUAGE_CODE):
            body = render_to_string(
                "parking/messages/nightly_list.txt",
                {
                    "night": night,
                    "night_label": n.night_label(night),
                    "rows": rows,
                    "csv_url": absolute_url(reverse("parking:list-csv", args=[night.isoformat()])),
                    "pdf_url": absolute_url(reverse("parking:list-pdf", args=[night.isoformat()])),
                },
            ).strip()
            subject = _("Overnight parking list for the night of %(night)s") % {
                "night": n.night_label(night)
            }
        day = night.isoformat()
        notification_enqueue(
            channel="email",
            recipient=rules.supervisor_email,
            subject=subject,
            body=body,
            language=settings.LANGUAGE_CODE,
            dedupe_key=f"parking:list:{day}",
            attachments=[
                Attachment(
                    filename=f"parking-{day}.csv",
                    mimetype="text/csv",
                    generator="parking.services.lists.nightly_csv_attachment",
                    kwargs={"night": day},
                ),
                Attachment(
                    filename=f"parking-{day}.pdf",
                    mimetype="application/pdf",
                    generator="parking.services.lists.nightly_pdf_attachment",
                    kwargs={"night": day, "language": settings.LANGUAGE_CODE},
                ),
            ],
        )
    audit_record(
        actor=None,
        actor_label="celery",
        action="parking.list.sent",
        target=record,
        detail={"vehicles": len(rows)},
    )
    return record
