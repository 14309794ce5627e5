"""Every write of careers, and its rules.

- An internship application is checked and cleaned before anything is stored: the CV must be a
  PDF (by its content, not its name) of at most CAREERS_CV_MAX_MB and CAREERS_CV_MAX_PAGES
  pages; it is rasterised by portal.scrub (nothing of the original file survives but what its
  pages show) and stored encrypted with the "careers" keyring. The application, its audit entry
  and the confirmation e-mail (outbox) are written in one transaction: nothing half-saved.
- Status follows one table (TRANSITIONS): received -> under review -> shortlisted ->
  interview -> offered, and "not selected" from any open state. `application_update` is the one
  door (admin form, admin shortlist action): it locks the row, checks the move, writes the
  audit entry and e-mails the applicant in their language on every change of status.
- Department policy: an unsuccessful application (not selected) and its CV are deleted
  the department's retention period for "careers.application" (set in admin; default
  CAREERS_RETENTION_DAYS, 180) after the decision, unless a legal hold keeps it, by the
  kernel's hourly retention purge (careers/retention.py registers the kind).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from careers import crypto
from careers.models import InternshipApplication
from portal import scrub
from portal.errors import DomainError
from portal.links import SignedLink, absolute_url
from portal.selectors import department_get
from portal.services.audit import audit_record
from portal.services.notifications import notification_enqueue
from portal.services.retention import retention_days

Status = InternshipApplication.Status

# The applicant's status link: it does not expire while the application exists.
STATUS_LINK = SignedLink(salt="careers.application.status")

TRANSITIONS: dict[str, set[str]] = {
    Status.RECEIVED: {Status.UNDER_REVIEW, Status.SHORTLISTED, Status.NOT_SELECTED},
    Status.UNDER_REVIEW: {Status.SHORTLISTED, Status.NOT_SELECTED},
    Status.SHORTLISTED: {Status.INTERVIEW, Status.NOT_SELECTED},
    Status.INTERVIEW: {Status.OFFERED, Status.NOT_SELECTED},
    Status.OFFERED: set(),
    Status.NOT_SELECTED: set(),
}
DECIDED = {Status.OFFERED, Status.NOT_SELECTED}

# What the applicant reads about each status, in plain words (status page and e-mails).
STATUS_EXPLAINED = {
    Status.RECEIVED: gettext_lazy(
        "We have your application. A reviewer will read it; this usually takes two to three weeks."
    ),
    Status.UNDER_REVIEW: gettext_lazy("A reviewer is reading your application and your CV."),
    Status.SHORTLISTED: gettext_lazy(
        "Good news: you are on the shortlist. We will write to you about an interview."
    ),
    Status.INTERVIEW: gettext_lazy(
        "We would like to meet you. We will contact you by e-mail or phone to set a time."
    ),
    Status.OFFERED: gettext_lazy(
        "We are offering you a place in the internship. We will contact you about next steps."
    ),
    Status.NOT_SELECTED: gettext_lazy(
        "We are sorry: you were not selected this time. Thank you for applying; you are "
        "welcome to apply again. We delete your application and your CV after %(days)d days."
    ),
}


# The period is the department's, set in admin (portal retention policies); the setting
# CAREERS_RETENTION_DAYS is its default.
RETENTION_KIND = "careers.application"


def status_explained(status: str) -> str:
    days = retention_days(RETENTION_KIND) if status == Status.NOT_SELECTED else 0
    return str(STATUS_EXPLAINED[status]) % {"days": days}


def status_token(*, application: InternshipApplication) -> str:
    return STATUS_LINK.make(str(application.public_id))


def status_token_read(*, token: str) -> str | None:
    return STATUS_LINK.read(token)


def status_url(*, application: InternshipApplication) -> str:
    with translation.override(application.language):
        path = reverse("careers:status", kwargs={"token": status_token(application=application)})
    return absolute_url(path)


def _email(*, application: InternshipApplication, subject: str, body: str, key: str) -> None:
    notification_enqueue(
        channel="email",
        recipient=application.email,
        subject=subject,
        body=body,
        language=application.language,
        dedupe_key=f"careers.application.{application.pk}.{key}",
    )


def _cv_messages() -> dict[str, str]:
    return {
        "file_empty": _("Your CV file is empty."),
        "file_type": _(
            "Your CV must be a PDF. Files are checked by what they contain, not by their name."
        ),
        "file_too_large": _("Your CV is too large: %(mb)d MB at most.")
        % {"mb": settings.CAREERS_CV_MAX_MB},
        "pdf_encrypted": _("Your CV is locked with a password. Please save it without one."),
        "pdf_broken": _("Your CV is damaged and cannot be opened. Please save it as a PDF again."),
        "pdf_pages": _("Your CV may have from 1 to %(pages)d pages.")
        % {"pages": settings.CAREERS_CV_MAX_PAGES},
    }


def cv_clean(*, data: bytes) -> bytes:
    """The CV as a clean PDF of page images, or a DomainError on the "cv" field saying why not."""
    try:
        scrub.check_file(
            data,
            allowed=("pdf",),
            limits={"pdf": settings.CAREERS_CV_MAX_MB * scrub.MB},
            max_pdf_pages=settings.CAREERS_CV_MAX_PAGES,
            field="cv",
        )
    except DomainError as error:
        # The kernel speaks of "one of the files"; here there is one, the CV.
        message = _cv_messages().get(error.domain_code)
        if message is None:
            raise
        raise DomainError(message, code=error.domain_code, field="cv") from error
    try:
        return scrub.clean_pdf(data, max_pages=settings.CAREERS_CV_MAX_PAGES).data
    except ValueError as error:
        raise DomainError(
            _("Your CV could not be read as a PDF. Please save it as a PDF again and retry."),
            code="cv_unreadable",
            field="cv",
        ) from error


def application_submit(
    *,
    name: str,
    email: str,
    phone: str,
    school: str,
    program_of_study: str,
    expected_graduation: str,
    semester: str,
    hours_per_week: int,
    statement: str,
    cv: bytes,
    language: str,
) -> InternshipApplication:
    """Store an application with its cleaned, encrypted CV, and confirm it by e-mail."""
    clean_cv = cv_clean(data=cv)  # before the transaction: refuse before storing anything
    with transaction.atomic():
        application = InternshipApplication(
            name=name,
            email=email,
            phone=phone,
            school=school,
            program_of_study=program_of_study,
            expected_graduation=expected_graduation,
            semester=semester,
            hours_per_week=hours_per_week,
            statement=statement,
            language=language,
        )
        application.cv.save("cv.bin", crypto.encrypted_file(clean_cv), save=False)
        try:
            application.full_clean(exclude=["cv"])
            application.save()
            audit_record(
                actor=None,
                actor_label="applicant",
                action="careers.application.submitted",
                target=application,
            )
            with translation.override(language):
                _email(
                    application=application,
                    subject=_("Your internship application %(code)s")
                    % {"code": application.tracking_code},
                    body=_(
                        "Thank you for applying to the college internship.\n\n"
                        "Your tracking code is %(code)s. Follow your application here:\n"
                        "%(url)s\n\n%(explained)s\n\n%(department)s"
                    )
                    % {
                        "code": application.tracking_code,
                        "url": status_url(application=application),
                        "explained": status_explained(application.status),
                        "department": department_get().name,
                    },
                    key="received",
                )
        except BaseException:
            application.cv.delete(save=False)  # the transaction rolls back; no file is left
            raise
    return application


@transaction.atomic
def application_update(
    *,
    actor: AbstractBaseUser | None,
    application: InternshipApplication,
    status: str | None = None,
    notes: str | None = None,
) -> InternshipApplication:
    """Change an application's status and/or reviewers' notes (the one door for both)."""
    locked = InternshipApplication.objects.select_for_update().get(pk=application.pk)
    changed_status = status is not None and status != locked.status
    if changed_status and status not in TRANSITIONS[locked.status]:
        raise DomainError(
            _("An application that is “%(current)s” cannot become “%(wanted)s”.")
            % {
                "current": Status(locked.status).label,
                "wanted": Status(status).label,
            },
            code="transition_not_allowed",
            field="status",
            conflict=True,
        )
    changed_notes = notes is not None and notes != locked.notes
    if changed_notes:
        locked.notes = notes
        audit_record(actor=actor, action="careers.application.noted", target=locked)
    if changed_status:
        previous = locked.status
        locked.status = status
        locked.decided_at = timezone.now() if status in DECIDED else None
        audit_record(
            actor=actor,
            action="careers.application.status_changed",
            target=locked,
            detail={"from": previous, "to": status},
        )
        with translation.override(locked.language):
            _email(
                application=locked,
                subject=_("Your internship application %(code)s: %(status)s")
                % {"code": locked.tracking_code, "status": Status(status).label},
                body=_(
                    "The status of your internship application %(code)s is now: %(status)s.\n\n"
                    "%(explained)s\n\nFollow your application here:\n%(url)s\n\n%(department)s"
                )
                % {
                    "code": locked.tracking_code,
                    "status": Status(status).label,
                    "explained": status_explained(status),
                    "url": status_url(application=locked),
                    "department": department_get().name,
                },
                key=status,
            )
    if changed_status or changed_notes:
        locked.reviewed_by = actor if getattr(actor, "is_authenticated", False) else None
        locked.full_clean(exclude=["cv"])
        locked.save()
    application.refresh_from_db()
    return locked
