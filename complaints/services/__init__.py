"""Every write of complaints, one module per concern: `intake` (a case comes in), `resident`
(the resident comes back, throttles), `workflow` (the stages), staff's work at each stage in
`reading`, `classification`, `investigation` and `outcome`, `board` (the review board), `notices`
(what people are told, the sweeps)."""

from complaints.services.board import review_record
from complaints.services.classification import (
    allegation_add,
    complaint_accept,
    complaint_assign,
    complaint_classify,
    officer_identify,
)
from complaints.services.intake import (
    OfficerGiven,
    Submitted,
    WitnessGiven,
    attachment_scrub,
    attachment_sweep,
    complaint_submit,
)
from complaints.services.investigation import investigation_finish, step_add, step_complete
from complaints.services.notices import (
    complaint_notify,
    finding_notify,
    reminders_send,
    sweep,
)
from complaints.services.outcome import (
    allegation_find,
    commendation_deliver,
    complaint_close,
    findings_submit,
    message_send,
)
from complaints.services.reading import attachment_read, complaint_open
from complaints.services.resident import (
    complaint_authenticate,
    complaint_check_counted,
    complaint_check_throttle,
    complaint_submit_counted,
    complaint_submit_throttle,
    resident_add_information,
)
from complaints.services.workflow import TRANSITIONS

__all__ = [
    "TRANSITIONS",
    "OfficerGiven",
    "Submitted",
    "WitnessGiven",
    "allegation_add",
    "allegation_find",
    "attachment_read",
    "attachment_scrub",
    "attachment_sweep",
    "commendation_deliver",
    "complaint_accept",
    "complaint_assign",
    "complaint_authenticate",
    "complaint_check_counted",
    "complaint_check_throttle",
    "complaint_classify",
    "complaint_close",
    "complaint_notify",
    "complaint_open",
    "complaint_submit",
    "complaint_submit_counted",
    "complaint_submit_throttle",
    "finding_notify",
    "findings_submit",
    "investigation_finish",
    "message_send",
    "officer_identify",
    "reminders_send",
    "resident_add_information",
    "review_record",
    "step_add",
    "step_complete",
    "sweep",
]
