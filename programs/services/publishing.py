"""Program pages: who may edit them, the publishing workflow, revisions and scheduled publishing.

Rules (department policy for public web content):
- A community officer edits only the programs they are assigned to (Program.editors); a
  publisher (permission programs.publish_program) edits every program.
- Nothing an officer writes reaches the public without a publisher's approval: officers send a
  draft for review; only a publisher approves (publishes), sends back, or takes a page down.
- An officer's change to a published page is a pending change (a revision in state "pending"):
  the published page stays live and unchanged; the officer sends it for review, and a
  publisher approves it (it goes live) or sends it back with a note. One pending change per
  page: a later save replaces the earlier one (which stays in the history, "superseded").
- The workflow is the table TRANSITIONS, enforced here only. Every transition, every save and
  every revert is written to the audit log in the same transaction, and every save keeps a
  revision (a snapshot of the whole page: text in both languages, contact, schedule, images
  with their descriptions, partners; programs/services/revisions.py) so staff see who changed
  what and can go back.
- Scheduled publishing: an approved page with a future "publish on" goes live at that time; a
  page with "take down on" returns to draft then (programs_schedule_run, Celery beat).
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.errors import DomainError
from portal.localtime import to_local
from portal.services.audit import audit_record
from portal.services.page_cache import page_cache_generation, page_cache_invalidate
from programs.models import Program, ProgramRevision
from programs.services import revisions

PUBLISH_PERMISSION = "programs.publish_program"

S = Program.Status


@dataclass(frozen=True)
class Transition:
    name: str
    source: str
    target: str
    needs_publisher: bool
    label: object
    action: str  # the audit action it writes


TRANSITIONS = {
    "submit": Transition(
        "submit", S.DRAFT, S.REVIEW, False, _("Send for review"), "programs.program.submitted"
    ),
    "withdraw": Transition(
        "withdraw", S.REVIEW, S.DRAFT, False, _("Back to draft"), "programs.program.withdrawn"
    ),
    "approve": Transition(
        "approve",
        S.REVIEW,
        S.PUBLISHED,
        True,
        _("Approve and publish"),
        "programs.program.approved",
    ),
    "publish": Transition(
        "publish", S.DRAFT, S.PUBLISHED, True, _("Publish now"), "programs.program.published"
    ),
    "unpublish": Transition(
        "unpublish",
        S.PUBLISHED,
        S.DRAFT,
        True,
        _("Take down (to draft)"),
        "programs.program.unpublished",
    ),
}


def content_changed() -> None:
    """Public pages are cached whole (portal.services.page_cache) and program pages' fragments
    by content version: any change starts a new generation of both."""
    page_cache_invalidate()


def content_version() -> int:
    return page_cache_generation()


def is_publisher(user) -> bool:
    return bool(user and user.is_active and user.has_perm(PUBLISH_PERMISSION))


def can_edit(user, program: Program | None) -> bool:
    """May `user` change this program's content? (None: may they create programs at all.)"""
    if not user or not user.is_active or not user.has_perm("programs.change_program"):
        return False
    if is_publisher(user):
        return True
    if program is None or program.pk is None:
        return user.has_perm("programs.add_program")
    return program.editors.filter(pk=user.pk).exists()


def edits_are_pending(user, program: Program | None) -> bool:
    """An officer's save of a published page is kept as a pending change, not made live."""
    return (
        program is not None
        and program.pk is not None
        and program.status == S.PUBLISHED
        and not is_publisher(user)
    )


def transitions_for(user, program: Program) -> list[Transition]:
    allowed = []
    for transition in TRANSITIONS.values():
        if transition.source != program.status:
            continue
        if transition.needs_publisher and not is_publisher(user):
            continue
        if not transition.needs_publisher and not (
            is_publisher(user) or program.editors.filter(pk=user.pk).exists()
        ):
            continue
        allowed.append(transition)
    return allowed


def _last_saved(program: Program) -> ProgramRevision | None:
    return (
        program.revisions.exclude(state__in=[*ProgramRevision.OPEN_STATES, "superseded"])
        .order_by("-created_at", "-id")
        .first()
    )


