"""Records from employees' personnel, medical and similar files (C.G.S. §1-214), which police
departments are often asked for (an officer's disciplinary record, say).

Rules and where they come from (our reading of the statute):
- §1-214(b): on a request for such records the agency at once notifies each employee concerned
  (and their collective bargaining representative, if any). A clerk marks the request by
  sending the notice from its page: a notice row, and an e-mail through the outbox to the
  address the clerk enters.
- §1-214(c): the agency discloses the records unless the employee or union objects in writing
  within seven business days of receiving the notice or, with no evidence of receipt, within
  nine business days of the notice being given. An e-mail gives no evidence of receipt, so the
  window stays open for nine business days after the notice; nothing is released before it
  closes (`personnel_release_check`, called by every release: approving the request, a
  packet's build, a document released as it is, a letter).
- The department's due date moves to ten business days after the notice (the nine days of the
  window, then the release), if it was earlier; the requester is told why.
- An objection recorded stops the release until it is resolved (withdrawn, or the Freedom of
  Information Commission orders disclosure, or the records are withheld): with an objection,
  the agency may not disclose unless the Commission orders it (§1-214(c)); while it is
  unresolved, the deemed-denial clock of §1-206 is paused (records/jobs.py).
"""

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.errors import DomainError
from portal.localtime import to_local
from portal.selectors import department_get
from portal.services.audit import audit_record
from portal.services.notifications import notification_enqueue
from records import selectors
from records.businessdays import add_business_days
from records.models import EmployeeNotice, RecordRequest
from records.services.common import notify_requester, timeline_add

OBJECTION_BUSINESS_DAYS = 9  # §1-214(c): no evidence of receipt of the notice
OBJECTION_BUSINESS_DAYS_RECEIVED = 7  # §1-214(c): from the employee's receipt
EXTENSION_BUSINESS_DAYS = 10  # the window, then the release

_HOLDS = {
    "window": gettext_lazy(
        "The employees concerned may still object (C.G.S. §1-214(c)): nothing is released "
        "before their window closes."
    ),
    "objection": gettext_lazy(
        "An employee objected to the release (C.G.S. §1-214(c)): nothing is released until "
        "the objection is resolved."
    ),
}


def personnel_release_check(*, record_request: RecordRequest) -> None:
    """Refuse a release while an employee may object or an objection is unresolved."""
    hold = selectors.personnel_hold(record_request=record_request)
    if hold is not None:
        raise DomainError(_HOLDS[hold], code=f"employee_{hold}")


@transaction.atomic
def employee_notice_send(
    *,
    record_request: RecordRequest,
    employee_name: str,
    email: str,
    actor,
    now: datetime | None = None,
) -> EmployeeNotice:
    """Tell an employee (or their union) that their personnel records were asked for, and hold
    the release until the objection window closes."""
    record_request = RecordRequest.objects.select_for_update().get(pk=record_request.pk)
    if not record_request.is_open:
        raise DomainError(_("This request is closed."), code="closed")
    if not employee_name.strip():
        raise DomainError(
            _("Name the employee or union."), code="name_required", field="employee_name"
        )
    now = now or timezone.now()
    today = to_local(now).date()
    notice = EmployeeNotice(
        request=record_request,
        employee_name=employee_name.strip(),
        email=email.strip(),
        sent_at=now,
        objection_deadline=add_business_days(today, OBJECTION_BUSINESS_DAYS),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    notice.full_clean()
    notice.save()
    due = add_business_days(today, EXTENSION_BUSINESS_DAYS)
    before = record_request.due_date
    if record_request.is_paused:
        record_request.business_days_left = max(
            record_request.business_days_left or 0, EXTENSION_BUSINESS_DAYS
        )
    elif due > record_request.due_date:
        record_request.due_date = due
    record_request.save(update_fields=["due_date", "business_days_left", "updated_at"])
    department = department_get()
    notification_enqueue(
        channel="email",
        recipient=notice.email,
        subject=f"Records request {record_request.tracking_number}: your personnel records",
        body=(
            f"The {department.name} has received a request (number "
            f"{record_request.tracking_number}) for records in the personnel, medical or "
            f"similar files of {notice.employee_name}. Under C.G.S. §1-214 the records will be "
            "disclosed unless you or your collective bargaining representative object in writing "
            "within seven business days of receiving this notice (at the latest by "
            f"{notice.objection_deadline:%Y-%m-%d}), on the form prescribed by the Freedom of "
            "Information Commission. Send the objection to the Records Division."
        ),
        language="en",
        dedupe_key=f"records:employee-notice:{notice.pk}",
    )
    timeline_add(
        record_request=record_request,
        action="employee_notice",
        actor=actor,
        note=_("Employees notified under C.G.S. §1-214"),
    )
    audit_record(
        actor=actor,
        action="records.employee_notice.sent",
        target=record_request,
        detail={
            "notice": notice.pk,
            "objection_deadline": notice.objection_deadline.isoformat(),
            "due_from": before.isoformat(),
            "due_to": record_request.due_date.isoformat(),
        },
    )
    notify_requester(
        record_request=record_request,
        subject=gettext_lazy("Your request %(number)s: notice to employees"),
        body=gettext_lazy(
            "Your request %(number)s asks for records from employees' personnel or similar "
            "files. Connecticut law (C.G.S. §1-214) requires us to notify the employees "
            "concerned, who may object. We now expect to answer by %(due)s."
        ),
        dedupe_key=f"records:employee-notice-requester:{notice.pk}",
    )
    return notice


@transaction.atomic
def employee_objection_record(*, notice: EmployeeNotice, actor, note: str) -> EmployeeNotice:
    """An employee's (or union's) written objection: the release stops until it is resolved."""
    notice = EmployeeNotice.objects.select_for_update().get(pk=notice.pk)
    if not note.strip():
        raise DomainError(
            _("Say who objected and when."), code="note_required", field="objection_note"
        )
    if notice.objected_at is not None:
        raise DomainError(_("An objection is already recorded."), code="already_objected")
    notice.objected_at = timezone.now()
    notice.objection_note = note.strip()
    notice.save(update_fields=["objected_at", "objection_note"])
    timeline_add(
        record_request=notice.request, action="employee_objection", actor=actor, public=False
    )
    audit_record(
        actor=actor,
        action="records.employee_notice.objected",
        target=notice.request,
        detail={"notice": notice.pk},
    )
    return notice


@transaction.atomic
def employee_objection_resolve(
    *, notice: EmployeeNotice, resolution: str, actor, note: str = ""
) -> EmployeeNotice:
    """Close an objection: withdrawn, disclosure ordered by the Commission, or the records
    withheld. Only then may the records (or what is left of them) be released."""
    notice = EmployeeNotice.objects.select_for_update().get(pk=notice.pk)
    if notice.objected_at is None or notice.resolved_at is not None:
        raise DomainError(_("No open objection to resolve."), code="no_objection")
    if resolution not in EmployeeNotice.Resolution.values:
        raise DomainError(
            _("Choose how the objection was resolved."),
            code="resolution_required",
            field="resolution",
        )
    notice.resolved_at = timezone.now()
    notice.resolution = resolution
    notice.resolution_note = note.strip()
    notice.save(update_fields=["resolved_at", "resolution", "resolution_note"])
    timeline_add(
        record_request=notice.request,
        action="employee_objection_resolved",
        actor=actor,
        public=False,
    )
    audit_record(
        actor=actor,
        action="records.employee_notice.resolved",
        target=notice.request,
        detail={"notice": notice.pk, "resolution": resolution},
    )
    return notice
