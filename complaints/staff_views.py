"""The staff side: internal affairs' and supervisors' queue and case pages, the front desk's
entry form, and the civilian review board's queue and review page (/staff/complaints/...).

Every page takes a verified staff session (the kernel's VerifiedSessionMiddleware and
`staff_member_required`) and asks complaints/access.py what this person may see of a case:
a superuser or a site administrator outside these roles gets 403 like anyone else. Each
opening of a case is audited (services.complaint_open); each form posts to one service.
"""

from functools import wraps

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from complaints import access, forms, selectors, services
from complaints.access import Access
from complaints.models import Allegation, Complaint, ComplaintAttachment, InvestigationStep
from complaints.services import workflow
from complaints.views import submit_from_form
from portal.forms import add_domain_errors
from portal.models import Officer


def complaints_staff(view):
    """Staff in internal affairs, the supervisors or the review board; 403 for anyone else."""

    @staff_member_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not access.is_complaints_staff(request.user):
            raise PermissionDenied
        response = view(request, *args, **kwargs)
        response.headers["Cache-Control"] = "no-store, private"
        return response

    return wrapper


def _case_or_404(pk: int) -> Complaint:
    complaint = selectors.case_get(pk=pk)
    if complaint is None:
        raise Http404
    return complaint


@complaints_staff
def queue(request):
    if not (access.is_internal_affairs(request.user) or access.is_supervisor(request.user)):
        return redirect("complaints_staff:board")
    stage = request.GET.get("stage", selectors.OPEN)  # "" (all stages) only when chosen
    kind = request.GET.get("kind", "")
    cases = selectors.staff_queue(user=request.user, stage=stage, kind=kind)[:200]
    return render(
        request,
        "complaints/staff/queue.html",
        {
            "cases": cases,
            "stage": stage,
            "kind": kind,
            "stages": Complaint.Stage.choices,
            "kinds": Complaint.Kind.choices,
            "can_enter": request.user.has_perm("complaints.enter_complaint"),
        },
    )