@transaction.atomic
def program_save(
    *,
    actor: AbstractBaseUser,
    program: Program,
    changed_fields: Sequence[str] = (),
    save_related: Callable[[], None] | None = None,
    pending_snapshot: Callable[[dict | None], dict] | None = None,
) -> ProgramRevision:
    """Save a program page as staff submitted it: `program` carries the submitted values (not
    saved yet; no pk for a new page).

    Who decides what happens is the actor's role (the rules above): an officer's save of a
    published page becomes its pending change (the returned revision is in state "pending")
    and the page stays as it is; any other allowed save writes the page and keeps a revision.
    Either way the audit entry is written in this transaction, and the public pages are
    refreshed after commit when what they show changed.

    The admin's inline forms come in as two callables: `save_related()` writes the submitted
    images, partners and news once the page row exists; `pending_snapshot(base)` describes the
    whole submitted page without saving it (`base`: the open pending change's snapshot). Without
    them, a pending change keeps the images, partners and news of the open pending change, or
    the published ones.
    """
    created = program.pk is None
    current = None if created else Program.objects.select_for_update().get(pk=program.pk)
    if not can_edit(actor, current):
        raise DomainError(
            _("You may change only the programs you are assigned to."), code="not_assigned"
        )
    if edits_are_pending(actor, current):
        base = pending_change(current)
        base_snapshot = base.snapshot if base is not None else None
        if pending_snapshot is not None:
            snapshot = pending_snapshot(base_snapshot)
        else:
            snapshot = revisions.snapshot_of(program)
            for inline in revisions.INLINES:
                if base_snapshot is not None and inline.key in base_snapshot:
                    snapshot[inline.key] = base_snapshot[inline.key]
        return program_change_propose(actor=actor, program=current, snapshot=snapshot)
    if current is not None:
        # The workflow's fields move only through program_transition.
        program.status, program.published_at = current.status, current.published_at
    program.full_clean()
    program.save()
    if save_related is not None:
        save_related()
    if created and not is_publisher(actor):
        program.editors.add(actor)  # whoever writes a page may go on editing it
    return _revision_saved(
        actor=actor, program=program, created=created, changed_fields=changed_fields
    )


def _revision_saved(
    *, actor: AbstractBaseUser, program: Program, created: bool, changed_fields: Sequence[str]
) -> ProgramRevision:
    """The page was just saved: keep a revision and write the audit entry."""
    snapshot = revisions.snapshot_of(program)
    previous = None if created else _last_saved(program)
    if previous is not None:
        changed_fields = revisions.snapshot_changes(previous.snapshot, snapshot)
    revision = ProgramRevision.objects.create(
        program=program,
        author=actor,
        note=str(_("Created")) if created else str(_("Edited")),
        changed_fields=[str(name) for name in changed_fields],
        snapshot=snapshot,
    )
    audit_record(
        actor=actor,
        action="programs.program.added" if created else "programs.program.changed",
        target=program,
        detail={"fields": revision.changed_fields, "revision": revision.pk},
    )
    transaction.on_commit(content_changed)
    return revision


@transaction.atomic
def program_transition(
    *, actor: AbstractBaseUser, program: Program, transition: str, note: str = ""
) -> Program:
    """Move a program through the workflow, if the table and the actor's role allow it."""
    step = TRANSITIONS.get(transition)
    program = Program.objects.select_for_update().get(pk=program.pk)
    if step is None or step.source != program.status:
        raise DomainError(
            _("This page cannot go from “%(status)s” that way."),
            code="bad_transition",
            conflict=True,
            params={"status": program.get_status_display()},
        )
    if step.needs_publisher and not is_publisher(actor):
        raise DomainError(_("Only a publisher can approve or take down a page."), code="forbidden")
    if not step.needs_publisher and not (
        is_publisher(actor) or program.editors.filter(pk=actor.pk).exists()
    ):
        raise DomainError(
            _("You may change only the programs you are assigned to."), code="not_assigned"
        )
    before = program.status
    program.status = step.target
    now = timezone.now()
    if step.target == S.PUBLISHED:
        # Live now, or later when the beat sweep sees "publish on" has come (and marks it).
        program.published_at = now if program.is_live(now) else None
    if step.name == "unpublish":
        program.unpublish_at = None
    program.full_clean()
    program.save(update_fields=["status", "published_at", "unpublish_at", "updated_at"])
    ProgramRevision.objects.create(
        program=program,
        author=actor,
        note=str(step.label) + (f": {note}" if note else ""),
        snapshot=revisions.snapshot_of(program),
    )
    audit_record(
        actor=actor,
        action=step.action,
        target=program,
        detail={"from": before, "to": program.status, "note": note},
    )
    transaction.on_commit(content_changed)
    return program


