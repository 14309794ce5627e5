"""Every audit action the programs app writes, with the label the audit log's filter shows.

`AuditedModelAdmin` also writes `programs.<model>.added|changed|deleted|viewed` for the models it
manages; the services write `programs.program.added|changed` and `programs.event.added|changed`
themselves (they save those forms), so they are listed here too.
"""

from django.utils.translation import gettext_lazy as _

from portal.registry import AuditAction, audit_actions

ACTIONS = [
    # Program pages and their publishing workflow (services/publishing.py)
    ("programs.program.added", _("Program page created")),
    ("programs.program.changed", _("Program page saved")),
    ("programs.program.submitted", _("Program page sent for review")),
    ("programs.program.withdrawn", _("Program page taken back to draft")),
    ("programs.program.approved", _("Program page approved and published")),
    ("programs.program.published", _("Program page published")),
    ("programs.program.unpublished", _("Program page taken down")),
    ("programs.program.went_live", _("Scheduled program page went live")),
    ("programs.program.reverted", _("Program page restored to an earlier version")),
    ("programs.program.proposed", _("Change to a published program page kept as pending")),
    ("programs.program.change_submitted", _("Pending program change sent for review")),
    ("programs.program.change_approved", _("Pending program change approved")),
    ("programs.program.change_returned", _("Pending program change sent back")),
    # Events and sign-ups (services/events.py, services/registrations.py)
    ("programs.event.added", _("Event created")),
    ("programs.event.changed", _("Event saved")),
    ("programs.event.proposed", _("Officer's event or event change kept for approval")),
    ("programs.event.change_approved", _("Event change approved and published")),
    ("programs.event.change_rejected", _("Event change sent back")),
    ("programs.event.rescheduled", _("Event moved to a new time")),
    ("programs.event.cancelled", _("Event cancelled")),
    ("programs.registration.held", _("Sign-up made: place held until the e-mail is confirmed")),
    ("programs.registration.confirmed", _("Sign-up confirmed")),
    ("programs.registration.hold_expired", _("Unconfirmed sign-up ended and its place passed on")),
    ("programs.registration.waitlisted", _("Sign-up put on the waiting list")),
    ("programs.registration.offered", _("Freed place offered from the waiting list")),
    ("programs.registration.claimed", _("Offered place claimed")),
    ("programs.registration.expired", _("Offer of a place expired")),
    ("programs.registration.cancelled", _("Sign-up cancelled")),
    # Neighborhoods (services/neighborhoods.py)
    ("programs.subscription.confirmed", _("Neighborhood subscription confirmed")),
    ("programs.subscription.cancelled", _("Neighborhood subscription ended")),
    ("programs.problem.saved", _("Problem board entry saved")),
]


def register() -> None:
    for key, label in ACTIONS:
        audit_actions.register(AuditAction(key=key, label=label))