@complaints_staff
def enter(request):
    """Front desk and mail: the resident's form, entered by staff, through the same service."""
    if not request.user.has_perm("complaints.enter_complaint"):
        raise PermissionDenied
    form = forms.ComplaintForm(request.POST or None, request.FILES or None, staff=True)
    if request.method == "POST" and form.is_valid():
        try:
            result = submit_from_form(
                form, channel=form.cleaned_data["channel"], entered_by=request.user
            )
        except ValidationError as error:
            add_domain_errors(form, error)
        else:
            return render(
                request,
                "complaints/staff/entered.html",
                {
                    "complaint": result.complaint,
                    "passphrase": result.passphrase,
                    "can_open": access.access_for(request.user, result.complaint) is not None,
                },
            )
    return render(
        request,
        "complaints/staff/enter.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )


# --- the case page ---------------------------------------------------------------------------

ACTIONS = {
    # action: (form class or None, services call)
    "accept": (None, lambda user, c, d: services.complaint_accept(actor=user, complaint=c)),
    "deliver": (None, lambda user, c, d: services.commendation_deliver(actor=user, complaint=c)),
    "classify": (
        forms.ClassifyForm,
        lambda user, c, d: services.complaint_classify(
            actor=user, complaint=c, seriousness=d["seriousness"]
        ),
    ),
    "assign": (
        forms.AssignForm,
        lambda user, c, d: services.complaint_assign(
            actor=user,
            complaint=c,
            assignee_kind=d["assignee_kind"],
            assigned_to=d["assigned_to"],
            due_on=d["due_on"],
        ),
    ),
    "finish_investigation": (
        None,
        lambda user, c, d: services.investigation_finish(actor=user, complaint=c),
    ),
    "submit_findings": (
        None,
        lambda user, c, d: services.findings_submit(actor=user, complaint=c),
    ),
    "close": (
        forms.CloseForm,
        lambda user, c, d: services.complaint_close(
            actor=user, complaint=c, outcome=d["outcome"], outcome_summary=d["outcome_summary"]
        ),
    ),
    "message": (
        forms.MessageForm,
        lambda user, c, d: services.message_send(actor=user, complaint=c, body=d["body"]),
    ),
    "step": (
        forms.StepForm,
        lambda user, c, d: services.step_add(
            actor=user,
            complaint=c,
            kind=d["kind"],
            title=d["title"],
            notes=d["notes"],
            due_on=d["due_on"],
            done_on=d["done_on"],
        ),
    ),
    "step_done": (
        forms.StepDoneForm,
        lambda user, c, d: services.step_complete(
            actor=user, step=_child(InvestigationStep, c, d["step"])
        ),
    ),
    "finding": (
        forms.FindingForm,
        lambda user, c, d: services.allegation_find(
            actor=user, allegation=_child(Allegation, c, d["allegation"]), finding=d["finding"]
        ),
    ),
    "identify": (
        forms.IdentifyForm,
        lambda user, c, d: services.officer_identify(
            actor=user, link=c.officers.get(pk=d["link"]), officer=d["officer"]
        ),
    ),
}


def _child(model, complaint: Complaint, pk: int):
    item = model.objects.filter(complaint=complaint, pk=pk).first()
    if item is None:
        raise Http404
    return item


def _allegation_form(complaint, data=None):
    return forms.AllegationForm(data, complaint=complaint, prefix="allegation")


DONE = {
    "accept": _("The case is accepted for classification."),
    "deliver": _("The commendation was delivered."),
    "classify": _("The case is classified."),
    "assign": _("The case is assigned."),
    "finish_investigation": _("The investigation is finished: make the findings."),
    "submit_findings": _("The findings are recorded: decide the outcome."),
    "close": _("The case is closed; the complainant will be told the finding."),
    "message": _("Your message was sent."),
    "step": _("The step is recorded."),
    "step_done": _("The step is marked done."),
    "finding": _("The finding is recorded."),
    "identify": _("The officer is identified."),
    "allegation": _("The allegation is added."),
}


@complaints_staff
def case(request, pk: int):
    complaint = _case_or_404(pk)
    level = access.access_for(request.user, complaint)
    if level is None:
        raise PermissionDenied
    if level == Access.BOARD:
        return redirect("complaints_staff:board_case", pk=complaint.pk)
    bound: dict = {}
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "allegation":
                form = _allegation_form(complaint, request.POST)
                bound["allegation"] = form
                if form.is_valid():
                    link = form.cleaned_data["officer"]
                    services.allegation_add(
                        actor=request.user,
                        complaint=complaint,
                        category=form.cleaned_data["category"],
                        summary=form.cleaned_data["summary"],
                        officer=complaint.officers.filter(pk=link).first() if link else None,
                    )
                    messages.success(request, DONE[action])
                    return redirect("complaints_staff:case", pk=complaint.pk)
            elif action in ACTIONS:
                form_class, call = ACTIONS[action]
                form = form_class(request.POST, prefix=action) if form_class else None
                if form is not None:
                    bound[action] = form
                if form is None or form.is_valid():
                    call(request.user, complaint, form.cleaned_data if form else {})
                    messages.success(request, DONE[action])
                    return redirect("complaints_staff:case", pk=complaint.pk)
            else:
                raise Http404
        except ValidationError as error:
            if action in bound:
                add_domain_errors(bound[action], error)
            else:
                messages.error(request, " ".join(str(m) for m in error.messages))
        status = 400
        complaint = _case_or_404(pk)
    # Every showing of the case is a reading, the form sent back with an error included.
    services.complaint_open(actor=request.user, complaint=complaint)
    return render(
        request,
        "complaints/staff/case.html",
        _case_context(request, complaint, level, bound),
        status=status,
    )


def _case_context(request, complaint: Complaint, level: Access, bound: dict) -> dict:
    stage = complaint.stage
    identity = level == Access.IDENTITY

    def form(name, cls, **kwargs):
        return bound.get(name) or cls(prefix=name, **kwargs)

    allegations = list(complaint.allegations.all())
    return {
        "complaint": complaint,
        "level": str(level),
        "identity": identity,
        "officers": list(complaint.officers.all()),
        "allegations": allegations,
        "steps": list(complaint.steps.all()),
        "thread": list(complaint.messages.all()) if identity else [],
        "attachments": list(complaint.attachments.all()) if identity else [],
        "witnesses": list(complaint.witnesses.all()) if identity else [],
        "stages": selectors.stage_steps(complaint=complaint),
        "can_add_allegation": identity and stage in workflow.ALLEGATION_STAGES,
        "can_add_step": stage in workflow.STEP_STAGES and not complaint.is_commendation,
        "can_find": stage == Complaint.Stage.FINDING,
        "allegation_form": bound.get("allegation") or _allegation_form(complaint),
        "identify_form": form("identify", forms.IdentifyForm),
        "classify_form": form("classify", forms.ClassifyForm),
        "assign_form": form("assign", forms.AssignForm),
        "step_form": form("step", forms.StepForm),
        "close_form": form("close", forms.CloseForm),
        "message_form": form("message", forms.MessageForm),
        "finding_choices": [c for c in Allegation.Finding.choices if c[0]],
        "officer_choices": Officer.objects.order_by("name"),
    }


@complaints_staff
def attachment(request, pk: int, attachment_pk: int):
    complaint = _case_or_404(pk)
    item = ComplaintAttachment.objects.filter(complaint=complaint, pk=attachment_pk).first()
    if item is None:
        raise Http404
    try:
        data, content_type = services.attachment_read(actor=request.user, attachment=item)
    except ValidationError as error:
        if getattr(error, "domain_code", "") == "not_allowed":
            raise PermissionDenied from error
        raise Http404 from error
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="file-{item.pk}"'
    return response


@complaints_staff
def officer(request, pk: int):
    if not (access.is_internal_affairs(request.user) or access.is_supervisor(request.user)):
        raise PermissionDenied
    person = Officer.objects.filter(pk=pk).first()
    if person is None or (person.user_id and person.user_id == request.user.pk):
        raise Http404
    record = selectors.officer_record(officer=person)
    findings = [
        (label, record["findings"].get(value, 0))
        for value, label in Allegation.Finding.choices
        if value
    ]
    return render(
        request,
        "complaints/staff/officer.html",
        {"officer": person, "record": record, "findings": findings},
    )


# --- the civilian review board ----------------------------------------------------------------


@complaints_staff
def board(request):
    if not access.is_board_member(request.user):
        raise PermissionDenied
    return render(
        request,
        "complaints/staff/board.html",
        {
            "due": selectors.board_queue(user=request.user)[:200],
            "reviewed": selectors.board_reviewed(user=request.user),
        },
    )


@complaints_staff
def board_case(request, pk: int):
    complaint = _case_or_404(pk)
    if access.access_for(request.user, complaint) != Access.BOARD:
        raise PermissionDenied
    form = forms.ReviewForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.review_record(
                    actor=request.user,
                    complaint=complaint,
                    position=form.cleaned_data["position"],
                    reasons=form.cleaned_data["reasons"],
                    recommendation=form.cleaned_data["recommendation"],
                    reviewed_on=form.cleaned_data["reviewed_on"],
                )
            except ValidationError as error:
                add_domain_errors(form, error)
            else:
                messages.success(request, _("The board's review is recorded."))
                return redirect("complaints_staff:board")
        status = 400
    services.complaint_open(actor=request.user, complaint=complaint)
    review = (
        getattr(complaint, "board_review", None) if hasattr(complaint, "board_review") else None
    )
    return render(
        request,
        "complaints/staff/board_case.html",
        {
            "complaint": complaint,
            "allegations": list(complaint.allegations.all()),
            "steps": list(complaint.steps.all()),
            "review": review,
            "form": form,
        },
        status=status,
    )