@transaction.atomic
def program_revert(*, actor: AbstractBaseUser, revision: ProgramRevision) -> Program:
    """Put the whole page back as it was in `revision` (itself recorded as a new revision).
    On a published page an officer's restore is a pending change, like any of their edits."""
    program = Program.objects.select_for_update().get(pk=revision.program_id)
    if not can_edit(actor, program):
        raise DomainError(
            _("You may change only the programs you are assigned to."), code="not_assigned"
        )
    when = to_local(revision.created_at).strftime("%Y-%m-%d %H:%M")
    note = str(_("Restored the version of %(when)s")) % {"when": when}
    if edits_are_pending(actor, program):
        snapshot = {**revisions.snapshot_of(program), **revision.snapshot}
        program_change_propose(actor=actor, program=program, snapshot=snapshot, note=note)
        return program
    changed = revisions.snapshot_apply(program, revision.snapshot)
    ProgramRevision.objects.create(
        program=program,
        author=actor,
        note=note,
        changed_fields=changed,
        snapshot=revisions.snapshot_of(program),
    )
    audit_record(
        actor=actor,
        action="programs.program.reverted",
        target=program,
        detail={"revision": revision.pk, "fields": changed},
    )
    transaction.on_commit(content_changed)
    return program


# --- Pending changes to a published page -----------------------------------------------------


def pending_change(program: Program) -> ProgramRevision | None:
    """The page's open pending change (being written, in review, or sent back), if any."""
    return (
        program.revisions.filter(state__in=ProgramRevision.OPEN_STATES)
        .select_related("author")
        .order_by("-created_at", "-id")
        .first()
    )


def _locked_change(revision: ProgramRevision) -> tuple[Program, ProgramRevision]:
    program = Program.objects.select_for_update().get(pk=revision.program_id)
    revision = ProgramRevision.objects.select_for_update().get(pk=revision.pk)
    return program, revision


@transaction.atomic
def program_change_propose(
    *, actor: AbstractBaseUser, program: Program, snapshot: dict, note: str = ""
) -> ProgramRevision:
    """Keep an officer's edit of a published page as its pending change (replacing an earlier
    one); the published page is untouched."""
    program = Program.objects.select_for_update().get(pk=program.pk)
    if not can_edit(actor, program):
        raise DomainError(
            _("You may change only the programs you are assigned to."), code="not_assigned"
        )
    if program.status != S.PUBLISHED:
        raise DomainError(
            _("Only a published page takes pending changes; edit the draft itself."),
            code="bad_transition",
            conflict=True,
        )
    program.revisions.filter(state__in=ProgramRevision.OPEN_STATES).update(
        state=ProgramRevision.State.SUPERSEDED
    )
    changed = revisions.snapshot_changes(revisions.snapshot_of(program), snapshot)
    revision = ProgramRevision.objects.create(
        program=program,
        author=actor,
        note=note or str(_("Pending change")),
        changed_fields=changed,
        snapshot=snapshot,
        state=ProgramRevision.State.PENDING,
    )
    audit_record(
        actor=actor,
        action="programs.program.proposed",
        target=program,
        detail={"revision": revision.pk, "fields": changed},
    )
    return revision


@transaction.atomic
def program_change_submit(*, actor: AbstractBaseUser, revision: ProgramRevision) -> ProgramRevision:
    """The officer sends the pending change for review."""
    program, revision = _locked_change(revision)
    if not can_edit(actor, program):
        raise DomainError(
            _("You may change only the programs you are assigned to."), code="not_assigned"
        )
    if revision.state not in (ProgramRevision.State.PENDING, ProgramRevision.State.RETURNED):
        raise DomainError(
            _("This change is not waiting to be sent."), code="bad_transition", conflict=True
        )
    revision.state = ProgramRevision.State.REVIEW
    revision.save(update_fields=["state"])
    audit_record(
        actor=actor,
        action="programs.program.change_submitted",
        target=program,
        detail={"revision": revision.pk},
    )
    return revision


@transaction.atomic
def program_change_approve(*, actor: AbstractBaseUser, revision: ProgramRevision) -> Program:
    """A publisher approves a pending change in review: the page becomes what it says."""
    program, revision = _locked_change(revision)
    if not is_publisher(actor):
        raise DomainError(_("Only a publisher can approve or take down a page."), code="forbidden")
    if revision.state != ProgramRevision.State.REVIEW:
        raise DomainError(_("This change is not in review."), code="bad_transition", conflict=True)
    changed = revisions.snapshot_apply(program, revision.snapshot)
    revision.state = ProgramRevision.State.APPROVED
    revision.save(update_fields=["state"])
    ProgramRevision.objects.create(
        program=program,
        author=actor,
        note=str(_("Approved the change of %(who)s")) % {"who": revision.author or "—"},
        changed_fields=changed,
        snapshot=revisions.snapshot_of(program),
    )
    audit_record(
        actor=actor,
        action="programs.program.change_approved",
        target=program,
        detail={"revision": revision.pk, "fields": changed},
    )
    transaction.on_commit(content_changed)
    return program


@transaction.atomic
def program_change_return(
    *, actor: AbstractBaseUser, revision: ProgramRevision, note: str = ""
) -> ProgramRevision:
    """A publisher sends a pending change back to its officer, saying why."""
    program, revision = _locked_change(revision)
    if not is_publisher(actor):
        raise DomainError(_("Only a publisher can approve or take down a page."), code="forbidden")
    if revision.state != ProgramRevision.State.REVIEW:
        raise DomainError(_("This change is not in review."), code="bad_transition", conflict=True)
    revision.state = ProgramRevision.State.RETURNED
    if note:
        revision.note = f"{revision.note} — {note}"[:200]
    revision.save(update_fields=["state", "note"])
    audit_record(
        actor=actor,
        action="programs.program.change_returned",
        target=program,
        detail={"revision": revision.pk, "note": note},
    )
    return revision


def programs_schedule_run(*, now=None) -> dict[str, int]:
    """Beat: take down pages whose time is up, and mark scheduled pages live. Idempotent."""
    now = now or timezone.now()
    done = {"published": 0, "unpublished": 0}
    due_down = Program.objects.filter(status=S.PUBLISHED, unpublish_at__lte=now)
    for pk in due_down.values_list("pk", flat=True):
        with transaction.atomic():
            program = Program.objects.select_for_update().get(pk=pk)
            if (
                program.status != S.PUBLISHED
                or not program.unpublish_at
                or program.unpublish_at > now
            ):
                continue
            program.status = S.DRAFT
            program.unpublish_at = None
            program.save(update_fields=["status", "unpublish_at", "updated_at"])
            audit_record(
                actor=None,
                actor_label="scheduler",
                action="programs.program.unpublished",
                target=program,
                detail={"scheduled": True},
            )
            transaction.on_commit(content_changed)
            done["unpublished"] += 1
    due_up = Program.objects.filter(
        status=S.PUBLISHED, publish_at__lte=now, published_at__isnull=True
    )
    for pk in due_up.values_list("pk", flat=True):
        with transaction.atomic():
            program = Program.objects.select_for_update().get(pk=pk)
            if program.published_at is not None:
                continue
            program.published_at = now
            program.save(update_fields=["published_at", "updated_at"])
            audit_record(
                actor=None,
                actor_label="scheduler",
                action="programs.program.went_live",
                target=program,
                detail={"scheduled": True},
            )
            transaction.on_commit(content_changed)
            done["published"] += 1
    return done
